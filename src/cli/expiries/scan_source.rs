//! Where `expiries` and `reminders` get their data: the IdP (a refresh of the stored scan, or
//! a full scan when there is none or `--full`), or only the stored scan (`--stored`).

use chrono::{DateTime, Utc};
use clap::Args;
use std::io::IsTerminal;
use std::path::PathBuf;

use crate::cli::directory;
use crate::cli::exit::Refused;
use crate::config::Config;
use crate::idp::Directory;
use crate::model::{ExpiryScan, ScanKind, ScanProgress};
use crate::services::expiry_scanner::{full_scan, refresh};
use crate::store::ExpiryStore;
use crate::tui::format::relative;

#[derive(Debug, Clone, Args)]
pub struct ScanSourceArgs {
    /// Use the stored result of the last scan without asking the IdP (its age is printed)
    #[arg(long, conflicts_with = "full")]
    stored: bool,
    /// Scan every user again instead of refreshing the stored result
    #[arg(long)]
    full: bool,
}

/// The scan to report on. Progress and the data's age go to stderr, so `--json` output stays
/// clean.
pub async fn obtain(config: &Config, args: &ScanSourceArgs) -> anyhow::Result<ExpiryScan> {
    let path = store_path(config);
    // Team mode: the desk's scan (saved by `watch`) is the stored one, and only `watch`
    // saves it.
    let team = match &config.team {
        Some(settings) => Some(crate::team::TeamDb::connect(settings)?),
        None => None,
    };
    let open = || match &team {
        Some(db) => Ok(ExpiryStore::team(db.clone())),
        None => ExpiryStore::open(&path),
    };
    let place = match &team {
        Some(db) => format!("{} (the desk's expiry scan)", db.describe()),
        None => path.display().to_string(),
    };
    if args.stored {
        let scan = open()
            .and_then(|mut store| store.load())
            .map_err(|e| anyhow::anyhow!("cannot read the stored scan {place}: {e}"))?
            .ok_or_else(|| {
                Refused(format!(
                    "no stored scan in {place}: run the command without --stored to scan the IdP"
                ))
            })?;
        eprintln!("{}", age_line(&scan, Utc::now()));
        return Ok(scan);
    }
    let client = directory(config)?;
    // A store that cannot be opened costs the next run a full scan, not this one its answer.
    let mut store = open()
        .inspect_err(|e| eprintln!("warning: cannot open {place}: {e}"))
        .ok();
    let previous = match &mut store {
        Some(store) if !args.full => store
            .load()
            .inspect_err(|e| eprintln!("warning: cannot read {place}: {e}"))
            .ok()
            .flatten(),
        _ => None,
    };
    let show = std::io::stderr().is_terminal();
    let mut progress = |p: ScanProgress| {
        if show {
            eprint!("\r\x1b[2K{}", progress_line(&p));
        }
    };
    let result = match &previous {
        Some(previous) => refresh(&client, &config.expiries, previous, &mut progress).await,
        None => full_scan(&client, &config.expiries, &mut progress).await,
    };
    if show {
        eprint!("\r\x1b[2K");
    }
    let scan = result.map_err(|e| {
        anyhow::anyhow!(
            "the expiry scan failed: {e}\n  {}",
            e.hint_for(client.provider())
        )
    })?;
    if let Some(store) = store.as_mut().filter(|_| team.is_none())
        && let Err(e) = store.save(&scan)
    {
        eprintln!("warning: cannot save the scan to {place}: {e}");
    }
    Ok(scan)
}

/// The dashboard's and `watch`'s store in the data directory.
pub fn store_path(config: &Config) -> PathBuf {
    ExpiryStore::default_path(&config.data_dir)
}

/// "stored scan of 2026-12-01 22:40 UTC (3 h ago); full scan 2026-12-01 09:00 UTC".
pub fn age_line(scan: &ExpiryScan, now: DateTime<Utc>) -> String {
    let at = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    match scan.as_of {
        Some(as_of) => format!(
            "stored scan as of {} ({}); full scan {}",
            at(as_of),
            relative(now, as_of),
            scan.full_scan_at.map_or_else(|| "never".into(), at)
        ),
        None => "stored scan of unknown age".into(),
    }
}

fn progress_line(p: &ScanProgress) -> String {
    let kind = match p.kind {
        ScanKind::Full => "full scan",
        ScanKind::Incremental => "refresh",
    };
    let of = p
        .users_expected
        .map(|n| format!(" of ~{n}"))
        .unwrap_or_default();
    let waiting = p
        .waiting_until
        .map(|t| {
            format!(
                ", waiting for the rate-limit window until {}",
                t.format("%H:%M:%S UTC")
            )
        })
        .unwrap_or_default();
    format!(
        "{kind}: {} users{of}, {} requests{waiting}",
        p.users_seen, p.requests
    )
}
