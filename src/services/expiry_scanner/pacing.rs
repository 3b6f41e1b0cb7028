//! How long the scanner waits before its next request so that it never spends more than its
//! share of an endpoint's rate-limit window, whoever else spends the rest (pure).

use chrono::{DateTime, Duration, Utc};

use crate::model::RateLimit;

/// Aim a little past the reported reset, so the next request lands in the new window even
/// when the IdP's clock and ours disagree by a fraction of a second.
pub const AFTER_RESET: Duration = Duration::milliseconds(250);

/// Requests the share allows in a window of `limit` (at least one, or nothing would move).
pub fn allowance(limit: u32, share: f64) -> u32 {
    let share = if share.is_finite() {
        share.clamp(0.0, 1.0)
    } else {
        1.0
    };
    ((f64::from(limit) * share).floor() as u32).max(1)
}

/// When the next request may go, given the window the endpoint reported last; `None`: now.
///
/// The window counts everyone's requests (the dashboard's lookups too), so the scanner backs
/// off as soon as the window's use reaches its share, leaving the rest to people.
pub fn wait_until(
    last: Option<&RateLimit>,
    share: f64,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let last = last?;
    if now >= last.reset {
        // A new window has begun (or will with the next request).
        return None;
    }
    let used = last.limit.saturating_sub(last.remaining);
    (last.remaining == 0 || used >= allowance(last.limit, share)).then(|| last.reset + AFTER_RESET)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
    }

    fn window(limit: u32, remaining: u32, reset_in_secs: i64) -> RateLimit {
        RateLimit {
            limit,
            remaining,
            reset: now() + Duration::seconds(reset_in_secs),
        }
    }

    #[test]
    fn nothing_known_means_go() {
        assert_eq!(wait_until(None, 0.5, now()), None);
    }

    #[test]
    fn goes_until_the_share_of_the_window_is_used_then_waits_for_the_reset() {
        // 600 a minute at 50 %: 300 requests, then wait.
        assert_eq!(wait_until(Some(&window(600, 600, 60)), 0.5, now()), None);
        assert_eq!(wait_until(Some(&window(600, 301, 40)), 0.5, now()), None);
        let until = wait_until(Some(&window(600, 300, 40)), 0.5, now());
        assert_eq!(until, Some(now() + Duration::seconds(40) + AFTER_RESET));
        assert_eq!(
            wait_until(Some(&window(600, 10, 5)), 0.5, now()),
            Some(now() + Duration::seconds(5) + AFTER_RESET)
        );
    }

    #[test]
    fn others_use_of_the_window_counts_against_the_share() {
        // Someone else already spent 250 of 600: the scanner gets 50 more, not 300.
        let w = |remaining| window(600, remaining, 30);
        assert_eq!(wait_until(Some(&w(351)), 0.5, now()), None);
        assert!(wait_until(Some(&w(300)), 0.5, now()).is_some());
    }

    #[test]
    fn a_passed_reset_is_a_new_window() {
        assert_eq!(wait_until(Some(&window(600, 0, -1)), 0.5, now()), None);
        assert_eq!(wait_until(Some(&window(600, 0, 0)), 0.5, now()), None);
    }

    #[test]
    fn an_exhausted_window_always_waits_whatever_the_share() {
        assert!(wait_until(Some(&window(10, 0, 3)), 1.0, now()).is_some());
        assert_eq!(wait_until(Some(&window(10, 1, 3)), 1.0, now()), None);
    }

    #[test]
    fn the_allowance_is_the_share_rounded_down_but_never_nothing() {
        assert_eq!(allowance(600, 0.5), 300);
        assert_eq!(allowance(15, 0.5), 7);
        assert_eq!(allowance(1, 0.5), 1);
        assert_eq!(allowance(0, 0.5), 1);
        assert_eq!(allowance(100, 2.0), 100);
        assert_eq!(allowance(100, -1.0), 1);
        assert_eq!(allowance(100, f64::NAN), 100);
    }
}
