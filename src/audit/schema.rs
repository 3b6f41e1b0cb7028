//! The on-disk layout of the audit log, how a file is recognised as one before anything is
//! written to it, and how an older layout is brought up to date.
//!
//! Many accessdesk processes may open the same fresh data directory at once (a wall screen,
//! two agents, a script). Whatever a process learns about the file it learns inside one
//! transaction, and it lays out or upgrades the file only under the write lock after looking
//! again, so no process ever sees another's half-made layout.

use rusqlite::{Connection, ErrorCode, TransactionBehavior};
use std::path::Path;
use std::time::{Duration, Instant};

use super::error::AuditError;

/// `PRAGMA application_id` of an accessdesk audit log ("ADAL"): tells it apart from any other
/// SQLite file that happens to sit at the same path.
pub const APPLICATION_ID: i32 = 0x4144_414c;

/// `PRAGMA user_version` of the layout this build writes.
///
/// 1. the `audit` table and its triggers;
/// 2. adds `org` (the IdP base URL acted on) and `factors_removed` (JSON array of text).
///    Records written under version 1 read back with no org and no factors, and hash exactly
///    as they did (see [`chain`](super::chain));
/// 3. adds the `audit_checkpoint` table ([`checkpoint`](super::checkpoint)), outside the chain;
/// 4. adds `ticket_check` (the ticketing system's answer, JSON), NULL in older rows.
pub const SCHEMA_VERSION: i64 = 4;

/// The triggers that make the table append-only for every SQL client, this program included:
/// name and exact statement (verify compares both, so a weakened trigger shows too).
pub const TRIGGERS: [(&str, &str); 2] = [
    (
        "audit_no_update",
        "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN \
         SELECT RAISE(ABORT, 'the accessdesk audit log is append-only: records cannot be changed'); END",
    ),
    (
        "audit_no_delete",
        "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN \
         SELECT RAISE(ABORT, 'the accessdesk audit log is append-only: records cannot be deleted'); END",
    ),
];

// Version 1, exactly as it was first written: a new log is this plus every migration, so a
// new log and an upgraded one have the same columns in the same order.
// AUTOINCREMENT keeps the highest seq ever used in sqlite_sequence, so removing the newest
// records leaves a trace that verify can see. Times are fixed-width UTC text, so they sort.
const CREATE_V1: &str = "
CREATE TABLE audit (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    time            TEXT NOT NULL,
    agent           TEXT NOT NULL,
    action          TEXT NOT NULL,
    target_id       TEXT,
    target_login    TEXT,
    ticket          TEXT,
    checklist       TEXT NOT NULL,  -- JSON array of strings
    evidence        TEXT NOT NULL,  -- JSON array of evidence objects
    idp_request_id  TEXT,
    outcome         TEXT NOT NULL,
    error           TEXT,
    note            TEXT,
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL
) STRICT;
CREATE INDEX audit_time ON audit(time);
";

/// `MIGRATIONS[i]` takes a log from version `i + 1` to `i + 2`. Only ever add tables, or columns with a
/// value that old rows read as "absent", so old records keep verifying.
const MIGRATIONS: [&str; 3] = [
    // ADD COLUMN rewrites no row and fires no trigger; old rows read NULL and '[]'.
    "ALTER TABLE audit ADD COLUMN org TEXT;
     ALTER TABLE audit ADD COLUMN factors_removed TEXT NOT NULL DEFAULT '[]';",
    super::checkpoint::CREATE,
    "ALTER TABLE audit ADD COLUMN ticket_check TEXT;",
];

enum Kind {
    /// A new, empty database (a file just created, by us or by another process): ours to
    /// lay out.
    Empty,
    Ours {
        version: i64,
    },
    Foreign,
}

/// What the file is, read from one snapshot: the caller holds a transaction, so the header
/// and the schema cannot change between the three reads.
fn identify(conn: &Connection) -> rusqlite::Result<Kind> {
    let app_id: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let objects: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
    Ok(match app_id {
        APPLICATION_ID => Kind::Ours { version },
        0 if objects == 0 && version == 0 => Kind::Empty,
        _ => Kind::Foreign,
    })
}

/// Check that `conn` is an audit log this build understands, laying out a new one if the
/// file is empty or upgrading an older layout, and set the durability pragmas. A foreign or
/// too-new file is left untouched. `busy_timeout` is how long to wait for other processes.
pub fn prepare(
    conn: &mut Connection,
    path: &Path,
    busy_timeout: Duration,
) -> Result<(), AuditError> {
    let sql = |e| AuditError::sqlite(path, e);
    let kind = {
        let tx = conn.transaction().map_err(sql)?;
        let kind = identify(&tx).map_err(sql)?;
        tx.commit().map_err(sql)?;
        kind
    };
    let kind = match kind {
        Kind::Ours { version } if version == SCHEMA_VERSION => kind,
        // Refuse a foreign or too-new file before changing anything about it.
        Kind::Foreign => return check(&kind, path),
        Kind::Ours { version } if version > SCHEMA_VERSION => return check(&kind, path),
        Kind::Empty | Kind::Ours { .. } => lay_out(conn).map_err(sql)?,
    };
    check(&kind, path)?;
    // WAL: readers (verify, list) never block the writer. Where the filesystem cannot do
    // WAL, SQLite keeps its rollback journal, which is just as crash-safe, so that is fine.
    // Persistent in the file: a no-op for every open after the first.
    switch_to_wal(conn, busy_timeout).map_err(sql)?;
    // FULL: a committed record survives power loss, not only a crash of this process.
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(sql)?;
    Ok(())
}

/// `PRAGMA journal_mode = WAL`, waiting out other processes. Switching takes the write lock
/// while already holding a read lock, and SQLite answers that with BUSY at once instead of
/// calling the busy handler (waiting could deadlock), so the waiting happens here. Once the
/// file is in WAL mode the pragma changes nothing and never meets BUSY.
fn switch_to_wal(conn: &Connection, busy_timeout: Duration) -> rusqlite::Result<()> {
    let deadline = Instant::now() + busy_timeout;
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(())) {
            Err(e)
                if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy)
                    && Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(5));
            }
            other => return other,
        }
    }
}

/// Create or upgrade the layout under the write lock, deciding again there: another process
/// may have done it since we looked. Returns what the file is afterwards.
fn lay_out(conn: &mut Connection) -> rusqlite::Result<Kind> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let from = match identify(&tx)? {
        Kind::Empty => {
            create_v1(&tx)?;
            1
        }
        Kind::Ours { version } if (1..SCHEMA_VERSION).contains(&version) => version,
        // Foreign, too new, or already current: nothing to do here.
        other => return Ok(other),
    };
    for migration in &MIGRATIONS[usize::try_from(from - 1).unwrap_or(0)..] {
        tx.execute_batch(migration)?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(Kind::Ours {
        version: SCHEMA_VERSION,
    })
}

fn check(kind: &Kind, path: &Path) -> Result<(), AuditError> {
    match *kind {
        Kind::Ours { version } if version == SCHEMA_VERSION => Ok(()),
        Kind::Ours { version } if version > SCHEMA_VERSION => Err(AuditError::TooNew {
            path: path.to_path_buf(),
            found: version,
            supported: SCHEMA_VERSION,
        }),
        _ => Err(AuditError::NotAuditLog {
            path: path.to_path_buf(),
        }),
    }
}

/// The version-1 layout: where a new log starts before the migrations, and what tests build
/// to stand for a log an older accessdesk wrote.
pub(super) fn create_v1(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(CREATE_V1)?;
    for (_, trigger) in TRIGGERS {
        conn.execute_batch(trigger)?;
    }
    conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    conn.pragma_update(None, "user_version", 1)
}
