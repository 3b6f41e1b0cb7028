//! The audit log file: open it, append to it, read it back.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::chain::{GENESIS_HASH, format_time, record_hash};
use super::error::AuditError;
use super::record::{AuditEntry, AuditRecord};
use super::row::{self, COLUMNS, RawRow};
use super::{redact, schema};
use crate::store::{create_private_dir, create_private_file};

/// How long to wait for another process's append before calling the log locked. Appends
/// take milliseconds, so only a stuck or paused writer gets anywhere near this.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// An open audit log. Several processes may hold the same log open; appends are serialised
/// by SQLite's write lock.
pub struct AuditLog {
    pub(super) conn: Connection,
    pub(super) path: PathBuf,
}

impl std::fmt::Debug for AuditLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditLog")
            .field("path", &self.path)
            .finish()
    }
}

impl AuditLog {
    /// Where the log lives inside the data directory.
    pub fn default_path(data_dir: &Path) -> PathBuf {
        data_dir.join("audit.sqlite3")
    }

    /// The data directory `demo` uses inside `data_dir`: practice on the simulator never
    /// lands in the production log.
    pub fn demo_data_dir(data_dir: &Path) -> PathBuf {
        data_dir.join("demo")
    }

    /// Open the log at `path`, creating the file (and its directory) if it does not exist.
    pub fn open(path: &Path) -> Result<AuditLog, AuditError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir).map_err(|source| AuditError::CreateDir {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let sql = |e| AuditError::sqlite(path, e);
        // Private before SQLite opens it: the records name users and agents.
        create_private_file(path).map_err(|source| AuditError::Create {
            path: path.to_path_buf(),
            source,
        })?;
        let mut conn = Connection::open(path).map_err(sql)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(sql)?;
        schema::prepare(&mut conn, path, BUSY_TIMEOUT)?;
        Ok(AuditLog {
            conn,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Add `entry` at the end of the chain. Refuses (writing nothing) an entry that looks like
    /// it carries a secret; see [`redact`](super::redact).
    pub fn append(&mut self, entry: &AuditEntry) -> Result<AuditRecord, AuditError> {
        if let Some((field, kind)) = redact::find_in_entry(entry) {
            return Err(AuditError::SecretRefused { field, kind });
        }
        let path = &self.path;
        let sql = |e| AuditError::sqlite(path, e);
        // IMMEDIATE takes the write lock before reading the chain head, so two writers can
        // never both chain onto the same record.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        let last: Option<(i64, String)> = tx
            .query_row(
                "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(sql)?;
        let (last_seq, prev_hash) = last.unwrap_or((0, GENESIS_HASH.to_owned()));
        // Never reuse the seq of a removed newest record: the gap keeps the removal visible.
        let seq = last_seq.max(high_water(&tx).map_err(sql)?) + 1;
        let record = AuditRecord {
            seq,
            hash: record_hash(&prev_hash, seq, entry),
            entry: entry.clone(),
            prev_hash,
        };
        row::insert(&tx, &record).map_err(sql)?;
        tx.commit().map_err(sql)?;
        Ok(record)
    }

    /// Records in order, all of them or those at or after `since`.
    pub fn list(&self, since: Option<DateTime<Utc>>) -> Result<Vec<AuditRecord>, AuditError> {
        let since = since.map(format_time).unwrap_or_default();
        self.query("WHERE time >= ?1 ORDER BY seq", since)
    }

    /// The newest `limit` records, newest first, and how many the log holds in all.
    pub fn recent(&self, limit: usize) -> Result<(Vec<AuditRecord>, u64), AuditError> {
        let total: i64 = self
            .conn
            .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
            .map_err(|e| AuditError::sqlite(&self.path, e))?;
        Ok((self.newest(limit)?, u64::try_from(total).unwrap_or(0)))
    }

    /// The newest `limit` records, newest first.
    pub fn newest(&self, limit: usize) -> Result<Vec<AuditRecord>, AuditError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.query("ORDER BY seq DESC LIMIT ?1", limit)
    }

    /// Records selected by `clause` (with one parameter), decoded.
    fn query(
        &self,
        clause: &str,
        param: impl rusqlite::ToSql,
    ) -> Result<Vec<AuditRecord>, AuditError> {
        let sql = |e| AuditError::sqlite(&self.path, e);
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {COLUMNS} FROM audit {clause}"))
            .map_err(sql)?;
        let rows = stmt
            .query_map([param], |r| RawRow::read(r.get(0)?, r))
            .map_err(sql)?;
        let mut records = Vec::new();
        for raw in rows {
            let raw = raw.map_err(sql)?;
            let seq = raw.seq;
            records.push(raw.record().map_err(|reason| AuditError::Unreadable {
                path: self.path.clone(),
                seq,
                reason,
            })?);
        }
        Ok(records)
    }
}

/// The highest seq the table has ever held (SQLite's AUTOINCREMENT bookkeeping).
pub(super) fn high_water(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT seq FROM sqlite_sequence WHERE name = 'audit'",
        [],
        |r| r.get(0),
    )
    .optional()
    .map(Option::unwrap_or_default)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::record::{Evidence, Outcome};

    fn entry(i: i64) -> AuditEntry {
        let time =
            "2024-05-01T09:00:00Z".parse::<DateTime<Utc>>().unwrap() + chrono::Duration::minutes(i);
        let mut e = AuditEntry::new(time, "alice", "unlock", Outcome::Succeeded);
        e.target_login = Some(format!("user{i}@example.com"));
        e.ticket = Some(format!("INC00{i:05}"));
        e.checklist = vec!["employee_id".into()];
        e.evidence = vec![Evidence {
            kind: "push".into(),
            subject_login: e.target_login.clone(),
            factor_id: Some("opf1".into()),
            transaction_id: Some(format!("v2mst.{i}")),
            result: "SUCCESS".into(),
            at: Some(time),
        }];
        e
    }

    fn open_temp() -> (tempfile::TempDir, AuditLog) {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::open(&AuditLog::default_path(dir.path())).unwrap();
        (dir, log)
    }

    #[cfg(unix)]
    #[test]
    fn a_new_data_dir_and_its_log_are_private_to_the_owner() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("fresh/data");
        let path = AuditLog::default_path(&data);
        AuditLog::open(&path).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&data), 0o700, "data dir");
        assert_eq!(mode(&dir.path().join("fresh")), 0o700, "its new parent");
        assert_eq!(mode(&path), 0o600, "audit log");
    }

    #[test]
    fn default_path_is_inside_the_data_dir() {
        assert_eq!(
            AuditLog::default_path(Path::new("/var/lib/accessdesk")),
            Path::new("/var/lib/accessdesk/audit.sqlite3")
        );
    }

    #[test]
    fn the_demo_log_is_its_own_file_under_the_data_dir() {
        let demo = AuditLog::default_path(&AuditLog::demo_data_dir(Path::new("/data")));
        assert_eq!(demo, Path::new("/data/demo/audit.sqlite3"));
        assert_ne!(demo, AuditLog::default_path(Path::new("/data")));
    }

    #[test]
    fn open_lays_out_a_durable_identified_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/dir/audit.sqlite3");
        let log = AuditLog::open(&path).unwrap();
        assert!(path.exists());
        let pragma = |name: &str| -> String {
            log.conn
                .query_row(
                    &format!("SELECT CAST({name} AS TEXT) FROM pragma_{name}"),
                    [],
                    |r| r.get(0),
                )
                .unwrap()
        };
        assert_eq!(pragma("journal_mode"), "wal");
        assert_eq!(pragma("synchronous"), "2", "FULL");
        assert_eq!(pragma("user_version"), schema::SCHEMA_VERSION.to_string());
        assert_eq!(pragma("application_id"), schema::APPLICATION_ID.to_string());
    }

    #[test]
    fn appends_chain_from_genesis_and_list_reads_them_back() {
        let (_dir, mut log) = open_temp();
        let first = log.append(&entry(1)).unwrap();
        let second = log.append(&entry(2)).unwrap();
        assert_eq!((first.seq, second.seq), (1, 2));
        assert_eq!(first.prev_hash, GENESIS_HASH);
        assert_eq!(second.prev_hash, first.hash);
        assert_eq!(first.hash, record_hash(GENESIS_HASH, 1, &entry(1)));
        assert_eq!(log.list(None).unwrap(), vec![first, second]);
    }

    #[test]
    fn the_org_and_the_removed_factors_are_stored_and_read_back() {
        let (_dir, mut log) = open_temp();
        let mut e = entry(1);
        e.org = Some("https://acme.okta.com/".into());
        e.factors_removed = vec!["Okta Verify push [opf1]".into()];
        let written = log.append(&e).unwrap();
        let plain = log.append(&entry(2)).unwrap();
        assert_eq!(log.list(None).unwrap(), vec![written.clone(), plain]);
        assert_eq!(written.entry, e);
        assert!(log.verify().unwrap().is_intact());
    }

    /// A log as version 1 wrote it: no org or factors columns. Opening upgrades it in
    /// place; its records read back unchanged and still verify, and new ones chain on.
    #[test]
    fn a_version_1_log_is_upgraded_and_its_records_still_verify() {
        let dir = tempfile::tempdir().unwrap();
        let path = AuditLog::default_path(dir.path());
        let old = Connection::open(&path).unwrap();
        schema::create_v1(&old).unwrap();
        let mut prev = GENESIS_HASH.to_owned();
        for seq in 1..=2 {
            let e = entry(seq);
            let hash = record_hash(&prev, seq, &e);
            old.execute(
                "INSERT INTO audit (seq, time, agent, action, target_id, target_login, ticket, \
                 checklist, evidence, idp_request_id, outcome, error, note, prev_hash, hash) \
                 VALUES (?1, ?2, ?3, ?4, NULL, ?5, ?6, ?7, ?8, NULL, 'succeeded', NULL, NULL, ?9, ?10)",
                rusqlite::params![
                    seq,
                    format_time(e.time),
                    e.agent,
                    e.action,
                    e.target_login,
                    e.ticket,
                    serde_json::to_string(&e.checklist).unwrap(),
                    serde_json::to_string(&e.evidence).unwrap(),
                    prev,
                    hash,
                ],
            )
            .unwrap();
            prev = hash;
        }
        drop(old);

        let mut log = AuditLog::open(&path).unwrap();
        let version: i64 = log
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, schema::SCHEMA_VERSION);
        let records = log.list(None).unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(records[1].entry, entry(2));
        assert_eq!(records[1].hash, prev);
        let mut e = entry(3);
        e.org = Some("https://acme.okta.com/".into());
        assert_eq!(log.append(&e).unwrap().prev_hash, prev);
        let report = log.verify().unwrap();
        assert!(report.is_intact(), "{report:?}");
        assert_eq!(report.good, 3);
        // Reopening an upgraded log changes nothing.
        drop(log);
        assert_eq!(AuditLog::open(&path).unwrap().list(None).unwrap().len(), 3);
    }

    #[test]
    fn recent_gives_the_newest_first_and_the_total() {
        let (_dir, mut log) = open_temp();
        assert_eq!(log.recent(3).unwrap(), (Vec::new(), 0));
        for i in 0..5 {
            log.append(&entry(i)).unwrap();
        }
        let (records, total) = log.recent(3).unwrap();
        let seqs: Vec<i64> = records.iter().map(|r| r.seq).collect();
        assert_eq!((seqs, total), (vec![5, 4, 3], 5));
    }

    #[test]
    fn list_since_keeps_records_at_or_after_the_time() {
        let (_dir, mut log) = open_temp();
        for i in 0..5 {
            log.append(&entry(i)).unwrap();
        }
        let since = entry(3).time;
        let seqs: Vec<i64> = log
            .list(Some(since))
            .unwrap()
            .iter()
            .map(|r| r.seq)
            .collect();
        assert_eq!(seqs, vec![4, 5]);
        assert!(log.list(Some(entry(9).time)).unwrap().is_empty());
    }

    #[test]
    fn reopening_continues_the_chain() {
        let dir = tempfile::tempdir().unwrap();
        let path = AuditLog::default_path(dir.path());
        let first = AuditLog::open(&path).unwrap().append(&entry(1)).unwrap();
        let second = AuditLog::open(&path).unwrap().append(&entry(2)).unwrap();
        assert_eq!(second.seq, 2);
        assert_eq!(second.prev_hash, first.hash);
    }

    #[test]
    fn concurrent_writers_never_fork_the_chain() {
        let (_dir, log) = open_temp();
        let writers: Vec<_> = (0..2)
            .map(|w| {
                let path = log.path.clone();
                std::thread::spawn(move || {
                    let mut mine = AuditLog::open(&path).unwrap();
                    for i in 0..25 {
                        mine.append(&entry(w * 100 + i)).unwrap();
                    }
                })
            })
            .collect();
        for w in writers {
            w.join().unwrap();
        }
        let records = log.list(None).unwrap();
        assert_eq!(records.len(), 50);
        let mut prev = GENESIS_HASH.to_owned();
        for (i, r) in records.iter().enumerate() {
            assert_eq!(r.seq, i as i64 + 1);
            assert_eq!(r.prev_hash, prev);
            prev = r.hash.clone();
        }
    }

    #[test]
    fn secrets_are_refused_and_nothing_is_written() {
        let (_dir, mut log) = open_temp();
        let mut e = entry(1);
        e.note = Some("link was https://acme.okta.com/reset_password/XE6wE17zmphl".into());
        let err = log.append(&e).unwrap_err();
        assert!(matches!(
            err,
            AuditError::SecretRefused { field: "note", .. }
        ));
        assert!(err.to_string().contains("never the secret itself"), "{err}");
        assert!(log.list(None).unwrap().is_empty());
        // The next good entry still starts the chain at 1.
        assert_eq!(log.append(&entry(2)).unwrap().seq, 1);
    }

    #[test]
    fn the_table_is_append_only_even_for_raw_sql() {
        let (_dir, mut log) = open_temp();
        log.append(&entry(1)).unwrap();
        for statement in ["UPDATE audit SET agent = 'mallory'", "DELETE FROM audit"] {
            let err = log.conn.execute(statement, []).unwrap_err();
            assert!(err.to_string().contains("append-only"), "{err}");
        }
        assert_eq!(log.list(None).unwrap()[0].entry.agent, "alice");
    }

    #[test]
    fn after_the_newest_record_is_removed_its_seq_is_not_reused() {
        let (_dir, mut log) = open_temp();
        log.append(&entry(1)).unwrap();
        log.append(&entry(2)).unwrap();
        log.conn
            .execute_batch("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 2;")
            .unwrap();
        assert_eq!(log.append(&entry(3)).unwrap().seq, 3);
    }

    #[test]
    fn a_foreign_sqlite_file_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other.sqlite3");
        let other = Connection::open(&path).unwrap();
        other.execute_batch("CREATE TABLE notes (x TEXT)").unwrap();
        drop(other);
        let err = AuditLog::open(&path).unwrap_err();
        assert!(matches!(err, AuditError::NotAuditLog { .. }), "{err}");
        assert!(err.to_string().contains("is not an accessdesk audit log"));
        let other = Connection::open(&path).unwrap();
        let mode: String = other
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            mode, "delete",
            "the foreign file's journal mode was changed"
        );
    }

    #[test]
    fn a_file_that_is_not_sqlite_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.sqlite3");
        std::fs::write(
            &path,
            "this is a text file, not a database at all\n".repeat(40),
        )
        .unwrap();
        let err = AuditLog::open(&path).unwrap_err();
        assert!(matches!(err, AuditError::NotAuditLog { .. }), "{err}");
    }

    #[test]
    fn a_log_from_a_newer_version_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = AuditLog::default_path(dir.path());
        drop(AuditLog::open(&path).unwrap());
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", schema::SCHEMA_VERSION + 1)
            .unwrap();
        let err = AuditLog::open(&path).unwrap_err();
        assert!(matches!(err, AuditError::TooNew { .. }), "{err}");
        assert!(err.to_string().contains("upgrade accessdesk"), "{err}");
    }

    #[test]
    fn a_writer_holding_the_lock_makes_append_fail_as_locked() {
        let (_dir, mut log) = open_temp();
        log.conn.busy_timeout(Duration::from_millis(50)).unwrap();
        let other = Connection::open(&log.path).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        let err = log.append(&entry(1)).unwrap_err();
        assert!(matches!(err, AuditError::Locked { .. }), "{err}");
        assert!(err.to_string().contains("locked by another accessdesk"));
        other.execute_batch("ROLLBACK").unwrap();
        assert_eq!(log.append(&entry(1)).unwrap().seq, 1);
    }

    #[test]
    fn an_undecodable_row_makes_list_say_to_verify() {
        let (_dir, mut log) = open_temp();
        log.append(&entry(1)).unwrap();
        log.conn
            .execute_batch("DROP TRIGGER audit_no_update; UPDATE audit SET outcome = 'won';")
            .unwrap();
        let err = log.list(None).unwrap_err();
        assert!(
            matches!(err, AuditError::Unreadable { seq: 1, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("accessdesk audit verify"), "{err}");
    }
}
