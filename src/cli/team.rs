//! `accessdesk team migrate|status`: the desk's PostgreSQL in team mode. `migrate` brings the
//! schema up to date (run once, as the database's owner, before agents connect; any number
//! of processes may run it at once); `status` says what the desk's database holds and who is
//! doing what.

use clap::{Args, Subcommand};
use std::process::ExitCode;

use super::exit::UsageError;
use super::{GlobalArgs, load_config};
use crate::team::status::{self, DeskStatus};
use crate::team::{TeamDb, TeamSettings, migrations};
use crate::tui::inert::inert;

#[derive(Debug, Args)]
pub struct TeamArgs {
    #[command(subcommand)]
    command: TeamCommand,
}

#[derive(Debug, Subcommand)]
enum TeamCommand {
    /// Bring the team database's schema up to date (as the database's owner)
    Migrate {
        /// Print what was done as JSON
        #[arg(long)]
        json: bool,
    },
    /// Show the schema, this role's rights, the feed's leader, lockouts, live claims and audit chains
    Status {
        /// Print the status as JSON
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(global: &GlobalArgs, args: TeamArgs) -> anyhow::Result<ExitCode> {
    let config = load_config(global, |_| {})?;
    let Some(settings) = config.team.clone() else {
        return Err(UsageError(
            "team mode is off: set [team] database_url in the config file, or \
             ACCESSDESK_DATABASE_URL, to the desk's PostgreSQL"
                .into(),
        )
        .into());
    };
    match args.command {
        TeamCommand::Migrate { json } => migrate(&settings, json).await,
        TeamCommand::Status { json } => {
            let db = connect(&settings).await?;
            print_status(&status::read(&db).await?, json)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn connect(settings: &TeamSettings) -> anyhow::Result<TeamDb> {
    let settings = settings.clone();
    Ok(tokio::task::spawn_blocking(move || TeamDb::connect(&settings)).await??)
}

async fn migrate(settings: &TeamSettings, json: bool) -> anyhow::Result<ExitCode> {
    let before = {
        let settings = settings.clone();
        let db =
            tokio::task::spawn_blocking(move || TeamDb::connect_unmigrated(&settings)).await??;
        let pool = db.pool().clone();
        db.run(async move { migrations::applied(&pool).await })
            .await
            .map_err(crate::team::TeamError::query)?
    };
    let db = connect(settings).await?;
    let role = db.role().await?;
    let after = migrations::LATEST;
    if json {
        println!(
            "{}",
            serde_json::json!({
                "database": db.describe(),
                "role": role,
                "schema_before": before,
                "schema": after,
                "applied": after - before,
            })
        );
    } else if before == after {
        println!(
            "{}: schema already at version {after}, nothing to do",
            db.describe()
        );
    } else {
        println!(
            "{}: schema brought from version {before} to {after} (as {}); agents may connect",
            db.describe(),
            inert(&role)
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn print_status(status: &DeskStatus, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string(status)?);
        return Ok(());
    }
    let yes = |b: bool| if b { "yes" } else { "no" };
    println!("database      {}", status.database);
    println!(
        "role          {} (agent: {}, watch: {})",
        inert(&status.role),
        yes(status.agent),
        yes(status.watch)
    );
    println!(
        "schema        version {} of {}",
        status.schema, status.schema_latest
    );
    match &status.feed {
        None => println!("feed          no watch has led the feed yet: start `accessdesk watch`"),
        Some(feed) => {
            let last = feed.last_success.map_or("never".to_string(), |t| {
                t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
            });
            println!(
                "feed          led by {}, polling every {}s, last success {last}",
                inert(&feed.leader),
                feed.interval_secs
            );
            if let Some(error) = &feed.last_error {
                println!(
                    "              failing ({} in a row): {}",
                    feed.consecutive_errors,
                    inert(error)
                );
            }
            if let Some(hook) = feed.last_hook {
                println!(
                    "              last event hook {}",
                    hook.format("%Y-%m-%d %H:%M:%S UTC")
                );
            }
        }
    }
    println!(
        "lockouts      {} written, {} in the last day",
        status.lockouts_total, status.lockouts_last_day
    );
    if status.live_claims.is_empty() {
        println!("claims        none live");
    }
    for (i, claim) in status.live_claims.iter().enumerate() {
        println!(
            "{}{} on {} since {}, until {}",
            if i == 0 {
                "claims        "
            } else {
                "              "
            },
            inert(&claim.agent),
            inert(claim.user_id.as_deref().unwrap_or(&claim.lockout_uuid)),
            claim.claimed_at.format("%H:%M UTC"),
            claim.expires_at.format("%H:%M UTC")
        );
    }
    match &status.audit_chains {
        None => println!("audit         not readable by this role"),
        Some(chains) if chains.is_empty() => println!("audit         no records yet"),
        Some(chains) => {
            for (i, chain) in chains.iter().enumerate() {
                println!(
                    "{}chain {}: {} records, newest {}",
                    if i == 0 {
                        "audit         "
                    } else {
                        "              "
                    },
                    inert(&chain.chain),
                    chain.records,
                    chain.newest_at.as_deref().map_or("-", |t| t)
                );
            }
        }
    }
    Ok(())
}
