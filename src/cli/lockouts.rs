//! `accessdesk lockouts`: lockouts from the System Log, printed once each, headless.

use crate::tui::inert::inert;
use chrono::{SecondsFormat, Utc};
use clap::Args;
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

use super::exit::EXIT_FAILED;
use super::{GlobalArgs, directory, load_config};
use crate::idp::{Directory, FeedCursor};
use crate::model::Lockout;
use crate::services::{FeedEvent, PollerConfig, lockout_poller};
use crate::team::{TeamDb, follower};

#[derive(Debug, Args)]
pub struct LockoutsArgs {
    /// Keep running and print new lockouts as they arrive (Ctrl-C to stop)
    #[arg(long)]
    follow: bool,
    /// How far back to start, e.g. 15m, 2h, 1d [default: the configured look-back]
    #[arg(long, value_name = "DURATION", value_parser = super::duration::parse)]
    since: Option<Duration>,
    /// Seconds between polls when following (1 to 3600) [default: the configured interval]
    #[arg(long, value_name = "SECS")]
    interval: Option<u64>,
    /// One JSON object per line (uuid, published, login, detected_at, ...)
    #[arg(long)]
    json: bool,
}

pub async fn run(global: &GlobalArgs, args: LockoutsArgs) -> anyhow::Result<ExitCode> {
    let config = load_config(global, |o| o.poll_interval_secs = args.interval)?;
    let _log = super::dashboard::start_logging(&config);
    let lookback = args.since.unwrap_or(config.lookback);
    if let Some(settings) = &config.team {
        // Team mode: the desk's feed, as the leading `watch` wrote it; no IdP request.
        let db = TeamDb::connect(settings)?;
        let since = Utc::now() - chrono::Duration::from_std(lookback)?;
        return if args.follow {
            let (tx, rx) = mpsc::channel(64);
            let follower = tokio::spawn(follower::run(db, since, tx));
            print_feed(rx, follower, args.json).await
        } else {
            once_from_team(&db, since, args.json).await
        };
    }
    let client = Arc::new(directory(&config)?);
    if args.follow {
        follow(
            client,
            PollerConfig {
                interval: config.poll_interval,
                lookback,
                pace: None,
            },
            args.json,
        )
        .await
    } else {
        once(client.as_ref(), lookback, args.json).await
    }
}

/// Read everything since the start and stop when the feed is drained.
async fn once<D: Directory>(
    directory: &D,
    lookback: Duration,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let mut cursor = FeedCursor::since(Utc::now() - chrono::Duration::from_std(lookback)?);
    loop {
        let page = directory
            .poll_lockouts(&mut cursor)
            .await
            .map_err(|e| anyhow::anyhow!("{e}\n  {}", e.hint_for(directory.provider())))?;
        print_lockouts(&page.lockouts, json)?;
        if !page.more {
            return Ok(ExitCode::SUCCESS);
        }
    }
}

/// Run the poller and print each batch until Ctrl-C; transient failures are retried (and said
/// once), others end the command with exit code 1.
async fn follow<D: Directory>(
    directory: Arc<D>,
    config: PollerConfig,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let (tx, rx) = mpsc::channel(64);
    let poller = tokio::spawn(lockout_poller::run(directory, config, tx));
    print_feed(rx, poller, json).await
}

/// Print each batch the feed reports until Ctrl-C; transient failures are said once per run of
/// them, others end the command with exit code 1.
async fn print_feed(
    mut rx: mpsc::Receiver<FeedEvent>,
    feed: tokio::task::JoinHandle<()>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let mut reported_error = false;
    let outcome = loop {
        tokio::select! {
            event = rx.recv() => match event {
                Some(FeedEvent::Lockouts { lockouts, .. }) => {
                    reported_error = false;
                    if let Err(e) = print_lockouts(&lockouts, json) {
                        break Err(e);
                    }
                }
                Some(FeedEvent::Failed { health }) => {
                    let error = health.last_error.as_deref().unwrap_or("unknown error");
                    // A wrong token or a missing role fails the same way every time: stop
                    // and say what to fix, rather than retry forever.
                    if !health.last_error_transient {
                        eprintln!(
                            "error: polling failed: {}\n  retrying cannot fix this; fix it and run the command again",
                            inert(error)
                        );
                        break Ok(ExitCode::from(EXIT_FAILED));
                    }
                    // One line per run of failures, not one per retry.
                    if !reported_error {
                        eprintln!(
                            "warning: polling failed ({}), retrying every {}s",
                            inert(error),
                            health.effective_interval.as_secs()
                        );
                        reported_error = true;
                    }
                }
                None => break Ok(ExitCode::from(EXIT_FAILED)),
            },
            _ = tokio::signal::ctrl_c() => break Ok(ExitCode::SUCCESS),
        }
    };
    feed.abort();
    outcome
}

/// Everything the desk's feed holds since `since`, oldest first.
async fn once_from_team(
    db: &TeamDb,
    since: chrono::DateTime<Utc>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let mut last = 0;
    loop {
        let (pool, after) = (db.pool().clone(), last);
        let rows = db
            .run(async move { crate::team::feed_store::after(&pool, after, since).await })
            .await?;
        let Some((id, _)) = rows.last() else {
            return Ok(ExitCode::SUCCESS);
        };
        last = *id;
        let lockouts: Vec<Lockout> = rows.into_iter().map(|(_, l)| l).collect();
        print_lockouts(&lockouts, json)?;
    }
}

fn print_lockouts(lockouts: &[Lockout], json: bool) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    for l in lockouts {
        let written = if json {
            writeln!(out, "{}", serde_json::to_string(l)?)
        } else {
            writeln!(out, "{}", text_line(l))
        };
        // A closed pipe (`| head`) ends the program quietly.
        if let Err(e) = written.and_then(|()| out.flush()) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
            return Err(e.into());
        }
    }
    Ok(())
}

fn text_line(l: &Lockout) -> String {
    let dash = || "-".to_string();
    format!(
        "{}  {:<32}  {:<24}  {:<15}  {:<28}  {:<24}  {}",
        l.published.to_rfc3339_opts(SecondsFormat::Secs, true),
        // IdP text printed to a terminal: inert (JSON lines are escaped by serde).
        inert(&l.login),
        inert(&l.display_name.clone().unwrap_or_else(dash)),
        inert(&l.ip.clone().unwrap_or_else(dash)),
        inert(&l.location().unwrap_or_else(dash)),
        inert(&l.client().unwrap_or_else(dash)),
        inert(&l.reason)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LockoutKind;
    use chrono::Utc;

    #[test]
    fn the_text_line_shows_idp_text_inert() {
        let l = Lockout {
            uuid: "u1".into(),
            published: Utc::now(),
            detected_at: Utc::now(),
            kind: LockoutKind::AccountLocked,
            event_type: "user.account.lock".into(),
            reason: "\u{9b}2J".into(),
            user_id: None,
            login: "eve\u{202e}@example.com".into(),
            display_name: Some("Eve \u{1b}]0;PWNED\u{7}".into()),
            ip: None,
            city: Some("line\nbreak".into()),
            state: None,
            country: None,
            browser: Some("\u{1b}]52;c;aGk=\u{7}".into()),
            os: None,
            raw_user_agent: None,
            request_id: None,
        };
        let line = text_line(&l);
        assert!(!line.chars().any(crate::tui::inert::is_hostile), "{line:?}");
        for shown in [
            "eve\\u{202e}@example.com",
            "Eve \\u{1b}]0;PWNED\\u{7}",
            "line\\u{a}break",
            "\\u{9b}2J",
        ] {
            assert!(line.contains(shown), "{shown} in {line}");
        }
    }
}
