//! The expiry scanner against a 100,000-user simulator (a child process, so its memory is its
//! own): a full scan at the default 50 % share of the real 60 s windows, then 100 password
//! changes and an incremental refresh. Prints the wall time, the requests made against the
//! rate-limit floor, the refresh's requests and the scanner's peak memory.
//!
//! `cargo bench --bench expiry_scan` (about two minutes after the build).

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use accessdesk::idp::okta::{ClientOptions, OktaClient};
use accessdesk::idp::{Directory, ScanEndpoint};
use accessdesk::model::{ExpiryScan, PasswordExpiryRow, ScanProgress};
use accessdesk::services::expiry_scanner::pacing::allowance;
use accessdesk::services::expiry_scanner::{ScanSettings, full_scan, refresh};
use secrecy::SecretString;

const USERS: u32 = 100_000;
const PASSWORD_CHANGES: usize = 100;
const TOKEN: &str = "bench-expiry-scan-token-0123456789";

/// Counts live heap bytes and their high-water mark.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, layout, new_size) };
        if !q.is_null() {
            if new_size >= layout.size() {
                let live = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size
                    - layout.size();
                PEAK.fetch_max(live, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        q
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The heap's growth over `base` at its highest since the last reset.
fn heap_peak_over(base: usize) -> usize {
    PEAK.load(Ordering::Relaxed).saturating_sub(base)
}

fn reset_peak() -> usize {
    let live = LIVE.load(Ordering::Relaxed);
    PEAK.store(live, Ordering::Relaxed);
    live
}

/// A `/proc/self/status` field in kB (Linux).
fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1_048_576.0
}

/// The simulator as a child process; killed when dropped.
struct Simulator {
    child: Child,
    base: String,
    /// Its private data and config directories.
    home: std::path::PathBuf,
}

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.home);
    }
}

fn start_simulator() -> Simulator {
    let data = std::env::temp_dir().join(format!("accessdesk-bench-{}", std::process::id()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_accessdesk"))
        .args([
            "sim",
            "--users",
            &USERS.to_string(),
            "--control",
            "--no-history",
        ])
        .args(["--lockouts-per-minute", "0", "--listen", "127.0.0.1:0"])
        .env("ACCESSDESK_SIM_TOKEN", TOKEN)
        .env("XDG_DATA_HOME", &data)
        .env("XDG_CONFIG_HOME", &data)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the accessdesk binary starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut lines = BufReader::new(stdout).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("the simulator prints its address")
            .expect("readable stdout");
        if let Some(url) = line.strip_prefix("accessdesk simulator listening on ") {
            break url.trim().to_string();
        }
    };
    // Keep reading so the child never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Simulator {
        child,
        base,
        home: data,
    }
}

/// Requests per endpoint family the scanner made, from its own counter per family.
#[derive(Default)]
struct Tally {
    last: Option<ScanProgress>,
}

impl Tally {
    fn record(&mut self, p: ScanProgress) {
        if let Some(until) = p.waiting_until
            && self.last.as_ref().and_then(|l| l.waiting_until) != Some(until)
        {
            eprintln!(
                "  … {} users, {} requests; waiting {:.1} s for the rate-limit window",
                p.users_seen,
                p.requests,
                (until - chrono::Utc::now()).num_milliseconds() as f64 / 1000.0
            );
        }
        self.last = Some(p);
    }
}

async fn sim_requests(http: &reqwest::Client, base: &str) -> Vec<serde_json::Value> {
    http.get(format!("{base}/__sim/requests"))
        .send()
        .await
        .expect("the control endpoint answers")
        .json()
        .await
        .expect("a JSON list")
}

fn family_count(requests: &[serde_json::Value], f: impl Fn(&str) -> bool) -> usize {
    requests
        .iter()
        .filter(|r| r["path"].as_str().is_some_and(&f))
        .count()
}

fn print_memory(label: &str, base: usize, rss_before_kb: Option<u64>) {
    let hwm = status_kb("VmHWM:");
    println!(
        "{label} peak memory: heap +{:.1} MB (counting allocator); VmHWM {} (RSS before {})",
        mb(heap_peak_over(base)),
        hwm.map_or("n/a".into(), |k| format!("{:.1} MB", k as f64 / 1024.0)),
        rss_before_kb.map_or("n/a".into(), |k| format!("{:.1} MB", k as f64 / 1024.0)),
    );
}

fn rows(scan: &ExpiryScan) -> String {
    format!(
        "{} password rows, {} contractor rows",
        scan.passwords.len(),
        scan.contractors.len()
    )
}

fn main() {
    // `cargo bench` passes `--bench`; a filter that does not name this bench skips it.
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    if filter.is_some_and(|f| !"expiry_scan".contains(&f)) {
        return;
    }
    let started = Instant::now();
    let sim = start_simulator();
    println!(
        "simulator: {USERS} users ready in {:.1} s at {}",
        started.elapsed().as_secs_f64(),
        sim.base
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(bench(&sim));
}

async fn bench(sim: &Simulator) {
    let http = reqwest::Client::new();
    let dir = OktaClient::new(
        url::Url::parse(&sim.base).expect("the simulator's URL"),
        SecretString::from(TOKEN.to_string()),
        ClientOptions::default(),
    )
    .expect("a client");
    let settings = ScanSettings::default();
    let share = settings.rate_limit_share;

    let rss_before = status_kb("VmRSS:");
    let heap_base = reset_peak();
    let mut tally = Tally::default();
    let t = Instant::now();
    let scan = full_scan(&dir, &settings, &mut |p| tally.record(p))
        .await
        .expect("the full scan");
    let wall = t.elapsed();
    let requests = sim_requests(&http, &sim.base).await;
    let scanner_count = tally.last.as_ref().map_or(0, |p| p.requests);
    let users_pages = family_count(&requests, |p| p == "/api/v1/users");
    let other = requests.len() - users_pages;
    let users_limit = dir
        .scan_rate_limit(ScanEndpoint::Users)
        .map_or(0, |w| w.limit);
    let members_limit = dir
        .scan_rate_limit(ScanEndpoint::GroupMembers)
        .map_or(0, |w| w.limit);
    let per_minute = f64::from(allowance(users_limit, share));
    let floor = users_pages as f64 / per_minute * 60.0;
    println!("full scan: {} users, {}", scan.users_seen, rows(&scan));
    println!("  wall time {:.1} s", wall.as_secs_f64());
    println!(
        "  requests {} (scanner's count {scanner_count}): {users_pages} user pages, {other} \
         member pages and policies (a separate bucket, {members_limit}/min)",
        requests.len()
    );
    println!(
        "  rate-limit floor: {users_pages} user pages ÷ {per_minute} a minute ({:.0} % of \
         {users_limit}) = {floor:.1} s; wall ÷ floor = {:.2}",
        share * 100.0,
        wall.as_secs_f64() / floor
    );
    println!(
        "  (all {} requests ÷ {per_minute} a minute would be {:.1} s)",
        requests.len(),
        requests.len() as f64 / per_minute * 60.0
    );
    print_memory("full scan", heap_base, rss_before);

    let changed: serde_json::Value = http
        .post(format!("{}/__sim/password-changes", sim.base))
        .json(&serde_json::json!({ "count": PASSWORD_CHANGES }))
        .send()
        .await
        .expect("the control endpoint answers")
        .json()
        .await
        .expect("the changed logins");
    let changed = changed["logins"].as_array().map_or(0, Vec::len);
    let before = requests.len();
    let heap_base = reset_peak();
    let mut tally = Tally::default();
    let t = Instant::now();
    let refreshed = refresh(&dir, &settings, &scan, &mut |p| tally.record(p))
        .await
        .expect("the refresh");
    let wall = t.elapsed();
    let requests = sim_requests(&http, &sim.base).await;
    let old: HashMap<&str, &PasswordExpiryRow> = scan
        .passwords
        .iter()
        .map(|r| (r.user_id.as_str(), r))
        .collect();
    let moved = refreshed
        .passwords
        .iter()
        .filter(|r| old.get(r.user_id.as_str()) != Some(r))
        .count();
    println!(
        "refresh after {changed} password changes: {} requests in {:.2} s, {} users changed, {}",
        requests.len() - before,
        wall.as_secs_f64(),
        tally.last.as_ref().map_or(0, |p| p.users_seen),
        rows(&refreshed)
    );
    println!("  {moved} password rows changed");
    println!(
        "  full rescan? {}",
        if refreshed.full_scan_at == scan.full_scan_at {
            "no"
        } else {
            "yes"
        }
    );
    print_memory("refresh (the previous scan held as well)", heap_base, None);
}
