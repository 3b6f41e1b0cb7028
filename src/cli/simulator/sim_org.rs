//! The simulated organisation's flags, shared by `demo` and `sim`.

use clap::Args;

use crate::sim::SimConfig;

#[derive(Debug, Args)]
pub struct SimOrgArgs {
    /// Seed of the simulated organisation (same seed, same people; PingOne: the same environment and client ids)
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Number of simulated users
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(10..=100_000))]
    users: u64,
    /// Average lockouts per minute in the generated traffic, 0 to 600 (0 turns traffic off)
    #[arg(long, default_value_t = 6.0, value_parser = parse_rate)]
    lockouts_per_minute: f64,
}

impl SimOrgArgs {
    /// A simulator configuration with these flags applied.
    pub fn config(&self, token: String) -> SimConfig {
        let mut config = SimConfig::new(token);
        config.seed = self.seed;
        config.users = self.users as usize;
        config.lockouts_per_minute = self.lockouts_per_minute;
        config
    }
}

fn parse_rate(raw: &str) -> Result<f64, String> {
    let rate: f64 = raw
        .parse()
        .map_err(|_| format!("{raw:?} is not a number"))?;
    if (0.0..=600.0).contains(&rate) {
        Ok(rate)
    } else {
        Err(format!("{rate} is not allowed: between 0 and 600"))
    }
}
