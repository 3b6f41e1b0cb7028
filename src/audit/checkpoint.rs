//! The verified-chain checkpoint: "records 1..=N were checked, and record N hashes to H".
//! Opening the audit screen then checks only the records after N, so it costs the same at
//! any size; `audit verify` and the screen's full check still walk the whole chain.
//!
//! The checkpoint proves nothing by itself, so it is checked against the chain before it is
//! used: record N must still exist, still carry hash H, and still hash to H from its own
//! contents. A checkpoint that fails that, or any break found after it, sends the caller back
//! to the full walk, which names the first bad record exactly.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::chain::{format_time, record_hash};
use super::row::{COLUMNS, RawRow};

/// Records `1..=through_seq` verified at `verified_at`, ending in `hash`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checkpoint {
    pub through_seq: i64,
    pub hash: String,
    pub verified_at: DateTime<Utc>,
}

/// The checkpoint table (layout version 3). One row; outside the hash chain, so writing it
/// never touches the append-only `audit` table.
pub(super) const CREATE: &str = "
CREATE TABLE audit_checkpoint (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    through_seq  INTEGER NOT NULL,
    hash         TEXT NOT NULL,
    verified_at  TEXT NOT NULL
) STRICT;";

/// The stored checkpoint, if there is one and it still agrees with the chain.
pub(super) fn load_valid(conn: &Connection) -> rusqlite::Result<Option<Checkpoint>> {
    let stored: Option<(i64, String, String)> = conn
        .query_row(
            "SELECT through_seq, hash, verified_at FROM audit_checkpoint WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((through_seq, hash, verified_at)) = stored else {
        return Ok(None);
    };
    let Ok(verified_at) = DateTime::parse_from_rfc3339(&verified_at) else {
        return Ok(None);
    };
    // A record slipped in below record 1 (INSERT is not blocked by the triggers) would sit
    // before the checkpoint: the full walk finds it, and this cheap look sends us there.
    let first: Option<i64> = conn.query_row("SELECT min(seq) FROM audit", [], |r| r.get(0))?;
    if first != Some(1) {
        return Ok(None);
    }
    let raw = conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM audit WHERE seq = ?1"),
            [through_seq],
            |r| RawRow::read(through_seq, r),
        )
        .optional()?;
    let holds = raw.is_some_and(|raw| {
        raw.hash == hash
            && raw
                .entry()
                .is_ok_and(|entry| record_hash(&raw.prev_hash, raw.seq, &entry) == hash)
    });
    Ok(holds.then(|| Checkpoint {
        through_seq,
        hash,
        verified_at: verified_at.with_timezone(&Utc),
    }))
}

/// Move the checkpoint forward to `through_seq` (never back: another process may have
/// verified further meanwhile).
pub(super) fn advance(
    conn: &Connection,
    through_seq: i64,
    hash: &str,
    now: DateTime<Utc>,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO audit_checkpoint (id, through_seq, hash, verified_at) VALUES (1, ?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET through_seq = excluded.through_seq,
             hash = excluded.hash, verified_at = excluded.verified_at
         WHERE excluded.through_seq >= audit_checkpoint.through_seq",
        rusqlite::params![through_seq, hash, format_time(now)],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::audit::record::{AuditEntry, Outcome};
    use crate::audit::{AuditLog, Problem};

    fn append(log: &mut AuditLog, n: i64) {
        for i in 0..n {
            let time = chrono::DateTime::from_timestamp(1_714_550_400 + i, 0).unwrap();
            log.append(&AuditEntry::new(
                time,
                "alice",
                "unlock",
                Outcome::Succeeded,
            ))
            .unwrap();
        }
    }

    fn log_of(n: i64) -> (tempfile::TempDir, AuditLog) {
        let dir = tempfile::tempdir().unwrap();
        let mut log = AuditLog::open(&AuditLog::default_path(dir.path())).unwrap();
        append(&mut log, n);
        (dir, log)
    }

    /// Change a stored column the way an attacker with the file would: triggers off, then
    /// back on exactly as they were, so only the chain can tell.
    fn edit(log: &AuditLog, seq: i64, set: &str) {
        let triggers: Vec<String> = log
            .conn
            .prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        log.conn
            .execute_batch("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
            .unwrap();
        log.conn
            .execute(&format!("UPDATE audit SET {set} WHERE seq = ?1"), [seq])
            .unwrap();
        for t in triggers {
            log.conn.execute_batch(&t).unwrap();
        }
    }

    #[test]
    fn the_first_check_walks_everything_and_later_ones_start_at_the_checkpoint() {
        let (_dir, mut log) = log_of(5);
        let first = log.verify_from_checkpoint().unwrap();
        assert!(first.is_intact(), "{first:?}");
        assert_eq!((first.records, first.good, first.checkpoint), (5, 5, None));

        append(&mut log, 3);
        let second = log.verify_from_checkpoint().unwrap();
        assert!(second.is_intact(), "{second:?}");
        assert_eq!((second.records, second.good), (8, 8));
        assert_eq!(second.checkpoint.as_ref().map(|c| c.through_seq), Some(5));
        assert_eq!(second.last_hash, log.verify().unwrap().last_hash);

        let third = log.verify_from_checkpoint().unwrap();
        assert_eq!(third.checkpoint.map(|c| c.through_seq), Some(8));
        assert_eq!(third.records, 8);
    }

    #[test]
    fn an_edit_after_the_checkpoint_is_named_exactly() {
        let (_dir, mut log) = log_of(4);
        log.verify().unwrap();
        append(&mut log, 4);
        edit(&log, 6, "agent = 'mallory'");
        let report = log.verify_from_checkpoint().unwrap();
        let breach = report.first_bad.expect("the edit is found");
        assert_eq!((breach.seq, breach.problem), (6, Problem::Edited));
        assert_eq!(report.checkpoint, None, "named by the full walk");
    }

    #[test]
    fn an_edited_checkpoint_record_is_not_trusted() {
        let (_dir, mut log) = log_of(4);
        log.verify().unwrap();
        append(&mut log, 2);
        edit(&log, 4, "agent = 'mallory'");
        let report = log.verify_from_checkpoint().unwrap();
        assert_eq!(report.first_bad.map(|b| b.seq), Some(4));
    }

    #[test]
    fn a_record_slipped_in_before_the_first_sends_back_to_the_full_walk() {
        let (_dir, log) = log_of(3);
        log.verify().unwrap();
        log.conn
            .execute(
                "INSERT INTO audit SELECT 0, time, agent, action, target_id, target_login, \
                 ticket, checklist, evidence, idp_request_id, outcome, error, note, prev_hash, \
                 hash, org, factors_removed, ticket_check FROM audit WHERE seq = 1",
                [],
            )
            .unwrap();
        let report = log.verify_from_checkpoint().unwrap();
        assert!(!report.is_intact(), "{report:?}");
        assert_eq!(report.checkpoint, None);
    }

    #[test]
    fn the_quick_check_trusts_what_was_verified_and_the_full_one_rechecks_it() {
        let (_dir, log) = log_of(5);
        log.verify().unwrap();
        edit(&log, 2, "agent = 'mallory'");
        // Records up to the checkpoint are not read again on the quick path...
        assert!(log.verify_from_checkpoint().unwrap().is_intact());
        // ...which is why the screen offers V and `audit verify` walks everything.
        let full = log.verify().unwrap();
        assert_eq!(full.first_bad.map(|b| b.seq), Some(2));
    }

    #[test]
    fn the_checkpoint_never_moves_back() {
        let (_dir, mut log) = log_of(2);
        append(&mut log, 4);
        log.verify().unwrap();
        super::advance(&log.conn, 2, "stale", chrono::Utc::now()).unwrap();
        let stored = super::load_valid(&log.conn).unwrap().unwrap();
        assert_eq!(stored.through_seq, 6);
    }

    #[test]
    fn a_broken_chain_leaves_no_checkpoint_behind() {
        let (_dir, log) = log_of(3);
        edit(&log, 3, "agent = 'mallory'");
        assert!(!log.verify().unwrap().is_intact());
        assert_eq!(super::load_valid(&log.conn).unwrap(), None);
    }
}
