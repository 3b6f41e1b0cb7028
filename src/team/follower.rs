//! Following the desk's lockout feed from PostgreSQL, for the dashboard and
//! `lockouts --follow` in team mode: `LISTEN` for the leader's `NOTIFY`, and on every wake-up,
//! every reconnect and every few seconds regardless, a catch-up query for the lockouts after
//! the last one seen. No request goes to the IdP: the leading `watch` makes them all.
//!
//! It reports the same [`FeedEvent`]s as the IdP poller, so the screens that show the feed
//! need not know where it comes from; the health is the leader's polling, as it recorded it.

use chrono::{DateTime, Utc};
use sqlx::postgres::PgListener;
use std::time::Duration;
use tokio::sync::mpsc;

use super::db::TeamDb;
use super::feed_store::{self, LOCKOUTS_CHANNEL, LeaderHealth};
use crate::services::{FeedEvent, PollHealth};

/// A catch-up runs at least this often, even with no notification: it refreshes the
/// leader's health and covers a notification lost while reconnecting.
pub const BACKSTOP: Duration = Duration::from_secs(5);
/// How long to wait before reconnecting after the database went away.
const RECONNECT: Duration = Duration::from_secs(1);

/// Follow the feed from `since` until the receiver goes away.
pub async fn run(db: TeamDb, since: DateTime<Utc>, tx: mpsc::Sender<FeedEvent>) {
    let on_team_runtime = db.clone();
    on_team_runtime.run(follow(db, since, tx)).await;
}

async fn follow(db: TeamDb, since: DateTime<Utc>, tx: mpsc::Sender<FeedEvent>) {
    let mut last_id = 0;
    let mut failures = 0;
    loop {
        let mut listener = match listen(&db).await {
            Ok(listener) => listener,
            Err(e) => {
                failures += 1;
                if !report_failure(&tx, &e, failures).await {
                    return;
                }
                tokio::time::sleep(RECONNECT).await;
                continue;
            }
        };
        loop {
            match catch_up(&db, &mut last_id, since).await {
                Ok(event) => {
                    failures = 0;
                    if tx.send(event).await.is_err() {
                        return;
                    }
                }
                Err(e) => {
                    failures += 1;
                    if !report_failure(&tx, &e, failures).await {
                        return;
                    }
                    break;
                }
            }
            tokio::select! {
                woken = listener.try_recv() => match woken {
                    // A batch was written, or the listener reconnected (and may have missed
                    // one): catch up either way.
                    Ok(_) => while listener.next_buffered().is_some() {},
                    Err(e) => {
                        failures += 1;
                        if !report_failure(&tx, &e, failures).await {
                            return;
                        }
                        break;
                    }
                },
                () = tokio::time::sleep(BACKSTOP) => {}
                () = tx.closed() => return,
            }
        }
        tokio::time::sleep(RECONNECT).await;
    }
}

async fn listen(db: &TeamDb) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(db.pool()).await?;
    listener.listen(LOCKOUTS_CHANNEL).await?;
    Ok(listener)
}

/// The lockouts after `last_id` (moving it on), with the leader's health.
async fn catch_up(
    db: &TeamDb,
    last_id: &mut i64,
    since: DateTime<Utc>,
) -> Result<FeedEvent, sqlx::Error> {
    let rows = feed_store::after(db.pool(), *last_id, since).await?;
    if let Some((id, _)) = rows.last() {
        *last_id = *id;
    }
    let health = feed_store::leader_health(db.pool()).await?;
    let now = Utc::now();
    let lockouts = rows
        .into_iter()
        .map(|(_, mut lockout)| {
            // When this screen first saw it, as the poller would say.
            lockout.detected_at = now;
            lockout
        })
        .collect();
    Ok(FeedEvent::Lockouts {
        lockouts,
        health: follower_health(health.as_ref(), now),
    })
}

/// The leader's polling health as this follower shows it; a leader silent for much longer
/// than its interval is reported as gone, so no screen shows a stale feed as live.
pub fn follower_health(leader: Option<&LeaderHealth>, now: DateTime<Utc>) -> PollHealth {
    let Some(leader) = leader else {
        let mut health = PollHealth::new(Duration::from_secs(2));
        health.last_attempt = Some(now);
        health.consecutive_errors = 1;
        health.last_error = Some(
            "no accessdesk watch has led the desk's lockout feed yet; start `accessdesk watch` \
             with the same [team] database"
                .into(),
        );
        health.last_error_transient = true;
        return health;
    };
    let mut health = PollHealth::new(leader.interval);
    health.last_attempt = leader.last_attempt;
    health.last_success = leader.last_success;
    health.consecutive_errors = leader.consecutive_errors;
    health.last_error = leader.last_error.clone();
    health.last_error_transient = leader.error_transient;
    let silent_after = (leader.interval * 3).max(Duration::from_secs(15));
    let silent = leader
        .last_attempt
        .is_none_or(|t| (now - t).to_std().unwrap_or_default() > silent_after);
    if silent {
        health.consecutive_errors = health.consecutive_errors.max(1);
        health.last_error = Some(format!(
            "no accessdesk watch is polling for the desk (the last, {}, polled {}); start \
             `accessdesk watch` with the same [team] database",
            leader.leader,
            leader
                .last_attempt
                .map(|t| format!("at {}", t.format("%H:%M:%S UTC")))
                .unwrap_or_else(|| "never".into())
        ));
        health.last_error_transient = true;
    }
    health
}

/// Tell the listener the database cannot be read (phrased for a person); false when nobody
/// listens any more.
async fn report_failure(tx: &mpsc::Sender<FeedEvent>, e: &sqlx::Error, failures: u32) -> bool {
    let mut health = PollHealth::new(BACKSTOP);
    health.last_attempt = Some(Utc::now());
    health.consecutive_errors = failures;
    health.last_error = Some(format!("cannot read the desk's lockout feed: {e}"));
    health.last_error_transient = true;
    tx.send(FeedEvent::Failed { health }).await.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leader(last_attempt: Option<DateTime<Utc>>) -> LeaderHealth {
        LeaderHealth {
            leader: "watch@host1".into(),
            interval: Duration::from_secs(2),
            last_attempt,
            last_success: last_attempt,
            last_error: None,
            error_transient: true,
            consecutive_errors: 0,
            last_hook: None,
        }
    }

    #[test]
    fn a_leader_polling_on_time_is_healthy() {
        let now = Utc::now();
        let health = follower_health(Some(&leader(Some(now - chrono::Duration::seconds(3)))), now);
        assert_eq!((health.consecutive_errors, health.last_error), (0, None));
        assert_eq!(health.interval, Duration::from_secs(2));
    }

    #[test]
    fn a_silent_leader_or_none_says_to_start_watch() {
        let now = Utc::now();
        let stale = follower_health(Some(&leader(Some(now - chrono::Duration::minutes(2)))), now);
        let error = stale.last_error.unwrap();
        assert!(
            error.contains("watch@host1") && error.contains("accessdesk watch"),
            "{error}"
        );
        let none = follower_health(None, now);
        assert!(
            none.last_error
                .unwrap()
                .contains("start `accessdesk watch`")
        );
    }
}
