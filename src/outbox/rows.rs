//! Between rows and values: instants as epoch milliseconds, notices as JSON, and the error
//! each failure becomes (naming the file).

use chrono::{DateTime, Utc};
use rusqlite::Row;
use std::path::Path;

use super::{OutboxError, OutboxItem, OutboxState, StateCount};
use crate::notify::{ChannelKind, Notice, NoticeKind};

/// The columns `item` reads, in its order.
pub const ITEM_COLUMNS: &str =
    "id, notice, state, attempts, queued_at, next_attempt_at, sent_at, last_error";

pub fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub fn instant(ms: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms)
}

pub fn sqlite(path: &Path, e: rusqlite::Error) -> OutboxError {
    OutboxError::Sqlite {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

pub fn corrupt(path: &Path, what: &str, message: impl Into<String>) -> OutboxError {
    OutboxError::Corrupt {
        path: path.to_path_buf(),
        what: what.to_string(),
        message: message.into(),
    }
}

/// A row's raw values, read inside the query callback (which can only fail with SQLite's error).
pub struct RawItem {
    pub(super) id: i64,
    pub(super) notice: String,
    pub(super) state: String,
    pub(super) attempts: i64,
    pub(super) queued_at: i64,
    pub(super) next_attempt_at: i64,
    pub(super) sent_at: Option<i64>,
    pub(super) last_error: Option<String>,
}

pub fn raw_item(row: &Row<'_>) -> rusqlite::Result<RawItem> {
    Ok(RawItem {
        id: row.get(0)?,
        notice: row.get(1)?,
        state: row.get(2)?,
        attempts: row.get(3)?,
        queued_at: row.get(4)?,
        next_attempt_at: row.get(5)?,
        sent_at: row.get(6)?,
        last_error: row.get(7)?,
    })
}

pub fn parse_state(path: &Path, text: &str) -> Result<OutboxState, OutboxError> {
    OutboxState::ALL
        .into_iter()
        .find(|s| s.as_str() == text)
        .ok_or_else(|| corrupt(path, "state", format!("unknown state {text:?}")))
}

fn time(path: &Path, what: &str, ms: i64) -> Result<DateTime<Utc>, OutboxError> {
    instant(ms).ok_or_else(|| corrupt(path, what, format!("{ms} is out of range")))
}

impl RawItem {
    pub fn into_item(self, path: &Path) -> Result<OutboxItem, OutboxError> {
        let notice: Notice = serde_json::from_str(&self.notice)
            .map_err(|e| corrupt(path, &format!("notice {}", self.id), e.to_string()))?;
        Ok(OutboxItem {
            id: self.id,
            notice,
            state: parse_state(path, &self.state)?,
            attempts: u32::try_from(self.attempts).unwrap_or(u32::MAX),
            queued_at: time(path, "queued_at", self.queued_at)?,
            next_attempt_at: time(path, "next_attempt_at", self.next_attempt_at)?,
            sent_at: self
                .sent_at
                .map(|ms| time(path, "sent_at", ms))
                .transpose()?,
            last_error: self.last_error,
        })
    }
}

/// Every raw row turned into items (the first unreadable one is the error).
pub fn into_items(path: &Path, raws: Vec<RawItem>) -> Result<Vec<OutboxItem>, OutboxError> {
    raws.into_iter().map(|r| r.into_item(path)).collect()
}

/// Counts by kind, channel and state from `(kind, channel, state, count)` rows, as both stores
/// read them.
pub fn state_counts(
    path: &Path,
    raw: Vec<(String, String, String, i64)>,
) -> Result<Vec<StateCount>, OutboxError> {
    raw.into_iter()
        .map(|(kind, channel, state, count)| {
            Ok(StateCount {
                kind: NoticeKind::from_name(&kind)
                    .ok_or_else(|| corrupt(path, "kind", kind.clone()))?,
                channel: ChannelKind::from_name(&channel)
                    .ok_or_else(|| corrupt(path, "channel", channel.clone()))?,
                state: parse_state(path, &state)?,
                count: u64::try_from(count).unwrap_or(0),
            })
        })
        .collect()
}
