//! The simulated PingOne environment: its id, the worker app's client id, the one population,
//! all derived from the seed so a restarted simulator keeps them, and the PingOne UUIDs of the
//! organisation's users (derived from their Okta ids, so both views name the same people).

use std::collections::HashMap;

use super::api_error::ApiError;
use crate::sim::org::Org;
use crate::sim::org::ids::derived_uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Environment {
    pub id: String,
    /// The worker app's client id; its secret is the simulator's `--token`.
    pub client_id: String,
    /// Every simulated user lives in this population.
    pub population_id: String,
    /// PingOne user id → index into `Org::users`.
    users: HashMap<String, usize>,
}

impl Environment {
    pub fn new(seed: u64, org: &Org) -> Self {
        let seed = seed.to_string();
        Self {
            id: derived_uuid("environment", &seed),
            client_id: derived_uuid("worker-app", &seed),
            population_id: derived_uuid("population", &seed),
            users: org
                .users
                .iter()
                .enumerate()
                .map(|(i, u)| (user_id(&u.id), i))
                .collect(),
        }
    }

    /// A user by PingOne id, else by username (what `GET /users/{userId}` accepts).
    pub fn find_user(&self, org: &Org, key: &str) -> Option<usize> {
        self.users.get(key).copied().or_else(|| org.by_login(key))
    }

    /// [`find_user`](Environment::find_user), or PingOne's 404 naming the key.
    pub fn user(&self, org: &Org, key: &str) -> Result<usize, ApiError> {
        self.find_user(org, key)
            .ok_or_else(|| ApiError::not_found("user", key))
    }
}

/// The PingOne id of the org user whose Okta id is `okta_id`.
pub(crate) fn user_id(okta_id: &str) -> String {
    derived_uuid("user", okta_id)
}

/// The PingOne id of the device an Okta factor becomes.
pub(crate) fn device_id(okta_factor_id: &str) -> String {
    derived_uuid("device", okta_factor_id)
}

pub(crate) fn group_id(okta_group_id: &str) -> String {
    derived_uuid("group", okta_group_id)
}

pub(crate) fn policy_id(okta_policy_id: &str) -> String {
    derived_uuid("passwordPolicy", okta_policy_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn the_seed_names_the_environment_and_users_are_found_by_uuid_or_username() {
        let org = Org::generate(7, 20, Utc::now());
        let a = Environment::new(7, &org);
        assert_eq!(a, Environment::new(7, &org));
        assert_ne!(a.id, Environment::new(8, &org).id);
        assert_ne!(a.id, a.client_id);
        let third = &org.users[3];
        assert_eq!(a.find_user(&org, &user_id(&third.id)), Some(3));
        assert_eq!(a.find_user(&org, third.login()), Some(3));
        // An Okta id is not a PingOne id.
        assert_eq!(a.find_user(&org, &third.id), None);
    }
}
