//! `accessdesk demo`: the simulator in-process on 127.0.0.1:0 and the dashboard on it, with
//! the training panel (F2): the simulated caller's phone, so every verification path can be
//! practised end to end. `--idp pingone` serves one PingOne environment of the same org instead.
//! The demo's Okta org requires Okta Verify number matching, as most real orgs now do, so the
//! caller has a number to tap.

use clap::Args;
use secrecy::SecretString;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use super::sim_org::SimOrgArgs;
use crate::audit::AuditLog;
use crate::cli::dashboard::{open, start_logging};
use crate::cli::{GlobalArgs, load_config};
use crate::idp::okta::OktaClient;
use crate::idp::pingone::{PingOneClient, PingOneSettings, Region};
use crate::idp::{AnyDirectory, ClientOptions, Provider};
use crate::sim;
use crate::tickets::{
    JiraSettings, ServiceNowAuth, ServiceNowSettings, TicketProvider, TicketSettings,
};

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    org: SimOrgArgs,
    /// Seconds between lockout polls (the demo polls faster than the 30 s production default)
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=3600))]
    interval: u64,
    /// The simulator's ticketing system to practise with: the dialog offers the user's open
    /// tickets and opens new ones (none: any ticket number in the expected form)
    #[arg(long, value_enum, default_value_t = DemoTickets::Servicenow)]
    tickets: DemoTickets,
}

/// Which simulated ticketing system the demo checks tickets against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DemoTickets {
    None,
    Servicenow,
    Jira,
}

/// `[tickets]` for the simulator at `base` (its ServiceNow and Jira answer to `token`).
fn demo_tickets(which: DemoTickets, base: &str, token: &str) -> anyhow::Result<TicketSettings> {
    let url = url::Url::parse(base)?;
    let secret = || SecretString::from(token.to_string());
    Ok(match which {
        DemoTickets::None => TicketSettings::default(),
        DemoTickets::Servicenow => TicketSettings {
            provider: Some(TicketProvider::ServiceNow),
            servicenow: Some(ServiceNowSettings {
                url,
                auth: ServiceNowAuth::Basic {
                    username: sim::tickets::SERVICENOW_USER.to_string(),
                    password: secret(),
                },
                open_states: Vec::new(),
                category: "inquiry".to_string(),
                assignment_group: Some("Service Desk".to_string()),
                close_code: "Solved (Permanently)".to_string(),
            }),
            ..TicketSettings::default()
        },
        DemoTickets::Jira => TicketSettings {
            provider: Some(TicketProvider::Jira),
            jira: Some(JiraSettings {
                url,
                user: sim::tickets::JIRA_USER.to_string(),
                api_token: secret(),
                service_desk_id: "1".to_string(),
                request_type_id: "1".to_string(),
                open_statuses: Vec::new(),
                resolve_transition: Some("Resolve this issue".to_string()),
            }),
            ..TicketSettings::default()
        },
    })
}

pub async fn run(global: &GlobalArgs, args: DemoArgs) -> anyhow::Result<ExitCode> {
    // The demo never touches a real org: ignore any configured URL and token.
    let mut config = load_config(global, |o| o.poll_interval_secs = Some(args.interval))?;
    let _log = start_logging(&config);
    // A fresh random token per run: it only guards this process's own simulator.
    let token = uuid::Uuid::new_v4().simple().to_string();
    let mut sim_config = args.org.config(token.clone());
    sim_config.provider = config.idp;
    sim_config.number_challenge = config.idp == Provider::Okta;
    let handle = sim::start(sim_config, ([127, 0, 0, 1], 0).into()).await?;
    // Practice has its own audit log (<data dir>/demo/audit.sqlite3; `accessdesk audit --demo`
    // reads it); its records name the simulator as the tenant.
    config.data_dir = AuditLog::demo_data_dir(&config.data_dir);
    // Practice never touches the desk's shared database: its feed is the simulator's own.
    config.team = None;
    // The demo's tickets are the simulator's, or none, never a configured real system.
    config.tickets = demo_tickets(args.tickets, &handle.base_url(), &token)?;
    config.gate.ticket_system = config.tickets.provider;
    let options = ClientOptions {
        connect_timeout: Duration::from_secs(2),
        ..ClientOptions::default()
    };
    let secret = SecretString::from(token);
    let client: AnyDirectory = match config.idp {
        Provider::Okta => {
            OktaClient::new(url::Url::parse(&handle.base_url())?, secret, options)?.into()
        }
        Provider::PingOne => {
            let info = handle.info();
            let mut settings = PingOneSettings::new(
                info.environment_id.unwrap_or_default(),
                info.client_id.unwrap_or_default(),
                secret,
                Region::default(),
            );
            settings.api_url = url::Url::parse(&info.api_url)?;
            settings.auth_url = url::Url::parse(&info.auth_url)?;
            PingOneClient::new(settings, options)?.into()
        }
    };
    let code = open(Arc::new(client), &config, true, Some(handle.training())).await;
    handle.shutdown().await;
    code
}
