//! The schedules' tests: table tests of the examples, the daylight-saving days,
//! weekends, answers, digests and lockout notices, and property tests.

mod answers;
mod clock;
mod digests;
mod dst;
mod expired;
mod lockout;
mod props_lockout;
mod props_password;
mod stages;
mod weekends;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::{Due, PasswordCycle, PasswordHistory, ReminderKind, ScheduleRules, SentReminder};

/// An RFC 3339 instant.
pub fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("valid RFC 3339")
        .with_timezone(&Utc)
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("valid date")
}

/// A dated cycle of a 90-day policy: the password was changed 90 days before `expires_at`.
pub fn dated(expires_at: DateTime<Utc>, history: &PasswordHistory) -> PasswordCycle<'_> {
    PasswordCycle {
        expires_at: Some(expires_at),
        status_expired: false,
        password_changed: Some(expires_at - Duration::days(90)),
        seen_at: expires_at - Duration::days(30),
        history,
    }
}

/// (stage, send instant) of each reminder; the expired notice as stage 0.
pub fn plan(items: &[Due]) -> Vec<(u32, DateTime<Utc>)> {
    items
        .iter()
        .map(|d| match d.kind {
            ReminderKind::PasswordExpired => (0, d.send_at),
            _ => (d.stage.expect("a reminder has a stage"), d.send_at),
        })
        .collect()
}

/// A reminder that went out at its slot.
pub fn sent(due: &Due, instructions_only: bool) -> SentReminder {
    SentReminder {
        at: due.send_at,
        kind: due.kind,
        stage: due.stage,
        instructions_only,
    }
}

pub fn weekends() -> ScheduleRules {
    ScheduleRules {
        skip_weekends: true,
        ..ScheduleRules::default()
    }
}
