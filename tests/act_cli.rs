//! The headless verified actions through the real binary, against an in-process simulator:
//! gate, push, action, audit, and what reaches the IdP.

use std::process::Output;
use std::time::Duration;

use accessdesk::idp::Directory;
use accessdesk::idp::okta::{ClientOptions, OktaClient};
use accessdesk::model::{Action, Factor, FactorKind, User};
use accessdesk::policy::gate::{self, Attestation, GatePolicy, Requirement, Target};
use accessdesk::sim::{self, PushBehaviour, SimConfig, SimHandle};
use secrecy::SecretString;

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
        self.run_with(args, &[]).await
    }

    async fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = std::process::Command::new(BIN);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.args(args)
            .env("OKTA_CLIENT_ORGURL", self.sim.base_url())
            .env("OKTA_CLIENT_TOKEN", TOKEN)
            .env("ACCESSDESK_DATA_DIR", self.data.path())
            .env("HOME", self.data.path())
            .env("XDG_CONFIG_HOME", self.data.path().join("config"))
            .env("USER", "agent.smith")
            // The most verbose logs are the likeliest to leak a secret.
            .env("ACCESSDESK_LOG", "trace");
        // No terminal: the way a script runs it.
        cmd.stdin(std::process::Stdio::null());
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

    /// The first user (of `logins`) whose factors satisfy `wanted`, with them.
    async fn find(
        &self,
        logins: Vec<String>,
        wanted: impl Fn(&User, &[Factor]) -> bool,
    ) -> (User, Vec<Factor>) {
        let c = self.client();
        for login in logins {
            let user = c.get_user(&login).await.unwrap();
            let factors = c.list_factors(&user.id).await.unwrap();
            if wanted(&user, &factors) {
                return (user, factors);
            }
        }
        panic!("no seeded user fits");
    }

    /// Remove every factor of a user behind the test's back (a gate without possession).
    async fn strip_factors(&self, user: &User) {
        let open = Requirement {
            checklist: false,
            ticket: false,
            possession: false,
        };
        let policy = GatePolicy {
            reset_factors: open,
            ..GatePolicy::default()
        };
        let verified = gate::check(
            &policy,
            &Target::from(user),
            &Action::ResetAllFactors,
            &Attestation::default(),
            chrono::Utc::now(),
        )
        .unwrap();
        self.client().perform(&verified).await.unwrap();
    }

    async fn audit_records(&self) -> Vec<serde_json::Value> {
        let list = self.run(&["audit", "list", "--json"]).await;
        assert!(list.status.success());
        String::from_utf8_lossy(&list.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
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

fn okta_verify_code(f: &Factor) -> bool {
    f.kind == FactorKind::Totp && f.provider == "OKTA"
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_mfa_by_type_reports_the_push_and_the_okta_verify_code_it_took() {
    let env = setup().await;
    let approvers = env.sim.users_with_push(PushBehaviour::Approve);
    let (user, factors) = env
        .find(approvers, |_, f| {
            f.iter().any(|f| f.can_push()) && f.iter().any(okta_verify_code) && f.len() >= 3
        })
        .await;
    let push = factors.iter().find(|f| f.can_push()).unwrap();
    let code = factors.iter().find(|f| okta_verify_code(f)).unwrap();
    let mut args = vec![
        "reset-mfa",
        &user.login,
        "--factor",
        "push",
        "--ticket",
        " ritm0000042 ",
        "--json",
    ];
    args.extend(KBA);
    let out = env.run(&args).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["outcome"], "succeeded");
    assert_eq!(v["ticket"], "RITM0000042", "the ticket as normalised");
    let removed = v["factors_removed"].as_array().unwrap();
    let ids: Vec<&str> = removed.iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [push.id.as_str(), code.id.as_str()], "{v}");
    assert_eq!(removed[0]["type"], "push");
    assert_eq!(removed[0]["provider"], "OKTA");
    assert_eq!(removed[1]["type"], "token:software:totp");
    assert_eq!(removed[1]["description"], "Okta Verify code");
    assert_eq!(v["factors_after"], factors.len() - 2);
    // Only the push was asked for: its code went along, the IdP was not asked twice.
    let deletes: Vec<String> = env
        .writes()
        .into_iter()
        .filter(|w| w.starts_with("DELETE"))
        .collect();
    assert_eq!(deletes.len(), 1, "{deletes:?}");
    assert!(deletes[0].ends_with(&push.id));
    let left = env.client().list_factors(&user.id).await.unwrap();
    assert!(left.iter().all(|f| f.id != push.id && f.id != code.id));
    assert_eq!(left.len(), factors.len() - 2);
    let records = env.audit_records().await;
    assert_eq!(records[0]["action"], "reset_factor");
    assert_eq!(records[0]["ticket"], "RITM0000042");
    // The audit lists the same factors as the output: the push and the code it took along.
    let audited: Vec<&str> = records[0]["factors_removed"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", records[0]))
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(audited.len(), ids.len(), "{audited:?}");
    for (entry, id) in audited.iter().zip(&ids) {
        assert!(entry.ends_with(&format!("[{id}]")), "{entry} for {id}");
    }
    assert!(audited[1].starts_with("Okta Verify code"), "{audited:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_mfa_says_before_what_goes_along_and_after_what_went() {
    let env = setup().await;
    let approvers = env.sim.users_with_push(PushBehaviour::Approve);
    let (user, factors) = env
        .find(approvers, |_, f| {
            f.iter().any(|f| f.can_push()) && f.iter().any(okta_verify_code)
        })
        .await;
    let push = factors.iter().find(|f| f.can_push()).unwrap();
    let code = factors.iter().find(|f| okta_verify_code(f)).unwrap();
    let mut args = vec![
        "reset-mfa",
        &user.login,
        "--factor",
        &push.id,
        "--ticket",
        "INC0012345",
    ];
    args.extend(KBA);
    let out = env.run(&args).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    let preview = format!(
        "Removing {} also removes: Okta Verify code",
        push.describe()
    );
    let preview_at = err.find(&preview).unwrap_or_else(|| panic!("{err}"));
    let push_at = err.find("Push sent to the user's Okta Verify").unwrap();
    assert!(preview_at < push_at, "said before anything is sent:\n{err}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!(
            "removed: {} [{}], Okta Verify code [{}]",
            push.describe(),
            push.id,
            code.id
        )),
        "{stdout}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_or_ambiguous_factor_is_refused_with_the_users_factors() {
    let env = setup().await;
    let (user, factors) = env
        .find(env.sim.user_logins(), |_, f| {
            f.iter().filter(|f| f.provider == "OKTA").count() >= 2
                && !f.iter().any(|f| f.kind == FactorKind::WebAuthn)
        })
        .await;
    for (name, says) in [("webauthn", "matches none of"), ("okta", "name one by id")] {
        let mut args = vec![
            "reset-mfa",
            &user.login,
            "--factor",
            name,
            "--ticket",
            "INC0012345",
        ];
        args.extend(KBA);
        let out = env.run(&args).await;
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains(says), "{name}: {err}");
        // The list of what the user has: id, type and provider of each.
        for f in &factors {
            assert!(
                err.lines().any(|l| l.contains(&f.id)
                    && l.contains(&f.factor_type)
                    && l.contains(&f.provider)),
                "{} missing:\n{err}",
                f.id
            );
        }
    }
    assert!(env.writes().is_empty(), "{:?}", env.writes());
    let records = env.audit_records().await;
    assert_eq!(records.len(), 2);
    assert!(records.iter().all(|r| r["outcome"] == "refused"
        && r["target_login"] == user.login.as_str()
        && r["action"] == "reset_factor"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_login_and_read_only_mode_are_refused_and_audited() {
    let env = setup().await;
    let mut args = vec![
        "unlock",
        "nobody.here@example.com",
        "--ticket",
        "INC0012345",
    ];
    args.extend(KBA);
    let out = env.run(&args).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("no user \"nobody.here@example.com\""));

    let login = env.sim.user_logins()[7].clone();
    let before = env.sim.requests().len();
    let out = env.run(&["--read-only", "verify", &login, "--json"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json(&out)["outcome"], "refused");
    assert!(
        json(&out)["reasons"][0]
            .as_str()
            .unwrap()
            .contains("read-only")
    );
    assert_eq!(env.sim.requests().len(), before, "nothing sent to the IdP");

    let records = env.audit_records().await;
    let unknown = records
        .iter()
        .find(|r| r["action"] == "unlock")
        .expect("the unknown login's attempt is on record");
    assert_eq!(unknown["outcome"], "refused");
    assert_eq!(unknown["target_login"], "nobody.here@example.com");
    assert!(unknown["target_id"].is_null());
    let read_only = records
        .iter()
        .find(|r| r["action"] == "verify_caller")
        .unwrap();
    assert_eq!(read_only["outcome"], "refused");
    assert_eq!(read_only["target_login"], login.as_str());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_push_factor_the_refusal_names_what_can_verify_the_caller() {
    let env = setup().await;
    let (user, _) = env
        .find(env.sim.user_logins(), |u, f| {
            u.status == accessdesk::model::UserStatus::Active
                && !f.iter().any(|f| f.can_push())
                && f.iter().any(|f| f.kind == FactorKind::Sms && f.is_active())
        })
        .await;
    let out = env.run(&["verify", &user.login, "--json"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let v = json(&out);
    let reasons = v["reasons"].to_string();
    assert!(
        reasons.contains("has no active Okta Verify push factor"),
        "{reasons}"
    );
    assert!(reasons.contains("--verify code (SMS"), "{reasons}");
    assert!(env.writes().is_empty(), "{:?}", env.writes());
    let records = env.audit_records().await;
    assert_eq!(records[0]["action"], "verify_caller");
    assert_eq!(records[0]["outcome"], "refused");
    assert!(
        records[0]["error"]
            .as_str()
            .unwrap()
            .contains("push factor")
    );

    // A code needs someone at a terminal to type it: without one, nothing is sent.
    let out = env
        .run(&[
            "verify",
            &user.login,
            "--verify",
            "code",
            "--code-factor",
            "sms",
        ])
        .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--verify code needs a terminal"),
        "{}",
        stderr(&out)
    );
    assert!(
        env.writes().is_empty(),
        "no code was sent: {:?}",
        env.writes()
    );
    assert_eq!(env.audit_records().await.len(), 2, "the refusal is audited");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_nobody_can_vouch_for_is_told_to_escalate_or_verify_in_person() {
    let env = setup().await;
    let (user, _) = env
        .find(env.sim.user_logins(), |u, _| {
            u.status == accessdesk::model::UserStatus::Active && u.manager_id.is_some()
        })
        .await;
    let manager = env
        .client()
        .get_user(user.manager_id.as_ref().unwrap())
        .await
        .unwrap();
    env.strip_factors(&user).await;
    env.strip_factors(&manager).await;
    let before = env.writes().len();
    let mut args = vec!["unlock", &user.login, "--ticket", "INC0012345"];
    args.extend(KBA);
    env.sim.lock_user(&user.login).unwrap();
    let out = env.run(&args).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("cannot be verified remotely"), "{err}");
    assert!(
        err.contains("escalate") && err.contains("in person"),
        "{err}"
    );
    assert_eq!(env.writes().len(), before, "nothing was sent");
    let records = env.audit_records().await;
    assert_eq!(records[0]["outcome"], "refused");
    assert!(
        records[0]["error"]
            .as_str()
            .unwrap()
            .contains("cannot be verified remotely")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_answer_names_whose_device_it_was() {
    let env = setup().await;
    let (user, manager) = {
        let c = env.client();
        let approvers = env.sim.users_with_push(PushBehaviour::Approve);
        let mut pair = None;
        for login in env.sim.user_logins() {
            let user = c.get_user(&login).await.unwrap();
            if let Some(id) = &user.manager_id {
                let manager = c.get_user(id).await.unwrap();
                if approvers.contains(&manager.login) {
                    pair = Some((user, manager));
                    break;
                }
            }
        }
        pair.expect("a user whose manager has a push factor")
    };
    env.sim
        .set_push_behaviour(&manager.login, PushBehaviour::Reject)
        .unwrap();
    let out = env.run(&["verify", &user.login, "--manager"]).await;
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "the MANAGER's push ({}) was REJECTED",
            manager.login
        )),
        "{err}"
    );
    assert!(err.contains("social engineering"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_passwords_default_check_follows_the_configured_policy() {
    let env = setup().await;
    let login = env.sim.user_logins()[9].clone();
    let mut args = vec!["reset-password", &login, "--ticket", "INC0012345", "--json"];
    args.extend(KBA);
    // The default policy: the link goes to the mailbox of record, no push.
    let out = env.run(&args).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        env.writes().iter().all(|w| !w.ends_with("/verify")),
        "{:?}",
        env.writes()
    );

    // A policy that wants possession for it: the default is then a push.
    let config = env.data.path().join("strict.toml");
    std::fs::write(
        &config,
        "[verification]\nreset_password = { checklist = true, ticket = true, possession = true }\n",
    )
    .unwrap();
    let login = env.sim.users_with_push(PushBehaviour::Approve)[1].clone();
    let mut args = vec![
        "reset-password",
        &login,
        "--ticket",
        "INC0012345",
        "--json",
        "--config",
        config.to_str().unwrap(),
    ];
    args.extend(KBA);
    let before = env.writes().len();
    let out = env.run(&args).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let writes = env.writes()[before..].to_vec();
    assert_eq!(writes.len(), 2, "{writes:?}");
    assert!(writes[0].ends_with("/verify") && writes[1].ends_with("/lifecycle/reset_password"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_in_the_wrong_form_is_explained_in_words() {
    let env = setup().await;
    let login = env.sim.user_logins()[9].clone();
    let mut args = vec!["reset-password", &login, "--ticket", "1234567"];
    args.extend(KBA);
    let out = env.run(&args).await;
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("INC, RITM or REQ followed by 7 digits, e.g. INC0012345"),
        "{err}"
    );
    assert!(!err.contains("\\d"), "no regex: {err}");
    let records = env.audit_records().await;
    assert_eq!(
        records[0]["outcome"], "refused",
        "audited even with a digits-only ticket"
    );
    assert_eq!(records[0]["ticket"], "1234567");
}
