//! The headless verified actions through the real binary, against an in-process simulator:
//! gate, push, action, audit, and what reaches the IdP.

use std::process::Output;
use std::time::Duration;

use accessdesk::sim::{self, PushBehaviour, SimConfig, SimHandle};

const BIN: &str = env!("CARGO_BIN_EXE_accessdesk");
const TOKEN: &str = "act-cli-secret-token";

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
    Env {
        sim,
        data: tempfile::tempdir().unwrap(),
    }
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
            // The most verbose logs are the likeliest to leak a secret.
            .env("ACCESSDESK_LOG", "trace");
        tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap()
    }

    fn writes(&self) -> Vec<String> {
        self.sim
            .requests()
            .into_iter()
            .filter(|r| r.method != "GET")
            .map(|r| format!("{} {}", r.method, r.path))
            .collect()
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

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unlock_with_an_approved_push_then_the_audit_verifies() {
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
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    assert_eq!(v["outcome"], "succeeded");
    assert_eq!(v["status_after"], "ACTIVE");

    let verify = env.run(&["audit", "verify"]).await;
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
    let list = env.run(&["audit", "list", "--json"]).await;
    let record: serde_json::Value =
        serde_json::from_slice(list.stdout.split(|b| *b == b'\n').next().unwrap()).unwrap();
    assert_eq!(record["action"], "unlock");
    assert_eq!(record["outcome"], "succeeded");
    assert_eq!(record["agent"], "agent.smith");
    assert_eq!(record["ticket"], "INC0012345");
    assert_eq!(record["evidence"][0]["result"], "SUCCESS");
    assert_eq!(record["evidence"][0]["subject_login"], login.as_str());
    assert!(record["idp_request_id"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incomplete_checklist_is_refused_before_any_push() {
    let env = setup().await;
    let login = env.sim.users_with_push(PushBehaviour::Approve)[0].clone();
    env.sim.lock_user(&login).unwrap();
    let out = env
        .run(&[
            "unlock",
            &login,
            "--ticket",
            "INC0012345",
            "--kba",
            "identity",
            "--json",
        ])
        .await;
    assert_eq!(out.status.code(), Some(2));
    let v = json(&out);
    assert_eq!(v["outcome"], "refused");
    assert!(
        v["reasons"][0]
            .as_str()
            .unwrap()
            .contains("checklist incomplete")
    );
    assert!(
        env.writes().is_empty(),
        "no push, no unlock: {:?}",
        env.writes()
    );
    let list = env.run(&["audit", "list", "--json"]).await;
    assert!(String::from_utf8_lossy(&list.stdout).contains("\"outcome\":\"refused\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_push_is_refused_and_warns_of_social_engineering() {
    let env = setup().await;
    let login = env.sim.users_with_push(PushBehaviour::Reject)[0].clone();
    env.sim.lock_user(&login).unwrap();
    let mut args = vec!["reset-mfa", &login, "--ticket", "RITM0000042"];
    args.extend(KBA);
    let out = env.run(&args).await;
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("social engineering"), "{stderr}");
    assert!(
        env.writes().iter().all(|w| w.ends_with("/verify")),
        "{:?}",
        env.writes()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_state_unlock_is_explained_not_attempted() {
    let env = setup().await;
    let login = env.sim.users_with_push(PushBehaviour::Approve)[0].clone();
    let mut args = vec!["unlock", &login, "--ticket", "INC0012345"];
    args.extend(KBA);
    let out = env.run(&args).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to unlock"));
    assert!(env.writes().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_link_leaves_no_url_or_token_anywhere() {
    let env = setup().await;
    let login = env.sim.user_logins()[3].clone();
    let mut args = vec![
        "reset-password",
        &login,
        "--ticket",
        "REQ1234567",
        "--verify",
        "none",
    ];
    args.extend(KBA);
    let out = env.run(&args).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut everything =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    for format in ["jsonl", "csv"] {
        let export = env.run(&["audit", "export", "--format", format]).await;
        assert!(export.status.success());
        everything += &String::from_utf8_lossy(&export.stdout);
    }
    for entry in std::fs::read_dir(env.data.path().join("logs")).unwrap() {
        everything += &std::fs::read_to_string(entry.unwrap().path()).unwrap();
    }
    assert!(
        everything.contains("reset_password"),
        "the action itself is recorded"
    );
    assert!(!everything.contains("/reset_password/"), "no reset URL");
    assert!(!everything.contains(TOKEN), "no API token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_the_caller_records_the_answer() {
    let env = setup().await;
    let approve = env.sim.users_with_push(PushBehaviour::Approve)[0].clone();
    let out = env
        .run(&["verify", &approve, "--ticket", "INC0000001", "--json"])
        .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json(&out)["result"], "SUCCESS");

    let reject = env.sim.users_with_push(PushBehaviour::Reject)[0].clone();
    let out = env.run(&["verify", &reject, "--json"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json(&out)["result"], "REJECTED");

    let list = env.run(&["audit", "list", "--json"]).await;
    let records: Vec<serde_json::Value> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 2);
    assert!(records.iter().all(|r| r["action"] == "verify_caller"));
    let outcomes: Vec<&str> = records
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert!(
        outcomes.contains(&"succeeded") && outcomes.contains(&"refused"),
        "{outcomes:?}"
    );
    // Only pushes went out: a verification changes nothing.
    assert!(
        env.writes().iter().all(|w| w.ends_with("/verify")),
        "{:?}",
        env.writes()
    );
}
