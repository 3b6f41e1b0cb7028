//! What the cycle's history does to its schedule: which history counts, the answers that end
//! the cycle or defer it, and the 24-hour quiet after an instructions-only reminder.

use chrono::{DateTime, Duration, Utc};

use super::clock::first_slot_at_or_after;
use super::{Answer, Due, PasswordCycle, PasswordHistory, ReminderKind, ScheduleRules};

/// How long nothing else goes after an instructions-only reminder.
pub const INSTRUCTIONS_QUIET: Duration = Duration::hours(24);

static NO_HISTORY: PasswordHistory = PasswordHistory {
    password_changed: None,
    sent: Vec::new(),
    answers: Vec::new(),
};

/// The history of this cycle: one recorded for an older `passwordChanged` belongs to a cycle
/// a password change already resolved, and counts as none.
pub fn cycle_history<'a>(cycle: &PasswordCycle<'a>) -> &'a PasswordHistory {
    match (cycle.history.password_changed, cycle.password_changed) {
        (Some(recorded), Some(current)) if recorded < current => &NO_HISTORY,
        _ => cycle.history,
    }
}

/// The answer that ended the cycle (Already updated, Do not remind me again, Open a ticket),
/// the earliest if several.
pub fn resolving_answer(history: &PasswordHistory) -> Option<&(DateTime<Utc>, Answer)> {
    history
        .answers
        .iter()
        .filter(|(_, answer)| !matches!(answer, Answer::RemindLater))
        .min_by_key(|(at, _)| *at)
}

/// *Remind me later* at `t`: the next reminder is the day before expiry (the reminder carrying
/// stage 1), so every other reminder after `t` goes; the expired notice stays.
pub fn apply_remind_later(items: &mut Vec<Due>, history: &PasswordHistory) {
    for (t, _) in history
        .answers
        .iter()
        .filter(|(_, a)| matches!(a, Answer::RemindLater))
    {
        items.retain(|d| {
            d.kind != ReminderKind::PasswordReminder || d.send_at <= *t || d.stage == Some(1)
        });
    }
}

/// Once the expired notice went, no reminder follows it.
pub fn apply_expired_sent(items: &mut Vec<Due>, history: &PasswordHistory) {
    let notice = history
        .sent
        .iter()
        .filter(|s| s.kind == ReminderKind::PasswordExpired)
        .map(|s| s.at)
        .min();
    if let Some(notice) = notice {
        items.retain(|d| d.kind != ReminderKind::PasswordReminder || d.send_at <= notice);
    }
}

/// Nothing is sent within 24 hours after an instructions-only reminder. A reminder inside the
/// window is dropped (the next stage or the notice follows), except the last reminder before
/// the expiry, which moves to the first send slot after the window if that is still before
/// the expiry; the expired notice always moves to the first send slot after the window.
pub fn apply_instructions_quiet(
    items: &mut Vec<Due>,
    history: &PasswordHistory,
    expiry: DateTime<Utc>,
    rules: &ScheduleRules,
) {
    let mut quiet_starts: Vec<DateTime<Utc>> = history
        .sent
        .iter()
        .filter(|s| s.instructions_only)
        .map(|s| s.at)
        .collect();
    quiet_starts.sort();
    for start in quiet_starts {
        let end = start + INSTRUCTIONS_QUIET;
        let after_quiet =
            first_slot_at_or_after(end, rules.password_send_at, rules.zone, rules.skip_weekends);
        let last_reminder = items
            .iter()
            .rposition(|d| d.kind == ReminderKind::PasswordReminder);
        let mut kept = Vec::with_capacity(items.len());
        for (i, mut due) in items.drain(..).enumerate() {
            if due.send_at <= start || due.send_at >= end {
                kept.push(due);
                continue;
            }
            let moves = match due.kind {
                ReminderKind::PasswordReminder => Some(i) == last_reminder && after_quiet < expiry,
                _ => true,
            };
            if moves {
                due.send_at = after_quiet;
                kept.push(due);
            }
        }
        *items = kept;
    }
}
