//! `accessdesk sim` and `accessdesk lockouts` as separate processes, as an operator runs them.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_accessdesk");
const TOKEN: &str = "cli-test-token-42";

fn deadline() -> Duration {
    Duration::from_secs(if std::env::var_os("CI").is_some() {
        60
    } else {
        30
    })
}

/// A child process killed when the test ends, whatever happens, with its stdout as lines.
struct Proc {
    child: Child,
    lines: mpsc::Receiver<String>,
    _data: tempfile::TempDir,
}

impl Proc {
    fn spawn(args: &[&str], env: &[(&str, &str)]) -> Proc {
        Proc::spawn_with(args, env, Stdio::inherit())
    }

    /// Like `spawn`, keeping stderr to read once the process has ended.
    fn spawn_capturing_stderr(args: &[&str], env: &[(&str, &str)]) -> Proc {
        Proc::spawn_with(args, env, Stdio::piped())
    }

    fn spawn_with(args: &[&str], env: &[(&str, &str)], stderr: Stdio) -> Proc {
        let data = tempfile::tempdir().unwrap();
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env_remove("OKTA_CLIENT_ORGURL")
            .env_remove("OKTA_CLIENT_TOKEN")
            .env("HOME", data.path())
            .env("XDG_CONFIG_HOME", data.path().join("config"))
            .env("ACCESSDESK_DATA_DIR", data.path().join("data"))
            // The most verbose logs are the likeliest to leak a secret.
            .env("ACCESSDESK_LOG", "trace")
            .stdout(Stdio::piped())
            .stderr(stderr);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Proc {
            child,
            lines,
            _data: data,
        }
    }

    /// Everything the process wrote to its log files.
    fn log_text(&self) -> String {
        let dir = self._data.path().join("data").join("logs");
        let mut text = String::new();
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            text.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
        }
        text
    }

    /// Wait for the process to end by itself (killed at the deadline, so a regression fails
    /// instead of hanging), then read what it wrote to stderr.
    fn exit_and_stderr(&mut self) -> (Option<i32>, String) {
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > deadline() {
                let _ = self.child.kill();
                break self.child.wait().unwrap();
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let mut stderr = String::new();
        if let Some(pipe) = self.child.stderr.as_mut() {
            std::io::Read::read_to_string(pipe, &mut stderr).unwrap();
        }
        (status.code(), stderr)
    }

    fn next_line(&self) -> String {
        self.lines
            .recv_timeout(deadline())
            .expect("a line of output before the deadline")
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start `accessdesk sim` on a free loopback port and return it with its base URL.
fn start_sim(extra: &[&str]) -> (Proc, String) {
    let mut args = vec![
        "sim",
        "--listen",
        "127.0.0.1:0",
        "--token",
        TOKEN,
        "--users",
        "80",
        "--control",
    ];
    args.extend_from_slice(extra);
    let sim = Proc::spawn(&args, &[]);
    let first = sim.next_line();
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("the simulator prints its base URL when ready: {first:?}"))
        .to_string();
    (sim, url)
}

fn inject_lockout(base: &str, login: &str) -> serde_json::Value {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let resp = reqwest::Client::new()
            .post(format!("{base}/__sim/lockouts"))
            .json(&serde_json::json!({ "login": login }))
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "{}", resp.status());
        resp.json().await.unwrap()
    })
}

fn some_login(base: &str) -> String {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let users: serde_json::Value = reqwest::Client::new()
            .get(format!(
                "{base}/api/v1/users?limit=5&search=status%20eq%20%22ACTIVE%22"
            ))
            .header("Authorization", format!("SSWS {TOKEN}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        users[0]["profile"]["login"].as_str().unwrap().to_string()
    })
}

#[test]
fn follow_json_prints_an_injected_lockout() {
    let (sim, base) = start_sim(&["--lockouts-per-minute", "0", "--no-history"]);
    let follower = Proc::spawn(
        &[
            "lockouts",
            "--follow",
            "--json",
            "--interval",
            "1",
            "--since",
            "1m",
        ],
        &[("OKTA_CLIENT_ORGURL", &base), ("OKTA_CLIENT_TOKEN", TOKEN)],
    );
    // Let the follower make its first (empty) poll, then lock a user.
    std::thread::sleep(Duration::from_millis(1500));
    let login = some_login(&base);
    let injected = inject_lockout(&base, &login);
    let start = Instant::now();
    let line = follower.next_line();
    let shown_after = start.elapsed();
    let event: serde_json::Value = serde_json::from_str(&line).expect("one JSON object per line");
    assert_eq!(event["uuid"], injected["uuid"]);
    assert_eq!(event["login"], login);
    assert_eq!(
        event["published"]
            .as_str()
            .map(|p| p.parse::<chrono::DateTime<chrono::Utc>>().unwrap()),
        Some(injected["published"].as_str().unwrap().parse().unwrap())
    );
    assert!(event["detected_at"].is_string());
    // The figure for the record (not a timed assertion): injection to printed line.
    eprintln!("lockout shown {shown_after:?} after injection");
    // Nothing else arrives: the same event is not printed twice.
    assert!(
        follower
            .lines
            .recv_timeout(Duration::from_millis(2500))
            .is_err()
    );

    // Both processes logged the requests at trace level, and neither wrote the token.
    stop_and_check_logs(follower);
    stop_and_check_logs(sim);
}

/// Stop a process, then check its trace-level log names the log requests and never the token.
fn stop_and_check_logs(mut p: Proc) {
    let _ = p.child.kill();
    let _ = p.child.wait();
    let logs = p.log_text();
    assert!(
        logs.contains("/api/v1/logs"),
        "trace logs name the requests"
    );
    assert!(
        !logs.contains(TOKEN),
        "the API token leaked into the log files"
    );
}

#[test]
fn one_shot_json_prints_each_history_lockout_once() {
    let (_sim, base) = start_sim(&["--lockouts-per-minute", "0"]);
    let out = Command::new(BIN)
        .args(["lockouts", "--json", "--since", "3h"])
        .env("OKTA_CLIENT_ORGURL", &base)
        .env("OKTA_CLIENT_TOKEN", TOKEN)
        .env("ACCESSDESK_DATA_DIR", tempfile::tempdir().unwrap().path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let events: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!events.is_empty(), "the simulator's history has lockouts");
    let uuids: HashSet<_> = events.iter().map(|e| e["uuid"].as_str().unwrap()).collect();
    assert_eq!(uuids.len(), events.len(), "each lockout once");
    for e in &events {
        assert!(e["login"].as_str().unwrap().contains('@'));
        assert!(matches!(
            e["kind"].as_str(),
            Some("account_locked" | "sign_in_while_locked" | "locked_from_new_devices")
        ));
    }
    // Identity Engine's locks of new devices only are among them, told apart.
    assert!(
        events
            .iter()
            .any(|e| e["kind"] == "locked_from_new_devices"),
        "{stdout}"
    );
    assert!(!stdout.contains(TOKEN));
}

#[test]
fn bad_configuration_is_explained() {
    let out = Command::new(BIN)
        .args(["lockouts", "--interval", "0"])
        .env("OKTA_CLIENT_ORGURL", "https://example.okta.com")
        .env("OKTA_CLIENT_TOKEN", TOKEN)
        .env("ACCESSDESK_DATA_DIR", tempfile::tempdir().unwrap().path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--interval = \"0\" is not allowed: between 1 and 3600 seconds"),
        "{stderr}"
    );

    let out = Command::new(BIN)
        .args(["sim", "--listen", "0.0.0.0:0", "--token", "x"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("loopback"));
}

#[test]
fn every_subcommand_answers_help() {
    for sub in [
        "demo",
        "sim",
        "lockouts",
        "config",
        "checklist",
        "user",
        "verify",
        "unlock",
        "reset-mfa",
        "reset-password",
        "audit",
        "dashboard",
        "expiries",
        "reminders",
        "instructions",
        "watch",
        "outbox",
        "outbox retry",
    ] {
        let args = sub.split_whitespace().chain(["--help"]);
        let out = Command::new(BIN).args(args).output().unwrap();
        assert!(out.status.success(), "{sub} --help");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Usage:"),
            "{sub}"
        );
    }
}

#[test]
fn config_json_never_shows_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args(["config", "--json", "--data-dir"])
        .arg(dir.path())
        .env("OKTA_CLIENT_ORGURL", "https://example.okta.com")
        .env("OKTA_CLIENT_TOKEN", "00SuperSecretToken")
        .env("HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["token_set"], true);
    assert_eq!(v["org_url"], "https://example.okta.com/");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("SuperSecret"));
}

#[test]
fn follow_stops_on_a_wrong_token_and_says_what_to_fix() {
    let (_sim, base) = start_sim(&["--lockouts-per-minute", "0", "--no-history"]);
    let mut follower = Proc::spawn_capturing_stderr(
        &["lockouts", "--follow", "--interval", "1"],
        &[
            ("OKTA_CLIENT_ORGURL", &base),
            ("OKTA_CLIENT_TOKEN", "not-the-token"),
        ],
    );
    // A 401 is not transient: the follower ends by itself instead of retrying forever.
    let (code, stderr) = follower.exit_and_stderr();
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("E0000011"), "{stderr}");
    assert!(
        stderr.contains("check the API token (OKTA_CLIENT_TOKEN)"),
        "{stderr}"
    );
    assert!(stderr.contains("retrying cannot fix this"), "{stderr}");
    assert!(!stderr.contains("not-the-token"));
}

#[test]
fn follow_rides_out_server_errors_and_keeps_printing() {
    let (sim, base) = start_sim(&["--lockouts-per-minute", "0", "--no-history"]);
    // More 503s than one request's own retries absorb: the poller itself sees a failure.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let resp = reqwest::Client::new()
            .post(format!("{base}/__sim/faults"))
            .json(&serde_json::json!({"type": "status", "status": 503, "count": 6, "pathPrefix": "/api/v1/logs"}))
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "{}", resp.status());
    });
    let mut follower = Proc::spawn_capturing_stderr(
        &[
            "lockouts",
            "--follow",
            "--json",
            "--interval",
            "1",
            "--since",
            "1m",
        ],
        &[("OKTA_CLIENT_ORGURL", &base), ("OKTA_CLIENT_TOKEN", TOKEN)],
    );
    let login = some_login(&base);
    let injected = inject_lockout(&base, &login);
    let line = follower.next_line();
    let event: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(event["uuid"], injected["uuid"]);
    assert!(
        follower.child.try_wait().unwrap().is_none(),
        "still following"
    );
    let _ = follower.child.kill();
    let (_, stderr) = follower.exit_and_stderr();
    assert!(
        stderr.contains("warning: polling failed"),
        "the failure was said: {stderr}"
    );
    drop(sim);
}

#[test]
fn follow_rides_out_garbled_and_cut_answers_and_keeps_printing() {
    let (sim, base) = start_sim(&["--lockouts-per-minute", "0", "--no-history"]);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // A 200 that says JSON and is not, then a real page cut short: each fails one poll,
    // and the poll after it may succeed, so the follower must not give up.
    rt.block_on(async {
        for kind in ["garbage", "truncated", "garbage"] {
            let resp = reqwest::Client::new()
                .post(format!("{base}/__sim/faults"))
                .json(&serde_json::json!({"type": kind, "pathPrefix": "/api/v1/logs"}))
                .send()
                .await
                .unwrap();
            assert!(resp.status().is_success(), "{}", resp.status());
        }
    });
    let mut follower = Proc::spawn_capturing_stderr(
        &[
            "lockouts",
            "--follow",
            "--json",
            "--interval",
            "1",
            "--since",
            "1m",
        ],
        &[("OKTA_CLIENT_ORGURL", &base), ("OKTA_CLIENT_TOKEN", TOKEN)],
    );
    let login = some_login(&base);
    let injected = inject_lockout(&base, &login);
    let line = follower.next_line();
    let event: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(event["uuid"], injected["uuid"]);
    assert!(
        follower.child.try_wait().unwrap().is_none(),
        "still following"
    );
    let _ = follower.child.kill();
    let (_, stderr) = follower.exit_and_stderr();
    assert!(
        stderr.contains("not JSON"),
        "the failure was said: {stderr}"
    );
    assert!(!stderr.contains("retrying cannot fix"), "{stderr}");
    drop(sim);
}

#[test]
fn a_bad_fault_spec_is_a_usage_error_naming_the_bad_part() {
    for (spec, part) in [
        ("429=5%,500=2", "500=2"),
        ("429=5%,teapot=1%", "teapot"),
        ("slow=1%", "slow=1%:3s"),
    ] {
        let out = Command::new(BIN)
            .args([
                "sim",
                "--listen",
                "127.0.0.1:0",
                "--token",
                TOKEN,
                "--faults",
                spec,
            ])
            .env("HOME", std::env::temp_dir())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(64), "{spec}: {stderr}");
        assert!(stderr.contains(part), "{spec}: {stderr}");
        assert!(out.stdout.is_empty(), "nothing was started: {spec}");
    }
    let help = Command::new(BIN).args(["sim", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("--faults <SPEC>"), "{help}");
    assert!(
        help.contains("429=5%,500=2%,slow=1%:3s,reset=1%,garbage=1%"),
        "{help}"
    );
}
