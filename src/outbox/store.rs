//! The outbox file: open, enqueue, take what is due, mark sent or failed, and the answers.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Connection;
use std::path::{Path, PathBuf};

use super::{AnswerRecord, Enqueued, OutboxCounts, OutboxError, OutboxItem, StateCount};
use crate::notify::{IdempotencyKey, Notice, NoticeKind};
use crate::policy::schedule::PasswordHistory;

/// The file's name in the data directory.
pub const OUTBOX_FILE: &str = "outbox.sqlite3";

pub struct Outbox {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbox").field("path", &self.path).finish()
    }
}

impl Outbox {
    pub fn default_path(data_dir: &Path) -> PathBuf {
        data_dir.join(OUTBOX_FILE)
    }

    /// Open (creating, private to the owner) the outbox at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, OutboxError> {
        let _ = (path.as_ref(), &Connection::open_in_memory);
        unimplemented!("contract: the outbox helper implements this")
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
        let _ = (notice, now, &self.conn);
        unimplemented!()
    }

    /// Queued notices whose `next_attempt_at` is at or before `now`, oldest first.
    pub fn due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<OutboxItem>, OutboxError> {
        let _ = (now, limit);
        unimplemented!()
    }

    pub fn mark_sent(&mut self, id: i64, at: DateTime<Utc>) -> Result<(), OutboxError> {
        let _ = (id, at);
        unimplemented!()
    }

    /// A failed attempt to be retried at `retry_at` (attempts + 1, the error kept).
    pub fn mark_retry(
        &mut self,
        id: i64,
        error: &str,
        retry_at: DateTime<Utc>,
    ) -> Result<(), OutboxError> {
        let _ = (id, error, retry_at);
        unimplemented!()
    }

    /// A failed attempt after which delivery gives up (attempts + 1, state failed).
    pub fn mark_failed(
        &mut self,
        id: i64,
        error: &str,
        at: DateTime<Utc>,
    ) -> Result<(), OutboxError> {
        let _ = (id, error, at);
        unimplemented!()
    }

    pub fn get(&self, key: &IdempotencyKey) -> Result<Option<OutboxItem>, OutboxError> {
        let _ = key;
        unimplemented!()
    }

    pub fn counts(&self) -> Result<OutboxCounts, OutboxError> {
        unimplemented!()
    }

    /// Counts by kind, channel and state (every combination present).
    pub fn state_counts(&self) -> Result<Vec<StateCount>, OutboxError> {
        unimplemented!()
    }

    /// The latest `limit` notices, newest first.
    pub fn recent(&self, limit: usize) -> Result<Vec<OutboxItem>, OutboxError> {
        let _ = limit;
        unimplemented!()
    }

    /// Notices about `user_id` (optionally of one kind) queued at or after `since`, oldest first.
    pub fn for_user(
        &self,
        user_id: &str,
        kind: Option<NoticeKind>,
        since: DateTime<Utc>,
    ) -> Result<Vec<OutboxItem>, OutboxError> {
        let _ = (user_id, kind, since);
        unimplemented!()
    }

    /// When lockout notices to `user_id` went (or are queued to go: their `due_at`), at or
    /// after `since`: the input of the cap and the gap.
    pub fn lockout_notice_times(
        &self,
        user_id: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>, OutboxError> {
        let _ = (user_id, since);
        unimplemented!()
    }

    /// The reminder history of `user_id`'s newest password cycle: the reminders and expired
    /// notices queued or sent for it and the answers given to them.
    pub fn password_history(&self, user_id: &str) -> Result<PasswordHistory, OutboxError> {
        let _ = user_id;
        unimplemented!()
    }

    /// (manager id, digest date) pairs a manager answered *Understood*.
    pub fn digest_answers(&self) -> Result<Vec<(String, NaiveDate)>, OutboxError> {
        unimplemented!()
    }

    /// Record an answer: true when written, false when that notice was already answered (a
    /// link is single-use: one answer per notice).
    pub fn record_answer(&mut self, answer: &AnswerRecord) -> Result<bool, OutboxError> {
        let _ = answer;
        unimplemented!()
    }

    /// The answer given to a notice, if any.
    pub fn answer_to(&self, key: &IdempotencyKey) -> Result<Option<AnswerRecord>, OutboxError> {
        let _ = key;
        unimplemented!()
    }

    /// *This wasn't me* reports at or after `since`, newest first.
    pub fn not_me_reports(&self, since: DateTime<Utc>) -> Result<Vec<AnswerRecord>, OutboxError> {
        let _ = since;
        unimplemented!()
    }

    /// Small named state (e.g. "lockout_cursor", JSON), kept beside the notices it decides.
    pub fn load_state(&self, name: &str) -> Result<Option<String>, OutboxError> {
        let _ = name;
        unimplemented!()
    }

    pub fn save_state(&mut self, name: &str, value: &str) -> Result<(), OutboxError> {
        let _ = (name, value);
        unimplemented!()
    }
}
