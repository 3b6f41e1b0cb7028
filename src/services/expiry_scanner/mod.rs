//! The expiry scanner: pages through every user inside a share of the users endpoint's rate
//! limit, computes password expiry (policy matched by group) and contract ends, keeps one
//! compact row per user with an expiry, refreshes incrementally (`lastUpdated gt`) and
//! rescans in full on an interval or when the deciding policies or groups change.

mod compute;
pub mod desk;
mod incremental;
mod managers;
mod membership;
mod pacer;
pub mod pacing;
mod rows;
mod scan;
mod task;

pub use incremental::{SAFETY_MARGIN, refresh, refresh_with};
pub use scan::{full_scan, full_scan_with};
pub use task::run;

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::model::{ExpiryScan, ScanProgress};

/// How the scanner runs (from `[expiries]` in the config).
#[derive(Debug, Clone, PartialEq)]
pub struct ScanSettings {
    /// The share of each endpoint's rate limit the scanner may use, 0 < share ≤ 1 (0.5).
    pub rate_limit_share: f64,
    /// Time between incremental refreshes.
    pub refresh_interval: Duration,
    /// A full rescan at least this often (daily).
    pub full_rescan_interval: Duration,
    /// The profile attribute holding a contract's last day (`contractEndDate`).
    pub contract_end_attribute: String,
    /// `profile.userType` values whose end dates are tracked (`contractor`); others, interns
    /// included, are left out.
    pub contractor_user_types: Vec<String>,
}

impl Default for ScanSettings {
    fn default() -> Self {
        Self {
            rate_limit_share: 0.5,
            refresh_interval: Duration::from_secs(15 * 60),
            full_rescan_interval: Duration::from_secs(24 * 60 * 60),
            contract_end_attribute: "contractEndDate".into(),
            contractor_user_types: vec!["contractor".into()],
        }
    }
}

/// One report from the scanner task.
#[derive(Debug, Clone)]
pub enum ScanEvent {
    /// The stored result of an earlier run, read at start (shown at once, with its age).
    Loaded(std::sync::Arc<ExpiryScan>),
    /// A scan is under way.
    Progress(ScanProgress),
    /// A scan or refresh finished; the new result.
    Finished(std::sync::Arc<ExpiryScan>),
    /// A scan failed (phrased for a person); the previous result stays, the scanner retries.
    Failed { at: DateTime<Utc>, error: String },
    /// Team mode: nothing to show yet, and why (no `watch` has scanned for the desk).
    Awaiting(String),
}
