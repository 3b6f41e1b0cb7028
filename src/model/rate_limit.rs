use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The rate-limit window an IdP reported on its latest response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimit {
    pub limit: u32,
    pub remaining: u32,
    pub reset: DateTime<Utc>,
}

impl RateLimit {
    /// Share of the window still available, 0.0 ..= 1.0 (1.0 when the limit is unknown/zero).
    pub fn remaining_fraction(&self) -> f64 {
        if self.limit == 0 {
            return if self.remaining == 0 { 0.0 } else { 1.0 };
        }
        f64::from(self.remaining) / f64::from(self.limit)
    }
}
