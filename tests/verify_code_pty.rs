//! `--verify code` on a real terminal: the binary in a pseudo-terminal, the code typed as the
//! caller would read it out, never echoed, logged or audited; and three wrong codes stop.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use accessdesk::idp::Directory;
use accessdesk::idp::okta::{ClientOptions, OktaClient};
use accessdesk::model::{Factor, FactorKind, User, UserStatus};
use accessdesk::sim::{self, SimConfig, SimHandle};
use portable_pty::{CommandBuilder, NativePtySystem, PtySize, PtySystem};
use secrecy::SecretString;

const BIN: &str = env!("CARGO_BIN_EXE_accessdesk");
const TOKEN: &str = "verify-code-token";

fn deadline() -> Duration {
    Duration::from_secs(if std::env::var_os("CI").is_some() {
        90
    } else {
        45
    })
}

struct Env {
    sim: SimHandle,
    data: tempfile::TempDir,
}

async fn setup() -> Env {
    let mut config = SimConfig::new(TOKEN);
    config.users = 120;
    config.lockouts_per_minute = 0.0;
    config.history = false;
    let sim = sim::start(config, ([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    Env {
        sim,
        data: tempfile::tempdir().unwrap(),
    }
}

impl Env {
    /// An active user with an active `kind` factor from `provider`; with `first`, one whose
    /// first factor able to take a code is that one (what `--verify code` picks by default).
    async fn user_with(&self, kind: FactorKind, provider: &str, first: bool) -> (User, Factor) {
        let c = OktaClient::new(
            url::Url::parse(&self.sim.base_url()).unwrap(),
            SecretString::from(TOKEN),
            ClientOptions::default(),
        )
        .unwrap();
        for login in self.sim.user_logins() {
            let user = c.get_user(&login).await.unwrap();
            if user.status != UserStatus::Active {
                continue;
            }
            let factors = c.list_factors(&user.id).await.unwrap();
            let candidates: Vec<Factor> = if first {
                factors
                    .into_iter()
                    .filter(|f| f.can_verify_code())
                    .take(1)
                    .collect()
            } else {
                factors
            };
            if let Some(f) = candidates
                .into_iter()
                .find(|f| f.kind == kind && f.provider == provider && f.is_active())
            {
                return (user, f);
            }
        }
        panic!("no active user with an active {kind:?} factor from {provider}");
    }

    fn start(&self, args: &[&str]) -> Terminal {
        let pty = NativePtySystem::default()
            .openpty(PtySize {
                rows: 40,
                cols: 200,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(BIN);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("NO_COLOR", "1");
        cmd.env("HOME", self.data.path());
        cmd.env("XDG_CONFIG_HOME", self.data.path().join("config"));
        cmd.env("ACCESSDESK_DATA_DIR", self.data.path().join("data"));
        cmd.env("OKTA_CLIENT_ORGURL", self.sim.base_url());
        cmd.env("OKTA_CLIENT_TOKEN", TOKEN);
        cmd.env("USER", "agent.code");
        // The most verbose logs are the likeliest to leak a secret.
        cmd.env("ACCESSDESK_LOG", "trace");
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let output = Arc::new(Mutex::new(String::new()));
        let mut reader = pty.master.try_clone_reader().unwrap();
        let sink = output.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let writer = pty.master.take_writer().unwrap();
        Terminal {
            child,
            writer,
            output,
            _master: pty.master,
        }
    }

    /// Everything written where a secret could end up: logs and the audit export.
    fn written_down(&self) -> String {
        let mut text = String::new();
        let logs = self.data.path().join("data").join("logs");
        for entry in std::fs::read_dir(&logs).unwrap() {
            text += &std::fs::read_to_string(entry.unwrap().path()).unwrap();
        }
        let export = std::process::Command::new(BIN)
            .args(["audit", "export", "--format", "jsonl"])
            .env("ACCESSDESK_DATA_DIR", self.data.path().join("data"))
            .env("HOME", self.data.path())
            .env("XDG_CONFIG_HOME", self.data.path().join("config"))
            .output()
            .unwrap();
        assert!(export.status.success());
        text + &String::from_utf8_lossy(&export.stdout)
    }

    fn audit(&self) -> Vec<serde_json::Value> {
        let list = std::process::Command::new(BIN)
            .args(["audit", "list", "--json"])
            .env("ACCESSDESK_DATA_DIR", self.data.path().join("data"))
            .env("HOME", self.data.path())
            .env("XDG_CONFIG_HOME", self.data.path().join("config"))
            .output()
            .unwrap();
        String::from_utf8_lossy(&list.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

struct Terminal {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    output: Arc<Mutex<String>>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Terminal {
    fn text(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// Wait until `what` has appeared `times` times in the output.
    fn wait_for(&self, what: &str, times: usize) {
        let start = Instant::now();
        while self.text().matches(what).count() < times {
            assert!(
                start.elapsed() < deadline(),
                "timed out waiting for {what:?} x{times}:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn type_line(&mut self, text: &str) {
        self.writer.write_all(text.as_bytes()).unwrap();
        self.writer.write_all(b"\r").unwrap();
        self.writer.flush().unwrap();
    }

    fn exit_code(&mut self) -> u32 {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.exit_code();
            }
            if start.elapsed() > deadline() {
                let _ = self.child.kill();
                panic!("the command did not end:\n{}", self.text());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

const PROMPT: &str = "Code (typed hidden";

/// Whether `text` holds `code` as a value of its own, not inside a longer run of letters and
/// digits (a hash or a timestamp's fraction may contain any six digits).
fn holds_code(text: &str, code: &str) -> bool {
    text.match_indices(code).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + code.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric())
            && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

fn wrong(code: &str) -> String {
    if code == "000000" { "111111" } else { "000000" }.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_sms_code_read_out_verifies_the_caller_and_is_never_shown_or_kept() {
    let env = setup().await;
    let (user, sms) = env.user_with(FactorKind::Sms, "OKTA", true).await;
    let mut term = env.start(&["verify", &user.login, "--verify", "code", "--json"]);
    term.wait_for(PROMPT, 1);
    assert!(
        term.text()
            .contains("A one-time code was sent to the user's SMS •••-")
    );
    let code = env
        .sim
        .last_code(&user.login, &sms.id)
        .expect("a code was sent");
    let bad = wrong(&code);
    term.type_line(&bad);
    term.wait_for("was WRONG or expired (1 of 3)", 1);
    term.wait_for(PROMPT, 2);
    term.type_line(&code);
    assert_eq!(term.exit_code(), 0, "{}", term.text());
    let shown = term.text();
    let result = shown
        .lines()
        .find(|l| l.starts_with('{'))
        .unwrap_or_else(|| panic!("{shown}"));
    let v: serde_json::Value = serde_json::from_str(result.trim()).unwrap();
    assert_eq!(v["result"], "SUCCESS");
    assert_eq!(v["method"], "otp");
    assert_eq!(v["factor_id"], sms.id.as_str());
    assert_eq!(v["whose"], "user");
    // Nothing echoed, logged or audited.
    for secret in [&code, &bad] {
        assert!(!holds_code(&shown, secret), "echoed:\n{shown}");
        assert!(!holds_code(&env.written_down(), secret), "written down");
    }
    let records = env.audit();
    let results: Vec<&str> = records
        .iter()
        .map(|r| r["evidence"][0]["result"].as_str().unwrap())
        .collect();
    assert_eq!(
        results,
        ["FAILED", "SUCCESS"],
        "in the order typed: {records:?}"
    );
    assert!(records.iter().all(|r| r["action"] == "verify_caller"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_wrong_codes_stop_and_are_audited() {
    let env = setup().await;
    let (user, sms) = env.user_with(FactorKind::Sms, "OKTA", false).await;
    env.sim.lock_user(&user.login).unwrap();
    let mut term = env.start(&[
        "unlock",
        &user.login,
        "--verify",
        "code",
        "--code-factor",
        &sms.id,
        "--ticket",
        "INC0012345",
        "--kba",
        "identity",
        "--kba",
        "callback",
        "--kba",
        "directory",
        "--kba",
        "no_pressure",
    ]);
    for attempt in 1..=3 {
        term.wait_for(PROMPT, attempt);
        let code = env.sim.last_code(&user.login, &sms.id).unwrap();
        term.type_line(&wrong(&code));
    }
    assert_eq!(term.exit_code(), 2, "{}", term.text());
    assert!(term.text().contains("3 wrong codes: code checks stop here"));
    assert_eq!(term.text().matches(PROMPT).count(), 3, "no fourth try");
    let records = env.audit();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["action"], "unlock");
    assert_eq!(records[0]["outcome"], "refused");
    assert_eq!(records[0]["evidence"].as_array().unwrap().len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_authenticator_code_is_read_from_the_app_and_the_unlock_goes_ahead() {
    let env = setup().await;
    let (user, totp) = env.user_with(FactorKind::Totp, "GOOGLE", false).await;
    env.sim.lock_user(&user.login).unwrap();
    let mut term = env.start(&[
        "unlock",
        &user.login,
        "--verify",
        "code",
        "--code-factor",
        "google",
        "--ticket",
        "INC0012345",
        "--kba",
        "identity",
        "--kba",
        "callback",
        "--kba",
        "directory",
        "--kba",
        "no_pressure",
    ]);
    term.wait_for(PROMPT, 1);
    assert!(
        term.text().contains(
            "Ask the caller to read out the code their Google Authenticator app shows now."
        ),
        "{}",
        term.text()
    );
    let code = env.sim.last_code(&user.login, &totp.id).unwrap();
    term.type_line(&code);
    assert_eq!(term.exit_code(), 0, "{}", term.text());
    assert!(term.text().contains("status now ACTIVE"), "{}", term.text());
    assert!(!holds_code(&term.text(), &code));
    assert!(!holds_code(&env.written_down(), &code));
    let records = env.audit();
    assert_eq!(records[0]["action"], "unlock");
    assert_eq!(records[0]["outcome"], "succeeded");
    assert_eq!(records[0]["evidence"][0]["kind"], "otp");
}
