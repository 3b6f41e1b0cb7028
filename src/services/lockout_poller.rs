//! The lockout poller: a tokio task that follows the IdP's lockout feed and reports batches
//! and its own health to whoever listens (the dashboard, `lockouts --follow`, `watch`).

use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

use crate::idp::{Directory, FeedCursor};
use crate::model::{Lockout, RateLimit};

/// How the poller runs.
#[derive(Debug, Clone)]
pub struct PollerConfig {
    /// Normal wait between polls of an empty feed.
    pub interval: Duration,
    /// How far back the first poll starts.
    pub lookback: Duration,
    /// The interval in force when something else sets it: `watch` slows polling to a
    /// backstop while Okta event hooks deliver, and speeds up again when they stop.
    pub pace: Option<tokio::sync::watch::Receiver<Duration>>,
}

impl PollerConfig {
    /// The interval in force now.
    fn interval(&self) -> Duration {
        self.pace
            .as_ref()
            .map_or(self.interval, |pace| *pace.borrow())
    }
}

/// What the poller knows about its own health, sent with every report.
#[derive(Debug, Clone, PartialEq)]
pub struct PollHealth {
    /// The configured interval.
    pub interval: Duration,
    /// The interval in force now (stretched when the rate limit runs low).
    pub effective_interval: Duration,
    pub last_attempt: Option<DateTime<Utc>>,
    pub last_success: Option<DateTime<Utc>>,
    pub consecutive_errors: u32,
    /// The latest error, already phrased for a person (never contains a secret).
    pub last_error: Option<String>,
    /// Whether retrying may cure the latest error (network, rate limit, 5xx). A wrong token
    /// (401) or a missing role (403) is not: it needs a fix. Meaningless without an error.
    pub last_error_transient: bool,
    pub rate_limit: Option<RateLimit>,
}

impl PollHealth {
    pub fn new(interval: Duration) -> Self {
        Self {
            interval,
            effective_interval: interval,
            last_attempt: None,
            last_success: None,
            consecutive_errors: 0,
            last_error: None,
            last_error_transient: false,
            rate_limit: None,
        }
    }
}

/// One report from the poller.
#[derive(Debug, Clone)]
pub enum FeedEvent {
    /// New lockouts (possibly none: a successful empty poll still reports health).
    Lockouts {
        lockouts: Vec<Lockout>,
        health: PollHealth,
    },
    /// A poll failed; the poller keeps going (`health.last_error_transient` says whether that
    /// can help).
    Failed { health: PollHealth },
}

/// Below this share of the rate-limit window the poller waits for the window to reset.
pub const LOW_BUDGET_FRACTION: f64 = 0.10;
/// The longest the poller backs off after repeated errors.
pub const MAX_ERROR_BACKOFF: Duration = Duration::from_secs(300);

/// How long to wait before the next poll, given what the last one taught us.
///
/// - more events are waiting (a full page): poll again at once;
/// - after errors: double the interval per consecutive error, up to `MAX_ERROR_BACKOFF`
///   (never shorter than the interval);
/// - when under `LOW_BUDGET_FRACTION` of the rate-limit window remains: wait until it resets;
/// - otherwise the configured interval.
pub fn next_delay(
    interval: Duration,
    more: bool,
    consecutive_errors: u32,
    rate_limit: Option<&RateLimit>,
    now: DateTime<Utc>,
) -> Duration {
    let mut delay = if more { Duration::ZERO } else { interval };
    if consecutive_errors > 0 {
        let factor = 2u32.saturating_pow(consecutive_errors.min(16));
        delay = interval
            .saturating_mul(factor)
            .min(MAX_ERROR_BACKOFF)
            .max(interval);
    }
    if let Some(rl) = rate_limit
        && rl.remaining_fraction() < LOW_BUDGET_FRACTION
    {
        let until_reset = (rl.reset - now).to_std().unwrap_or(Duration::ZERO);
        delay = delay.max(until_reset);
    }
    delay
}

/// A report with the cursor as it stands after the batch it carries, for a caller that
/// persists the cursor once it has handled the batch (`watch`).
#[derive(Debug, Clone)]
pub struct CursorReport {
    pub event: FeedEvent,
    /// Where the feed stands after `event` (unchanged by a failed poll).
    pub cursor: FeedCursor,
}

/// Where the polling loop sends its reports; `false` when nobody listens any more.
trait ReportSink: Send {
    fn report(
        &mut self,
        event: FeedEvent,
        cursor: &FeedCursor,
    ) -> impl std::future::Future<Output = bool> + Send;
}

impl ReportSink for mpsc::Sender<FeedEvent> {
    async fn report(&mut self, event: FeedEvent, _cursor: &FeedCursor) -> bool {
        self.send(event).await.is_ok()
    }
}

impl ReportSink for mpsc::Sender<CursorReport> {
    fn report(
        &mut self,
        event: FeedEvent,
        cursor: &FeedCursor,
    ) -> impl std::future::Future<Output = bool> + Send {
        let report = CursorReport {
            event,
            cursor: cursor.clone(),
        };
        async move { self.send(report).await.is_ok() }
    }
}

/// Run the polling loop until every receiver is gone.
pub async fn run<D: Directory>(
    directory: Arc<D>,
    config: PollerConfig,
    tx: mpsc::Sender<FeedEvent>,
) {
    let start = Utc::now() - chrono::Duration::from_std(config.lookback).unwrap_or_default();
    poll_loop(directory, config, FeedCursor::since(start), tx).await;
}

/// Run the polling loop from `cursor` (e.g. one persisted by an earlier run), reporting the
/// cursor with every batch, until every receiver is gone.
pub async fn run_from<D: Directory>(
    directory: Arc<D>,
    config: PollerConfig,
    cursor: FeedCursor,
    tx: mpsc::Sender<CursorReport>,
) {
    poll_loop(directory, config, cursor, tx).await;
}

async fn poll_loop<D: Directory, S: ReportSink>(
    directory: Arc<D>,
    config: PollerConfig,
    mut cursor: FeedCursor,
    mut sink: S,
) {
    let mut health = PollHealth::new(config.interval);
    let mut pace = config.pace.clone();
    loop {
        health.interval = config.interval();
        health.last_attempt = Some(Utc::now());
        let result = directory.poll_lockouts(&mut cursor).await;
        health.rate_limit = directory.log_rate_limit();
        let (lockouts, more) = match result {
            Ok(page) => {
                health.last_success = Some(Utc::now());
                health.consecutive_errors = 0;
                health.last_error = None;
                health.last_error_transient = false;
                (Some(page.lockouts), page.more)
            }
            Err(e) => {
                health.consecutive_errors += 1;
                health.last_error = Some(directory.explain(&e));
                health.last_error_transient = e.is_transient();
                tracing::warn!(error = %e, errors = health.consecutive_errors, "lockout poll failed");
                (None, false)
            }
        };
        let delay = next_delay(
            config.interval(),
            more,
            health.consecutive_errors,
            health.rate_limit.as_ref(),
            Utc::now(),
        );
        // Catching up on a backlog is not a change of pace worth reporting.
        health.effective_interval = delay.max(config.interval());
        let event = match lockouts {
            Some(lockouts) => FeedEvent::Lockouts {
                lockouts,
                health: health.clone(),
            },
            None => FeedEvent::Failed {
                health: health.clone(),
            },
        };
        if !sink.report(event, &cursor).await {
            return;
        }
        match pace.as_mut() {
            // A change of pace (hooks stopped: poll at the normal interval again) cuts the
            // wait short.
            Some(pace) => {
                tokio::select! {
                    () = tokio::time::sleep(delay) => {}
                    _ = pace.changed() => {}
                }
            }
            None => tokio::time::sleep(delay).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    const SEC: Duration = Duration::from_secs(1);

    #[test]
    fn normal_pace_and_backlog() {
        let now = at("2026-11-23T12:00:00Z");
        assert_eq!(next_delay(30 * SEC, false, 0, None, now), 30 * SEC);
        assert_eq!(next_delay(30 * SEC, true, 0, None, now), Duration::ZERO);
    }

    #[test]
    fn errors_back_off_exponentially_up_to_a_cap() {
        let now = at("2026-11-23T12:00:00Z");
        assert_eq!(next_delay(2 * SEC, false, 1, None, now), 4 * SEC);
        assert_eq!(next_delay(2 * SEC, false, 3, None, now), 16 * SEC);
        assert_eq!(next_delay(2 * SEC, false, 40, None, now), MAX_ERROR_BACKOFF);
        // An interval longer than the cap is never shortened by errors.
        assert_eq!(next_delay(600 * SEC, false, 2, None, now), 600 * SEC);
    }

    #[test]
    fn a_nearly_spent_budget_stretches_the_interval_until_reset() {
        let now = at("2026-11-23T12:00:00Z");
        let low = RateLimit {
            limit: 120,
            remaining: 11,
            reset: at("2026-11-23T12:00:45Z"),
        };
        assert_eq!(next_delay(SEC, false, 0, Some(&low), now), 45 * SEC);
        assert_eq!(next_delay(SEC, true, 0, Some(&low), now), 45 * SEC);
        let healthy = RateLimit {
            remaining: 12,
            ..low
        };
        assert_eq!(next_delay(SEC, false, 0, Some(&healthy), now), SEC);
        // A reset already in the past does not add a wait.
        let stale = RateLimit {
            reset: at("2026-11-23T11:59:00Z"),
            ..low
        };
        assert_eq!(next_delay(SEC, false, 0, Some(&stale), now), SEC);
    }
}
