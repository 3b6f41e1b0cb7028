//! Lockout notices: the gap and the daily cap.

use chrono::{DateTime, Duration, Utc};

use super::super::{NoticeDecision, ScheduleRules, lockout_notice};
use super::utc;

fn hours(base: DateTime<Utc>, h: &[i64]) -> Vec<DateTime<Utc>> {
    h.iter().map(|&h| base + Duration::hours(h)).collect()
}

#[test]
fn the_first_notice_goes() {
    let at = utc("2026-06-16T09:00:00Z");
    assert_eq!(
        lockout_notice(&[], at, &ScheduleRules::default()),
        NoticeDecision::Send
    );
}

#[test]
fn a_notice_inside_the_gap_waits_for_its_end() {
    let rules = ScheduleRules::default();
    let base = utc("2026-06-16T00:00:00Z");
    let sent = hours(base, &[0]);
    assert_eq!(
        lockout_notice(&sent, base + Duration::hours(2), &rules),
        NoticeDecision::NotBefore(base + Duration::hours(6))
    );
    assert_eq!(
        lockout_notice(&sent, base + Duration::hours(6), &rules),
        NoticeDecision::Send
    );
}

#[test]
fn the_fifth_notice_in_24_hours_waits_until_the_first_is_a_day_old() {
    let rules = ScheduleRules::default();
    let base = utc("2026-06-16T00:00:00Z");
    let sent = hours(base, &[0, 6, 12, 18]);
    // The gap after 18:00 ends at 24:00, and so does the day since the first.
    assert_eq!(
        lockout_notice(&sent, base + Duration::hours(20), &rules),
        NoticeDecision::NotBefore(base + Duration::hours(24))
    );
    assert_eq!(
        lockout_notice(&sent, base + Duration::hours(24), &rules),
        NoticeDecision::Send
    );
}

#[test]
fn the_cap_binds_after_the_gap_when_the_gap_is_short() {
    let rules = ScheduleRules {
        lockout_daily_cap: 2,
        lockout_min_gap: Duration::hours(1),
        ..ScheduleRules::default()
    };
    let base = utc("2026-06-16T00:00:00Z");
    let sent = hours(base, &[0, 3]);
    assert_eq!(
        lockout_notice(&sent, base + Duration::hours(5), &rules),
        NoticeDecision::NotBefore(base + Duration::hours(24))
    );
    // Once the first is a day old only the second counts (27 h is a day after it).
    let sent = hours(base, &[0, 3, 24]);
    assert_eq!(
        lockout_notice(&sent, base + Duration::hours(26), &rules),
        NoticeDecision::NotBefore(base + Duration::hours(27))
    );
}

#[test]
fn a_cap_of_zero_never_sends() {
    let rules = ScheduleRules {
        lockout_daily_cap: 0,
        ..ScheduleRules::default()
    };
    assert_eq!(
        lockout_notice(&[], utc("2026-06-16T00:00:00Z"), &rules),
        NoticeDecision::NotBefore(DateTime::<Utc>::MAX_UTC)
    );
}
