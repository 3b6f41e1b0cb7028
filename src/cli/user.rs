//! `accessdesk user show LOGIN`: a user's profile, factors and password expiry.

use chrono::{DateTime, SecondsFormat, Utc};
use clap::{Args, Subcommand};
use std::process::ExitCode;

use super::{GlobalArgs, load_config, okta_client};
use crate::services::user_profile::{self, UserProfile};

#[derive(Debug, Args)]
pub struct UserArgs {
    #[command(subcommand)]
    action: UserAction,
}

#[derive(Debug, Subcommand)]
enum UserAction {
    /// Show a user by login, e-mail or id: profile, status, factors, password expiry
    Show {
        /// Login, e-mail or IdP id
        login: String,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(global: &GlobalArgs, args: UserArgs) -> anyhow::Result<ExitCode> {
    let config = load_config(global, |_| {})?;
    let _log = super::dashboard::start_logging(&config);
    let client = okta_client(&config)?;
    let UserAction::Show { login, json } = args.action;
    let profile = user_profile::load(&client, &login)
        .await
        .map_err(|e| anyhow::anyhow!("{e}\n  {}", e.hint()))?;
    if json {
        println!("{}", serde_json::to_string(&profile)?);
    } else {
        print!("{}", text(&profile));
    }
    Ok(ExitCode::SUCCESS)
}

fn when(t: Option<DateTime<Utc>>) -> String {
    t.map_or_else(
        || "-".to_string(),
        |t| t.to_rfc3339_opts(SecondsFormat::Secs, true),
    )
}

fn text(p: &UserProfile) -> String {
    let u = &p.user;
    let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let mut out = String::new();
    let mut line = |k: &str, v: String| out.push_str(&format!("{k:<18}{v}\n"));
    line("name", u.name());
    line("login", u.login.clone());
    line("email", or_dash(&u.email));
    line("status", u.status.to_string());
    line("id", u.id.clone());
    line("user type", or_dash(&u.user_type));
    line("department", or_dash(&u.department));
    line("title", or_dash(&u.title));
    line("manager", or_dash(&u.manager));
    line("created", when(u.created));
    line("last login", when(u.last_login));
    line("password changed", when(u.password_changed));
    line(
        "password expires",
        match (&p.password_expires_at, &p.password_policy) {
            (Some(t), Some(name)) => format!("{} ({name})", when(Some(*t))),
            (None, Some(name)) => format!("never ({name})"),
            _ => "-".into(),
        },
    );
    if let Some(end) = u.contract_end_date {
        line("contract ends", end.to_string());
    }
    out.push_str(&format!("\ndiagnosis         {}\n", p.diagnosis.text));
    if !p.diagnosis.fixes.is_empty() {
        let steps: Vec<&str> = p.diagnosis.fixes.iter().map(|f| f.describe()).collect();
        out.push_str(&format!("suggested         {}\n", steps.join(" → ")));
    }
    out.push_str(&format!("\nfactors ({})\n", p.factors.len()));
    for f in &p.factors {
        out.push_str(&format!(
            "  {:<24}{:<10}{:<28}{:<20}{:<22}{}\n",
            f.kind.label(),
            f.provider,
            f.device_name
                .clone()
                .or_else(|| f.contact.clone())
                .unwrap_or_else(|| "-".into()),
            f.status,
            when(f.created),
            f.id
        ));
    }
    out.push_str(&format!("\nlast 24 h ({} events)\n", p.activity.len()));
    for e in p.activity.iter().take(15) {
        out.push_str(&format!(
            "  {}  {:<44}{:<12}{}\n",
            e.published.format("%H:%M:%S"),
            e.message.chars().take(43).collect::<String>(),
            e.result.as_deref().unwrap_or("-"),
            e.ip.as_deref().unwrap_or("-")
        ));
    }
    out
}
