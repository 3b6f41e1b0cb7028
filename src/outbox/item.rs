//! What the outbox holds and reports.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::notify::{AnswerChoice, ChannelKind, IdempotencyKey, Notice, NoticeKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    /// Waiting to be sent (or to be retried at `next_attempt_at`).
    Queued,
    Sent,
    /// Gave up after `max_attempts` or a permanent error (an alert says so).
    Failed,
}

impl OutboxState {
    pub const ALL: [OutboxState; 3] = [OutboxState::Queued, OutboxState::Sent, OutboxState::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Queued => "queued",
            OutboxState::Sent => "sent",
            OutboxState::Failed => "failed",
        }
    }
}

/// One notice in the outbox.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutboxItem {
    /// The row id (1, 2, 3, …, in the order they were queued).
    pub id: i64,
    pub notice: Notice,
    pub state: OutboxState,
    /// Delivery attempts made so far.
    pub attempts: u32,
    pub queued_at: DateTime<Utc>,
    /// Not before this instant (the notice's `due_at`, later after a failed attempt).
    pub next_attempt_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// The latest delivery error, phrased for a person (never a secret).
    pub last_error: Option<String>,
}

/// What `enqueue` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enqueued {
    /// Written, with this row id.
    New(i64),
    /// The key was already there (in this state): nothing written.
    Exists(OutboxState),
}

/// The outbox at a glance (the dashboard's status bar).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OutboxCounts {
    pub queued: u64,
    pub sent: u64,
    pub failed: u64,
    /// The oldest queued notice's due time (how far behind delivery is).
    pub oldest_queued: Option<DateTime<Utc>>,
}

/// How many notices of one kind and channel are in one state (the metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateCount {
    pub kind: NoticeKind,
    pub channel: ChannelKind,
    pub state: OutboxState,
    pub count: u64,
}

/// An answer given through a notice's link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerRecord {
    pub at: DateTime<Utc>,
    /// The notice answered.
    pub key: IdempotencyKey,
    pub choice: AnswerChoice,
    /// The user the notice was about (for a digest, the manager).
    pub user_id: String,
}
