//! `accessdesk` / `accessdesk dashboard`: the dashboard on the configured org.

use std::process::ExitCode;
use std::sync::Arc;
use tokio::sync::mpsc;

use super::{GlobalArgs, color_enabled, load_config, okta_client};
use crate::config::Config;
use crate::idp::Directory;
use crate::services::{PollerConfig, lockout_poller};
use crate::tui::{self, DashboardOptions};

pub async fn run(global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let config = load_config(global, |_| {})?;
    let client = Arc::new(okta_client(&config)?);
    let _log = start_logging(&config);
    open(client, &config, false, None).await
}

/// Start file logging; a failure is shown once on stderr and the program goes on.
pub(super) fn start_logging(
    config: &Config,
) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    match crate::logging::init(&config.data_dir) {
        Ok(guard) => Some(guard),
        Err(e) => {
            eprintln!("warning: {e}; continuing without a log file");
            None
        }
    }
}

/// Start the lockout poller and run the dashboard until the agent quits (`training`: the
/// demo's in-process simulator, for the training panel).
pub(super) async fn open<D: Directory>(
    directory: Arc<D>,
    config: &Config,
    simulator: bool,
    training: Option<crate::sim::TrainingHandle>,
) -> anyhow::Result<ExitCode> {
    let (tx, rx) = mpsc::channel(64);
    let poller = tokio::spawn(lockout_poller::run(
        directory.clone(),
        PollerConfig {
            interval: config.poll_interval,
            lookback: config.lookback,
        },
        tx,
    ));
    let options = DashboardOptions {
        org_label: directory.label(),
        org_url: config.org_url.as_ref().map(ToString::to_string),
        simulator,
        color: color_enabled(),
        bursts: config.bursts.clone(),
        poll_interval: config.poll_interval,
        lookback: config.lookback,
        gate: config.gate.clone(),
        mfa_reset_mode: config.mfa_reset_mode,
        read_only: config.read_only,
        agent_name: config.agent_name.clone(),
        data_dir: config.data_dir.clone(),
        training,
        // The expiries screen's schedule rules and the agent's zone: filled by the lead.
        ..DashboardOptions::default()
    };
    let result = tui::run(directory, rx, options).await;
    poller.abort();
    result.map(|()| ExitCode::SUCCESS)
}
