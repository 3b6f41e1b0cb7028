//! `accessdesk outbox`: what waits to be delivered, what went, what failed and why; and, once
//! the cause is fixed (a webhook URL, a relay's credentials), putting failed notices back.

use chrono::{SecondsFormat, Utc};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;
use std::process::ExitCode;

use crate::cli::exit::{EXIT_REFUSED, UsageError};
use crate::cli::{GlobalArgs, load_config, print_lines};
use crate::outbox::{Outbox, OutboxItem, OutboxState};

#[derive(Debug, Args)]
#[command(
    after_help = "The outbox is <data dir>/outbox.sqlite3; `accessdesk watch` delivers it. \
                  A notice is marked failed after a permanent refusal (a rejected address, a \
                  webhook answering 404) or three days of failed attempts."
)]
pub struct OutboxArgs {
    #[command(subcommand)]
    command: Option<OutboxCommand>,
    #[command(flatten)]
    list: ListArgs,
}

#[derive(Debug, Subcommand)]
enum OutboxCommand {
    /// List notices, newest first (the default)
    List(ListArgs),
    /// Put failed notices back in the queue, due now, after fixing what made them fail
    Retry(RetryArgs),
}

#[derive(Debug, Args)]
struct ListArgs {
    /// Only notices in this state
    #[arg(long, value_enum)]
    state: Option<StateArg>,
    /// At most this many
    #[arg(long, default_value_t = 50, value_name = "N")]
    limit: usize,
    /// One JSON object per line (id, key, kind, channel, state, to, subject, attempts, ...)
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct RetryArgs {
    /// The row id `outbox list` shows
    #[arg(
        value_name = "ID",
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    id: Option<i64>,
    /// Every failed notice
    #[arg(long)]
    all: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum StateArg {
    Queued,
    Sent,
    Failed,
}

impl From<StateArg> for OutboxState {
    fn from(s: StateArg) -> Self {
        match s {
            StateArg::Queued => OutboxState::Queued,
            StateArg::Sent => OutboxState::Sent,
            StateArg::Failed => OutboxState::Failed,
        }
    }
}

pub fn run(global: &GlobalArgs, args: OutboxArgs) -> anyhow::Result<ExitCode> {
    let config = load_config(global, |_| {})?;
    let path = Outbox::default_path(&config.data_dir);
    let mut outbox = if config.team.is_some() {
        // Team mode: the desk's outbox, every agent's and every watch's notices.
        crate::services::notice_desk::NoticeDesk::from_config(&config).open_outbox()?
    } else if path.exists() {
        Outbox::open(&path)?
    } else {
        return Err(UsageError(format!(
            "no outbox at {}: nothing was ever queued with this data directory",
            path.display()
        ))
        .into());
    };
    match args.command {
        None => list(&outbox, &args.list),
        Some(OutboxCommand::List(list_args)) => list(&outbox, &list_args),
        Some(OutboxCommand::Retry(retry)) => {
            let id = if retry.all { None } else { retry.id };
            let n = outbox.requeue_failed(id, Utc::now())?;
            match (n, id) {
                (0, Some(id)) => {
                    eprintln!("notice {id} is not a failed notice (see `accessdesk outbox list`)");
                    Ok(ExitCode::from(EXIT_REFUSED))
                }
                (n, _) => {
                    println!("{n} failed notice(s) queued again; `accessdesk watch` delivers them");
                    Ok(ExitCode::SUCCESS)
                }
            }
        }
    }
}

fn list(outbox: &Outbox, args: &ListArgs) -> anyhow::Result<ExitCode> {
    let items = outbox.list(args.state.map(Into::into), args.limit)?;
    let lines: Vec<String> = if args.json {
        items.iter().map(|i| json_line(i).to_string()).collect()
    } else {
        let counts = outbox.counts()?;
        let mut lines = vec![format!(
            "{} queued, {} sent, {} failed",
            counts.queued, counts.sent, counts.failed
        )];
        lines.extend(items.iter().map(text_line));
        lines
    };
    print_lines(&lines)?;
    Ok(ExitCode::SUCCESS)
}

fn time(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn text_line(item: &OutboxItem) -> String {
    let n = &item.notice;
    let when = match item.state {
        OutboxState::Sent => format!("sent {}", item.sent_at.map(time).unwrap_or_default()),
        OutboxState::Queued => format!("due {}", time(item.next_attempt_at)),
        OutboxState::Failed => "failed".to_string(),
    };
    let to = if n.to.is_empty() {
        n.channel.as_str().to_string()
    } else {
        n.to.join(", ")
    };
    let mut line = format!(
        "{:>6}  {:<6}  {:<21}  {:<5}  {to}  {:?}  {when}",
        item.id,
        item.state.as_str(),
        n.kind.as_str(),
        n.channel.as_str(),
        n.subject
    );
    // A sent notice took one attempt; say so only when it took more, or it is not sent yet.
    if item.attempts > 1 || (item.attempts > 0 && item.state != OutboxState::Sent) {
        line.push_str(&format!("  attempts {}", item.attempts));
    }
    if let Some(error) = item
        .last_error
        .as_deref()
        .filter(|_| item.state != OutboxState::Sent)
    {
        line.push_str(&format!("  last error: {error}"));
    }
    line
}

/// The notice's metadata, not its body: the body holds the answer links, which are bearer
/// tokens and stay in the outbox and the message.
fn json_line(item: &OutboxItem) -> serde_json::Value {
    let n = &item.notice;
    json!({
        "id": item.id,
        "key": n.key.as_string(),
        "kind": n.kind.as_str(),
        "channel": n.channel.as_str(),
        "state": item.state.as_str(),
        "to": n.to,
        "login": n.login,
        "subject": n.subject,
        "due_at": time(n.due_at),
        "queued_at": time(item.queued_at),
        "next_attempt_at": time(item.next_attempt_at),
        "sent_at": item.sent_at.map(time),
        "attempts": item.attempts,
        "last_error": item.last_error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::notice::NoticeLink;
    use crate::notify::{ChannelKind, IdempotencyKey, Notice, NoticeKind};

    fn failed_item() -> OutboxItem {
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-01T10:00:00Z")
            .unwrap()
            .to_utc();
        OutboxItem {
            id: 7,
            notice: Notice {
                key: IdempotencyKey::new("00u1", NoticeKind::LockoutNotice, "", "ev1"),
                kind: NoticeKind::LockoutNotice,
                channel: ChannelKind::Email,
                user_id: Some("00u1".into()),
                login: Some("ada@example.com".into()),
                to: vec!["ada@example.com".into()],
                subject: "Your account was locked".into(),
                text: "body with a link".into(),
                html: Some("<p>body</p>".into()),
                facts: Vec::new(),
                links: vec![NoticeLink {
                    label: "This wasn't me".into(),
                    url: "https://desk.example.com/answer/SIGNED-TOKEN".into(),
                }],
                due_at: at,
                instructions_only: false,
            },
            state: OutboxState::Failed,
            attempts: 3,
            queued_at: at,
            next_attempt_at: at,
            sent_at: None,
            last_error: Some("the mail server refused ada@example.com: 550".into()),
        }
    }

    #[test]
    fn a_failed_notice_says_why_and_how_often() {
        let line = text_line(&failed_item());
        assert!(line.contains("failed"), "{line}");
        assert!(line.contains("attempts 3"), "{line}");
        assert!(
            line.contains("last error: the mail server refused"),
            "{line}"
        );
    }

    #[test]
    fn json_lines_carry_the_metadata_never_the_answer_links() {
        let line = json_line(&failed_item()).to_string();
        assert!(
            line.contains("\"id\":7") && line.contains("\"state\":\"failed\""),
            "{line}"
        );
        assert!(
            !line.contains("SIGNED-TOKEN") && !line.contains("body"),
            "{line}"
        );
    }
}
