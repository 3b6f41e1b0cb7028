//! The dashboard as a person runs it, measured: the real binary in a pseudo-terminal against
//! the simulator for startup to first frame and idle CPU, and the App in-process for the
//! memory an hour of traffic leaves behind. (Frame time with 10,000 lockouts: `benches/render.rs`.)
//!
//! `cargo bench --bench dashboard` (idle measured over 60 s), or `IDLE_SECS=10 cargo bench
//! --bench dashboard` for a quicker look.

use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use accessdesk::model::{Lockout, LockoutKind};
use accessdesk::services::{FeedEvent, PollHealth};
use accessdesk::sim::{self, SimConfig, SimHandle};
use accessdesk::tui::{App, DashboardOptions, Msg, view};
use chrono::{TimeDelta, Utc};
use portable_pty::{CommandBuilder, NativePtySystem, PtySize, PtySystem};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const TOKEN: &str = "dashboard-bench-token";
const ROWS: u16 = 45;
const COLS: u16 = 160;

/// The dashboard in a pseudo-terminal, its output parsed as a terminal would.
struct Running {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    parser: Arc<Mutex<vt100::Parser>>,
    bytes: Arc<AtomicUsize>,
    _home: tempfile::TempDir,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Running {
    fn start(sim: &SimHandle) -> Running {
        let home = tempfile::tempdir().unwrap();
        let pty = NativePtySystem::default()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_accessdesk"));
        cmd.arg("dashboard");
        cmd.env("TERM", "xterm-256color");
        cmd.env("HOME", home.path());
        cmd.env("XDG_CONFIG_HOME", home.path().join("config"));
        cmd.env("ACCESSDESK_DATA_DIR", home.path().join("data"));
        cmd.env("OKTA_CLIENT_ORGURL", sim.base_url());
        cmd.env("OKTA_CLIENT_TOKEN", TOKEN);
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            ROWS.try_into().unwrap(),
            COLS.try_into().unwrap(),
            0,
        )));
        let bytes = Arc::new(AtomicUsize::new(0));
        let mut reader = pty.master.try_clone_reader().unwrap();
        let (sink, count) = (parser.clone(), bytes.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                count.fetch_add(n, Ordering::Relaxed);
                sink.lock().unwrap().process(&buf[..n]);
            }
        });
        Running {
            child,
            parser,
            bytes,
            _home: home,
            _master: pty.master,
        }
    }

    fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Waits until the feed pane is drawn: the first frame a person can read.
    fn wait_first_frame(&self) -> Duration {
        let start = Instant::now();
        while !self.screen().contains("Lockouts") {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        start.elapsed()
    }

    /// User plus system CPU time of the dashboard process so far.
    fn cpu(&self) -> Duration {
        let pid = self.child.process_id().unwrap();
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
        // Fields after the command name, which is in parentheses and may hold spaces.
        let rest = &stat[stat.rfind(')').unwrap() + 2..];
        let fields: Vec<&str> = rest.split(' ').collect();
        let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
        Duration::from_millis(ticks * 10) // USER_HZ is 100 on Linux
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn quiet_sim() -> SimConfig {
    let mut config = SimConfig::new(TOKEN);
    config.users = 400;
    config.lockouts_per_minute = 0.0;
    config.password_changes_per_hour = Some(0.0);
    config
}

fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches(" kB").parse().ok())
        .unwrap_or(0)
}

/// An hour at 60 lockouts a minute, as the poller would bring it (two every 2 s), each batch
/// drawn: the App's resident memory afterwards.
fn an_hour_of_traffic() {
    let before = status_kb("VmRSS:");
    let start = Utc::now();
    let mut app = App::new(DashboardOptions::default(), start);
    app.update(Msg::Resize {
        width: COLS,
        height: ROWS,
    });
    let mut terminal = Terminal::new(TestBackend::new(COLS, ROWS)).unwrap();
    let mut health = PollHealth::new(Duration::from_secs(2));
    for poll in 0..1_800u32 {
        let now = start + TimeDelta::seconds(i64::from(poll) * 2);
        health.last_success = Some(now);
        let lockouts = (0..2)
            .map(|k| lockout(poll * 2 + k, now))
            .collect::<Vec<_>>();
        app.update(Msg::Feed(FeedEvent::Lockouts {
            lockouts,
            health: health.clone(),
        }));
        app.update(Msg::Tick(now));
        terminal.draw(|f| view::draw(f, &app)).unwrap();
    }
    let after = status_kb("VmRSS:");
    println!(
        "an hour at 60/min: {} lockouts held, RSS {} → {} kB (+{} kB), peak {} kB",
        app.total(),
        before,
        after,
        after.saturating_sub(before),
        status_kb("VmHWM:")
    );
}

fn lockout(n: u32, now: chrono::DateTime<Utc>) -> Lockout {
    let user = n % 500;
    Lockout {
        uuid: format!("uuid-{n}"),
        published: now,
        detected_at: now + TimeDelta::seconds(1),
        kind: LockoutKind::AccountLocked,
        event_type: "user.account.lock".into(),
        reason: "Max sign in attempts exceeded".into(),
        user_id: Some(format!("00u{user:06}")),
        login: format!("user{user}@acme.example"),
        display_name: Some(format!("User Number{user}")),
        ip: Some(format!("198.51.{}.{}", n % 200, n % 250)),
        city: Some("Lyon".into()),
        state: None,
        country: Some("France".into()),
        browser: Some("Firefox".into()),
        os: Some("Windows".into()),
        raw_user_agent: None,
        request_id: Some(format!("req{n}")),
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let idle_secs: u64 = std::env::var("IDLE_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    an_hour_of_traffic();

    let sim = sim::start(quiet_sim(), ([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    let mut startups = Vec::new();
    for _ in 0..5 {
        let running = Running::start(&sim);
        startups.push(running.wait_first_frame());
    }
    startups.sort();
    println!(
        "startup to first frame ({COLS}×{ROWS}, 5 runs): median {:?}, max {:?}",
        startups[2], startups[4]
    );

    let running = Running::start(&sim);
    running.wait_first_frame();
    // Let the first polls and loads settle before calling it idle.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let (cpu0, bytes0, t0) = (
        running.cpu(),
        running.bytes.load(Ordering::Relaxed),
        Instant::now(),
    );
    tokio::time::sleep(Duration::from_secs(idle_secs)).await;
    let wall = t0.elapsed();
    let cpu = running.cpu() - cpu0;
    let bytes = running.bytes.load(Ordering::Relaxed) - bytes0;
    println!(
        "idle over {idle_secs} s: CPU {:?} ({:.2} %), {} bytes drawn ({:.0} bytes/s: the 1 Hz clock)",
        cpu,
        cpu.as_secs_f64() / wall.as_secs_f64() * 100.0,
        bytes,
        bytes as f64 / wall.as_secs_f64()
    );
}
