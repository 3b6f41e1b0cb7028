//! The expiry side: the scanner's reports, keeping the latest scan for the scheduler.

use std::sync::Arc;
use tokio::sync::mpsc;

use super::WatchShared;
use crate::services::expiry_scanner::ScanEvent;

/// Follow the scanner until it stops.
pub async fn follow(shared: Arc<WatchShared>, mut rx: mpsc::Receiver<ScanEvent>) {
    while let Some(event) = rx.recv().await {
        match event {
            ScanEvent::Loaded(scan) | ScanEvent::Finished(scan) => {
                tracing::info!(
                    passwords = scan.passwords.len(),
                    contractors = scan.contractors.len(),
                    "expiry scan ready"
                );
                *shared.scan.lock().unwrap_or_else(|p| p.into_inner()) = Some(scan);
            }
            ScanEvent::Progress(_) | ScanEvent::Awaiting(_) => {}
            ScanEvent::Failed { error, .. } => {
                tracing::warn!(%error, "expiry scan failed; keeping the previous result");
            }
        }
    }
}
