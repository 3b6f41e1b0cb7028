//! The scheduler: once a minute (on the minute, real clock), what is due today in the rules'
//! zone goes into the outbox, and the daily summary once its time has come.

use chrono::{DateTime, Timelike, Utc};
use std::sync::Arc;
use tokio::sync::watch;

use super::WatchShared;
use super::due::due_notices;
use super::summary::daily_summary;
use crate::outbox::OutboxError;
use crate::policy::schedule::local_date;

/// One pass at `now`: returns how many notices were new to the outbox.
pub fn tick(shared: &WatchShared, now: DateTime<Utc>) -> Result<usize, OutboxError> {
    let date = local_date(now, shared.rules.zone);
    let mut notices = Vec::new();
    if let Some(scan) = shared.latest_scan() {
        let outbox = shared.outbox();
        notices = due_notices(&scan, &shared.rules, &outbox, &shared.composer, date, now)?;
    }
    notices.extend(daily_summary(shared, date, now)?);
    shared.enqueue(&notices, now)
}

/// Run a pass every minute until `stop` turns true.
pub async fn run(shared: Arc<WatchShared>, mut stop: watch::Receiver<bool>) {
    loop {
        let now = Utc::now();
        match tick(&shared, now) {
            Ok(0) => {}
            Ok(n) => tracing::info!(queued = n, "scheduler queued notices"),
            Err(e) => tracing::error!(error = %e, "scheduler pass failed; next minute tries again"),
        }
        let into_minute = std::time::Duration::from_millis(
            u64::from(now.second()) * 1000 + u64::from(now.timestamp_subsec_millis() % 1000),
        );
        let wait = std::time::Duration::from_secs(60).saturating_sub(into_minute);
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            _ = stop.wait_for(|stopped| *stopped) => return,
        }
    }
}
