//! The System Log store: events in persistence order, each with a sequence
//! number. Persistence time never goes backwards, so it can be searched by
//! bisection, while `published` may be slightly out of order (as in Okta).
//! Only the most recent `capacity` events are kept, so a long-running demo at
//! a high rate stays within a bounded amount of memory. Each event is kept as its JSON
//! text (about 2 KB, against some 15 KB as a `serde_json::Value`) and parsed only when a
//! query needs to look inside it.

use chrono::{DateTime, Utc};
use serde_json::Value;
use serde_json::value::RawValue;

/// Enough for days of traffic at the default rate.
pub(crate) const DEFAULT_CAPACITY: usize = 50_000;

pub(crate) struct StoredEvent {
    /// 1-based position in persistence order; never reused.
    pub seq: u64,
    pub published: DateTime<Utc>,
    pub persisted: DateTime<Utc>,
    /// The event exactly as the API returns it.
    json: Box<RawValue>,
}

impl StoredEvent {
    pub fn raw(&self) -> &RawValue {
        &self.json
    }

    pub fn text(&self) -> &str {
        self.json.get()
    }

    /// The event parsed, for matching and tests.
    pub fn event(&self) -> Value {
        serde_json::from_str(self.json.get()).unwrap_or(Value::Null)
    }
}

pub(crate) struct EventLog {
    events: Vec<StoredEvent>,
    /// How many of the oldest events were discarded.
    dropped: u64,
    capacity: usize,
}

impl Default for EventLog {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }
}

impl EventLog {
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            events: Vec::new(),
            dropped: 0,
            capacity: capacity.max(1),
        }
    }

    pub fn append(
        &mut self,
        event: Value,
        published: DateTime<Utc>,
        persisted: DateTime<Utc>,
    ) -> u64 {
        let persisted = self
            .events
            .last()
            .map_or(persisted, |last| last.persisted.max(persisted));
        let seq = self.last_seq() + 1;
        // A `Value` always serializes; the fallback keeps the log's numbering intact regardless.
        let json = serde_json::value::to_raw_value(&event)
            .unwrap_or_else(|_| RawValue::from_string("null".into()).expect("null is JSON"));
        self.events.push(StoredEvent {
            seq,
            published,
            persisted,
            json,
        });
        // Discard a tenth at a time so trimming stays cheap on average.
        if self.events.len() > self.capacity {
            let excess = self.events.len() - self.capacity + self.capacity / 10;
            let excess = excess.min(self.events.len() - 1);
            self.events.drain(..excess);
            self.dropped += excess as u64;
        }
        seq
    }

    pub fn all(&self) -> &[StoredEvent] {
        &self.events
    }

    /// Events persisted after the one with sequence number `seq` (all kept ones
    /// if that event was already discarded).
    pub fn after_seq(&self, seq: u64) -> &[StoredEvent] {
        let start = usize::try_from(seq.saturating_sub(self.dropped)).unwrap_or(usize::MAX);
        &self.events[start.min(self.events.len())..]
    }

    /// Events persisted at or after `t`.
    pub fn persisted_since(&self, t: DateTime<Utc>) -> &[StoredEvent] {
        let start = self.events.partition_point(|e| e.persisted < t);
        &self.events[start..]
    }

    pub fn last_seq(&self) -> u64 {
        self.dropped + self.events.len() as u64
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
        assert_eq!(
            log.after_seq(1).iter().map(|e| e.seq).collect::<Vec<_>>(),
            vec![2, 3]
        );
        assert!(log.after_seq(3).is_empty());
        assert!(log.after_seq(99).is_empty());
        assert_eq!(log.persisted_since(t0 + Duration::seconds(1)).len(), 1);
        assert_eq!(log.persisted_since(t0).len(), 3);
        assert_eq!(log.last_seq(), 3);
    }

    #[test]
    fn events_are_kept_as_their_wire_text() {
        let t0 = Utc::now();
        let mut log = EventLog::default();
        let event = json!({"uuid": "u1", "eventType": "user.account.lock", "target": [{"id": "00u1"}], "n": 1.5});
        log.append(event.clone(), t0, t0);
        let stored = &log.all()[0];
        assert_eq!(stored.text(), serde_json::to_string(&event).unwrap());
        assert_eq!(stored.event(), event);
        assert_eq!(stored.raw().get(), stored.text());
    }

    #[test]
    fn old_events_are_discarded_but_sequence_numbers_continue() {
        let t0 = Utc::now();
        let mut log = EventLog::with_capacity(100);
        for i in 1..=250 {
            assert_eq!(log.append(json!(i), t0, t0), i);
        }
        assert!(log.all().len() <= 100 && log.all().len() >= 90);
        assert_eq!(log.last_seq(), 250);
        assert_eq!(log.all().last().unwrap().seq, 250);
        assert_eq!(
            log.after_seq(245).iter().map(|e| e.seq).collect::<Vec<_>>(),
            vec![246, 247, 248, 249, 250]
        );
        // A cursor into discarded history resumes at the oldest kept event.
        assert_eq!(log.after_seq(3)[0].seq, log.all()[0].seq);
    }
}
