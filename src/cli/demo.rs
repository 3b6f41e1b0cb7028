//! `accessdesk demo`: the simulator in-process on 127.0.0.1:0 and the dashboard on it.

use clap::Args;
use secrecy::SecretString;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use super::dashboard::{open, start_logging};
use super::{GlobalArgs, load_config};
use crate::idp::okta::{ClientOptions, OktaClient};
use crate::sim::{self, SimConfig};

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Seed of the simulated organisation (same seed, same people)
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Number of simulated users
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(10..=100_000))]
    users: u64,
    /// Average lockouts per minute in the simulated traffic
    #[arg(long, default_value_t = 6.0)]
    lockouts_per_minute: f64,
    /// Seconds between lockout polls (the demo polls faster than the 30 s production default)
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=3600))]
    interval: u64,
}

pub async fn run(global: &GlobalArgs, args: DemoArgs) -> anyhow::Result<ExitCode> {
    if !(0.0..=600.0).contains(&args.lockouts_per_minute) {
        anyhow::bail!(
            "--lockouts-per-minute {} is not allowed: between 0 and 600",
            args.lockouts_per_minute
        );
    }
    // The demo never touches a real org: ignore any configured URL and token.
    let mut config = load_config(global, |o| o.poll_interval_secs = Some(args.interval))?;
    let _log = start_logging(&config);
    // A fresh random token per run: it only guards this process's own simulator.
    let token = uuid::Uuid::new_v4().simple().to_string();
    let mut sim_config = SimConfig::new(token.clone());
    sim_config.seed = args.seed;
    sim_config.users = args.users as usize;
    sim_config.lockouts_per_minute = args.lockouts_per_minute;
    let handle = sim::start(sim_config, ([127, 0, 0, 1], 0).into()).await?;
    let base = url::Url::parse(&handle.base_url())?;
    config.org_url = Some(base.clone());
    let client = OktaClient::new(
        base,
        SecretString::from(token),
        ClientOptions {
            connect_timeout: Duration::from_secs(2),
            ..ClientOptions::default()
        },
    )?;
    let code = open(Arc::new(client), &config, true).await;
    handle.shutdown().await;
    code
}
