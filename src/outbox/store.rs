//! The outbox file: open, enqueue, take what is due, mark sent or failed, and look back.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::rows::{self, ITEM_COLUMNS, millis, raw_item, sqlite};
use super::schema::{self, Layout, SCHEMA_VERSION};
use super::{Enqueued, OutboxCounts, OutboxError, OutboxItem, OutboxState, StateCount};
use crate::notify::{IdempotencyKey, Notice, NoticeKind};
use crate::store::{OpenFailure, open_private_sqlite};

/// The file's name in the data directory.
pub const OUTBOX_FILE: &str = "outbox.sqlite3";

/// The dashboard, the CLI and `watch` share the file: a writer waits this long for another.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

pub struct LocalOutbox {
    pub(super) conn: Connection,
    pub(super) path: PathBuf,
}

impl std::fmt::Debug for LocalOutbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalOutbox")
            .field("path", &self.path)
            .finish()
    }
}

impl LocalOutbox {
    pub fn default_path(data_dir: &Path) -> PathBuf {
        data_dir.join(OUTBOX_FILE)
    }

    /// Open (creating, private to the owner) the outbox at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, OutboxError> {
        let path = path.as_ref();
        let sql = |e| sqlite(path, e);
        let mut conn = open_private_sqlite(path, BUSY_TIMEOUT).map_err(|e| match e {
            OpenFailure::CreateDir(path, source) => OutboxError::CreateDir { path, source },
            OpenFailure::Create(source) => OutboxError::Create {
                path: path.to_path_buf(),
                source,
            },
            OpenFailure::Sqlite(e) => sql(e),
        })?;
        // WAL: readers (the dashboard's status bar) never block the writer (`watch`).
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "wal", |r| r.get(0))
            .map_err(sql)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(OutboxError::Sqlite {
                path: path.to_path_buf(),
                message: format!("cannot use write-ahead logging (journal mode is {mode})"),
            });
        }
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(sql)?;
        if let Layout::TooNew(found) = schema::prepare(&mut conn).map_err(sql)? {
            return Err(OutboxError::TooNew {
                path: path.to_path_buf(),
                found,
                supported: SCHEMA_VERSION,
            });
        }
        Ok(Self {
            conn,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Write `notice` unless its key is already there (then nothing changes).
    pub fn enqueue(
        &mut self,
        notice: &Notice,
        now: DateTime<Utc>,
    ) -> Result<Enqueued, OutboxError> {
        let path = &self.path;
        let sql = |e| sqlite(path, e);
        let json = serde_json::to_string(notice).map_err(|e| OutboxError::Sqlite {
            path: path.clone(),
            message: format!("cannot encode the notice: {e}"),
        })?;
        let key = notice.key.as_string();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        let written = tx
            .execute(
                "INSERT OR IGNORE INTO notices (key, key_user, stage, cycle, kind, channel,
                     user_id, login, notice, state, attempts, queued_at, due_at, next_attempt_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'queued', 0, ?10, ?11, ?11)",
                params![
                    key,
                    notice.key.user,
                    notice.key.stage,
                    notice.key.cycle,
                    notice.kind.as_str(),
                    notice.channel.as_str(),
                    notice.user_id,
                    notice.login,
                    json,
                    millis(now),
                    millis(notice.due_at),
                ],
            )
            .map_err(sql)?;
        let outcome = if written == 1 {
            Enqueued::New(tx.last_insert_rowid())
        } else {
            let state: String = tx
                .query_row("SELECT state FROM notices WHERE key = ?1", [&key], |r| {
                    r.get(0)
                })
                .map_err(sql)?;
            Enqueued::Exists(rows::parse_state(path, &state)?)
        };
        tx.commit().map_err(sql)?;
        Ok(outcome)
    }

    /// Queued notices whose `next_attempt_at` is at or before `now`, oldest first.
    pub fn due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<OutboxItem>, OutboxError> {
        self.items(
            "WHERE state = 'queued' AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT ?2",
            params![millis(now), limit_param(limit)],
        )
    }

    pub fn mark_sent(&mut self, id: i64, at: DateTime<Utc>) -> Result<(), OutboxError> {
        self.update(
            id,
            "UPDATE notices SET state = 'sent', attempts = attempts + 1, sent_at = ?2
             WHERE id = ?1",
            params![id, millis(at)],
        )
    }

    /// A failed attempt to be retried at `retry_at` (attempts + 1, the error kept).
    pub fn mark_retry(
        &mut self,
        id: i64,
        error: &str,
        retry_at: DateTime<Utc>,
    ) -> Result<(), OutboxError> {
        self.update(
            id,
            "UPDATE notices SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3
             WHERE id = ?1",
            params![id, error, millis(retry_at)],
        )
    }

    /// A failed attempt after which delivery gives up (attempts + 1, state failed).
    pub fn mark_failed(
        &mut self,
        id: i64,
        error: &str,
        at: DateTime<Utc>,
    ) -> Result<(), OutboxError> {
        self.update(
            id,
            "UPDATE notices SET state = 'failed', attempts = attempts + 1, last_error = ?2,
                 next_attempt_at = ?3
             WHERE id = ?1",
            params![id, error, millis(at)],
        )
    }

    pub fn get(&self, key: &IdempotencyKey) -> Result<Option<OutboxItem>, OutboxError> {
        let mut items = self.items("WHERE key = ?1", params![key.as_string()])?;
        Ok(items.pop())
    }

    pub fn counts(&self) -> Result<OutboxCounts, OutboxError> {
        let path = &self.path;
        let (queued, sent, failed, oldest): (i64, i64, i64, Option<i64>) = self
            .conn
            .query_row(
                "SELECT
                     COALESCE(SUM(state = 'queued'), 0),
                     COALESCE(SUM(state = 'sent'), 0),
                     COALESCE(SUM(state = 'failed'), 0),
                     MIN(CASE WHEN state = 'queued' THEN due_at END)
                 FROM notices",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .map_err(|e| sqlite(path, e))?;
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        Ok(OutboxCounts {
            queued: count(queued),
            sent: count(sent),
            failed: count(failed),
            oldest_queued: oldest.and_then(rows::instant),
        })
    }

    /// Counts by kind, channel and state (every combination present).
    pub fn state_counts(&self) -> Result<Vec<StateCount>, OutboxError> {
        let path = &self.path;
        let sql = |e| sqlite(path, e);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT kind, channel, state, COUNT(*) FROM notices
                 GROUP BY kind, channel, state ORDER BY kind, channel, state",
            )
            .map_err(sql)?;
        let raw = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })
            .map_err(sql)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(sql)?;
        rows::state_counts(path, raw)
    }

    /// The latest `limit` notices, newest first.
    pub fn recent(&self, limit: usize) -> Result<Vec<OutboxItem>, OutboxError> {
        self.items("ORDER BY id DESC LIMIT ?1", params![limit_param(limit)])
    }

    /// The latest `limit` notices in `state` (every state with none), newest first.
    pub fn list(
        &self,
        state: Option<OutboxState>,
        limit: usize,
    ) -> Result<Vec<OutboxItem>, OutboxError> {
        self.items(
            "WHERE (?1 IS NULL OR state = ?1) ORDER BY id DESC LIMIT ?2",
            params![state.map(OutboxState::as_str), limit_param(limit)],
        )
    }

    /// Put failed notices back in the queue once their cause is fixed: the one with row id
    /// `id`, or every failed one. They are due at `now` with a fresh count of attempts (and a
    /// fresh window before delivery gives up); the last error stays until the next attempt.
    /// Returns how many were requeued.
    pub fn requeue_failed(
        &mut self,
        id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<usize, OutboxError> {
        self.conn
            .execute(
                "UPDATE notices SET state = 'queued', attempts = 0, queued_at = ?2,
                     next_attempt_at = ?2
                 WHERE state = 'failed' AND (?1 IS NULL OR id = ?1)",
                params![id, millis(now)],
            )
            .map_err(|e| sqlite(&self.path, e))
    }

    /// Notices about `user_id` (optionally of one kind) queued at or after `since`, oldest first.
    pub fn for_user(
        &self,
        user_id: &str,
        kind: Option<NoticeKind>,
        since: DateTime<Utc>,
    ) -> Result<Vec<OutboxItem>, OutboxError> {
        self.items(
            "WHERE (user_id = ?1 OR key_user = ?1) AND (?2 IS NULL OR kind = ?2)
                 AND queued_at >= ?3
             ORDER BY id",
            params![user_id, kind.map(NoticeKind::as_str), millis(since)],
        )
    }

    /// Small named state (e.g. "lockout_cursor", JSON), kept beside the notices it decides.
    pub fn load_state(&self, name: &str) -> Result<Option<String>, OutboxError> {
        self.conn
            .query_row("SELECT value FROM state WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| sqlite(&self.path, e))
    }

    pub fn save_state(&mut self, name: &str, value: &str) -> Result<(), OutboxError> {
        self.conn
            .execute(
                "INSERT INTO state (name, value) VALUES (?1, ?2)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                params![name, value],
            )
            .map(drop)
            .map_err(|e| sqlite(&self.path, e))
    }

    /// The notices a query selects (`tail`: what follows `FROM notices`).
    pub(super) fn items(
        &self,
        tail: &str,
        params: impl rusqlite::Params,
    ) -> Result<Vec<OutboxItem>, OutboxError> {
        let path = &self.path;
        let sql = |e| sqlite(path, e);
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {ITEM_COLUMNS} FROM notices {tail}"))
            .map_err(sql)?;
        let raws = stmt
            .query_map(params, raw_item)
            .map_err(sql)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(sql)?;
        rows::into_items(path, raws)
    }

    /// One row changed by `statement`, or an error naming the id no row has.
    fn update(
        &mut self,
        id: i64,
        statement: &str,
        params: impl rusqlite::Params,
    ) -> Result<(), OutboxError> {
        let changed = self
            .conn
            .execute(statement, params)
            .map_err(|e| sqlite(&self.path, e))?;
        if changed == 0 {
            return Err(OutboxError::NoSuchNotice {
                path: self.path.clone(),
                id,
            });
        }
        Ok(())
    }
}

/// SQLite's LIMIT is signed; `usize::MAX` means all.
fn limit_param(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}
