//! `accessdesk event-hook register|list|remove`: Okta event hooks for lockouts, so `watch`
//! hears of them as they happen instead of at its next poll. `register` creates the hook
//! with the shared secret from `ACCESSDESK_HOOK_SECRET`, and Okta verifies it at once: the
//! `watch` at URL must be running (`watch --listen`) with the same secret.

use clap::{Args, Subcommand};
use std::process::ExitCode;

use super::exit::UsageError;
use super::{GlobalArgs, load_config, okta_client};
use crate::idp::okta::{EventHook, OktaClient};
use crate::idp::{IdpError, Provider};
use crate::tui::inert::inert;

#[derive(Debug, Args)]
pub struct EventHookArgs {
    #[command(subcommand)]
    command: EventHookCommand,
}

#[derive(Debug, Subcommand)]
enum EventHookCommand {
    /// Register URL (a `watch --listen` endpoint, ending /hooks/okta) for lockout events;
    /// Okta verifies it at once, so watch must be up with the same ACCESSDESK_HOOK_SECRET
    Register {
        /// Where Okta delivers: https://accessdesk.example.com/hooks/okta
        url: String,
        /// The hook's name in Okta's Admin Console
        #[arg(long, default_value = "accessdesk lockouts")]
        name: String,
        /// Print the hook as JSON
        #[arg(long)]
        json: bool,
    },
    /// List the org's event hooks
    List {
        /// One JSON object per line
        #[arg(long)]
        json: bool,
    },
    /// Deactivate and delete a hook by id
    Remove {
        /// The hook's id (from `event-hook list`)
        id: String,
    },
}

pub async fn run(global: &GlobalArgs, args: EventHookArgs) -> anyhow::Result<ExitCode> {
    let config = load_config(global, |_| {})?;
    if config.idp != Provider::Okta {
        return Err(UsageError(
            "event hooks are Okta's; with PingOne, watch polls the activities feed".into(),
        )
        .into());
    }
    let client = okta_client(&config, config.client_options())?;
    let failed = |e: IdpError| anyhow::anyhow!("{e}\n  {}", e.hint_for(Provider::Okta));
    match args.command {
        EventHookCommand::Register { url, name, json } => {
            let Some(secret) = &config.hook_secret else {
                return Err(UsageError(
                    "set ACCESSDESK_HOOK_SECRET (the same value watch has) before registering a hook"
                        .into(),
                )
                .into());
            };
            let parsed = url::Url::parse(&url)
                .map_err(|e| UsageError(format!("{url:?} is not a URL: {e}")))?;
            let loopback = parsed.host().is_some_and(|h| match h {
                url::Host::Domain(d) => d == "localhost",
                url::Host::Ipv4(ip) => ip.is_loopback(),
                url::Host::Ipv6(ip) => ip.is_loopback(),
            });
            if parsed.scheme() != "https" && !(parsed.scheme() == "http" && loopback) {
                return Err(UsageError(
                    "the hook URL must be https:// (Okta requires it; plain http only on this \
                     machine, for the simulator)"
                        .into(),
                )
                .into());
            }
            let hook = client
                .register_event_hook(&name, parsed.as_str(), secret)
                .await
                .map_err(failed)?;
            print_hooks(&[hook], json)?;
        }
        EventHookCommand::List { json } => {
            let hooks = client.event_hooks().await.map_err(failed)?;
            print_hooks(&hooks, json)?;
        }
        EventHookCommand::Remove { id } => {
            remove(&client, &id).await.map_err(failed)?;
            println!("removed event hook {}", inert(&id));
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn remove(client: &OktaClient, id: &str) -> Result<(), IdpError> {
    client.remove_event_hook(id).await
}

fn print_hooks(hooks: &[EventHook], json: bool) -> anyhow::Result<()> {
    let lines: Vec<String> = if json {
        hooks
            .iter()
            .map(serde_json::to_string)
            .collect::<Result<_, _>>()?
    } else {
        hooks
            .iter()
            .map(|h| {
                format!(
                    "{}  {}  {} {}  {}",
                    inert(&h.id),
                    inert(&h.name),
                    inert(&h.status),
                    inert(&h.verification_status),
                    inert(&h.uri)
                )
            })
            .collect()
    };
    super::print_lines(&lines)
}
