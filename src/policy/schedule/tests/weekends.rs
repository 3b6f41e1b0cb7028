//! Weekends on and off: a Saturday or Sunday reminder moves to the Friday before, two stages
//! moved onto one Friday become one reminder, the expired notice moves to the Monday after.

use super::super::{PasswordHistory, ScheduleRules, password_schedule};
use super::{dated, plan, utc, weekends};

#[test]
fn saturday_stages_move_to_friday_and_a_saturday_notice_to_monday() {
    let history = PasswordHistory::default();
    // 08:00 PDT on Saturday 2026-06-20; the 14 and 7-day stages fall on Saturdays.
    let cycle = dated(utc("2026-06-20T15:00:00Z"), &history);
    assert_eq!(
        plan(&password_schedule(&cycle, &weekends())),
        vec![
            (14, utc("2026-06-05T17:00:00Z")),
            (7, utc("2026-06-12T17:00:00Z")),
            (4, utc("2026-06-16T17:00:00Z")),
            (2, utc("2026-06-18T17:00:00Z")),
            (1, utc("2026-06-19T17:00:00Z")),
            (0, utc("2026-06-22T17:00:00Z")),
        ]
    );
}

#[test]
fn a_sunday_stage_moves_to_friday() {
    let history = PasswordHistory::default();
    // Thursday 2026-06-18: the 4-day stage is Sunday the 14th.
    let cycle = dated(utc("2026-06-18T15:00:00Z"), &history);
    let stages = |rules| plan(&password_schedule(&cycle, &rules));
    assert_eq!(stages(weekends())[2], (4, utc("2026-06-12T17:00:00Z")));
    assert_eq!(
        stages(ScheduleRules::default())[2],
        (4, utc("2026-06-14T17:00:00Z"))
    );
}

#[test]
fn saturday_and_sunday_stages_merge_into_one_friday_reminder_of_the_nearer_stage() {
    let history = PasswordHistory::default();
    // Monday 2026-06-15: stage 2 is Saturday, stage 1 Sunday.
    let cycle = dated(utc("2026-06-15T15:00:00Z"), &history);
    assert_eq!(
        plan(&password_schedule(&cycle, &weekends())),
        vec![
            (14, utc("2026-06-01T17:00:00Z")),
            (7, utc("2026-06-08T17:00:00Z")),
            (4, utc("2026-06-11T17:00:00Z")),
            (1, utc("2026-06-12T17:00:00Z")),
            (0, utc("2026-06-15T17:00:00Z")),
        ]
    );
    assert_eq!(
        plan(&password_schedule(&cycle, &ScheduleRules::default())),
        vec![
            (14, utc("2026-06-01T17:00:00Z")),
            (7, utc("2026-06-08T17:00:00Z")),
            (4, utc("2026-06-11T17:00:00Z")),
            (2, utc("2026-06-13T17:00:00Z")),
            (1, utc("2026-06-14T17:00:00Z")),
            (0, utc("2026-06-15T17:00:00Z")),
        ]
    );
}

#[test]
fn a_friday_before_the_cycle_start_sends_at_the_first_weekday_slot_after_it() {
    let history = PasswordHistory::default();
    // Expires Monday 2026-06-15 15:00 PDT; changed Friday the 12th at 12:00 PDT, after that
    // Friday's 10:00 slot. The weekend stages go on Monday 10:00 instead, merged as stage 1.
    let mut cycle = dated(utc("2026-06-15T22:00:00Z"), &history);
    cycle.password_changed = Some(utc("2026-06-12T19:00:00Z"));
    assert_eq!(
        plan(&password_schedule(&cycle, &weekends())),
        vec![
            (1, utc("2026-06-15T17:00:00Z")),
            (0, utc("2026-06-16T17:00:00Z")),
        ]
    );
}

#[test]
fn a_weekend_stage_with_no_weekday_left_before_the_expiry_leaves_the_notice() {
    let history = PasswordHistory::default();
    // As above but expiring Monday 09:00 PDT, before Monday's slot.
    let mut cycle = dated(utc("2026-06-15T16:00:00Z"), &history);
    cycle.password_changed = Some(utc("2026-06-12T19:00:00Z"));
    assert_eq!(
        plan(&password_schedule(&cycle, &weekends())),
        vec![(0, utc("2026-06-15T17:00:00Z"))]
    );
    // Weekends allowed: both weekend stages go on their own days.
    assert_eq!(
        plan(&password_schedule(&cycle, &ScheduleRules::default())),
        vec![
            (2, utc("2026-06-13T17:00:00Z")),
            (1, utc("2026-06-14T17:00:00Z")),
            (0, utc("2026-06-15T17:00:00Z")),
        ]
    );
}
