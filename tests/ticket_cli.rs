//! Tickets checked for real, headless: the binary against the simulator's ServiceNow (on the
//! same port as its Okta). A closed ticket and another caller's are refused before any push;
//! `--create-ticket` opens an incident and its work note names the audit record;
//! `ticket show` reads one.

use std::process::Output;
use std::time::Duration;

use accessdesk::sim::{self, Fault, FaultKind, PushBehaviour, SimConfig, SimHandle};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_accessdesk");
const TOKEN: &str = "ticket-cli-secret-token";

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
    config.users = 300;
    config.lockouts_per_minute = 0.0;
    config.history = false;
    config.control = true;
    config.push_delay = Some(Duration::from_millis(300));
    config.push_timeout = Duration::from_secs(3);
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
            .env("SERVICENOW_URL", self.sim.base_url())
            .env("SERVICENOW_USERNAME", sim::tickets::SERVICENOW_USER)
            .env("SERVICENOW_PASSWORD", TOKEN)
            .env("ACCESSDESK_DATA_DIR", self.data.path())
            .env("HOME", self.data.path())
            .env("XDG_CONFIG_HOME", self.data.path().join("config"))
            .env("USER", "agent.smith")
            .env("ACCESSDESK_LOG", "trace")
            .stdin(std::process::Stdio::null());
        tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap()
    }

    /// The simulated desk's tickets, as `/__sim/tickets` answers.
    fn tickets(&self) -> Vec<Value> {
        self.sim.tickets().as_array().cloned().unwrap_or_default()
    }

    /// A seeded ticket (number, caller) in one of `stages`.
    fn ticket_in(&self, stages: &[&str]) -> (String, String) {
        self.tickets()
            .into_iter()
            .find(|t| t["kind"] == "Incident" && stages.contains(&t["stage"].as_str().unwrap()))
            .map(|t| {
                (
                    t["number"].as_str().unwrap().to_string(),
                    t["caller"].as_str().unwrap().to_string(),
                )
            })
            .expect("the seeded desk has such a ticket")
    }

    async fn audit_records(&self) -> Vec<Value> {
        let list = self.run(&["audit", "list", "--json"]).await;
        assert!(list.status.success());
        String::from_utf8_lossy(&list.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A user who approves pushes and is not `other`, locked out now.
fn locked_user(env: &Env, other: &str) -> String {
    let login = env
        .sim
        .users_with_push(PushBehaviour::Approve)
        .into_iter()
        .find(|l| !l.eq_ignore_ascii_case(other))
        .unwrap();
    env.sim.lock_user(&login).unwrap();
    login
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_ticket_is_refused_before_any_push_and_the_check_is_audited() {
    let env = setup().await;
    let (number, caller) = env.ticket_in(&["Closed", "Resolved", "Canceled"]);
    // The ticket's own caller, so only its state is wrong.
    env.sim.lock_user(&caller).unwrap();
    let mut args = vec!["unlock", &caller, "--ticket", &number, "--verify", "push"];
    args.extend(KBA);
    let out = env.run(&args).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("not open"), "{}", text(&out));
    assert!(
        !env.sim
            .requests()
            .iter()
            .any(|r| r.path.ends_with("/verify")),
        "no push went out"
    );
    let record = &env.audit_records().await[0];
    assert_eq!(record["outcome"], "refused");
    assert_eq!(record["ticket"], number.as_str());
    assert_eq!(record["ticket_check"]["system"], "servicenow");
    assert_eq!(record["ticket_check"]["open"], false);
    assert_eq!(record["ticket_check"]["caller_matched"], true);
    assert_eq!(
        record["ticket_check"]["system_id"].as_str().unwrap().len(),
        32
    );
    // The refusal reached the ticket too.
    let notes = ticket_notes(&env, &number);
    assert!(
        notes
            .iter()
            .any(|n| n.contains("was refused") && n.contains("Audit record #")),
        "{notes:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_callers_open_ticket_is_refused() {
    let env = setup().await;
    let (number, caller) = env.ticket_in(&["New", "InProgress", "OnHold"]);
    let login = locked_user(&env, &caller);
    let mut args = vec![
        "unlock", &login, "--ticket", &number, "--verify", "push", "--json",
    ];
    args.extend(KBA);
    let out = env.run(&args).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let reasons = v["reasons"].to_string();
    assert!(reasons.contains("not this user"), "{reasons}");
    let unknown = env
        .run(&[
            "unlock",
            &login,
            "--ticket",
            "INC9999999",
            "--verify",
            "push",
        ])
        .await;
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        text(&unknown).contains("no such ticket"),
        "{}",
        text(&unknown)
    );
}

fn ticket_notes(env: &Env, number: &str) -> Vec<String> {
    env.tickets()
        .into_iter()
        .find(|t| t["number"] == number)
        .map(|t| {
            t["notes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["text"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_ticket_opens_an_incident_and_the_work_note_names_the_audit_record() {
    let env = setup().await;
    let login = locked_user(&env, "");
    let before = env.tickets().len();
    let mut args = vec![
        "unlock",
        &login,
        "--create-ticket",
        "--verify",
        "push",
        "--json",
    ];
    args.extend(KBA);
    let out = env.run(&args).await;
    assert!(out.status.success(), "{}", text(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outcome"], "succeeded");
    let number = v["ticket"].as_str().unwrap().to_string();
    assert!(number.starts_with("INC"), "{number}");

    let tickets = env.tickets();
    assert_eq!(tickets.len(), before + 1);
    let created = tickets
        .iter()
        .find(|t| t["number"] == number.as_str())
        .unwrap();
    assert_eq!(created["caller"], login.as_str());
    assert_eq!(created["created_by_api"], true);
    let seq = v["audit_seq"].as_i64().unwrap();
    let notes = ticket_notes(&env, &number);
    assert_eq!(notes.len(), 1, "{notes:?}");
    let note = &notes[0];
    assert!(note.contains(&format!("Audit record #{seq}")), "{note}");
    assert!(note.contains("unlock done for"), "{note}");
    assert!(note.contains("push to the user's device SUCCESS"), "{note}");
    assert!(!note.contains(TOKEN) && !note.contains("http"), "{note}");
    let internal = created["notes"][0]["internal"].as_bool().unwrap();
    assert!(internal, "a work note, not a comment the caller sees");

    let record = &env.audit_records().await[0];
    assert_eq!(record["ticket"], number.as_str());
    assert_eq!(record["ticket_check"]["number"], number.as_str());
    assert_eq!(record["ticket_check"]["caller_matched"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ticket_show_reads_one_and_says_when_there_is_none() {
    let env = setup().await;
    let (number, caller) = env.ticket_in(&["New", "InProgress", "OnHold"]);
    let out = env
        .run(&["ticket", "show", &number.to_lowercase(), "--json"])
        .await;
    assert!(out.status.success(), "{}", text(&out));
    let t: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(t["number"], number.as_str());
    assert_eq!(t["open"], true);
    assert_eq!(t["caller"]["email"], caller.as_str());
    let human = env.run(&["ticket", "show", &number]).await;
    assert!(text(&human).contains("(open)"), "{}", text(&human));

    let none = env.run(&["ticket", "show", "INC9999999"]).await;
    assert_eq!(none.status.code(), Some(2));
    assert!(
        text(&none).contains("no ticket INC9999999"),
        "{}",
        text(&none)
    );

    // Without a ticketing system it is a usage error that says how to configure one.
    let mut cmd = std::process::Command::new(BIN);
    cmd.args(["ticket", "show", &number])
        .env_remove("SERVICENOW_URL")
        .env("HOME", env.data.path())
        .env("XDG_CONFIG_HOME", env.data.path().join("config"))
        .env("ACCESSDESK_DATA_DIR", env.data.path());
    let bare = cmd.output().unwrap();
    assert_eq!(bare.status.code(), Some(64));
    assert!(text(&bare).contains("SERVICENOW_URL"), "{}", text(&bare));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolve_on_success_resolves_the_ticket_with_the_configured_close_code() {
    let env = setup().await;
    let config = env.data.path().join("accessdesk.toml");
    std::fs::write(
        &config,
        "[tickets]\nresolve_on_success = true\n\n[tickets.servicenow]\nclose_code = \"Solved (Work Around)\"\n",
    )
    .unwrap();
    let login = locked_user(&env, "");
    let mut args = vec![
        "unlock",
        &login,
        "--create-ticket",
        "--verify",
        "push",
        "--json",
    ];
    args.extend(KBA);
    let out = env
        .run_with(&args, &[("ACCESSDESK_CONFIG", config.to_str().unwrap())])
        .await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("ticket resolved"), "{}", text(&out));
    let number = serde_json::from_slice::<Value>(&out.stdout).unwrap()["ticket"]
        .as_str()
        .unwrap()
        .to_string();
    let ticket = env
        .tickets()
        .into_iter()
        .find(|t| t["number"] == number.as_str())
        .unwrap();
    assert_eq!(ticket["stage"], "Resolved", "{ticket}");
    assert_eq!(ticket["close_code"], "Solved (Work Around)", "{ticket}");
    assert!(
        ticket["close_notes"]
            .as_str()
            .unwrap()
            .contains("audit record #"),
        "{ticket}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_note_the_system_refuses_for_now_waits_in_the_outbox_and_watch_writes_it_once() {
    let env = setup().await;
    let login = locked_user(&env, "");
    // The note's PATCH meets a 503 once; the lookups and the create go through.
    env.sim.inject_fault(Fault {
        kind: FaultKind::Status { status: 503 },
        count: 1,
        path_prefix: Some("/api/now/table/incident/".into()),
    });
    let mut args = vec![
        "unlock",
        &login,
        "--create-ticket",
        "--verify",
        "push",
        "--json",
    ];
    args.extend(KBA);
    let out = env.run(&args).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("waits in the outbox"), "{}", text(&out));
    let number = serde_json::from_slice::<Value>(&out.stdout).unwrap()["ticket"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(ticket_notes(&env, &number).is_empty());
    let queued = env.run(&["outbox", "list", "--json"]).await;
    let item: Value = String::from_utf8_lossy(&queued.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|i| i["kind"] == "ticket_note")
        .expect("the note is in the outbox");
    assert_eq!(item["state"], "queued", "{item}");
    assert_eq!(item["channel"], "ticket", "{item}");

    // `watch` delivers it on its next pass, once.
    let mut watch = std::process::Command::new(BIN);
    watch
        .args(["watch", "--listen", "127.0.0.1:0"])
        .env("OKTA_CLIENT_ORGURL", env.sim.base_url())
        .env("OKTA_CLIENT_TOKEN", TOKEN)
        .env("SERVICENOW_URL", env.sim.base_url())
        .env("SERVICENOW_USERNAME", sim::tickets::SERVICENOW_USER)
        .env("SERVICENOW_PASSWORD", TOKEN)
        .env("ACCESSDESK_DATA_DIR", env.data.path())
        .env("HOME", env.data.path())
        .env("XDG_CONFIG_HOME", env.data.path().join("config"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = watch.spawn().unwrap();
    let start = std::time::Instant::now();
    while ticket_notes(&env, &number).is_empty() && start.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // A few more passes: the note is not written twice.
    tokio::time::sleep(Duration::from_secs(6)).await;
    child.kill().unwrap();
    child.wait().unwrap();
    let notes = ticket_notes(&env, &number);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].contains("Audit record #"), "{}", notes[0]);
    let after = env.run(&["outbox", "list", "--json"]).await;
    let item: Value = String::from_utf8_lossy(&after.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|i| i["kind"] == "ticket_note")
        .unwrap();
    assert_eq!(item["state"], "sent", "{item}");
}
