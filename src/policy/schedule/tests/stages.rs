//! The stage examples with their exact UTC send instants.

use super::super::{
    PasswordHistory, ScheduleRules, current_stage, next_password_reminder, password_schedule,
    password_stages,
};
use super::{dated, plan, sent, utc};

#[test]
fn stages_halve_rounding_up() {
    assert_eq!(password_stages(14), vec![14, 7, 4, 2, 1]);
    assert_eq!(password_stages(30), vec![30, 15, 8, 4, 2, 1]);
    assert_eq!(password_stages(1), vec![1]);
    assert_eq!(password_stages(0), Vec::<u32>::new());
}

#[test]
fn fourteen_days_at_ten_pacific_then_the_expired_notice() {
    let history = PasswordHistory::default();
    // 08:00 PDT on Saturday 2026-06-20.
    let cycle = dated(utc("2026-06-20T15:00:00Z"), &history);
    let items = password_schedule(&cycle, &ScheduleRules::default());
    assert_eq!(
        plan(&items),
        vec![
            (14, utc("2026-06-06T17:00:00Z")),
            (7, utc("2026-06-13T17:00:00Z")),
            (4, utc("2026-06-16T17:00:00Z")),
            (2, utc("2026-06-18T17:00:00Z")),
            (1, utc("2026-06-19T17:00:00Z")),
            // The expiry day's 10:00 is after the 08:00 expiry.
            (0, utc("2026-06-20T17:00:00Z")),
        ]
    );
}

#[test]
fn thirty_days_and_an_expiry_after_the_send_hour() {
    let history = PasswordHistory::default();
    // 13:00 PDT on 2026-07-31: that day's 10:00 slot is before it, the notice goes next day.
    let cycle = dated(utc("2026-07-31T20:00:00Z"), &history);
    let rules = ScheduleRules {
        password_first_days: 30,
        ..ScheduleRules::default()
    };
    assert_eq!(
        plan(&password_schedule(&cycle, &rules)),
        vec![
            (30, utc("2026-07-01T17:00:00Z")),
            (15, utc("2026-07-16T17:00:00Z")),
            (8, utc("2026-07-23T17:00:00Z")),
            (4, utc("2026-07-27T17:00:00Z")),
            (2, utc("2026-07-29T17:00:00Z")),
            (1, utc("2026-07-30T17:00:00Z")),
            (0, utc("2026-08-01T17:00:00Z")),
        ]
    );
}

#[test]
fn the_send_hour_and_zone_are_configurable() {
    let history = PasswordHistory::default();
    let cycle = dated(utc("2026-06-20T15:00:00Z"), &history);
    let rules = ScheduleRules {
        zone: chrono_tz::Europe::Berlin,
        password_send_at: chrono::NaiveTime::from_hms_opt(9, 30, 0).expect("valid time"),
        password_first_days: 2,
        ..ScheduleRules::default()
    };
    // 15:00Z is 17:00 CEST, after 09:30 (07:30Z): the notice goes on the 21st.
    assert_eq!(
        plan(&password_schedule(&cycle, &rules)),
        vec![
            (2, utc("2026-06-18T07:30:00Z")),
            (1, utc("2026-06-19T07:30:00Z")),
            (0, utc("2026-06-21T07:30:00Z")),
        ]
    );
}

#[test]
fn stages_before_the_cycle_start_are_not_part_of_it() {
    let history = PasswordHistory::default();
    let mut cycle = dated(utc("2026-06-20T15:00:00Z"), &history);
    // A 10-day policy: changed 2026-06-10 08:00Z, after the 14-day stage.
    cycle.password_changed = Some(utc("2026-06-10T08:00:00Z"));
    let items = password_schedule(&cycle, &ScheduleRules::default());
    assert_eq!(
        items.iter().map(|d| d.stage).collect::<Vec<_>>(),
        vec![Some(7), Some(4), Some(2), Some(1), None]
    );
}

#[test]
fn next_skips_what_was_sent_and_what_is_past() {
    let rules = ScheduleRules::default();
    let expiry = utc("2026-06-20T15:00:00Z");
    let empty = PasswordHistory::default();
    let items = password_schedule(&dated(expiry, &empty), &rules);
    let history = PasswordHistory {
        password_changed: Some(expiry - chrono::Duration::days(90)),
        sent: vec![sent(&items[0], false)],
        answers: vec![],
    };
    let cycle = dated(expiry, &history);
    // Before the first slot: the 14-day stage already went, so the 7-day one is next.
    let early = utc("2026-06-01T00:00:00Z");
    assert_eq!(
        next_password_reminder(&cycle, &rules, early),
        Some(items[1].clone())
    );
    // Exactly at a slot it is still due; a second later the next one is.
    let at_four = items[2].send_at;
    assert_eq!(
        next_password_reminder(&cycle, &rules, at_four),
        Some(items[2].clone())
    );
    let after_four = at_four + chrono::Duration::seconds(1);
    assert_eq!(
        next_password_reminder(&cycle, &rules, after_four),
        Some(items[3].clone())
    );
    // After the expired notice's slot nothing is left.
    let late = utc("2026-06-21T00:00:00Z");
    assert_eq!(next_password_reminder(&cycle, &rules, late), None);
}

#[test]
fn current_stage_is_the_latest_item_passed() {
    let rules = ScheduleRules::default();
    let history = PasswordHistory::default();
    let cycle = dated(utc("2026-06-20T15:00:00Z"), &history);
    let stage_at = |now| current_stage(&cycle, &rules, utc(now)).map(|d| (d.kind, d.stage));
    assert_eq!(stage_at("2026-06-06T16:59:59Z"), None);
    assert_eq!(
        stage_at("2026-06-06T17:00:00Z"),
        Some((super::ReminderKind::PasswordReminder, Some(14)))
    );
    assert_eq!(
        stage_at("2026-06-17T09:00:00Z"),
        Some((super::ReminderKind::PasswordReminder, Some(4)))
    );
    assert_eq!(
        stage_at("2026-07-01T00:00:00Z"),
        Some((super::ReminderKind::PasswordExpired, None))
    );
}

#[test]
fn a_password_that_never_expires_has_no_schedule() {
    let history = PasswordHistory::default();
    let mut cycle = dated(utc("2026-06-20T15:00:00Z"), &history);
    cycle.expires_at = None;
    assert!(password_schedule(&cycle, &ScheduleRules::default()).is_empty());
}
