//! One meaning per exit code, for every command, on the real binary against the simulator:
//! 0 done, 1 the IdP or the network failed, 2 refused, 64 usage error (clap's own included).

use std::process::Output;
use std::time::Duration;

use accessdesk::sim::{self, Fault, PushBehaviour, SimConfig, SimHandle};

const BIN: &str = env!("CARGO_BIN_EXE_accessdesk");
const TOKEN: &str = "exit-codes-token";

const DONE: i32 = 0;
const FAILED: i32 = 1;
const REFUSED: i32 = 2;
const USAGE: i32 = 64;

struct Env {
    sim: SimHandle,
    data: tempfile::TempDir,
}

async fn setup() -> Env {
    let mut config = SimConfig::new(TOKEN);
    config.users = 60;
    config.lockouts_per_minute = 0.0;
    config.history = false;
    config.push_delay = Some(Duration::from_millis(200));
    let sim = sim::start(config, ([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    Env {
        sim,
        data: tempfile::tempdir().unwrap(),
    }
}

impl Env {
    /// Run against the simulator, or against `org` when given.
    async fn run_on(&self, org: Option<&str>, args: &[&str]) -> Output {
        let mut cmd = std::process::Command::new(BIN);
        cmd.args(args)
            .env(
                "OKTA_CLIENT_ORGURL",
                org.map_or(self.sim.base_url(), str::to_string),
            )
            .env("OKTA_CLIENT_TOKEN", TOKEN)
            .env("ACCESSDESK_DATA_DIR", self.data.path())
            .env("HOME", self.data.path())
            .env("XDG_CONFIG_HOME", self.data.path().join("config"))
            .env("USER", "agent.exit")
            .stdin(std::process::Stdio::null());
        tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap()
    }

    async fn run(&self, args: &[&str]) -> Output {
        self.run_on(None, args).await
    }

    async fn expect(&self, code: i32, args: &[&str]) -> Output {
        let out = self.run(args).await;
        assert_code(&out, code, args);
        out
    }

    async fn audit(&self) -> Vec<serde_json::Value> {
        let out = self.expect(DONE, &["audit", "list", "--json"]).await;
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

fn assert_code(out: &Output, code: i32, args: &[&str]) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn with_kba(mut args: Vec<&str>) -> Vec<&str> {
    args.extend([
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
    args
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zero_when_done() {
    let env = setup().await;
    let login = env.sim.users_with_push(PushBehaviour::Approve)[0].clone();
    for args in [
        vec!["--help"],
        vec!["--version"],
        vec!["unlock", "--help"],
        vec!["checklist"],
        vec!["user", "show", &login],
        vec!["verify", &login],
    ] {
        env.expect(DONE, &args).await;
    }
    env.sim.lock_user(&login).unwrap();
    env.expect(DONE, &with_kba(vec!["unlock", &login])).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_when_the_idp_or_the_network_fails() {
    let env = setup().await;
    // Nothing listens on this port: a network failure, with the URL and the cause.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    for args in [
        vec!["user", "show", "dana@example.com"],
        vec!["lockouts"],
        with_kba(vec!["unlock", "dana@example.com"]),
        vec!["verify", "dana@example.com"],
    ] {
        let out = env.run_on(Some(&closed), &args).await;
        assert_code(&out, FAILED, &args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("cannot reach {closed}/api/v1/"))
                && err.contains("connection refused"),
            "{args:?}: {err}"
        );
    }
    // The IdP fails the unlock itself.
    let login = env.sim.users_with_push(PushBehaviour::Approve)[0].clone();
    env.sim.lock_user(&login).unwrap();
    let mut fault = Fault::status(500, 1);
    let user_id = env.sim.user_json(&login).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    fault.path_prefix = Some(format!("/api/v1/users/{user_id}/lifecycle/unlock"));
    env.sim.inject_fault(fault);
    env.expect(FAILED, &with_kba(vec!["unlock", &login])).await;
    // Every failure is on record.
    let records = env.audit().await;
    let failed: Vec<&serde_json::Value> = records
        .iter()
        .filter(|r| r["outcome"] == "failed")
        .collect();
    assert_eq!(failed.len(), 3, "{records:?}");
    assert!(failed.iter().any(|r| r["action"] == "verify_caller"));
    assert!(failed.iter().any(|r| r["target_login"] == login.as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_when_refused() {
    let env = setup().await;
    let active = env.sim.users_with_push(PushBehaviour::Approve)[0].clone();
    let rejecter = env.sim.users_with_push(PushBehaviour::Reject)[0].clone();
    env.sim.lock_user(&rejecter).unwrap();
    for args in [
        // The gate: an incomplete checklist.
        vec!["reset-password", &active, "--ticket", "INC0012345"],
        // The user's state: nothing to unlock.
        with_kba(vec!["unlock", &active]),
        // The device said no.
        with_kba(vec!["unlock", &rejecter]),
        vec!["verify", &rejecter],
        // Read-only mode.
        vec!["--read-only", "verify", &active],
        with_kba(vec!["--read-only", "reset-password", &active]),
        // No such user.
        vec!["user", "show", "nobody.at.all@example.com"],
        with_kba(vec!["reset-mfa", "nobody.at.all@example.com"]),
        // No factor by that name.
        with_kba(vec!["reset-mfa", &active, "--factor", "no-such-factor"]),
    ] {
        env.expect(REFUSED, &args).await;
    }
    // Every refused attempt is on record (`user show` is not an attempt).
    let records = env.audit().await;
    let refused = records.iter().filter(|r| r["outcome"] == "refused").count();
    assert_eq!(refused, 8, "{records:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_for_usage_errors_clap_included() {
    let env = setup().await;
    let login = env.sim.user_logins()[0].clone();
    for args in [
        vec!["--no-such-flag"],
        vec!["no-such-command"],
        vec!["unlock"],
        vec!["user"],
        vec!["unlock", &login, "--verify", "maybe"],
        vec!["lockouts", "--interval", "0"],
        vec!["lockouts", "--since", "soon"],
        vec!["unlock", &login, "--code-factor", "sms"],
        vec!["verify", &login, "--verify", "none"],
        vec!["sim", "--token", "t", "--org-url", "https://a.okta.com"],
        vec!["sim", "--token", "t", "--listen", "0.0.0.0:0"],
        vec!["--config", "/nonexistent/accessdesk.toml", "checklist"],
    ] {
        env.expect(USAGE, &args).await;
    }
    // No org configured at all.
    let out = tokio::task::spawn_blocking({
        let data = env.data.path().to_path_buf();
        move || {
            std::process::Command::new(BIN)
                .args(["user", "show", "dana@example.com"])
                .env_remove("OKTA_CLIENT_ORGURL")
                .env_remove("OKTA_CLIENT_TOKEN")
                .env_remove("ACCESSDESK_ORG_URL")
                .env_remove("ACCESSDESK_TOKEN")
                .env("ACCESSDESK_DATA_DIR", &data)
                .env("HOME", &data)
                .env("XDG_CONFIG_HOME", data.join("config"))
                .output()
                .unwrap()
        }
    })
    .await
    .unwrap();
    assert_code(&out, USAGE, &["user", "show", "(no org)"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("No Okta org is configured"));
    // Usage errors try nothing, so nothing reached the IdP or the audit log.
    assert!(
        env.sim.requests().is_empty(),
        "{:?}",
        env.sim.requests().len()
    );
    assert!(env.audit().await.is_empty());
}

/// The README's exit-code table says exactly what the codes above mean, no more, no less.
#[test]
fn the_readme_table_lists_exactly_these_codes() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md beside Cargo.toml");
    let table = readme
        .split("| code | meaning |")
        .nth(1)
        .expect("the README has an exit-code table");
    let codes: Vec<i32> = table
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| l.trim_matches('|').split('|').next()?.trim().parse().ok())
        .collect();
    // 3 is `audit verify`'s own: a broken chain.
    assert_eq!(codes, [DONE, FAILED, REFUSED, 3, USAGE], "{table}");
    let row = |code: i32| {
        table
            .lines()
            .find(|l| l.starts_with(&format!("| {code} |")))
            .unwrap()
            .to_lowercase()
    };
    assert!(row(DONE).contains("done"));
    assert!(row(FAILED).contains("idp") && row(FAILED).contains("network"));
    for reason in ["refused", "gate", "state", "read-only", "no usable factor"] {
        assert!(row(REFUSED).contains(reason), "{reason}");
    }
    assert!(row(USAGE).contains("usage"));
}
