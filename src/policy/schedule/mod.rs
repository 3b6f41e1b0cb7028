//! Reminder and notice schedules: pure functions of the data, the rules and an injected
//! clock. Password reminders (stages that halve towards the expiry), the expired notice,
//! contractor digests to managers, and the cap on lockout notices.
//!
//! All instants are UTC; the rules' zone (America/Los_Angeles by default) decides which day
//! a reminder falls on and at what wall-clock time it goes, so daylight-saving changes move
//! the UTC instant, never the local hour.

mod clock;
mod digest;
mod lockout_notice;
mod password;
mod password_history;
mod password_slots;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

pub use clock::{
    first_slot_at_or_after, friday_before, is_weekend, local_date, local_instant, monday_after,
};
pub use digest::{days_left, digests_on, next_digest};
pub use lockout_notice::lockout_notice;
pub use password::{current_stage, next_password_reminder, password_schedule, resolved_by};
pub use password_history::INSTRUCTIONS_QUIET;

/// Contractor digests go to the manager this many days before the contract ends.
pub const DIGEST_STAGES: [u32; 5] = [14, 7, 4, 2, 1];

/// The configurable part of every schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleRules {
    pub zone: Tz,
    /// Password reminders start this many days before expiry (then halve, rounding up).
    pub password_first_days: u32,
    pub password_send_at: NaiveTime,
    /// Never send a password reminder on a Saturday or Sunday: move it to the Friday before.
    pub skip_weekends: bool,
    pub digest_send_at: NaiveTime,
    /// At most this many contractors listed in one digest ("and N more"); `None`: all.
    pub digest_max_listed: Option<usize>,
    /// Lockout notices to one user: at most this many in any 24 hours ...
    pub lockout_daily_cap: u32,
    /// ... and at least this long apart.
    pub lockout_min_gap: Duration,
}

impl Default for ScheduleRules {
    fn default() -> Self {
        Self {
            zone: chrono_tz::America::Los_Angeles,
            password_first_days: 14,
            password_send_at: NaiveTime::from_hms_opt(10, 0, 0).expect("valid time"),
            skip_weekends: false,
            digest_send_at: NaiveTime::from_hms_opt(11, 0, 0).expect("valid time"),
            digest_max_listed: Some(4),
            lockout_daily_cap: 4,
            lockout_min_gap: Duration::hours(6),
        }
    }
}

/// What a scheduled message is (the names are the forecast's JSON `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    PasswordReminder,
    PasswordExpired,
    ContractorDigest,
}

/// How a user answered a password reminder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "answer")]
pub enum Answer {
    /// Ends the cycle.
    AlreadyUpdated,
    /// Ends the cycle.
    DoNotRemind,
    /// The next reminder moves to the day before expiry.
    RemindLater,
    /// Ends the cycle with a help-desk ticket.
    OpenTicket { ticket: String },
}

/// A password reminder or notice that went out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentReminder {
    pub at: DateTime<Utc>,
    pub kind: ReminderKind,
    /// Days before expiry, for a reminder.
    pub stage: Option<u32>,
    /// It carried only the instructions (no answer buttons): nothing else for 24 hours.
    pub instructions_only: bool,
}

/// What has happened in one user's reminder cycle so far (the outbox's record of it; empty
/// until something was sent).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordHistory {
    /// The `passwordChanged` the cycle was for: a newer one resolves it (a new cycle starts).
    pub password_changed: Option<DateTime<Utc>>,
    pub sent: Vec<SentReminder>,
    pub answers: Vec<(DateTime<Utc>, Answer)>,
}

/// One user's password reminder cycle: the computed expiry and what happened so far.
#[derive(Debug, Clone, Copy)]
pub struct PasswordCycle<'a> {
    pub expires_at: Option<DateTime<Utc>>,
    /// The IdP says PASSWORD_EXPIRED (expired whatever the date says).
    pub status_expired: bool,
    pub password_changed: Option<DateTime<Utc>>,
    /// When the scan saw the user: an undated PASSWORD_EXPIRED user's notice is due from then.
    pub seen_at: DateTime<Utc>,
    pub history: &'a PasswordHistory,
}

/// A message the schedule says is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    pub kind: ReminderKind,
    /// Days before expiry (a password reminder) or the stage of the digest.
    pub stage: Option<u32>,
    pub send_at: DateTime<Utc>,
}

/// One contractor in a digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestLine {
    pub user_id: String,
    pub login: String,
    pub days_left: u32,
    pub ends_on: NaiveDate,
}

/// The day's digest to one manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Digest {
    pub manager_id: String,
    /// The manager's login (where the digest goes).
    pub manager_login: String,
    pub send_at: DateTime<Utc>,
    /// The contractors listed, soonest end first (at most `digest_max_listed`).
    pub listed: Vec<DigestLine>,
    /// "and N more".
    pub more: usize,
}

/// Whether a lockout notice may go now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeDecision {
    Send,
    /// Not before this instant (the gap or the daily cap).
    NotBefore(DateTime<Utc>),
}

/// 14 → 14, 7, 4, 2, 1; 30 → 30, 15, 8, 4, 2, 1 (halving, rounding up, down to 1).
pub fn password_stages(first_days: u32) -> Vec<u32> {
    let mut stages = Vec::new();
    let mut d = first_days;
    while d > 0 {
        stages.push(d);
        if d == 1 {
            break;
        }
        d = d.div_ceil(2);
    }
    stages
}
