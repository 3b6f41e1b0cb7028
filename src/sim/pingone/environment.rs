//! The simulated PingOne environment: its id, the worker app's client id and the one
//! population, all derived from the seed so a restarted simulator keeps them.

use crate::sim::org::ids::derived_uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Environment {
    pub id: String,
    /// The worker app's client id; its secret is the simulator's `--token`.
    pub client_id: String,
    /// Every simulated user lives in this population.
    pub population_id: String,
}

impl Environment {
    pub fn from_seed(seed: u64) -> Self {
        let seed = seed.to_string();
        Self {
            id: derived_uuid("environment", &seed),
            client_id: derived_uuid("worker-app", &seed),
            population_id: derived_uuid("population", &seed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_names_the_environment() {
        let a = Environment::from_seed(7);
        assert_eq!(a, Environment::from_seed(7));
        assert_ne!(a.id, Environment::from_seed(8).id);
        assert_ne!(a.id, a.client_id);
    }
}
