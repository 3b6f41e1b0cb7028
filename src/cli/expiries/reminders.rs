//! `accessdesk reminders --date D`: the forecast of every reminder, expired notice and
//! contractor digest the schedules say is due that day — who, which kind, which stage, when,
//! to whom. With `--send`, queued and delivered now (`reminders_send`).

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use chrono_tz::Tz;
use clap::Args;
use serde::Serialize;
use std::process::ExitCode;

use super::scan_source::{ScanSourceArgs, obtain};
use crate::cli::{GlobalArgs, load_config, print_lines};
use crate::model::contract_ends_at;
use crate::outbox::Outbox;
use crate::policy::forecast::{Forecast, due_on};
use crate::policy::schedule::ReminderKind;
use crate::services::notice_desk::NoticeDesk;

#[derive(Debug, Args)]
pub struct RemindersArgs {
    /// The day to forecast, YYYY-MM-DD in the reminders' time zone [default: today there]
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<NaiveDate>,
    /// One JSON object per line (kind, login, send_at, stage, expires_at, contractors, ...)
    #[arg(long, conflicts_with = "send")]
    json: bool,
    /// Queue that day's reminders, expired notices and digests whose time has come in the
    /// outbox now, and deliver them through the configured channels (to catch up after an
    /// outage); what was already queued or sent is not sent again. The report goes to stderr
    #[arg(long)]
    send: bool,
    #[command(flatten)]
    source: ScanSourceArgs,
}

#[derive(Debug, Serialize)]
struct Line<'a> {
    kind: ReminderKind,
    login: &'a str,
    to: &'a str,
    send_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    stage: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    contractors: Vec<ContractorLine<'a>>,
    #[serde(skip_serializing_if = "is_zero")]
    more: usize,
}

#[derive(Debug, Serialize)]
struct ContractorLine<'a> {
    login: &'a str,
    days_left: u32,
    expires_at: String,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

pub async fn run(global: &GlobalArgs, args: RemindersArgs) -> anyhow::Result<ExitCode> {
    let config = load_config(global, |_| {})?;
    let _log = crate::cli::dashboard::start_logging(&config);
    let rules = &config.reminders;
    let date = args
        .date
        .unwrap_or_else(|| Utc::now().with_timezone(&rules.zone).date_naive());
    let scan = obtain(&config, &args.source).await?;
    if args.send {
        return super::reminders_send::send(&config, &scan, date).await;
    }
    // What already went out (and the answers to it) shapes each cycle; with no outbox yet,
    // every cycle is as the dates make it.
    let outbox_path = Outbox::default_path(&config.data_dir);
    let outbox = if config.team.is_some() {
        Some(NoticeDesk::from_config(&config).open_outbox()?)
    } else if outbox_path.exists() {
        Some(Outbox::open(&outbox_path)?)
    } else {
        None
    };
    let history = |user_id: &str| {
        let outbox = outbox.as_ref()?;
        outbox
            .password_history(user_id)
            .inspect_err(|e| tracing::warn!(error = %e, "reminder history not read"))
            .ok()
    };
    let due = due_on(date, &scan, rules, &history);
    let lines = if args.json {
        due.iter()
            .map(|f| serde_json::to_string(&json_line(f, rules.zone)))
            .collect::<Result<Vec<_>, _>>()?
    } else {
        text(&due, date, rules.zone)
    };
    print_lines(&lines)?;
    Ok(ExitCode::SUCCESS)
}

/// With the zone's offset, as the people receiving it read the time.
fn local_rfc3339(t: DateTime<Utc>, zone: Tz) -> String {
    t.with_timezone(&zone)
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

fn json_line(f: &Forecast, zone: Tz) -> Line<'_> {
    Line {
        kind: f.kind,
        login: &f.login,
        to: &f.to,
        send_at: local_rfc3339(f.send_at, zone),
        stage: f.stage,
        expires_at: f.expires_at.map(|t| local_rfc3339(t, zone)),
        contractors: f
            .contractors
            .iter()
            .map(|c| ContractorLine {
                login: &c.login,
                days_left: c.days_left,
                expires_at: contract_ends_at(c.ends_on, zone)
                    .to_rfc3339_opts(SecondsFormat::Secs, false),
            })
            .collect(),
        more: f.more,
    }
}

fn text(due: &[Forecast], date: NaiveDate, zone: Tz) -> Vec<String> {
    let count = |k: ReminderKind| due.iter().filter(|f| f.kind == k).count();
    let mut out = vec![format!(
        "{date} ({}): {} password reminders, {} expired notices, {} contractor digests",
        zone.name(),
        count(ReminderKind::PasswordReminder),
        count(ReminderKind::PasswordExpired),
        count(ReminderKind::ContractorDigest),
    )];
    for f in due {
        let when = f.send_at.with_timezone(&zone).format("%H:%M %Z");
        let line = match f.kind {
            ReminderKind::PasswordReminder => format!(
                "{when}  password reminder ({})  {}  to {}{}",
                days_before(f.stage.unwrap_or_default()),
                f.login,
                f.to,
                expires(f, zone)
            ),
            ReminderKind::PasswordExpired => format!(
                "{when}  password expired notice  {}  to {}{}",
                f.login,
                f.to,
                expires(f, zone)
            ),
            ReminderKind::ContractorDigest => {
                let listed: Vec<String> = f
                    .contractors
                    .iter()
                    .map(|c| format!("{} ({} d)", c.login, c.days_left))
                    .collect();
                let more = if f.more > 0 {
                    format!(" and {} more", f.more)
                } else {
                    String::new()
                };
                format!(
                    "{when}  contractor digest  {}  to {}: {}{more}",
                    f.login,
                    f.to,
                    listed.join(", ")
                )
            }
        };
        out.push(line);
    }
    out
}

fn days_before(days: u32) -> String {
    match days {
        1 => "1 day before".into(),
        n => format!("{n} days before"),
    }
}

fn expires(f: &Forecast, zone: Tz) -> String {
    f.expires_at
        .map(|t| {
            format!(
                "; expires {}",
                t.with_timezone(&zone).format("%Y-%m-%d %H:%M %Z")
            )
        })
        .unwrap_or_default()
}
