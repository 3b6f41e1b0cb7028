use chrono::{DateTime, Duration, TimeZone, Utc};

use super::*;
use crate::notify::{AnswerChoice, ChannelKind, IdempotencyKey, Notice, NoticeKind};

pub(super) fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

pub(super) fn notice(key: IdempotencyKey, due_at: DateTime<Utc>) -> Notice {
    Notice {
        kind: key.kind,
        channel: ChannelKind::JsonLines,
        user_id: Some(key.user.clone()),
        login: Some(format!("{}@example.com", key.user)),
        to: vec![format!("{}@example.com", key.user)],
        subject: format!("About {}", key.kind.as_str()),
        text: "Hello".into(),
        html: Some("<p>Hello</p>".into()),
        facts: vec![],
        links: vec![],
        due_at,
        instructions_only: false,
        key,
    }
}

pub(super) fn lockout(user: &str, event: &str, due_at: DateTime<Utc>) -> Notice {
    notice(
        IdempotencyKey::new(user, NoticeKind::LockoutNotice, "", event),
        due_at,
    )
}

pub(super) const CYCLE_OLD: &str = "2026-01-01T08:00:00.000Z";
pub(super) const CYCLE_NEW: &str = "2026-02-20T08:00:00.000Z";

pub(super) fn reminder(user: &str, stage: &str, cycle: &str, due_at: DateTime<Utc>) -> Notice {
    notice(
        IdempotencyKey::new(user, NoticeKind::PasswordReminder, stage, cycle),
        due_at,
    )
}

pub(super) fn answer(
    key: &IdempotencyKey,
    choice: AnswerChoice,
    at: DateTime<Utc>,
) -> AnswerRecord {
    AnswerRecord {
        at,
        key: key.clone(),
        choice,
        user_id: key.user.clone(),
    }
}

pub(super) fn open_in(dir: &tempfile::TempDir) -> Outbox {
    Outbox::open(Outbox::default_path(dir.path())).unwrap()
}

#[test]
fn enqueue_is_idempotent_by_key() {
    let dir = tempfile::tempdir().unwrap();
    let mut outbox = open_in(&dir);
    let first = lockout("00u1", "ev1", t0());
    assert_eq!(outbox.enqueue(&first, t0()).unwrap(), Enqueued::New(1));
    let mut again = first.clone();
    again.subject = "A different text for the same key".into();
    assert_eq!(
        outbox.enqueue(&again, t0() + Duration::minutes(1)).unwrap(),
        Enqueued::Exists(OutboxState::Queued)
    );
    let stored = outbox.get(&first.key).unwrap().unwrap();
    assert_eq!(stored.notice, first, "the first notice is kept");
    assert_eq!(stored.queued_at, t0());
    assert_eq!(outbox.counts().unwrap().queued, 1);

    outbox.mark_sent(1, t0()).unwrap();
    assert_eq!(
        outbox.enqueue(&again, t0()).unwrap(),
        Enqueued::Exists(OutboxState::Sent)
    );
    assert_eq!(
        outbox.enqueue(&lockout("00u1", "ev2", t0()), t0()).unwrap(),
        Enqueued::New(2)
    );
}

#[test]
fn due_takes_queued_notices_in_next_attempt_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut outbox = open_in(&dir);
    let later = lockout("00u1", "later", t0() + Duration::hours(2));
    let sooner = lockout("00u2", "sooner", t0() + Duration::hours(1));
    let now = lockout("00u3", "now", t0());
    for n in [&later, &sooner, &now] {
        outbox.enqueue(n, t0()).unwrap();
    }
    let keys = |items: Vec<OutboxItem>| -> Vec<String> {
        items.into_iter().map(|i| i.notice.key.cycle).collect()
    };
    assert_eq!(keys(outbox.due(t0(), 10).unwrap()), ["now"]);
    let all = outbox.due(t0() + Duration::hours(3), 10).unwrap();
    assert_eq!(
        all[0].next_attempt_at,
        t0(),
        "next_attempt_at starts at due_at"
    );
    assert_eq!(keys(all), ["now", "sooner", "later"]);
    assert_eq!(
        keys(outbox.due(t0() + Duration::hours(3), 2).unwrap()),
        ["now", "sooner"]
    );

    outbox.mark_sent(3, t0()).unwrap();
    assert_eq!(
        keys(outbox.due(t0() + Duration::hours(3), 10).unwrap()),
        ["sooner", "later"]
    );
}

#[test]
fn a_retry_waits_and_a_failure_stops() {
    let dir = tempfile::tempdir().unwrap();
    let mut outbox = open_in(&dir);
    let n = lockout("00u1", "ev1", t0());
    let Enqueued::New(id) = outbox.enqueue(&n, t0()).unwrap() else {
        panic!("new notice expected")
    };
    let retry_at = t0() + Duration::minutes(5);
    outbox
        .mark_retry(id, "mail server refused: 451", retry_at)
        .unwrap();
    assert!(
        outbox
            .due(t0() + Duration::minutes(4), 10)
            .unwrap()
            .is_empty()
    );
    let item = outbox.due(retry_at, 10).unwrap().remove(0);
    assert_eq!(item.attempts, 1);
    assert_eq!(item.next_attempt_at, retry_at);
    assert_eq!(item.last_error.as_deref(), Some("mail server refused: 451"));
    assert_eq!(item.state, OutboxState::Queued);

    outbox
        .mark_failed(id, "mailbox unavailable", retry_at)
        .unwrap();
    let item = outbox.get(&n.key).unwrap().unwrap();
    assert_eq!((item.state, item.attempts), (OutboxState::Failed, 2));
    assert!(
        outbox
            .due(retry_at + Duration::days(1), 10)
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        outbox.mark_sent(999, t0()),
        Err(OutboxError::NoSuchNotice { id: 999, .. })
    ));
}

#[test]
fn failed_notices_are_listed_and_requeued_once_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let mut outbox = open_in(&dir);
    let mut ids = Vec::new();
    for event in ["ev1", "ev2", "ev3"] {
        let Enqueued::New(id) = outbox.enqueue(&lockout("00u1", event, t0()), t0()).unwrap() else {
            panic!("new notice expected")
        };
        ids.push(id);
    }
    outbox
        .mark_failed(ids[0], "webhook answered 404", t0())
        .unwrap();
    outbox
        .mark_failed(ids[1], "webhook answered 404", t0())
        .unwrap();
    outbox.mark_sent(ids[2], t0()).unwrap();
    let failed = outbox.list(Some(OutboxState::Failed), 10).unwrap();
    assert_eq!(
        failed.iter().map(|i| i.id).collect::<Vec<_>>(),
        [ids[1], ids[0]],
        "newest first"
    );
    assert_eq!(outbox.list(None, 10).unwrap().len(), 3);
    assert_eq!(outbox.list(None, 1).unwrap().len(), 1);

    let later = t0() + Duration::days(4);
    // One by id, then the rest; a sent notice is never requeued.
    assert_eq!(outbox.requeue_failed(Some(ids[0]), later).unwrap(), 1);
    assert_eq!(outbox.requeue_failed(Some(ids[2]), later).unwrap(), 0);
    assert_eq!(outbox.requeue_failed(None, later).unwrap(), 1);
    let due = outbox.due(later, 10).unwrap();
    assert_eq!(due.len(), 2);
    assert!(due.iter().all(|i| i.attempts == 0 && i.queued_at == later));
    assert_eq!(due[0].last_error.as_deref(), Some("webhook answered 404"));
    assert_eq!(outbox.counts().unwrap().sent, 1);
}

#[test]
fn sent_is_recorded_with_its_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut outbox = open_in(&dir);
    let n = lockout("00u1", "ev1", t0());
    outbox.enqueue(&n, t0()).unwrap();
    outbox.mark_sent(1, t0() + Duration::seconds(3)).unwrap();
    let item = outbox.get(&n.key).unwrap().unwrap();
    assert_eq!(item.state, OutboxState::Sent);
    assert_eq!(item.sent_at, Some(t0() + Duration::seconds(3)));
    assert_eq!(item.attempts, 1);
}

#[test]
fn counts_and_state_counts() {
    let dir = tempfile::tempdir().unwrap();
    let mut outbox = open_in(&dir);
    assert_eq!(outbox.counts().unwrap(), OutboxCounts::default());
    outbox
        .enqueue(&lockout("00u1", "a", t0() + Duration::hours(1)), t0())
        .unwrap();
    outbox.enqueue(&lockout("00u1", "b", t0()), t0()).unwrap();
    outbox.enqueue(&lockout("00u1", "c", t0()), t0()).unwrap();
    let mut email = reminder("00u2", "14", CYCLE_OLD, t0() - Duration::hours(1));
    email.channel = ChannelKind::Email;
    outbox.enqueue(&email, t0()).unwrap();
    outbox.mark_sent(2, t0()).unwrap();
    outbox.mark_failed(3, "refused", t0()).unwrap();

    let counts = outbox.counts().unwrap();
    assert_eq!((counts.queued, counts.sent, counts.failed), (2, 1, 1));
    assert_eq!(counts.oldest_queued, Some(t0() - Duration::hours(1)));

    let by = outbox.state_counts().unwrap();
    let find = |kind, channel, state| {
        by.iter()
            .find(|c| c.kind == kind && c.channel == channel && c.state == state)
            .map(|c| c.count)
    };
    let lockout_jsonl = |state| find(NoticeKind::LockoutNotice, ChannelKind::JsonLines, state);
    assert_eq!(lockout_jsonl(OutboxState::Queued), Some(1));
    assert_eq!(lockout_jsonl(OutboxState::Sent), Some(1));
    assert_eq!(lockout_jsonl(OutboxState::Failed), Some(1));
    assert_eq!(
        find(
            NoticeKind::PasswordReminder,
            ChannelKind::Email,
            OutboxState::Queued
        ),
        Some(1)
    );
    assert_eq!(by.len(), 4, "only the combinations present");
}

#[test]
fn recent_and_for_user() {
    let dir = tempfile::tempdir().unwrap();
    let mut outbox = open_in(&dir);
    outbox.enqueue(&lockout("00u1", "a", t0()), t0()).unwrap();
    outbox
        .enqueue(&lockout("00u2", "b", t0()), t0() + Duration::hours(1))
        .unwrap();
    outbox
        .enqueue(
            &reminder("00u1", "7", CYCLE_OLD, t0()),
            t0() + Duration::hours(2),
        )
        .unwrap();
    let ids: Vec<i64> = outbox.recent(2).unwrap().iter().map(|i| i.id).collect();
    assert_eq!(ids, [3, 2]);
    let mine = outbox.for_user("00u1", None, t0()).unwrap();
    assert_eq!(mine.iter().map(|i| i.id).collect::<Vec<_>>(), [1, 3]);
    let lockouts = outbox
        .for_user("00u1", Some(NoticeKind::LockoutNotice), t0())
        .unwrap();
    assert_eq!(lockouts.len(), 1);
    let since = outbox
        .for_user("00u1", None, t0() + Duration::minutes(1))
        .unwrap();
    assert_eq!(since.iter().map(|i| i.id).collect::<Vec<_>>(), [3]);
}

#[test]
fn reopening_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let n = lockout("00u1", "ev1", t0());
    let a = answer(&n.key, AnswerChoice::NotMe, t0());
    {
        let mut outbox = open_in(&dir);
        outbox.enqueue(&n, t0()).unwrap();
        outbox
            .mark_retry(1, "timeout", t0() + Duration::minutes(1))
            .unwrap();
        outbox.record_answer(&a).unwrap();
        outbox.save_state("cursor", "c1").unwrap();
    }
    let mut outbox = open_in(&dir);
    let item = outbox.get(&n.key).unwrap().unwrap();
    assert_eq!((item.notice, item.attempts), (n.clone(), 1));
    assert_eq!(outbox.answer_to(&n.key).unwrap(), Some(a));
    assert_eq!(outbox.load_state("cursor").unwrap().as_deref(), Some("c1"));
    assert_eq!(
        outbox.enqueue(&n, t0()).unwrap(),
        Enqueued::Exists(OutboxState::Queued)
    );
}

#[test]
fn two_connections_share_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut dashboard = open_in(&dir);
    let mut watch = open_in(&dir);
    dashboard
        .enqueue(&lockout("00u1", "ev1", t0()), t0())
        .unwrap();
    let due = watch.due(t0(), 10).unwrap();
    assert_eq!(due.len(), 1);
    watch.mark_sent(due[0].id, t0()).unwrap();
    assert_eq!(dashboard.counts().unwrap().sent, 1);
    // Both race to queue the same key: one writes it, the other sees it.
    let n = lockout("00u1", "ev2", t0());
    let results = [
        dashboard.enqueue(&n, t0()).unwrap(),
        watch.enqueue(&n, t0()).unwrap(),
    ];
    assert!(matches!(results[0], Enqueued::New(_)));
    assert_eq!(results[1], Enqueued::Exists(OutboxState::Queued));
}

#[test]
fn enqueue_from_threads_writes_each_key_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = Outbox::default_path(dir.path());
    drop(Outbox::open(&path).unwrap());
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut outbox = Outbox::open(&path).unwrap();
                (0..20)
                    .filter(|i| {
                        let n = lockout("00u1", &format!("ev{i}"), t0());
                        matches!(outbox.enqueue(&n, t0()).unwrap(), Enqueued::New(_))
                    })
                    .count()
            })
        })
        .collect();
    let written: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(written, 20);
    assert_eq!(Outbox::open(&path).unwrap().counts().unwrap().queued, 20);
}

#[cfg(unix)]
#[test]
fn the_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join(OUTBOX_FILE);
    let mut outbox = Outbox::open(&path).unwrap();
    outbox.enqueue(&lockout("00u1", "ev1", t0()), t0()).unwrap();
    for file in [path.clone(), path.with_extension("sqlite3-wal")] {
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", file.display());
    }
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = Outbox::default_path(dir.path());
    drop(Outbox::open(&path).unwrap());
    rusqlite::Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let err = Outbox::open(&path).unwrap_err();
    assert!(
        matches!(
            err,
            OutboxError::TooNew {
                found: 99,
                supported: 1,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("upgrade accessdesk"));
}
