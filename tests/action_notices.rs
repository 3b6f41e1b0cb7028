//! The notices after an agent's action, through the real binary against an in-process
//! simulator: an unlock queues the user's notice to every address of record, an MFA reset
//! the user's and the manager's, a password reset the user's; none carries the API token, a
//! reset link or a code; a refused action queues nothing.

use std::process::Output;
use std::time::Duration;

use accessdesk::audit::redact::find_secret;
use accessdesk::idp::Directory;
use accessdesk::idp::okta::{ClientOptions, OktaClient};
use accessdesk::model::User;
use accessdesk::notify::NoticeKind;
use accessdesk::outbox::{Outbox, OutboxItem, OutboxState};
use accessdesk::sim::{self, PushBehaviour, SimConfig, SimHandle};
use secrecy::SecretString;

const BIN: &str = env!("CARGO_BIN_EXE_accessdesk");
const TOKEN: &str = "action-notices-secret-token";
const KBA: [&str; 8] = [
    "--kba",
    "identity",
    "--kba",
    "callback",
    "--kba",
    "directory",
    "--kba",
    "no_pressure",
];

struct Env {
    sim: SimHandle,
    data: tempfile::TempDir,
}

async fn setup() -> Env {
    let mut config = SimConfig::new(TOKEN);
    config.users = 120;
    config.lockouts_per_minute = 0.0;
    config.history = false;
    config.push_delay = Some(Duration::from_millis(300));
    config.push_timeout = Duration::from_secs(2);
    let sim = sim::start(config, ([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    let data = tempfile::tempdir().unwrap();
    // Answer links need the address users reach `watch` at.
    std::fs::write(
        data.path().join("desk.toml"),
        "[notices]\npublic_url = \"https://accessdesk.example.com\"\n",
    )
    .unwrap();
    Env { sim, data }
}

impl Env {
    async fn run(&self, args: &[&str]) -> Output {
        let mut cmd = std::process::Command::new(BIN);
        cmd.args(args)
            .env("OKTA_CLIENT_ORGURL", self.sim.base_url())
            .env("OKTA_CLIENT_TOKEN", TOKEN)
            .env("ACCESSDESK_DATA_DIR", self.data.path())
            .env("HOME", self.data.path())
            .env("XDG_CONFIG_HOME", self.data.path().join("config"))
            .env("USER", "agent.smith")
            .env("ACCESSDESK_CONFIG", self.data.path().join("desk.toml"))
            .env_remove("ACCESSDESK_ANSWER_KEY")
            .stdin(std::process::Stdio::null());
        tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap()
    }

    fn client(&self) -> OktaClient {
        OktaClient::new(
            url::Url::parse(&self.sim.base_url()).unwrap(),
            SecretString::from(TOKEN),
            ClientOptions::default(),
        )
        .unwrap()
    }

    /// The first user (of `logins`) that fits `wanted`.
    async fn find(&self, logins: Vec<String>, wanted: impl Fn(&User) -> bool) -> User {
        let c = self.client();
        for login in logins {
            let user = c.get_user(&login).await.unwrap();
            if wanted(&user) {
                return user;
            }
        }
        panic!("no seeded user fits");
    }

    /// Everything in the outbox, oldest first (none when nothing ever opened it).
    fn outbox(&self) -> Vec<OutboxItem> {
        let path = Outbox::default_path(self.data.path());
        if !path.exists() {
            return Vec::new();
        }
        let mut items = Outbox::open(&path).unwrap().recent(100).unwrap();
        items.reverse();
        items
    }

    /// The newest audit record's seq.
    async fn last_audit_seq(&self) -> i64 {
        let list = self.run(&["audit", "list", "--json"]).await;
        let first = list.stdout.split(|b| *b == b'\n').next().unwrap().to_vec();
        let record: serde_json::Value = serde_json::from_slice(&first).unwrap();
        record["seq"].as_i64().unwrap()
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

/// No API token, reset link or one-time code anywhere in what the notice says.
fn assert_no_secret(item: &OutboxItem) {
    let n = &item.notice;
    let mut said = vec![n.subject.clone(), n.text.clone()];
    said.extend(n.html.clone());
    said.extend(n.facts.iter().map(|(k, v)| format!("{k}: {v}")));
    for text in &said {
        assert!(!text.contains(TOKEN), "the API token in {text}");
        assert!(!text.contains("reset_password/"), "a reset link in {text}");
        // The answer links' own tokens are there by design: the scan is of everything else.
        let mut rest = text.clone();
        for link in &n.links {
            rest = rest.replace(&link.url, "");
        }
        assert_eq!(find_secret(&rest), None, "in {rest}");
    }
}

fn addresses(user: &User) -> Vec<String> {
    user.email
        .iter()
        .chain(&user.second_email)
        .cloned()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unlock_queues_the_users_notice_to_every_address_of_record() {
    let env = setup().await;
    let approvers = env.sim.users_with_push(PushBehaviour::Approve);
    let user = env.find(approvers, |u| u.second_email.is_some()).await;
    env.sim.lock_user(&user.login).unwrap();
    let mut args = vec![
        "unlock",
        &user.login,
        "--ticket",
        "INC0012345",
        "--verify",
        "push",
    ];
    args.extend(KBA);
    let out = env.run(&args).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find(|l| l.contains("notice queued to"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        addresses(&user).iter().all(|a| !line.contains(a.as_str())),
        "masked: {line}"
    );
    assert_eq!(line.matches('…').count(), 2, "both addresses: {line}");

    let items = env.outbox();
    assert_eq!(items.len(), 1, "{items:?}");
    let item = &items[0];
    assert_eq!(item.state, OutboxState::Queued);
    assert_eq!(item.notice.kind, NoticeKind::ActionNotice);
    assert_eq!(item.notice.to, addresses(&user));
    assert_eq!(item.notice.to.len(), 2);
    assert_eq!(item.notice.user_id.as_deref(), Some(user.id.as_str()));
    assert_eq!(item.notice.key.stage, "unlock");
    assert_eq!(
        item.notice.key.cycle,
        env.last_audit_seq().await.to_string()
    );
    assert!(
        item.notice
            .links
            .iter()
            .any(|l| l.label == "This wasn't me"),
        "{:?}",
        item.notice.links
    );
    assert_no_secret(item);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_mfa_reset_queues_the_users_and_the_managers_notices() {
    let env = setup().await;
    let approvers = env.sim.users_with_push(PushBehaviour::Approve);
    let user = env.find(approvers, |u| u.manager_id.is_some()).await;
    let manager = env
        .client()
        .get_user(user.manager_id.as_deref().unwrap())
        .await
        .unwrap();
    let mut args = vec![
        "reset-mfa",
        &user.login,
        "--ticket",
        "RITM0000042",
        "--json",
    ];
    args.extend(KBA);
    let out = env.run(&args).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outcome"], "succeeded");
    let queued = v["notices"]["queued"].as_array().unwrap();
    assert_eq!(queued.len(), 2, "{v}");

    let items = env.outbox();
    let kinds: Vec<NoticeKind> = items.iter().map(|i| i.notice.kind).collect();
    assert_eq!(
        kinds,
        [NoticeKind::ActionNotice, NoticeKind::ManagerActionNotice]
    );
    assert_eq!(items[0].notice.to, addresses(&user));
    assert_eq!(items[1].notice.to, [manager.email.clone().unwrap()]);
    assert_eq!(
        items[1].notice.user_id.as_deref(),
        Some(user.id.as_str()),
        "the manager's notice is about the user"
    );
    assert_eq!(items[1].notice.key.user, user.id);
    let seq = env.last_audit_seq().await.to_string();
    assert!(items.iter().all(|i| i.notice.key.cycle == seq));
    for item in &items {
        assert_no_secret(item);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_reset_notice_names_the_reset_but_carries_no_link() {
    let env = setup().await;
    let login = env.sim.user_logins()[9].clone();
    let mut args = vec!["reset-password", &login, "--ticket", "INC0012345"];
    args.extend(KBA);
    let out = env.run(&args).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let items = env.outbox();
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0].notice.kind, NoticeKind::ActionNotice);
    assert_eq!(items[0].notice.key.stage, "reset_password");
    assert_no_secret(&items[0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_action_queues_nothing() {
    let env = setup().await;
    // Not locked: nothing to unlock, so the action is refused before the IdP is asked.
    let login = env.sim.users_with_push(PushBehaviour::Approve)[0].clone();
    let mut args = vec!["unlock", &login, "--ticket", "INC0012345"];
    args.extend(KBA);
    let out = env.run(&args).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(env.outbox().is_empty());
    // A rejected push: refused too, nothing queued.
    let login = env.sim.users_with_push(PushBehaviour::Reject)[0].clone();
    env.sim.lock_user(&login).unwrap();
    let mut args = vec![
        "unlock",
        &login,
        "--ticket",
        "INC0012345",
        "--verify",
        "push",
    ];
    args.extend(KBA);
    let out = env.run(&args).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(env.outbox().is_empty());
}
