//! What is due at `now` on a day: the password reminders, expired notices and contractor
//! digests the schedules put on `date` (in the rules' zone) whose send slot has come, each
//! composed as a notice due at its slot. The scheduler enqueues these every minute, and
//! `accessdesk reminders --date D --send` enqueues the whole day's to catch up; the outbox's
//! idempotency keys make running either again send nothing new.

use chrono::{DateTime, NaiveDate, Utc};

use super::recipient::{manager_recipient, password_recipient};
use crate::model::{ExpiryScan, UserStatus};
use crate::notify::Notice;
use crate::notify::compose::Composer;
use crate::outbox::{Outbox, OutboxError};
use crate::policy::forecast::cycle_of;
use crate::policy::schedule::{self, ScheduleRules, local_date};

/// Beyond the first stage, how far a slot can move (the 24 hours quiet after an
/// instructions-only reminder, a weekend): rows farther from `date` than this have nothing
/// on it, so their history is not read.
const SLOT_DRIFT_DAYS: i64 = 5;

/// Every notice due on `date` whose send slot is at or before `now`, in slot order.
/// Suspended users get no password reminders (they cannot sign in to change it); digests
/// already answered *Understood* for `date` are left out.
pub fn due_notices(
    scan: &ExpiryScan,
    rules: &ScheduleRules,
    outbox: &Outbox,
    composer: &Composer,
    date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<Notice>, OutboxError> {
    let seen_at = scan.as_of.unwrap_or(now);
    let due_now = |t: DateTime<Utc>| t <= now && local_date(t, rules.zone) == date;
    let horizon = i64::from(rules.password_first_days) + SLOT_DRIFT_DAYS;
    let mut out: Vec<Notice> = Vec::new();
    for row in scan
        .passwords
        .iter()
        .filter(|r| r.status != UserStatus::Suspended)
    {
        let near = match row.expires_at {
            Some(expires_at) => {
                let days = (local_date(expires_at, rules.zone) - date).num_days();
                (-SLOT_DRIFT_DAYS..=horizon).contains(&days)
            }
            // Undated but expired: the expired notice, from when the scan saw the user.
            None => row.status == UserStatus::PasswordExpired,
        };
        if !near {
            continue;
        }
        let history = outbox.password_history(&row.user_id)?;
        let cycle = cycle_of(row, seen_at, &history);
        let to = password_recipient(row);
        for due in schedule::password_schedule(&cycle, rules) {
            if due_now(due.send_at) {
                out.push(composer.password_notice(row, &due, &to, now));
            }
        }
    }
    let answered = outbox.digest_answers()?;
    for digest in schedule::digests_on(date, &scan.contractors, rules, &answered) {
        if !due_now(digest.send_at) {
            continue;
        }
        let manager = scan
            .contractors
            .iter()
            .filter(|c| c.manager_id.as_deref() == Some(digest.manager_id.as_str()))
            .find_map(manager_recipient);
        match manager {
            Some(manager) => out.push(composer.contractor_digest(&digest, &manager, now)),
            None => tracing::warn!(
                manager = %digest.manager_id,
                "contractor digest has no manager address on record; not sent"
            ),
        }
    }
    out.sort_by_key(|n| (n.due_at, n.key.as_string()));
    Ok(out)
}
