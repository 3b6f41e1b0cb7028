//! `accessdesk ticket show NUMBER`: a ticket as the configured ticketing system has it (the
//! gate's view of it: open or not, whose it is), headless.

use clap::{Args, Subcommand};
use serde_json::json;
use std::process::ExitCode;

use super::exit::{EXIT_FAILED, EXIT_REFUSED, UsageError};
use super::{GlobalArgs, load_config, tickets};
use crate::policy::gate::normalize_ticket;
use crate::tickets::TicketSystem;
use crate::tui::inert::inert;

#[derive(Debug, Args)]
pub struct TicketArgs {
    #[command(subcommand)]
    command: TicketCommand,
}

#[derive(Debug, Subcommand)]
enum TicketCommand {
    /// Show one ticket: state, whether it counts as open, caller, summary; exit 2 when the
    /// system has no such ticket
    Show {
        /// The ticket number: INC0010002, RITM0010001, HD-42
        number: String,
        /// Print it as JSON
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(global: &GlobalArgs, args: TicketArgs) -> anyhow::Result<ExitCode> {
    let TicketCommand::Show { number, json } = args.command;
    let config = load_config(global, |_| {})?;
    let Some(tickets) = tickets(&config)? else {
        return Err(UsageError(
            "no ticketing system is configured: set SERVICENOW_URL or JIRA_URL, or [tickets] in the config file".into(),
        )
        .into());
    };
    let number = normalize_ticket(&number);
    match tickets.lookup(&number).await {
        Ok(Some(t)) => {
            if json {
                println!("{}", serde_json::to_string(&t)?);
            } else {
                let caller =
                    t.caller
                        .as_ref()
                        .map_or("none".to_string(), |c| match (&c.name, &c.email) {
                            (Some(n), Some(e)) => format!("{n} <{e}>"),
                            (Some(n), None) => n.clone(),
                            (None, Some(e)) => e.clone(),
                            (None, None) => c.id.clone(),
                        });
                let open = if t.open { "open" } else { "not open" };
                println!("{} ({}, {})", inert(&t.number), t.provider, inert(&t.kind));
                println!("  state    {} ({open})", inert(&t.state));
                println!("  caller   {}", inert(&caller));
                println!("  summary  {}", inert(&t.summary));
                if let Some(created) = t.created {
                    println!("  opened   {}", created.format("%Y-%m-%d %H:%M UTC"));
                }
                println!("  id       {}", inert(&t.system_id));
                if let Some(url) = &t.web_url {
                    println!("  link     {}", inert(url));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Ok(None) => {
            if json {
                println!("{}", json!({ "number": number, "found": false }));
            } else {
                eprintln!("{} has no ticket {number}", tickets.provider());
            }
            Ok(ExitCode::from(EXIT_REFUSED))
        }
        Err(e) => {
            eprintln!(
                "cannot read {number} from {}: {e}\n  {}",
                tickets.provider(),
                e.hint()
            );
            Ok(ExitCode::from(EXIT_FAILED))
        }
    }
}
