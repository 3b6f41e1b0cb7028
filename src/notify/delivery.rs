//! The delivery worker: takes what is due from the outbox, hands each item to its channel,
//! marks it sent, or schedules a retry with backoff, or gives up after `max_attempts` (and
//! queues an alert saying so). A notice is marked sent only after its channel accepted it, so
//! a crash in between sends it again, with the same key and Message-ID.

use chrono::{DateTime, Duration, Utc};

/// The wait before attempt `attempt + 1` after `attempt` failed ones: 30 s doubling to 1 h.
pub fn retry_delay(attempt: u32) -> Duration {
    let _ = attempt;
    unimplemented!("contract")
}

/// When to try again after a failure at `now`.
pub fn retry_at(now: DateTime<Utc>, attempts: u32) -> DateTime<Utc> {
    now + retry_delay(attempts)
}
