//! The on-disk layout of the audit log, and how a file is recognised as one before anything
//! is written to it.

use rusqlite::{Connection, TransactionBehavior};
use std::path::Path;

use super::error::AuditError;

/// `PRAGMA application_id` of an accessdesk audit log ("ADAL"): tells it apart from any other
/// SQLite file that happens to sit at the same path.
pub const APPLICATION_ID: i32 = 0x4144_414c;

/// `PRAGMA user_version` of the layout below.
pub const SCHEMA_VERSION: i64 = 1;

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

// AUTOINCREMENT keeps the highest seq ever used in sqlite_sequence, so removing the newest
// records leaves a trace that verify can see. Times are fixed-width UTC text, so they sort.
const CREATE: &str = "
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

enum Kind {
    /// A new, empty database: ours to lay out.
    Empty,
    Ours {
        version: i64,
    },
    Foreign,
}

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
/// file is empty, and set the durability pragmas. A foreign file is left untouched.
pub fn prepare(conn: &mut Connection, path: &Path) -> Result<(), AuditError> {
    let sql = |e| AuditError::sqlite(path, e);
    let mut kind = identify(conn).map_err(sql)?;
    if !matches!(kind, Kind::Empty) {
        // Refuse a foreign or too-new file before changing anything about it.
        check(&kind, path)?;
    }
    // WAL: readers (verify, list) never block the writer. Where the filesystem cannot do
    // WAL, SQLite keeps its rollback journal, which is just as crash-safe, so that is fine.
    // FULL: a committed record survives power loss, not only a crash of this process.
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
        .map_err(sql)?;
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(sql)?;
    if let Kind::Empty = kind {
        // Another process may be creating it at the same moment: decide under the write lock.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        kind = identify(&tx).map_err(sql)?;
        if let Kind::Empty = kind {
            tx.execute_batch(CREATE).map_err(sql)?;
            for (_, trigger) in TRIGGERS {
                tx.execute_batch(trigger).map_err(sql)?;
            }
            tx.pragma_update(None, "application_id", APPLICATION_ID)
                .map_err(sql)?;
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)
                .map_err(sql)?;
            kind = Kind::Ours {
                version: SCHEMA_VERSION,
            };
        }
        tx.commit().map_err(sql)?;
    }
    check(&kind, path)
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
