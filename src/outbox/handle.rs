//! The outbox as its callers see it: this machine's SQLite file, or in team mode the desk's
//! PostgreSQL. Both keep the same notices, answers and state and answer the same questions;
//! [`OutboxLocation`] says which one to open.

use chrono::{DateTime, NaiveDate, Utc};
use std::path::{Path, PathBuf};

use super::store::LocalOutbox;
use super::team_store::TeamOutbox;
use super::{
    AnswerRecord, Enqueued, OutboxCounts, OutboxError, OutboxItem, OutboxState, StateCount,
};
use crate::notify::{IdempotencyKey, Notice, NoticeKind};
use crate::policy::schedule::PasswordHistory;
use crate::team::TeamDb;

#[derive(Debug)]
pub enum Outbox {
    Local(LocalOutbox),
    Team(TeamOutbox),
}

/// Where the outbox is: opened by each task that needs its own handle.
#[derive(Debug, Clone)]
pub enum OutboxLocation {
    Local(PathBuf),
    Team(TeamDb),
}

impl OutboxLocation {
    /// The file in `data_dir`.
    pub fn local(data_dir: &Path) -> OutboxLocation {
        OutboxLocation::Local(Outbox::default_path(data_dir))
    }

    pub fn open(&self) -> Result<Outbox, OutboxError> {
        match self {
            OutboxLocation::Local(path) => Outbox::open(path),
            OutboxLocation::Team(db) => Ok(Outbox::team(db.clone())),
        }
    }
}

/// The same call on whichever store this is.
macro_rules! on_store {
    ($self:expr, $store:ident => $call:expr) => {
        match $self {
            Outbox::Local($store) => $call,
            Outbox::Team($store) => $call,
        }
    };
}

impl Outbox {
    pub fn default_path(data_dir: &Path) -> PathBuf {
        LocalOutbox::default_path(data_dir)
    }

    /// Open (creating, private to the owner) the SQLite outbox at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Outbox, OutboxError> {
        LocalOutbox::open(path).map(Outbox::Local)
    }

    /// The desk's outbox in its PostgreSQL (the schema already migrated).
    pub fn team(db: TeamDb) -> Outbox {
        Outbox::Team(TeamOutbox::new(db))
    }

    /// The file, or the desk's database, for messages.
    pub fn path(&self) -> &Path {
        on_store!(self, s => s.path())
    }

    /// Write `notice` unless its key is already there (then nothing changes).
    pub fn enqueue(
        &mut self,
        notice: &Notice,
        now: DateTime<Utc>,
    ) -> Result<Enqueued, OutboxError> {
        on_store!(self, s => s.enqueue(notice, now))
    }

    /// Queued notices due by `now`, oldest first (in team mode, taken for this process to
    /// deliver: no other `watch` gets them until they are marked or their lease ends).
    pub fn due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<OutboxItem>, OutboxError> {
        on_store!(self, s => s.due(now, limit))
    }

    pub fn mark_sent(&mut self, id: i64, at: DateTime<Utc>) -> Result<(), OutboxError> {
        on_store!(self, s => s.mark_sent(id, at))
    }

    /// A failed attempt to be retried at `retry_at` (attempts + 1, the error kept).
    pub fn mark_retry(
        &mut self,
        id: i64,
        error: &str,
        retry_at: DateTime<Utc>,
    ) -> Result<(), OutboxError> {
        on_store!(self, s => s.mark_retry(id, error, retry_at))
    }

    /// A failed attempt after which delivery gives up (attempts + 1, state failed).
    pub fn mark_failed(
        &mut self,
        id: i64,
        error: &str,
        at: DateTime<Utc>,
    ) -> Result<(), OutboxError> {
        on_store!(self, s => s.mark_failed(id, error, at))
    }

    pub fn get(&self, key: &IdempotencyKey) -> Result<Option<OutboxItem>, OutboxError> {
        on_store!(self, s => s.get(key))
    }

    pub fn counts(&self) -> Result<OutboxCounts, OutboxError> {
        on_store!(self, s => s.counts())
    }

    /// Counts by kind, channel and state (every combination present).
    pub fn state_counts(&self) -> Result<Vec<StateCount>, OutboxError> {
        on_store!(self, s => s.state_counts())
    }

    /// The latest `limit` notices, newest first.
    pub fn recent(&self, limit: usize) -> Result<Vec<OutboxItem>, OutboxError> {
        on_store!(self, s => s.recent(limit))
    }

    /// The latest `limit` notices in `state` (every state with none), newest first.
    pub fn list(
        &self,
        state: Option<OutboxState>,
        limit: usize,
    ) -> Result<Vec<OutboxItem>, OutboxError> {
        on_store!(self, s => s.list(state, limit))
    }

    /// Put failed notices back in the queue, due at `now` with a fresh count of attempts:
    /// the one with row id `id`, or every failed one. Returns how many.
    pub fn requeue_failed(
        &mut self,
        id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<usize, OutboxError> {
        on_store!(self, s => s.requeue_failed(id, now))
    }

    /// Notices about `user_id` (optionally of one kind) queued at or after `since`, oldest first.
    pub fn for_user(
        &self,
        user_id: &str,
        kind: Option<NoticeKind>,
        since: DateTime<Utc>,
    ) -> Result<Vec<OutboxItem>, OutboxError> {
        on_store!(self, s => s.for_user(user_id, kind, since))
    }

    /// Small named state (JSON), kept beside the notices it decides.
    pub fn load_state(&self, name: &str) -> Result<Option<String>, OutboxError> {
        on_store!(self, s => s.load_state(name))
    }

    pub fn save_state(&mut self, name: &str, value: &str) -> Result<(), OutboxError> {
        on_store!(self, s => s.save_state(name, value))
    }

    /// When lockout notices to `user_id` were (or are) due at or after `since`, failed ones
    /// apart: what the per-day cap and the gap count.
    pub fn lockout_notice_times(
        &self,
        user_id: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>, OutboxError> {
        on_store!(self, s => s.lockout_notice_times(user_id, since))
    }

    /// The reminder history of `user_id`'s newest password cycle.
    pub fn password_history(&self, user_id: &str) -> Result<PasswordHistory, OutboxError> {
        on_store!(self, s => s.password_history(user_id))
    }

    /// (manager id, digest date) pairs a manager answered *Understood*.
    pub fn digest_answers(&self) -> Result<Vec<(String, NaiveDate)>, OutboxError> {
        on_store!(self, s => s.digest_answers())
    }

    /// Record an answer: true when written, false when that notice was already answered (a
    /// link is single-use).
    pub fn record_answer(&mut self, answer: &AnswerRecord) -> Result<bool, OutboxError> {
        on_store!(self, s => s.record_answer(answer))
    }

    pub fn answer_to(&self, key: &IdempotencyKey) -> Result<Option<AnswerRecord>, OutboxError> {
        on_store!(self, s => s.answer_to(key))
    }

    /// *This wasn't me* reports at or after `since`, newest first.
    pub fn not_me_reports(&self, since: DateTime<Utc>) -> Result<Vec<AnswerRecord>, OutboxError> {
        on_store!(self, s => s.not_me_reports(since))
    }
}
