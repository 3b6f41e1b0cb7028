//! One user's password reminder cycle: the whole schedule, the next item due and the stage
//! reached.

use chrono::{DateTime, Utc};

use super::password_history::{
    apply_expired_sent, apply_instructions_quiet, apply_remind_later, cycle_history,
    resolving_answer,
};
use super::password_slots::{effective_expiry, expired_notice, stage_slots};
use super::{Answer, Due, PasswordCycle, ScheduleRules};

/// Every reminder and notice of the cycle in send order, past ones included, minus what the
/// answers, a newer `passwordChanged` or the 24-hour quiet after an instructions-only
/// reminder removed. Empty once the cycle is resolved.
///
/// - Stage `s` goes on the local day `s` days before the expiry's local day at
///   `password_send_at`; stages before the cycle start (`password_changed`) or at/after the
///   expiry are not part of the cycle. With `skip_weekends` a weekend stage moves to the Friday
///   before (or, if that is before the cycle start, the first weekday slot from it); two
///   stages on one day become one reminder carrying the nearer stage.
/// - The expired notice (one, stage `None`) goes at the first send slot at or after the
///   expiry (an undated PASSWORD_EXPIRED user: at or after `seen_at`; with `skip_weekends` a
///   weekend slot moves to the Monday after). No reminder follows it.
/// - *Already updated*, *Do not remind me again* and *Open a ticket* resolve the cycle:
///   nothing more, not even the expired notice (the schedule is empty).
/// - *Remind me later* at `t` drops every reminder after `t` except the day-before-expiry one
///   (stage 1); if that is already past, the expired notice is next.
/// - A history recorded for an older `passwordChanged` is ignored (a new cycle).
/// - Within 24 hours after an instructions-only reminder a reminder is dropped, unless it is
///   the last before the expiry: that one, like the expired notice, moves to the first send
///   slot after the quiet (the last reminder only if that slot is still before the expiry).
pub fn password_schedule(cycle: &PasswordCycle<'_>, rules: &ScheduleRules) -> Vec<Due> {
    let history = cycle_history(cycle);
    if resolving_answer(history).is_some() {
        return Vec::new();
    }
    let Some(expiry) = effective_expiry(cycle) else {
        return Vec::new();
    };
    let mut items = match cycle.expires_at {
        Some(expires_at) => stage_slots(expires_at, expiry, cycle.password_changed, rules),
        None => Vec::new(),
    };
    items.push(expired_notice(expiry, rules));
    apply_remind_later(&mut items, history);
    apply_expired_sent(&mut items, history);
    apply_instructions_quiet(&mut items, history, expiry, rules);
    items
}

/// The first item of [`password_schedule`] not yet sent (matched by kind and stage) and at or
/// after `now`. A slot missed while nothing was sending is not caught up.
pub fn next_password_reminder(
    cycle: &PasswordCycle<'_>,
    rules: &ScheduleRules,
    now: DateTime<Utc>,
) -> Option<Due> {
    let history = cycle_history(cycle);
    password_schedule(cycle, rules).into_iter().find(|due| {
        due.send_at >= now
            && !history
                .sent
                .iter()
                .any(|s| s.kind == due.kind && s.stage == due.stage)
    })
}

/// The stage reached by `now` (the latest reminder whose send time has passed), if any.
pub fn current_stage(
    cycle: &PasswordCycle<'_>,
    rules: &ScheduleRules,
    now: DateTime<Utc>,
) -> Option<Due> {
    password_schedule(cycle, rules)
        .into_iter()
        .rev()
        .find(|due| due.send_at <= now)
}

/// The answer that resolved this cycle (Already updated, Do not remind me again, Open a
/// ticket), with when it was given; `None` while the cycle runs.
pub fn resolved_by<'a>(cycle: &PasswordCycle<'a>) -> Option<&'a (DateTime<Utc>, Answer)> {
    resolving_answer(cycle_history(cycle))
}
