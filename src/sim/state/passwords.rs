//! Password changes: the new password's date moves `passwordChanged` and `lastUpdated`,
//! a user who had to choose one (expired, reset link, first activation) becomes ACTIVE,
//! and the System Log gets `user.account.update_password`.

use chrono::{DateTime, Utc};
use rand::seq::IndexedRandom;

use super::history::{Actor, OrgEvent, What};
use super::{ApiRequest, State};
use crate::model::UserStatus;
use crate::sim::okta::events::Origin;
use crate::sim::okta::password_events::update_password;
use crate::sim::org::ids::trunc_ms;
use crate::sim::pingone::api_error::ApiError as PingOneError;

/// Whether a user in this status can choose a new password on their own.
pub(crate) fn can_change_password(status: &UserStatus) -> bool {
    matches!(
        status,
        UserStatus::Active | UserStatus::PasswordExpired | UserStatus::Recovery
    )
}

impl State {
    /// The user sets a new password at `at` (persisted at `persisted`). Forced: whatever the
    /// status, the password moves; PASSWORD_EXPIRED, RECOVERY and PROVISIONED end in ACTIVE.
    pub fn change_password(
        &mut self,
        user: usize,
        origin: &Origin,
        at: DateTime<Utc>,
        persisted: DateTime<Utc>,
    ) {
        let at = trunc_ms(at);
        let u = &mut self.org.users[user];
        u.password_changed = Some(at);
        u.last_updated = u.last_updated.max(at);
        if matches!(
            u.status,
            UserStatus::PasswordExpired | UserStatus::Recovery | UserStatus::Provisioned
        ) {
            u.set_status(UserStatus::Active, at);
        }
        let event = update_password(&mut self.rng, at, &self.org.users[user], origin);
        let by_user = OrgEvent::new(user, What::PasswordChanged, Actor::User, at).from(origin);
        self.history.record(by_user.recorded(persisted));
        self.append(event, at, persisted);
    }

    /// A password recovery code e-mailed to the user at the API client's request (PingOne's
    /// `sendRecoveryCode`): recorded in the history only, the status stays (PingOne has no
    /// RECOVERY, and Okta no such operation). Refused for a user without a password or a
    /// disabled one.
    pub fn send_recovery_code(
        &mut self,
        user: usize,
        request: &ApiRequest,
        now: DateTime<Utc>,
    ) -> Result<(), PingOneError> {
        match self.org.users[user].status {
            UserStatus::Staged | UserStatus::Provisioned => Err(PingOneError::request_failed(
                "The user has no password to recover.",
            )),
            UserStatus::Suspended | UserStatus::Deprovisioned => {
                Err(PingOneError::request_failed("The user is disabled."))
            }
            _ => {
                let at = trunc_ms(now);
                self.record_admin(user, What::RecoveryCodeSent, request, at);
                Ok(())
            }
        }
    }

    /// `count` distinct users who can change their password do so now, drawn from the
    /// password stream's own generator so the picks depend only on the seed and the org.
    /// Returns their logins, in the order they changed.
    pub fn change_passwords(&mut self, count: usize, now: DateTime<Utc>) -> Vec<String> {
        let eligible: Vec<usize> = (0..self.org.users.len())
            .filter(|&i| can_change_password(&self.org.users[i].status))
            .collect();
        let picked: Vec<usize> = eligible
            .choose_multiple(&mut self.password_rng, count)
            .copied()
            .collect();
        picked
            .into_iter()
            .map(|user| {
                let origin = Origin::usual(&self.org.users[user], &mut self.password_rng);
                self.change_password(user, &origin, now, now);
                self.org.users[user].login().to_string()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::okta::password_events::UPDATE_PASSWORD;
    use crate::sim::org::Org;
    use chrono::Duration;

    fn state(seed: u64) -> State {
        let now = DateTime::parse_from_rfc3339("2026-03-02T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        State::new(Org::generate(seed, 300, now), seed)
    }

    #[test]
    fn a_change_moves_the_dates_reactivates_and_logs() {
        let mut s = state(4);
        let expired = (0..300)
            .find(|&i| s.org.users[i].status == UserStatus::PasswordExpired)
            .unwrap();
        let at = s.org.users[expired].last_updated + Duration::minutes(5);
        let origin = Origin::usual(&s.org.users[expired], &mut s.rng);
        s.change_password(expired, &origin, at, at);
        let u = &s.org.users[expired];
        assert_eq!(u.password_changed, Some(at));
        assert_eq!(u.last_updated, at);
        assert_eq!(u.status, UserStatus::Active);
        assert_eq!(u.status_changed, Some(at));
        let e = &s.log.all().last().unwrap().event();
        assert_eq!(e["eventType"], UPDATE_PASSWORD);
        assert_eq!(e["target"][0]["id"], u.id.as_str());

        let suspended = (0..300)
            .find(|&i| s.org.users[i].status == UserStatus::Suspended)
            .unwrap();
        let origin = Origin::usual(&s.org.users[suspended], &mut s.rng);
        s.change_password(suspended, &origin, at, at);
        assert_eq!(s.org.users[suspended].status, UserStatus::Suspended);
        assert_eq!(s.org.users[suspended].password_changed, Some(at));
    }

    #[test]
    fn batches_are_distinct_eligible_and_deterministic() {
        let now = Utc::now();
        let (mut a, mut b) = (state(9), state(9));
        let first = a.change_passwords(40, now);
        assert_eq!(first, b.change_passwords(40, now));
        let unique: std::collections::HashSet<&String> = first.iter().collect();
        assert_eq!(unique.len(), 40);
        for login in &first {
            let u = &a.org.users[a.org.find(login).unwrap()];
            assert_eq!(u.password_changed, Some(trunc_ms(now)));
            assert_eq!(u.status, UserStatus::Active);
        }
        let logged = a
            .log
            .all()
            .iter()
            .filter(|e| e.event()["eventType"] == UPDATE_PASSWORD)
            .count();
        assert_eq!(logged, 40);
        assert_ne!(a.change_passwords(40, now), first, "the stream moves on");
        assert_ne!(state(10).change_passwords(40, now), first);
    }
}
