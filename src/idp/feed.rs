//! Where a lockout feed stands, and the bounded memory that keeps it free of duplicates.

use chrono::{DateTime, Utc};
use std::collections::{HashSet, VecDeque};

/// Where a lockout feed stands: where to start, or the provider's opaque continuation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedPosition {
    /// Nothing fetched yet: start at this time.
    Since(DateTime<Utc>),
    /// The provider's continuation (for Okta: the `next` link, followed verbatim).
    Continue(String),
}

/// A feed's position plus the ids it has already delivered.
#[derive(Debug, Clone)]
pub struct FeedCursor {
    pub position: FeedPosition,
    pub seen: RecentIds,
}

impl FeedCursor {
    /// Ids remembered for de-duplication: far more than one poll can return, small in memory.
    pub const REMEMBERED_IDS: usize = 10_000;

    pub fn since(start: DateTime<Utc>) -> Self {
        Self {
            position: FeedPosition::Since(start),
            seen: RecentIds::new(Self::REMEMBERED_IDS),
        }
    }
}

/// The most recent `capacity` ids, for de-duplication with bounded memory.
///
/// Okta's polling may return an event twice (at-least-once around page boundaries); an id
/// older than the window can no longer come back through a `next` link, so forgetting it is safe.
#[derive(Debug, Clone)]
pub struct RecentIds {
    capacity: usize,
    order: VecDeque<String>,
    set: HashSet<String>,
}

impl RecentIds {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            order: VecDeque::new(),
            set: HashSet::new(),
        }
    }

    /// Remember `id`; true when it was not seen before.
    pub fn insert(&mut self, id: &str) -> bool {
        if self.set.contains(id) {
            return false;
        }
        if self.order.len() == self.capacity
            && let Some(oldest) = self.order.pop_front()
        {
            self.set.remove(&oldest);
        }
        self.order.push_back(id.to_string());
        self.set.insert(id.to_string());
        true
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The remembered ids, oldest first (to persist them).
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &str> + ExactSizeIterator {
        self.order.iter().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_refused_and_memory_is_bounded() {
        let mut ids = RecentIds::new(3);
        assert!(ids.insert("a"));
        assert!(!ids.insert("a"));
        assert!(ids.insert("b"));
        assert!(ids.insert("c"));
        assert!(ids.insert("d"));
        assert_eq!(ids.len(), 3);
        // "a" fell out of the window, "b".."d" are still remembered.
        assert!(!ids.insert("c"));
        assert!(ids.insert("a"));
    }
}
