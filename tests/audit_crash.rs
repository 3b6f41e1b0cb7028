//! A process killed with SIGKILL in the middle of appending leaves a log that verifies: each
//! append is one SQLite transaction, so a half-written record is never visible.
//!
//! The writer is this test binary itself, re-run with `CHILD_ENV` set: the test function
//! then appends in a loop until it is killed, so no extra binary ships.
#![cfg(unix)]

use accessdesk::audit::{AuditEntry, AuditLog, Evidence, Outcome};
use rusqlite::{Connection, OpenFlags};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CHILD_ENV: &str = "ACCESSDESK_AUDIT_CRASH_WRITER_DB";
const TEST_NAME: &str = "sigkill_while_appending_leaves_a_log_that_verifies";
const ROUNDS: u64 = 8;
const PER_ROUND: u64 = 50;

#[test]
fn sigkill_while_appending_leaves_a_log_that_verifies() {
    if let Some(db) = std::env::var_os(CHILD_ENV) {
        append_until_killed(Path::new(&db));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = AuditLog::default_path(dir.path());
    let mut verified = 0;
    for round in 0..ROUNDS {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", TEST_NAME, "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, &path)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let target = verified + PER_ROUND;
        let deadline = Instant::now() + Duration::from_secs(60);
        while rows(&path) < target {
            assert!(
                child.try_wait().unwrap().is_none(),
                "the writer exited on its own"
            );
            assert!(Instant::now() < deadline, "the writer is too slow");
            std::thread::sleep(Duration::from_millis(5));
        }
        // Vary the moment of the kill from round to round.
        std::thread::sleep(Duration::from_millis(3 * round));
        child.kill().unwrap(); // SIGKILL on Unix: no destructor or rollback runs
        let status = child.wait().unwrap();
        assert_eq!(
            status.signal(),
            Some(9),
            "the writer was killed, not exited"
        );
        let wal = path.with_extension("sqlite3-wal");
        assert!(
            wal.exists(),
            "the killed writer left its write-ahead log to recover"
        );

        let log = AuditLog::open(&path).unwrap();
        let report = log.verify().unwrap();
        assert!(report.is_intact(), "round {round}: {report:?}");
        assert!(report.records >= target, "round {round}: {report:?}");
        assert_eq!(report.good, report.records);
        verified = report.records;
    }
}

/// Committed rows as another reader sees them (0 until the writer has created the table).
fn rows(path: &Path) -> u64 {
    let Ok(conn) = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY) else {
        return 0;
    };
    conn.query_row("SELECT count(*) FROM audit", [], |r| r.get::<_, i64>(0))
        .map_or(0, |n| n as u64)
}

fn append_until_killed(path: &Path) -> ! {
    let mut log = AuditLog::open(path).unwrap();
    for i in 0u64.. {
        let mut entry = AuditEntry::new(
            chrono::Utc::now(),
            "crash-writer",
            "reset_factor",
            Outcome::Succeeded,
        );
        entry.target_login = Some(format!("user{i}@example.com"));
        entry.note = Some("x".repeat((i % 64) as usize * 64));
        entry.evidence = vec![Evidence {
            kind: "push".into(),
            subject_login: entry.target_login.clone(),
            factor_id: Some("opf1".into()),
            transaction_id: None,
            result: "SUCCESS".into(),
            at: Some(entry.time),
        }];
        log.append(&entry).unwrap();
    }
    unreachable!("appends until killed")
}
