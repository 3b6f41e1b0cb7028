//! Okta event hooks into team mode, with the real binary, the simulator and PostgreSQL:
//! `event-hook register` has the simulator create the hook and verify it against
//! `watch --listen` (the one-time challenge, with the shared secret); the simulator then
//! delivers each lockout as Okta does, `watch` writes it to the desk's feed, and a follower
//! prints it, while polling has slowed to its backstop.

mod team_support;

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use accessdesk::sim::{self, SimConfig, SimHandle};
use team_support::{Desk, collect, log_requests};

const BIN: &str = env!("CARGO_BIN_EXE_accessdesk");
const TOKEN: &str = "team-hooks-test-token";
const SECRET: &str = "hook-shared-secret-4711";

struct Proc {
    child: Child,
    out: Arc<Mutex<Vec<String>>>,
    err: Arc<Mutex<Vec<String>>>,
    _data: tempfile::TempDir,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn command(desk: &Desk, sim: &SimHandle, role: &str, data: &std::path::Path) -> Command {
    let config = data.join("accessdesk.toml");
    std::fs::write(
        &config,
        "[lockouts]\npoll_interval_secs = 2\nlookback_minutes = 5\n\n\
         [watch]\nhook_backstop_secs = 30\n\n\
         [notices]\nfrom = \"IT Service Desk <helpdesk@example.com>\"\n\
         daily_summary_time = \"off\"\n",
    )
    .unwrap();
    let mut command = Command::new(BIN);
    command
        .arg("--config")
        .arg(&config)
        .env("OKTA_CLIENT_ORGURL", sim.base_url())
        .env("OKTA_CLIENT_TOKEN", TOKEN)
        .env("ACCESSDESK_DATABASE_URL", desk.url_for(role))
        .env("ACCESSDESK_DATABASE_PASSWORD", format!("{role}-pw"))
        .env("ACCESSDESK_HOOK_SECRET", SECRET)
        .env("ACCESSDESK_DATA_DIR", data.join("data"))
        .env("HOME", data)
        .env("XDG_CONFIG_HOME", data.join("config"))
        .stdin(Stdio::null());
    command
}

fn spawn(desk: &Desk, sim: &SimHandle, role: &str, args: &[&str]) -> Proc {
    let data = tempfile::tempdir().unwrap();
    let mut child = command(desk, sim, role, data.path())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    Proc {
        out: collect(child.stdout.take().unwrap()),
        err: collect(child.stderr.take().unwrap()),
        child,
        _data: data,
    }
}

fn wait_until<T>(limit: Duration, mut found: impl FnMut() -> Option<T>) -> Option<T> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(t) = found() {
            return Some(t);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    found()
}

fn leader_interval_ms(desk: &Desk) -> Option<i64> {
    let pool = desk.admin.pool().clone();
    desk.admin.block_on(async move {
        sqlx::query_scalar("SELECT interval_ms FROM feed_state WHERE feed = 'lockouts'")
            .fetch_optional(&pool)
            .await
            .unwrap()
    })
}

#[test]
fn hooked_lockouts_reach_a_follower_within_a_second_without_a_poll() {
    let desk = Desk::start();
    desk.role("watcher", "accessdesk_watch");
    desk.role("alice", "accessdesk_agent");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut config = SimConfig::new(TOKEN);
    config.users = 60;
    config.lockouts_per_minute = 0.0;
    config.history = false;
    let sim = rt
        .block_on(sim::start(config, ([127, 0, 0, 1], 0).into()))
        .unwrap();

    let watch = spawn(
        &desk,
        &sim,
        "watcher",
        &["watch", "--listen", "127.0.0.1:0"],
    );
    let addr = wait_until(Duration::from_secs(30), || {
        watch.err.lock().unwrap().iter().find_map(|l| {
            l.strip_prefix("accessdesk watch: listening on ")
                .map(str::to_string)
        })
    })
    .expect("watch listens");
    assert!(
        wait_until(Duration::from_secs(30), || leader_interval_ms(&desk)).is_some(),
        "watch took the lead"
    );
    let follower = spawn(&desk, &sim, "alice", &["lockouts", "--follow", "--json"]);

    // The endpoint refuses calls without the shared secret.
    let hook_url = format!("{addr}/hooks/okta");
    let http = reqwest::Client::new();
    let (anonymous, forged) = rt.block_on(async {
        let anonymous = http
            .get(&hook_url)
            .header("x-okta-verification-challenge", "abc")
            .send()
            .await
            .unwrap();
        let forged = http
            .post(&hook_url)
            .header("Authorization", "not-the-secret")
            .body("{\"data\":{\"events\":[]}}")
            .send()
            .await
            .unwrap();
        (anonymous.status(), forged.status())
    });
    assert_eq!((anonymous.as_u16(), forged.as_u16()), (401, 401));

    // Registration: the simulator creates the hook and verifies it against watch.
    let data = tempfile::tempdir().unwrap();
    let registered = command(&desk, &sim, "watcher", data.path())
        .args(["event-hook", "register", &hook_url, "--json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&registered.stdout).to_string();
    assert!(
        registered.status.success(),
        "register failed: {stdout}{}",
        String::from_utf8_lossy(&registered.stderr)
    );
    let hook: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(hook["verificationStatus"], "VERIFIED");
    assert_eq!(hook["status"], "ACTIVE");
    assert!(!stdout.contains(SECRET), "the secret is never printed");

    let logins: Vec<String> = sim.user_logins().into_iter().skip(1).collect();
    let printed = |uuid: &str| {
        follower
            .out
            .lock()
            .unwrap()
            .iter()
            .any(|l| l.contains(uuid))
    };
    // The first hooked lockout slows polling to the backstop (30 s).
    let first = sim.lock_user(&logins[0]).unwrap();
    assert!(
        wait_until(Duration::from_secs(10), || printed(&first.uuid)
            .then_some(()))
        .is_some()
    );
    assert!(
        wait_until(Duration::from_secs(15), || (leader_interval_ms(&desk)
            == Some(30_000))
        .then_some(()))
        .is_some(),
        "polling slowed to the backstop: {:?}",
        leader_interval_ms(&desk)
    );

    let polls_before = log_requests(&sim);
    let mut latencies = Vec::new();
    for login in &logins[1..6] {
        let locked = sim.lock_user(login).unwrap();
        let at = Instant::now();
        wait_until(Duration::from_secs(5), || {
            printed(&locked.uuid).then_some(())
        })
        .unwrap_or_else(|| panic!("{} never reached the follower", locked.uuid));
        latencies.push(at.elapsed());
    }
    let polls = log_requests(&sim) - polls_before;
    println!("hook → follower: {latencies:?}; log polls meanwhile: {polls}");
    assert!(
        latencies.iter().all(|l| *l < Duration::from_secs(1)),
        "each within a second: {latencies:?}"
    );
    assert!(
        polls <= 1,
        "the backstop, not the normal pace: {polls} polls"
    );

    let deliveries = sim.hook_deliveries();
    assert!(deliveries.len() >= 6, "{deliveries:?}");
    assert!(
        deliveries.iter().all(|d| d.attempts == [Some(200)]),
        "answered 200 at the first attempt: {deliveries:?}"
    );
    drop(watch);
}
