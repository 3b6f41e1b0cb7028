//! What the dashboard is told when it starts.

use std::time::Duration;

use crate::policy::BurstRules;

/// Settings of one dashboard session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashboardOptions {
    /// Shown in the title and status bars, e.g. the org URL's host.
    pub org_label: String,
    /// Talking to the built-in simulator: the title says so loudly.
    pub simulator: bool,
    /// Use colours; `false` when `NO_COLOR` is set (then only bold/reverse/dim are used).
    pub color: bool,
    pub bursts: BurstRules,
    /// The poller's configured interval (shown until the poller reports its own health).
    pub poll_interval: Duration,
    /// How far before the start the feed begins (the poller's first look-back).
    pub lookback: Duration,
}

impl Default for DashboardOptions {
    fn default() -> Self {
        Self {
            org_label: String::new(),
            simulator: false,
            color: true,
            bursts: BurstRules::default(),
            poll_interval: Duration::from_secs(30),
            lookback: Duration::from_secs(60 * 60),
        }
    }
}
