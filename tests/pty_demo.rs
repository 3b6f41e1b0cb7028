//! End to end: the real binary in a pseudo-terminal, driven by keys, read through vt100.

use accessdesk::idp::Directory;
use accessdesk::idp::okta::{ClientOptions, OktaClient};
use accessdesk::model::UserStatus;
use accessdesk::sim::{self, PushBehaviour, SimConfig};
use accessdesk::tui::search::MAX_MATCHES;
use portable_pty::{CommandBuilder, NativePtySystem, PtySize, PtySystem};
use secrecy::SecretString;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ROWS: u16 = 40;
const COLS: u16 = 140;

/// Generous on a loaded 2-core CI machine; each wait returns as soon as its text shows.
fn deadline() -> Duration {
    Duration::from_secs(if std::env::var_os("CI").is_some() {
        90
    } else {
        45
    })
}

struct Session {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    /// Set once the reader has seen the end of the child's output.
    drained: Arc<AtomicBool>,
    home: tempfile::TempDir,
}

impl Session {
    fn start(args: &[&str]) -> Session {
        Self::start_with_env(args, &[])
    }

    fn start_with_env(args: &[&str], env: &[(&str, &str)]) -> Session {
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
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("NO_COLOR", "1");
        // Hermetic: no user config, logs into the temp dir, no real org.
        cmd.env("HOME", home.path());
        cmd.env("XDG_CONFIG_HOME", home.path().join("config"));
        cmd.env("ACCESSDESK_DATA_DIR", home.path().join("data"));
        cmd.env_remove("OKTA_CLIENT_ORGURL");
        cmd.env_remove("OKTA_CLIENT_TOKEN");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            ROWS.try_into().unwrap(),
            COLS.try_into().unwrap(),
            0,
        )));
        // Drain output on a thread, or the child blocks on a full PTY buffer.
        let mut reader = pty.master.try_clone_reader().unwrap();
        let sink = parser.clone();
        let drained = Arc::new(AtomicBool::new(false));
        let done = drained.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().process(&buf[..n]);
            }
            // End of file (or EIO): the child and everything holding the slave side are gone.
            done.store(true, Ordering::Release);
        });
        let writer = pty.master.take_writer().unwrap();
        // Keep the master alive as long as the session: dropping it hangs up the child.
        std::mem::forget(pty.master);
        Session {
            child,
            writer,
            parser,
            drained,
            home,
        }
    }

    /// HOME of the session; `data` under it is its `ACCESSDESK_DATA_DIR`.
    fn home(&self) -> &Path {
        self.home.path()
    }

    /// Runs the binary once more, to completion, with the session's hermetic environment.
    fn run_cli(&self, args: &[&str]) -> Output {
        let home = self.home();
        Command::new(env!("CARGO_BIN_EXE_accessdesk"))
            .args(args)
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("ACCESSDESK_DATA_DIR", home.join("data"))
            .env("NO_COLOR", "1")
            .env_remove("OKTA_CLIENT_ORGURL")
            .env_remove("OKTA_CLIENT_TOKEN")
            .output()
            .unwrap()
    }

    fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() < deadline(),
                "timed out waiting for {what}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn keys(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
    }

    /// Waits for the child to exit and for its last output (e.g. leaving the alternate
    /// screen) to reach the parser: the exit can be seen before the reader has drained the PTY.
    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap()
                && self.drained.load(Ordering::Acquire)
            {
                return status;
            }
            assert!(
                start.elapsed() < deadline(),
                "the program did not exit; screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A lockout row shows a seeded user's login.
fn has_lockout_row(screen: &str) -> bool {
    screen
        .lines()
        .any(|l| l.contains("@example.com") && l.contains(" ago"))
}

#[test]
fn demo_shows_lockouts_help_and_exits_cleanly() {
    let mut s = Session::start(&["demo", "--interval", "1", "--lockouts-per-minute", "30"]);
    let screen = s.wait_for("a lockout row", has_lockout_row);
    assert!(
        screen.contains("SIMULATOR"),
        "marked as the simulator:\n{screen}"
    );

    s.keys(b"?");
    let help = s.wait_for("the help overlay", |sc| sc.contains("any other key closes"));
    assert!(
        help.contains("Quit") && help.contains("filter by login"),
        "help lists the keymap:\n{help}"
    );
    s.keys(b"\x1b");
    s.wait_for("help to close", |sc| {
        !sc.contains("any other key closes") && has_lockout_row(sc)
    });

    s.keys(b"q");
    let status = s.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    let parser = s.parser.lock().unwrap();
    assert!(
        !parser.screen().alternate_screen(),
        "left the alternate screen"
    );
}

#[test]
fn plain_accessdesk_without_an_org_says_how_to_configure_one() {
    let mut s = Session::start(&[]);
    let status = s.wait_exit();
    assert!(!status.success());
    let screen = s.wait_for("the message", |sc| sc.contains("accessdesk demo"));
    assert!(screen.contains("OKTA_CLIENT_ORGURL"), "{screen}");
    assert!(!s.parser.lock().unwrap().screen().alternate_screen());
}

#[test]
fn a_panic_restores_the_terminal_and_reports() {
    // Test builds are debug builds, where this switch panics after the first frame.
    let mut s = Session::start_with_env(
        &["demo"],
        &[("ACCESSDESK_DEBUG_PANIC", "1"), ("RUST_BACKTRACE", "0")],
    );
    let status = s.wait_exit();
    assert!(!status.success(), "a panic is a failure exit");
    let screen = s.wait_for("the panic message", |sc| sc.contains("forced panic"));
    assert!(
        !s.parser.lock().unwrap().screen().alternate_screen(),
        "left the alternate screen:\n{screen}"
    );
}

#[test]
fn an_unreachable_org_is_shown_as_an_error_and_the_dashboard_keeps_running() {
    // A loopback port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let org = format!("http://127.0.0.1:{port}");
    let mut s = Session::start_with_env(
        &["--org-url", &org, "dashboard"],
        &[
            ("OKTA_CLIENT_TOKEN", "pty-secret-token"),
            ("ACCESSDESK_POLL_INTERVAL", "1"),
        ],
    );
    let screen = s.wait_for("the IdP error", |sc| {
        sc.contains("IdP error") && sc.contains("connection refused")
    });
    assert!(
        screen.contains(&format!("cannot reach {org}/api/v1/logs")),
        "the error names the URL:\n{screen}"
    );
    assert!(
        screen.contains("check the org URL"),
        "the error says how to fix it:\n{screen}"
    );
    assert!(!screen.contains("pty-secret-token"));
    s.keys(b"q");
    assert!(s.wait_exit().success());
    assert!(!s.parser.lock().unwrap().screen().alternate_screen());
}

/// The organisation the unlock test runs `demo` on (the demo's defaults, spelled out because the
/// test picks its caller from a copy of the same organisation).
const DEMO_SEED: u64 = 42;
const DEMO_USERS: usize = 500;

/// Who calls the desk in the unlock test, and what the agent types to find them.
struct Caller {
    login: String,
    query: String,
    /// Their newest open ticket at the simulated ServiceNow (`demo --tickets servicenow`).
    open_ticket: Option<String>,
}

/// Finds the caller in a private copy of the demo's organisation (same seed and size: the same
/// people, statuses and push habits): a user LOCKED_OUT from the start who approves pushes and
/// is the first directory match for their full name (else for their login).
fn locked_out_caller_who_approves() -> Caller {
    locked_out_callers_who_approve()
        .into_iter()
        .next()
        .expect("seed 42 has a locked-out user who approves pushes")
}

/// Every such caller, in the org's order.
fn locked_out_callers_who_approve() -> Vec<Caller> {
    const TOKEN: &str = "pty-oracle-token";
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let mut config = SimConfig::new(TOKEN);
        config.seed = DEMO_SEED;
        config.users = DEMO_USERS;
        config.lockouts_per_minute = 0.0;
        let sim = sim::start(config, ([127, 0, 0, 1], 0).into())
            .await
            .unwrap();
        let base = sim.base_url();
        let client = OktaClient::new(
            url::Url::parse(&base).unwrap(),
            SecretString::from(TOKEN),
            ClientOptions::default(),
        )
        .unwrap();
        // Seeded lockouts are hours old; the generated history reaches back two hours, so a
        // lockout older than that is the seed's own, the same in every run.
        let cutoff = chrono::Utc::now() - chrono::Duration::hours(2);
        let mut candidates = Vec::new();
        for login in sim.user_logins() {
            let seeded = sim.user_json(&login).unwrap();
            let locked_since = seeded["statusChanged"]
                .as_str()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
            if seeded["status"] != "LOCKED_OUT" || locked_since.is_none_or(|t| t > cutoff) {
                continue;
            }
            let user = client.get_user(&login).await.unwrap();
            assert_eq!(user.status, UserStatus::LockedOut);
            for query in [user.name(), user.login.clone()] {
                let matches = client.search_users(&query, MAX_MATCHES).await.unwrap();
                if matches.first().is_some_and(|m| m.id == user.id) {
                    let open_ticket = newest_open_ticket(&sim.tickets(), &login);
                    candidates.push((
                        user.id.clone(),
                        Caller {
                            login,
                            query,
                            open_ticket,
                        },
                    ));
                    break;
                }
            }
        }
        // Push habits are only listed for ACTIVE users: unlock the candidates in this copy.
        let http = reqwest::Client::new();
        for (id, _) in &candidates {
            let response = http
                .post(format!("{base}/api/v1/users/{id}/lifecycle/unlock"))
                .header("Authorization", format!("SSWS {TOKEN}"))
                .send()
                .await
                .unwrap();
            assert!(response.status().is_success(), "{response:?}");
        }
        let approvers = sim.users_with_push(PushBehaviour::Approve);
        sim.shutdown().await;
        candidates
            .into_iter()
            .map(|(_, caller)| caller)
            .filter(|c| approvers.contains(&c.login))
            .collect()
    })
}

/// The newest open incident whose caller is `login`, in the simulator's desk.
fn newest_open_ticket(tickets: &serde_json::Value, login: &str) -> Option<String> {
    tickets
        .as_array()?
        .iter()
        .filter(|t| {
            t["caller"] == login
                && ["New", "InProgress", "OnHold"].contains(&t["stage"].as_str().unwrap_or(""))
        })
        .max_by_key(|t| t["created"].as_str().unwrap_or("").to_string())
        .map(|t| t["number"].as_str().unwrap_or("").to_string())
}

/// The value of the user screen's `Status` field (not the factor table's column header).
fn profile_status(screen: &str) -> Option<&str> {
    screen.lines().find_map(|line| {
        let (_, rest) = line.split_once("Status ")?;
        let word = rest.split_whitespace().next()?;
        (word.len() > 1 && word.chars().all(|c| c.is_ascii_uppercase() || c == '_')).then_some(word)
    })
}

/// The user screen is open on `login` and shows its status.
fn user_screen_status<'a>(screen: &'a str, login: &str) -> Option<&'a str> {
    let on_screen = screen
        .lines()
        .any(|l| l.contains("Login") && l.contains(login));
    on_screen.then(|| profile_status(screen)).flatten()
}

#[test]
fn a_locked_out_caller_found_by_name_is_unlocked_after_a_push_and_the_audit_log_verifies() {
    let caller = locked_out_caller_who_approves();
    let login = caller.login.as_str();
    let (seed, users) = (DEMO_SEED.to_string(), DEMO_USERS.to_string());
    let mut s = Session::start(&[
        "demo",
        "--seed",
        &seed,
        "--users",
        &users,
        "--lockouts-per-minute",
        "0",
        // Typed tickets, as a desk without a ticketing system takes them.
        "--tickets",
        "none",
    ]);
    // Keys only once the dashboard is drawn, so the terminal is in raw mode.
    s.wait_for("the dashboard", |sc| sc.contains("SIMULATOR"));

    s.keys(b"/");
    s.keys(caller.query.as_bytes());
    let title = format!("Directory · \"{}\" · ↓ to choose", caller.query);
    let screen = s.wait_for("the directory matches", |sc| sc.contains(&title));
    let first_match = screen
        .lines()
        .skip_while(|l| !l.contains(&title))
        .nth(1)
        .unwrap_or_default();
    assert!(
        first_match.contains(login) && first_match.contains("LOCKED_OUT"),
        "{login} is the first match, locked out:\n{screen}"
    );

    s.keys(b"\r");
    let screen = s.wait_for("the user screen", |sc| {
        user_screen_status(sc, login).is_some()
    });
    assert_eq!(
        user_screen_status(&screen, login),
        Some("LOCKED_OUT"),
        "{screen}"
    );

    s.keys(b"u");
    let preview = format!("Unlock {login}: LOCKED_OUT → ACTIVE");
    s.wait_for("the verification dialog", |sc| {
        sc.contains(&format!("Verify {login}")) && sc.contains(&preview)
    });

    s.keys(b"1234");
    let screen = s.wait_for("the ticked checklist", |sc| sc.matches("[x]").count() == 4);
    assert!(
        screen.contains("Still missing:") && screen.contains("[ Confirm: blocked ]"),
        "ticket and push are still missing:\n{screen}"
    );

    s.keys(b"p");
    let screen = s.wait_for("the push to end", |sc| {
        sc.contains("Push: APPROVED")
            || sc.contains("The push was REJECTED")
            || sc.contains("sends another")
    });
    assert!(
        screen.contains("Push: APPROVED ✓"),
        "{login} approves pushes:\n{screen}"
    );

    s.keys(b"\t");
    s.keys(b"INC0012345");
    s.wait_for("the ticket", |sc| sc.contains("[INC0012345▏]"));
    s.keys(b"\t\t");
    s.wait_for("the confirm control, ready", |sc| {
        sc.contains("Nothing missing: the gate passes") && sc.contains("[ Confirm: Enter ]")
    });

    s.keys(b"\r");
    // Record 1 is the push as it ended, record 2 the unlock it allowed.
    let done = format!("{login}: done, status now ACTIVE (audit #2)");
    let screen = s.wait_for("the unlock and the reloaded profile", |sc| {
        sc.contains(&done) && user_screen_status(sc, login) == Some("ACTIVE")
    });
    assert!(
        !screen.contains(&format!("Verify {login}")),
        "the dialog closed:\n{screen}"
    );

    s.keys(b"q");
    let status = s.wait_exit();
    assert!(status.success(), "exit status {status:?}");

    // Practice has its own log: the production one was never created.
    let production = s.run_cli(&["audit", "verify", "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&production.stdout).unwrap();
    assert_eq!(report["status"], "missing", "{report}");
    assert!(!s.home().join("data/audit.sqlite3").exists());
    assert!(s.home().join("data/demo/audit.sqlite3").exists());

    let verify = s.run_cli(&["audit", "--demo", "verify", "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&verify.stdout).unwrap();
    assert!(verify.status.success(), "{:?} {report}", verify.status);
    assert_eq!(report["status"], "ok", "{report}");
    assert_eq!(report["records"], 2, "{report}");

    let list = s.run_cli(&["audit", "list", "--demo", "--json"]);
    assert!(list.status.success(), "{list:?}");
    let records: Vec<serde_json::Value> = String::from_utf8(list.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let [check, record] = records.as_slice() else {
        panic!("two records: {records:?}");
    };
    assert_eq!(check["action"], "verify_caller", "{check}");
    assert_eq!(check["evidence"][0]["result"], "SUCCESS", "{check}");
    assert_eq!(check["note"], "for unlock", "{check}");
    assert_eq!(record["action"], "unlock", "{record}");
    assert_eq!(record["outcome"], "succeeded", "{record}");
    // The org acted on is the demo's own simulator.
    let org = record["org"].as_str().unwrap_or_default();
    assert!(org.starts_with("http://127.0.0.1:"), "{record}");
    assert_eq!(check["org"], org, "{check}");
    assert_eq!(record["target_login"], login, "{record}");
    assert_eq!(record["ticket"], "INC0012345", "{record}");
    assert_eq!(
        record["checklist"].as_array().map(Vec::len),
        Some(4),
        "{record}"
    );
    let evidence = &record["evidence"][0];
    assert_eq!(evidence["kind"], "push", "{record}");
    assert_eq!(evidence["subject_login"], login, "{record}");
    assert_eq!(evidence["result"], "SUCCESS", "{record}");
}

/// A user the demo's feed shows: locked out by the generated history 15 to 45 minutes before
/// now (inside the feed's hour of look-back), still LOCKED_OUT, with an active Okta Verify push,
/// not auto-unlocked for the next 10 minutes, and the first directory match for their login.
/// Found in a private copy of the demo's organisation: its history is the same relative to the
/// start (same seed, size and rate).
fn recently_locked_out_user_with_push() -> String {
    const TOKEN: &str = "pty-oracle-token";
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let mut config = SimConfig::new(TOKEN);
        config.seed = DEMO_SEED;
        config.users = DEMO_USERS;
        config.lockouts_per_minute = 0.0;
        let sim = sim::start(config, ([127, 0, 0, 1], 0).into())
            .await
            .unwrap();
        let base = sim.base_url();
        let client = OktaClient::new(
            url::Url::parse(&base).unwrap(),
            SecretString::from(TOKEN),
            ClientOptions::default(),
        )
        .unwrap();
        let now = chrono::Utc::now();
        let mut cursor = accessdesk::idp::FeedCursor::since(now - chrono::Duration::minutes(55));
        let mut lockouts = Vec::new();
        loop {
            let page = client.poll_lockouts(&mut cursor).await.unwrap();
            lockouts.extend(page.lockouts);
            if !page.more {
                break;
            }
        }
        let policies = client.password_policies().await.unwrap();
        let raw_policies: serde_json::Value = reqwest::Client::new()
            .get(format!("{base}/api/v1/policies?type=PASSWORD"))
            .header("Authorization", format!("SSWS {TOKEN}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let auto_unlock = |policy_id: &str| {
            raw_policies
                .as_array()
                .and_then(|all| all.iter().find(|p| p["id"] == policy_id))
                .and_then(|p| p["settings"]["password"]["lockout"]["autoUnlockMinutes"].as_i64())
                .unwrap_or(0)
        };
        // Each user's newest lockout in the window.
        lockouts.sort_by_key(|l| std::cmp::Reverse(l.published));
        let mut seen = std::collections::HashSet::new();
        for lockout in lockouts {
            if !seen.insert(lockout.login.clone()) {
                continue;
            }
            let age = now - lockout.published;
            if age < chrono::Duration::minutes(15) || age > chrono::Duration::minutes(45) {
                continue;
            }
            let user = client.get_user(&lockout.login).await.unwrap();
            if user.status != UserStatus::LockedOut {
                continue;
            }
            let factors = client.list_factors(&user.id).await.unwrap();
            if !factors.iter().any(|f| f.can_push()) {
                continue;
            }
            let groups = client.group_ids(&user.id).await.unwrap();
            let minutes = accessdesk::policy::password_expiry::applying_policy(&groups, &policies)
                .map_or(0, |p| auto_unlock(&p.id));
            let locked_for = now - user.status_changed.unwrap_or(lockout.published);
            if minutes > 0
                && locked_for + chrono::Duration::minutes(10) > chrono::Duration::minutes(minutes)
            {
                continue;
            }
            let matches = client.search_users(&user.login, MAX_MATCHES).await.unwrap();
            if matches.first().is_some_and(|m| m.id == user.id) {
                sim.shutdown().await;
                return user.login;
            }
        }
        panic!("seed 42's history has a recent lockout of a user with a push factor");
    })
}

/// The digit (1–3) the phone shows next to `number` in the training panel: "[2] 72".
fn place_of(screen: &str, number: &str) -> Option<char> {
    screen.lines().find_map(|line| {
        let at = line.find(&format!("] {number} "))?;
        line[..at].chars().last()
    })
}

#[test]
fn unlock_from_a_selected_lockout_the_footer_way_approved_on_the_training_phone_marks_the_row() {
    let login = recently_locked_out_user_with_push();
    let (seed, users) = (DEMO_SEED.to_string(), DEMO_USERS.to_string());
    let mut s = Session::start(&[
        "demo",
        "--seed",
        &seed,
        "--users",
        &users,
        "--lockouts-per-minute",
        "0",
        // Typed tickets, as a desk without a ticketing system takes them.
        "--tickets",
        "none",
    ]);
    let screen = s.wait_for("the dashboard", |sc| sc.contains("SIMULATOR"));
    assert!(
        screen.contains("F2 phone"),
        "demo advertises the panel:\n{screen}"
    );

    // Find the user's row: the filter (Enter opens their user screen), Esc back lands on it.
    s.keys(b"/");
    s.keys(login.as_bytes());
    s.wait_for("the directory match", |sc| sc.contains("↓ to choose"));
    s.keys(b"\r");
    s.wait_for("the user screen", |sc| {
        user_screen_status(sc, &login).is_some()
    });
    s.keys(b"\x1b");
    let screen = s.wait_for("the feed, on the user's row", |sc| {
        sc.lines().any(|l| l.contains('▶') && l.contains(&login))
    });
    assert!(
        screen.contains("filter \""),
        "still filtered to the user:\n{screen}"
    );

    // u on the selected lockout: its user opens, then the dialog.
    s.keys(b"u");
    s.wait_for("the verification dialog", |sc| {
        sc.contains(&format!("Verify {login}"))
    });

    // F2 from the dialog: the phone, with the keys; nothing waits on it yet.
    s.keys(b"\x1bOQ");
    let screen = s.wait_for("the training panel", |sc| {
        sc.contains("Training · simulated phone") && sc.contains("The caller's phone")
    });
    assert!(screen.contains("No push waiting"), "{screen}");
    assert!(
        screen.contains("a approve") || screen.contains("tap number"),
        "{screen}"
    );
    // Esc gives the keys back to the dialog; the panel stays.
    s.keys(b"\x1b");
    s.wait_for("the panel to let go of the keys", |sc| {
        sc.contains("F2 to use the phone")
    });

    // The footer's way: tick, Enter on to the ticket, type it, push from the ticket field
    // with the key the footer names there (Alt-p: one write, or crossterm reads a bare Esc).
    s.keys(b"1234");
    s.wait_for("the ticked checklist", |sc| sc.matches("[x]").count() == 4);
    s.keys(b"\r");
    s.wait_for("the ticket field focused", |sc| sc.contains("Ticket  [▏]"));
    s.keys(b"INC0012345");
    s.wait_for("the ticket, and the field's push key in the footer", |sc| {
        sc.contains("[INC0012345▏]") && sc.contains("Alt-p push")
    });
    s.keys(b"\x1bp");
    let screen = s.wait_for("the number on the dialog and the phone", |sc| {
        sc.contains("The caller must pick") && sc.contains("Tap the number the agent reads out")
    });
    assert!(
        screen.contains("[INC0012345▏]"),
        "Alt-p is not typed into the ticket:\n{screen}"
    );
    let number: String = screen
        .split("The caller must pick ")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let place =
        place_of(&screen, &number).unwrap_or_else(|| panic!("{number} on the phone:\n{screen}"));

    // The push waits for the trainee: pick the number the agent reads out.
    s.keys(b"\x1bOQ");
    s.wait_for("the panel's keys", |sc| sc.contains("Esc back · F2 closes"));
    s.keys(place.to_string().as_bytes());
    let screen = s.wait_for("the approved push", |sc| sc.contains("Push: APPROVED"));
    assert!(
        screen.contains("You approved the push on the phone"),
        "the panel says what the tap did:\n{screen}"
    );

    // Back to the dialog: Enter moves on to Confirm (the note is optional), Enter runs it.
    s.keys(b"\x1b");
    s.wait_for("the dialog's keys", |sc| sc.contains("F2 to use the phone"));
    s.keys(b"\r");
    s.wait_for("the confirm control, ready", |sc| {
        sc.contains("[ Confirm: Enter ]")
    });
    s.keys(b"\r");
    s.wait_for("the unlock", |sc| {
        sc.contains(&format!("{login}: done, status now ACTIVE"))
    });

    // Esc: back on the feed, on the user's row, which says what was done.
    s.keys(b"\x1b");
    s.wait_for("the handled mark", |sc| {
        sc.lines()
            .any(|l| l.contains('▶') && l.contains(&login) && l.contains("✓ unlocked"))
    });
    // F2 twice (focus, close) puts the phone away; the detail's Since line names who did it
    // and the audit record.
    s.keys(b"\x1bOQ");
    s.wait_for("the panel's keys", |sc| sc.contains("Esc back · F2 closes"));
    s.keys(b"\x1bOQ");
    s.wait_for("the panel to close", |sc| {
        !sc.contains("Training · simulated phone")
    });
    s.keys(b"\r");
    s.wait_for("the whole mark in the detail", |sc| {
        sc.lines()
            .any(|l| l.contains("Since") && l.contains("✓ unlocked") && l.contains("(audit #2)"))
    });

    s.keys(b"q");
    let status = s.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    assert!(!s.parser.lock().unwrap().screen().alternate_screen());
}

/// The same call on PingOne: `demo --idp pingone` serves one PingOne environment of the same
/// seeded organisation (the same people, locks and push habits), so the caller found in the
/// Okta copy is the caller there too, found by login.
#[test]
fn on_pingone_a_locked_out_caller_is_unlocked_through_the_gate_and_the_audit_names_the_environment()
{
    let caller = locked_out_caller_who_approves();
    let login = caller.login.as_str();
    let (seed, users) = (DEMO_SEED.to_string(), DEMO_USERS.to_string());
    let mut s = Session::start(&[
        "demo",
        "--idp",
        "pingone",
        "--seed",
        &seed,
        "--users",
        &users,
        "--lockouts-per-minute",
        "0",
        // Typed tickets, as a desk without a ticketing system takes them.
        "--tickets",
        "none",
    ]);
    s.wait_for("the dashboard", |sc| sc.contains("SIMULATOR"));

    s.keys(b"/");
    s.keys(login.as_bytes());
    let title = format!("Directory · \"{login}\" · ↓ to choose");
    let screen = s.wait_for("the directory match", |sc| sc.contains(&title));
    let first_match = screen
        .lines()
        .skip_while(|l| !l.contains(&title))
        .nth(1)
        .unwrap_or_default();
    assert!(
        first_match.contains(login) && first_match.contains("LOCKED_OUT"),
        "{login} is found, locked out:\n{screen}"
    );

    s.keys(b"\r");
    let screen = s.wait_for("the user screen", |sc| {
        user_screen_status(sc, login).is_some()
    });
    assert_eq!(
        user_screen_status(&screen, login),
        Some("LOCKED_OUT"),
        "{screen}"
    );
    assert!(
        screen.contains("PingOne MFA push"),
        "the MOBILE device is PingOne's push:\n{screen}"
    );

    s.keys(b"u");
    let preview = format!("Unlock {login}: LOCKED_OUT → ACTIVE");
    s.wait_for("the verification dialog", |sc| {
        sc.contains(&format!("Verify {login}")) && sc.contains(&preview)
    });
    s.keys(b"1234");
    s.wait_for("the ticked checklist", |sc| sc.matches("[x]").count() == 4);

    s.keys(b"p");
    let screen = s.wait_for("the push to end", |sc| {
        sc.contains("Push: APPROVED")
            || sc.contains("The push was REJECTED")
            || sc.contains("sends another")
    });
    assert!(
        screen.contains("Push: APPROVED ✓"),
        "{login} approves pushes:\n{screen}"
    );

    s.keys(b"\t");
    s.keys(b"INC0012345");
    s.wait_for("the ticket", |sc| sc.contains("[INC0012345▏]"));
    s.keys(b"\t\t");
    s.wait_for("the confirm control, ready", |sc| {
        sc.contains("Nothing missing: the gate passes") && sc.contains("[ Confirm: Enter ]")
    });
    s.keys(b"\r");
    let done = format!("{login}: done, status now ACTIVE (audit #2)");
    s.wait_for("the unlock and the reloaded profile", |sc| {
        sc.contains(&done) && user_screen_status(sc, login) == Some("ACTIVE")
    });

    s.keys(b"q");
    let status = s.wait_exit();
    assert!(status.success(), "exit status {status:?}");

    let verify = s.run_cli(&["audit", "--demo", "verify", "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&verify.stdout).unwrap();
    assert!(verify.status.success(), "{:?} {report}", verify.status);
    assert_eq!(report["status"], "ok", "{report}");
    assert_eq!(report["records"], 2, "{report}");
    let list = s.run_cli(&["audit", "list", "--demo", "--json"]);
    let records: Vec<serde_json::Value> = String::from_utf8(list.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let [check, record] = records.as_slice() else {
        panic!("two records: {records:?}");
    };
    assert_eq!(record["action"], "unlock", "{record}");
    assert_eq!(record["outcome"], "succeeded", "{record}");
    // The tenant acted on is the simulator's PingOne environment.
    let org = record["org"].as_str().unwrap_or_default();
    assert!(
        org.starts_with("http://127.0.0.1:") && org.contains("/v1/environments/"),
        "{record}"
    );
    assert_eq!(check["org"], org, "{check}");
    assert_eq!(record["evidence"][0]["kind"], "push", "{record}");
    assert_eq!(record["evidence"][0]["result"], "SUCCESS", "{record}");
}

#[test]
fn with_tickets_the_callers_newest_open_ticket_is_picked_with_enter_and_hears_the_outcome() {
    let caller = locked_out_callers_who_approve()
        .into_iter()
        .find(|c| c.open_ticket.is_some())
        .expect("seed 42 has a locked-out approver with an open ticket");
    let login = caller.login.as_str();
    let ticket = caller.open_ticket.clone().unwrap();
    let (seed, users) = (DEMO_SEED.to_string(), DEMO_USERS.to_string());
    let mut s = Session::start(&[
        "demo",
        "--seed",
        &seed,
        "--users",
        &users,
        "--lockouts-per-minute",
        "0",
        "--tickets",
        "servicenow",
    ]);
    s.wait_for("the dashboard", |sc| sc.contains("SIMULATOR"));
    s.keys(b"/");
    s.keys(caller.query.as_bytes());
    let title = format!("Directory · \"{}\" · ↓ to choose", caller.query);
    s.wait_for("the directory matches", |sc| sc.contains(&title));
    s.keys(b"\r");
    s.wait_for("the user screen", |sc| {
        user_screen_status(sc, login) == Some("LOCKED_OUT")
    });
    s.keys(b"u");
    s.wait_for("the verification dialog", |sc| {
        sc.contains(&format!("Verify {login}"))
    });
    s.keys(b"1234");
    s.wait_for("the ticked checklist", |sc| sc.matches("[x]").count() == 4);
    s.keys(b"p");
    s.wait_for("the approved push", |sc| sc.contains("Push: APPROVED ✓"));

    // Enter goes on to the ticket, the user's open tickets newest first; Enter takes it.
    s.keys(b"\r");
    let screen = s.wait_for("the user's open tickets", |sc| {
        sc.contains("Open tickets in ServiceNow") && sc.contains(&format!("▸ {ticket}"))
    });
    assert!(screen.contains("n: opens one for this call"), "{screen}");
    s.keys(b"\r");
    let screen = s.wait_for("the ticket taken, the gate passing", |sc| {
        sc.contains(&format!("[{ticket}]")) && sc.contains("[ Confirm: Enter ]")
    });
    assert!(screen.contains(&format!("✓ {ticket} · New")), "{screen}");

    s.keys(b"\r");
    let done = format!("{login}: done, status now ACTIVE (audit #2)");
    s.wait_for("the unlock, its work note and the reloaded profile", |sc| {
        sc.contains(&done)
            && sc.contains(&format!("work note added to {ticket}"))
            && user_screen_status(sc, login) == Some("ACTIVE")
    });
    s.keys(b"q");
    assert!(s.wait_exit().success());

    let list = s.run_cli(&["audit", "list", "--demo", "--json"]);
    let unlock: serde_json::Value = String::from_utf8(list.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|r| r["action"] == "unlock")
        .unwrap();
    assert_eq!(unlock["ticket"], ticket.as_str());
    assert_eq!(unlock["ticket_check"]["system"], "servicenow");
    assert_eq!(unlock["ticket_check"]["caller_matched"], true);
}
