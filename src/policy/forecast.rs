//! The forecast of one day: every password reminder, expired notice and contractor digest the
//! schedules say is due on that date (in the rules' zone), from an expiry scan.

use chrono::{DateTime, NaiveDate, Utc};

use crate::model::{ContractorExpiryRow, ExpiryScan, PasswordExpiryRow, UserStatus};
use crate::policy::schedule::{
    self, DigestLine, PasswordCycle, PasswordHistory, ReminderKind, ScheduleRules,
};

/// One message due on the forecast day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forecast {
    pub kind: ReminderKind,
    /// The user (a reminder or notice) or the manager (a digest).
    pub login: String,
    pub name: String,
    /// Where it goes: the user's or the manager's e-mail address of record.
    pub to: String,
    pub send_at: DateTime<Utc>,
    /// Days before expiry (a password reminder).
    pub stage: Option<u32>,
    /// The password's expiry (a reminder or notice).
    pub expires_at: Option<DateTime<Utc>>,
    /// The contractors a digest lists, and how many more it mentions.
    pub contractors: Vec<DigestLine>,
    pub more: usize,
}

/// A user's reminder cycle as the schedule reads it.
pub fn cycle_of<'a>(
    row: &PasswordExpiryRow,
    seen_at: DateTime<Utc>,
    history: &'a PasswordHistory,
) -> PasswordCycle<'a> {
    PasswordCycle {
        expires_at: row.expires_at,
        status_expired: row.status == UserStatus::PasswordExpired,
        password_changed: row.password_changed,
        seen_at,
        history,
    }
}

/// Everything due on `date`, in send order (then login); suspended users get no password
/// reminders. `history` gives a user's reminder
/// history by user id (the outbox's record; none before anything was sent).
pub fn due_on(
    date: NaiveDate,
    scan: &ExpiryScan,
    rules: &ScheduleRules,
    history: &dyn Fn(&str) -> Option<PasswordHistory>,
) -> Vec<Forecast> {
    let seen_at = scan.as_of.unwrap_or_default();
    let on_date = |t: DateTime<Utc>| t.with_timezone(&rules.zone).date_naive() == date;
    let mut out = Vec::new();
    // A suspended account cannot sign in to change its password: reminding it is noise.
    for row in scan
        .passwords
        .iter()
        .filter(|r| r.status != UserStatus::Suspended)
    {
        let past = history(&row.user_id).unwrap_or_default();
        let cycle = cycle_of(row, seen_at, &past);
        for due in schedule::password_schedule(&cycle, rules) {
            if on_date(due.send_at) {
                out.push(Forecast {
                    kind: due.kind,
                    login: row.login.clone(),
                    name: row.name.clone(),
                    to: row.email.clone(),
                    send_at: due.send_at,
                    stage: due.stage,
                    expires_at: row.expires_at,
                    contractors: Vec::new(),
                    more: 0,
                });
            }
        }
    }
    for digest in schedule::digests_on(date, &scan.contractors, rules, &[]) {
        let Some(manager) = manager_of(&scan.contractors, &digest.manager_id) else {
            continue;
        };
        out.push(Forecast {
            kind: ReminderKind::ContractorDigest,
            login: manager.manager_login.clone().unwrap_or_default(),
            name: manager.manager_name.clone().unwrap_or_default(),
            to: manager.manager_email.clone().unwrap_or_default(),
            send_at: digest.send_at,
            stage: None,
            expires_at: None,
            contractors: digest.listed,
            more: digest.more,
        });
    }
    out.sort_by(|a, b| (a.send_at, &a.login).cmp(&(b.send_at, &b.login)));
    out
}

/// A contractor row naming this manager (it carries the manager's login, name and address).
fn manager_of<'a>(
    contractors: &'a [ContractorExpiryRow],
    manager_id: &str,
) -> Option<&'a ContractorExpiryRow> {
    contractors
        .iter()
        .find(|c| c.manager_id.as_deref() == Some(manager_id) && c.has_manager_on_record())
}
