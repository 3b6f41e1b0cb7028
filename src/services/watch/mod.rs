//! `accessdesk watch`: the product running headless. It follows the lockout feed (cursor
//! persisted in the outbox), keeps the expiry scan fresh, evaluates the schedules every
//! minute, and delivers what the outbox holds; `http` serves answer links, `/healthz` and
//! `/metrics`. Everything a notice needs is written to the outbox first, so a kill at any
//! moment loses nothing and repeats at most the one message in flight.

mod alerts;
mod cursor;
mod due;
mod expiry;
mod health;
mod hook_intake;
pub mod http;
mod lockouts;
mod recipient;
mod run;
mod scheduler;
mod shutdown;
mod summary;
mod team_feed;

pub use alerts::BurstTracker;
pub use cursor::{CURSOR_STATE, from_json as cursor_from_json, to_json as cursor_to_json};
pub use due::due_notices;
pub use health::{HealthReport, PollStatus, STALE_AFTER};
pub use lockouts::handle_lockouts;
pub use run::{StartError, WatchOptions, run};
pub use scheduler::tick;
pub use shutdown::signalled;
pub use summary::{LOCKOUTS_TODAY_STATE, count_lockouts, daily_summary};

use chrono::{DateTime, Utc};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::Notify;

use crate::model::ExpiryScan;
use crate::notify::compose::Composer;
use crate::notify::metrics::Metrics;
use crate::notify::{Instruction, Notice};
use crate::outbox::{Enqueued, Outbox, OutboxError};
use crate::policy::bursts::BurstRules;
use crate::policy::schedule::ScheduleRules;

/// What the watch tasks and the HTTP handlers share.
pub struct WatchShared {
    /// One connection for the scheduler, the lockout handler and the answer links; each use
    /// is short and never held across an await.
    pub outbox: Mutex<Outbox>,
    pub composer: Composer,
    pub metrics: Arc<Metrics>,
    pub rules: ScheduleRules,
    pub bursts: BurstRules,
    /// The configured `[[instructions]]` (the *How to extend* / *How to terminate* pages).
    pub instructions: Vec<Instruction>,
    pub poll: Mutex<PollStatus>,
    /// The latest expiry scan (none until the scanner loaded or finished one).
    pub scan: Mutex<Option<Arc<ExpiryScan>>>,
    /// Woken after every enqueue, so delivery does not wait for its next round.
    pub wake: Arc<Notify>,
    /// The data directory (the outbox, the answer-link key).
    pub data_dir: PathBuf,
    /// Where a *This wasn't me* report is recorded: the local log, or the desk's trail.
    pub audit: crate::audit::AuditLocation,
    /// Who the audit log names for what `watch` records.
    pub agent: String,
    /// The IdP org (its base URL), written into those records like the agents' own.
    pub org: Option<String>,
    /// Team mode: the desk's database, where the feed is written (none: single agent).
    pub team: Option<crate::team::TeamDb>,
    /// Okta event hooks, when `ACCESSDESK_HOOK_SECRET` is set.
    pub hooks: Option<Arc<hook_intake::HookIntake>>,
}

impl WatchShared {
    /// The outbox, even if a panicking holder poisoned the lock (the connection stays sound:
    /// SQLite rolls back what a dead transaction left).
    pub fn outbox(&self) -> MutexGuard<'_, Outbox> {
        self.outbox.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn latest_scan(&self) -> Option<Arc<ExpiryScan>> {
        self.scan.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Write `notices` (those already there are left alone), count the new ones and wake
    /// delivery. Returns how many were new.
    pub fn enqueue(&self, notices: &[Notice], now: DateTime<Utc>) -> Result<usize, OutboxError> {
        let mut new = 0;
        {
            let mut outbox = self.outbox();
            for notice in notices {
                if let Enqueued::New(_) = outbox.enqueue(notice, now)? {
                    new += 1;
                    self.metrics.queued(notice.kind, notice.channel);
                    tracing::info!(key = %notice.key, "notice queued");
                }
            }
        }
        if new > 0 {
            self.wake.notify_one();
        }
        Ok(new)
    }
}
