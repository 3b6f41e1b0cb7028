//! Team mode against the simulator: one real `accessdesk watch` leads (polling every 2 s, or
//! fed by Okta event hooks), and 1, 10 and 50 followers (each an agent with its own
//! connection, as dashboards are) read the desk's feed from PostgreSQL. For every lockout and
//! every follower, the time from the lockout's `published` to the follower receiving it; and
//! the System Log requests per minute, which should not grow with the followers.
//!
//! `cargo bench --bench team_feed` (60 s per row), or `TEAM_SECS=20 cargo bench --bench
//! team_feed` for a coarser table. Needs the machine's PostgreSQL server programs (initdb,
//! pg_ctl), as the team tests do.

#[path = "../tests/team_support/mod.rs"]
mod team_support;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use accessdesk::services::FeedEvent;
use accessdesk::sim::{self, SimConfig, SimHandle};
use accessdesk::team::follower;
use chrono::Utc;
use team_support::Desk;
use tokio::sync::mpsc;

const BIN: &str = env!("CARGO_BIN_EXE_accessdesk");
const TOKEN: &str = "team-bench-token";
const SECRET: &str = "team-bench-hook-secret";
const LOCKOUTS_PER_MINUTE: f64 = 40.0;
const LOG_LIMIT_PER_MINUTE: u32 = 120;

struct Row {
    followers: usize,
    hooks: bool,
    samples: Vec<f64>,
    log_per_minute: f64,
}

fn percentile(samples: &[f64], p: f64) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.saturating_sub(1).min(sorted.len() - 1)]
}

struct Watch(Child);

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn watch(desk: &Desk, sim: &SimHandle, data: &std::path::Path, hooks: bool) -> (Watch, String) {
    let config = data.join("accessdesk.toml");
    std::fs::write(
        &config,
        "[lockouts]\npoll_interval_secs = 2\nlookback_minutes = 1\n\n\
         [watch]\nhook_backstop_secs = 60\n\n\
         [notices]\nfrom = \"IT Service Desk <helpdesk@example.com>\"\n\
         daily_summary_time = \"off\"\n",
    )
    .unwrap();
    let stderr = data.join("watch.stderr");
    let mut command = Command::new(BIN);
    command
        .arg("watch")
        .arg("--config")
        .arg(&config)
        .env("OKTA_CLIENT_ORGURL", sim.base_url())
        .env("OKTA_CLIENT_TOKEN", TOKEN)
        .env("ACCESSDESK_DATABASE_URL", desk.url_for("watcher"))
        .env("ACCESSDESK_DATABASE_PASSWORD", "watcher-pw")
        .env("ACCESSDESK_DATA_DIR", data.join("data"))
        .env("HOME", data)
        .env("XDG_CONFIG_HOME", data.join("config"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr).unwrap());
    if hooks {
        command
            .args(["--listen", "127.0.0.1:0"])
            .env("ACCESSDESK_HOOK_SECRET", SECRET);
    }
    let child = Watch(command.spawn().expect("watch starts"));
    let start = Instant::now();
    let addr = loop {
        let text = std::fs::read_to_string(&stderr).unwrap_or_default();
        if let Some(addr) = text
            .lines()
            .find_map(|l| l.strip_prefix("accessdesk watch: listening on "))
        {
            break addr.to_string();
        }
        if !hooks && text.contains("team mode") {
            break String::new();
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "watch did not start: {text}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    if hooks {
        let registered = Command::new(BIN)
            .args(["event-hook", "register", &format!("{addr}/hooks/okta")])
            .env("OKTA_CLIENT_ORGURL", sim.base_url())
            .env("OKTA_CLIENT_TOKEN", TOKEN)
            .env("ACCESSDESK_HOOK_SECRET", SECRET)
            .env("HOME", data)
            .env("XDG_CONFIG_HOME", data.join("config"))
            .env("ACCESSDESK_DATA_DIR", data.join("data"))
            .output()
            .unwrap();
        assert!(
            registered.status.success(),
            "{}",
            String::from_utf8_lossy(&registered.stderr)
        );
    }
    (child, addr)
}

async fn measure(followers: usize, hooks: bool, run_for: Duration, seed: u64) -> Row {
    let desk = tokio::task::block_in_place(Desk::start);
    desk.role("watcher", "accessdesk_watch");
    let mut config = SimConfig::new(TOKEN);
    config.seed = seed;
    config.users = 400;
    config.lockouts_per_minute = LOCKOUTS_PER_MINUTE;
    config.history = false;
    config.rate_limits.logs = LOG_LIMIT_PER_MINUTE;
    let sim = sim::start(config, ([127, 0, 0, 1], 0).into())
        .await
        .expect("the simulator starts");
    let data = tempfile::tempdir().unwrap();
    let (_watch, _) = watch(&desk, &sim, data.path(), hooks);

    let (tx, mut rx) = mpsc::channel::<Vec<f64>>(1024);
    let mut tasks = Vec::new();
    for n in 0..followers {
        let name = format!("agent{n}");
        let db = tokio::task::block_in_place(|| desk.agent(&name));
        let (feed_tx, mut feed_rx) = mpsc::channel(64);
        let since = Utc::now();
        tasks.push(tokio::spawn(follower::run(db, since, feed_tx)));
        let tx = tx.clone();
        tasks.push(tokio::spawn(async move {
            while let Some(event) = feed_rx.recv().await {
                if let FeedEvent::Lockouts { lockouts, .. } = event {
                    let now = Utc::now();
                    let latencies = lockouts
                        .iter()
                        .map(|l| (now - l.published).num_milliseconds().max(0) as f64 / 1000.0)
                        .collect();
                    if tx.send(latencies).await.is_err() {
                        return;
                    }
                }
            }
        }));
    }
    drop(tx);
    // Let every follower connect and the leader settle before counting.
    tokio::time::sleep(Duration::from_secs(3)).await;
    while rx.try_recv().is_ok() {}
    let polls_before = log_requests(&sim);
    let started = Instant::now();
    let mut samples = Vec::new();
    while let Some(left) = run_for.checked_sub(started.elapsed()) {
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some(latencies)) => samples.extend(latencies),
            Ok(None) | Err(_) => break,
        }
    }
    let minutes = started.elapsed().as_secs_f64() / 60.0;
    let log_per_minute = (log_requests(&sim) - polls_before) as f64 / minutes;
    for task in tasks {
        task.abort();
    }
    Row {
        followers,
        hooks,
        samples,
        log_per_minute,
    }
}

fn log_requests(sim: &SimHandle) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.path == "/api/v1/logs")
        .count()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let secs: u64 = std::env::var("TEAM_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    println!(
        "team mode: lockouts at random times ({LOCKOUTS_PER_MINUTE}/min), one watch leading \
         (2 s poll, or event hooks with a 60 s backstop), {secs} s per row, log limit \
         {LOG_LIMIT_PER_MINUTE}/min\n"
    );
    println!(
        "{:>9} {:>12} {:>9} {:>8} {:>8} {:>8} {:>12}",
        "followers", "source", "samples", "p50 s", "p95 s", "max s", "log req/min"
    );
    let rows = [
        (1, false),
        (10, false),
        (50, false),
        (1, true),
        (10, true),
        (50, true),
    ];
    for (n, (followers, hooks)) in rows.into_iter().enumerate() {
        let row = measure(followers, hooks, Duration::from_secs(secs), 70 + n as u64).await;
        let source = if row.hooks { "event hooks" } else { "2 s poll" };
        if row.samples.is_empty() {
            println!(
                "{:>9} {source:>12}  no lockout reached a follower",
                row.followers
            );
            continue;
        }
        println!(
            "{:>9} {source:>12} {:>9} {:>8.2} {:>8.2} {:>8.2} {:>12.1}",
            row.followers,
            row.samples.len(),
            percentile(&row.samples, 50.0),
            percentile(&row.samples, 95.0),
            percentile(&row.samples, 100.0),
            row.log_per_minute,
        );
    }
}
