//! Checking the chain: records numbered 1, 2, 3, … each linking to the previous record's hash
//! and hashing to its own stored hash, plus the append-only triggers still in place.

use rusqlite::OptionalExtension;
use serde::Serialize;
use std::fmt;

use chrono::Utc;

use super::chain::{GENESIS_HASH, record_hash};
use super::checkpoint::{self, Checkpoint};
use super::error::AuditError;
use super::row::{COLUMNS, RawRow};
use super::schema::TRIGGERS;
use super::store::{AuditLog, high_water};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// Records in the log.
    pub records: u64,
    /// Records that verified, counting from the first, before any problem.
    pub good: u64,
    /// Hash of the last good record: the chain head when intact. Keeping a copy elsewhere
    /// (a ticket, a mail) is what catches a rewrite of the newest records later.
    pub last_hash: Option<String>,
    /// The first record that breaks the chain.
    pub first_bad: Option<Breach>,
    /// Append-only triggers that were removed or altered.
    pub missing_triggers: Vec<String>,
    /// Where the walk started: records up to it were verified earlier (absent: this walk
    /// checked every record).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<Checkpoint>,
}

impl VerifyReport {
    pub fn is_intact(&self) -> bool {
        self.first_bad.is_none() && self.missing_triggers.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breach {
    /// The first bad record's seq (for removals, the first missing seq).
    pub seq: i64,
    pub problem: Problem,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    /// The stored hash does not match the record's contents.
    Edited,
    /// The record no longer decodes, so it was changed outside accessdesk.
    Unreadable { reason: String },
    /// Records `seq..=through` are missing from the middle of the chain.
    Removed { through: i64 },
    /// Records `seq..=through` are missing from the end (SQLite remembers the highest seq).
    RemovedFromEnd { through: i64 },
    /// The record's `prev_hash` is not the previous record's hash.
    Unlinked,
    /// A record numbered below the one expected, i.e. inserted before the start.
    OutOfSequence { expected: i64 },
}

impl fmt::Display for Breach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seq = self.seq;
        let records = |through: i64| {
            if through == seq {
                format!("record {seq} was")
            } else {
                format!("records {seq} to {through} were")
            }
        };
        match &self.problem {
            Problem::Edited => write!(
                f,
                "record {seq} was edited (stored hash does not match its contents)"
            ),
            Problem::Unreadable { reason } => {
                write!(f, "record {seq} was edited (it no longer reads: {reason})")
            }
            Problem::Removed { through } if seq == 1 => write!(
                f,
                "{} removed (the log starts at record {})",
                records(*through),
                through + 1
            ),
            Problem::Removed { through } => write!(
                f,
                "{} removed (the sequence jumps from {} to {})",
                records(*through),
                seq - 1,
                through + 1
            ),
            Problem::RemovedFromEnd { through } => write!(
                f,
                "{} removed from the end (the log once had {through} records)",
                records(*through)
            ),
            Problem::Unlinked if seq == 1 => write!(
                f,
                "record 1 does not start the chain (its prev_hash is not the genesis hash): \
                 records were removed, inserted or reordered, or record 1 was edited"
            ),
            Problem::Unlinked => write!(
                f,
                "record {seq} does not follow record {prev} (its prev_hash is not that \
                 record's hash): records were removed, inserted or reordered, or one of the \
                 two was edited",
                prev = seq - 1
            ),
            Problem::OutOfSequence { expected } => write!(
                f,
                "record {seq} was inserted (a number below the expected record {expected})"
            ),
        }
    }
}

impl AuditLog {
    /// Walk the whole chain and report the first record that breaks it. An intact chain
    /// moves the checkpoint up to its head, so later [`verify_from_checkpoint`] calls start
    /// there.
    ///
    /// [`verify_from_checkpoint`]: AuditLog::verify_from_checkpoint
    pub fn verify(&self) -> Result<VerifyReport, AuditError> {
        let report = self.walk(None)?;
        self.remember(&report);
        Ok(report)
    }

    /// Check only the records after the stored checkpoint, after checking the checkpoint
    /// still agrees with the chain: the same cost at any size. With no usable checkpoint, or
    /// when anything looks wrong, this is the full [`verify`](AuditLog::verify), so a break
    /// is always named exactly.
    pub fn verify_from_checkpoint(&self) -> Result<VerifyReport, AuditError> {
        let checkpoint = checkpoint::load_valid(&self.conn).map_err(|e| self.sql(e))?;
        if checkpoint.is_none() {
            return self.verify();
        }
        let report = self.walk(checkpoint)?;
        if !report.is_intact() {
            return self.verify();
        }
        self.remember(&report);
        Ok(report)
    }

    fn sql(&self, e: rusqlite::Error) -> AuditError {
        AuditError::sqlite(&self.path, e)
    }

    /// Record an intact chain's head as the new checkpoint. Best effort: a log opened on a
    /// read-only copy still verifies, it only cannot remember.
    fn remember(&self, report: &VerifyReport) {
        let through = i64::try_from(report.good).unwrap_or(i64::MAX);
        // Nothing new since the checkpoint: no write (each costs an fsync).
        if report.checkpoint.as_ref().map(|c| c.through_seq) == Some(through) {
            return;
        }
        if let (true, Some(hash)) = (report.is_intact(), &report.last_hash)
            && let Err(e) = checkpoint::advance(&self.conn, through, hash, Utc::now())
        {
            tracing::warn!(error = %e, "cannot store the audit checkpoint");
        }
    }

    /// Walk the chain from the record after `from` (from the genesis when `None`).
    fn walk(&self, from: Option<Checkpoint>) -> Result<VerifyReport, AuditError> {
        let sql = |e| self.sql(e);
        // One read transaction: rows, sqlite_sequence and triggers from the same snapshot,
        // while other processes go on appending.
        let tx = self.conn.unchecked_transaction().map_err(sql)?;
        let mut walk = ChainWalk::new(from);
        {
            let mut stmt = tx
                .prepare(&format!(
                    "SELECT {COLUMNS} FROM audit WHERE seq >= ?1 ORDER BY seq"
                ))
                .map_err(sql)?;
            let mut rows = stmt.query([walk.lowest()]).map_err(sql)?;
            while let Some(row) = rows.next().map_err(sql)? {
                let seq: i64 = row.get(0).map_err(sql)?;
                walk.row(seq, || RawRow::read(seq, row).map_err(|e| e.to_string()));
            }
        }
        let high = high_water(&tx).map_err(sql)?;
        let mut missing = Vec::new();
        for (name, statement) in TRIGGERS {
            let stored: Option<String> = tx
                .query_row(
                    "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1",
                    [name],
                    |r| r.get(0),
                )
                .optional()
                .map_err(sql)?;
            if stored.as_deref() != Some(statement) {
                missing.push(name.to_owned());
            }
        }
        Ok(walk.finish(high, missing))
    }
}

/// The walk along a chain, fed its rows in `seq` order by whichever store holds them.
pub(super) struct ChainWalk {
    expected: i64,
    prev: String,
    report: VerifyReport,
}

impl ChainWalk {
    /// A walk from the record after `from` (from the genesis when `None`).
    pub(super) fn new(from: Option<Checkpoint>) -> ChainWalk {
        let (expected, prev, done) = match &from {
            Some(c) => (c.through_seq + 1, c.hash.clone(), c.through_seq as u64),
            None => (1, GENESIS_HASH.to_owned(), 0),
        };
        ChainWalk {
            expected,
            prev,
            report: VerifyReport {
                records: done,
                good: done,
                last_hash: None,
                first_bad: None,
                missing_triggers: Vec::new(),
                checkpoint: from,
            },
        }
    }

    /// The lowest seq to read: from the genesis every row, even one numbered below 1.
    pub(super) fn lowest(&self) -> i64 {
        if self.report.checkpoint.is_some() {
            self.expected
        } else {
            i64::MIN
        }
    }

    /// The next row, numbered `seq`; `read` decodes it (only while the chain still holds).
    pub(super) fn row(&mut self, seq: i64, read: impl FnOnce() -> Result<RawRow, String>) {
        self.report.records += 1;
        if self.report.first_bad.is_some() {
            return;
        }
        let expected = self.expected;
        let breach = if seq > expected {
            Some(Breach {
                seq: expected,
                problem: Problem::Removed { through: seq - 1 },
            })
        } else if seq < expected {
            Some(Breach {
                seq,
                problem: Problem::OutOfSequence { expected },
            })
        } else {
            match read() {
                Ok(raw) => match check(&raw, &self.prev) {
                    None => {
                        self.prev = raw.hash;
                        None
                    }
                    Some(problem) => Some(Breach { seq, problem }),
                },
                Err(reason) => Some(Breach {
                    seq,
                    problem: Problem::Unreadable { reason },
                }),
            }
        };
        match breach {
            Some(b) => self.report.first_bad = Some(b),
            None => {
                self.report.good += 1;
                self.expected += 1;
            }
        }
    }

    /// The report, given the highest seq the store has ever held and the append-only
    /// triggers found missing or altered.
    pub(super) fn finish(mut self, high_water: i64, missing_triggers: Vec<String>) -> VerifyReport {
        if self.report.first_bad.is_none() && high_water >= self.expected {
            self.report.first_bad = Some(Breach {
                seq: self.expected,
                problem: Problem::RemovedFromEnd {
                    through: high_water,
                },
            });
        }
        self.report.last_hash = (self.report.good > 0).then_some(self.prev);
        self.report.missing_triggers = missing_triggers;
        self.report
    }
}

/// Whether a row in its expected place links to `prev` and matches its own hash.
fn check(raw: &RawRow, prev: &str) -> Option<Problem> {
    if raw.prev_hash != prev {
        return Some(Problem::Unlinked);
    }
    match raw.entry() {
        Err(reason) => Some(Problem::Unreadable { reason }),
        Ok(entry) => (record_hash(prev, raw.seq, &entry) != raw.hash).then_some(Problem::Edited),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::record::{AuditEntry, Outcome};

    fn log_of(n: i64) -> (tempfile::TempDir, AuditLog) {
        let dir = tempfile::tempdir().unwrap();
        let mut log = AuditLog::open(&AuditLog::default_path(dir.path())).unwrap();
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
        (dir, log)
    }

    #[test]
    fn an_empty_log_is_intact() {
        let (_dir, log) = log_of(0);
        let report = log.verify().unwrap();
        assert!(report.is_intact(), "{report:?}");
        assert_eq!(
            (report.records, report.good, report.last_hash),
            (0, 0, None)
        );
    }

    #[test]
    fn an_untouched_log_is_intact_and_names_its_head() {
        let (_dir, log) = log_of(3);
        let report = log.verify().unwrap();
        assert!(report.is_intact(), "{report:?}");
        assert_eq!((report.records, report.good), (3, 3));
        assert_eq!(
            report.last_hash.as_ref(),
            Some(&log.list(None).unwrap()[2].hash)
        );
    }

    #[test]
    fn removed_or_weakened_triggers_are_reported() {
        let (_dir, log) = log_of(2);
        log.conn
            .execute_batch(
                "DROP TRIGGER audit_no_delete; DROP TRIGGER audit_no_update;
                 CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT 1; END;",
            )
            .unwrap();
        let report = log.verify().unwrap();
        assert_eq!(report.first_bad, None);
        assert_eq!(
            report.missing_triggers,
            ["audit_no_update", "audit_no_delete"]
        );
        assert!(!report.is_intact());
    }

    #[test]
    fn breaches_read_as_sentences() {
        let b = |seq, problem| Breach { seq, problem }.to_string();
        assert_eq!(
            b(17, Problem::Edited),
            "record 17 was edited (stored hash does not match its contents)"
        );
        assert_eq!(
            b(17, Problem::Removed { through: 17 }),
            "record 17 was removed (the sequence jumps from 16 to 18)"
        );
        assert_eq!(
            b(1, Problem::Removed { through: 3 }),
            "records 1 to 3 were removed (the log starts at record 4)"
        );
        assert_eq!(
            b(9, Problem::RemovedFromEnd { through: 10 }),
            "records 9 to 10 were removed from the end (the log once had 10 records)"
        );
        assert!(b(5, Problem::Unlinked).starts_with("record 5 does not follow record 4"));
        assert!(b(1, Problem::Unlinked).contains("genesis"));
    }
}
