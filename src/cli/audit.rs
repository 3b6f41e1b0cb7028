//! `accessdesk audit`: read, check and export the tamper-evident audit log.

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use super::exit::{EXIT_REFUSED, UsageError};
use crate::audit::{
    AuditEntry, AuditError, AuditLocation, AuditLog, AuditRecord, AuditTrail, DESK_CHAIN,
    ExportFormat, Field, Outcome, RecordFilter, TeamAudit, VerifyReport, write_records,
};
use crate::config::Config;
use crate::team::TeamDb;

/// The exit code of `audit verify` when the log was tampered with.
pub const EXIT_TAMPERED: u8 = 3;

#[derive(Debug, Args)]
#[command(
    after_help = "The production log is <data dir>/audit.sqlite3. `accessdesk demo` \
                        keeps its practice records apart, in <data dir>/demo/audit.sqlite3: \
                        read them with --demo (e.g. `accessdesk audit --demo list`)."
)]
pub struct AuditArgs {
    /// Read the demo's practice log (<data dir>/demo/audit.sqlite3) instead of production's
    #[arg(long, global = true)]
    demo: bool,
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
    /// Team mode: bring this machine's local log into the desk's database as a chain of its
    /// own (verified first; the import itself is audited in the desk's chain)
    Import(ImportArgs),
}

#[derive(Debug, Args)]
struct ImportArgs {
    /// The local log to import [default: <data dir>/audit.sqlite3]
    path: Option<PathBuf>,
    /// The imported chain's name, stored as import:NAME [default: the agent name and host]
    #[arg(long, value_name = "NAME")]
    chain: Option<String>,
    /// Print the result as one JSON object
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Filters combine: a record is printed when it matches every one given. \
                        Names, logins and tickets match whole, ignoring case."
)]
struct ListArgs {
    /// Only records from the last DURATION (15m, 2h, 1d) or since a time (RFC 3339)
    #[arg(long, value_name = "DURATION|TIME", value_parser = parse_since)]
    since: Option<Since>,
    /// Only records of this agent, as the log names them
    #[arg(long, value_name = "NAME")]
    agent: Option<String>,
    /// Only records about this user: their login or IdP id
    #[arg(long, value_name = "LOGIN|ID")]
    user: Option<String>,
    /// Only records with this ticket
    #[arg(long, value_name = "TICKET")]
    ticket: Option<String>,
    /// Only this action: unlock, reset_password, reset_factors, reset_factor, verify_caller,
    /// escalate
    #[arg(long, value_name = "ACTION")]
    action: Option<String>,
    /// Only records that ended this way
    #[arg(long, value_enum)]
    outcome: Option<OutcomeArg>,
    /// Only security escalations (a caller who could not be verified), with their reasons
    #[arg(long)]
    escalations: bool,
    /// One JSON record per line, with seq, prev_hash and hash
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum OutcomeArg {
    Succeeded,
    Failed,
    Refused,
}

impl ListArgs {
    fn filter(&self) -> RecordFilter {
        let outcome = self.outcome.map(|o| match o {
            OutcomeArg::Succeeded => Outcome::Succeeded,
            OutcomeArg::Failed => Outcome::Failed,
            OutcomeArg::Refused => Outcome::Refused,
        });
        let terms = [
            (Field::Agent, self.agent.as_deref()),
            (Field::User, self.user.as_deref()),
            (Field::Ticket, self.ticket.as_deref()),
            (Field::Action, self.action.as_deref()),
            (Field::Outcome, outcome.map(Outcome::as_str)),
        ];
        let filter = terms
            .into_iter()
            .filter_map(|(field, value)| value.map(|v| (field, v)))
            .fold(RecordFilter::default(), |f, (field, value)| {
                f.is(field, value)
            });
        if self.escalations {
            filter.escalations()
        } else {
            filter
        }
    }
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
    /// Write to FILE instead of standard output (all at once: never a half-written file)
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace FILE if it exists
    #[arg(long, requires = "output")]
    force: bool,
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

pub fn run(config: &Config, args: AuditArgs) -> anyhow::Result<ExitCode> {
    if let AuditCommand::Import(import_args) = args.command {
        return import(config, import_args);
    }
    // Team mode reads the desk's trail; `--demo` is always this machine's practice log.
    let team = if args.demo {
        None
    } else {
        config.team.as_ref()
    };
    let (log, place, missing, db) = match team {
        Some(settings) => {
            let db = TeamDb::connect(settings)?;
            let location = AuditLocation::team(db.clone());
            (
                Some(location.open()?),
                location.describe(),
                String::new(),
                Some(db),
            )
        }
        None => {
            let (path, missing) = local_log(&config.data_dir, args.demo);
            let log = open_existing(&path)?;
            (log, path.display().to_string(), missing, None)
        }
    };
    match args.command {
        AuditCommand::List(args) => list(log, &missing, args),
        AuditCommand::Verify(args) => verify(log, db.as_ref(), &place, &missing, args),
        AuditCommand::Export(args) => export(log, args),
        AuditCommand::Import(_) => unreachable!("handled above"),
    }
}

/// The local log's path (production or the demo's) and what to say when it does not exist.
fn local_log(data_dir: &Path, demo: bool) -> (PathBuf, String) {
    let demo_path = AuditLog::default_path(&AuditLog::demo_data_dir(data_dir));
    let path = if demo {
        demo_path.clone()
    } else {
        AuditLog::default_path(data_dir)
    };
    // Someone who only ever ran `demo` looks for its records here first.
    let missing = if !demo && demo_path.exists() {
        format!(
            "no audit log yet at {} (the demo's practice records are read with \
             `accessdesk audit --demo`)",
            path.display()
        )
    } else {
        format!("no audit log yet at {}", path.display())
    };
    (path, missing)
}

/// The log if there is one: reading commands never create it.
fn open_existing(path: &Path) -> anyhow::Result<Option<AuditTrail>> {
    if !path.exists() {
        return Ok(None);
    }
    Ok(Some(AuditTrail::Local(AuditLog::open(path)?)))
}

fn list(log: Option<AuditTrail>, missing: &str, args: ListArgs) -> anyhow::Result<ExitCode> {
    let since = match args.since {
        None => None,
        Some(Since::At(at)) => Some(at),
        Some(Since::Ago(ago)) => Some(Utc::now() - chrono::Duration::from_std(ago)?),
    };
    let filter = args.filter();
    let records = match log {
        Some(log) => log.list(since)?,
        None => {
            if !args.json {
                eprintln!("{missing}");
            }
            Vec::new()
        }
    };
    let total = records.len();
    let records: Vec<AuditRecord> = records
        .into_iter()
        .filter(|r| filter.matches(&r.entry))
        .collect();
    if !args.json && total > 0 && records.is_empty() {
        eprintln!("no records match (of {total})");
    }
    let mut out = io::stdout().lock();
    let written = if args.json {
        write_records(&records, ExportFormat::Jsonl, &mut out)
    } else {
        out.write_all(table(&records).as_bytes())
    };
    ignore_closed_pipe(written)?;
    Ok(ExitCode::SUCCESS)
}

/// Marks a security escalation in the table.
const ESCALATION_MARK: &str = "⚠";

/// A compact aligned table, one line per record, and under it what a line cannot hold: the
/// reason of an escalation, the factors a reset removed.
fn table(records: &[AuditRecord]) -> String {
    let header = [
        "SEQ",
        "TIME (UTC)",
        "AGENT",
        "ACTION",
        "TARGET",
        "TICKET",
        "OUTCOME",
        "ORG",
    ];
    let opt = |v: &Option<String>| v.as_deref().map_or("-".to_owned(), printable);
    let rows: Vec<[String; 8]> = records
        .iter()
        .map(|r| {
            let e = &r.entry;
            let action = if e.is_escalation() {
                format!("{ESCALATION_MARK} {}", printable(&e.action))
            } else {
                printable(&e.action)
            };
            [
                r.seq.to_string(),
                e.time.format("%Y-%m-%d %H:%M:%S").to_string(),
                printable(&e.agent),
                action,
                opt(&e.target_login),
                opt(&e.ticket),
                e.outcome.to_string(),
                opt(&e.org),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |row: &[String; 8]| {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        format!("{}\n", cells.join("  ").trim_end())
    };
    // Continuation lines start under the agent column.
    let indent = " ".repeat(widths[0] + 2 + widths[1] + 2);
    let mut text = line(&header.map(String::from));
    for (row, record) in rows.iter().zip(records) {
        text.push_str(&line(row));
        let e = &record.entry;
        if e.is_escalation() {
            text.push_str(&format!(
                "{indent}{ESCALATION_MARK} escalated: {}\n",
                e.error
                    .as_deref()
                    .map_or("no reason recorded".to_owned(), printable)
            ));
        }
        if !e.factors_removed.is_empty() {
            text.push_str(&format!(
                "{indent}removed: {}\n",
                printable(&e.factors_removed.join(", "))
            ));
        }
    }
    text
}

/// Logged text comes from outside (logins, tickets): never let it drive the terminal.
fn printable(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

fn verify(
    log: Option<AuditTrail>,
    db: Option<&TeamDb>,
    place: &str,
    missing: &str,
    args: VerifyArgs,
) -> anyhow::Result<ExitCode> {
    let Some(log) = log else {
        if args.json {
            println!("{}", json!({"status": "missing", "path": place}));
        } else {
            println!("{missing}");
        }
        return Ok(ExitCode::SUCCESS);
    };
    let report = log.verify()?;
    let mut intact = report.is_intact();
    let mut text = verify_text(place, &report);
    let mut json_report = verify_json(place, &report);
    // Team mode: every imported local log is a chain of its own, checked the same way.
    if let Some(db) = db {
        let mut imported = Vec::new();
        for chain in TeamAudit::chains(db)?
            .into_iter()
            .filter(|c| c != DESK_CHAIN)
        {
            let audit = TeamAudit::chain(db.clone(), &chain);
            let report = audit.verify()?;
            intact &= report.is_intact();
            text.push_str(&format!(
                "imported chain {chain}: {}",
                verify_text(&audit.describe(), &report)
            ));
            imported.push(verify_json(&audit.describe(), &report));
        }
        json_report["imported"] = json!(imported);
    }
    if args.json {
        println!("{json_report}");
    } else {
        print!("{text}");
    }
    Ok(if intact {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_TAMPERED)
    })
}

/// `audit import`: verify the local log, copy it into its own chain, and record the import
/// (how many, which chain, its head) in the desk's chain, which anchors the copy.
fn import(config: &Config, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let Some(settings) = &config.team else {
        return Err(UsageError(
            "audit import brings a local log into the team database: set [team] database_url \
             (or ACCESSDESK_DATABASE_URL) first"
                .into(),
        )
        .into());
    };
    let path = args
        .path
        .unwrap_or_else(|| AuditLog::default_path(&config.data_dir));
    if !path.exists() {
        return Err(UsageError(format!("no audit log at {}", path.display())).into());
    }
    let local = AuditLog::open(&path)?;
    let report = local.verify()?;
    if !report.is_intact() {
        eprint!("{}", verify_text(&path.display().to_string(), &report));
        eprintln!("refusing to import a log whose chain does not verify");
        return Ok(ExitCode::from(EXIT_REFUSED));
    }
    let records = local.list(None)?;
    let name = args
        .chain
        .unwrap_or_else(|| default_chain_name(&config.agent_name));
    let chain = format!("import:{name}");
    let db = TeamDb::connect(settings)?;
    let target = TeamAudit::chain(db.clone(), &chain);
    if !target.list(None)?.is_empty() {
        eprintln!(
            "refusing to import into {chain}: it already holds records (give another --chain)"
        );
        return Ok(ExitCode::from(EXIT_REFUSED));
    }
    let count = target.import(records)?;
    let head = report.last_hash.clone().unwrap_or_default();
    let mut entry = AuditEntry::new(
        Utc::now(),
        &config.agent_name,
        "audit_import",
        Outcome::Succeeded,
    );
    entry.note = Some(format!(
        "imported {count} records from {} as chain {chain}, head {head}",
        path.display()
    ));
    let anchor = TeamAudit::desk(db).append(&entry)?;
    if args.json {
        println!(
            "{}",
            json!({"imported": count, "chain": chain, "head": head, "desk_seq": anchor.seq})
        );
    } else {
        println!(
            "imported {} records into {chain} (head {}…); recorded as desk record {}",
            thousands(count),
            &head[..head.len().min(12)],
            anchor.seq
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `agent@host`, made safe for a chain name.
fn default_chain_name(agent: &str) -> String {
    let host = crate::team::host_name().unwrap_or_else(|| "local".into());
    format!("{agent}@{host}")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "@.-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn verify_text(place: &str, report: &VerifyReport) -> String {
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
                "  {} of {records} records verify before it; log at {place}\n",
                thousands(report.good),
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

fn verify_json(place: &str, report: &VerifyReport) -> serde_json::Value {
    let first_bad = report.first_bad.as_ref().map(|b| {
        let mut v = serde_json::to_value(b).unwrap_or_default();
        v["message"] = json!(b.to_string());
        v
    });
    json!({
        "status": if report.is_intact() { "ok" } else { "tampered" },
        "path": place,
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

fn export(log: Option<AuditTrail>, args: ExportArgs) -> anyhow::Result<ExitCode> {
    let format = match args.format {
        Format::Jsonl => ExportFormat::Jsonl,
        Format::Csv => ExportFormat::Csv,
    };
    let write = |out: &mut dyn Write| -> Result<usize, AuditError> {
        match &log {
            Some(log) => log.export(format, out),
            None => Ok(write_records(&[], format, out).map(|()| 0)?),
        }
    };
    match &args.output {
        Some(file) => {
            if !args.force && file.exists() {
                eprintln!(
                    "refusing to overwrite {}: it exists; add --force to overwrite",
                    file.display()
                );
                return Ok(ExitCode::from(EXIT_REFUSED));
            }
            let n = write_whole(file, write)?;
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

/// Write `file` all at once: into a new file beside it, then renamed over it, so a failure
/// (full disk, Ctrl-C) leaves the old file or none, never half an export.
fn write_whole(
    file: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<usize, AuditError>,
) -> anyhow::Result<usize> {
    let dir = match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = file
        .file_name()
        .with_context(|| format!("{} is not a file name", file.display()))?;
    let partial = PartialFile {
        path: dir.join(format!(
            ".{}.{}.partial",
            name.to_string_lossy(),
            uuid::Uuid::new_v4().simple()
        )),
        placed: false,
    };
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&partial.path)
        .with_context(|| format!("cannot create a file in {}", dir.display()))?;
    let mut out = io::BufWriter::new(created);
    let n = write(&mut out)?;
    out.into_inner()
        .map_err(io::IntoInnerError::into_error)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("cannot write {}", partial.path.display()))?;
    partial
        .place(file)
        .with_context(|| format!("cannot move the export into place at {}", file.display()))?;
    Ok(n)
}

/// A file being written beside its destination; removed unless it was moved into place.
struct PartialFile {
    path: PathBuf,
    placed: bool,
}

impl PartialFile {
    fn place(mut self, file: &Path) -> io::Result<()> {
        std::fs::rename(&self.path, file)?;
        self.placed = true;
        Ok(())
    }
}

impl Drop for PartialFile {
    fn drop(&mut self) {
        if !self.placed {
            let _ = std::fs::remove_file(&self.path);
        }
    }
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
