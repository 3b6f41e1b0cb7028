//! The System Log store: events in persistence order, each with a sequence
//! number. Persistence time never goes backwards, so it can be searched by
//! bisection, while `published` may be slightly out of order (as in Okta).

use chrono::{DateTime, Utc};
use serde_json::Value;

pub(crate) struct StoredEvent {
    /// 1-based position in persistence order.
    pub seq: u64,
    pub published: DateTime<Utc>,
    pub persisted: DateTime<Utc>,
    pub event: Value,
}

#[derive(Default)]
pub(crate) struct EventLog {
    events: Vec<StoredEvent>,
}

impl EventLog {
    pub fn append(&mut self, event: Value, published: DateTime<Utc>, persisted: DateTime<Utc>) -> u64 {
        let persisted = self.events.last().map_or(persisted, |last| last.persisted.max(persisted));
        let seq = self.events.len() as u64 + 1;
        self.events.push(StoredEvent { seq, published, persisted, event });
        seq
    }

    pub fn all(&self) -> &[StoredEvent] {
        &self.events
    }

    /// Events persisted after the one with sequence number `seq`.
    pub fn after_seq(&self, seq: u64) -> &[StoredEvent] {
        let start = usize::try_from(seq).unwrap_or(usize::MAX).min(self.events.len());
        &self.events[start..]
    }

    /// Events persisted at or after `t`.
    pub fn persisted_since(&self, t: DateTime<Utc>) -> &[StoredEvent] {
        let start = self.events.partition_point(|e| e.persisted < t);
        &self.events[start..]
    }

    pub fn last_seq(&self) -> u64 {
        self.events.len() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use serde_json::json;

    #[test]
    fn sequence_and_persistence_order() {
        let t0 = Utc::now();
        let mut log = EventLog::default();
        assert_eq!(log.append(json!(1), t0, t0), 1);
        // Persisted "earlier" than the previous one: clamped so order holds.
        assert_eq!(log.append(json!(2), t0, t0 - Duration::seconds(5)), 2);
        assert_eq!(log.append(json!(3), t0, t0 + Duration::seconds(10)), 3);
        assert_eq!(log.all()[1].persisted, t0);
        assert_eq!(log.after_seq(1).iter().map(|e| e.seq).collect::<Vec<_>>(), vec![2, 3]);
        assert!(log.after_seq(3).is_empty());
        assert!(log.after_seq(99).is_empty());
        assert_eq!(log.persisted_since(t0 + Duration::seconds(1)).len(), 1);
        assert_eq!(log.persisted_since(t0).len(), 3);
        assert_eq!(log.last_seq(), 3);
    }
}
