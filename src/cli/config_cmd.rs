//! `accessdesk config`: the effective configuration, never the token itself.

use clap::Args;
use serde_json::json;
use std::process::ExitCode;

use super::{GlobalArgs, load_config};

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Print JSON instead of text
    #[arg(long)]
    json: bool,
}

pub fn run(global: &GlobalArgs, args: ConfigArgs) -> anyhow::Result<ExitCode> {
    let config = load_config(global, |_| {})?;
    let default_file = crate::config::default_config_file();
    let view = json!({
        "file": config.source.as_ref().map(|p| p.display().to_string()),
        "default_file": default_file.as_ref().map(|p| p.display().to_string()),
        "org_url": config.org_url.as_ref().map(|u| u.as_str()),
        "token_set": config.token.is_some(),
        "poll_interval_secs": config.poll_interval.as_secs(),
        "lookback_minutes": config.lookback.as_secs() / 60,
        "burst_per_ip": config.bursts.per_ip_threshold,
        "burst_window_minutes": config.bursts.per_ip_window.num_minutes(),
        "burst_per_minute": config.bursts.per_minute_threshold,
        "agent": config.agent_name,
        "read_only": config.read_only,
        "mfa_reset_mode": format!("{:?}", config.mfa_reset_mode).to_lowercase(),
        "checklist_items": config.gate.checklist.len(),
        "ticket_pattern": config.gate.ticket_pattern.as_str(),
        "evidence_max_age_minutes": config.gate.evidence_max_age.num_minutes(),
        "data_dir": config.data_dir.display().to_string(),
        "log_dir": crate::logging::log_dir(&config.data_dir).display().to_string(),
        "warnings": config.warnings,
    });
    if args.json {
        println!("{view}");
    } else {
        let text = |k: &str| match &view[k] {
            serde_json::Value::Null => "(not set)".to_string(),
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        println!("config file      {}", text("file"));
        println!("default location {}", text("default_file"));
        println!("org URL          {}", text("org_url"));
        println!(
            "API token        {}",
            if config.token.is_some() {
                "set (hidden)"
            } else {
                "not set: export OKTA_CLIENT_TOKEN"
            }
        );
        println!("poll interval    {}s", text("poll_interval_secs"));
        println!("first look-back  {} min", text("lookback_minutes"));
        println!(
            "burst warning    {} lockouts from one IP in {} min, or {} in one minute",
            text("burst_per_ip"),
            text("burst_window_minutes"),
            text("burst_per_minute")
        );
        println!(
            "agent            {}{}",
            text("agent"),
            if config.read_only { " (read-only)" } else { "" }
        );
        println!("MFA reset        {}", text("mfa_reset_mode"));
        println!(
            "verification     {} checklist items, tickets like {}, evidence valid {} min (see `accessdesk checklist`)",
            text("checklist_items"),
            text("ticket_pattern"),
            text("evidence_max_age_minutes")
        );
        println!("data directory   {}", text("data_dir"));
        println!("log files        {}", text("log_dir"));
    }
    Ok(ExitCode::SUCCESS)
}
