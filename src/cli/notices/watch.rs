//! `accessdesk watch`: run headless as a service — lockout notices, reminders, digests and
//! alerts delivered through the outbox, answer links, `/healthz` and `/metrics`.

use clap::Args;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use crate::cli::exit::UsageError;
use crate::cli::{GlobalArgs, directory, load_config};
use crate::services::watch::{self, StartError, WatchOptions};

#[derive(Debug, Args)]
#[command(
    long_about = "Run headless: follow the lockout feed (its position kept in the outbox), \
                  refresh the expiry scan, evaluate the reminder schedules every minute and \
                  deliver every notice through the durable outbox (e-mail with [smtp], the \
                  help-desk webhook with [webhook], else JSON lines on stdout).\n\n\
                  With --listen (or [watch] listen) it serves the answer links of the notices \
                  at /answer/{token}, /healthz (200 while the lockout poll works, 503 once it \
                  has failed for 5 minutes) and /metrics (Prometheus text).\n\n\
                  Stops cleanly on SIGTERM or Ctrl-C: the notice in flight finishes; anything \
                  unsent goes at the next start, never twice with a different Message-ID.",
    after_help = "Example unit file: assets/accessdesk-watch.service.\n\
                  Exit codes: 0 stopped cleanly, 1 the outbox, the listen address or the IdP \
                  failed, 64 usage or configuration error."
)]
pub struct WatchArgs {
    /// Serve answer links, /healthz and /metrics on this address [default: [watch] listen]
    #[arg(long, value_name = "ADDR:PORT")]
    listen: Option<SocketAddr>,
}

pub async fn run(global: &GlobalArgs, args: WatchArgs) -> anyhow::Result<ExitCode> {
    let config = load_config(global, |_| {})?;
    let client = Arc::new(directory(&config)?);
    let _log = crate::cli::dashboard::start_logging(&config);
    let options = WatchOptions {
        listen: args.listen,
    };
    match watch::run(client, &config, options).await {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(StartError::Configuration(message)) => Err(UsageError(message).into()),
        Err(StartError::Unavailable(e)) => Err(e),
    }
}
