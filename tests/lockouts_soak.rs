//! Soak: `accessdesk lockouts --follow --json` (the real binary) against a simulator that
//! injects faults by rate (429, 5xx, garbage, truncated JSON, HTML pages, dropped connections,
//! slow answers) while locking out users at 150 a minute. Every lockout the simulator logged
//! is printed exactly once, the process stays up, and its memory is printed at the start and
//! the end (not asserted: figures, not a timed assertion).
//!
//! 90 s of traffic by default; `ACCESSDESK_SOAK_SECS=3600 cargo test --test lockouts_soak --
//! --nocapture` runs a longer soak and prints the same figures.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use accessdesk::sim::{self, FaultRates, SimConfig};
use chrono::Utc;

const BIN: &str = env!("CARGO_BIN_EXE_accessdesk");
const TOKEN: &str = "soak-test-token-77";
const FAULTS: &str = "429=5%,500=3%,garbage=3%,reset=2%,slow=2%:3s,truncated=3%,html=2%";
const LOCKOUTS_PER_MINUTE: f64 = 150.0;
const DEFAULT_SOAK_SECS: u64 = 90;
/// After the traffic window, how long the follower may take to print what was logged in it
/// (a bound so a regression fails instead of hanging; not a measured figure).
const CATCH_UP: Duration = Duration::from_secs(90);

fn soak_secs() -> u64 {
    std::env::var("ACCESSDESK_SOAK_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SOAK_SECS)
}

/// The follower, killed when the test ends whatever happens; its stdout lines collected.
struct Follower {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
    warnings: Arc<Mutex<Vec<String>>>,
    _data: tempfile::TempDir,
}

impl Follower {
    fn spawn(base: &str) -> Follower {
        let data = tempfile::tempdir().unwrap();
        let mut child = Command::new(BIN)
            .args([
                "lockouts",
                "--follow",
                "--json",
                "--interval",
                "1",
                "--since",
                "1m",
            ])
            .env("OKTA_CLIENT_ORGURL", base)
            .env("OKTA_CLIENT_TOKEN", TOKEN)
            .env("HOME", data.path())
            .env("XDG_CONFIG_HOME", data.path().join("config"))
            .env("ACCESSDESK_DATA_DIR", data.path().join("data"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let lines = collect(child.stdout.take().unwrap());
        let warnings = collect(child.stderr.take().unwrap());
        Follower {
            child,
            lines,
            warnings,
            _data: data,
        }
    }

    fn uuids(&self) -> Vec<String> {
        self.lines
            .lock()
            .unwrap()
            .iter()
            .map(|line| {
                let v: serde_json::Value = serde_json::from_str(line)
                    .unwrap_or_else(|e| panic!("one JSON object per line: {e}: {line}"));
                v["uuid"].as_str().expect("a uuid").to_string()
            })
            .collect()
    }

    fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }
}

impl Drop for Follower {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn collect(pipe: impl std::io::Read + Send + 'static) -> Arc<Mutex<Vec<String>>> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    lines
}

fn rss(kib: Option<u64>) -> String {
    kib.map_or("unknown".into(), |k| {
        format!("{:.1} MiB", k as f64 / 1024.0)
    })
}

#[test]
fn follow_prints_every_logged_lockout_once_under_faults_and_stays_up() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut config = SimConfig::new(TOKEN);
    config.seed = 2026;
    config.users = 300;
    config.lockouts_per_minute = LOCKOUTS_PER_MINUTE;
    config.fault_rates = FAULTS.parse::<FaultRates>().unwrap();
    // History on, as `accessdesk sim` runs by default: `--since 1m` reaches into it.
    config.history = true;
    let sim = rt
        .block_on(sim::start(config, ([127, 0, 0, 1], 0).into()))
        .unwrap();

    let spawned = Utc::now();
    let mut follower = Follower::spawn(&sim.base_url());
    let secs = soak_secs();
    let started = Instant::now();
    let mut rss_start = None;
    let mut samples = Vec::new();
    while started.elapsed() < Duration::from_secs(secs) {
        std::thread::sleep(Duration::from_secs(1));
        let t = started.elapsed().as_secs();
        if t >= 5 && rss_start.is_none() {
            rss_start = follower.rss_kib();
        }
        if t.is_multiple_of(15) {
            samples.push(format!("{t}s {}", rss(follower.rss_kib())));
        }
        assert!(
            follower.child.try_wait().unwrap().is_none(),
            "the follower ended early: {:?}",
            follower.warnings.lock().unwrap()
        );
    }

    // What the follower must print: every lockout logged from well inside its look-back
    // (since = its start − 1m) up to now. Published times are millisecond-exact.
    let stop = Utc::now();
    let window_start = spawned - chrono::Duration::seconds(30);
    let expected: Vec<String> = sim
        .logged_lockouts()
        .into_iter()
        .filter(|l| l.published >= window_start && l.published <= stop)
        .map(|l| l.uuid)
        .collect();
    let caught_up = Instant::now();
    loop {
        let printed: HashSet<String> = follower.uuids().into_iter().collect();
        if expected.iter().all(|u| printed.contains(u)) || caught_up.elapsed() > CATCH_UP {
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    let rss_end = follower.rss_kib();
    let still_running = follower.child.try_wait().unwrap().is_none();

    let printed = follower.uuids();
    let mut times: HashMap<&str, usize> = HashMap::new();
    for u in &printed {
        *times.entry(u.as_str()).or_default() += 1;
    }
    let logged: HashSet<String> = sim.logged_lockouts().into_iter().map(|l| l.uuid).collect();
    let missing: Vec<&String> = expected
        .iter()
        .filter(|u| !times.contains_key(u.as_str()))
        .collect();
    let repeated: Vec<(&&str, &usize)> = times.iter().filter(|(_, n)| **n > 1).collect();
    let phantom: Vec<&String> = printed.iter().filter(|u| !logged.contains(*u)).collect();
    let tally = sim.fault_tally();
    let warnings = follower.warnings.lock().unwrap().clone();

    println!("soak: {secs}s of traffic at {LOCKOUTS_PER_MINUTE}/min, faults {FAULTS}");
    println!(
        "soak: lockouts logged in the window {}, printed {} (distinct {}), missing {}, repeated {}, not logged {}",
        expected.len(),
        printed.len(),
        times.len(),
        missing.len(),
        repeated.len(),
        phantom.len()
    );
    println!(
        "soak: follower RSS start {} (at 5s), end {}; samples: {}",
        rss(rss_start),
        rss(rss_end),
        samples.join(", ")
    );
    println!(
        "soak: API requests rolled {}, faults met {:?}",
        tally.rolled, tally.injected
    );
    println!(
        "soak: follower stderr lines {} (first: {:?})",
        warnings.len(),
        warnings.first()
    );

    assert!(still_running, "the follower stays up: {warnings:?}");
    assert!(!expected.is_empty());
    assert!(missing.is_empty(), "never printed: {missing:?}");
    assert!(repeated.is_empty(), "printed more than once: {repeated:?}");
    assert!(phantom.is_empty(), "printed but never logged: {phantom:?}");
    assert!(
        tally.injected.values().sum::<u64>() > 0,
        "faults were met: {tally:?}"
    );
    drop(follower);
    rt.block_on(sim.shutdown());
}
