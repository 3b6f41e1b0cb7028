//! The one expired notice: dated (after the expiry) and undated (after the scan saw the
//! PASSWORD_EXPIRED user), and nothing after it.

use chrono::Duration;

use super::super::{
    PasswordCycle, PasswordHistory, ReminderKind, ScheduleRules, next_password_reminder,
    password_schedule,
};
use super::{dated, plan, sent, utc, weekends};

fn undated<'a>(seen_at: &str, history: &'a PasswordHistory) -> PasswordCycle<'a> {
    PasswordCycle {
        expires_at: None,
        status_expired: true,
        password_changed: None,
        seen_at: utc(seen_at),
        history,
    }
}

#[test]
fn an_undated_expired_user_gets_one_notice_at_the_first_slot_after_being_seen() {
    let history = PasswordHistory::default();
    let rules = ScheduleRules::default();
    // Seen Tuesday 2026-05-05 13:00 PDT: that day's slot passed, Wednesday's.
    assert_eq!(
        plan(&password_schedule(
            &undated("2026-05-05T20:00:00Z", &history),
            &rules
        )),
        vec![(0, utc("2026-05-06T17:00:00Z"))]
    );
    // Seen at 09:00 PDT: the same day's slot.
    assert_eq!(
        plan(&password_schedule(
            &undated("2026-05-05T16:00:00Z", &history),
            &rules
        )),
        vec![(0, utc("2026-05-05T17:00:00Z"))]
    );
    // Seen on Saturday 2026-06-13 with weekends skipped: Monday.
    assert_eq!(
        plan(&password_schedule(
            &undated("2026-06-13T16:00:00Z", &history),
            &weekends()
        )),
        vec![(0, utc("2026-06-15T17:00:00Z"))]
    );
}

#[test]
fn once_the_notice_went_nothing_more_is_due() {
    let rules = ScheduleRules::default();
    let empty = PasswordHistory::default();
    let expiry = utc("2026-06-20T15:00:00Z");
    let notice = password_schedule(&dated(expiry, &empty), &rules)
        .pop()
        .expect("a notice");
    assert_eq!(notice.kind, ReminderKind::PasswordExpired);
    let history = PasswordHistory {
        password_changed: Some(expiry - Duration::days(90)),
        sent: vec![sent(&notice, false)],
        answers: vec![],
    };
    let cycle = dated(expiry, &history);
    assert_eq!(next_password_reminder(&cycle, &rules, notice.send_at), None);
    // Before it was due the schedule had it next.
    assert_eq!(
        next_password_reminder(&dated(expiry, &empty), &rules, notice.send_at),
        Some(notice)
    );
}

#[test]
fn a_user_the_idp_expired_early_gets_the_notice_after_being_seen_and_no_more_reminders() {
    let history = PasswordHistory::default();
    let rules = ScheduleRules::default();
    // Dated 2026-06-20, but PASSWORD_EXPIRED when seen on Wednesday 2026-06-17 09:00 PDT.
    let mut cycle = dated(utc("2026-06-20T15:00:00Z"), &history);
    cycle.status_expired = true;
    cycle.seen_at = utc("2026-06-17T16:00:00Z");
    assert_eq!(
        plan(&password_schedule(&cycle, &rules)),
        vec![
            (14, utc("2026-06-06T17:00:00Z")),
            (7, utc("2026-06-13T17:00:00Z")),
            (4, utc("2026-06-16T17:00:00Z")),
            (0, utc("2026-06-17T17:00:00Z")),
        ]
    );
}

#[test]
fn an_expired_notice_already_sent_ends_the_reminders() {
    let rules = ScheduleRules::default();
    let expiry = utc("2026-06-20T15:00:00Z");
    let history = PasswordHistory {
        password_changed: Some(expiry - Duration::days(90)),
        sent: vec![super::super::SentReminder {
            at: utc("2026-06-17T17:00:00Z"),
            kind: ReminderKind::PasswordExpired,
            stage: None,
            instructions_only: true,
        }],
        answers: vec![],
    };
    let cycle = dated(expiry, &history);
    let stages: Vec<_> = password_schedule(&cycle, &rules)
        .iter()
        .map(|d| d.stage)
        .collect();
    assert_eq!(stages, vec![Some(14), Some(7), Some(4), None]);
    assert_eq!(
        next_password_reminder(&cycle, &rules, utc("2026-06-17T17:00:01Z")),
        None
    );
}
