//! A batch of lockouts from the feed: a notice to each locked user the cap and the gap allow
//! (at most `lockout_daily_cap` in 24 hours, `lockout_min_gap` apart, counted from the
//! outbox so they hold across restarts), and an alert for each burst that started.

use chrono::{DateTime, Duration, Utc};

use super::WatchShared;
use super::alerts::BurstTracker;
use crate::idp::{Directory, IdpError};
use crate::model::Lockout;
use crate::notify::{IdempotencyKey, NoticeKind, Recipient};
use crate::outbox::OutboxError;
use crate::policy::schedule::{NoticeDecision, lockout_notice};

/// Looking the user up is retried this many times before the notice goes to the login.
const LOOKUP_ATTEMPTS: u32 = 3;

/// Handle one batch: queue what it calls for. Returns how many notices were queued. An
/// outbox error stops the batch (the caller does not advance the cursor, so it is replayed).
pub async fn handle_lockouts<D: Directory>(
    shared: &WatchShared,
    directory: &D,
    bursts: &mut BurstTracker,
    lockouts: &[Lockout],
    now: DateTime<Utc>,
) -> Result<usize, OutboxError> {
    let mut queued = 0;
    for lockout in lockouts {
        queued += notify_locked_user(shared, directory, lockout, now).await?;
    }
    let alerts: Vec<_> = bursts
        .observe(lockouts, now, &shared.bursts)
        .iter()
        .map(|alert| shared.composer.alert(alert, now))
        .collect();
    queued += shared.enqueue(&alerts, now)?;
    Ok(queued)
}

async fn notify_locked_user<D: Directory>(
    shared: &WatchShared,
    directory: &D,
    lockout: &Lockout,
    now: DateTime<Utc>,
) -> Result<usize, OutboxError> {
    let Some(user_id) = lockout.user_id.as_deref() else {
        tracing::debug!(event = %lockout.uuid, "lockout names no user id; no notice");
        return Ok(0);
    };
    let key = IdempotencyKey::new(user_id, NoticeKind::LockoutNotice, "", &lockout.uuid);
    let decision = {
        let outbox = shared.outbox();
        if outbox.get(&key)?.is_some() {
            // A batch replayed after a restart: already handled.
            return Ok(0);
        }
        let earlier = outbox.lockout_notice_times(user_id, now - Duration::hours(24))?;
        lockout_notice(&earlier, now, &shared.rules)
    };
    if let NoticeDecision::NotBefore(next) = decision {
        tracing::info!(
            user = %user_id,
            event = %lockout.uuid,
            not_before = %next,
            "lockout notice held back by the daily cap or the gap"
        );
        return Ok(0);
    }
    let Some(to) = locked_user(directory, lockout, user_id).await else {
        return Ok(0);
    };
    let notice = shared.composer.lockout_notice(lockout, &to, now);
    shared.enqueue(std::slice::from_ref(&notice), now)
}

/// The locked user at `profile.email` as the IdP knows them now; without one, or if the IdP
/// cannot be asked, the login when it is an address (better than losing the notice).
async fn locked_user<D: Directory>(
    directory: &D,
    lockout: &Lockout,
    user_id: &str,
) -> Option<Recipient> {
    let mut wait = std::time::Duration::from_millis(500);
    for attempt in 1..=LOOKUP_ATTEMPTS {
        match directory.get_user(user_id).await {
            Ok(user) => {
                if let Some(to) = Recipient::from_user(&user, false) {
                    return Some(to);
                }
                break;
            }
            Err(IdpError::Api { status: 404, .. }) => {
                tracing::info!(user = %user_id, "locked user no longer exists; no notice");
                return None;
            }
            Err(e) if attempt < LOOKUP_ATTEMPTS => {
                tracing::warn!(user = %user_id, error = %e, "cannot look the locked user up; retrying");
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
            Err(e) => {
                tracing::warn!(user = %user_id, error = %e, "cannot look the locked user up");
            }
        }
    }
    lockout.login.contains('@').then(|| Recipient {
        user_id: user_id.to_string(),
        login: lockout.login.clone(),
        name: lockout
            .display_name
            .clone()
            .unwrap_or_else(|| lockout.login.clone()),
        addresses: vec![lockout.login.clone()],
    })
}
