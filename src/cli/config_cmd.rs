//! `accessdesk config`: the effective configuration and where each value came from, never
//! the token itself.

use clap::Args;
use serde_json::json;
use std::process::ExitCode;

use super::exit::{Refused, UsageError};
use super::{GlobalArgs, load_config};
use crate::audit::AuditLog;
use crate::config::{Config, Source};
use crate::idp::Provider;

#[derive(Debug, Args)]
#[command(
    after_help = "Each value says where it came from: `default` (built in), `file PATH`, \
                        `env NAME`, `flag --NAME`, or for the agent name `the OS account`. \
                        Precedence: defaults < file < environment < flags."
)]
pub struct ConfigArgs {
    /// Print JSON instead of text (`sources` says where each value came from)
    #[arg(long)]
    json: bool,
    /// Write the commented default configuration to the config file (--config, or the
    /// platform's default), readable by you only; an existing file is never overwritten
    #[arg(long, conflicts_with = "json")]
    init: bool,
}

/// The commented default configuration, as shipped in `assets/`.
const DEFAULT_CONFIG: &str = include_str!("../../assets/accessdesk.toml");

/// Values up to this wide get their source in a column.
const VALUE_WIDTH: usize = 40;

/// One line of the text view: what, its value, and the keys whose origin it shows.
struct Line {
    label: &'static str,
    value: String,
    keys: &'static [&'static str],
}

pub fn run(global: &GlobalArgs, args: ConfigArgs) -> anyhow::Result<ExitCode> {
    if args.init {
        return init(global);
    }
    // Prints the configuration's own warnings on stderr.
    let config = load_config(global, |_| {})?;
    let agent_warning = config.agent_name_warning();
    if args.json {
        let mut warnings = config.warnings.clone();
        warnings.extend(agent_warning);
        println!("{}", json_view(&config, &warnings));
    } else {
        print!("{}", text_view(&config));
        if let Some(warning) = agent_warning {
            eprintln!("warning: {warning}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `config --init`: the folder 0700 and the file 0600 from the start, since the file may come
/// to hold a token; created exclusively, so a file already there is left exactly as it is.
fn init(global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let Some(path) = global
        .config
        .clone()
        .or_else(crate::config::default_config_file)
    else {
        return Err(UsageError(
            "this platform has no config directory: name the file with --config FILE".into(),
        )
        .into());
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::store::create_private_dir(dir)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = match options.open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(Refused(format!(
                "{} already exists and was left as it is; `accessdesk config` shows what it sets",
                path.display()
            ))
            .into());
        }
        Err(e) => anyhow::bail!("cannot create {}: {e}", path.display()),
    };
    std::io::Write::write_all(&mut file, DEFAULT_CONFIG.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    println!(
        "wrote {} (readable by you only); set the org there, and the token in the \
         environment (OKTA_CLIENT_TOKEN) or the OS keyring rather than in the file",
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn json_view(config: &Config, warnings: &[String]) -> serde_json::Value {
    let default_file = crate::config::default_config_file();
    json!({
        "file": config.source.as_ref().map(|p| p.display().to_string()),
        "default_file": default_file.as_ref().map(|p| p.display().to_string()),
        "idp": config.idp.as_str(),
        "pingone": {
            "environment_id": config.pingone.environment_id,
            "client_id": config.pingone.client_id,
            "client_secret_set": config.pingone.client_secret.is_some(),
            "region": config.pingone.region.code(),
            "api_url": config.pingone.settings().ok().map(|s| s.api_url.to_string()),
            "auth_url": config.pingone.settings().ok().map(|s| s.auth_url.to_string()),
            "auth_method": config.pingone.auth_method.as_str(),
        },
        "org_url": config.org_url.as_ref().map(|u| u.as_str()),
        "token_set": config.token.is_some(),
        "poll_interval_secs": config.poll_interval.as_secs(),
        "lookback_minutes": config.lookback.as_secs() / 60,
        "burst_per_ip": config.bursts.per_ip_threshold,
        "burst_window_minutes": config.bursts.per_ip_window.num_minutes(),
        "burst_per_minute": config.bursts.per_minute_threshold,
        "connect_timeout_secs": config.connect_timeout.as_secs(),
        "request_timeout_secs": config.request_timeout.as_secs(),
        "allow_plain_http": config.plain_http.hosts(),
        "tickets": {
            "provider": config.tickets.provider.map(|p| p.as_str()),
            "url": ticket_url(config),
            "require_caller": config.tickets.require_caller,
        },
        "agent": config.agent_name,
        "agent_source": config.sources.get("agent.name").to_json(),
        "read_only": config.read_only,
        "mfa_reset_mode": format!("{:?}", config.mfa_reset_mode).to_lowercase(),
        "checklist_items": config.gate.checklist.len(),
        "ticket_pattern": config.gate.ticket_pattern.as_str(),
        "evidence_max_age_minutes": config.gate.evidence_max_age.num_minutes(),
        "data_dir": config.data_dir.display().to_string(),
        "log_dir": crate::logging::log_dir(&config.data_dir).display().to_string(),
        "user_notices": if config.smtp.is_some() { "email" } else { "jsonl" },
        "alerts": config.webhook.as_ref().map_or("jsonl".to_string(), |w| format!("{:?}", w.format).to_lowercase()),
        "answer_links": config.notices.public_url.as_ref().map(|u| u.as_str()),
        "instructions": config.instructions.len(),
        "outbox": outbox_place(config),
        "audit_log": audit_place(config),
        "team_database": config.team.as_ref().map(|t| t.url.as_str().to_string()),
        "demo_audit_log": demo_log(config).display().to_string(),
        "sources": config.sources.to_json(),
        "warnings": warnings,
    })
}

/// Where notices are queued: the desk's outbox in team mode, else the local file.
fn outbox_place(config: &Config) -> String {
    match &config.team {
        Some(t) => format!("{} (the desk's outbox)", t.url),
        None => crate::outbox::Outbox::default_path(&config.data_dir)
            .display()
            .to_string(),
    }
}

/// Where actions are audited: the desk's chain in team mode, else the local log.
fn audit_place(config: &Config) -> String {
    match &config.team {
        Some(t) => format!("{} (chain desk)", t.url),
        None => AuditLog::default_path(&config.data_dir)
            .display()
            .to_string(),
    }
}

fn demo_log(config: &Config) -> std::path::PathBuf {
    AuditLog::default_path(&AuditLog::demo_data_dir(&config.data_dir))
}

/// The lines that say which tenant and credentials the configured provider uses.
fn provider_lines(config: &Config) -> Vec<Line> {
    let or_not_set = |v: Option<String>| v.unwrap_or_else(|| "(not set)".to_string());
    match config.idp {
        Provider::Okta => vec![
            Line {
                label: "org URL",
                value: or_not_set(config.org_url.as_ref().map(ToString::to_string)),
                keys: if config.org_url.is_some() {
                    &["okta.org_url"]
                } else {
                    &[]
                },
            },
            Line {
                label: "API token",
                value: if config.token.is_some() {
                    "set (hidden)".to_string()
                } else {
                    "not set: export OKTA_CLIENT_TOKEN".to_string()
                },
                keys: if config.token.is_some() {
                    &["okta.token"]
                } else {
                    &[]
                },
            },
        ],
        Provider::PingOne => {
            let p = &config.pingone;
            vec![
                Line {
                    label: "environment",
                    value: or_not_set(p.environment_id.clone()),
                    keys: &["pingone.environment_id"],
                },
                Line {
                    label: "worker app",
                    value: or_not_set(p.client_id.clone()),
                    keys: &["pingone.client_id"],
                },
                Line {
                    label: "client secret",
                    value: if p.client_secret.is_some() {
                        "set (hidden)".to_string()
                    } else {
                        "not set: export PINGONE_CLIENT_SECRET".to_string()
                    },
                    keys: &["pingone.client_secret"],
                },
                Line {
                    label: "PingOne hosts",
                    value: match p.settings() {
                        Ok(s) => format!(
                            "{} and {} ({}, {})",
                            s.api_url,
                            s.auth_url,
                            p.region.code(),
                            p.auth_method.as_str()
                        ),
                        Err(_) => format!("region {}", p.region.code()),
                    },
                    keys: &[
                        "pingone.region",
                        "pingone.api_url",
                        "pingone.auth_url",
                        "pingone.auth_method",
                    ],
                },
            ]
        }
    }
}

fn text_view(config: &Config) -> String {
    let or_not_set = |v: Option<String>| v.unwrap_or_else(|| "(not set)".to_string());
    let config_file = match (&config.source, config.sources.get("config_file")) {
        (Some(path), Source::Default) => format!("{} (the default location)", path.display()),
        (Some(path), _) => path.display().to_string(),
        (None, _) => format!(
            "(none; the default location is {})",
            or_not_set(crate::config::default_config_file().map(|p| p.display().to_string()))
        ),
    };
    let gate = &config.gate;
    let mut lines = vec![
        Line {
            label: "config file",
            value: config_file,
            keys: if config.source.is_some() {
                &["config_file"]
            } else {
                &[]
            },
        },
        Line {
            label: "provider",
            value: config.idp.name().to_string(),
            keys: &["idp"],
        },
    ];
    lines.extend(provider_lines(config));
    lines.extend([
        Line {
            label: "poll interval",
            value: format!("{}s", config.poll_interval.as_secs()),
            keys: &["lockouts.poll_interval_secs"],
        },
        Line {
            label: "first look-back",
            value: format!("{} min", config.lookback.as_secs() / 60),
            keys: &["lockouts.lookback_minutes"],
        },
        Line {
            label: "burst warning",
            value: format!(
                "{} lockouts from one IP in {} min, or {} in one minute",
                config.bursts.per_ip_threshold,
                config.bursts.per_ip_window.num_minutes(),
                config.bursts.per_minute_threshold
            ),
            keys: &[
                "lockouts.burst_per_ip",
                "lockouts.burst_window_minutes",
                "lockouts.burst_per_minute",
            ],
        },
        Line {
            label: "HTTP timeouts",
            value: format!(
                "connect {}s, request {}s",
                config.connect_timeout.as_secs(),
                config.request_timeout.as_secs()
            ),
            keys: &["http.connect_timeout_secs", "http.request_timeout_secs"],
        },
        Line {
            label: "tickets",
            value: match (config.tickets.provider, ticket_url(config)) {
                (Some(p), Some(url)) => format!("{p} at {url}"),
                _ => format!("none (any ticket in the form {})", config.gate.ticket_format),
            },
            keys: &["tickets.provider", "tickets.servicenow.url", "tickets.jira.url"],
        },
        Line {
            label: "plain http allowed to",
            value: match config.plain_http.hosts() {
                [] => "this machine only".to_string(),
                hosts => format!("this machine and {}", hosts.join(", ")),
            },
            keys: &["http.allow_plain_http"],
        },
        Line {
            label: "agent",
            value: config.agent_name.clone(),
            keys: &["agent.name"],
        },
        Line {
            label: "read-only",
            value: if config.read_only { "yes" } else { "no" }.to_string(),
            keys: &["agent.role"],
        },
        Line {
            label: "MFA reset",
            value: format!("{:?}", config.mfa_reset_mode).to_lowercase(),
            keys: &["actions.mfa_reset_mode"],
        },
        Line {
            label: "verification",
            value: format!(
                "{} checklist items, tickets like {}, evidence valid {} min (see `accessdesk checklist`)",
                gate.checklist.len(),
                gate.ticket_pattern.as_str(),
                gate.evidence_max_age.num_minutes()
            ),
            keys: &[
                "verification.checklist",
                "verification.ticket_pattern",
                "verification.evidence_max_age_minutes",
                "verification.unlock",
                "verification.reset_password",
                "verification.reset_factors",
            ],
        },
        Line {
            label: "data directory",
            value: config.data_dir.display().to_string(),
            keys: &["storage.data_dir"],
        },
        Line {
            label: "log files",
            value: crate::logging::log_dir(&config.data_dir)
                .display()
                .to_string(),
            keys: &[],
        },
        Line {
            label: "user notices",
            value: match &config.smtp {
                Some(smtp) => format!(
                    "e-mail via {}:{} ({:?}{})",
                    smtp.host,
                    smtp.port,
                    smtp.security,
                    if smtp.username.is_some() {
                        ", authenticated"
                    } else {
                        ""
                    }
                )
                .to_lowercase(),
                None => "JSON lines on `watch`'s stdout (no [smtp])".to_string(),
            },
            keys: &["smtp.host", "smtp.port", "smtp.security", "smtp.username"],
        },
        Line {
            label: "alerts",
            value: match &config.webhook {
                Some(hook) => format!("{:?} webhook (URL hidden)", hook.format),
                None => "JSON lines on `watch`'s stdout (no webhook)".to_string(),
            },
            keys: &["webhook.url", "webhook.format"],
        },
        Line {
            label: "answer links",
            value: match &config.notices.public_url {
                Some(url) => format!(
                    "{url}answer/…, valid {} days",
                    config.notices.link_valid_for.num_days()
                ),
                None => "none: set notices.public_url or watch.listen".to_string(),
            },
            keys: &[
                "notices.public_url",
                "watch.listen",
                "notices.link_valid_days",
            ],
        },
        Line {
            label: "instructions",
            value: format!("{} configured", config.instructions.len()),
            keys: &["instructions"],
        },
        Line {
            label: "outbox",
            value: outbox_place(config),
            keys: &[],
        },
        Line {
            label: "team database",
            value: config.team.as_ref().map_or_else(
                || "(not set: this agent's own SQLite files)".to_string(),
                |t| {
                    let password = if t.password.is_some() { ", password set" } else { "" };
                    format!("{}{password}", t.url)
                },
            ),
            keys: &["team.database_url"],
        },
        Line {
            label: "audit log",
            value: audit_place(config),
            keys: &[],
        },
        Line {
            label: "demo audit log",
            value: format!("{} (`audit --demo`)", demo_log(config).display()),
            keys: &[],
        },
    ]);
    // Sources line up, except after the odd long value.
    let width = lines
        .iter()
        .filter(|l| !l.keys.is_empty())
        .map(|l| l.value.chars().count())
        .filter(|w| *w <= VALUE_WIDTH)
        .max()
        .unwrap_or(0);
    let mut text = String::new();
    for line in &lines {
        let row = if line.keys.is_empty() {
            format!("{:<16} {}", line.label, line.value)
        } else {
            format!(
                "{:<16} {:<width$}  from {}",
                line.label,
                line.value,
                config.sources.describe(line.keys)
            )
        };
        text.push_str(row.trim_end());
        text.push('\n');
    }
    text
}

/// The ticketing system's base URL, when one is configured.
fn ticket_url(config: &Config) -> Option<String> {
    let t = &config.tickets;
    t.servicenow
        .as_ref()
        .map(|s| s.url.to_string())
        .or_else(|| t.jira.as_ref().map(|j| j.url.to_string()))
}
