//! Where a cycle's reminders and its expired notice fall, before answers and quiet windows:
//! one send slot per stage day, weekend moves, at most one reminder a day.

use chrono::{DateTime, Duration, Utc};

use super::clock::{first_slot_at_or_after, friday_before, is_weekend, local_date, local_instant};
use super::{Due, PasswordCycle, ReminderKind, ScheduleRules, password_stages};

/// The instant the user counts as expired from: the computed date, or for a PASSWORD_EXPIRED
/// user the earlier of that date and when the scan saw them (undated: when it saw them).
/// `None`: the password never expires.
pub fn effective_expiry(cycle: &PasswordCycle<'_>) -> Option<DateTime<Utc>> {
    match (cycle.expires_at, cycle.status_expired) {
        (Some(e), false) => Some(e),
        (Some(e), true) => Some(e.min(cycle.seen_at)),
        (None, true) => Some(cycle.seen_at),
        (None, false) => None,
    }
}

/// The reminder stages of a dated cycle in send order: stage `s` on the local day `s` days
/// before the expiry's local day, at the send time, kept only from the cycle start and before
/// `expiry`. With `skip_weekends` a weekend stage moves to the Friday before; if that Friday's
/// slot is before the cycle start it goes at the first weekday slot from the cycle start
/// instead (dropped if that is not before the expiry). Stages sharing a day become one
/// reminder carrying the nearer stage.
pub fn stage_slots(
    expires_at: DateTime<Utc>,
    expiry: DateTime<Utc>,
    cycle_start: Option<DateTime<Utc>>,
    rules: &ScheduleRules,
) -> Vec<Due> {
    let (zone, at) = (rules.zone, rules.password_send_at);
    let expiry_day = local_date(expires_at, zone);
    let before_start = |t: DateTime<Utc>| cycle_start.is_some_and(|c| t < c);
    let mut slots: Vec<(DateTime<Utc>, u32)> = Vec::new();
    for stage in password_stages(rules.password_first_days) {
        let day = expiry_day - Duration::days(i64::from(stage));
        let mut slot = local_instant(day, at, zone);
        if before_start(slot) || slot >= expiry {
            continue;
        }
        if rules.skip_weekends && is_weekend(day) {
            let friday = local_instant(friday_before(day), at, zone);
            slot = match cycle_start {
                Some(start) if friday < start => first_slot_at_or_after(start, at, zone, true),
                _ => friday,
            };
            if slot >= expiry {
                continue;
            }
        }
        slots.push((slot, stage));
    }
    // Slots are one a day at the same wall time, so equal slots are the same day.
    slots.sort_by_key(|&(slot, stage)| (slot, stage));
    slots.dedup_by_key(|&mut (slot, _)| slot);
    slots
        .into_iter()
        .map(|(send_at, stage)| Due {
            kind: ReminderKind::PasswordReminder,
            stage: Some(stage),
            send_at,
        })
        .collect()
}

/// The expired notice: the first send slot at or after `expiry` (with `skip_weekends`, the
/// first weekday slot: a weekend one moves to the Monday after, never before the expiry).
pub fn expired_notice(expiry: DateTime<Utc>, rules: &ScheduleRules) -> Due {
    Due {
        kind: ReminderKind::PasswordExpired,
        stage: None,
        send_at: first_slot_at_or_after(
            expiry,
            rules.password_send_at,
            rules.zone,
            rules.skip_weekends,
        ),
    }
}
