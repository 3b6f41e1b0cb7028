//! An attacker with write access to the audit file drops the append-only triggers and edits
//! it with plain SQL. `verify` must notice every single such change and name the first bad
//! record. Changes are made through a raw rusqlite connection, as such an attacker would.

use accessdesk::audit::{AuditEntry, AuditLog, Breach, Evidence, Outcome, Problem, chain};
use accessdesk::model::TicketFacts;
use chrono::{DateTime, Utc};
use proptest::prelude::*;
use proptest::sample::Index;
use rusqlite::{Connection, params_from_iter, types::Value};
use std::path::Path;

/// The entry's columns: editing any of them changes the record's contents.
const ENTRY_COLUMNS: [&str; 15] = [
    "time",
    "agent",
    "action",
    "target_id",
    "target_login",
    "ticket",
    "checklist",
    "evidence",
    "idp_request_id",
    "outcome",
    "error",
    "note",
    "org",
    "factors_removed",
    "ticket_check",
];
const CHAIN_COLUMNS: [&str; 3] = ["prev_hash", "hash", "seq"];

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z ,.;\"'é\n]{0,12}"
}

fn time() -> impl Strategy<Value = DateTime<Utc>> {
    (1_600_000_000i64..1_900_000_000, 0u32..1_000_000_000)
        .prop_map(|(s, ns)| DateTime::from_timestamp(s, ns).unwrap())
}

fn evidence() -> impl Strategy<Value = Evidence> {
    (
        prop::sample::select(vec!["push", "manager_push", "otp"]),
        prop::option::of("[a-z]{1,8}@example\\.com"),
        prop::option::of("opf[a-zA-Z]{4}"),
        prop::option::of("v2mst\\.[a-zA-Z]{6}"),
        prop::sample::select(vec!["SUCCESS", "REJECTED", "TIMEOUT"]),
        prop::option::of(time()),
    )
        .prop_map(
            |(kind, subject_login, factor_id, transaction_id, result, at)| Evidence {
                kind: kind.into(),
                subject_login,
                factor_id,
                transaction_id,
                result: result.into(),
                at,
            },
        )
}

fn entry() -> impl Strategy<Value = AuditEntry> {
    let who = (
        time(),
        "[a-z]{1,8}",
        prop::sample::select(vec!["unlock", "reset_password", "reset_factors"]),
        prop::option::of("00u[a-zA-Z]{17}"),
        prop::option::of("[a-z]{1,8}@example\\.com"),
        prop::option::of("INC[0-9]{7}"),
    );
    let what = (
        prop::collection::vec("[a-z_]{1,10}", 0..3),
        prop::collection::vec(evidence(), 0..3),
        prop::option::of("[a-zA-Z]{10}"),
        prop::sample::select(Outcome::ALL.to_vec()),
        prop::option::of(text()),
        prop::option::of(text()),
    );
    // Absent in some records, as in logs written before these fields existed.
    let org_and_removed = (
        prop::option::of("https://[a-z]{1,8}\\.okta\\.com/"),
        prop::collection::vec("Okta Verify [a-z]{1,6} \\[[a-z0-9]{4}\\]", 0..3),
        prop::option::of(
            (
                "(servicenow|jira)",
                "[0-9a-f]{32}",
                "(INC|RITM)[0-9]{7}",
                "(New|In Progress|Closed)",
                any::<bool>(),
                prop::option::of(any::<bool>()),
            )
                .prop_map(
                    |(system, system_id, number, state, open, caller_matched)| TicketFacts {
                        system,
                        system_id,
                        number,
                        state,
                        open,
                        caller_matched,
                    },
                ),
        ),
    );
    (who, what, org_and_removed).prop_map(|(who, what, (org, factors_removed, ticket_check))| {
        let (time, agent, action, target_id, target_login, ticket) = who;
        let (checklist, evidence, idp_request_id, outcome, error, note) = what;
        AuditEntry {
            time,
            agent,
            action: action.into(),
            target_id,
            target_login,
            ticket,
            checklist,
            evidence,
            idp_request_id,
            outcome,
            error,
            note,
            org,
            factors_removed,
            ticket_check,
        }
    })
}

#[derive(Debug, Clone)]
enum Tamper {
    /// Change one column of one record, leaving its stored hash alone.
    Edit {
        at: Index,
        column: &'static str,
    },
    /// Change the contents of one record and recompute that record's own hash.
    EditAndRehash {
        at: Index,
        column: &'static str,
    },
    Delete {
        at: Index,
    },
    /// Exchange everything but the seq of two records.
    Swap {
        a: Index,
        b: Index,
    },
}

fn tamper() -> impl Strategy<Value = Tamper> {
    let any_column: Vec<&str> = ENTRY_COLUMNS
        .iter()
        .chain(&CHAIN_COLUMNS)
        .copied()
        .collect();
    prop_oneof![
        (any::<Index>(), prop::sample::select(any_column))
            .prop_map(|(at, column)| Tamper::Edit { at, column }),
        (any::<Index>(), prop::sample::select(ENTRY_COLUMNS.to_vec()))
            .prop_map(|(at, column)| Tamper::EditAndRehash { at, column }),
        any::<Index>().prop_map(|at| Tamper::Delete { at }),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Tamper::Swap { a, b }),
    ]
}

/// The attacker's connection, with the triggers dropped until `cover_tracks`.
struct Attacker {
    conn: Connection,
    triggers: Vec<String>,
}

impl Attacker {
    fn new(path: &Path) -> Attacker {
        let conn = Connection::open(path).unwrap();
        let triggers: Vec<(String, String)> = conn
            .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(triggers.len(), 2, "the append-only triggers are in place");
        for (name, _) in &triggers {
            conn.execute_batch(&format!("DROP TRIGGER {name}")).unwrap();
        }
        Attacker {
            conn,
            triggers: triggers.into_iter().map(|(_, sql)| sql).collect(),
        }
    }

    /// Put the triggers back exactly as they were, so only the chain can give it away.
    fn cover_tracks(self) {
        for sql in &self.triggers {
            self.conn.execute_batch(sql).unwrap();
        }
    }

    /// A different but still well-formed value for `column` of record `seq`.
    fn edit(&self, seq: i64, column: &str) {
        let new_value = match column {
            "time" => {
                let old: String = self
                    .conn
                    .query_row("SELECT time FROM audit WHERE seq = ?1", [seq], |r| r.get(0))
                    .unwrap();
                let t = DateTime::parse_from_rfc3339(&old).unwrap() + chrono::Duration::seconds(1);
                let t = t.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
                format!("'{t}'")
            }
            "agent" | "action" => format!("{column} || 'x'"),
            "checklist" | "factors_removed" => format!("json_insert({column}, '$[#]', 'tampered')"),
            "evidence" => "json_insert(evidence, '$[#]', json('{\"kind\":\"push\",\
                           \"subject_login\":null,\"factor_id\":null,\"transaction_id\":null,\
                           \"result\":\"SUCCESS\",\"at\":null}'))"
                .into(),
            // A check added where there was none, or one whose ticket was closed made open.
            "ticket_check" => "CASE WHEN ticket_check IS NULL THEN '{\"system\":\"servicenow\",\
                               \"system_id\":\"x\",\"number\":\"INC0000001\",\"state\":\"New\",\
                               \"open\":true,\"caller_matched\":null}' ELSE json_set(ticket_check, \
                               '$.open', json(CASE json_extract(ticket_check, '$.open') WHEN 1 \
                               THEN 'false' ELSE 'true' END)) END"
                .into(),
            "outcome" => "CASE outcome WHEN 'succeeded' THEN 'failed' ELSE 'succeeded' END".into(),
            "prev_hash" | "hash" => format!(
                "CASE substr({column}, 1, 1) WHEN '0' THEN '1' ELSE '0' END || substr({column}, 2)"
            ),
            "seq" => "seq + 1000".into(),
            _ => format!("coalesce({column} || 'x', 'x')"),
        };
        let changed = self
            .conn
            .execute(
                &format!("UPDATE audit SET {column} = {new_value} WHERE seq = ?1"),
                [seq],
            )
            .unwrap();
        assert_eq!(changed, 1);
    }

    /// What a careful attacker does after an edit: make the record consistent with itself.
    fn rehash(&self, log: &AuditLog, seq: i64) {
        let record = log
            .list(None)
            .unwrap()
            .into_iter()
            .find(|r| r.seq == seq)
            .unwrap();
        let hash = chain::record_hash(&record.prev_hash, seq, &record.entry);
        assert_ne!(hash, record.hash, "the edit changed the record's contents");
        self.conn
            .execute(
                "UPDATE audit SET hash = ?1 WHERE seq = ?2",
                rusqlite::params![hash, seq],
            )
            .unwrap();
    }

    fn delete(&self, seq: i64) {
        assert_eq!(
            self.conn
                .execute("DELETE FROM audit WHERE seq = ?1", [seq])
                .unwrap(),
            1
        );
    }

    fn swap(&self, a: i64, b: i64) {
        let columns: Vec<&str> = ENTRY_COLUMNS
            .iter()
            .chain(&CHAIN_COLUMNS[..2])
            .copied()
            .collect();
        let read = |seq: i64| -> Vec<Value> {
            self.conn
                .query_row(
                    &format!("SELECT {} FROM audit WHERE seq = ?1", columns.join(", ")),
                    [seq],
                    |r| (0..columns.len()).map(|i| r.get(i)).collect(),
                )
                .unwrap()
        };
        let (row_a, row_b) = (read(a), read(b));
        let assignments: Vec<String> = columns
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} = ?{}", i + 1))
            .collect();
        let update = format!(
            "UPDATE audit SET {} WHERE seq = ?{}",
            assignments.join(", "),
            columns.len() + 1
        );
        for (row, seq) in [(row_b, a), (row_a, b)] {
            let params = row.into_iter().chain([Value::Integer(seq)]);
            self.conn
                .execute(&update, params_from_iter(params))
                .unwrap();
        }
    }
}

fn build_log(dir: &Path, entries: &[AuditEntry]) -> AuditLog {
    let mut log = AuditLog::open(&AuditLog::default_path(dir)).unwrap();
    for e in entries {
        log.append(e).unwrap();
    }
    log
}

/// Apply `tamper` to a log of `n` records; return the seq verify must name first.
fn apply(path: &Path, log: &AuditLog, n: i64, tamper: &Tamper) -> i64 {
    let attacker = Attacker::new(path);
    let seq_of = |i: &Index| i.index(n as usize) as i64 + 1;
    let first_bad = match tamper {
        Tamper::Edit { at, column } => {
            let seq = seq_of(at);
            attacker.edit(seq, column);
            seq
        }
        Tamper::EditAndRehash { at, column } => {
            // The newest record has no successor to betray it: that is what the last hash
            // printed by verify is for (see `rehashing_the_newest_record_changes_the_head`).
            let seq = at.index(n as usize - 1) as i64 + 1;
            attacker.edit(seq, column);
            attacker.rehash(log, seq);
            seq + 1
        }
        Tamper::Delete { at } => {
            let seq = seq_of(at);
            attacker.delete(seq);
            seq
        }
        Tamper::Swap { a, b } => {
            let a = seq_of(a);
            let mut b = b.index(n as usize - 1) as i64 + 1;
            if b >= a {
                b += 1;
            }
            attacker.swap(a, b);
            a.min(b)
        }
    };
    attacker.cover_tracks();
    first_bad
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn any_single_tampering_is_found_at_the_first_bad_record(
        entries in prop::collection::vec(entry(), 2..10),
        tamper in tamper(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = AuditLog::default_path(dir.path());
        let mut log = build_log(dir.path(), &entries);
        let n = entries.len() as i64;
        prop_assert!(log.verify().unwrap().is_intact());

        let expected = apply(&path, &log, n, &tamper);
        let report = log.verify().unwrap();
        let Some(Breach { seq, problem }) = report.first_bad.clone() else {
            return Err(TestCaseError::fail(format!("{tamper:?} went unnoticed: {report:?}")));
        };
        prop_assert_eq!(seq, expected, "{:?} → {:?}", tamper, problem);
        prop_assert_eq!(report.good, (expected - 1) as u64);
        prop_assert!(report.missing_triggers.is_empty());
        let kind_fits = match (&tamper, &problem) {
            (Tamper::Edit { column: "prev_hash", .. }, Problem::Unlinked) => true,
            (Tamper::Edit { column: "seq", .. }, Problem::Removed { .. }) => true,
            (Tamper::Edit { column, .. }, Problem::Edited) => ENTRY_COLUMNS.contains(column) || *column == "hash",
            (Tamper::EditAndRehash { .. } | Tamper::Swap { .. }, Problem::Unlinked) => true,
            (Tamper::Delete { .. }, Problem::Removed { through }) => *through == seq,
            (Tamper::Delete { .. }, Problem::RemovedFromEnd { through }) => *through == n && seq == n,
            _ => false,
        };
        prop_assert!(kind_fits, "{:?} reported as {:?}", tamper, problem);
        let message = Breach { seq, problem }.to_string();
        let names_it = [format!("record {seq} "), format!("records {seq} ")];
        prop_assert!(names_it.iter().any(|p| message.starts_with(p)), "{}", message);

        // Appending more does not paper over it.
        log.append(&entries[0]).unwrap();
        let after = log.verify().unwrap().first_bad.map(|b| b.seq);
        prop_assert_eq!(after, Some(expected));
    }

    #[test]
    fn an_untouched_log_verifies_and_reopening_continues_the_chain(
        first in prop::collection::vec(entry(), 0..6),
        second in prop::collection::vec(entry(), 1..6),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let head = build_log(dir.path(), &first).verify().unwrap().last_hash;
        let log = build_log(dir.path(), &second);
        let report = log.verify().unwrap();
        prop_assert!(report.is_intact(), "{:?}", report);
        let total = (first.len() + second.len()) as u64;
        prop_assert_eq!((report.records, report.good), (total, total));

        let records = log.list(None).unwrap();
        let joint = &records[first.len()];
        prop_assert_eq!(joint.seq, first.len() as i64 + 1);
        prop_assert_eq!(&joint.prev_hash, head.as_deref().unwrap_or(chain::GENESIS_HASH));
        let stored: Vec<AuditEntry> = records.into_iter().map(|r| r.entry).collect();
        prop_assert_eq!(stored, [first, second].concat());
    }
}

#[test]
fn rehashing_the_newest_record_changes_the_head() {
    let dir = tempfile::tempdir().unwrap();
    let path = AuditLog::default_path(dir.path());
    let e = AuditEntry::new(Utc::now(), "alice", "unlock", Outcome::Succeeded);
    let log = build_log(dir.path(), &[e.clone(), e]);
    let anchored = log.verify().unwrap().last_hash.unwrap();

    let attacker = Attacker::new(&path);
    attacker.edit(2, "agent");
    attacker.rehash(&log, 2);
    attacker.cover_tracks();

    // The chain alone cannot tell, but the head no longer matches the copy kept elsewhere.
    let report = log.verify().unwrap();
    assert!(report.is_intact());
    assert_ne!(report.last_hash.unwrap(), anchored);
}

#[test]
fn an_attacker_who_leaves_the_triggers_dropped_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = AuditLog::default_path(dir.path());
    let e = AuditEntry::new(Utc::now(), "alice", "unlock", Outcome::Succeeded);
    let log = build_log(dir.path(), &[e]);
    let attacker = Attacker::new(&path);
    attacker.edit(1, "note");
    let report = log.verify().unwrap();
    assert_eq!(
        report.first_bad.map(|b| (b.seq, b.problem)),
        Some((1, Problem::Edited))
    );
    assert_eq!(
        report.missing_triggers,
        ["audit_no_update", "audit_no_delete"]
    );
}

#[test]
fn an_undecodable_record_is_reported_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = AuditLog::default_path(dir.path());
    let e = AuditEntry::new(Utc::now(), "alice", "unlock", Outcome::Succeeded);
    let log = build_log(dir.path(), &[e.clone(), e.clone(), e]);
    let attacker = Attacker::new(&path);
    attacker
        .conn
        .execute("UPDATE audit SET evidence = '{not json' WHERE seq = 2", [])
        .unwrap();
    attacker.cover_tracks();
    let report = log.verify().unwrap();
    let breach = report.first_bad.unwrap();
    assert_eq!(breach.seq, 2);
    assert!(matches!(breach.problem, Problem::Unreadable { .. }));
    assert!(
        breach.to_string().starts_with("record 2 was edited"),
        "{breach}"
    );
}
