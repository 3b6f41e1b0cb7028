//! `accessdesk expiries`: who loses access when — password expiries and contract ends from the
//! expiry scan, as a table or JSON lines.

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use clap::Args;
use serde::Serialize;
use std::process::ExitCode;

use super::scan_source::{ScanSourceArgs, obtain};
use crate::cli::{GlobalArgs, load_config, print_lines};
use crate::model::{ContractorExpiryRow, ExpiryScan, PasswordExpiryRow};

#[derive(Debug, Args)]
pub struct ExpiriesArgs {
    /// Only password expiries
    #[arg(long, conflicts_with = "contractors")]
    passwords: bool,
    /// Only contract ends
    #[arg(long)]
    contractors: bool,
    /// Only what expires within this many days (expired passwords and ended contracts always)
    #[arg(long, value_name = "DAYS")]
    within: Option<u32>,
    /// One JSON object per line (`kind` "password" or "contract")
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    source: ScanSourceArgs,
}

#[derive(Debug, Serialize)]
struct PasswordLine<'a> {
    kind: &'static str,
    login: &'a str,
    name: &'a str,
    status: &'a str,
    department: Option<&'a str>,
    policy: &'a str,
    password_changed: Option<String>,
    expires_at: Option<String>,
    days_left: Option<i64>,
    expired: bool,
}

#[derive(Debug, Serialize)]
struct ContractLine<'a> {
    kind: &'static str,
    login: &'a str,
    name: &'a str,
    status: &'a str,
    user_type: &'a str,
    ends_on: String,
    expires_at: String,
    days_left: i64,
    manager_login: Option<&'a str>,
    manager_on_record: bool,
}

pub async fn run(global: &GlobalArgs, args: ExpiriesArgs) -> anyhow::Result<ExitCode> {
    let config = load_config(global, |_| {})?;
    let _log = crate::cli::dashboard::start_logging(&config);
    let scan = obtain(&config, &args.source).await?;
    let zone = config.reminders.zone;
    let now = Utc::now();
    let today = now.with_timezone(&zone).date_naive();
    let within = |days: Option<i64>| match (args.within, days) {
        (None, _) => true,
        (Some(limit), Some(d)) => d <= i64::from(limit),
        (Some(_), None) => true,
    };
    let passwords: Vec<&PasswordExpiryRow> = scan
        .passwords
        .iter()
        .filter(|r| !args.contractors && within(r.days_left(now, zone)))
        .collect();
    let contractors: Vec<&ContractorExpiryRow> = scan
        .contractors
        .iter()
        .filter(|r| !args.passwords && within(Some(r.days_left(today))))
        .collect();
    let lines: Vec<String> = if args.json {
        let rfc = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
        let mut out = Vec::new();
        for r in &passwords {
            out.push(serde_json::to_string(&PasswordLine {
                kind: "password",
                login: &r.login,
                name: &r.name,
                status: r.status.as_str(),
                department: r.department.as_deref(),
                policy: &r.policy_name,
                password_changed: r.password_changed.map(rfc),
                expires_at: r.expires_at.map(rfc),
                days_left: r.days_left(now, zone),
                expired: r.is_expired(now),
            })?);
        }
        for r in &contractors {
            out.push(serde_json::to_string(&ContractLine {
                kind: "contract",
                login: &r.login,
                name: &r.name,
                status: r.status.as_str(),
                user_type: &r.user_type,
                ends_on: r.ends_on.to_string(),
                expires_at: r
                    .expires_at(zone)
                    .to_rfc3339_opts(SecondsFormat::Secs, false),
                days_left: r.days_left(today),
                manager_login: r.manager_login.as_deref(),
                manager_on_record: r.has_manager_on_record(),
            })?);
        }
        out
    } else {
        table(&scan, &passwords, &contractors, zone, now, &args)
    };
    print_lines(&lines)?;
    Ok(ExitCode::SUCCESS)
}

fn table(
    scan: &ExpiryScan,
    passwords: &[&PasswordExpiryRow],
    contractors: &[&ContractorExpiryRow],
    zone: Tz,
    now: DateTime<Utc>,
    args: &ExpiriesArgs,
) -> Vec<String> {
    let local = |t: DateTime<Utc>| {
        t.with_timezone(&zone)
            .format("%Y-%m-%d %H:%M %Z")
            .to_string()
    };
    let mut out = Vec::new();
    if !args.contractors {
        out.push(format!(
            "Passwords: {} of {} with an expiry{}",
            passwords.len(),
            scan.passwords.len(),
            args.within
                .map(|d| format!(" (within {d} days)"))
                .unwrap_or_default()
        ));
        out.push(format!(
            "{:<22}  {:>5}  {:<16}  {:<34}  {:<24}  {}",
            format!("EXPIRES ({})", zone.name().rsplit('/').next().unwrap_or("")),
            "DAYS",
            "STATUS",
            "LOGIN",
            "NAME",
            "POLICY"
        ));
        for r in passwords {
            let days = r
                .days_left(now, zone)
                .map_or_else(|| "-".into(), |d| d.to_string());
            out.push(format!(
                "{:<22}  {:>5}  {:<16}  {:<34}  {:<24}  {}",
                r.expires_at
                    .map_or_else(|| "expired (no date)".into(), local),
                days,
                r.status.as_str(),
                r.login,
                r.name,
                r.policy_name
            ));
        }
    }
    if !args.passwords {
        if !out.is_empty() {
            out.push(String::new());
        }
        let today = now.with_timezone(&zone).date_naive();
        out.push(format!(
            "Contracts: {} of {} ending",
            contractors.len(),
            scan.contractors.len()
        ));
        out.push(format!(
            "{:<10}  {:>5}  {:<34}  {:<24}  {:<11}  {}",
            "ENDS ON", "DAYS", "LOGIN", "NAME", "TYPE", "MANAGER"
        ));
        for r in contractors {
            out.push(format!(
                "{:<10}  {:>5}  {:<34}  {:<24}  {:<11}  {}",
                r.ends_on,
                r.days_left(today),
                r.login,
                r.name,
                r.user_type,
                r.manager_login
                    .as_deref()
                    .unwrap_or("(no manager on record)")
            ));
        }
    }
    out
}
