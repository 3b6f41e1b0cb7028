//! `accessdesk audit list|verify|export` as the real binary, on a log seeded through the
//! library, before and after someone edits the file behind accessdesk's back.

use accessdesk::audit::{AuditEntry, AuditLog, AuditRecord, Evidence, ExportFormat, Outcome};
use chrono::{Duration, Utc};
use rusqlite::Connection;
use std::path::PathBuf;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_accessdesk");

struct Desk {
    dir: tempfile::TempDir,
}

impl Desk {
    fn new() -> Desk {
        Desk {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn log_path(&self) -> PathBuf {
        AuditLog::default_path(&self.data_dir())
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .args(["--data-dir", self.data_dir().to_str().unwrap()])
            .args(args)
            .env_remove("OKTA_CLIENT_ORGURL")
            .env_remove("OKTA_CLIENT_TOKEN")
            .env_remove("ACCESSDESK_CONFIG")
            .env_remove("ACCESSDESK_DATA_DIR")
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .output()
            .unwrap()
    }

    /// Three records: two from two days ago, one from now; with text that needs quoting.
    fn seed(&self) -> AuditLog {
        let mut log = AuditLog::open(&self.log_path()).unwrap();
        let old = Utc::now() - Duration::days(2);
        let mut unlock = AuditEntry::new(old, "alice", "unlock", Outcome::Succeeded);
        unlock.target_login = Some("bob@example.com".into());
        unlock.ticket = Some("INC0012345".into());
        unlock.checklist = vec!["employee_id".into(), "manager".into()];
        unlock.evidence = vec![Evidence {
            kind: "push".into(),
            subject_login: Some("bob@example.com".into()),
            factor_id: Some("opf1".into()),
            transaction_id: Some("v2mst.abc".into()),
            result: "SUCCESS".into(),
            at: Some(old),
        }];
        let mut refused = AuditEntry::new(
            old + Duration::minutes(1),
            "alice",
            "reset_factors",
            Outcome::Refused,
        );
        refused.target_login = Some("carol, admin@example.com".into());
        refused.note = Some("super admin: needs a \"second\" approver\nsee policy".into());
        let mut reset = AuditEntry::new(Utc::now(), "dave", "reset_password", Outcome::Failed);
        reset.target_login = Some("erin@example.com".into());
        reset.ticket = Some("INC0012399".into());
        reset.error = Some("E0000047: rate limited".into());
        for e in [unlock, refused, reset] {
            log.append(&e).unwrap();
        }
        log
    }

    /// Edit the file as an attacker would: without the append-only triggers.
    fn tamper(&self, sql: &str) {
        let conn = Connection::open(self.log_path()).unwrap();
        conn.execute_batch(&format!(
            "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; {sql}"
        ))
        .unwrap();
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{:?}\n{}", out.status, stderr(out));
    stdout(out)
}

#[test]
fn a_missing_log_is_empty_for_list_and_export_and_verify_says_so() {
    let desk = Desk::new();
    assert_eq!(ok(&desk.run(&["audit", "list", "--json"])), "");
    assert_eq!(ok(&desk.run(&["audit", "export", "--format", "jsonl"])), "");
    let csv = ok(&desk.run(&["audit", "export", "--format", "csv"]));
    assert!(csv.starts_with("seq,time,agent,action,"), "{csv}");
    assert_eq!(csv.lines().count(), 1);
    let verify = ok(&desk.run(&["audit", "verify"]));
    assert_eq!(
        verify,
        format!("no audit log yet at {}\n", desk.log_path().display())
    );
    assert!(
        !desk.log_path().exists(),
        "reading commands never create the log"
    );
}

#[test]
fn list_prints_an_aligned_table_or_json_lines() {
    let desk = Desk::new();
    let log = desk.seed();

    let table = ok(&desk.run(&["audit", "list"]));
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 4, "{table}");
    assert!(lines[0].starts_with("SEQ  TIME (UTC)"), "{table}");
    let outcome_col = lines[0].find("OUTCOME").unwrap();
    assert_eq!(&lines[1][outcome_col..], "succeeded");
    assert_eq!(&lines[2][outcome_col..], "refused");
    assert!(lines[1].contains("bob@example.com") && lines[1].contains("INC0012345"));
    assert!(lines[2].contains("carol, admin@example.com"));

    let json = ok(&desk.run(&["audit", "list", "--json"]));
    let records: Vec<AuditRecord> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records, log.list(None).unwrap());

    let recent = ok(&desk.run(&["audit", "list", "--since", "1h", "--json"]));
    let recent: Vec<AuditRecord> = recent
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(recent.iter().map(|r| r.seq).collect::<Vec<_>>(), [3]);

    let since = (Utc::now() - Duration::days(3)).to_rfc3339();
    let all = ok(&desk.run(&["audit", "list", "--since", &since, "--json"]));
    assert_eq!(all.lines().count(), 3);

    let bad = desk.run(&["audit", "list", "--since", "yesterday"]);
    assert_eq!(bad.status.code(), Some(64));
    assert!(
        stderr(&bad).contains("neither a duration"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn verify_reports_an_intact_chain_with_its_head() {
    let desk = Desk::new();
    let log = desk.seed();
    let head = log.list(None).unwrap().pop().unwrap().hash;
    let text = ok(&desk.run(&["audit", "verify"]));
    assert_eq!(
        text,
        format!(
            "audit log OK: 3 records, chain intact (last hash {}…)\n",
            &head[..12]
        )
    );
    let json: serde_json::Value =
        serde_json::from_str(&ok(&desk.run(&["audit", "verify", "--json"]))).unwrap();
    assert_eq!(json["status"], "ok");
    assert_eq!(json["records"], 3);
    assert_eq!(json["last_hash"], head.as_str());
}

#[test]
fn export_writes_jsonl_and_csv_to_stdout_or_a_file() {
    let desk = Desk::new();
    let log = desk.seed();
    let mut expected = Vec::new();
    log.export(ExportFormat::Jsonl, &mut expected).unwrap();
    assert_eq!(
        ok(&desk.run(&["audit", "export", "--format", "jsonl"])),
        String::from_utf8(expected).unwrap()
    );

    let file = desk.dir.path().join("audit.csv");
    let out = desk.run(&[
        "audit",
        "export",
        "--format",
        "csv",
        "--output",
        file.to_str().unwrap(),
    ]);
    assert_eq!(ok(&out), "");
    assert!(
        stderr(&out).contains("exported 3 records"),
        "{}",
        stderr(&out)
    );
    let csv = std::fs::read_to_string(&file).unwrap();
    let mut expected = Vec::new();
    log.export(ExportFormat::Csv, &mut expected).unwrap();
    assert_eq!(csv, String::from_utf8(expected).unwrap());
    assert!(csv.contains("\"carol, admin@example.com\""), "{csv}");
    assert!(
        csv.contains("\"super admin: needs a \"\"second\"\" approver\nsee policy\""),
        "{csv}"
    );
}

#[test]
fn an_edited_record_fails_verify_with_exit_code_3_and_is_named() {
    let desk = Desk::new();
    desk.seed();
    assert!(desk.run(&["audit", "verify"]).status.success());
    desk.tamper("UPDATE audit SET outcome = 'succeeded' WHERE seq = 2;");

    let out = desk.run(&["audit", "verify"]);
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with(
            "audit log TAMPERED: record 2 was edited (stored hash does not match its contents)\n"
        ),
        "{text}"
    );
    assert!(text.contains("1 of 3 records verify before it"), "{text}");
    assert!(text.contains("append-only triggers were removed"), "{text}");

    let out = desk.run(&["audit", "verify", "--json"]);
    assert_eq!(out.status.code(), Some(3));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["status"], "tampered");
    assert_eq!(json["first_bad"]["seq"], 2);
    assert_eq!(json["first_bad"]["problem"]["kind"], "edited");
}

#[test]
fn a_removed_record_fails_verify_and_is_named() {
    let desk = Desk::new();
    desk.seed();
    desk.tamper("DELETE FROM audit WHERE seq = 2;");
    let out = desk.run(&["audit", "verify"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stdout(&out).starts_with(
            "audit log TAMPERED: record 2 was removed (the sequence jumps from 1 to 3)\n"
        ),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_file_that_is_not_an_audit_log_is_an_error_that_says_so() {
    let desk = Desk::new();
    std::fs::create_dir_all(desk.data_dir()).unwrap();
    std::fs::write(desk.log_path(), "not a database\n".repeat(100)).unwrap();
    let out = desk.run(&["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is not an accessdesk audit log"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(desk.log_path()).unwrap(),
        "not a database\n".repeat(100),
        "the file was left alone"
    );
}
