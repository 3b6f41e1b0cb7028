//! The command line: one file per subcommand. Every subcommand has `--help`; the global flags
//! (`--config`, `--data-dir`, `--org-url`) work before or after it.

mod actions;
mod audit;
mod config_cmd;
mod dashboard;
pub mod duration;
mod event_hook;
pub mod exit;
mod expiries;
mod lockouts;
mod notices;
mod simulator;
mod team;
mod ticket;
mod user;

use actions::{act, checklist};
use clap::{Args, Parser, Subcommand};
use expiries::{list as expiries_cmd, reminders};
use notices::{instructions, outbox, watch};
use simulator::{demo, sim};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::config::{Config, Overrides, ProcessEnv};
use crate::idp::okta::OktaClient;
use crate::idp::{AnyDirectory, ClientOptions, Provider};

#[derive(Debug, Parser)]
#[command(
    name = "accessdesk",
    version,
    about = "Service-desk dashboard for account lockouts, users and MFA against Okta or PingOne",
    long_about = "accessdesk shows account lockouts live from your identity provider (Okta or \
                  PingOne) and \
                  helps service-desk agents resolve access problems from the keyboard.\n\n\
                  With no subcommand it opens the dashboard on the configured org. Try \
                  `accessdesk demo` to run it on the built-in simulator.",
    after_help = "Configuration: OKTA_CLIENT_ORGURL and OKTA_CLIENT_TOKEN (or ACCESSDESK_ORG_URL / \
                  ACCESSDESK_TOKEN); for PingOne --idp pingone with PINGONE_ENVIRONMENT_ID, \
                  PINGONE_CLIENT_ID, PINGONE_CLIENT_SECRET and PINGONE_REGION_CODE; or a TOML \
                  file (see `accessdesk config`).\n\
                  Exit codes: 0 done, 1 the IdP or the network failed, 2 refused (the gate, the \
                  user's state, read-only mode, no usable factor, no such user), 64 usage error."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Config file to read instead of the platform default [env: ACCESSDESK_CONFIG]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Directory for log files and durable state [env: ACCESSDESK_DATA_DIR]
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The identity provider: okta or pingone [env: ACCESSDESK_IDP] [default: okta, or `idp` in the config file]
    #[arg(long, global = true, value_name = "IDP", value_parser = ["okta", "pingone"])]
    pub idp: Option<String>,
    /// The Okta org's base URL, e.g. https://example.okta.com [env: OKTA_CLIENT_ORGURL]
    #[arg(long, global = true, value_name = "URL")]
    pub org_url: Option<String>,
    /// Look, don't touch: no unlock, reset or any other write to the IdP
    #[arg(long, global = true)]
    pub read_only: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the dashboard on the configured org (the default when no subcommand is given)
    Dashboard,
    /// Open the dashboard on the built-in simulator (Okta, or PingOne with --idp pingone): no org or token needed
    Demo(demo::DemoArgs),
    /// Serve an Okta-compatible (or, with --idp pingone, a PingOne) API on loopback, with a seeded org and live lockout traffic
    Sim(sim::SimArgs),
    /// Print lockouts from the IdP (Okta's System Log, PingOne's activities), once or following new ones (headless)
    Lockouts(lockouts::LockoutsArgs),
    /// Look a user up: profile, status, factors, password expiry (headless)
    User(user::UserArgs),
    /// Verify the caller: a push to the user's (or manager's) device, or a one-time code, audited (headless)
    Verify(act::VerifyArgs),
    /// Unlock a locked-out user, after the verification gate (headless)
    Unlock(act::GateArgs),
    /// Reset all or chosen MFA factors, after the verification gate (headless)
    ResetMfa(act::ResetMfaArgs),
    /// Have the IdP e-mail a password-reset link, after the verification gate (headless)
    ResetPassword(act::GateArgs),
    /// Show the effective configuration and where each part comes from
    Config(config_cmd::ConfigArgs),
    /// List the verification checklist items, with the ids `--kba` takes
    Checklist(checklist::ChecklistArgs),
    /// List, verify or export the tamper-evident audit log of agent actions
    Audit(audit::AuditArgs),
    /// List who loses access when: password expiries and contract ends (headless)
    Expiries(expiries_cmd::ExpiriesArgs),
    /// Forecast the reminders, expired notices and contractor digests due on a day (headless)
    Reminders(reminders::RemindersArgs),
    /// Search the configured self-service instructions, or send one to a user (headless)
    Instructions(instructions::InstructionsArgs),
    /// List the notices queued, sent and failed, or queue failed ones again (headless)
    Outbox(outbox::OutboxArgs),
    /// Look a ticket up in the configured ticketing system (ServiceNow or Jira Service Management) (headless)
    Ticket(ticket::TicketArgs),
    /// Run as a service: deliver lockout notices, reminders and digests; serve answer links (headless)
    Watch(watch::WatchArgs),
    /// Register, list or remove the Okta event hook that tells watch of lockouts as they happen
    EventHook(event_hook::EventHookArgs),
    /// Team mode: bring the desk's PostgreSQL schema up to date, or show where the desk stands
    Team(team::TeamArgs),
}

impl GlobalArgs {
    fn overrides(&self) -> Overrides {
        Overrides {
            config_file: self.config.clone(),
            data_dir: self.data_dir.clone(),
            idp: self.idp.clone(),
            org_url: self.org_url.clone(),
            poll_interval_secs: None,
            read_only: self.read_only,
        }
    }
}

/// Load the configuration for a command, with its own flag overrides applied.
fn load_config(global: &GlobalArgs, adjust: impl FnOnce(&mut Overrides)) -> anyhow::Result<Config> {
    let mut overrides = global.overrides();
    adjust(&mut overrides);
    let config = Config::load(&overrides, &ProcessEnv)?;
    for warning in &config.warnings {
        eprintln!("warning: {warning}");
    }
    Ok(config)
}

/// The configured provider's client, or a usage error that says how to configure it.
fn directory(config: &Config) -> anyhow::Result<AnyDirectory> {
    let options = config.client_options();
    match config.idp {
        Provider::Okta => Ok(okta_client(config, options)?.into()),
        Provider::PingOne => {
            let settings = config.pingone.settings().map_err(|missing| {
                exit::UsageError(format!(
                    "{missing}.\n  Or try the built-in simulator: accessdesk demo --idp pingone"
                ))
            })?;
            Ok(crate::idp::pingone::PingOneClient::new(settings, options)?.into())
        }
    }
}

/// The ticketing system's client `[tickets]` describes, if one is configured.
fn tickets(config: &Config) -> anyhow::Result<Option<crate::tickets::AnyTickets>> {
    crate::tickets::AnyTickets::from_settings(&config.tickets, &config.client_options())
        .map_err(|e| exit::UsageError(format!("{e}: {}", e.hint())).into())
}

fn okta_client(config: &Config, options: ClientOptions) -> anyhow::Result<OktaClient> {
    let (Some(org_url), Some(token)) = (&config.org_url, &config.token) else {
        let missing = match (&config.org_url, &config.token) {
            (None, None) => "No Okta org is configured",
            (None, Some(_)) => "No Okta org URL is configured",
            _ => "No Okta API token is configured",
        };
        return Err(exit::UsageError(format!(
            "{missing}.\n  Set OKTA_CLIENT_ORGURL=https://<your-org>.okta.com and OKTA_CLIENT_TOKEN=<API token>\n  \
             (or org_url in {}), or try the built-in simulator: accessdesk demo",
            crate::config::default_config_file()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "the config file".into())
        ))
        .into());
    };
    Ok(OktaClient::new(org_url.clone(), token.clone(), options)?)
}

/// Print one line each; a closed pipe (`| head`) ends the program quietly.
fn print_lines(lines: &[String]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    for line in lines {
        if let Err(e) = writeln!(out, "{line}") {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
            return Err(e.into());
        }
    }
    match out.flush() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// Whether colour is wanted: the NO_COLOR convention (any non-empty value turns it off).
pub fn color_enabled() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Run the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command.unwrap_or(Command::Dashboard) {
        Command::Dashboard => dashboard::run(&cli.global).await,
        Command::Demo(args) => demo::run(&cli.global, args).await,
        Command::Sim(args) => sim::run(&cli.global, args).await,
        Command::Lockouts(args) => lockouts::run(&cli.global, args).await,
        Command::User(args) => user::run(&cli.global, args).await,
        Command::Verify(args) => act::verify(&cli.global, args).await,
        Command::Unlock(args) => act::unlock(&cli.global, args).await,
        Command::ResetMfa(args) => act::reset_mfa(&cli.global, args).await,
        Command::ResetPassword(args) => act::reset_password(&cli.global, args).await,
        Command::Config(args) => config_cmd::run(&cli.global, args),
        Command::Checklist(args) => checklist::run(&cli.global, args),
        Command::Ticket(args) => ticket::run(&cli.global, args).await,
        Command::Expiries(args) => expiries_cmd::run(&cli.global, args).await,
        Command::Reminders(args) => reminders::run(&cli.global, args).await,
        Command::Instructions(args) => instructions::run(&cli.global, args).await,
        Command::Watch(args) => watch::run(&cli.global, args).await,
        Command::Outbox(args) => outbox::run(&cli.global, args),
        Command::EventHook(args) => event_hook::run(&cli.global, args).await,
        Command::Team(args) => team::run(&cli.global, args).await,
        Command::Audit(args) => {
            let config = load_config(&cli.global, |_| {})?;
            audit::run(&config, args)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_flags_work_before_and_after_the_subcommand() {
        let before = Cli::try_parse_from([
            "accessdesk",
            "--org-url",
            "https://a.okta.com",
            "lockouts",
            "--json",
        ])
        .unwrap();
        let after = Cli::try_parse_from([
            "accessdesk",
            "lockouts",
            "--json",
            "--org-url",
            "https://a.okta.com",
        ])
        .unwrap();
        assert_eq!(before.global.org_url, after.global.org_url);
        assert_eq!(after.global.org_url.as_deref(), Some("https://a.okta.com"));
    }

    #[test]
    fn clap_errors_are_usage_errors_but_help_and_version_succeed() {
        let code = |args: &[&str]| match Cli::try_parse_from(args) {
            Ok(_) => None,
            Err(e) => Some(e.kind()),
        };
        use clap::error::ErrorKind;
        assert_eq!(
            code(&["accessdesk", "--help"]),
            Some(ErrorKind::DisplayHelp)
        );
        assert_eq!(
            code(&["accessdesk", "--version"]),
            Some(ErrorKind::DisplayVersion)
        );
        assert_eq!(
            code(&["accessdesk", "--no-such-flag"]),
            Some(ErrorKind::UnknownArgument)
        );
    }

    #[test]
    fn sim_help_lists_only_the_flags_the_simulator_uses() {
        let mut cli = Cli::command();
        cli.build();
        let sim = cli.find_subcommand_mut("sim").unwrap();
        let help = sim.render_long_help().to_string();
        for used in [
            "--listen",
            "--idp",
            "--token",
            "--seed",
            "--users",
            "--lockouts-per-minute",
            "--control",
            "--no-history",
            "--config",
            "--data-dir",
        ] {
            assert!(help.contains(used), "{used} missing from:\n{help}");
        }
        for unused in ["--org-url", "--read-only"] {
            assert!(!help.contains(unused), "{unused} listed in:\n{help}");
        }
        // Given anyway, they are refused rather than silently ignored.
        for args in [
            &[
                "accessdesk",
                "sim",
                "--token",
                "t",
                "--org-url",
                "https://a.okta.com",
            ][..],
            &["accessdesk", "sim", "--token", "t", "--read-only"][..],
        ] {
            let Some(Command::Sim(sim)) = Cli::try_parse_from(args).unwrap().command else {
                panic!("{args:?} is the sim command");
            };
            let err = sim.unused_flags().unwrap_err();
            assert!(err.to_string().contains("the simulator"), "{err}");
        }
        let Some(Command::Sim(sim)) = Cli::try_parse_from(["accessdesk", "sim", "--token", "t"])
            .unwrap()
            .command
        else {
            panic!("the sim command");
        };
        assert!(sim.unused_flags().is_ok());
    }

    #[test]
    fn every_subcommand_has_help() {
        for sub in Cli::command().get_subcommands() {
            assert!(
                sub.get_about().is_some(),
                "{} has no help text",
                sub.get_name()
            );
        }
    }
}
