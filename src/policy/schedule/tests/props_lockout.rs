//! Property test of lockout notices: a sender that obeys every decision never exceeds the
//! cap in 24 hours nor sends closer than the gap, and `NotBefore` is the earliest instant.

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;

use super::super::{NoticeDecision, ScheduleRules, lockout_notice};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn an_obedient_sender_keeps_the_cap_and_the_gap(
        cap in 1u32..6,
        gap_minutes in 0i64..(13 * 60),
        steps in prop::collection::vec((0i64..(10 * 60), any::<bool>()), 1..60),
    ) {
        let rules = ScheduleRules {
            lockout_daily_cap: cap,
            lockout_min_gap: Duration::minutes(gap_minutes),
            ..ScheduleRules::default()
        };
        let mut now = DateTime::parse_from_rfc3339("2026-03-07T00:00:00Z").expect("valid").with_timezone(&Utc);
        let mut sent: Vec<DateTime<Utc>> = Vec::new();
        for (wait, defer) in steps {
            now += Duration::minutes(wait);
            match lockout_notice(&sent, now, &rules) {
                NoticeDecision::Send => sent.push(now),
                NoticeDecision::NotBefore(t) => {
                    prop_assert!(t > now);
                    // The earliest: a second before it is still refused, at it the notice goes.
                    prop_assert_ne!(lockout_notice(&sent, t - Duration::seconds(1), &rules), NoticeDecision::Send);
                    prop_assert_eq!(lockout_notice(&sent, t, &rules), NoticeDecision::Send);
                    if defer {
                        sent.push(t);
                        now = t;
                    }
                }
            }
        }
        for pair in sent.windows(2) {
            prop_assert!(pair[1] - pair[0] >= rules.lockout_min_gap);
        }
        let cap = cap as usize;
        for window in sent.windows(cap + 1) {
            prop_assert!(window[cap] - window[0] >= Duration::hours(24), "{} in 24 h: {:?}", cap + 1, sent);
        }
    }
}
