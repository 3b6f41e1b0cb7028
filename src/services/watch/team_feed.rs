//! `watch` in team mode: stand by until this replica leads the desk's lockout feed, then poll
//! the IdP from the shared cursor and write every batch to PostgreSQL before passing its new
//! lockouts on (for notices), exactly as the single-agent poller passes its batches. When the
//! lead is lost, the poller stops at once and the replica stands by again.

use chrono::Utc;
use std::sync::Arc;
use tokio::sync::mpsc;

use crate::idp::{Directory, FeedCursor};
use crate::services::{CursorReport, FeedEvent, PollHealth, PollerConfig, lockout_poller};
use crate::team::{Leadership, LostLead, TeamDb};

/// Run until the receiver goes away. `identity` names this replica to the followers.
pub async fn run<D: Directory>(
    db: TeamDb,
    directory: Arc<D>,
    config: PollerConfig,
    identity: String,
    tx: mpsc::Sender<CursorReport>,
) {
    loop {
        let lead = tokio::select! {
            lead = Leadership::acquire(&db, &identity) => lead,
            () = tx.closed() => return,
        };
        match lead_feed(&lead, directory.clone(), &config, &tx).await {
            Ok(()) => return,
            Err(lost) => tracing::warn!(error = %lost, "standing by for the lead again"),
        }
        drop(lead);
        tokio::time::sleep(crate::team::leader::STANDBY_RETRY).await;
    }
}

/// Lead: finish the lockouts the last leader wrote but did not notify, then poll. Returns
/// `Ok` when nobody listens any more, `Err` when the lead was lost.
async fn lead_feed<D: Directory>(
    lead: &Leadership,
    directory: Arc<D>,
    config: &PollerConfig,
    tx: &mpsc::Sender<CursorReport>,
) -> Result<(), LostLead> {
    let start = Utc::now() - chrono::Duration::from_std(config.lookback).unwrap_or_default();
    let cursor = lead
        .load_cursor()
        .await?
        .unwrap_or_else(|| FeedCursor::since(start));
    let unfinished = lead.unnoticed(start).await?;
    if !unfinished.is_empty() {
        tracing::info!(
            lockouts = unfinished.len(),
            "queueing the notices the last leader did not"
        );
        let report = CursorReport {
            event: FeedEvent::Lockouts {
                lockouts: unfinished,
                health: PollHealth::new(config.interval),
            },
            cursor: cursor.clone(),
        };
        if tx.send(report).await.is_err() {
            return Ok(());
        }
    }
    let (poll_tx, mut poll_rx) = mpsc::channel::<CursorReport>(4);
    let poller = tokio::spawn(lockout_poller::run_from(
        directory,
        config.clone(),
        cursor,
        poll_tx,
    ));
    let _stop_poller = AbortOnDrop(poller);
    while let Some(report) = poll_rx.recv().await {
        let event = match report.event {
            FeedEvent::Lockouts { lockouts, health } => {
                let new = lead
                    .write_batch(lockouts, report.cursor.clone(), health.clone())
                    .await?;
                FeedEvent::Lockouts {
                    lockouts: new,
                    health,
                }
            }
            FeedEvent::Failed { health } => {
                lead.record_failure(health.clone()).await?;
                FeedEvent::Failed { health }
            }
        };
        let forwarded = CursorReport {
            event,
            cursor: report.cursor,
        };
        if tx.send(forwarded).await.is_err() {
            return Ok(());
        }
    }
    Err(LostLead::new("the lockout poller stopped"))
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// This replica's name in the followers' health line: agent, host and process.
pub fn identity(agent: &str) -> String {
    let host = crate::team::host_name().unwrap_or_else(|| "this host".into());
    format!("{agent}@{host} (pid {})", std::process::id())
}
