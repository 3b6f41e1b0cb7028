//! `accessdesk audit`: read, check and export the tamper-evident audit log.

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use crate::audit::{AuditError, AuditLog, AuditRecord, ExportFormat, VerifyReport, write_records};

/// The exit code of `audit verify` when the log was tampered with.
pub const EXIT_TAMPERED: u8 = 3;

#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    command: AuditCommand,
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Print the records, oldest first
    List(ListArgs),
    /// Check that no record was edited, removed or reordered (exit code 3 if one was)
    Verify(VerifyArgs),
    /// Write every record as JSON Lines or CSV
    Export(ExportArgs),
}

#[derive(Debug, Args)]
struct ListArgs {
    /// Only records from the last DURATION (15m, 2h, 1d) or since a time (RFC 3339)
    #[arg(long, value_name = "DURATION|TIME", value_parser = parse_since)]
    since: Option<Since>,
    /// One JSON record per line, with seq, prev_hash and hash
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct VerifyArgs {
    /// Print the report as one JSON object
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct ExportArgs {
    /// jsonl: exact records, one per line (re-verifiable); csv: a table for spreadsheets
    #[arg(long, value_enum)]
    format: Format,
    /// Write to FILE instead of standard output
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Jsonl,
    Csv,
}

#[derive(Debug, Clone)]
enum Since {
    Ago(Duration),
    At(DateTime<Utc>),
}

fn parse_since(raw: &str) -> Result<Since, String> {
    if let Ok(at) = DateTime::parse_from_rfc3339(raw.trim()) {
        return Ok(Since::At(at.with_timezone(&Utc)));
    }
    super::duration::parse(raw).map(Since::Ago).map_err(|_| {
        format!("{raw:?} is neither a duration (15m, 2h, 1d) nor a time (2024-05-01T09:00:00Z)")
    })
}

pub fn run(data_dir: &Path, args: AuditArgs) -> anyhow::Result<ExitCode> {
    let path = AuditLog::default_path(data_dir);
    match args.command {
        AuditCommand::List(args) => list(&path, args),
        AuditCommand::Verify(args) => verify(&path, args),
        AuditCommand::Export(args) => export(&path, args),
    }
}

/// The log if there is one: reading commands never create it.
fn open_existing(path: &Path) -> anyhow::Result<Option<AuditLog>> {
    if !path.exists() {
        return Ok(None);
    }
    Ok(Some(AuditLog::open(path)?))
}

fn list(path: &Path, args: ListArgs) -> anyhow::Result<ExitCode> {
    let since = match args.since {
        None => None,
        Some(Since::At(at)) => Some(at),
        Some(Since::Ago(ago)) => Some(Utc::now() - chrono::Duration::from_std(ago)?),
    };
    let records = match open_existing(path)? {
        Some(log) => log.list(since)?,
        None => {
            if !args.json {
                eprintln!("no audit log yet at {}", path.display());
            }
            Vec::new()
        }
    };
    let mut out = io::stdout().lock();
    let written = if args.json {
        write_records(&records, ExportFormat::Jsonl, &mut out)
    } else {
        out.write_all(table(&records).as_bytes())
    };
    ignore_closed_pipe(written)?;
    Ok(ExitCode::SUCCESS)
}

/// A compact aligned table, one line per record.
fn table(records: &[AuditRecord]) -> String {
    let header = [
        "SEQ",
        "TIME (UTC)",
        "AGENT",
        "ACTION",
        "TARGET",
        "TICKET",
        "OUTCOME",
    ];
    let rows: Vec<[String; 7]> = records
        .iter()
        .map(|r| {
            let e = &r.entry;
            let opt = |v: &Option<String>| v.as_deref().map_or("-".to_owned(), printable);
            [
                r.seq.to_string(),
                e.time.format("%Y-%m-%d %H:%M:%S").to_string(),
                printable(&e.agent),
                printable(&e.action),
                opt(&e.target_login),
                opt(&e.ticket),
                e.outcome.to_string(),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    let header = header.map(String::from);
    for row in std::iter::once(&header).chain(&rows) {
        let line: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        text.push_str(line.join("  ").trim_end());
        text.push('\n');
    }
    text
}

/// Logged text comes from outside (logins, tickets): never let it drive the terminal.
fn printable(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

fn verify(path: &Path, args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let Some(log) = open_existing(path)? else {
        if args.json {
            println!("{}", json!({"status": "missing", "path": path}));
        } else {
            println!("no audit log yet at {}", path.display());
        }
        return Ok(ExitCode::SUCCESS);
    };
    let report = log.verify()?;
    if args.json {
        println!("{}", verify_json(path, &report));
    } else {
        print!("{}", verify_text(path, &report));
    }
    Ok(if report.is_intact() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_TAMPERED)
    })
}

fn verify_text(path: &Path, report: &VerifyReport) -> String {
    let records = thousands(report.records);
    if report.is_intact() {
        return match &report.last_hash {
            Some(hash) => format!(
                "audit log OK: {records} records, chain intact (last hash {}…)\n",
                &hash[..hash.len().min(12)]
            ),
            None => "audit log OK: no records yet\n".to_owned(),
        };
    }
    let mut text = String::new();
    match &report.first_bad {
        Some(breach) => {
            text.push_str(&format!("audit log TAMPERED: {breach}\n"));
            text.push_str(&format!(
                "  {} of {records} records verify before it; log at {}\n",
                thousands(report.good),
                path.display()
            ));
        }
        None => text.push_str(&format!(
            "audit log TAMPERED: its chain of {records} records is intact, but the file was \
             changed outside accessdesk\n"
        )),
    }
    if !report.missing_triggers.is_empty() {
        text.push_str(&format!(
            "  the append-only triggers were removed or altered: {}\n",
            report.missing_triggers.join(", ")
        ));
    }
    text
}

fn verify_json(path: &Path, report: &VerifyReport) -> serde_json::Value {
    let first_bad = report.first_bad.as_ref().map(|b| {
        let mut v = serde_json::to_value(b).unwrap_or_default();
        v["message"] = json!(b.to_string());
        v
    });
    json!({
        "status": if report.is_intact() { "ok" } else { "tampered" },
        "path": path,
        "records": report.records,
        "good": report.good,
        "last_hash": report.last_hash,
        "first_bad": first_bad,
        "missing_triggers": report.missing_triggers,
    })
}

/// 1234567 → "1,234,567".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn export(path: &Path, args: ExportArgs) -> anyhow::Result<ExitCode> {
    let format = match args.format {
        Format::Jsonl => ExportFormat::Jsonl,
        Format::Csv => ExportFormat::Csv,
    };
    let log = open_existing(path)?;
    let write = |out: &mut dyn Write| -> Result<usize, AuditError> {
        match &log {
            Some(log) => log.export(format, out),
            None => Ok(write_records(&[], format, out).map(|()| 0)?),
        }
    };
    match &args.output {
        Some(file) => {
            let mut out = io::BufWriter::new(
                std::fs::File::create(file)
                    .with_context(|| format!("cannot create {}", file.display()))?,
            );
            let n = write(&mut out)?;
            eprintln!(
                "exported {} records to {}",
                thousands(n as u64),
                file.display()
            );
        }
        None => match write(&mut io::stdout().lock()) {
            Err(AuditError::Write(e)) => ignore_closed_pipe(Err(e))?,
            other => {
                other?;
            }
        },
    }
    Ok(ExitCode::SUCCESS)
}

/// `accessdesk audit list | head` is not an error.
fn ignore_closed_pipe(result: io::Result<()>) -> io::Result<()> {
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_a_duration_or_a_time() {
        assert!(matches!(parse_since("15m"), Ok(Since::Ago(d)) if d.as_secs() == 900));
        let Ok(Since::At(at)) = parse_since("2024-05-01T11:00:00+02:00") else {
            panic!("not a time");
        };
        assert_eq!(at.to_rfc3339(), "2024-05-01T09:00:00+00:00");
        assert!(parse_since("yesterday").unwrap_err().contains("15m"));
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234), "1,234");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        assert_eq!(printable("bob\x1b[31m\n"), "bob?[31m?");
    }
}
