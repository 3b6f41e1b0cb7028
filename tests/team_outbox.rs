//! The desk's outbox in PostgreSQL: the same script of operations gives the same answers as
//! the SQLite file (queueing under idempotency keys, the lockout cap's history, password
//! histories, answers, retries, counts, named state); what two agents or two `watch`
//! replicas share: a key queued once whoever queues it, the cap counting everyone's notices,
//! a due notice taken by one deliverer only (until its lease ends), and an answer link used
//! once through any replica.

mod team_support;

use chrono::{DateTime, Duration, TimeZone, Utc};

use accessdesk::notify::{AnswerChoice, ChannelKind, IdempotencyKey, Notice, NoticeKind};
use accessdesk::outbox::{AnswerRecord, Enqueued, Outbox, OutboxItem, OutboxState};
use team_support::Desk;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 4, 9, 0, 0).unwrap()
}

fn notice(key: IdempotencyKey, due_at: DateTime<Utc>) -> Notice {
    Notice {
        kind: key.kind,
        channel: ChannelKind::JsonLines,
        user_id: Some(key.user.clone()),
        login: Some(format!("{}@example.com", key.user)),
        to: vec![format!("{}@example.com", key.user)],
        subject: format!("About {}", key.kind.as_str()),
        text: "Hello".into(),
        html: None,
        facts: vec![],
        links: vec![],
        due_at,
        instructions_only: false,
        key,
    }
}

fn lockout(user: &str, event: &str, due_at: DateTime<Utc>) -> Notice {
    notice(
        IdempotencyKey::new(user, NoticeKind::LockoutNotice, "", event),
        due_at,
    )
}

fn answer(key: &IdempotencyKey, choice: AnswerChoice, at: DateTime<Utc>) -> AnswerRecord {
    AnswerRecord {
        at,
        key: key.clone(),
        choice,
        user_id: key.user.clone(),
    }
}

/// What an item says, its row id apart (PostgreSQL's sequence moves on a refused insert,
/// SQLite's does not).
type Seen = (String, OutboxState, u32, DateTime<Utc>, Option<String>);

fn seen(items: Vec<OutboxItem>) -> Vec<Seen> {
    items
        .into_iter()
        .map(|i| {
            (
                i.notice.key.as_string(),
                i.state,
                i.attempts,
                i.next_attempt_at,
                i.last_error,
            )
        })
        .collect()
}

/// Every question the outbox answers, after the same script, as text to compare.
fn script(outbox: &mut Outbox) -> Vec<String> {
    let mut said = Vec::new();
    let mut say = |what: &str, value: String| said.push(format!("{what}: {value}"));
    let cycle = "2026-11-20T08:00:00.000Z";
    let reminder = |stage: &str, due| {
        notice(
            IdempotencyKey::new("00u2", NoticeKind::PasswordReminder, stage, cycle),
            due,
        )
    };
    let digest_key = IdempotencyKey::new("00m1", NoticeKind::ContractorDigest, "", "2026-12-04");

    for n in [
        lockout("00u1", "ev1", t0()),
        lockout("00u1", "ev2", t0() + Duration::minutes(30)),
        lockout("00u1", "ev1", t0()),
        reminder("14", t0() - Duration::days(7)),
        reminder("7", t0()),
        notice(digest_key.clone(), t0()),
    ] {
        let done = outbox.enqueue(&n, t0()).unwrap();
        say(
            "enqueue",
            match done {
                Enqueued::New(_) => "new".into(),
                Enqueued::Exists(state) => format!("exists {state:?}"),
            },
        );
    }
    let due = outbox.due(t0() + Duration::minutes(1), 10).unwrap();
    say("due", format!("{:?}", seen(due.clone())));
    let by_key = |key: &str| {
        due.iter()
            .find(|i| i.notice.key.as_string() == key)
            .unwrap()
            .id
    };
    outbox
        .mark_sent(
            by_key("00u1|lockout_notice||ev1"),
            t0() + Duration::minutes(1),
        )
        .unwrap();
    outbox
        .mark_retry(
            by_key(&format!("00u2|password_reminder|7|{cycle}")),
            "the relay said 451",
            t0() + Duration::minutes(10),
        )
        .unwrap();
    outbox
        .mark_failed(
            by_key("00m1|contractor_digest||2026-12-04"),
            "no such mailbox",
            t0() + Duration::minutes(1),
        )
        .unwrap();
    say(
        "no such notice",
        format!("{}", outbox.mark_sent(999_999, t0()).is_err()),
    );
    say("counts", format!("{:?}", outbox.counts().unwrap()));
    say(
        "state counts",
        format!("{:?}", outbox.state_counts().unwrap()),
    );
    say("recent", format!("{:?}", seen(outbox.recent(3).unwrap())));
    say(
        "failed",
        format!(
            "{:?}",
            seen(outbox.list(Some(OutboxState::Failed), 10).unwrap())
        ),
    );
    say(
        "for user",
        format!(
            "{:?}",
            seen(
                outbox
                    .for_user(
                        "00u1",
                        Some(NoticeKind::LockoutNotice),
                        t0() - Duration::days(1)
                    )
                    .unwrap()
            )
        ),
    );
    say(
        "lockout times",
        format!(
            "{:?}",
            outbox
                .lockout_notice_times("00u1", t0() - Duration::hours(24))
                .unwrap()
        ),
    );
    let reminder_key = IdempotencyKey::new("00u2", NoticeKind::PasswordReminder, "14", cycle);
    say(
        "answered",
        format!(
            "{} {}",
            outbox
                .record_answer(&answer(&reminder_key, AnswerChoice::RemindLater, t0()))
                .unwrap(),
            outbox
                .record_answer(&answer(&reminder_key, AnswerChoice::DoNotRemind, t0()))
                .unwrap()
        ),
    );
    outbox
        .record_answer(&answer(&digest_key, AnswerChoice::Understood, t0()))
        .unwrap();
    let not_me = IdempotencyKey::new("00u1", NoticeKind::LockoutNotice, "", "ev2");
    outbox
        .record_answer(&answer(
            &not_me,
            AnswerChoice::NotMe,
            t0() + Duration::minutes(40),
        ))
        .unwrap();
    say(
        "answer to",
        format!("{:?}", outbox.answer_to(&reminder_key).unwrap()),
    );
    say(
        "password history",
        format!("{:?}", outbox.password_history("00u2").unwrap()),
    );
    say(
        "digest answers",
        format!("{:?}", outbox.digest_answers().unwrap()),
    );
    say(
        "not me",
        format!("{:?}", outbox.not_me_reports(t0()).unwrap()),
    );
    say(
        "requeued",
        format!(
            "{}",
            outbox
                .requeue_failed(None, t0() + Duration::hours(1))
                .unwrap()
        ),
    );
    say(
        "due after requeue",
        format!(
            "{:?}",
            seen(outbox.due(t0() + Duration::hours(1), 10).unwrap())
        ),
    );
    outbox.save_state("bursts", "{\"a\":1}").unwrap();
    outbox.save_state("bursts", "{\"a\":2}").unwrap();
    say(
        "state",
        format!(
            "{:?} {:?}",
            outbox.load_state("bursts").unwrap(),
            outbox.load_state("none").unwrap()
        ),
    );
    said
}

#[test]
fn the_desks_outbox_answers_every_question_as_the_sqlite_file_does() {
    let desk = Desk::start();
    let dir = tempfile::tempdir().unwrap();
    let mut local = Outbox::open(Outbox::default_path(dir.path())).unwrap();
    desk.role("watcher", "accessdesk_watch");
    let mut team = Outbox::team(desk.connect_as("watcher"));
    let (from_file, from_desk) = (script(&mut local), script(&mut team));
    assert_eq!(from_file.len(), from_desk.len());
    for (file, db) in from_file.iter().zip(&from_desk) {
        assert_eq!(file, db);
    }
    // The script is not vacuous: it saw a refused duplicate, a single-use answer and a cap.
    let all = from_desk.join("\n");
    assert!(all.contains("enqueue: exists Queued"), "{all}");
    assert!(all.contains("answered: true false"), "{all}");
    assert!(all.contains("requeued: 1"), "{all}");
}

#[test]
fn agents_and_replicas_share_one_queue_one_cap_and_single_use_answers() {
    let desk = Desk::start();
    desk.role("watch_a", "accessdesk_watch");
    desk.role("watch_b", "accessdesk_watch");
    let mut alice = Outbox::team(desk.agent("alice"));
    let mut bob = Outbox::team(desk.agent("bob"));
    let mut replica_a = Outbox::team(desk.connect_as("watch_a"));
    let mut replica_b = Outbox::team(desk.connect_as("watch_b"));

    // The same lockout's notice queued by two replicas (a hook on one, the poll on the other).
    let first = lockout("00u1", "ev1", t0());
    assert!(matches!(
        replica_a.enqueue(&first, t0()).unwrap(),
        Enqueued::New(_)
    ));
    assert_eq!(
        replica_b.enqueue(&first, t0()).unwrap(),
        Enqueued::Exists(OutboxState::Queued)
    );
    // Three more for the same user, from both agents and a replica: the cap sees all four.
    alice
        .enqueue(&lockout("00u1", "ev2", t0() + Duration::hours(1)), t0())
        .unwrap();
    bob.enqueue(&lockout("00u1", "ev3", t0() + Duration::hours(2)), t0())
        .unwrap();
    replica_b
        .enqueue(&lockout("00u1", "ev4", t0() + Duration::hours(3)), t0())
        .unwrap();
    let counted = replica_a
        .lockout_notice_times("00u1", t0() - Duration::hours(1))
        .unwrap();
    assert_eq!(counted.len(), 4, "{counted:?}");

    // Delivery: what one replica takes, the other does not get until the lease ends.
    let now = t0() + Duration::hours(4);
    let taken = replica_a.due(now, 10).unwrap();
    assert_eq!(taken.len(), 4);
    assert!(
        replica_b.due(now, 10).unwrap().is_empty(),
        "held by replica a"
    );
    replica_a.mark_sent(taken[0].id, now).unwrap();
    replica_a.mark_sent(taken[1].id, now).unwrap();
    // Replica a dies holding the other two: after the lease, replica b delivers them.
    let later = now + Duration::minutes(3);
    let inherited = replica_b.due(later, 10).unwrap();
    let ids = |items: &[OutboxItem]| items.iter().map(|i| i.id).collect::<Vec<_>>();
    assert_eq!(ids(&inherited), ids(&taken[2..]));
    for item in &inherited {
        replica_b.mark_sent(item.id, later).unwrap();
    }
    assert!(
        replica_a
            .due(later + Duration::minutes(5), 10)
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        alice.counts().unwrap().sent,
        4,
        "every agent sees the desk's outbox"
    );

    // An answer link used through one replica is used up for the other.
    let key = first.key.clone();
    assert!(
        replica_a
            .record_answer(&answer(&key, AnswerChoice::NotMe, now))
            .unwrap()
    );
    assert!(
        !replica_b
            .record_answer(&answer(&key, AnswerChoice::NotMe, now))
            .unwrap()
    );
    assert_eq!(
        replica_b.answer_to(&key).unwrap().map(|a| a.choice),
        Some(AnswerChoice::NotMe)
    );
    // Agents read answers but cannot write them (only a watch serves links).
    assert!(
        alice
            .record_answer(&answer(&key, AnswerChoice::NotMe, now))
            .is_err()
    );
}

#[test]
fn every_agent_and_watch_signs_and_checks_answer_links_with_the_desks_one_key() {
    use accessdesk::notify::links::{self, AnswerClaim};
    use accessdesk::services::notice_desk::answer_key;

    let desk = Desk::start();
    desk.role("watcher", "accessdesk_watch");
    let (alice_dir, watch_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let alices = answer_key(alice_dir.path(), None, Some(&desk.agent("alice"))).unwrap();
    let watchs = answer_key(watch_dir.path(), None, Some(&desk.connect_as("watcher"))).unwrap();

    let claim = AnswerClaim {
        key: IdempotencyKey::new("00u1", NoticeKind::ActionNotice, "", "rec-7"),
        choice: AnswerChoice::NotMe,
        expires_at: t0() + Duration::days(7),
    };
    // A link composed after alice's action is checked by the watch that serves it.
    let token = links::sign(&alices, &claim);
    assert_eq!(links::verify(&watchs, &token, t0()).unwrap(), claim);
    for dir in [&alice_dir, &watch_dir] {
        assert!(
            !dir.path().join(links::ANSWER_KEY_FILE).exists(),
            "no key file on the machine"
        );
    }
    // ACCESSDESK_ANSWER_KEY still wins, and a key the desk did not make does not verify.
    let own = answer_key(
        alice_dir.path(),
        Some(&"ab".repeat(32)),
        Some(&desk.agent("bob")),
    )
    .unwrap();
    assert!(links::verify(&own, &token, t0()).is_err());
}
