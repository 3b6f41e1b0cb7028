//! Hold the latest of a run of requests until no newer one came for a while: the directory is
//! searched once the agent stops typing, not on every key.

use std::time::Duration;
use tokio::time::Instant;

/// How long the typing must pause before the directory is searched.
pub const SEARCH_DEBOUNCE: Duration = Duration::from_millis(300);

/// The latest request and when it becomes due.
#[derive(Debug)]
pub struct Debounce<T> {
    delay: Duration,
    pending: Option<(T, Instant)>,
}

impl<T> Debounce<T> {
    pub fn new(delay: Duration) -> Self {
        Self {
            delay,
            pending: None,
        }
    }

    /// Replace any pending request with this one, due `delay` after `now`.
    pub fn push(&mut self, item: T, now: Instant) {
        self.pending = Some((item, now + self.delay));
    }

    /// When the pending request is due, if there is one.
    pub fn deadline(&self) -> Option<Instant> {
        self.pending.as_ref().map(|(_, due)| *due)
    }

    /// The pending request, once it is due at `now`.
    pub fn take_due(&mut self, now: Instant) -> Option<T> {
        if self.deadline()? <= now {
            self.pending.take().map(|(item, _)| item)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_last_request_of_a_burst_goes_out_after_the_pause() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut debounce = Debounce::new(ms(300));
        assert_eq!(debounce.deadline(), None);
        debounce.push("al", t0);
        debounce.push("ali", t0 + ms(100));
        assert_eq!(debounce.deadline(), Some(t0 + ms(400)));
        assert_eq!(debounce.take_due(t0 + ms(399)), None);
        assert_eq!(debounce.take_due(t0 + ms(400)), Some("ali"));
        assert_eq!(debounce.take_due(t0 + ms(900)), None, "sent once");
        assert_eq!(debounce.deadline(), None);
    }
}
