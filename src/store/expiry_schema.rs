//! The expiry store's tables. `PRAGMA user_version` names the layout: 0 is a new file, which
//! gets the current layout; an older one is a cache of the IdP, so it is rebuilt empty (the
//! next scan fills it); a newer one is refused.

use rusqlite::Connection;

/// The layout this build reads and writes.
pub const SCHEMA_VERSION: i64 = 1;

const CREATE: &str = "
CREATE TABLE scan (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    as_of         TEXT,
    full_scan_at  TEXT,
    users_seen    INTEGER NOT NULL
);
CREATE TABLE password_expiry (
    user_id           TEXT PRIMARY KEY,
    login             TEXT NOT NULL,
    name              TEXT NOT NULL,
    status            TEXT NOT NULL,
    department        TEXT,
    email             TEXT NOT NULL,
    policy_id         TEXT NOT NULL,
    policy_name       TEXT NOT NULL,
    password_changed  TEXT,
    expires_at        TEXT,
    position          INTEGER NOT NULL
);
CREATE TABLE contractor_expiry (
    user_id        TEXT PRIMARY KEY,
    login          TEXT NOT NULL,
    name           TEXT NOT NULL,
    status         TEXT NOT NULL,
    department     TEXT,
    user_type      TEXT NOT NULL,
    ends_on        TEXT NOT NULL,
    manager_id     TEXT,
    manager_login  TEXT,
    manager_name   TEXT,
    manager_email  TEXT,
    position       INTEGER NOT NULL
);
CREATE TABLE password_policy (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    priority          INTEGER NOT NULL,
    active            INTEGER NOT NULL,
    system            INTEGER NOT NULL,
    include_groups    TEXT NOT NULL,
    exclude_groups    TEXT NOT NULL,
    max_age_days      INTEGER NOT NULL,
    expire_warn_days  INTEGER NOT NULL,
    last_updated      TEXT,
    position          INTEGER NOT NULL
);
CREATE TABLE group_member (
    group_id  TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;
CREATE TABLE deciding_group (
    group_id  TEXT PRIMARY KEY,
    position  INTEGER NOT NULL
);
";

const TABLES: [&str; 6] = [
    "scan",
    "password_expiry",
    "contractor_expiry",
    "password_policy",
    "group_member",
    "deciding_group",
];

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
    let tx = conn.transaction()?;
    for table in TABLES {
        tx.execute_batch(&format!("DROP TABLE IF EXISTS {table};"))?;
    }
    tx.execute_batch(CREATE)?;
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(Layout::Current)
}
