//! Starting and stopping `watch`: open the outbox and the answer-link key, start the poller
//! from the saved cursor, the expiry scanner, the scheduler, delivery and the HTTP server;
//! on SIGTERM or Ctrl-C stop taking new work, let delivery finish the item in flight, exit.

use anyhow::Context;
use chrono::Utc;
use secrecy::ExposeSecret;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, mpsc, watch};

use super::alerts::{BURSTS_STATE, BurstTracker};
use super::health::PollStatus;
use super::hook_intake::{self, HookIntake};
use super::{
    WatchShared, cursor, expiry, handle_lockouts, http, scheduler, shutdown, summary, team_feed,
};
use crate::audit::AuditLocation;
use crate::config::Config;
use crate::idp::Directory;
use crate::model::Lockout;
use crate::notify::channels::Channels;
use crate::notify::compose::Composer;
use crate::notify::delivery;
use crate::notify::metrics::Metrics;
use crate::outbox::OutboxLocation;
use crate::services::{CursorReport, FeedEvent, PollerConfig, expiry_scanner, lockout_poller};
use crate::store::ExpiryStore;
use crate::team::TeamDb;

/// How long delivery may take to finish the item in flight after a stop was asked.
const DELIVERY_GRACE: Duration = Duration::from_secs(30);
/// Lockouts kept for another try when the outbox could not take them (bounded).
const MAX_PENDING: usize = 10_000;

/// What the command line adds to the configuration.
#[derive(Debug, Clone, Default)]
pub struct WatchOptions {
    /// Serve answer links, `/healthz` and `/metrics` here (else `[watch] listen`, else none).
    pub listen: Option<SocketAddr>,
}

/// Why `watch` could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The configuration cannot work (a template, a channel, the answer-link key): fix it.
    #[error("{0}")]
    Configuration(String),
    /// The outbox or the listen address cannot be used.
    #[error(transparent)]
    Unavailable(#[from] anyhow::Error),
}

/// Run until SIGTERM or Ctrl-C. Errors at start (outbox, key, templates, channels, the
/// listen address) are returned before anything runs.
pub async fn run<D: Directory>(
    directory: Arc<D>,
    config: &Config,
    options: WatchOptions,
) -> Result<(), StartError> {
    let config_error = |e: &dyn std::fmt::Display| StartError::Configuration(e.to_string());
    // Team mode: the desk's database, before anything runs (a wrong URL fails the start).
    let team = match &config.team {
        Some(settings) => {
            let db = TeamDb::connect(settings).map_err(anyhow::Error::from)?;
            eprintln!(
                "accessdesk watch: team mode, the desk's feed and outbox in {}",
                db.describe()
            );
            Some(db)
        }
        None => None,
    };
    // The desk's outbox in team mode: every replica's and agent's notices in one place.
    let outbox_at = match &team {
        Some(db) => OutboxLocation::Team(db.clone()),
        None => OutboxLocation::local(&config.data_dir),
    };
    let outbox = outbox_at.open().map_err(anyhow::Error::from)?;
    let key = crate::services::notice_desk::answer_key(
        &config.data_dir,
        config.answer_key.as_ref().map(|k| k.expose_secret()),
        team.as_ref(),
    )
    .map_err(|e| config_error(&e))?;
    let channels = Channels::from_config(config).map_err(|e| config_error(&e))?;
    let listen = options.listen.or(config.watch_listen);
    let listener = match listen {
        Some(addr) => Some(
            tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("cannot listen on {addr}"))?,
        ),
        None => None,
    };
    let mut notices = config.notices.clone();
    // A public_url the config derived from `[watch] listen` follows `--listen` instead.
    let derived = config
        .watch_listen
        .and_then(|addr| url::Url::parse(&format!("http://{addr}")).ok());
    if options.listen.is_some() && notices.public_url == derived {
        notices.public_url = None;
    }
    if notices.public_url.is_none() {
        notices.public_url = listener
            .as_ref()
            .and_then(|l| l.local_addr().ok())
            .and_then(links_base);
    }
    let composer =
        Composer::new(notices, config.instructions.clone(), key).map_err(|e| config_error(&e))?;
    // Okta event hooks: only with the shared secret, and only where watch listens.
    let (hook_tx, mut hook_rx) = mpsc::channel::<Vec<Lockout>>(64);
    let hooks = match (&config.hook_secret, &listener) {
        (Some(secret), Some(_)) => Some(Arc::new(HookIntake::new(secret.clone(), hook_tx))),
        (Some(_), None) => {
            eprintln!(
                "warning: ACCESSDESK_HOOK_SECRET is set but watch is not listening; give \
                 --listen (or [watch] listen) to accept Okta event hooks"
            );
            None
        }
        (None, _) => None,
    };
    let (pace_tx, pace_rx) = watch::channel(config.poll_interval);
    let now = Utc::now();
    let lookback = chrono::Duration::from_std(config.lookback).unwrap_or_default();
    let start_cursor = cursor::load(&outbox, now - lookback).map_err(anyhow::Error::from)?;
    let shared = Arc::new(WatchShared {
        outbox: Mutex::new(outbox),
        composer: composer.clone(),
        metrics: Arc::new(Metrics::default()),
        rules: config.reminders.clone(),
        bursts: config.bursts.clone(),
        instructions: config.instructions.clone(),
        poll: Mutex::new(PollStatus::new(now, config.poll_interval)),
        scan: Mutex::new(None),
        wake: Arc::new(Notify::new()),
        data_dir: config.data_dir.clone(),
        audit: match &team {
            Some(db) => AuditLocation::team(db.clone()),
            None => AuditLocation::local(&config.data_dir),
        },
        agent: config.agent_name.clone(),
        org: config.audit_org(),
        team: team.clone(),
        hooks: hooks.clone(),
    });
    let (stop_tx, stop_rx) = watch::channel(false);

    let server = listener.map(|listener| {
        let addr = listener.local_addr().ok();
        if let Some(addr) = addr {
            tracing::info!(%addr, "serving answer links, /healthz and /metrics");
            eprintln!("accessdesk watch: listening on http://{addr}");
        }
        tokio::spawn(http::serve(listener, shared.clone(), stop_rx.clone()))
    });
    let delivery = tokio::spawn(delivery::run(
        outbox_at,
        channels,
        Some(composer),
        shared.metrics.clone(),
        config.notices.max_attempts,
        shared.wake.clone(),
        stop_rx.clone(),
    ));
    let (feed_tx, mut feed_rx) = mpsc::channel::<CursorReport>(4);
    let poller_config = PollerConfig {
        interval: config.poll_interval,
        lookback: config.lookback,
        pace: hooks.is_some().then_some(pace_rx),
    };
    let steering = hooks.clone().map(|intake| {
        tokio::spawn(hook_intake::steer(
            intake,
            shared.team.clone(),
            config.poll_interval,
            config.hook_backstop,
            pace_tx,
        ))
    });
    let poller = match team {
        // One replica of the desk polls, from the shared cursor; the others stand by.
        Some(db) => tokio::spawn(team_feed::run(
            db,
            directory.clone(),
            poller_config,
            team_feed::identity(&config.agent_name),
            feed_tx,
        )),
        None => tokio::spawn(lockout_poller::run_from(
            directory.clone(),
            poller_config,
            start_cursor,
            feed_tx,
        )),
    };
    let (scan_tx, scan_rx) = mpsc::channel(16);
    // Team mode: the scan is saved for the desk, where every dashboard reads it.
    let store = match &shared.team {
        Some(db) => Some(ExpiryStore::team(db.clone())),
        None => ExpiryStore::open(ExpiryStore::default_path(&config.data_dir))
            .inspect_err(|e| tracing::warn!(error = %e, "no expiry store; every start rescans"))
            .ok(),
    };
    let scanner = tokio::spawn(expiry_scanner::run(
        directory.clone(),
        config.expiries.clone(),
        store,
        scan_tx,
    ));
    let scans = tokio::spawn(expiry::follow(shared.clone(), scan_rx));
    let schedule = tokio::spawn(scheduler::run(shared.clone(), stop_rx.clone()));
    tracing::info!("watch started");

    let saved_bursts = shared.outbox().load_state(BURSTS_STATE).ok().flatten();
    let mut bursts = BurstTracker::restore(saved_bursts.as_deref());
    let mut pending: Vec<Lockout> = Vec::new();
    let stop_signal = shutdown::signalled();
    tokio::pin!(stop_signal);
    loop {
        let report = tokio::select! {
            () = &mut stop_signal => break,
            report = feed_rx.recv() => report,
            Some(lockouts) = hook_rx.recv(), if hooks.is_some() => {
                handle_hooked(&shared, directory.as_ref(), &mut bursts, lockouts).await;
                continue;
            }
        };
        let Some(report) = report else {
            tracing::error!("the lockout poller stopped");
            break;
        };
        handle_report(
            &shared,
            directory.as_ref(),
            &mut bursts,
            &mut pending,
            report,
        )
        .await;
    }

    // Stop taking new work; delivery finishes the item in flight and records it.
    let _ = stop_tx.send(true);
    poller.abort();
    if let Some(steering) = steering {
        steering.abort();
    }
    scanner.abort();
    scans.abort();
    let _ = schedule.await;
    if tokio::time::timeout(DELIVERY_GRACE, delivery)
        .await
        .is_err()
    {
        tracing::warn!("delivery did not finish in time; its item is sent again at the next start");
    }
    if let Some(server) = server {
        let _ = tokio::time::timeout(Duration::from_secs(5), server).await;
    }
    tracing::info!("watch stopped");
    Ok(())
}

/// Answer links point at the listen address when `notices.public_url` is not set (`--listen`
/// given on the command line); not at a wildcard address, which no user can open.
fn links_base(addr: SocketAddr) -> Option<url::Url> {
    if addr.ip().is_unspecified() {
        tracing::warn!(%addr, "notices.public_url is not set and the listen address is a wildcard: notices carry no answer links");
        return None;
    }
    url::Url::parse(&format!("http://{addr}")).ok()
}

/// One poller report: update the health, handle the lockouts, and only then save the cursor.
async fn handle_report<D: Directory>(
    shared: &WatchShared,
    directory: &D,
    bursts: &mut BurstTracker,
    pending: &mut Vec<Lockout>,
    report: CursorReport,
) {
    let (lockouts, health) = match report.event {
        FeedEvent::Lockouts { lockouts, health } => (lockouts, health),
        FeedEvent::Failed { health } => {
            shared
                .poll
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .update(&health);
            return;
        }
    };
    shared
        .poll
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .update(&health);
    let now = Utc::now();
    shared
        .metrics
        .poll_succeeded(health.last_success.unwrap_or(now), health.rate_limit);
    let fresh = lockouts.len();
    shared.metrics.lockouts_seen(fresh as u64);
    pending.extend(lockouts);
    let batch = std::mem::take(pending);
    match handle_lockouts(shared, directory, bursts, &batch, now).await {
        Ok(_) => {
            if let Some(db) = &shared.team {
                mark_noticed(db, &batch).await;
            }
            let saved = summary::count_lockouts(shared, fresh, now).and_then(|()| {
                let mut outbox = shared.outbox();
                outbox.save_state(BURSTS_STATE, &bursts.to_json())?;
                cursor::save(&mut outbox, &report.cursor)
            });
            if let Err(e) = saved {
                tracing::error!(error = %e, "cannot save the lockout cursor; a restart replays");
            }
        }
        Err(e) => {
            tracing::error!(error = %e, lockouts = batch.len(), "cannot queue lockout notices; trying again with the next poll");
            *pending = batch;
            let excess = pending.len().saturating_sub(MAX_PENDING);
            pending.drain(..excess);
        }
    }
}

/// Team mode: the batch's notices are queued, so a leader taking over need not queue them.
async fn mark_noticed(db: &TeamDb, batch: &[Lockout]) {
    let uuids: Vec<String> = batch.iter().map(|l| l.uuid.clone()).collect();
    let pool = db.pool().clone();
    let marked = db
        .run(async move { crate::team::feed_store::mark_noticed(&pool, &uuids).await })
        .await;
    if let Err(e) = marked {
        tracing::warn!(error = %e, "cannot mark the lockouts noticed; a new leader queues them again");
    }
}

/// Lockouts an event hook delivered: in team mode written to the desk's feed first (followers
/// see them at once; those another replica or the poll already wrote are skipped); then their
/// notices, as for a poll.
async fn handle_hooked<D: Directory>(
    shared: &WatchShared,
    directory: &D,
    bursts: &mut BurstTracker,
    lockouts: Vec<Lockout>,
) {
    let lockouts = match &shared.team {
        Some(db) => {
            let pool = db.pool().clone();
            let written = db
                .run(async move { crate::team::feed_store::write_hooked(&pool, &lockouts).await })
                .await;
            match written {
                Ok(new) => new,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot write hooked lockouts to the desk's feed; the backstop poll brings them");
                    return;
                }
            }
        }
        None => lockouts,
    };
    if lockouts.is_empty() {
        return;
    }
    shared.metrics.lockouts_seen(lockouts.len() as u64);
    match handle_lockouts(shared, directory, bursts, &lockouts, Utc::now()).await {
        Ok(_) => {
            if let Some(db) = &shared.team {
                mark_noticed(db, &lockouts).await;
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot queue the notices of hooked lockouts; the backstop poll brings them again")
        }
    }
}
