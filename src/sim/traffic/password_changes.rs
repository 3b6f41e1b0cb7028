//! Who changes their password next in the traffic: mostly people the org is pushing to
//! (expired, or inside their policy's warning period), otherwise anyone active.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;

use crate::model::UserStatus;
use crate::sim::org::Org;

/// Random probes before giving up on finding a user who is being prompted.
const PROBES: usize = 64;
/// Share of changes made by prompted users when there are some.
const PROMPTED_SHARE: f64 = 0.7;

/// Expired, or ACTIVE and inside the warning period of the policy that applies.
pub(crate) fn prompted(org: &Org, user: usize, now: DateTime<Utc>) -> bool {
    let u = &org.users[user];
    match u.status {
        UserStatus::PasswordExpired => true,
        UserStatus::Active => {
            let (Some(changed), Some(policy)) = (u.password_changed, org.policy_for(user)) else {
                return false;
            };
            if policy.max_age_days == 0 {
                return false;
            }
            let warn = policy.expire_warn_days.max(1);
            let warn_from = changed + Duration::days(i64::from(policy.max_age_days))
                - Duration::days(i64::from(warn));
            now >= warn_from
        }
        _ => false,
    }
}

/// The next user to change their password, or `None` when nobody can.
pub(crate) fn pick_changer(rng: &mut impl Rng, org: &Org, now: DateTime<Utc>) -> Option<usize> {
    let n = org.users.len();
    if rng.random_bool(PROMPTED_SHARE) {
        for _ in 0..PROBES {
            let i = rng.random_range(0..n);
            if prompted(org, i, now) {
                return Some(i);
            }
        }
    }
    for _ in 0..PROBES {
        let i = rng.random_range(0..n);
        if org.users[i].status == UserStatus::Active {
            return Some(i);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::okta::password_events::UPDATE_PASSWORD;
    use crate::sim::state::State;
    use crate::sim::traffic::Traffic;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn two_hours(seed: u64, per_hour: f64) -> (State, Vec<String>) {
        let now = DateTime::parse_from_rfc3339("2026-03-02T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let start = now - Duration::hours(2);
        let mut state = State::new(Org::generate(seed, 1000, start), seed);
        Traffic::new(0.0, seed, start)
            .with_password_changes(per_hour, start)
            .run_until(&mut state, now);
        let changed = state
            .log
            .all()
            .iter()
            .filter(|e| e.event()["eventType"] == UPDATE_PASSWORD)
            .map(|e| {
                e.event()["actor"]["alternateId"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        (state, changed)
    }

    #[test]
    fn the_stream_changes_passwords_at_its_rate_and_nothing_else_with_lockouts_off() {
        let (state, changed) = two_hours(42, 60.0);
        // 120 expected; a Poisson count stays well within this.
        assert!((85..160).contains(&changed.len()), "{}", changed.len());
        assert_eq!(state.log.all().len(), changed.len(), "no sign-in traffic");
        for (e, login) in state.log.all().iter().zip(&changed) {
            let u = &state.org.users[state.org.find(login).unwrap()];
            let at = u.password_changed.unwrap();
            assert!(at >= e.published, "the newest change is the user's date");
            assert!(u.last_updated >= at);
            assert_eq!(u.status, UserStatus::Active);
        }
        let (_, again) = two_hours(42, 60.0);
        assert_eq!(changed, again, "same seed, same changes");
        let (quiet, none) = two_hours(42, 0.0);
        assert!(none.is_empty() && quiet.log.all().is_empty());
    }

    #[test]
    fn expired_users_come_back_through_the_stream() {
        let now = DateTime::parse_from_rfc3339("2026-03-02T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let start = now - Duration::hours(2);
        let expired = |s: &State| {
            s.org
                .users
                .iter()
                .filter(|u| u.status == UserStatus::PasswordExpired)
                .count()
        };
        let fresh = State::new(Org::generate(42, 1000, start), 42);
        let (after, _) = two_hours(42, 120.0);
        assert!(
            expired(&after) < expired(&fresh),
            "{} -> {}",
            expired(&fresh),
            expired(&after)
        );
    }

    #[test]
    fn prompted_users_are_over_represented() {
        let now = Utc::now();
        let org = Org::generate(42, 2000, now);
        let share = (0..2000).filter(|&i| prompted(&org, i, now)).count() as f64 / 2000.0;
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let picks: Vec<usize> = (0..500)
            .filter_map(|_| pick_changer(&mut rng, &org, now))
            .collect();
        assert_eq!(picks.len(), 500);
        let picked_share = picks.iter().filter(|&&i| prompted(&org, i, now)).count() as f64 / 500.0;
        assert!(
            picked_share > share + 0.3,
            "{picked_share} of picks vs {share} of the org"
        );
        assert!(picks.iter().all(|&i| matches!(
            org.users[i].status,
            UserStatus::Active | UserStatus::PasswordExpired
        )));
    }
}
