//! Which lockouts make up each active burst: the rows the table marks, and the list the
//! burst banner opens (`b`). Pure functions of the feed, the bursts and the clock.

use chrono::{DateTime, Utc};

use super::Feed;
use crate::model::Lockout;
use crate::policy::Burst;

/// Whether the row gets the table's burst mark: it comes from an IP that is spraying now. A
/// surge is not marked row by row (it is every lockout of the last minute, at the top).
pub fn marked(lockout: &Lockout, bursts: &[Burst], now: DateTime<Utc>) -> bool {
    bursts
        .iter()
        .any(|b| matches!(b, Burst::SameIp { .. }) && b.includes(lockout, now))
}

/// The burst's lockouts, newest first (filter or not).
pub fn members<'a>(
    feed: &'a Feed,
    burst: &Burst,
    horizon: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Vec<&'a Lockout> {
    let mut members: Vec<&Lockout> = feed
        .since(horizon)
        .filter(|l| burst.includes(l, now))
        .collect();
    members.reverse();
    members
}

/// One line of the burst list: a burst's heading, or one of its lockouts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ListLine<'a> {
    Burst(usize),
    Lockout(&'a Lockout),
}

/// Every burst with its lockouts under it, in the banner's order.
pub fn list<'a>(
    feed: &'a Feed,
    bursts: &[Burst],
    horizon: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Vec<ListLine<'a>> {
    let mut lines = Vec::new();
    for (n, burst) in bursts.iter().enumerate() {
        lines.push(ListLine::Burst(n));
        lines.extend(
            members(feed, burst, horizon, now)
                .into_iter()
                .map(ListLine::Lockout),
        );
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LockoutKind;
    use crate::policy::{BurstRules, detect_bursts};
    use chrono::{TimeDelta, TimeZone};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 14, 0, 0).unwrap()
    }

    fn lockout(n: u32, ip: &str, secs_ago: i64) -> Lockout {
        let published = now() - TimeDelta::seconds(secs_ago);
        Lockout {
            uuid: format!("uuid-{n}"),
            published,
            detected_at: published,
            kind: LockoutKind::AccountLocked,
            event_type: "user.account.lock".into(),
            reason: "Max sign in attempts exceeded".into(),
            user_id: None,
            login: format!("user{n}@example.com"),
            display_name: None,
            ip: Some(ip.into()),
            city: None,
            state: None,
            country: None,
            browser: None,
            os: None,
            raw_user_agent: None,
            request_id: None,
        }
    }

    #[test]
    fn spraying_rows_are_marked_and_listed_under_their_burst_newest_first() {
        let mut feed = Feed::new(100);
        let mut lockouts: Vec<Lockout> = (0..5)
            .map(|n| lockout(n, "203.0.113.9", 200 - i64::from(n)))
            .collect();
        lockouts.push(lockout(10, "198.51.100.1", 30));
        lockouts.push(lockout(11, "203.0.113.9", 400));
        lockouts.sort_by_key(|l| l.published);
        feed.insert(lockouts, None);
        let rules = BurstRules::default();
        let horizon = rules.horizon(now());
        let bursts = detect_bursts(feed.since(horizon), now(), &rules);
        assert_eq!(bursts.len(), 1);
        let marked_uuids: Vec<&str> = feed
            .since(horizon)
            .filter(|l| marked(l, &bursts, now()))
            .map(|l| l.uuid.as_str())
            .collect();
        assert_eq!(
            marked_uuids.len(),
            5,
            "the other IP and the one outside the window are not"
        );
        let lines = list(&feed, &bursts, horizon, now());
        assert_eq!(lines[0], ListLine::Burst(0));
        let ListLine::Lockout(first) = lines[1] else {
            panic!("a lockout under the heading");
        };
        assert_eq!(first.uuid, "uuid-4", "newest first");
        assert_eq!(lines.len(), 6);
    }

    #[test]
    fn a_surge_counts_the_last_minute() {
        let surge = Burst::Rate {
            lockouts: 10,
            ips: 3,
            users: 9,
        };
        assert!(surge.includes(&lockout(1, "x", 60), now()));
        assert!(!surge.includes(&lockout(1, "x", 61), now()));
        assert!(
            !marked(&lockout(1, "x", 1), &[surge], now()),
            "surges are not marked"
        );
    }
}
