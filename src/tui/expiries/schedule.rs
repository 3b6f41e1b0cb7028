//! The schedules a row of the expiries screen shows, from the policy's pure functions: the
//! password reminder cycle (with no history yet: the outbox that records sends comes with
//! `watch`) and the contractor digest dates.

use chrono::{DateTime, Days, Utc};

use crate::model::{ContractorExpiryRow, ExpiryScan, PasswordExpiryRow};
use crate::policy::schedule::{
    DIGEST_STAGES, PasswordCycle, PasswordHistory, ScheduleRules, local_instant,
};

/// Nothing sent and nothing answered yet.
pub static NO_HISTORY: PasswordHistory = PasswordHistory {
    password_changed: None,
    sent: Vec::new(),
    answers: Vec::new(),
};

/// The reminder cycle of `row`, as the scan saw it.
pub fn cycle<'a>(
    row: &PasswordExpiryRow,
    scan: &ExpiryScan,
    now: DateTime<Utc>,
    history: &'a PasswordHistory,
) -> PasswordCycle<'a> {
    PasswordCycle {
        expires_at: row.expires_at,
        status_expired: row.status == crate::model::UserStatus::PasswordExpired,
        password_changed: row.password_changed,
        seen_at: scan.as_of.unwrap_or(now),
        history,
    }
}

/// The whole number of days in `maxAgeDays` the row's expiry was computed with.
pub fn max_age_days(row: &PasswordExpiryRow) -> Option<i64> {
    Some((row.expires_at? - row.password_changed?).num_days())
}

/// Each digest that lists this contractor: (days left then, when it goes), soonest first.
pub fn digest_dates(row: &ContractorExpiryRow, rules: &ScheduleRules) -> Vec<(u32, DateTime<Utc>)> {
    DIGEST_STAGES
        .iter()
        .filter_map(|&days| {
            let date = row.ends_on.checked_sub_days(Days::new(u64::from(days)))?;
            Some((days, local_instant(date, rules.digest_send_at, rules.zone)))
        })
        .collect()
}
