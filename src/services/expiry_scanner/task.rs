//! The scanner as a background task: the stored result first, then a scan, then refreshes on
//! the interval (full rescans when due), each result saved and sent; failures are reported
//! and retried with a growing pause while the previous result stays.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::mpsc::Sender;

use super::incremental::refresh_with;
use super::scan::full_scan_with;
use super::{ScanEvent, ScanSettings};
use crate::idp::Directory;
use crate::model::{ExpiryScan, ScanProgress};
use crate::store::ExpiryStore;

/// The first pause after a failure (never longer than the refresh interval); it doubles up
/// to the refresh interval.
const FIRST_RETRY: Duration = Duration::from_secs(30);

/// Run until the receiver is dropped.
pub async fn run<D: Directory>(
    dir: Arc<D>,
    settings: ScanSettings,
    mut store: Option<ExpiryStore>,
    tx: Sender<ScanEvent>,
) {
    let mut latest: Option<Arc<ExpiryScan>> = None;
    if let Some(s) = store.as_mut() {
        match s.load() {
            Ok(Some(scan)) => {
                let scan = Arc::new(scan);
                latest = Some(scan.clone());
                if tx.send(ScanEvent::Loaded(scan)).await.is_err() {
                    return;
                }
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "the stored expiries cannot be read; rescanning"),
        }
    }
    let mut retry = FIRST_RETRY.min(settings.refresh_interval);
    // After a failure the next attempt follows the pause, not the refresh interval.
    let mut retrying = false;
    loop {
        if let Some(scan) = latest.as_ref().filter(|_| !retrying) {
            let due = next_due(scan, &settings);
            tokio::select! {
                _ = tokio::time::sleep(due) => {}
                _ = tx.closed() => return,
            }
        }
        let mut report = |p: ScanProgress| {
            // Progress is advisory: when the receiver is behind, skip a report.
            let _ = tx.try_send(ScanEvent::Progress(p));
        };
        let previous = latest.clone();
        let scan = async {
            match &previous {
                Some(previous) => refresh_with(&*dir, &settings, previous, &mut report).await,
                None => full_scan_with(&*dir, &settings, None, &mut report).await,
            }
        };
        let outcome = tokio::select! {
            outcome = scan => outcome,
            _ = tx.closed() => return,
        };
        match outcome {
            Ok(scan) => {
                let scan = Arc::new(scan);
                store = save(store, scan.clone()).await;
                latest = Some(scan.clone());
                retry = FIRST_RETRY.min(settings.refresh_interval);
                retrying = false;
                if tx.send(ScanEvent::Finished(scan)).await.is_err() {
                    return;
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "expiry scan failed; retrying in {retry:?}");
                let failed = ScanEvent::Failed {
                    at: Utc::now(),
                    error: format!("The expiry scan failed: {e}"),
                };
                if tx.send(failed).await.is_err() {
                    return;
                }
                tokio::select! {
                    _ = tokio::time::sleep(retry) => {}
                    _ = tx.closed() => return,
                }
                retry = (retry * 2).min(settings.refresh_interval.max(retry));
                retrying = true;
            }
        }
    }
}

/// How long until `scan` is due for a refresh.
fn next_due(scan: &ExpiryScan, settings: &ScanSettings) -> Duration {
    let Some(as_of) = scan.as_of else {
        return Duration::ZERO;
    };
    let age = (Utc::now() - as_of).to_std().unwrap_or_default();
    settings.refresh_interval.saturating_sub(age)
}

/// Save off the async threads (SQLite blocks); a failed save is logged, the result still
/// shown.
async fn save(store: Option<ExpiryStore>, scan: Arc<ExpiryScan>) -> Option<ExpiryStore> {
    let mut store = store?;
    let saved = tokio::task::spawn_blocking(move || {
        let result = store.save(&scan);
        (store, result)
    })
    .await;
    match saved {
        Ok((store, Ok(()))) => Some(store),
        Ok((store, Err(e))) => {
            tracing::warn!(error = %e, "the expiries could not be saved");
            Some(store)
        }
        Err(e) => {
            tracing::warn!(error = %e, "saving the expiries stopped");
            None
        }
    }
}
