//! The headless commands on PingOne, through the real binary against an in-process PingOne
//! simulator: the same gate, possession proof and audit as on Okta, configured with Ping's
//! own variable names.

use std::process::Output;
use std::time::Duration;

use accessdesk::idp::pingone::{PingOneClient, PingOneSettings, Region};
use accessdesk::idp::{ClientOptions, Directory, Provider};
use accessdesk::model::{Factor, FactorKind, User};
use accessdesk::sim::{self, PushBehaviour, SimConfig, SimHandle, SimInfo};
use secrecy::SecretString;

const BIN: &str = env!("CARGO_BIN_EXE_accessdesk");
const SECRET: &str = "pingone-cli-worker-secret";

struct Env {
    sim: SimHandle,
    info: SimInfo,
    data: tempfile::TempDir,
}

async fn setup() -> Env {
    let mut config = SimConfig::new(SECRET);
    config.provider = Provider::PingOne;
    config.users = 120;
    config.lockouts_per_minute = 0.0;
    config.history = false;
    config.push_delay = Some(Duration::from_millis(300));
    config.push_timeout = Duration::from_secs(2);
    let sim = sim::start(config, ([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    let info = sim.info();
    Env {
        sim,
        info,
        data: tempfile::tempdir().unwrap(),
    }
}

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

impl Env {
    fn environment_id(&self) -> String {
        self.info.environment_id.clone().unwrap()
    }

    async fn run(&self, args: &[&str]) -> Output {
        self.run_with_secret(args, SECRET).await
    }

    async fn run_with_secret(&self, args: &[&str], secret: &str) -> Output {
        let mut cmd = std::process::Command::new(BIN);
        cmd.args(args)
            .env("ACCESSDESK_IDP", "pingone")
            .env("PINGONE_ENVIRONMENT_ID", self.environment_id())
            .env("PINGONE_CLIENT_ID", self.info.client_id.clone().unwrap())
            .env("PINGONE_CLIENT_SECRET", secret)
            .env("PINGONE_API_URL", &self.info.api_url)
            .env("PINGONE_AUTH_URL", &self.info.auth_url)
            .env_remove("OKTA_CLIENT_ORGURL")
            .env_remove("OKTA_CLIENT_TOKEN")
            .env("ACCESSDESK_DATA_DIR", self.data.path())
            .env("HOME", self.data.path())
            .env("XDG_CONFIG_HOME", self.data.path().join("config"))
            .env("USER", "agent.smith")
            // The most verbose logs are the likeliest to leak a secret.
            .env("ACCESSDESK_LOG", "trace")
            .stdin(std::process::Stdio::null());
        tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap()
    }

    fn client(&self) -> PingOneClient {
        let mut settings = PingOneSettings::new(
            self.environment_id(),
            self.info.client_id.clone().unwrap(),
            SecretString::from(SECRET),
            Region::default(),
        );
        settings.api_url = url::Url::parse(&self.info.api_url).unwrap();
        settings.auth_url = url::Url::parse(&self.info.auth_url).unwrap();
        PingOneClient::new(settings, ClientOptions::default()).unwrap()
    }

    async fn audit_records(&self) -> Vec<serde_json::Value> {
        let list = self.run(&["audit", "list", "--json"]).await;
        assert!(list.status.success(), "{}", stderr(&list));
        String::from_utf8_lossy(&list.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    fn deletes(&self) -> Vec<String> {
        self.sim
            .requests()
            .into_iter()
            .filter(|r| r.method == "DELETE")
            .map(|r| r.path)
            .collect()
    }

    /// Every log line the runs wrote, to look for secrets.
    fn logs(&self) -> String {
        let mut text = String::new();
        for entry in walk(self.data.path()) {
            if let Ok(s) = std::fs::read_to_string(&entry) {
                text.push_str(&s);
            }
        }
        text
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            stderr(out)
        )
    })
}

/// A user who approves pushes and has a push device and at least two other devices.
async fn user_with_devices(env: &Env) -> (User, Vec<Factor>) {
    let client = env.client();
    for login in env.sim.users_with_push(PushBehaviour::Approve) {
        let user = client.get_user(&login).await.unwrap();
        let devices = client.list_factors(&user.id).await.unwrap();
        if devices.iter().any(Factor::can_push) && devices.len() >= 3 {
            return (user, devices);
        }
    }
    panic!("no seeded user has a push device and two more");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_mfa_with_chosen_devices_removes_exactly_those() {
    let env = setup().await;
    let (user, devices) = user_with_devices(&env).await;
    // Two devices that are not the push the caller proves possession with.
    let chosen: Vec<&Factor> = devices
        .iter()
        .filter(|d| d.kind != FactorKind::Push)
        .take(2)
        .collect();
    assert_eq!(chosen.len(), 2, "{devices:?}");
    let mut args = vec!["reset-mfa", &user.login, "--ticket", "INC0012345", "--json"];
    for d in &chosen {
        args.extend(["--factor", d.id.as_str()]);
    }
    args.extend(KBA);
    let out = env.run(&args).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["outcome"], "succeeded", "{v}");
    let removed: Vec<&str> = v["factors_removed"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"))
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    let wanted: Vec<&str> = chosen.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(removed, wanted, "{v}");
    assert_eq!(v["factors_after"], devices.len() - 2, "{v}");

    // One DELETE per chosen device, nothing else removed.
    let deletes = env.deletes();
    assert_eq!(deletes.len(), 2, "{deletes:?}");
    for (path, id) in deletes.iter().zip(&wanted) {
        assert!(path.ends_with(&format!("/devices/{id}")), "{path}");
    }
    let left = env.client().list_factors(&user.id).await.unwrap();
    let left_ids: Vec<&str> = left.iter().map(|d| d.id.as_str()).collect();
    let expected: Vec<&str> = devices
        .iter()
        .map(|d| d.id.as_str())
        .filter(|id| !wanted.contains(id))
        .collect();
    assert_eq!(left_ids, expected);

    let records = env.audit_records().await;
    let record = records
        .iter()
        .find(|r| r["action"] == "reset_factor")
        .unwrap_or_else(|| panic!("{records:?}"));
    assert_eq!(record["outcome"], "succeeded", "{record}");
    let org = record["org"].as_str().unwrap_or_default();
    assert!(
        org.ends_with(&format!("/v1/environments/{}", env.environment_id())),
        "the audit names the environment: {record}"
    );
    assert_eq!(record["evidence"][0]["kind"], "push", "{record}");
    let verify = env.run(&["audit", "verify"]).await;
    assert!(verify.status.success(), "{}", stderr(&verify));
    assert!(
        !env.logs().contains(SECRET),
        "the secret never reaches a file"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unlock_through_the_gate_leaves_the_user_active() {
    let env = setup().await;
    let login = env.sim.users_with_push(PushBehaviour::Approve)[0].clone();
    env.sim.lock_user(&login).unwrap();
    let mut args = vec![
        "unlock",
        &login,
        "--ticket",
        "INC0012345",
        "--verify",
        "push",
        "--json",
    ];
    args.extend(KBA);
    let out = env.run(&args).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["outcome"], "succeeded", "{v}");
    assert_eq!(v["status_after"], "ACTIVE", "{v}");
    let show = env.run(&["user", "show", &login, "--json"]).await;
    assert!(show.status.success(), "{}", stderr(&show));
    assert_eq!(json(&show)["user"]["status"], "ACTIVE");
    let records = env.audit_records().await;
    let unlock = records.iter().find(|r| r["action"] == "unlock").unwrap();
    assert!(unlock["idp_request_id"].is_string(), "{unlock}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_secret_is_explained_in_pingone_terms() {
    let env = setup().await;
    let login = env.sim.users_with_push(PushBehaviour::Approve)[0].clone();
    let wrong = "not-the-worker-secret";
    let out = env.run_with_secret(&["user", "show", &login], wrong).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("PINGONE_CLIENT_ID") && err.contains("PINGONE_CLIENT_SECRET"),
        "the hint names Ping's own settings: {err}"
    );
    assert!(!err.contains("OKTA_"), "no Okta advice on PingOne: {err}");
    assert!(!err.contains(wrong) && !env.logs().contains(wrong), "{err}");

    // The gate's refusal says the same, and audits it.
    let mut args = vec!["unlock", &login, "--ticket", "INC0012345", "--json"];
    args.extend(KBA);
    let out = env.run_with_secret(&args, wrong).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    assert!(text.contains("PINGONE_CLIENT_SECRET"), "{text}");
    assert!(!text.contains("OKTA_"), "{text}");
}
