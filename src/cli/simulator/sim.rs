//! `accessdesk sim`: the simulator (Okta's API, or one PingOne environment's) as a server for
//! other tools and tests.

use clap::Args;
use std::net::SocketAddr;
use std::process::ExitCode;

use super::sim_banner::ready_lines;
use super::sim_org::SimOrgArgs;
use crate::cli::GlobalArgs;
use crate::cli::dashboard::start_logging;
use crate::cli::exit::UsageError;
use crate::sim;
use crate::sim::FaultRates;

#[derive(Debug, Args)]
pub struct SimArgs {
    /// Address to listen on; loopback only (use port 0 for any free port)
    #[arg(long, default_value = "127.0.0.1:7777")]
    listen: SocketAddr,
    /// Okta: the API token clients must send as `Authorization: SSWS <token>`.
    /// PingOne: the worker app's client secret
    #[arg(long, env = "ACCESSDESK_SIM_TOKEN", hide_env_values = true)]
    token: String,
    #[command(flatten)]
    org: SimOrgArgs,
    /// Expose /__sim/ control endpoints (inject lockouts and faults, list requests)
    #[arg(long)]
    control: bool,
    /// Start with an empty System Log instead of two hours of history
    #[arg(long)]
    no_history: bool,
    /// Faults by rate on every API request, reproducible from --seed, e.g.
    /// 429=5%,500=2%,slow=1%:3s,reset=1%,garbage=1%. Keys: 429 (rate limit, resetting 2s
    /// later), 500-599 (the provider's error), slow=P%:PAUSE (answers after the pause, 1ms to
    /// 120s), reset (connection dropped), garbage (200, not JSON), html (502 HTML page),
    /// truncated (the real JSON cut short). Shares add up to 100% at most; /__sim/faults
    /// (--control) still queues faults, which go first
    #[arg(long, value_name = "SPEC", value_parser = parse_faults)]
    faults: Option<FaultRates>,
    /// Average password changes per hour in the traffic [default: 1% of the users a day; 0 turns them off]
    #[arg(long, value_parser = parse_password_rate)]
    password_changes_per_hour: Option<f64>,
    // The global --org-url and --read-only mean nothing to a server of its own org: these
    // hidden twins keep them out of `sim --help`, and refuse them when given.
    #[arg(long, hide = true)]
    org_url: Option<String>,
    #[arg(long, hide = true)]
    read_only: bool,
}

impl SimArgs {
    /// The global flags the simulator does not use, refused rather than silently ignored.
    pub fn unused_flags(&self) -> Result<(), UsageError> {
        if self.org_url.is_some() {
            return Err(UsageError(
                "the simulator serves its own org: --org-url is not used (clients point at the URL it prints)".into(),
            ));
        }
        if self.read_only {
            return Err(UsageError(
                "the simulator serves its own org: --read-only is not used (pass it to the client, e.g. `accessdesk --read-only dashboard`)".into(),
            ));
        }
        Ok(())
    }
}

pub async fn run(global: &GlobalArgs, args: SimArgs) -> anyhow::Result<ExitCode> {
    args.unused_flags()?;
    if !args.listen.ip().is_loopback() {
        return Err(UsageError(format!(
            "--listen {} is not allowed: the simulator only listens on loopback addresses (127.0.0.1 or [::1])",
            args.listen
        ))
        .into());
    }
    if args.token.trim().is_empty() {
        return Err(UsageError("--token must not be empty".into()).into());
    }
    let config = crate::cli::load_config(global, |_| {})?;
    let _log = start_logging(&config);
    let mut sim_config = args.org.config(args.token);
    // The global --idp (or ACCESSDESK_IDP, or `idp` in the config file) picks the API served;
    // under PingOne, --seed also picks the environment's ids.
    sim_config.provider = config.idp;
    sim_config.control = args.control;
    sim_config.history = !args.no_history;
    sim_config.password_changes_per_hour = args.password_changes_per_hour;
    sim_config.fault_rates = args.faults.unwrap_or_default();
    let faults = sim_config.fault_rates.to_string();
    let seed = sim_config.seed;
    let handle = sim::start(sim_config, args.listen).await?;
    for line in ready_lines(&handle.info(), &handle.base_url(), args.control) {
        println!("{line}");
    }
    if !faults.is_empty() {
        println!("faults by rate on every API request (seed {seed}): {faults}");
    }
    tokio::signal::ctrl_c().await?;
    handle.shutdown().await;
    Ok(ExitCode::SUCCESS)
}

fn parse_faults(raw: &str) -> Result<FaultRates, String> {
    raw.parse().map_err(|e: sim::FaultSpecError| e.to_string())
}

fn parse_password_rate(raw: &str) -> Result<f64, String> {
    let rate: f64 = raw
        .parse()
        .map_err(|_| format!("{raw:?} is not a number"))?;
    if (0.0..=100_000.0).contains(&rate) {
        Ok(rate)
    } else {
        Err(format!("{rate} is not allowed: between 0 and 100000"))
    }
}
