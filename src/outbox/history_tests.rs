//! What the schedules read back: lockout notice times, password history, answers.

use chrono::{Duration, NaiveDate, TimeZone, Utc};

use super::tests::{CYCLE_NEW, CYCLE_OLD, answer, lockout, notice, open_in, reminder, t0};
use crate::notify::{AnswerChoice, IdempotencyKey, NoticeKind};
use crate::policy::schedule::{Answer, ReminderKind, SentReminder};

#[test]
fn lockout_notice_times_skip_failed_and_older() {
    let dir = tempfile::tempdir().unwrap();
    let mut outbox = open_in(&dir);
    outbox
        .enqueue(&lockout("00u1", "old", t0() - Duration::days(2)), t0())
        .unwrap();
    outbox
        .enqueue(&lockout("00u1", "sent", t0()), t0())
        .unwrap();
    outbox
        .enqueue(&lockout("00u1", "failed", t0() + Duration::hours(1)), t0())
        .unwrap();
    outbox
        .enqueue(&lockout("00u1", "queued", t0() + Duration::hours(7)), t0())
        .unwrap();
    outbox
        .enqueue(&lockout("00u2", "other", t0()), t0())
        .unwrap();
    outbox.mark_sent(2, t0()).unwrap();
    outbox.mark_failed(3, "refused", t0()).unwrap();
    let times = outbox
        .lockout_notice_times("00u1", t0() - Duration::days(1))
        .unwrap();
    assert_eq!(times, [t0(), t0() + Duration::hours(7)]);
}

#[test]
fn password_history_is_the_newest_cycle() {
    let dir = tempfile::tempdir().unwrap();
    let mut outbox = open_in(&dir);
    assert_eq!(outbox.password_history("00u1").unwrap(), Default::default());

    let old = reminder("00u1", "14", CYCLE_OLD, t0() - Duration::days(40));
    outbox.enqueue(&old, t0()).unwrap();
    outbox
        .record_answer(&answer(&old.key, AnswerChoice::DoNotRemind, t0()))
        .unwrap();
    let first = reminder("00u1", "14", CYCLE_NEW, t0());
    let mut second = reminder("00u1", "7", CYCLE_NEW, t0() + Duration::days(7));
    second.instructions_only = true;
    let mut expired = notice(
        IdempotencyKey::new("00u1", NoticeKind::PasswordExpired, "", CYCLE_NEW),
        t0() + Duration::days(14),
    );
    expired.due_at = t0() + Duration::days(14);
    for n in [&first, &second, &expired] {
        outbox.enqueue(n, t0()).unwrap();
    }
    outbox
        .enqueue(&reminder("00u2", "14", CYCLE_NEW, t0()), t0())
        .unwrap();
    let later = t0() + Duration::hours(1);
    assert!(
        outbox
            .record_answer(&answer(&first.key, AnswerChoice::RemindLater, later))
            .unwrap()
    );
    assert!(
        outbox
            .record_answer(&answer(&expired.key, AnswerChoice::OpenTicket, later))
            .unwrap()
    );

    let history = outbox.password_history("00u1").unwrap();
    assert_eq!(
        history.password_changed,
        Some(Utc.with_ymd_and_hms(2026, 2, 20, 8, 0, 0).unwrap())
    );
    assert_eq!(
        history.sent,
        [
            SentReminder {
                at: t0(),
                kind: ReminderKind::PasswordReminder,
                stage: Some(14),
                instructions_only: false,
            },
            SentReminder {
                at: t0() + Duration::days(7),
                kind: ReminderKind::PasswordReminder,
                stage: Some(7),
                instructions_only: true,
            },
            SentReminder {
                at: t0() + Duration::days(14),
                kind: ReminderKind::PasswordExpired,
                stage: None,
                instructions_only: false,
            },
        ]
    );
    assert_eq!(
        history.answers,
        [
            (later, Answer::RemindLater),
            (
                later,
                Answer::OpenTicket {
                    ticket: "requested".into()
                }
            ),
        ]
    );
}

#[test]
fn answers_are_single_use_per_notice() {
    let dir = tempfile::tempdir().unwrap();
    let mut outbox = open_in(&dir);
    let key = IdempotencyKey::new("00u1", NoticeKind::LockoutNotice, "", "ev1");
    assert_eq!(outbox.answer_to(&key).unwrap(), None);
    let first = answer(&key, AnswerChoice::NotMe, t0());
    assert!(outbox.record_answer(&first).unwrap());
    let second = answer(&key, AnswerChoice::NotMe, t0() + Duration::minutes(1));
    assert!(
        !outbox.record_answer(&second).unwrap(),
        "a link is single-use"
    );
    assert_eq!(outbox.answer_to(&key).unwrap(), Some(first.clone()));

    let other = IdempotencyKey::new("00u2", NoticeKind::ActionNotice, "unlock", "42");
    let later = answer(&other, AnswerChoice::NotMe, t0() + Duration::hours(1));
    outbox.record_answer(&later).unwrap();
    assert_eq!(outbox.not_me_reports(t0()).unwrap(), [later.clone(), first]);
    assert_eq!(
        outbox.not_me_reports(t0() + Duration::minutes(30)).unwrap(),
        [later]
    );
}

#[test]
fn digest_answers_name_manager_and_date() {
    let dir = tempfile::tempdir().unwrap();
    let mut outbox = open_in(&dir);
    let digest = |cycle: &str| IdempotencyKey::new("00uM", NoticeKind::ContractorDigest, "", cycle);
    outbox
        .record_answer(&answer(
            &digest("2026-03-02"),
            AnswerChoice::Understood,
            t0(),
        ))
        .unwrap();
    outbox
        .record_answer(&answer(
            &digest("2026-03-03"),
            AnswerChoice::HowToExtend,
            t0(),
        ))
        .unwrap();
    assert_eq!(
        outbox.digest_answers().unwrap(),
        [(
            "00uM".to_string(),
            NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
        )]
    );
}

#[test]
fn named_state_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let mut outbox = open_in(&dir);
    assert_eq!(outbox.load_state("lockout_cursor").unwrap(), None);
    outbox
        .save_state("lockout_cursor", "{\"after\":1}")
        .unwrap();
    outbox
        .save_state("lockout_cursor", "{\"after\":2}")
        .unwrap();
    assert_eq!(
        outbox.load_state("lockout_cursor").unwrap().as_deref(),
        Some("{\"after\":2}")
    );
}
