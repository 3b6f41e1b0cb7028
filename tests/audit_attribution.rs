//! Who acted, on which org, and what went: the headless actions' audit records through the
//! real binary, against an in-process simulator on 127.0.0.1.

use accessdesk::idp::Directory;
use accessdesk::idp::okta::{ClientOptions, OktaClient};
use accessdesk::model::removal_set;
use accessdesk::sim::{self, PushBehaviour, SimConfig, SimHandle};
use secrecy::SecretString;
use std::process::{Command, Output};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_accessdesk");
const TOKEN: &str = "audit-attribution-token";
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

struct Desk {
    sim: SimHandle,
    home: tempfile::TempDir,
}

async fn desk() -> Desk {
    let mut config = SimConfig::new(TOKEN);
    config.users = 120;
    config.lockouts_per_minute = 0.0;
    config.history = false;
    config.push_delay = Some(Duration::from_millis(200));
    let sim = sim::start(config, ([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    Desk {
        sim,
        home: tempfile::tempdir().unwrap(),
    }
}

impl Desk {
    /// The binary with no `USER` or `LOGNAME` (plus `env`), against the simulator.
    async fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env_remove("USER")
            .env_remove("LOGNAME")
            .env_remove("ACCESSDESK_CONFIG")
            .env("OKTA_CLIENT_ORGURL", self.sim.base_url())
            .env("OKTA_CLIENT_TOKEN", TOKEN)
            .env("ACCESSDESK_DATA_DIR", self.home.path().join("data"))
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path().join("config"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap()
    }

    async fn records(&self) -> Vec<serde_json::Value> {
        let list = self.run(&["audit", "list", "--json"], &[]).await;
        assert!(
            list.status.success(),
            "{}",
            String::from_utf8_lossy(&list.stderr)
        );
        String::from_utf8(list.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    fn client(&self) -> OktaClient {
        OktaClient::new(
            url::Url::parse(&self.sim.base_url()).unwrap(),
            SecretString::from(TOKEN),
            ClientOptions::default(),
        )
        .unwrap()
    }

    /// The org as every record must name it: the configured base URL.
    fn org(&self) -> String {
        url::Url::parse(&self.sim.base_url()).unwrap().to_string()
    }
}

fn os_account() -> String {
    let id = Command::new("id").arg("-un").output().expect("id(1)");
    assert!(id.status.success());
    String::from_utf8(id.stdout).unwrap().trim().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_user_or_logname_a_refused_unlock_names_the_os_account_and_the_org() {
    let desk = desk().await;
    // Not locked: refused before anything is sent, and audited.
    let login = desk.sim.user_logins()[0].clone();
    let mut args = vec!["unlock", login.as_str(), "--ticket", "INC0012345", "--json"];
    args.extend(KBA);
    let out = desk.run(&args, &[]).await;
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let records = desk.records().await;
    let [record] = records.as_slice() else {
        panic!("one record: {records:?}");
    };
    assert_eq!(record["action"], "unlock");
    assert_eq!(record["outcome"], "refused");
    assert_eq!(record["agent"], os_account().as_str());
    assert_ne!(record["agent"], "unknown agent");
    assert_eq!(record["org"], desk.org().as_str());

    // With USER set, that is the name.
    let out = desk.run(&args, &[("USER", "agent.smith")]).await;
    assert_eq!(out.status.code(), Some(2));
    let records = desk.records().await;
    assert_eq!(records[1]["agent"], "agent.smith");
    let mine = desk
        .run(&["audit", "list", "--json", "--agent", "agent.smith"], &[])
        .await;
    assert_eq!(String::from_utf8_lossy(&mine.stdout).lines().count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removing_the_okta_verify_push_records_the_code_that_went_with_it() {
    let desk = desk().await;
    let client = desk.client();
    let mut target = None;
    for login in desk.sim.users_with_push(PushBehaviour::Approve) {
        let user = client.get_user(&login).await.unwrap();
        let factors = client.list_factors(&user.id).await.unwrap();
        let push = factors
            .iter()
            .find(|f| f.kind == accessdesk::model::FactorKind::Push)
            .cloned()
            .unwrap();
        if removal_set(std::slice::from_ref(&push.id), &factors).len() > 1 {
            target = Some((login, push, factors));
            break;
        }
    }
    let (login, push, factors) = target.expect("a user whose Okta Verify has a code too");
    let expected: Vec<String> = removal_set(std::slice::from_ref(&push.id), &factors)
        .iter()
        .map(|f| format!("{} [{}]", f.describe(), f.id))
        .collect();

    let mut args = vec![
        "reset-mfa",
        login.as_str(),
        "--factor",
        push.id.as_str(),
        "--ticket",
        "INC0012345",
        "--json",
    ];
    args.extend(KBA);
    let out = desk.run(&args, &[("USER", "agent.smith")]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let records = desk.records().await;
    let reset = records
        .iter()
        .find(|r| r["action"] == "reset_factor")
        .unwrap_or_else(|| panic!("{records:?}"));
    assert_eq!(reset["outcome"], "succeeded");
    assert_eq!(reset["factors_removed"], serde_json::json!(expected));
    assert_eq!(reset["org"], desk.org().as_str());
    // Every record of the action (the push check included) names the org.
    assert!(
        records.iter().all(|r| r["org"] == desk.org().as_str()),
        "{records:?}"
    );
    let verify = desk.run(&["audit", "verify"], &[]).await;
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
}
