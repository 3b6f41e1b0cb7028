//! `accessdesk` / `accessdesk dashboard`: the dashboard on the configured org.

use std::process::ExitCode;
use std::sync::Arc;
use tokio::sync::mpsc;

use super::{GlobalArgs, color_enabled, directory, load_config, tickets};
use crate::audit::AuditLocation;
use crate::config::Config;
use crate::idp::Directory;
use crate::services::{PollerConfig, expiry_scanner, lockout_poller};
use crate::store::ExpiryStore;
use crate::tui::{self, ClaimSettings, DashboardOptions};

pub async fn run(global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let config = load_config(global, |_| {})?;
    let client = Arc::new(directory(&config)?);
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
    // `[tickets]` names the system for the gate too (`config.gate.ticket_system`).
    let tickets = tickets(config)?.map(Arc::new);
    // Team mode: one connection pool to the desk's database for everything below.
    let team = match &config.team {
        Some(settings) => Some((crate::team::TeamDb::connect(settings)?, settings)),
        None => None,
    };
    let (tx, rx) = mpsc::channel(64);
    let poller = match &team {
        // Team mode: the desk's feed from PostgreSQL, written by the leading `watch`; this
        // dashboard makes no System Log requests of its own.
        Some((db, _)) => {
            let db = db.clone();
            let since = chrono::Utc::now() - chrono::Duration::from_std(config.lookback)?;
            tokio::spawn(crate::team::follower::run(db, since, tx))
        }
        None => tokio::spawn(lockout_poller::run(
            directory.clone(),
            PollerConfig {
                interval: config.poll_interval,
                lookback: config.lookback,
                pace: None,
            },
            tx,
        )),
    };
    // The expiry scanner shares the directory; `demo` keeps its store beside its audit log.
    let (scan_tx, scan_rx) = mpsc::channel(16);
    let scanner = match &team {
        // Team mode: the desk's scan, made by `watch`; this dashboard scans nothing itself.
        Some((db, _)) => tokio::spawn(expiry_scanner::desk::follow(db.clone(), scan_tx)),
        None => {
            let store_path = ExpiryStore::default_path(&config.data_dir);
            let store = ExpiryStore::open(&store_path)
                .inspect_err(|e| tracing::warn!(error = %e, "no expiry store; every start rescans"))
                .ok();
            tokio::spawn(expiry_scanner::run(
                directory.clone(),
                config.expiries.clone(),
                store,
                scan_tx,
            ))
        }
    };
    // Team mode audits to the desk's trail and claims each user acted on, so colleagues see
    // who is on the call (`demo` never: it clears `team`).
    let (audit, claims, team_db) = match team {
        Some((db, settings)) => {
            let claims = ClaimSettings {
                role: db.role().await?,
                ttl: settings.claim_timeout,
            };
            (
                Some(AuditLocation::team(db.clone())),
                Some(claims),
                Some(db),
            )
        }
        None => (None, None, None),
    };
    let options = DashboardOptions {
        org_label: directory.label(),
        org_url: Some(directory.audit_org()),
        provider: directory.provider(),
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
        audit,
        training,
        schedule: config.reminders.clone(),
        notices: crate::services::notice_desk::NoticeDesk::from_config(config),
        local_zone: crate::config::local_zone(&crate::config::ProcessEnv),
        tickets,
        resolve_tickets: config.tickets.resolve_on_success,
        claims,
        team_db,
    };
    let result = tui::run(directory, rx, scan_rx, options).await;
    poller.abort();
    scanner.abort();
    result.map(|()| ExitCode::SUCCESS)
}
