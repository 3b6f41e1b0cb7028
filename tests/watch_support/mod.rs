//! Running the real `accessdesk watch` binary against the simulator, with a real SMTP server
//! on loopback: the config file, the process (started, killed with SIGKILL, stopped with
//! SIGTERM) and the expected Message-IDs of lockout notices.
#![allow(dead_code)]

use accessdesk::notify::{IdempotencyKey, NoticeKind};
use accessdesk::sim::{self, InjectedLockout, SimConfig, SimHandle};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::notify_support::smtp_sink::SmtpSink;
use crate::notify_support::webhook_sink::WebhookSink;

pub const BIN: &str = env!("CARGO_BIN_EXE_accessdesk");
pub const TOKEN: &str = "watch-test-secret-token";
/// The right-hand side of every Message-ID (the From's domain).
pub const DOMAIN: &str = "example.com";

pub struct WatchEnv {
    pub sim: SimHandle,
    pub smtp: SmtpSink,
    pub webhook: WebhookSink,
    pub data: tempfile::TempDir,
    pub config: PathBuf,
    /// Every process started, so each log can be read after.
    pub runs: usize,
}

impl WatchEnv {
    /// A quiet simulator (no traffic of its own), an SMTP sink, and a config polling every
    /// second. `extra` is appended to the config file (e.g. `[reminders]` limits).
    pub async fn start(extra: &str) -> WatchEnv {
        let mut config = SimConfig::new(TOKEN);
        config.users = 80;
        config.lockouts_per_minute = 0.0;
        config.history = false;
        let sim = sim::start(config, ([127, 0, 0, 1], 0).into())
            .await
            .expect("simulator starts");
        let smtp = SmtpSink::start();
        let webhook = WebhookSink::start().await;
        let data = tempfile::tempdir().unwrap();
        let config = data.path().join("accessdesk.toml");
        let text = format!(
            "[lockouts]\npoll_interval_secs = 1\nlookback_minutes = 5\n\n\
             [notices]\nfrom = \"IT Service Desk <helpdesk@{DOMAIN}>\"\n\
             desk_contact = \"+1 555 0100\"\ndaily_summary_time = \"off\"\n\n\
             [smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\ntimeout_secs = 5\n\n\
             [webhook]\nformat = \"slack\"\ntimeout_secs = 5\n\n{extra}\n",
            smtp.addr().port()
        );
        std::fs::write(&config, text).unwrap();
        WatchEnv {
            sim,
            smtp,
            webhook,
            data,
            config,
            runs: 0,
        }
    }

    /// Start `accessdesk watch` (stdout, the JSON lines channel, is dropped; stderr goes to a
    /// file per run).
    pub fn spawn(&mut self, args: &[&str]) -> Child {
        self.runs += 1;
        let stderr =
            std::fs::File::create(self.data.path().join(format!("stderr-{}.txt", self.runs)))
                .unwrap();
        Command::new(BIN)
            .arg("watch")
            .args(args)
            .arg("--config")
            .arg(&self.config)
            .env("OKTA_CLIENT_ORGURL", self.sim.base_url())
            .env("OKTA_CLIENT_TOKEN", TOKEN)
            .env("ACCESSDESK_DATA_DIR", self.data.path())
            .env("HOME", self.data.path())
            .env("XDG_CONFIG_HOME", self.data.path().join("config"))
            .env("ACCESSDESK_WEBHOOK_URL", self.webhook.url())
            .env_remove("ACCESSDESK_ANSWER_KEY")
            .env("ACCESSDESK_LOG", "debug")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("watch starts")
    }

    /// What every run wrote on stderr (for failure messages).
    pub fn stderr(&self) -> String {
        (1..=self.runs)
            .map(|n| {
                std::fs::read_to_string(self.data.path().join(format!("stderr-{n}.txt")))
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join("\n---\n")
    }

    /// The seeded users other than the admin who owns the token.
    pub fn logins(&self) -> Vec<String> {
        self.sim.user_logins().into_iter().skip(1).collect()
    }

    pub fn lock(&self, login: &str) -> InjectedLockout {
        self.sim
            .lock_user(login)
            .expect("the simulator locks the user")
    }

    /// Mails received, counted by Message-ID (angle brackets removed).
    pub fn message_ids(&self) -> BTreeMap<String, usize> {
        let mut ids = BTreeMap::new();
        for mail in self.smtp.messages() {
            let id = mail
                .header("Message-ID")
                .unwrap_or_default()
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string();
            *ids.entry(id).or_insert(0) += 1;
        }
        ids
    }

    /// Webhook posts, counted by body (a resend is byte for byte the same).
    pub fn webhook_posts(&self) -> BTreeMap<String, usize> {
        let mut bodies = BTreeMap::new();
        for post in self.webhook.requests() {
            *bodies.entry(post.body).or_insert(0) += 1;
        }
        bodies
    }

    /// Wait (at most `limit`) until `done` holds for the received Message-IDs.
    pub fn wait_for(
        &self,
        limit: Duration,
        done: impl Fn(&BTreeMap<String, usize>) -> bool,
    ) -> bool {
        let start = Instant::now();
        while start.elapsed() < limit {
            if done(&self.message_ids()) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        done(&self.message_ids())
    }
}

/// The Message-ID the lockout notice about `lockout` must carry.
pub fn lockout_message_id(lockout: &InjectedLockout) -> String {
    IdempotencyKey::new(
        &lockout.user_id,
        NoticeKind::LockoutNotice,
        "",
        &lockout.uuid,
    )
    .message_id(DOMAIN)
}

/// Ask the process to stop (SIGTERM, as systemd does) and wait for it.
pub fn terminate(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let pid = child.id() as libc::pid_t;
    // SAFETY: signalling a child process this test started and has not reaped yet.
    unsafe {
        libc::kill(pid, libc::SIGTERM);
    }
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

/// SIGKILL (`Child::kill` on unix) and reap.
pub fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}
