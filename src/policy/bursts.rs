//! Burst detection: many lockouts from one IP address, or many lockouts in one minute, are the
//! signature of password spraying. Pure functions of the lockouts, the clock and the rules.

use chrono::{DateTime, TimeDelta, Utc};
use std::collections::{HashMap, HashSet};
use std::fmt;

use crate::model::Lockout;

/// The window of the all-IPs rate rule.
pub const RATE_WINDOW: TimeDelta = TimeDelta::minutes(1);

/// When lockouts count as a burst. A threshold of 0 turns its rule off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BurstRules {
    /// Lockouts from one IP within `per_ip_window` that make a burst.
    pub per_ip_threshold: usize,
    /// How far back the per-IP rule looks.
    pub per_ip_window: TimeDelta,
    /// Lockouts from all IPs within one minute that make a burst.
    pub per_minute_threshold: usize,
}

impl Default for BurstRules {
    /// 5 lockouts from one IP in 5 minutes, or 10 lockouts in one minute.
    fn default() -> Self {
        Self {
            per_ip_threshold: 5,
            per_ip_window: TimeDelta::minutes(5),
            per_minute_threshold: 10,
        }
    }
}

impl BurstRules {
    /// The oldest `published` time any rule can look at, relative to `now`.
    pub fn horizon(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - self.per_ip_window.max(RATE_WINDOW)
    }
}

/// An active burst.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Burst {
    /// At least `per_ip_threshold` lockouts from one IP within the window.
    SameIp {
        ip: String,
        /// "City, Country" of the newest lockout from that IP that has one.
        location: Option<String>,
        lockouts: usize,
        /// Distinct logins among those lockouts.
        users: usize,
        window: TimeDelta,
        latest: DateTime<Utc>,
    },
    /// At least `per_minute_threshold` lockouts from any IPs within the last minute.
    Rate {
        lockouts: usize,
        /// Distinct known IPs among them.
        ips: usize,
        users: usize,
    },
}

/// Is `published` inside a window of `window` ending at `now`? The boundary counts as inside,
/// and so do timestamps slightly in the future (the IdP's clock may run ahead of ours).
fn within(published: DateTime<Utc>, now: DateTime<Utc>, window: TimeDelta) -> bool {
    published >= now - window
}

impl Burst {
    /// Whether `lockout` counts towards this burst at `now`, by the rule that found it: from
    /// its IP inside its window, or (a surge) inside the last minute.
    pub fn includes(&self, lockout: &Lockout, now: DateTime<Utc>) -> bool {
        match self {
            Burst::SameIp { ip, window, .. } => {
                lockout.ip.as_deref() == Some(ip.as_str())
                    && within(lockout.published, now, *window)
            }
            Burst::Rate { .. } => within(lockout.published, now, RATE_WINDOW),
        }
    }
}

#[derive(Default)]
struct IpTally {
    lockouts: usize,
    users: HashSet<String>,
    latest: Option<DateTime<Utc>>,
    location: Option<(DateTime<Utc>, String)>,
}

/// The bursts active at `now`: per-IP bursts first (most lockouts first, then by IP), then the
/// rate burst. Lockouts may come in any order; those without an IP only count towards the rate.
pub fn detect_bursts<'a, I>(lockouts: I, now: DateTime<Utc>, rules: &BurstRules) -> Vec<Burst>
where
    I: IntoIterator<Item = &'a Lockout>,
{
    let mut per_ip: HashMap<&'a str, IpTally> = HashMap::new();
    let mut rate_lockouts = 0usize;
    let mut rate_ips: HashSet<&'a str> = HashSet::new();
    let mut rate_users: HashSet<String> = HashSet::new();

    for lockout in lockouts {
        if rules.per_ip_threshold > 0
            && within(lockout.published, now, rules.per_ip_window)
            && let Some(ip) = lockout.ip.as_deref().filter(|ip| !ip.is_empty())
        {
            let tally = per_ip.entry(ip).or_default();
            tally.lockouts += 1;
            tally.users.insert(lockout.login.to_lowercase());
            tally.latest = tally.latest.max(Some(lockout.published));
            if let Some(location) = lockout.location()
                && tally
                    .location
                    .as_ref()
                    .is_none_or(|(at, _)| *at <= lockout.published)
            {
                tally.location = Some((lockout.published, location));
            }
        }
        if rules.per_minute_threshold > 0 && within(lockout.published, now, RATE_WINDOW) {
            rate_lockouts += 1;
            if let Some(ip) = lockout.ip.as_deref().filter(|ip| !ip.is_empty()) {
                rate_ips.insert(ip);
            }
            rate_users.insert(lockout.login.to_lowercase());
        }
    }

    let mut bursts: Vec<Burst> = per_ip
        .into_iter()
        .filter(|(_, tally)| tally.lockouts >= rules.per_ip_threshold)
        .map(|(ip, tally)| Burst::SameIp {
            ip: ip.to_string(),
            location: tally.location.map(|(_, location)| location),
            lockouts: tally.lockouts,
            users: tally.users.len(),
            window: rules.per_ip_window,
            latest: tally.latest.unwrap_or(now),
        })
        .collect();
    bursts.sort_by(|a, b| match (a, b) {
        (
            Burst::SameIp {
                ip: ip_a,
                lockouts: n_a,
                ..
            },
            Burst::SameIp {
                ip: ip_b,
                lockouts: n_b,
                ..
            },
        ) => n_b.cmp(n_a).then_with(|| ip_a.cmp(ip_b)),
        _ => std::cmp::Ordering::Equal,
    });

    if rules.per_minute_threshold > 0 && rate_lockouts >= rules.per_minute_threshold {
        bursts.push(Burst::Rate {
            lockouts: rate_lockouts,
            ips: rate_ips.len(),
            users: rate_users.len(),
        });
    }
    bursts
}

/// "1 lockout", "7 lockouts".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "5 min", "90s", "2 h".
pub fn describe_window(window: TimeDelta) -> String {
    let secs = window.num_seconds();
    if secs >= 3600 && secs % 3600 == 0 {
        format!("{} h", secs / 3600)
    } else if secs >= 60 && secs % 60 == 0 {
        format!("{} min", secs / 60)
    } else {
        format!("{secs}s")
    }
}

impl fmt::Display for Burst {
    /// One sentence for the banner, e.g. "Possible password spraying: 7 lockouts from
    /// 203.0.113.9 (Moscow, Russia) in 5 min, 7 users".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Burst::SameIp {
                ip,
                location,
                lockouts,
                users,
                window,
                ..
            } => {
                let place = location
                    .as_deref()
                    .map(|l| format!(" ({l})"))
                    .unwrap_or_default();
                let headline = if *users > 1 {
                    "Possible password spraying"
                } else {
                    "Repeated lockouts of one user"
                };
                write!(
                    f,
                    "{headline}: {} from {ip}{place} in {}, {}",
                    plural(*lockouts, "lockout", "lockouts"),
                    describe_window(*window),
                    plural(*users, "user", "users"),
                )
            }
            Burst::Rate {
                lockouts,
                ips,
                users,
            } => write!(
                f,
                "Lockout surge: {} in the last minute from {}, {}",
                plural(*lockouts, "lockout", "lockouts"),
                plural(*ips, "IP", "IPs"),
                plural(*users, "user", "users"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LockoutKind;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 14, 0, 0).unwrap()
    }

    fn lockout(n: usize, login: &str, ip: Option<&str>, secs_ago: i64) -> Lockout {
        let published = now() - TimeDelta::seconds(secs_ago);
        Lockout {
            uuid: format!("uuid-{n}"),
            published,
            detected_at: published,
            kind: LockoutKind::AccountLocked,
            event_type: "user.account.lock".into(),
            reason: "Max sign in attempts exceeded".into(),
            user_id: Some(format!("00u{login}")),
            login: login.into(),
            display_name: None,
            ip: ip.map(str::to_string),
            city: Some("Moscow".into()),
            state: None,
            country: Some("Russia".into()),
            browser: None,
            os: None,
            raw_user_agent: None,
            request_id: None,
        }
    }

    fn spray(count: usize, ip: &str, secs_ago: i64) -> Vec<Lockout> {
        (0..count)
            .map(|i| lockout(i, &format!("user{i}@example.com"), Some(ip), secs_ago))
            .collect()
    }

    #[test]
    fn defaults_are_five_in_five_minutes_and_ten_a_minute() {
        let rules = BurstRules::default();
        assert_eq!(rules.per_ip_threshold, 5);
        assert_eq!(rules.per_ip_window, TimeDelta::minutes(5));
        assert_eq!(rules.per_minute_threshold, 10);
    }

    #[test]
    fn exactly_the_threshold_is_a_burst_and_one_less_is_not() {
        let rules = BurstRules::default();
        let four = spray(4, "203.0.113.9", 120);
        assert!(detect_bursts(&four, now(), &rules).is_empty());

        let five = spray(5, "203.0.113.9", 120);
        let bursts = detect_bursts(&five, now(), &rules);
        assert_eq!(
            bursts,
            vec![Burst::SameIp {
                ip: "203.0.113.9".into(),
                location: Some("Moscow, Russia".into()),
                lockouts: 5,
                users: 5,
                window: TimeDelta::minutes(5),
                latest: now() - TimeDelta::seconds(120),
            }]
        );
    }

    #[test]
    fn lockouts_outside_the_window_do_not_count() {
        let rules = BurstRules::default();
        let mut lockouts = spray(4, "203.0.113.9", 60);
        // One second older than the window: outside.
        lockouts.push(lockout(99, "late@example.com", Some("203.0.113.9"), 301));
        assert!(detect_bursts(&lockouts, now(), &rules).is_empty());

        // Exactly at the window's edge: inside.
        lockouts.push(lockout(100, "edge@example.com", Some("203.0.113.9"), 300));
        let bursts = detect_bursts(&lockouts, now(), &rules);
        assert!(matches!(
            bursts.as_slice(),
            [Burst::SameIp { lockouts: 5, .. }]
        ));
    }

    #[test]
    fn distinct_users_are_counted_case_insensitively() {
        let rules = BurstRules::default();
        let lockouts = vec![
            lockout(1, "alice@example.com", Some("198.51.100.7"), 10),
            lockout(2, "Alice@Example.com", Some("198.51.100.7"), 20),
            lockout(3, "alice@example.com", Some("198.51.100.7"), 30),
            lockout(4, "bob@example.com", Some("198.51.100.7"), 40),
            lockout(5, "bob@example.com", Some("198.51.100.7"), 50),
        ];
        let bursts = detect_bursts(&lockouts, now(), &rules);
        assert!(matches!(
            bursts.as_slice(),
            [Burst::SameIp {
                lockouts: 5,
                users: 2,
                ..
            }]
        ));
    }

    #[test]
    fn lockouts_without_an_ip_are_ignored_per_ip_but_count_towards_the_rate() {
        let rules = BurstRules {
            per_minute_threshold: 6,
            ..BurstRules::default()
        };
        let mut lockouts: Vec<Lockout> = (0..6)
            .map(|i| lockout(i, &format!("u{i}@example.com"), None, 5))
            .collect();
        lockouts.push(lockout(50, "x@example.com", Some(""), 5));
        let bursts = detect_bursts(&lockouts, now(), &rules);
        assert_eq!(
            bursts,
            vec![Burst::Rate {
                lockouts: 7,
                ips: 0,
                users: 7
            }]
        );
    }

    #[test]
    fn rate_burst_counts_all_ips_within_one_minute() {
        let rules = BurstRules::default();
        let mut lockouts: Vec<Lockout> = (0..10)
            .map(|i| {
                let ip = format!("192.0.2.{}", i % 4);
                lockout(i, &format!("u{i}@example.com"), Some(&ip), 59)
            })
            .collect();
        // Just over a minute old: not part of the rate.
        lockouts.push(lockout(77, "old@example.com", Some("192.0.2.200"), 61));
        let bursts = detect_bursts(&lockouts, now(), &rules);
        assert_eq!(
            bursts,
            vec![Burst::Rate {
                lockouts: 10,
                ips: 4,
                users: 10
            }]
        );

        lockouts.truncate(9);
        assert!(detect_bursts(&lockouts, now(), &rules).is_empty());
    }

    #[test]
    fn several_ips_are_ordered_by_size_then_address_before_the_rate() {
        let rules = BurstRules::default();
        let mut lockouts = spray(5, "203.0.113.9", 30);
        lockouts.extend(spray(7, "198.51.100.1", 30));
        lockouts.extend(spray(5, "192.0.2.1", 30));
        let bursts = detect_bursts(&lockouts, now(), &rules);
        let ips: Vec<&str> = bursts
            .iter()
            .filter_map(|b| match b {
                Burst::SameIp { ip, .. } => Some(ip.as_str()),
                Burst::Rate { .. } => None,
            })
            .collect();
        assert_eq!(ips, ["198.51.100.1", "192.0.2.1", "203.0.113.9"]);
        assert!(matches!(
            bursts.last(),
            Some(Burst::Rate { lockouts: 17, .. })
        ));
    }

    #[test]
    fn a_zero_threshold_turns_its_rule_off() {
        let rules = BurstRules {
            per_ip_threshold: 0,
            per_ip_window: TimeDelta::minutes(5),
            per_minute_threshold: 0,
        };
        let lockouts = spray(20, "203.0.113.9", 1);
        assert!(detect_bursts(&lockouts, now(), &rules).is_empty());
        assert!(detect_bursts(&[], now(), &rules).is_empty());
    }

    #[test]
    fn future_timestamps_count_as_recent() {
        let rules = BurstRules::default();
        let lockouts = spray(5, "203.0.113.9", -3);
        assert_eq!(detect_bursts(&lockouts, now(), &rules).len(), 1);
    }

    #[test]
    fn location_comes_from_the_newest_lockout_that_has_one() {
        let rules = BurstRules::default();
        let mut lockouts = spray(5, "203.0.113.9", 100);
        lockouts[2].published = now() - TimeDelta::seconds(10);
        lockouts[2].city = Some("Kazan".into());
        lockouts[3].published = now() - TimeDelta::seconds(5);
        lockouts[3].city = None;
        lockouts[3].country = None;
        let bursts = detect_bursts(&lockouts, now(), &rules);
        assert!(matches!(
            bursts.as_slice(),
            [Burst::SameIp { location: Some(l), latest, .. }]
                if l == "Kazan, Russia" && *latest == now() - TimeDelta::seconds(5)
        ));
    }

    #[test]
    fn messages_read_as_sentences() {
        let spraying = Burst::SameIp {
            ip: "203.0.113.9".into(),
            location: Some("Moscow, Russia".into()),
            lockouts: 7,
            users: 7,
            window: TimeDelta::minutes(5),
            latest: now(),
        };
        assert_eq!(
            spraying.to_string(),
            "Possible password spraying: 7 lockouts from 203.0.113.9 (Moscow, Russia) in 5 min, 7 users"
        );
        let one_user = Burst::SameIp {
            ip: "198.51.100.7".into(),
            location: None,
            lockouts: 5,
            users: 1,
            window: TimeDelta::seconds(90),
            latest: now(),
        };
        assert_eq!(
            one_user.to_string(),
            "Repeated lockouts of one user: 5 lockouts from 198.51.100.7 in 90s, 1 user"
        );
        let rate = Burst::Rate {
            lockouts: 12,
            ips: 1,
            users: 11,
        };
        assert_eq!(
            rate.to_string(),
            "Lockout surge: 12 lockouts in the last minute from 1 IP, 11 users"
        );
        assert_eq!(describe_window(TimeDelta::hours(2)), "2 h");
    }
}
