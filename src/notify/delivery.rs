//! The delivery worker: takes what is due from the outbox, hands each item to its channel,
//! marks it sent, or schedules a retry with backoff. An outage loses nothing: a transient
//! failure is retried (hourly at most) for [`GIVE_UP_AFTER`], and the help desk is told once
//! `max_attempts` have failed; only a permanent failure, or that much time, marks a notice
//! failed (with an alert). A notice is marked sent only after its channel accepted it, so a
//! crash in between sends it again, with the same key and Message-ID.

use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;

use super::NoticeKind;
use super::channels::{Channels, DeliveryError};
use super::compose::{Alert, AlertKind, Composer};
use super::metrics::Metrics;
use crate::outbox::{Enqueued, Outbox, OutboxError, OutboxItem, OutboxLocation};

/// The first wait after a failure, and the longest.
const FIRST_RETRY_SECS: i64 = 30;
const MAX_RETRY_SECS: i64 = 3600;
/// A notice still undelivered this long after it was queued is given up: news days late
/// would mislead more than it helps.
pub const GIVE_UP_AFTER: Duration = Duration::days(3);
/// How many due items one pass takes.
const PASS_LIMIT: usize = 100;
/// How often the worker looks at the outbox when nobody wakes it.
const POLL_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// The wait before attempt `attempt + 1` after `attempt` failed ones: 30 s doubling to 1 h.
pub fn retry_delay(attempt: u32) -> Duration {
    let doublings = attempt.saturating_sub(1).min(16);
    let secs = (FIRST_RETRY_SECS << doublings).min(MAX_RETRY_SECS);
    Duration::seconds(secs)
}

/// When to try again after a failure at `now`.
pub fn retry_at(now: DateTime<Utc>, attempts: u32) -> DateTime<Utc> {
    now + retry_delay(attempts)
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryPass {
    pub sent: u32,
    pub retried: u32,
    pub failed: u32,
}

/// Deliver everything due at `now` (up to 100 items, oldest first).
pub async fn deliver_due(
    outbox: &mut Outbox,
    channels: &Channels,
    composer: Option<&Composer>,
    metrics: &Metrics,
    max_attempts: u32,
    now: DateTime<Utc>,
) -> Result<DeliveryPass, OutboxError> {
    deliver_due_until(
        outbox,
        channels,
        composer,
        metrics,
        max_attempts,
        now,
        || false,
    )
    .await
}

/// `deliver_due`, starting no new item once `stop()` says so (the one in flight finishes and
/// is recorded).
pub async fn deliver_due_until(
    outbox: &mut Outbox,
    channels: &Channels,
    composer: Option<&Composer>,
    metrics: &Metrics,
    max_attempts: u32,
    now: DateTime<Utc>,
    stop: impl Fn() -> bool,
) -> Result<DeliveryPass, OutboxError> {
    let mut pass = DeliveryPass::default();
    // A channel that just failed for a passing reason (the relay is down) is not tried again
    // in this pass: each of its items would wait out the same timeout.
    let mut down: Vec<super::ChannelKind> = Vec::new();
    for item in outbox.due(now, PASS_LIMIT)? {
        if stop() {
            break;
        }
        let (kind, channel) = (item.notice.kind, item.notice.channel);
        if down.contains(&channel) {
            continue;
        }
        match channels.deliver(&item).await {
            Ok(()) => {
                outbox.mark_sent(item.id, now)?;
                metrics.sent(kind, channel);
                pass.sent += 1;
            }
            Err(error) => {
                metrics.failed(kind, channel);
                let failed_attempts = item.attempts.saturating_add(1);
                let message = error.to_string();
                if error.is_transient() && now - item.queued_at < GIVE_UP_AFTER {
                    down.push(channel);
                    let at = retry_at(now, failed_attempts);
                    outbox.mark_retry(item.id, &message, at)?;
                    tracing::info!(
                        id = item.id,
                        kind = kind.as_str(),
                        channel = channel.as_str(),
                        attempt = failed_attempts,
                        retry_at = %at,
                        error = %message,
                        "delivery failed, will retry"
                    );
                    pass.retried += 1;
                    if failed_attempts == max_attempts
                        && let Some(composer) = composer
                    {
                        alert_failure(outbox, composer, metrics, &item, &error, false, now)?;
                    }
                } else {
                    outbox.mark_failed(item.id, &message, now)?;
                    tracing::warn!(
                        id = item.id,
                        kind = kind.as_str(),
                        channel = channel.as_str(),
                        attempts = failed_attempts,
                        error = %message,
                        "delivery failed, giving up"
                    );
                    pass.failed += 1;
                    if let Some(composer) = composer {
                        alert_failure(outbox, composer, metrics, &item, &error, true, now)?;
                    }
                }
            }
        }
    }
    Ok(pass)
}

/// Tell the help desk a notice could not be delivered, for good (`gave_up`) or yet (it is
/// still being retried); not for an alert that failed: that would go the same broken way,
/// again and again.
fn alert_failure(
    outbox: &mut Outbox,
    composer: &Composer,
    metrics: &Metrics,
    item: &OutboxItem,
    error: &DeliveryError,
    gave_up: bool,
    now: DateTime<Utc>,
) -> Result<(), OutboxError> {
    let failed = &item.notice;
    if failed.kind == NoticeKind::Alert {
        return Ok(());
    }
    let mut facts = vec![
        ("Notice".to_owned(), failed.kind.as_str().replace('_', " ")),
        ("Subject".to_owned(), failed.subject.clone()),
        ("Channel".to_owned(), failed.channel.as_str().to_owned()),
        (
            "Attempts".to_owned(),
            item.attempts.saturating_add(1).to_string(),
        ),
        ("Error".to_owned(), error.to_string()),
    ];
    if !failed.to.is_empty() {
        facts.insert(2, ("To".to_owned(), failed.to.join(", ")));
    }
    let who = failed.login.as_deref().unwrap_or("a user");
    // Two alerts at most per notice: "still failing" and "given up" (the key's cycle).
    let (about, title) = if gave_up {
        (
            failed.key.as_string(),
            format!("A notice to {who} could not be delivered"),
        )
    } else {
        facts.push((
            "Retrying".to_owned(),
            format!(
                "hourly until {}",
                (item.queued_at + GIVE_UP_AFTER).format("%Y-%m-%d %H:%M UTC")
            ),
        ));
        (
            format!("{}#retrying", failed.key.as_string()),
            format!("A notice to {who} is not getting through (still retrying)"),
        )
    };
    let alert = Alert {
        kind: AlertKind::DeliveryFailure,
        about,
        title,
        user_id: failed.user_id.clone(),
        login: failed.login.clone(),
        facts,
    };
    let notice = composer.alert(&alert, now);
    if let Enqueued::New(_) = outbox.enqueue(&notice, now)? {
        metrics.queued(notice.kind, notice.channel);
    }
    Ok(())
}

/// The worker `watch` runs: a pass every 5 s, or at once when `wake` is notified (something
/// was queued), until `shutdown` turns true. It opens its own outbox (a SQLite connection is
/// not shared between tasks) and keeps the outbox gauge of `metrics` current.
pub async fn run(
    outbox_at: OutboxLocation,
    channels: Channels,
    composer: Option<Composer>,
    metrics: Arc<Metrics>,
    max_attempts: u32,
    wake: Arc<tokio::sync::Notify>,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let mut outbox: Option<Outbox> = None;
    loop {
        if *shutdown.borrow() {
            break;
        }
        if outbox.is_none() {
            match outbox_at.open() {
                Ok(opened) => outbox = Some(opened),
                Err(e) => tracing::error!(error = %e, "the delivery worker cannot open the outbox"),
            }
        }
        if let Some(open) = outbox.as_mut() {
            let stop = || *shutdown.borrow();
            let pass = deliver_due_until(
                open,
                &channels,
                composer.as_ref(),
                &metrics,
                max_attempts,
                Utc::now(),
                stop,
            )
            .await;
            match pass {
                Ok(pass) if pass != DeliveryPass::default() => {
                    tracing::info!(
                        sent = pass.sent,
                        retried = pass.retried,
                        failed = pass.failed,
                        "delivery pass"
                    );
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "delivery pass failed"),
            }
            match open.state_counts() {
                Ok(counts) => metrics.set_outbox(&counts),
                Err(e) => tracing::warn!(error = %e, "the outbox cannot be counted"),
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(POLL_EVERY) => {}
            _ = wake.notified() => {}
            changed = shutdown.changed() => {
                // The sender is gone: nobody can ask for a clean stop any more, so stop now.
                if changed.is_err() {
                    break;
                }
            }
        }
    }
    tracing::info!("delivery worker stopped");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delay_doubles_from_30_seconds_to_an_hour() {
        let secs: Vec<i64> = (1..=10).map(|a| retry_delay(a).num_seconds()).collect();
        assert_eq!(secs, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
        assert_eq!(retry_delay(0).num_seconds(), 30);
        assert_eq!(retry_delay(u32::MAX).num_seconds(), 3600);
    }

    #[test]
    fn retry_at_adds_the_delay() {
        let now = Utc::now();
        assert_eq!(retry_at(now, 3), now + Duration::seconds(120));
    }
}
