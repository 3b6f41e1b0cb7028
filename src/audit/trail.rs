//! One audit handle for both stores: this agent's SQLite log, or in team mode the desk's
//! chain in PostgreSQL. Callers (the action runner, the dashboard, the CLI, `watch`) write
//! and read through [`AuditTrail`] and never need to know which it is.

use chrono::{DateTime, Utc};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::error::AuditError;
use super::export::{ExportFormat, write_records};
use super::record::{AuditEntry, AuditRecord};
use super::store::AuditLog;
use super::team::TeamAudit;
use super::verify::VerifyReport;
use crate::team::{TeamDb, TeamError, TeamSettings};

/// An open audit trail.
#[derive(Debug)]
pub enum AuditTrail {
    Local(AuditLog),
    Team(TeamAudit),
}

/// Where the audit trail lives: cheap to clone, opened per use.
#[derive(Debug, Clone)]
pub enum AuditLocation {
    /// The SQLite log at this path.
    Local(PathBuf),
    /// The desk's chain in the team database.
    Team(TeamAudit),
}

impl AuditLocation {
    /// The production log in `data_dir`.
    pub fn local(data_dir: &Path) -> AuditLocation {
        AuditLocation::Local(AuditLog::default_path(data_dir))
    }

    /// The desk's chain when `team` is configured (connecting, and bringing the schema up to
    /// date), else the log in `data_dir`.
    pub fn for_config(
        team: Option<&TeamSettings>,
        data_dir: &Path,
    ) -> Result<AuditLocation, TeamError> {
        match team {
            Some(settings) => Ok(AuditLocation::team(TeamDb::connect(settings)?)),
            None => Ok(AuditLocation::local(data_dir)),
        }
    }

    pub fn team(db: TeamDb) -> AuditLocation {
        AuditLocation::Team(TeamAudit::desk(db))
    }

    pub fn open(&self) -> Result<AuditTrail, AuditError> {
        match self {
            AuditLocation::Local(path) => Ok(AuditTrail::Local(AuditLog::open(path)?)),
            AuditLocation::Team(team) => Ok(AuditTrail::Team(team.clone())),
        }
    }

    /// The file, or the database and chain, for messages.
    pub fn describe(&self) -> String {
        match self {
            AuditLocation::Local(path) => path.display().to_string(),
            AuditLocation::Team(team) => team.describe(),
        }
    }
}

impl AuditTrail {
    /// Add `entry` at the end of the chain (in team mode, in the name of the database role).
    pub fn append(&mut self, entry: &AuditEntry) -> Result<AuditRecord, AuditError> {
        match self {
            AuditTrail::Local(log) => log.append(entry),
            AuditTrail::Team(team) => team.append(entry),
        }
    }

    pub fn list(&self, since: Option<DateTime<Utc>>) -> Result<Vec<AuditRecord>, AuditError> {
        match self {
            AuditTrail::Local(log) => log.list(since),
            AuditTrail::Team(team) => team.list(since),
        }
    }

    pub fn newest(&self, limit: usize) -> Result<Vec<AuditRecord>, AuditError> {
        match self {
            AuditTrail::Local(log) => log.newest(limit),
            AuditTrail::Team(team) => team.newest(limit),
        }
    }

    pub fn verify(&self) -> Result<VerifyReport, AuditError> {
        match self {
            AuditTrail::Local(log) => log.verify(),
            AuditTrail::Team(team) => team.verify(),
        }
    }

    pub fn verify_from_checkpoint(&self) -> Result<VerifyReport, AuditError> {
        match self {
            AuditTrail::Local(log) => log.verify_from_checkpoint(),
            AuditTrail::Team(team) => team.verify_from_checkpoint(),
        }
    }

    /// Write every record to `out`; returns how many.
    pub fn export(&self, format: ExportFormat, out: &mut dyn Write) -> Result<usize, AuditError> {
        let records = self.list(None)?;
        write_records(&records, format, out)?;
        Ok(records.len())
    }

    pub fn describe(&self) -> String {
        match self {
            AuditTrail::Local(log) => log.path().display().to_string(),
            AuditTrail::Team(team) => team.describe(),
        }
    }
}
