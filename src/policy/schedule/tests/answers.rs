//! Each answer, a newer `passwordChanged`, and the quiet after an instructions-only reminder.

use chrono::{DateTime, Duration, Utc};

use super::super::{
    Answer, Due, PasswordHistory, ScheduleRules, SentReminder, next_password_reminder,
    password_schedule, resolved_by,
};
use super::{dated, plan, sent, utc};

const EXPIRY: &str = "2026-06-20T15:00:00Z";

/// The undisturbed 14-day schedule of the `EXPIRY` cycle.
fn base() -> Vec<Due> {
    password_schedule(
        &dated(utc(EXPIRY), &PasswordHistory::default()),
        &ScheduleRules::default(),
    )
}

fn history(sent: Vec<SentReminder>, answers: Vec<(DateTime<Utc>, Answer)>) -> PasswordHistory {
    PasswordHistory {
        password_changed: Some(utc(EXPIRY) - Duration::days(90)),
        sent,
        answers,
    }
}

#[test]
fn each_resolving_answer_ends_the_cycle_including_the_expired_notice() {
    let rules = ScheduleRules::default();
    let first = base()[0].clone();
    let answered_at = first.send_at + Duration::minutes(5);
    for answer in [
        Answer::AlreadyUpdated,
        Answer::DoNotRemind,
        Answer::OpenTicket {
            ticket: "INC-1042".into(),
        },
    ] {
        let h = history(
            vec![sent(&first, false)],
            vec![(answered_at, answer.clone())],
        );
        let cycle = dated(utc(EXPIRY), &h);
        assert!(password_schedule(&cycle, &rules).is_empty(), "{answer:?}");
        assert_eq!(next_password_reminder(&cycle, &rules, answered_at), None);
        assert_eq!(resolved_by(&cycle), Some(&(answered_at, answer)));
    }
}

#[test]
fn a_running_cycle_is_not_resolved() {
    let h = history(
        vec![],
        vec![(utc("2026-06-06T18:00:00Z"), Answer::RemindLater)],
    );
    assert_eq!(resolved_by(&dated(utc(EXPIRY), &h)), None);
}

#[test]
fn remind_later_moves_the_next_reminder_to_the_day_before_expiry() {
    let rules = ScheduleRules::default();
    let base = base();
    let answered_at = base[0].send_at + Duration::hours(1);
    let h = history(
        vec![sent(&base[0], false)],
        vec![(answered_at, Answer::RemindLater)],
    );
    let cycle = dated(utc(EXPIRY), &h);
    assert_eq!(
        plan(&password_schedule(&cycle, &rules)),
        vec![
            (14, utc("2026-06-06T17:00:00Z")),
            (1, utc("2026-06-19T17:00:00Z")),
            (0, utc("2026-06-20T17:00:00Z")),
        ]
    );
    let next = next_password_reminder(&cycle, &rules, answered_at).expect("a next reminder");
    assert_eq!(
        (next.stage, next.send_at),
        (Some(1), utc("2026-06-19T17:00:00Z"))
    );
}

#[test]
fn remind_later_at_the_last_stage_leaves_the_expired_notice_next() {
    let rules = ScheduleRules::default();
    let base = base();
    let last = base[4].clone();
    assert_eq!(last.stage, Some(1));
    let answered_at = last.send_at + Duration::minutes(30);
    let h = history(
        vec![sent(&last, false)],
        vec![(answered_at, Answer::RemindLater)],
    );
    let cycle = dated(utc(EXPIRY), &h);
    let next = next_password_reminder(&cycle, &rules, answered_at).expect("the notice");
    assert_eq!(next, base[5]);
}

#[test]
fn a_newer_password_change_resolves_the_old_cycle_and_starts_a_new_one() {
    let rules = ScheduleRules::default();
    let old_changed = utc("2026-03-22T15:00:00Z");
    let old = PasswordHistory {
        password_changed: Some(old_changed),
        sent: vec![],
        answers: vec![(utc("2026-06-06T18:00:00Z"), Answer::DoNotRemind)],
    };
    // The user changed the password again; the new cycle expires 90 days later.
    let new_expiry = utc("2026-09-18T15:00:00Z");
    let cycle = dated(new_expiry, &old);
    assert!(cycle.password_changed > Some(old_changed));
    let fresh = password_schedule(&dated(new_expiry, &PasswordHistory::default()), &rules);
    assert_eq!(password_schedule(&cycle, &rules), fresh);
    assert_eq!(fresh.len(), 6);
    assert_eq!(resolved_by(&cycle), None);
    // The same answer recorded for the current cycle does end it.
    let current = PasswordHistory {
        password_changed: cycle.password_changed,
        ..old
    };
    assert!(password_schedule(&dated(new_expiry, &current), &rules).is_empty());
}

#[test]
fn within_24_hours_of_an_instructions_only_reminder_a_stage_is_dropped() {
    let rules = ScheduleRules {
        password_first_days: 3,
        ..ScheduleRules::default()
    };
    let empty = PasswordHistory::default();
    let three = password_schedule(&dated(utc(EXPIRY), &empty), &rules);
    assert_eq!(
        plan(&three),
        vec![
            (3, utc("2026-06-17T17:00:00Z")),
            (2, utc("2026-06-18T17:00:00Z")),
            (1, utc("2026-06-19T17:00:00Z")),
            (0, utc("2026-06-20T17:00:00Z")),
        ]
    );
    // Stage 3 went late, at 14:00 PDT, with instructions only: stage 2 the next morning is
    // inside the quiet and goes; stage 1 is after it.
    let late = SentReminder {
        at: utc("2026-06-17T21:00:00Z"),
        ..sent(&three[0], true)
    };
    let h = history(vec![late.clone()], vec![]);
    assert_eq!(
        plan(&password_schedule(&dated(utc(EXPIRY), &h), &rules)),
        vec![
            (3, utc("2026-06-17T17:00:00Z")),
            (1, utc("2026-06-19T17:00:00Z")),
            (0, utc("2026-06-20T17:00:00Z")),
        ]
    );
    // With answer buttons there is no quiet.
    let h = history(
        vec![SentReminder {
            instructions_only: false,
            ..late
        }],
        vec![],
    );
    assert_eq!(password_schedule(&dated(utc(EXPIRY), &h), &rules), three);
}

#[test]
fn the_last_reminder_inside_the_quiet_waits_for_its_end_if_still_before_expiry() {
    let rules = ScheduleRules::default();
    // Expires Saturday 2026-06-20 15:00 PDT; stage 2 went Thursday at 14:00 PDT.
    let expiry = utc("2026-06-20T22:00:00Z");
    let empty = PasswordHistory::default();
    let base = password_schedule(&dated(expiry, &empty), &rules);
    let late = SentReminder {
        at: utc("2026-06-18T21:00:00Z"),
        ..sent(&base[3], true)
    };
    let h = PasswordHistory {
        password_changed: Some(expiry - Duration::days(90)),
        sent: vec![late],
        answers: vec![],
    };
    let tail: Vec<_> = plan(&password_schedule(&dated(expiry, &h), &rules))
        .into_iter()
        .skip(3)
        .collect();
    // Stage 1 moves from Friday 10:00 to Saturday 10:00, the first slot after the quiet.
    assert_eq!(
        tail,
        vec![
            (2, utc("2026-06-18T17:00:00Z")),
            (1, utc("2026-06-20T17:00:00Z")),
            (0, utc("2026-06-21T17:00:00Z")),
        ]
    );
}

#[test]
fn the_expired_notice_inside_the_quiet_waits_and_a_last_reminder_with_no_room_goes() {
    let rules = ScheduleRules::default();
    // Expires Saturday 2026-06-20 08:00 PDT; stage 1 went Friday at 14:00 PDT, instructions
    // only: the notice's Saturday 10:00 slot is inside the quiet and moves to Sunday.
    let base = base();
    let late_one = SentReminder {
        at: utc("2026-06-19T21:00:00Z"),
        ..sent(&base[4], true)
    };
    let h = history(vec![late_one], vec![]);
    let tail: Vec<_> = plan(&password_schedule(&dated(utc(EXPIRY), &h), &rules))
        .into_iter()
        .skip(4)
        .collect();
    assert_eq!(
        tail,
        vec![
            (1, utc("2026-06-19T17:00:00Z")),
            (0, utc("2026-06-21T17:00:00Z")),
        ]
    );
    // Stage 2 went late Thursday: stage 1 cannot wait past the quiet (Saturday 10:00 is after
    // the 08:00 expiry), so it goes, and the notice keeps its slot (after the quiet).
    let late_two = SentReminder {
        at: utc("2026-06-18T21:00:00Z"),
        ..sent(&base[3], true)
    };
    let h = history(vec![late_two], vec![]);
    let items = password_schedule(&dated(utc(EXPIRY), &h), &rules);
    let tail: Vec<_> = plan(&items).into_iter().skip(3).collect();
    assert_eq!(
        tail,
        vec![
            (2, utc("2026-06-18T17:00:00Z")),
            (0, utc("2026-06-20T17:00:00Z")),
        ]
    );
}
