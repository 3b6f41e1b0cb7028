//! Burst alerts: the lockouts of the last few minutes, run through the burst rules after
//! every batch; a burst raises one alert when it starts (its identity and first lockout make
//! the alert's key), none while it goes on, and a new one once it has been quiet for the
//! rules' window and starts again. The active bursts are kept in the outbox
//! (`active_bursts`), so a restart in the middle of one does not alert it again.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

use crate::model::Lockout;
use crate::notify::compose::{Alert, AlertKind};
use crate::policy::bursts::{Burst, BurstRules, RATE_WINDOW, detect_bursts};

/// The outbox state holding the active bursts.
pub const BURSTS_STATE: &str = "active_bursts";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct ActiveBurst {
    start: DateTime<Utc>,
    last_seen: DateTime<Utc>,
}

/// The recent lockouts and the bursts already alerted.
#[derive(Debug, Default)]
pub struct BurstTracker {
    recent: VecDeque<Lockout>,
    /// Active bursts by identity ("ip:203.0.113.9", "rate").
    active: BTreeMap<String, ActiveBurst>,
}

fn identity(burst: &Burst) -> String {
    match burst {
        Burst::SameIp { ip, .. } => format!("ip:{ip}"),
        Burst::Rate { .. } => "rate".to_string(),
    }
}

impl BurstTracker {
    /// A tracker that knows the bursts a previous run alerted (`json` from [`Self::to_json`]).
    pub fn restore(json: Option<&str>) -> BurstTracker {
        let active = json
            .and_then(|j| serde_json::from_str(j).ok())
            .unwrap_or_default();
        BurstTracker {
            recent: VecDeque::new(),
            active,
        }
    }

    /// The active bursts, to keep across a restart.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.active).unwrap_or_default()
    }

    /// Take in a batch; the alerts for bursts that started with it.
    pub fn observe(
        &mut self,
        lockouts: &[Lockout],
        now: DateTime<Utc>,
        rules: &BurstRules,
    ) -> Vec<Alert> {
        self.recent.extend(lockouts.iter().cloned());
        let horizon = rules.horizon(now);
        self.recent.retain(|l| l.published >= horizon);
        let bursts = detect_bursts(self.recent.iter(), now, rules);
        let current: Vec<String> = bursts.iter().map(identity).collect();
        // A burst that paused for less than a window is the same burst.
        let quiet = rules.per_ip_window.max(RATE_WINDOW);
        self.active
            .retain(|id, b| current.contains(id) || now - b.last_seen <= quiet);
        let mut alerts = Vec::new();
        for (burst, id) in bursts.iter().zip(current) {
            if let Some(active) = self.active.get_mut(&id) {
                active.last_seen = now;
                continue;
            }
            let start = self
                .recent
                .iter()
                .filter(|l| burst.includes(l, now))
                .map(|l| l.published)
                .min()
                .unwrap_or(now);
            self.active.insert(
                id.clone(),
                ActiveBurst {
                    start,
                    last_seen: now,
                },
            );
            alerts.push(burst_alert(burst, &id, start));
        }
        alerts
    }
}

fn burst_alert(burst: &Burst, id: &str, start: DateTime<Utc>) -> Alert {
    let started = start.to_rfc3339_opts(SecondsFormat::Secs, true);
    let mut facts = vec![("Started".to_string(), started.clone())];
    match burst {
        Burst::SameIp {
            ip,
            location,
            lockouts,
            users,
            ..
        } => {
            facts.push(("IP address".into(), ip.clone()));
            if let Some(place) = location {
                facts.push(("Location".into(), place.clone()));
            }
            facts.push(("Lockouts".into(), lockouts.to_string()));
            facts.push(("Users".into(), users.to_string()));
        }
        Burst::Rate {
            lockouts,
            ips,
            users,
        } => {
            facts.push(("Lockouts in the last minute".into(), lockouts.to_string()));
            facts.push(("IP addresses".into(), ips.to_string()));
            facts.push(("Users".into(), users.to_string()));
        }
    }
    Alert {
        kind: AlertKind::Burst,
        about: format!("{id}@{started}"),
        title: burst.to_string(),
        user_id: None,
        login: None,
        facts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LockoutKind;

    fn lockout(n: usize, ip: &str, at: DateTime<Utc>) -> Lockout {
        Lockout {
            uuid: format!("ev{n}"),
            published: at,
            detected_at: at,
            kind: LockoutKind::AccountLocked,
            event_type: "user.account.lock".into(),
            reason: "locked".into(),
            user_id: Some(format!("00u{n}")),
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
    fn one_alert_per_burst_while_it_lasts() {
        let rules = BurstRules::default();
        let now = Utc::now();
        let mut tracker = BurstTracker::default();
        let first: Vec<Lockout> = (0..4).map(|n| lockout(n, "203.0.113.9", now)).collect();
        assert!(tracker.observe(&first, now, &rules).is_empty());
        let alerts = tracker.observe(&[lockout(4, "203.0.113.9", now)], now, &rules);
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].kind, AlertKind::Burst);
        assert!(alerts[0].about.starts_with("ip:203.0.113.9@"));
        // Still going: no second alert.
        let more = tracker.observe(&[lockout(5, "203.0.113.9", now)], now, &rules);
        assert!(more.is_empty());
        // Ten minutes later it is over; a new one is a new alert.
        let later = now + chrono::Duration::minutes(10);
        assert!(tracker.observe(&[], later, &rules).is_empty());
        let again: Vec<Lockout> = (10..15).map(|n| lockout(n, "203.0.113.9", later)).collect();
        let alerts = tracker.observe(&again, later, &rules);
        assert_eq!(alerts.len(), 1);
        // A restart in the middle of it: no second alert.
        let mut restarted = BurstTracker::restore(Some(&tracker.to_json()));
        let more: Vec<Lockout> = (20..25).map(|n| lockout(n, "203.0.113.9", later)).collect();
        assert!(restarted.observe(&more, later, &rules).is_empty());
    }
}
