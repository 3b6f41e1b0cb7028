//! Who loses access when: the expiry scanner's compact rows, one per user with an expiry.
//!
//! The scanner keeps only these (never whole `User`s), so a 100,000-user org stays small in
//! memory and in the SQLite store the panes open from.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{PasswordPolicy, UserStatus};

/// A user whose password expires (or has expired) under the password policy that applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordExpiryRow {
    pub user_id: String,
    pub login: String,
    /// "First Last" (or the display name, or the login).
    pub name: String,
    pub status: UserStatus,
    pub department: Option<String>,
    /// Where reminders go (`profile.email`, else the login).
    pub email: String,
    pub policy_id: String,
    pub policy_name: String,
    pub password_changed: Option<DateTime<Utc>>,
    /// `passwordChanged` + the policy's `maxAgeDays`; `None` only for a PASSWORD_EXPIRED user
    /// whose date cannot be computed (expired whatever the date says).
    pub expires_at: Option<DateTime<Utc>>,
}

impl PasswordExpiryRow {
    /// PASSWORD_EXPIRED users are expired whatever the date says; others once the date passed.
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.status == UserStatus::PasswordExpired || self.expires_at.is_some_and(|e| e <= now)
    }

    /// Calendar days in `zone` from `now` to the expiry day (0 on the day, negative after);
    /// `None` when the date is unknown.
    pub fn days_left(&self, now: DateTime<Utc>, zone: chrono_tz::Tz) -> Option<i64> {
        let day = |t: DateTime<Utc>| t.with_timezone(&zone).date_naive();
        self.expires_at.map(|e| (day(e) - day(now)).num_days())
    }
}

/// A contractor (or another configured user type) whose contract ends on a known date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractorExpiryRow {
    pub user_id: String,
    pub login: String,
    pub name: String,
    pub status: UserStatus,
    pub department: Option<String>,
    pub user_type: String,
    /// The configured end-date attribute's value: the last day of the contract.
    pub ends_on: NaiveDate,
    /// `profile.managerId`, when the directory has one.
    pub manager_id: Option<String>,
    /// The manager's login, name and e-mail, when `manager_id` names a user the scan saw.
    pub manager_login: Option<String>,
    pub manager_name: Option<String>,
    pub manager_email: Option<String>,
}

impl ContractorExpiryRow {
    /// Whether the digest has somewhere to go: a manager on record that the directory knows.
    pub fn has_manager_on_record(&self) -> bool {
        self.manager_login.is_some()
    }
}

/// Full (every user) or incremental (`lastUpdated gt` the last scan).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanKind {
    Full,
    Incremental,
}

/// The result of the latest scan, as the panes and the forecast read it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpiryScan {
    /// Sorted by expiry (expired and undated-expired first), then login.
    pub passwords: Vec<PasswordExpiryRow>,
    /// Sorted by end date, then login.
    pub contractors: Vec<ContractorExpiryRow>,
    /// When the data was last brought up to date (the start of the latest scan or refresh:
    /// anything changed after it is not in here yet).
    pub as_of: Option<DateTime<Utc>>,
    /// When the latest full scan started.
    pub full_scan_at: Option<DateTime<Utc>>,
    /// How many users the latest full scan saw (the next scan's progress estimate).
    pub users_seen: u64,
    /// The password policies the rows were computed with: a refresh that finds them changed
    /// rescans in full.
    #[serde(default)]
    pub policies: Vec<PasswordPolicy>,
    /// The members of every group that decides which policy applies (a group a non-system
    /// policy includes, or any policy excludes), so a refresh can place a changed user
    /// without asking for the user's groups.
    #[serde(default)]
    pub deciding_groups: Vec<GroupMembers>,
}

/// One deciding group's members, as the latest full scan listed them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMembers {
    pub group_id: String,
    /// Sorted, so membership is a binary search.
    pub member_ids: Vec<String>,
}

impl GroupMembers {
    pub fn contains(&self, user_id: &str) -> bool {
        self.member_ids
            .binary_search_by(|m| m.as_str().cmp(user_id))
            .is_ok()
    }
}

/// How far a running scan has got, for the pane and the status bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanProgress {
    pub kind: ScanKind,
    pub started_at: DateTime<Utc>,
    pub users_seen: u64,
    /// The previous full scan's user count, when there was one.
    pub users_expected: Option<u64>,
    pub requests: u32,
    /// Set while the scanner waits for the rate-limit budget to refill.
    pub waiting_until: Option<DateTime<Utc>>,
}

impl ContractorExpiryRow {
    /// Whole days from `today` to the contract's last day (0 on the last day, negative after).
    pub fn days_left(&self, today: NaiveDate) -> i64 {
        (self.ends_on - today).num_days()
    }

    /// When access ends: the midnight after the last day, in `zone`.
    pub fn expires_at(&self, zone: chrono_tz::Tz) -> DateTime<chrono_tz::Tz> {
        contract_ends_at(self.ends_on, zone)
    }
}

/// When a contract whose last day is `ends_on` ends: the midnight after it, in `zone`.
pub fn contract_ends_at(ends_on: NaiveDate, zone: chrono_tz::Tz) -> DateTime<chrono_tz::Tz> {
    use chrono::TimeZone;
    let next_day = ends_on.succ_opt().unwrap_or(ends_on);
    let midnight = next_day.and_time(chrono::NaiveTime::MIN);
    zone.from_local_datetime(&midnight)
        .earliest()
        // Midnight inside a DST gap (a few zones): read it as UTC rather than fail.
        .unwrap_or_else(|| zone.from_utc_datetime(&midnight))
}
