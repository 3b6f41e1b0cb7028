//! The summary line's counts, from the very rows the tabs show (the filter applies): passwords
//! expiring within 1, 7 and 14 days, those expired, contracts ending within 14 days.

use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;

use super::order::ContractorLine;
use super::state::ExpiriesView;
use crate::model::ContractorExpiryRow;
use crate::policy::schedule::{days_left, local_date};

/// Days from today (in `zone`) to the contract's last day: 0 on the last day, negative after
/// (the digest schedule's own count).
pub fn contract_days_left(row: &ContractorExpiryRow, now: DateTime<Utc>, zone: Tz) -> i64 {
    days_left(row, local_date(now, zone))
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Not expired, expiring within 24 hours.
    pub within_1: usize,
    pub within_7: usize,
    pub within_14: usize,
    pub expired: usize,
    /// Contracts whose last day is today or within 14 days.
    pub contracts_14: usize,
}

pub fn summarize(view: &ExpiriesView, now: DateTime<Utc>, zone: Tz) -> Summary {
    let mut summary = Summary::default();
    let Some(scan) = view.scan() else {
        return summary;
    };
    for &i in view.password_rows() {
        let row = &scan.passwords[i];
        if row.is_expired(now) {
            summary.expired += 1;
            continue;
        }
        let Some(left) = row.expires_at.map(|at| at - now) else {
            continue;
        };
        summary.within_1 += usize::from(left <= TimeDelta::days(1));
        summary.within_7 += usize::from(left <= TimeDelta::days(7));
        summary.within_14 += usize::from(left <= TimeDelta::days(14));
    }
    for line in view.contractor_lines() {
        if let ContractorLine::Contractor(i) = line {
            let days = contract_days_left(&scan.contractors[*i], now, zone);
            summary.contracts_14 += usize::from((0..=14).contains(&days));
        }
    }
    summary
}
