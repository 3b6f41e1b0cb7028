//! The lockout feed's cursor as `watch` keeps it in the outbox (`lockout_cursor`): the feed
//! position plus the newest ids already delivered, so a restart neither skips nor repeats.
//! It is saved only after the lockouts of a batch were handled (their notices queued): a kill
//! in between replays the batch, and the notices' idempotency keys make the replay harmless.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::idp::{FeedCursor, FeedPosition, RecentIds};
use crate::outbox::{Outbox, OutboxError};

/// The outbox state name.
pub const CURSOR_STATE: &str = "lockout_cursor";

/// Ids kept across a restart: more than a page boundary can bring back, small to write.
pub const SAVED_IDS: usize = 1_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
enum SavedPosition {
    Since(DateTime<Utc>),
    Continue(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct SavedCursor {
    position: SavedPosition,
    /// Oldest first.
    seen: Vec<String>,
}

/// The JSON form of `cursor` (its newest `SAVED_IDS` ids).
pub fn to_json(cursor: &FeedCursor) -> String {
    let position = match &cursor.position {
        FeedPosition::Since(t) => SavedPosition::Since(*t),
        FeedPosition::Continue(next) => SavedPosition::Continue(next.clone()),
    };
    let skip = cursor.seen.len().saturating_sub(SAVED_IDS);
    let saved = SavedCursor {
        position,
        seen: cursor.seen.iter().skip(skip).map(str::to_string).collect(),
    };
    serde_json::to_string(&saved).unwrap_or_default()
}

/// The cursor `json` describes, if it is one.
pub fn from_json(json: &str) -> Option<FeedCursor> {
    let saved: SavedCursor = serde_json::from_str(json).ok()?;
    let mut seen = RecentIds::new(FeedCursor::REMEMBERED_IDS);
    for id in &saved.seen {
        seen.insert(id);
    }
    let position = match saved.position {
        SavedPosition::Since(t) => FeedPosition::Since(t),
        SavedPosition::Continue(next) => FeedPosition::Continue(next),
    };
    Some(FeedCursor { position, seen })
}

/// The saved cursor, else one starting at `fallback_start` (first run, or an unreadable one,
/// which is logged).
pub fn load(outbox: &Outbox, fallback_start: DateTime<Utc>) -> Result<FeedCursor, OutboxError> {
    match outbox.load_state(CURSOR_STATE)? {
        Some(json) => Ok(from_json(&json).unwrap_or_else(|| {
            tracing::warn!("the saved lockout cursor is unreadable; starting from the lookback");
            FeedCursor::since(fallback_start)
        })),
        None => Ok(FeedCursor::since(fallback_start)),
    }
}

pub fn save(outbox: &mut Outbox, cursor: &FeedCursor) -> Result<(), OutboxError> {
    outbox.save_state(CURSOR_STATE, &to_json(cursor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_survives_the_round_trip_with_its_newest_ids() {
        let mut cursor = FeedCursor::since(Utc::now());
        cursor.position = FeedPosition::Continue("https://x.okta.com/api/v1/logs?after=1".into());
        for i in 0..(SAVED_IDS + 5) {
            cursor.seen.insert(&format!("id{i}"));
        }
        let back = from_json(&to_json(&cursor)).unwrap();
        assert_eq!(back.position, cursor.position);
        assert_eq!(back.seen.len(), SAVED_IDS);
        let mut seen = back.seen.clone();
        // The newest are remembered, the oldest five forgotten.
        assert!(!seen.insert(&format!("id{}", SAVED_IDS + 4)));
        assert!(seen.insert("id0"));
    }

    #[test]
    fn garbage_is_not_a_cursor() {
        assert!(from_json("{not json").is_none());
        assert!(from_json("{\"position\":1}").is_none());
    }
}
