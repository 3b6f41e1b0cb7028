//! The cap on lockout notices to one user: at most `lockout_daily_cap` in any rolling 24
//! hours and at least `lockout_min_gap` between any two.

use chrono::{DateTime, Duration, Utc};

use super::{NoticeDecision, ScheduleRules};

const DAY: Duration = Duration::hours(24);

/// Whether a lockout notice to a user may go at `at`, given when earlier ones went; if not,
/// the earliest instant from which both limits hold. With a cap of 0 no notice ever goes
/// (`NotBefore` the end of time).
pub fn lockout_notice(
    sent: &[DateTime<Utc>],
    at: DateTime<Utc>,
    rules: &ScheduleRules,
) -> NoticeDecision {
    if rules.lockout_daily_cap == 0 {
        return NoticeDecision::NotBefore(DateTime::<Utc>::MAX_UTC);
    }
    if allowed(sent, at, rules) {
        return NoticeDecision::Send;
    }
    // The set of forbidden instants is a union of intervals ending at a sent instant plus the
    // gap or plus 24 hours, so the earliest allowed instant is one of those ends.
    let mut candidates: Vec<DateTime<Utc>> = sent
        .iter()
        .flat_map(|&s| [s + rules.lockout_min_gap, s + DAY])
        .filter(|&t| t > at)
        .collect();
    candidates.sort();
    let earliest = candidates
        .into_iter()
        .find(|&t| allowed(sent, t, rules))
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    NoticeDecision::NotBefore(earliest)
}

/// Whether a notice at `t` keeps both limits with every notice in `sent` (only the limits
/// that involve `t`: what already went is not re-judged).
fn allowed(sent: &[DateTime<Utc>], t: DateTime<Utc>, rules: &ScheduleRules) -> bool {
    if sent.iter().any(|&s| (t - s).abs() < rules.lockout_min_gap) {
        return false;
    }
    let mut times: Vec<DateTime<Utc>> = sent.to_vec();
    times.push(t);
    times.sort();
    let cap = rules.lockout_daily_cap as usize;
    // Any cap + 1 consecutive notices around `t` must span at least 24 hours.
    times
        .windows(cap + 1)
        .filter(|w| w[0] <= t && t <= w[cap])
        .all(|w| w[cap] - w[0] >= DAY)
}
