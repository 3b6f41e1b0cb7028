//! `accessdesk sim`: the Okta-compatible simulator as a server for other tools and tests.

use clap::Args;
use std::net::SocketAddr;
use std::process::ExitCode;

use super::GlobalArgs;
use super::dashboard::start_logging;
use super::sim_org::SimOrgArgs;
use crate::sim;

#[derive(Debug, Args)]
pub struct SimArgs {
    /// Address to listen on; loopback only (use port 0 for any free port)
    #[arg(long, default_value = "127.0.0.1:7777")]
    listen: SocketAddr,
    /// The API token clients must send as `Authorization: SSWS <token>`
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
}

pub async fn run(global: &GlobalArgs, args: SimArgs) -> anyhow::Result<ExitCode> {
    if !args.listen.ip().is_loopback() {
        anyhow::bail!(
            "--listen {} is not allowed: the simulator only listens on loopback addresses (127.0.0.1 or [::1])",
            args.listen
        );
    }
    if args.token.trim().is_empty() {
        anyhow::bail!("--token must not be empty");
    }
    let config = super::load_config(global, |_| {})?;
    let _log = start_logging(&config);
    let mut sim_config = args.org.config(args.token);
    sim_config.control = args.control;
    sim_config.history = !args.no_history;
    let handle = sim::start(sim_config, args.listen).await?;
    println!("accessdesk simulator listening on {}", handle.base_url());
    if args.control {
        println!(
            "control endpoints: POST {0}/__sim/lockouts, POST {0}/__sim/faults, GET {0}/__sim/requests",
            handle.base_url()
        );
    }
    tokio::signal::ctrl_c().await?;
    handle.shutdown().await;
    Ok(ExitCode::SUCCESS)
}
