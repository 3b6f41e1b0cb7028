//! Both daylight-saving days of 2026: the local hour stays, the UTC instant moves.

use super::super::{PasswordHistory, ScheduleRules, password_schedule};
use super::{dated, plan, utc};

#[test]
fn spring_forward_2026_03_08_moves_the_send_from_18z_to_17z() {
    let history = PasswordHistory::default();
    // 11:00 PDT on Tuesday 2026-03-10.
    let cycle = dated(utc("2026-03-10T18:00:00Z"), &history);
    assert_eq!(
        plan(&password_schedule(&cycle, &ScheduleRules::default())),
        vec![
            (14, utc("2026-02-24T18:00:00Z")),
            (7, utc("2026-03-03T18:00:00Z")),
            // Friday before the change: 10:00 PST.
            (4, utc("2026-03-06T18:00:00Z")),
            // The change day itself and after: 10:00 PDT.
            (2, utc("2026-03-08T17:00:00Z")),
            (1, utc("2026-03-09T17:00:00Z")),
            (0, utc("2026-03-11T17:00:00Z")),
        ]
    );
}

#[test]
fn fall_back_2026_11_01_moves_the_send_from_17z_to_18z() {
    let history = PasswordHistory::default();
    // 11:00 PST on Tuesday 2026-11-03.
    let cycle = dated(utc("2026-11-03T19:00:00Z"), &history);
    assert_eq!(
        plan(&password_schedule(&cycle, &ScheduleRules::default())),
        vec![
            (14, utc("2026-10-20T17:00:00Z")),
            (7, utc("2026-10-27T17:00:00Z")),
            // Friday before the change: 10:00 PDT.
            (4, utc("2026-10-30T17:00:00Z")),
            // The change day itself and after: 10:00 PST.
            (2, utc("2026-11-01T18:00:00Z")),
            (1, utc("2026-11-02T18:00:00Z")),
            (0, utc("2026-11-04T18:00:00Z")),
        ]
    );
}

#[test]
fn an_expiry_day_is_the_pacific_calendar_day_not_the_utc_one() {
    let history = PasswordHistory::default();
    // 2026-03-10 05:00Z is 22:00 PDT on the 9th: stage 1 is the 8th, the notice the 10th.
    let cycle = dated(utc("2026-03-10T05:00:00Z"), &history);
    let items = password_schedule(&cycle, &ScheduleRules::default());
    let tail: Vec<_> = plan(&items).into_iter().rev().take(2).collect();
    assert_eq!(
        tail,
        vec![
            (0, utc("2026-03-10T17:00:00Z")),
            (1, utc("2026-03-08T17:00:00Z")),
        ]
    );
}
