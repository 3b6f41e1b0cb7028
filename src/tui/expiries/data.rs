//! What the dashboard knows of the expiry scanner: the latest result (stored or fresh), the
//! scan under way and the last failure. Kept whether or not the screen is open, so the
//! status bar shows a running scan on every screen and the screen opens at once.

use chrono::{DateTime, Utc};
use std::sync::Arc;

use crate::model::{ExpiryScan, ScanProgress};
use crate::services::expiry_scanner::ScanEvent;

/// A scan that failed; the data shown stays the last good scan's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanFailure {
    pub at: DateTime<Utc>,
    /// Phrased for a person.
    pub error: String,
}

/// The scanner's reports, as far as they got.
#[derive(Debug, Clone, Default)]
pub struct ScanData {
    scan: Option<Arc<ExpiryScan>>,
    /// The stored result read at start, until the first scan of this session finishes.
    from_store: bool,
    progress: Option<ScanProgress>,
    failure: Option<ScanFailure>,
    /// Team mode, before the desk has a scan: why there is nothing to show.
    awaiting: Option<String>,
    /// Bumped whenever the rows change, so the screen rebuilds its order only then.
    generation: u64,
}

impl ScanData {
    /// Take one report. A stored result never replaces a fresh one that beat it here.
    pub fn apply(&mut self, event: ScanEvent) {
        match event {
            ScanEvent::Loaded(scan) => {
                self.awaiting = None;
                if self.scan.is_none() {
                    self.scan = Some(scan);
                    self.from_store = true;
                    self.generation += 1;
                }
            }
            ScanEvent::Progress(progress) => self.progress = Some(progress),
            ScanEvent::Finished(scan) => {
                self.awaiting = None;
                self.scan = Some(scan);
                self.from_store = false;
                self.progress = None;
                self.failure = None;
                self.generation += 1;
            }
            ScanEvent::Failed { at, error } => {
                self.progress = None;
                self.failure = Some(ScanFailure { at, error });
            }
            ScanEvent::Awaiting(why) => self.awaiting = Some(why),
        }
    }

    /// The latest result, if any arrived.
    pub fn scan(&self) -> Option<&ExpiryScan> {
        self.scan.as_deref()
    }

    /// The latest result, shared (the screen keeps the one its order was built on).
    pub fn shared(&self) -> Option<Arc<ExpiryScan>> {
        self.scan.clone()
    }

    /// The data shown was read from the store at start (no scan finished yet this session).
    pub fn is_from_store(&self) -> bool {
        self.from_store
    }

    /// The scan under way.
    pub fn progress(&self) -> Option<&ScanProgress> {
        self.progress.as_ref()
    }

    /// Why there is no data yet, when something else makes it (team mode).
    pub fn awaiting(&self) -> Option<&str> {
        self.awaiting.as_deref()
    }

    /// The last scan failed (cleared by the next one that finishes).
    pub fn failure(&self) -> Option<&ScanFailure> {
        self.failure.as_ref()
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ScanKind;
    use chrono::TimeZone;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, h, 0, 0).unwrap()
    }

    fn scan(users_seen: u64) -> Arc<ExpiryScan> {
        Arc::new(ExpiryScan {
            users_seen,
            ..ExpiryScan::default()
        })
    }

    fn progress() -> ScanProgress {
        ScanProgress {
            kind: ScanKind::Full,
            started_at: at(9),
            users_seen: 200,
            users_expected: Some(1000),
            requests: 2,
            waiting_until: None,
        }
    }

    #[test]
    fn a_stored_result_shows_until_a_scan_finishes_and_never_replaces_a_fresh_one() {
        let mut data = ScanData::default();
        data.apply(ScanEvent::Loaded(scan(5)));
        assert!(data.is_from_store());
        assert_eq!(data.scan().unwrap().users_seen, 5);
        data.apply(ScanEvent::Progress(progress()));
        assert_eq!(data.progress().unwrap().users_seen, 200);
        data.apply(ScanEvent::Finished(scan(7)));
        assert!(!data.is_from_store());
        assert!(data.progress().is_none(), "the scan is over");
        let generation = data.generation();
        data.apply(ScanEvent::Loaded(scan(5)));
        assert_eq!(data.scan().unwrap().users_seen, 7, "the fresh result stays");
        assert_eq!(data.generation(), generation);
    }

    #[test]
    fn a_failure_keeps_the_last_good_scan_until_the_next_one_finishes() {
        let mut data = ScanData::default();
        data.apply(ScanEvent::Finished(scan(7)));
        data.apply(ScanEvent::Progress(progress()));
        data.apply(ScanEvent::Failed {
            at: at(10),
            error: "the IdP answered 500".into(),
        });
        assert!(data.progress().is_none());
        assert_eq!(data.failure().unwrap().error, "the IdP answered 500");
        assert_eq!(data.scan().unwrap().users_seen, 7);
        data.apply(ScanEvent::Finished(scan(8)));
        assert!(data.failure().is_none());
    }

    #[test]
    fn waiting_for_the_desks_scan_says_why_until_one_arrives() {
        let mut data = ScanData::default();
        data.apply(ScanEvent::Awaiting("no watch has scanned yet".into()));
        assert_eq!(data.awaiting(), Some("no watch has scanned yet"));
        assert!(data.failure().is_none(), "waiting is not a failure");
        data.apply(ScanEvent::Finished(scan(3)));
        assert_eq!(data.awaiting(), None);
        assert_eq!(data.scan().unwrap().users_seen, 3);
    }
}
