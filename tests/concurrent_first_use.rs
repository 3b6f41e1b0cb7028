//! Many accessdesk processes opening a fresh data directory at the same moment (a wall screen,
//! two agents and a script, all started at once): every one succeeds, none calls the new log
//! "not an accessdesk audit log", and the chain they built together verifies.

use accessdesk::audit::{AuditEntry, AuditLog, Outcome};
use accessdesk::sim::{self, SimConfig};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Barrier};

const BIN: &str = env!("CARGO_BIN_EXE_accessdesk");
const TOKEN: &str = "concurrent-first-use-token";
const PROCESSES: usize = 20;
/// A race shows up in some runs only: each cheap test starts over on this many fresh
/// directories.
const ROUNDS: usize = 8;

/// The binary with a hermetic environment on `data_dir`.
fn accessdesk(home: &Path, data_dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env("ACCESSDESK_DATA_DIR", data_dir)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("USER", "agent.smith")
        .env_remove("ACCESSDESK_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Start every command before waiting for any, so they really run at once.
fn run_all(commands: Vec<Command>) -> Vec<Output> {
    let children: Vec<Child> = commands
        .into_iter()
        .map(|mut c| c.spawn().unwrap())
        .collect();
    children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect()
}

fn describe(out: &Output) -> String {
    format!(
        "{:?}\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The log's chain from a fresh process: intact, with `records` records.
fn assert_verifies(home: &Path, data_dir: &Path, records: u64) {
    let out = accessdesk(home, data_dir, &["audit", "verify", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["status"], "ok", "{report}");
    assert_eq!(report["records"], records, "{report}");
    assert_eq!(report["good"], records, "{report}");
}

/// 20 audited actions (refused unlocks: the user is not locked, so nothing is sent to the
/// IdP) and 20 readers, all started together on a data directory that does not exist yet.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_writers_and_twenty_readers_on_a_fresh_data_dir_all_succeed() {
    let mut config = SimConfig::new(TOKEN);
    config.users = 40;
    config.lockouts_per_minute = 0.0;
    config.history = false;
    let sim = sim::start(config, ([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    let login = sim.user_logins()[0].clone();
    let base_url = sim.base_url();
    let home = tempfile::tempdir().unwrap();
    let data_dir = home.path().join("fresh/data");
    let (home_path, data) = (home.path().to_path_buf(), data_dir.clone());

    let outputs = tokio::task::spawn_blocking(move || {
        let mut commands = Vec::new();
        for i in 0..PROCESSES {
            let mut unlock = accessdesk(
                &home_path,
                &data,
                &[
                    "unlock",
                    &login,
                    "--ticket",
                    "INC0012345",
                    "--kba",
                    "identity",
                    "--json",
                ],
            );
            unlock
                .env("OKTA_CLIENT_ORGURL", &base_url)
                .env("OKTA_CLIENT_TOKEN", TOKEN);
            commands.push(unlock);
            let read: &[&str] = if i % 2 == 0 {
                &["audit", "verify", "--json"]
            } else {
                &["audit", "list", "--json"]
            };
            commands.push(accessdesk(&home_path, &data, read));
        }
        run_all(commands)
    })
    .await
    .unwrap();

    let mut seqs = Vec::new();
    for (i, out) in outputs.iter().enumerate() {
        let text = describe(out);
        assert!(!text.contains("not an accessdesk audit log"), "{text}");
        if i % 2 == 0 {
            // The refusal, audited: exit 2 and the record's number.
            assert_eq!(out.status.code(), Some(2), "{text}");
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(v["outcome"], "refused", "{text}");
            seqs.push(v["audit_seq"].as_i64().unwrap_or_else(|| panic!("{text}")));
        } else {
            assert!(out.status.success(), "{text}");
        }
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=PROCESSES as i64).collect::<Vec<_>>());
    assert_verifies(home.path(), &data_dir, PROCESSES as u64);
    sim.shutdown().await;
}

/// A log file that exists but is empty, as a process killed right after creating it leaves
/// it, is a new log to every reader: 20 `audit verify` at once all find it intact.
#[test]
fn twenty_readers_on_a_just_created_empty_log_all_succeed() {
    for _ in 0..ROUNDS {
        let home = tempfile::tempdir().unwrap();
        let data_dir = home.path().join("data");
        std::fs::create_dir_all(&data_dir).unwrap();
        std::fs::File::create(AuditLog::default_path(&data_dir)).unwrap();
        let outputs = run_all(
            (0..PROCESSES)
                .map(|_| accessdesk(home.path(), &data_dir, &["audit", "verify", "--json"]))
                .collect(),
        );
        for out in &outputs {
            assert!(out.status.success(), "{}", describe(out));
            let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(report["status"], "ok", "{report}");
        }
        assert_verifies(home.path(), &data_dir, 0);
    }
}

/// 20 threads each open the log (whose directory does not exist yet) at the same moment and
/// append: nobody fails and the chain has every record exactly once.
#[test]
fn twenty_threads_opening_and_appending_at_once_build_one_chain() {
    for _ in 0..ROUNDS {
        threads_open_and_append_at_once();
    }
}

fn threads_open_and_append_at_once() {
    const APPENDS: usize = 5;
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = AuditLog::default_path(&dir.path().join("new/dir"));
    let start = Arc::new(Barrier::new(PROCESSES));
    let threads: Vec<_> = (0..PROCESSES)
        .map(|t| {
            let (path, start) = (path.clone(), Arc::clone(&start));
            std::thread::spawn(move || -> Result<(), String> {
                start.wait();
                let mut log = AuditLog::open(&path).map_err(|e| e.to_string())?;
                for i in 0..APPENDS {
                    let mut entry = AuditEntry::new(
                        chrono::Utc::now(),
                        format!("agent{t}"),
                        "unlock",
                        Outcome::Succeeded,
                    );
                    entry.note = Some(format!("append {i}"));
                    log.append(&entry).map_err(|e| e.to_string())?;
                }
                Ok(())
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap().unwrap();
    }
    let log = AuditLog::open(&path).unwrap();
    let report = log.verify().unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.records, (PROCESSES * APPENDS) as u64);
    let records = log.list(None).unwrap();
    for t in 0..PROCESSES {
        let mine = records
            .iter()
            .filter(|r| r.entry.agent == format!("agent{t}"))
            .count();
        assert_eq!(mine, APPENDS, "agent{t}");
    }
}
