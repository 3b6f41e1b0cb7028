//! Exporting the log: JSON Lines for machines (exact, with the chain fields, so an export can
//! be re-verified elsewhere) and CSV for people (lists flattened into readable cells).

use chrono::{DateTime, SecondsFormat, Utc};
use std::io::{self, Write};

use super::csv;
use super::error::AuditError;
use super::record::{AuditRecord, Evidence};
use super::store::AuditLog;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One JSON object per line: seq, the entry's fields, prev_hash, hash.
    Jsonl,
    /// A header row, then one row per record.
    Csv,
}

pub const CSV_HEADER: [&str; 18] = [
    "seq",
    "time",
    "agent",
    "action",
    "target_id",
    "target_login",
    "ticket",
    "checklist",
    "evidence",
    "idp_request_id",
    "outcome",
    "error",
    "note",
    "org",
    "factors_removed",
    "ticket_check",
    "prev_hash",
    "hash",
];

impl AuditLog {
    /// Write every record to `out`; returns how many.
    pub fn export(&self, format: ExportFormat, out: &mut dyn Write) -> Result<usize, AuditError> {
        let records = self.list(None)?;
        write_records(&records, format, out)?;
        Ok(records.len())
    }
}

/// Write `records` in `format` (the CSV header even when there are none).
pub fn write_records(
    records: &[AuditRecord],
    format: ExportFormat,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        ExportFormat::Jsonl => {
            for record in records {
                serde_json::to_writer(&mut *out, record)?;
                out.write_all(b"\n")?;
            }
        }
        ExportFormat::Csv => {
            csv::write_row(out, &CSV_HEADER)?;
            for record in records {
                csv::write_row(out, &csv_row(record))?;
            }
        }
    }
    out.flush()
}

fn csv_row(record: &AuditRecord) -> [String; 18] {
    let e = &record.entry;
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    [
        record.seq.to_string(),
        time(e.time),
        e.agent.clone(),
        e.action.clone(),
        opt(&e.target_id),
        opt(&e.target_login),
        opt(&e.ticket),
        e.checklist.join("; "),
        e.evidence
            .iter()
            .map(evidence)
            .collect::<Vec<_>>()
            .join("; "),
        opt(&e.idp_request_id),
        e.outcome.as_str().to_owned(),
        opt(&e.error),
        opt(&e.note),
        opt(&e.org),
        e.factors_removed.join("; "),
        e.ticket_check
            .as_ref()
            .map(ticket_check)
            .unwrap_or_default(),
        record.prev_hash.clone(),
        record.hash.clone(),
    ]
}

/// `servicenow INC0010002 (sys_id 9d38…, New, open, caller matched)`
fn ticket_check(t: &crate::model::TicketFacts) -> String {
    let caller = match t.caller_matched {
        Some(true) => ", caller matched",
        Some(false) => ", another caller",
        None => "",
    };
    let open = if t.open { "open" } else { "not open" };
    format!(
        "{} {} (id {}, {}, {open}{caller})",
        t.system, t.number, t.system_id, t.state
    )
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// `push SUCCESS by bob@example.com (factor opf1, transaction v2mst.1, at 2024-05-01T09:00:00Z)`
pub fn evidence(ev: &Evidence) -> String {
    let mut text = format!("{} {}", ev.kind, ev.result);
    if let Some(who) = &ev.subject_login {
        text.push_str(&format!(" by {who}"));
    }
    let details: Vec<String> = [
        ev.factor_id.as_ref().map(|f| format!("factor {f}")),
        ev.transaction_id
            .as_ref()
            .map(|t| format!("transaction {t}")),
        ev.at.map(|at| format!("at {}", time(at))),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !details.is_empty() {
        text.push_str(&format!(" ({})", details.join(", ")));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::record::{AuditEntry, Outcome};

    fn log_with(entries: &[AuditEntry]) -> (tempfile::TempDir, AuditLog) {
        let dir = tempfile::tempdir().unwrap();
        let mut log = AuditLog::open(&AuditLog::default_path(dir.path())).unwrap();
        for e in entries {
            log.append(e).unwrap();
        }
        (dir, log)
    }

    fn awkward() -> AuditEntry {
        let mut e = AuditEntry::new(
            "2024-05-01T09:00:00Z".parse().unwrap(),
            "alice",
            "reset_factors",
            Outcome::Refused,
        );
        e.target_login = Some("o'brien, pat@example.com".into());
        e.checklist = vec!["employee_id".into(), "manager".into()];
        e.evidence = vec![
            Evidence {
                kind: "push".into(),
                subject_login: Some("pat@example.com".into()),
                factor_id: Some("opf1".into()),
                transaction_id: None,
                result: "REJECTED".into(),
                at: Some("2024-05-01T08:59:00Z".parse().unwrap()),
            },
            Evidence {
                kind: "manager_push".into(),
                subject_login: None,
                factor_id: None,
                transaction_id: None,
                result: "TIMEOUT".into(),
                at: None,
            },
        ];
        e.note = Some("caller said \"urgent\"\nsecond line".into());
        e.org = Some("https://acme.okta.com/".into());
        e.factors_removed = vec![
            "Okta Verify push [opf1]".into(),
            "Okta Verify code [ost1]".into(),
        ];
        e
    }

    #[test]
    fn jsonl_is_one_exact_record_per_line() {
        let (_dir, log) = log_with(&[awkward(), awkward()]);
        let mut out = Vec::new();
        assert_eq!(log.export(ExportFormat::Jsonl, &mut out).unwrap(), 2);
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        let back: Vec<AuditRecord> = lines
            .iter()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(back, log.list(None).unwrap());
        let first: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(first["seq"], 1);
        assert_eq!(first["org"], "https://acme.okta.com/");
        assert_eq!(first["factors_removed"][1], "Okta Verify code [ost1]");
        assert_eq!(first["prev_hash"], crate::audit::chain::GENESIS_HASH);
        assert_eq!(first["hash"], back[0].hash.as_str());
    }

    #[test]
    fn csv_has_a_header_and_readable_flattened_cells() {
        let (_dir, log) = log_with(&[awkward()]);
        let mut out = Vec::new();
        log.export(ExportFormat::Csv, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let hash = &log.list(None).unwrap()[0].hash;
        assert_eq!(
            text,
            format!(
                "seq,time,agent,action,target_id,target_login,ticket,checklist,evidence,\
                 idp_request_id,outcome,error,note,org,factors_removed,ticket_check,prev_hash,hash\r\n\
                 1,2024-05-01T09:00:00Z,alice,reset_factors,,\"o'brien, pat@example.com\",,\
                 employee_id; manager,\
                 \"push REJECTED by pat@example.com (factor opf1, at 2024-05-01T08:59:00Z); \
                 manager_push TIMEOUT\",,refused,,\"caller said \"\"urgent\"\"\nsecond line\",\
                 https://acme.okta.com/,Okta Verify push [opf1]; Okta Verify code [ost1],,\
                 {genesis},{hash}\r\n",
                genesis = crate::audit::chain::GENESIS_HASH,
            )
        );
    }

    #[test]
    fn an_empty_log_exports_nothing_but_the_csv_header() {
        let (_dir, log) = log_with(&[]);
        let mut out = Vec::new();
        assert_eq!(log.export(ExportFormat::Jsonl, &mut out).unwrap(), 0);
        assert!(out.is_empty());
        log.export(ExportFormat::Csv, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap().lines().count(), 1);
    }
}
