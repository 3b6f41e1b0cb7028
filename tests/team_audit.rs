//! The desk's audit trail in a real PostgreSQL: concurrent agents, authorship set by the
//! database, append-only for every role, verify that finds tampering, and local logs
//! imported with their chains intact.

mod team_support;

use accessdesk::audit::{AuditEntry, AuditLog, Outcome, Problem, TeamAudit};
use chrono::DateTime;
use team_support::Desk;

fn entry(agent: &str, n: i64) -> AuditEntry {
    let time = DateTime::from_timestamp(1_764_000_000 + n, 0).unwrap();
    let mut e = AuditEntry::new(time, agent, "unlock", Outcome::Succeeded);
    e.target_login = Some(format!("user{n}@example.com"));
    e.ticket = Some(format!("INC{n:07}"));
    e.checklist = vec!["employee_id".into()];
    e
}

fn refusal(result: Result<u64, accessdesk::team::TeamError>) -> String {
    match result {
        Err(accessdesk::team::TeamError::Refused(message)) => message,
        other => panic!("expected the database to refuse, got {other:?}"),
    }
}

#[test]
fn twenty_agents_appending_at_once_make_one_chain_that_verifies() {
    let desk = Desk::start();
    let writers: Vec<_> = (0..20)
        .map(|i| {
            let name = format!("agent{i}");
            let audit = TeamAudit::desk(desk.agent(&name));
            std::thread::spawn(move || {
                (0..10)
                    .map(|n| audit.append(&entry(&name, n)).unwrap().seq)
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut seqs: Vec<i64> = writers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    seqs.sort();
    assert_eq!(
        seqs,
        (1..=200).collect::<Vec<_>>(),
        "no seq twice, none skipped"
    );

    let audit = TeamAudit::desk(desk.admin.clone());
    let report = audit.verify().unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!((report.records, report.good), (200, 200));
    let records = audit.list(None).unwrap();
    for pair in records.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash, "one chain, no fork");
    }
    // Every agent's ten records are there, in their own name.
    for i in 0..20 {
        let name = format!("agent{i}");
        assert_eq!(records.iter().filter(|r| r.entry.agent == name).count(), 10);
    }
}

#[test]
fn the_agent_of_a_record_is_the_role_that_wrote_it_never_another() {
    let desk = Desk::start();
    let alice = desk.agent("alice");
    let bob = desk.agent("bob");
    TeamAudit::desk(alice).append(&entry("alice", 1)).unwrap();

    // Through accessdesk, bob's entry naming alice is written as bob's.
    let written = TeamAudit::desk(bob.clone())
        .append(&entry("alice", 2))
        .unwrap();
    assert_eq!(written.entry.agent, "bob");

    // Around accessdesk, straight SQL claiming alice is refused by the database.
    let head: Vec<_> = TeamAudit::desk(bob.clone()).newest(1).unwrap();
    let forged = format!(
        "INSERT INTO audit (chain, seq, time, agent, action, checklist, evidence, outcome, \
         prev_hash, hash) VALUES ('desk', 3, '2026-01-01T00:00:00.000000000Z', 'alice', \
         'unlock', '[]', '[]', 'succeeded', '{}', 'x')",
        head[0].hash
    );
    let message = refusal(bob.execute(&forged));
    assert!(
        message.contains("bob cannot write a record as alice"),
        "{message}"
    );

    // And a record that does not follow the head (a fork) is refused too.
    let fork = forged
        .replace("'alice'", "'bob'")
        .replace(&head[0].hash, &"0".repeat(64));
    let message = refusal(bob.execute(&fork));
    assert!(message.contains("does not follow its head"), "{message}");

    let report = TeamAudit::desk(desk.admin.clone()).verify().unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.records, 2);
}

#[test]
fn records_cannot_be_changed_or_removed_by_agents_or_the_owner() {
    let desk = Desk::start();
    let bob = desk.agent("bob");
    let audit = TeamAudit::desk(bob.clone());
    audit.append(&entry("bob", 1)).unwrap();
    audit.append(&entry("bob", 2)).unwrap();

    // Agents hold INSERT and SELECT only.
    for sql in [
        "UPDATE audit SET ticket = 'INC0000000'",
        "DELETE FROM audit",
        "TRUNCATE audit",
        "UPDATE audit_head SET seq = 1",
    ] {
        let message = refusal(bob.execute(sql));
        assert!(message.contains("permission denied"), "{sql}: {message}");
    }
    // The owner meets the triggers.
    for sql in [
        "UPDATE audit SET ticket = 'INC0000000'",
        "DELETE FROM audit WHERE seq = 2",
        "TRUNCATE audit",
    ] {
        let message = refusal(desk.admin.execute(sql));
        assert!(message.contains("append-only"), "{sql}: {message}");
    }
    assert!(
        TeamAudit::desk(desk.admin.clone())
            .verify()
            .unwrap()
            .is_intact()
    );
}

#[test]
fn verify_names_a_disabled_trigger_and_the_record_edited_behind_it() {
    let desk = Desk::start();
    let audit = TeamAudit::desk(desk.agent("carol"));
    for n in 1..=3 {
        audit.append(&entry("carol", n)).unwrap();
    }
    let admin = TeamAudit::desk(desk.admin.clone());
    assert!(admin.verify_from_checkpoint().unwrap().is_intact());

    desk.admin
        .execute("ALTER TABLE audit DISABLE TRIGGER audit_no_change")
        .unwrap();
    desk.admin
        .execute("UPDATE audit SET ticket = 'INC0000000' WHERE seq = 2")
        .unwrap();
    // The quick check from the checkpoint (through record 3) falls back to the full walk.
    let report = admin.verify_from_checkpoint().unwrap();
    assert_eq!(report.missing_triggers, ["audit_no_change"]);
    let breach = report.first_bad.unwrap();
    assert_eq!((breach.seq, breach.problem), (2, Problem::Edited));

    // The newest record removed: the head remembers it was there.
    desk.admin
        .execute("DELETE FROM audit WHERE seq = 3")
        .unwrap();
    desk.admin
        .execute("UPDATE audit SET ticket = 'INC0000002' WHERE seq = 2")
        .unwrap();
    let report = admin.verify().unwrap();
    assert_eq!(
        report.first_bad.unwrap().problem,
        Problem::RemovedFromEnd { through: 3 }
    );
}

#[test]
fn a_local_log_imported_keeps_its_chain_and_verifies_on_its_own() {
    let desk = Desk::start();
    let dir = tempfile::tempdir().unwrap();
    let mut local = AuditLog::open(&AuditLog::default_path(dir.path())).unwrap();
    for n in 1..=5 {
        local.append(&entry("dave", n)).unwrap();
    }
    let records = local.list(None).unwrap();
    let chain = TeamAudit::chain(desk.agent("dave"), "import:laptop");
    assert_eq!(chain.import(records.clone()).unwrap(), 5);

    let imported = TeamAudit::chain(desk.admin.clone(), "import:laptop");
    assert_eq!(imported.list(None).unwrap(), records, "byte for byte");
    let report = imported.verify().unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.last_hash.as_ref(), Some(&records[4].hash));

    // Importing the same log twice would fork the imported chain: refused, nothing written.
    assert!(chain.import(records).is_err());
    assert_eq!(imported.list(None).unwrap().len(), 5);
}
