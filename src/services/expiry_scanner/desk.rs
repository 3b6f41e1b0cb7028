//! Team mode: a dashboard follows the desk's expiry scan instead of scanning the directory
//! itself. `watch` scans and saves; every dashboard reads the saved result at start and again
//! whenever it is brought up to date, so the IdP is scanned once for the desk.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::mpsc::Sender;

use super::ScanEvent;
use crate::team::{TeamDb, expiry_scan};

/// How often the desk's scan is checked for a newer result.
pub const CHECK_EVERY: Duration = Duration::from_secs(10);

/// Report the desk's scan (`Loaded` at start, `Finished` on each newer one) until the receiver
/// goes away; say so when no `watch` has scanned yet (`Awaiting`) or the database cannot be
/// read (`Failed`).
pub async fn follow(db: TeamDb, tx: Sender<ScanEvent>) {
    follow_every(db, tx, CHECK_EVERY).await;
}

/// [`follow`], checking every `every`.
pub async fn follow_every(db: TeamDb, tx: Sender<ScanEvent>, every: Duration) {
    let mut seen = None;
    let mut first = true;
    loop {
        let event = match expiry_scan::as_of(&db).await {
            Ok(Some(as_of)) if Some(as_of) == seen => None,
            Ok(Some(as_of)) => match expiry_scan::load(&db).await {
                Ok(Some((scan, _, _))) => {
                    seen = Some(as_of);
                    let scan = Arc::new(scan);
                    Some(if first {
                        ScanEvent::Loaded(scan)
                    } else {
                        ScanEvent::Finished(scan)
                    })
                }
                Ok(None) => None,
                Err(e) => Some(failed(format!(
                    "the desk's expiry scan cannot be read: {e}"
                ))),
            },
            Ok(None) => first.then(|| {
                ScanEvent::Awaiting(
                    "no watch has scanned the directory for the desk yet (in team mode \
                     `accessdesk watch` scans, and this dashboard shows its result)"
                        .to_string(),
                )
            }),
            Err(e) => Some(failed(format!(
                "the desk's expiry scan cannot be read: {e}"
            ))),
        };
        first = false;
        if let Some(event) = event
            && tx.send(event).await.is_err()
        {
            return;
        }
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            () = tx.closed() => return,
        }
    }
}

fn failed(error: String) -> ScanEvent {
    ScanEvent::Failed {
        at: Utc::now(),
        error,
    }
}
