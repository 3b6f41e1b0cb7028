//! Okta event hooks arriving at `watch` (see `http/hooks.rs`): the shared secret, the queue
//! their lockouts go into, and the pace of polling while they arrive. While hooks deliver,
//! the System Log is polled only every `hook_backstop` (catching any delivery Okta dropped);
//! when none has come for a while, polling goes back to the configured interval.

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::{mpsc, watch};

use crate::model::Lockout;
use crate::team::TeamDb;

/// With no delivery for this long (and at least three backstop intervals), polling resumes
/// its normal pace.
const QUIET_AFTER: Duration = Duration::from_secs(10 * 60);
/// How often the pace is reconsidered.
const PACE_CHECK: Duration = Duration::from_secs(2);

pub struct HookIntake {
    pub secret: SecretString,
    /// Lockouts from deliveries, to the watch loop (bounded: a full queue answers 503, and
    /// Okta tries once more).
    pub lockouts: mpsc::Sender<Vec<Lockout>>,
    last: Mutex<Option<DateTime<Utc>>>,
}

impl HookIntake {
    pub fn new(secret: SecretString, lockouts: mpsc::Sender<Vec<Lockout>>) -> HookIntake {
        HookIntake {
            secret,
            lockouts,
            last: Mutex::new(None),
        }
    }

    /// A delivery (or the verification) just arrived.
    pub fn arrived(&self) {
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = Some(Utc::now());
    }

    fn last(&self) -> Option<DateTime<Utc>> {
        *self.last.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The polling interval given when hooks last arrived.
pub fn pace_for(
    last_hook: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    normal: Duration,
    backstop: Duration,
) -> Duration {
    let quiet_after = QUIET_AFTER.max(backstop * 3);
    match last_hook {
        Some(t) if (now - t).to_std().unwrap_or_default() < quiet_after => backstop.max(normal),
        _ => normal,
    }
}

/// Keep `pace` set from the latest delivery: this replica's own, or in team mode any
/// replica's (recorded in the desk's database, so the leader slows down when a standby
/// receives the hooks).
pub async fn steer(
    intake: std::sync::Arc<HookIntake>,
    team: Option<TeamDb>,
    normal: Duration,
    backstop: Duration,
    pace: watch::Sender<Duration>,
) {
    loop {
        let mine = intake.last();
        let last = match &team {
            Some(db) => {
                let pool = db.pool().clone();
                let recorded = db
                    .run(async move { crate::team::feed_store::record_hook(&pool, mine).await })
                    .await;
                match recorded {
                    Ok(desk) => desk.max(mine),
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot share the event hooks' pace");
                        mine
                    }
                }
            }
            None => mine,
        };
        let interval = pace_for(last, Utc::now(), normal, backstop);
        pace.send_if_modified(|current| {
            let changed = *current != interval;
            if changed {
                tracing::info!(secs = interval.as_secs(), "lockout polling pace");
                *current = interval;
            }
            changed
        });
        if pace.is_closed() {
            return;
        }
        tokio::time::sleep(PACE_CHECK).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polling_slows_to_the_backstop_while_hooks_arrive_and_recovers_after() {
        let now = Utc::now();
        let (normal, backstop) = (Duration::from_secs(2), Duration::from_secs(60));
        assert_eq!(pace_for(None, now, normal, backstop), normal);
        let recent = Some(now - chrono::Duration::seconds(30));
        assert_eq!(pace_for(recent, now, normal, backstop), backstop);
        let long_ago = Some(now - chrono::Duration::minutes(11));
        assert_eq!(pace_for(long_ago, now, normal, backstop), normal);
        // A backstop shorter than the interval never speeds polling up.
        let fast = Duration::from_secs(1);
        assert_eq!(pace_for(recent, now, normal, fast), normal);
    }
}
