//! The outbox's tables. `PRAGMA user_version` names the layout: 0 is a new file, which gets
//! the current layout; a newer one is refused (the outbox is durable, so nothing is ever
//! dropped to rebuild it).
//!
//! Instants are integer milliseconds since the epoch, so SQL orders and compares them. The key
//! is stored whole (`user|kind|stage|cycle`, the single-use and idempotency constraint) and in
//! parts (what the schedules query by).

use rusqlite::Connection;

/// The layout this build reads and writes.
pub const SCHEMA_VERSION: i64 = 1;

const CREATE: &str = "
CREATE TABLE IF NOT EXISTS notices (
    id               INTEGER PRIMARY KEY,
    key              TEXT NOT NULL UNIQUE,
    key_user         TEXT NOT NULL,
    stage            TEXT NOT NULL,
    cycle            TEXT NOT NULL,
    kind             TEXT NOT NULL,
    channel          TEXT NOT NULL,
    user_id          TEXT,
    login            TEXT,
    notice           TEXT NOT NULL,
    state            TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    queued_at        INTEGER NOT NULL,
    due_at           INTEGER NOT NULL,
    next_attempt_at  INTEGER NOT NULL,
    sent_at          INTEGER,
    last_error       TEXT
);
CREATE INDEX IF NOT EXISTS notices_due ON notices (state, next_attempt_at);
CREATE INDEX IF NOT EXISTS notices_user ON notices (key_user, kind);
CREATE TABLE IF NOT EXISTS answers (
    key       TEXT PRIMARY KEY,
    key_user  TEXT NOT NULL,
    kind      TEXT NOT NULL,
    cycle     TEXT NOT NULL,
    choice    TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    at        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS answers_user ON answers (key_user, kind);
CREATE TABLE IF NOT EXISTS state (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
";

/// What `prepare` found.
pub enum Layout {
    Current,
    /// Newer than this build: leave the file alone.
    TooNew(i64),
}

/// Bring the file to the current layout.
pub fn prepare(conn: &mut Connection) -> rusqlite::Result<Layout> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version == SCHEMA_VERSION {
        return Ok(Layout::Current);
    }
    if version > SCHEMA_VERSION {
        return Ok(Layout::TooNew(version));
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    // Another process may have created the layout while this one waited for the lock.
    let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version == 0 {
        tx.execute_batch(CREATE)?;
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    }
    tx.commit()?;
    Ok(Layout::Current)
}
