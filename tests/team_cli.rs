//! The audit trail in team mode through the real binary: a headless unlock writes its record
//! into the desk's PostgreSQL in the name of the database role (not `$USER`), nothing goes to
//! the local log, `audit list|verify|export` read the desk's chain, and `audit import` brings
//! a local log in as a chain of its own, refusing a second import and a tampered log;
//! `team migrate` brings a new database up (agents cannot, and are told who must) and
//! `team status` shows the desk. The database password never shows.

mod team_support;

use std::process::Output;
use std::time::Duration;

use accessdesk::audit::{AuditEntry, AuditLog, Outcome};
use accessdesk::sim::{self, PushBehaviour, SimConfig, SimHandle};
use team_support::Desk;

const BIN: &str = env!("CARGO_BIN_EXE_accessdesk");
const TOKEN: &str = "team-cli-secret-token";

struct Env {
    sim: SimHandle,
    desk: Desk,
    data: tempfile::TempDir,
}

impl Env {
    async fn start() -> Env {
        let mut config = SimConfig::new(TOKEN);
        config.users = 80;
        config.lockouts_per_minute = 0.0;
        config.history = false;
        config.push_delay = Some(Duration::from_millis(200));
        let sim = sim::start(config, ([127, 0, 0, 1], 0).into())
            .await
            .unwrap();
        let desk = tokio::task::spawn_blocking(|| {
            let desk = Desk::start();
            desk.role("alice", "accessdesk_agent");
            desk
        })
        .await
        .unwrap();
        Env {
            sim,
            desk,
            data: tempfile::tempdir().unwrap(),
        }
    }

    /// `accessdesk ARGS` as database role alice (the OS user is someone else).
    async fn run(&self, args: &[&str]) -> Output {
        self.run_as(&self.desk.url_for("alice"), "alice-pw", args)
            .await
    }

    /// `accessdesk ARGS` with this database URL and password.
    async fn run_as(&self, url: &str, password: &str, args: &[&str]) -> Output {
        let mut cmd = std::process::Command::new(BIN);
        cmd.args(args)
            .env("OKTA_CLIENT_ORGURL", self.sim.base_url())
            .env("OKTA_CLIENT_TOKEN", TOKEN)
            .env("ACCESSDESK_DATABASE_URL", url)
            .env("ACCESSDESK_DATABASE_PASSWORD", password)
            .env("ACCESSDESK_DATA_DIR", self.data.path())
            .env("HOME", self.data.path())
            .env("XDG_CONFIG_HOME", self.data.path().join("config"))
            .env("USER", "os.user")
            .env("ACCESSDESK_LOG", "trace")
            .stdin(std::process::Stdio::null());
        tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap()
    }

    fn local_log(&self) -> std::path::PathBuf {
        AuditLog::default_path(self.data.path())
    }

    /// Every byte the program wrote where a person or a log reader could see it.
    fn everything_shown(&self, outputs: &[&Output]) -> String {
        let mut all: String = outputs
            .iter()
            .map(|o| {
                String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr)
            })
            .collect();
        for entry in walk(self.data.path()) {
            if entry.extension().is_some_and(|e| e == "log")
                || entry.to_string_lossy().contains("log")
            {
                all.push_str(&std::fs::read_to_string(&entry).unwrap_or_default());
            }
        }
        all
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

fn lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unlock_in_team_mode_is_recorded_in_the_desks_trail_as_the_database_role() {
    let env = Env::start().await;
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
    let unlock = env.run(&args).await;
    ok(&unlock);

    let list = env.run(&["audit", "list", "--json"]).await;
    ok(&list);
    let records = lines(&list);
    let unlock_record = records
        .iter()
        .find(|r| r["action"] == "unlock")
        .expect("the unlock is in the desk's trail");
    assert_eq!(unlock_record["agent"], "alice", "the role, not $USER");
    assert_eq!(unlock_record["outcome"], "succeeded");
    assert!(
        !env.local_log().exists()
            || AuditLog::open(&env.local_log())
                .unwrap()
                .list(None)
                .unwrap()
                .is_empty(),
        "nothing in the local log"
    );

    let verify = env.run(&["audit", "verify", "--json"]).await;
    ok(&verify);
    let report: serde_json::Value = serde_json::from_slice(&verify.stdout).unwrap();
    assert_eq!(report["status"], "ok");
    assert_eq!(report["records"], records.len());
    assert!(report["path"].as_str().unwrap().contains("chain desk"));

    // The user's notice about the unlock waits in the desk's outbox, for whichever `watch`
    // delivers it; nothing was queued on this machine.
    let outbox = env.run(&["outbox", "list", "--json"]).await;
    ok(&outbox);
    let queued = lines(&outbox);
    let notice = queued
        .iter()
        .find(|n| n["kind"] == "action_notice")
        .unwrap_or_else(|| panic!("the unlock's notice is in the desk's outbox: {queued:?}"));
    assert_eq!(notice["state"], "queued");
    assert!(
        !accessdesk::outbox::Outbox::default_path(env.data.path()).exists(),
        "no local outbox"
    );

    let export = env.run(&["audit", "export", "--format", "jsonl"]).await;
    ok(&export);
    assert_eq!(lines(&export), records);

    let shown = env.everything_shown(&[&unlock, &list, &verify, &export, &outbox]);
    assert!(
        !shown.contains("alice-pw"),
        "the database password never shows"
    );
    assert!(!shown.contains(TOKEN), "nor the API token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_log_is_imported_once_verified_and_anchored_in_the_desks_chain() {
    let env = Env::start().await;
    {
        let mut local = AuditLog::open(&env.local_log()).unwrap();
        for n in 0..4 {
            let time = chrono::DateTime::from_timestamp(1_764_000_000 + n, 0).unwrap();
            let mut e = AuditEntry::new(time, "os.user", "unlock", Outcome::Succeeded);
            e.target_login = Some(format!("user{n}@example.com"));
            local.append(&e).unwrap();
        }
    }
    let import = env
        .run(&["audit", "import", "--chain", "laptop", "--json"])
        .await;
    ok(&import);
    let result: serde_json::Value = serde_json::from_slice(&import.stdout).unwrap();
    assert_eq!(result["imported"], 4);
    assert_eq!(result["chain"], "import:laptop");

    let desk = lines(&env.run(&["audit", "list", "--json"]).await);
    let anchor = desk.iter().find(|r| r["action"] == "audit_import").unwrap();
    assert_eq!(anchor["agent"], "alice");
    assert!(
        anchor["note"]
            .as_str()
            .unwrap()
            .contains(result["head"].as_str().unwrap())
    );

    let verify = env.run(&["audit", "verify", "--json"]).await;
    ok(&verify);
    let report: serde_json::Value = serde_json::from_slice(&verify.stdout).unwrap();
    assert_eq!(report["imported"][0]["status"], "ok");
    assert_eq!(report["imported"][0]["records"], 4);
    let text = env.run(&["audit", "verify"]).await;
    assert!(
        String::from_utf8_lossy(&text.stdout)
            .contains("imported chain import:laptop: audit log OK: 4 records")
    );

    // Again into the same chain: refused, nothing written.
    let again = env.run(&["audit", "import", "--chain", "laptop"]).await;
    assert_eq!(again.status.code(), Some(2));

    // A tampered local log is refused before anything is copied.
    let sqlite = rusqlite::Connection::open(env.local_log()).unwrap();
    sqlite
        .execute_batch(
            "DROP TRIGGER audit_no_update; UPDATE audit SET agent = 'mallory' WHERE seq = 2;",
        )
        .unwrap();
    let tampered = env.run(&["audit", "import", "--chain", "other"]).await;
    assert_eq!(tampered.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&tampered.stderr).contains("refusing to import"));
    let after = env.run(&["audit", "verify", "--json"]).await;
    let report: serde_json::Value = serde_json::from_slice(&after.stdout).unwrap();
    assert_eq!(
        report["imported"].as_array().unwrap().len(),
        1,
        "no second chain"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_without_a_team_database_is_a_usage_error() {
    let env = Env::start().await;
    let mut cmd = std::process::Command::new(BIN);
    cmd.args(["audit", "import"])
        .env("ACCESSDESK_DATA_DIR", env.data.path())
        .env("HOME", env.data.path())
        .env("XDG_CONFIG_HOME", env.data.path().join("config"))
        .env_remove("ACCESSDESK_DATABASE_URL");
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&out.stderr).contains("[team] database_url"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn team_migrate_brings_a_new_database_up_and_team_status_shows_the_desk() {
    let env = Env::start().await;
    env.desk.admin.execute("CREATE DATABASE fresh").unwrap();
    let cluster = &env.desk.cluster;
    let fresh_as = |role: &str| {
        format!(
            "postgres://{role}@127.0.0.1:{}/fresh?sslmode=disable",
            cluster.port()
        )
    };
    let owner = fresh_as(accessdesk::team::cluster::ADMIN_ROLE);
    let owner_pw = cluster.admin_password().to_string();

    // An agent may not create the schema, and is told who must.
    let refused = env
        .run_as(&fresh_as("alice"), "alice-pw", &["team", "status"])
        .await;
    assert_eq!(refused.status.code(), Some(1));
    let why = String::from_utf8_lossy(&refused.stderr);
    assert!(
        why.contains("run `accessdesk team migrate` once as the database's owner"),
        "{why}"
    );

    let migrated = env
        .run_as(&owner, &owner_pw, &["team", "migrate", "--json"])
        .await;
    ok(&migrated);
    let done = &lines(&migrated)[0];
    assert_eq!(done["schema_before"], 0);
    assert_eq!(done["schema"], accessdesk::team::migrations::LATEST);
    let again = env.run_as(&owner, &owner_pw, &["team", "migrate"]).await;
    ok(&again);
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("nothing to do"),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );

    // Alice on the desk: her claim and her role's rights are what status says.
    let alice = env.desk.connect_as("alice");
    accessdesk::team::claims::claim(&alice, "user:00u1", Some("00u1"), Duration::from_secs(600))
        .await
        .unwrap();
    let status = env.run(&["team", "status", "--json"]).await;
    ok(&status);
    let status = &lines(&status)[0];
    assert_eq!(status["role"], "alice");
    assert_eq!(
        (status["agent"].as_bool(), status["watch"].as_bool()),
        (Some(true), Some(false))
    );
    assert_eq!(status["schema"], status["schema_latest"]);
    assert!(status["feed"].is_null(), "no watch has led: {status}");
    assert_eq!(status["live_claims"][0]["agent"], "alice");
    assert_eq!(status["live_claims"][0]["user_id"], "00u1");
    assert!(status["audit_chains"].is_array());

    let text = env.run(&["team", "status"]).await;
    ok(&text);
    let shown = String::from_utf8_lossy(&text.stdout);
    assert!(
        shown.contains("role          alice (agent: yes, watch: no)"),
        "{shown}"
    );
    assert!(shown.contains("no watch has led the feed yet"), "{shown}");
    assert!(shown.contains("alice on 00u1 since"), "{shown}");

    let everything = env.everything_shown(&[&refused, &migrated, &again, &text]);
    assert!(!everything.contains("alice-pw"));
    assert!(!everything.contains(&owner_pw));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn team_commands_without_a_team_database_are_a_usage_error() {
    let data = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(BIN)
        .args(["team", "status"])
        .env_remove("ACCESSDESK_DATABASE_URL")
        .env("HOME", data.path())
        .env("XDG_CONFIG_HOME", data.path().join("config"))
        .env("ACCESSDESK_DATA_DIR", data.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&out.stderr).contains("team mode is off"));
}
