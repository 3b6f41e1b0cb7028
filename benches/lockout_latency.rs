//! How soon a lockout reaches the feed, and what that costs in System Log budget: the
//! simulator locks users out at random (Poisson) times, the real poller polls at 1, 2, 5 and
//! 30 s, and for every lockout the time from its `published` to its `detected_at` is taken.
//! The table gives p50, p95 and max, and each interval's share of `/api/v1/logs`' rate limit.
//!
//! `cargo bench --bench lockout_latency` (90 s per interval), or
//! `LATENCY_SECS=30 cargo bench --bench lockout_latency` for a quicker, coarser table.
//! The simulator publishes an event the moment it happens; a real org's System Log adds its
//! own ingestion delay (seconds) on top of these figures.

use std::sync::Arc;
use std::time::{Duration, Instant};

use accessdesk::idp::okta::{ClientOptions, OktaClient};
use accessdesk::services::{FeedEvent, PollerConfig, lockout_poller};
use accessdesk::sim::{self, SimConfig};
use secrecy::SecretString;
use tokio::sync::mpsc;

const TOKEN: &str = "latency-bench-token";
const LOCKOUTS_PER_MINUTE: f64 = 40.0;
const LOG_LIMIT_PER_MINUTE: u32 = 120;

struct Row {
    interval: Duration,
    samples: Vec<f64>,
    log_requests: usize,
    minutes: f64,
}

impl Row {
    fn percentile(&self, p: f64) -> f64 {
        let mut sorted = self.samples.clone();
        sorted.sort_by(f64::total_cmp);
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        sorted[rank.saturating_sub(1).min(sorted.len() - 1)]
    }

    fn budget_share(&self) -> f64 {
        self.log_requests as f64 / (f64::from(LOG_LIMIT_PER_MINUTE) * self.minutes)
    }
}

async fn measure(interval: Duration, run_for: Duration, seed: u64) -> Row {
    let mut config = SimConfig::new(TOKEN);
    config.seed = seed;
    config.users = 400;
    config.lockouts_per_minute = LOCKOUTS_PER_MINUTE;
    config.history = false;
    config.rate_limits.logs = LOG_LIMIT_PER_MINUTE;
    let sim = sim::start(config, ([127, 0, 0, 1], 0).into())
        .await
        .expect("the simulator starts");
    let client = OktaClient::new(
        url::Url::parse(&sim.base_url()).unwrap(),
        SecretString::from(TOKEN),
        ClientOptions::default(),
    )
    .unwrap();
    let (tx, mut rx) = mpsc::channel(64);
    let poller = tokio::spawn(lockout_poller::run(
        Arc::new(client),
        PollerConfig {
            interval,
            lookback: Duration::from_secs(1),
            pace: None,
        },
        tx,
    ));
    let started = Instant::now();
    let mut samples = Vec::new();
    while let Some(left) = run_for.checked_sub(started.elapsed()) {
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some(FeedEvent::Lockouts { lockouts, .. })) => {
                samples.extend(lockouts.iter().map(|l| {
                    (l.detected_at - l.published).num_milliseconds().max(0) as f64 / 1000.0
                }))
            }
            Ok(Some(FeedEvent::Failed { health })) => {
                eprintln!("  a poll failed: {:?}", health.last_error)
            }
            Ok(None) | Err(_) => break,
        }
    }
    poller.abort();
    let log_requests = sim
        .requests()
        .iter()
        .filter(|r| r.path == "/api/v1/logs")
        .count();
    Row {
        interval,
        samples,
        log_requests,
        minutes: started.elapsed().as_secs_f64() / 60.0,
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // `cargo bench` passes `--bench`; anything else (e.g. a filter) is not ours to read.
    let secs: u64 = std::env::var("LATENCY_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(90);
    println!(
        "lockouts at random times ({LOCKOUTS_PER_MINUTE}/min), {secs} s per interval, \
         log limit {LOG_LIMIT_PER_MINUTE}/min\n"
    );
    println!(
        "{:>9} {:>9} {:>8} {:>8} {:>8} {:>14} {:>13}",
        "interval", "lockouts", "p50 s", "p95 s", "max s", "log req/min", "limit share"
    );
    for (n, interval) in [1, 2, 5, 30].into_iter().enumerate() {
        let row = measure(
            Duration::from_secs(interval),
            Duration::from_secs(secs),
            40 + n as u64,
        )
        .await;
        if row.samples.is_empty() {
            println!("{:>8}s  no lockout seen in {secs} s", interval);
            continue;
        }
        println!(
            "{:>8}s {:>9} {:>8.2} {:>8.2} {:>8.2} {:>14.1} {:>12.0}%",
            row.interval.as_secs(),
            row.samples.len(),
            row.percentile(50.0),
            row.percentile(95.0),
            row.percentile(100.0),
            row.log_requests as f64 / row.minutes,
            row.budget_share() * 100.0,
        );
    }
}
