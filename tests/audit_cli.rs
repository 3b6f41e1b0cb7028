//! `accessdesk audit list|verify|export` as the real binary, on a log seeded through the
//! library, before and after someone edits the file behind accessdesk's back.

use accessdesk::audit::{
    AuditEntry, AuditLog, AuditRecord, ESCALATION_ACTION, Evidence, ExportFormat, Outcome,
};
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
    let org_col = lines[0].find("ORG").unwrap();
    assert_eq!(lines[1][outcome_col..org_col].trim_end(), "succeeded");
    assert_eq!(lines[2][outcome_col..org_col].trim_end(), "refused");
    assert_eq!(
        &lines[1][org_col..],
        "-",
        "written before records had an org"
    );
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

/// A shift on two orgs: alice checks carol (REJECTED) and escalates, dave resets carol's MFA
/// (the Okta Verify code goes with the push) and fails to unlock bob; alice's unlock of bob
/// is from two days ago.
fn seed_shift(desk: &Desk) -> AuditLog {
    let mut log = AuditLog::open(&desk.log_path()).unwrap();
    let entry = |ago: Duration, agent: &str, action: &str, who: &str, ticket: &str, outcome| {
        let mut e = AuditEntry::new(Utc::now() - ago, agent, action, outcome);
        e.target_login = Some(format!("{who}@example.com"));
        e.target_id = Some(format!("00u{who}"));
        e.ticket = Some(ticket.into());
        e.org = Some("https://acme.okta.com/".into());
        e
    };
    let minutes = Duration::minutes;
    let old = entry(
        Duration::days(2),
        "alice",
        "unlock",
        "bob",
        "INC0000001",
        Outcome::Succeeded,
    );
    let check = entry(
        minutes(30),
        "alice",
        "verify_caller",
        "carol",
        "INC0000002",
        Outcome::Refused,
    );
    let mut escalation = entry(
        minutes(29),
        "alice",
        ESCALATION_ACTION,
        "carol",
        "INC0000002",
        Outcome::Refused,
    );
    escalation.error = Some(
        "the user's push (carol@example.com) was REJECTED: possible social engineering".into(),
    );
    let mut reset = entry(
        minutes(20),
        "dave",
        "reset_factor",
        "carol",
        "INC0000003",
        Outcome::Succeeded,
    );
    reset.org = Some("https://globex.okta.com/".into());
    reset.factors_removed = vec![
        "Okta Verify push [opf1]".into(),
        "Okta Verify code [ost1]".into(),
    ];
    let failed = entry(
        minutes(10),
        "dave",
        "unlock",
        "bob",
        "INC0000004",
        Outcome::Failed,
    );
    for e in [old, check, escalation, reset, failed] {
        log.append(&e).unwrap();
    }
    log
}

fn seqs(json_lines: &str) -> Vec<i64> {
    json_lines
        .lines()
        .map(|l| serde_json::from_str::<AuditRecord>(l).unwrap().seq)
        .collect()
}

#[test]
fn list_filters_by_agent_user_ticket_action_and_outcome_alone_and_together() {
    let desk = Desk::new();
    seed_shift(&desk);
    let list = |filters: &[&str]| {
        let mut args = vec!["audit", "list", "--json"];
        args.extend(filters);
        seqs(&ok(&desk.run(&args)))
    };
    assert_eq!(list(&[]), [1, 2, 3, 4, 5]);
    assert_eq!(list(&["--agent", "ALICE"]), [1, 2, 3], "ignoring case");
    assert_eq!(
        list(&["--agent", "ali"]),
        [] as [i64; 0],
        "whole names only"
    );
    assert_eq!(list(&["--user", "carol@example.com"]), [2, 3, 4]);
    assert_eq!(list(&["--user", "00ubob"]), [1, 5], "or the IdP id");
    assert_eq!(list(&["--ticket", "inc0000002"]), [2, 3]);
    assert_eq!(list(&["--action", "unlock"]), [1, 5]);
    assert_eq!(list(&["--outcome", "refused"]), [2, 3]);
    assert_eq!(list(&["--escalations"]), [3]);
    // Together: every filter must hold.
    assert_eq!(list(&["--agent", "dave", "--user", "bob@example.com"]), [5]);
    assert_eq!(
        list(&[
            "--agent",
            "alice",
            "--outcome",
            "refused",
            "--action",
            "verify_caller"
        ]),
        [2]
    );
    assert_eq!(list(&["--escalations", "--agent", "dave"]), [] as [i64; 0]);
    assert_eq!(list(&["--since", "1h", "--user", "bob@example.com"]), [5]);
    assert_eq!(list(&["--since", "1h", "--agent", "alice"]), [2, 3]);

    let none = desk.run(&["audit", "list", "--agent", "nobody"]);
    assert!(
        stderr(&none).contains("no records match (of 5)"),
        "{}",
        stderr(&none)
    );
    let bad = desk.run(&["audit", "list", "--outcome", "won"]);
    assert!(!bad.status.success());
    assert!(
        stderr(&bad).contains("succeeded, failed, refused"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn escalations_are_printed_with_a_mark_and_their_reason() {
    let desk = Desk::new();
    seed_shift(&desk);
    let text = ok(&desk.run(&["audit", "list", "--escalations"]));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[1].starts_with("3 ") && lines[1].contains("⚠ escalate"),
        "{text}"
    );
    assert!(lines[1].contains("carol@example.com") && lines[1].contains("refused"));
    assert!(
        lines[2].trim_start().starts_with(
            "⚠ escalated: the user's push (carol@example.com) was REJECTED: possible social engineering"
        ),
        "{text}"
    );
    // In the whole list, only the escalation is marked.
    let all = ok(&desk.run(&["audit", "list"]));
    assert_eq!(all.matches('⚠').count(), 2, "{all}");
}

#[test]
fn records_show_their_org_and_removed_factors_in_list_and_both_exports() {
    let desk = Desk::new();
    seed_shift(&desk);
    let text = ok(&desk.run(&["audit", "list", "--action", "reset_factor"]));
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].ends_with("ORG"), "{text}");
    assert!(lines[1].ends_with("https://globex.okta.com/"), "{text}");
    assert_eq!(
        lines[2].trim_start(),
        "removed: Okta Verify push [opf1], Okta Verify code [ost1]"
    );

    let jsonl = ok(&desk.run(&["audit", "export", "--format", "jsonl"]));
    let reset: serde_json::Value = serde_json::from_str(jsonl.lines().nth(3).unwrap()).unwrap();
    assert_eq!(reset["org"], "https://globex.okta.com/");
    assert_eq!(
        reset["factors_removed"],
        serde_json::json!(["Okta Verify push [opf1]", "Okta Verify code [ost1]"])
    );
    let csv = ok(&desk.run(&["audit", "export", "--format", "csv"]));
    let mut rows = csv.lines();
    let header: Vec<&str> = rows.next().unwrap().split(',').collect();
    let org = header.iter().position(|h| *h == "org").unwrap();
    let removed = header.iter().position(|h| *h == "factors_removed").unwrap();
    let reset: Vec<&str> = rows.nth(3).unwrap().split(',').collect();
    assert_eq!(reset[org], "https://globex.okta.com/");
    assert_eq!(
        reset[removed],
        "Okta Verify push [opf1]; Okta Verify code [ost1]"
    );
}

#[test]
fn export_refuses_to_overwrite_without_force_and_never_leaves_a_partial_file() {
    let desk = Desk::new();
    let log = desk.seed();
    let out_dir = desk.dir.path().join("exports");
    std::fs::create_dir_all(&out_dir).unwrap();
    let file = out_dir.join("audit.jsonl");
    std::fs::write(&file, "last month's export\n").unwrap();
    let export = |extra: &[&str]| {
        let mut args = vec!["audit", "export", "--format", "jsonl", "--output"];
        args.push(file.to_str().unwrap());
        args.extend(extra);
        desk.run(&args)
    };

    let refused = export(&[]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("add --force to overwrite"),
        "{}",
        stderr(&refused)
    );
    assert!(stderr(&refused).contains(&file.display().to_string()));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "last month's export\n"
    );

    let forced = export(&["--force"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    let mut expected = Vec::new();
    log.export(ExportFormat::Jsonl, &mut expected).unwrap();
    assert_eq!(std::fs::read(&file).unwrap(), expected);

    // A destination that cannot be replaced (a directory) fails and leaves nothing behind.
    let blocked = out_dir.join("blocked");
    std::fs::create_dir(&blocked).unwrap();
    std::fs::write(blocked.join("inside"), "x").unwrap();
    let failed = desk.run(&[
        "audit",
        "export",
        "--format",
        "csv",
        "--force",
        "--output",
        blocked.to_str().unwrap(),
    ]);
    assert!(!failed.status.success());
    assert!(
        stderr(&failed).contains("cannot move the export into place"),
        "{}",
        stderr(&failed)
    );
    let mut left: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["audit.jsonl", "blocked"], "no partial file is left");

    let usage = desk.run(&["audit", "export", "--format", "csv", "--force"]);
    assert!(!usage.status.success(), "--force needs --output");
}

/// The version-1 canonical encoding and hash, written out here independently of the crate
/// (see the format in `audit::chain`), for a record with no checklist or evidence.
fn v1_hash(prev: &str, seq: i64, time: &str, agent: &str, action: &str, login: &str) -> String {
    use sha2::{Digest, Sha256};
    let s = |v: &str| format!("s{}:{v}", v.len());
    let canonical = format!(
        "accessdesk-audit-entry/1\ntime={}\nagent={}\naction={}\ntarget_id=n\n\
         target_login={}\nticket=n\nchecklist=l0:\nevidence=l0:\nidp_request_id=n\n\
         outcome=s9:succeeded\nerror=n\nnote=n\n",
        s(time),
        s(agent),
        s(action),
        s(login)
    );
    let digest = Sha256::digest(format!("{prev}{seq}\n{canonical}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A log exactly as the first version of accessdesk laid it out and wrote it, by plain SQL.
fn write_v1_log(path: &std::path::Path) -> String {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(
        "CREATE TABLE audit (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, agent TEXT NOT NULL,
            action TEXT NOT NULL, target_id TEXT, target_login TEXT, ticket TEXT,
            checklist TEXT NOT NULL, evidence TEXT NOT NULL, idp_request_id TEXT,
            outcome TEXT NOT NULL, error TEXT, note TEXT, prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        ) STRICT;
        CREATE INDEX audit_time ON audit(time);
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the accessdesk audit log is append-only: records cannot be changed'); END;
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the accessdesk audit log is append-only: records cannot be deleted'); END;
        PRAGMA application_id = 1094992204;
        PRAGMA user_version = 1;",
    )
    .unwrap();
    let mut prev = "0".repeat(64);
    for (seq, time, login) in [
        (1, "2024-05-01T09:00:00.000000000Z", "bob@example.com"),
        (2, "2024-05-01T09:05:00.000000000Z", "carol@example.com"),
    ] {
        let hash = v1_hash(&prev, seq, time, "alice", "unlock", login);
        conn.execute(
            "INSERT INTO audit (seq, time, agent, action, target_login, checklist, evidence, \
             outcome, prev_hash, hash) \
             VALUES (?1, ?2, 'alice', 'unlock', ?3, '[]', '[]', 'succeeded', ?4, ?5)",
            rusqlite::params![seq, time, login, prev, hash],
        )
        .unwrap();
        prev = hash;
    }
    prev
}

#[test]
fn a_log_written_by_the_first_version_still_verifies_and_takes_new_records() {
    let desk = Desk::new();
    let head = write_v1_log(&desk.log_path());

    let report: serde_json::Value =
        serde_json::from_str(&ok(&desk.run(&["audit", "verify", "--json"]))).unwrap();
    assert_eq!(report["status"], "ok", "{report}");
    assert_eq!(report["records"], 2);
    assert_eq!(report["last_hash"], head.as_str(), "the old hashes hold");

    let old: Vec<serde_json::Value> = ok(&desk.run(&["audit", "list", "--json"]))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(old.len(), 2);
    assert_eq!(old[1]["target_login"], "carol@example.com");
    assert_eq!(old[1]["org"], serde_json::Value::Null);
    assert_eq!(old[1]["factors_removed"], serde_json::json!([]));

    // New records carry their org and chain onto the old ones.
    let mut log = AuditLog::open(&desk.log_path()).unwrap();
    let mut entry = AuditEntry::new(Utc::now(), "dave", "reset_factor", Outcome::Succeeded);
    entry.org = Some("https://acme.okta.com/".into());
    entry.factors_removed = vec!["Okta Verify push [opf1]".into()];
    assert_eq!(log.append(&entry).unwrap().prev_hash, head);
    let report: serde_json::Value =
        serde_json::from_str(&ok(&desk.run(&["audit", "verify", "--json"]))).unwrap();
    assert_eq!(
        (report["status"].clone(), report["records"].clone()),
        ("ok".into(), 3.into())
    );
    let version: i64 = Connection::open(desk.log_path())
        .unwrap()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, accessdesk::audit::SCHEMA_VERSION);

    // And an old record edited afterwards is still caught.
    desk.tamper("UPDATE audit SET target_login = 'mallory@example.com' WHERE seq = 1;");
    let out = desk.run(&["audit", "verify", "--json"]);
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn the_demo_log_is_apart_and_read_with_demo() {
    let desk = Desk::new();
    desk.seed();
    let demo_path = AuditLog::default_path(&AuditLog::demo_data_dir(&desk.data_dir()));
    assert_eq!(demo_path, desk.data_dir().join("demo/audit.sqlite3"));
    let mut demo = AuditLog::open(&demo_path).unwrap();
    demo.append(&AuditEntry::new(
        Utc::now(),
        "trainee",
        "unlock",
        Outcome::Succeeded,
    ))
    .unwrap();

    let production = ok(&desk.run(&["audit", "list", "--json"]));
    assert_eq!(production.lines().count(), 3);
    assert!(!production.contains("trainee"));
    for args in [
        ["audit", "--demo", "list", "--json"],
        ["audit", "list", "--demo", "--json"],
    ] {
        let practice = ok(&desk.run(&args));
        assert_eq!(practice.lines().count(), 1, "{practice}");
        assert!(practice.contains("\"agent\":\"trainee\""));
    }
    assert!(desk.run(&["audit", "--demo", "verify"]).status.success());
    let help = ok(&desk.run(&["audit", "--help"]));
    assert!(
        help.contains("--demo") && help.contains("demo/audit.sqlite3"),
        "{help}"
    );
}
