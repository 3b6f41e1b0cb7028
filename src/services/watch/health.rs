//! How the lockout poll is doing, for `/healthz`: healthy while polls succeed; unhealthy
//! (503) once no poll has succeeded for `STALE_AFTER` (plus the poll's own interval), or
//! when none has succeeded `STALE_AFTER` after the start.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::model::RateLimit;
use crate::services::PollHealth;

/// How long the poll may fail (or not have succeeded yet) before `/healthz` says 503.
pub const STALE_AFTER: Duration = Duration::minutes(5);

/// The poller's latest report, as `watch` keeps it.
#[derive(Debug, Clone)]
pub struct PollStatus {
    pub started_at: DateTime<Utc>,
    pub interval: std::time::Duration,
    pub last_success: Option<DateTime<Utc>>,
    pub consecutive_errors: u32,
    /// Phrased for a person, never a secret.
    pub last_error: Option<String>,
    pub rate_limit: Option<RateLimit>,
}

/// What `/healthz` answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HealthReport {
    /// "ok" or "failing".
    pub status: &'static str,
    /// Seconds since the last successful poll (none before the first).
    pub poll_age_secs: Option<i64>,
    pub consecutive_errors: u32,
    pub last_error: Option<String>,
}

impl PollStatus {
    pub fn new(started_at: DateTime<Utc>, interval: std::time::Duration) -> Self {
        Self {
            started_at,
            interval,
            last_success: None,
            consecutive_errors: 0,
            last_error: None,
            rate_limit: None,
        }
    }

    /// Take in a report from the poller.
    pub fn update(&mut self, health: &PollHealth) {
        self.last_success = health.last_success.or(self.last_success);
        self.consecutive_errors = health.consecutive_errors;
        self.last_error = health.last_error.clone();
        if health.rate_limit.is_some() {
            self.rate_limit = health.rate_limit;
        }
    }

    pub fn report(&self, now: DateTime<Utc>) -> HealthReport {
        let allowed = STALE_AFTER + Duration::from_std(self.interval).unwrap_or_default();
        let since = self.last_success.unwrap_or(self.started_at);
        let healthy = now - since <= allowed;
        HealthReport {
            status: if healthy { "ok" } else { "failing" },
            poll_age_secs: self.last_success.map(|t| (now - t).num_seconds().max(0)),
            consecutive_errors: self.consecutive_errors,
            last_error: self.last_error.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn healthy_while_polls_succeed_failing_once_stale() {
        let start = at("2026-12-02T10:00:00Z");
        let mut status = PollStatus::new(start, std::time::Duration::from_secs(10));
        // Starting up: no poll yet, but not for long.
        assert_eq!(status.report(at("2026-12-02T10:01:00Z")).status, "ok");
        // Never succeeded five minutes (and an interval) after the start.
        assert_eq!(status.report(at("2026-12-02T10:05:11Z")).status, "failing");
        status.last_success = Some(at("2026-12-02T10:06:00Z"));
        let report = status.report(at("2026-12-02T10:06:30Z"));
        assert_eq!(report.status, "ok");
        assert_eq!(report.poll_age_secs, Some(30));
        assert_eq!(status.report(at("2026-12-02T10:11:11Z")).status, "failing");
    }
}
