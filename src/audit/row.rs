//! How an entry maps onto the `audit` table's columns, and back.
//!
//! Rows are first read as they are stored ([`RawRow`]) and decoded separately, so that
//! `verify` can still report a record that was edited into something undecodable.
//! Changing the JSON shape of `checklist`, `evidence` or `factors_removed` needs a new schema
//! version. `org` and `factors_removed` came with version 2: rows from version 1 hold NULL and
//! `'[]'` there, which read as "absent"; `ticket_check` (a JSON object, or NULL) came with
//! version 4.

use chrono::{DateTime, Utc};
use rusqlite::{Row, Transaction, params};

use super::chain::format_time;
use super::record::{AuditEntry, AuditRecord, Evidence, Outcome};

/// The columns in the order [`RawRow::read`] expects them.
pub const COLUMNS: &str = "seq, time, agent, action, target_id, target_login, ticket, \
                           checklist, evidence, idp_request_id, outcome, error, note, \
                           prev_hash, hash, org, factors_removed, ticket_check";

pub struct RawRow {
    pub seq: i64,
    pub time: String,
    pub agent: String,
    pub action: String,
    pub target_id: Option<String>,
    pub target_login: Option<String>,
    pub ticket: Option<String>,
    pub checklist: String,
    pub evidence: String,
    pub idp_request_id: Option<String>,
    pub outcome: String,
    pub error: Option<String>,
    pub note: Option<String>,
    pub prev_hash: String,
    pub hash: String,
    pub org: Option<String>,
    pub factors_removed: String,
    pub ticket_check: Option<String>,
}

impl RawRow {
    /// Everything after `seq` of a row selected with [`COLUMNS`].
    pub fn read(seq: i64, row: &Row<'_>) -> rusqlite::Result<RawRow> {
        Ok(RawRow {
            seq,
            time: row.get(1)?,
            agent: row.get(2)?,
            action: row.get(3)?,
            target_id: row.get(4)?,
            target_login: row.get(5)?,
            ticket: row.get(6)?,
            checklist: row.get(7)?,
            evidence: row.get(8)?,
            idp_request_id: row.get(9)?,
            outcome: row.get(10)?,
            error: row.get(11)?,
            note: row.get(12)?,
            prev_hash: row.get(13)?,
            hash: row.get(14)?,
            org: row.get(15)?,
            factors_removed: row.get(16)?,
            ticket_check: row.get(17)?,
        })
    }

    /// The entry this row holds, or why it cannot be read.
    pub fn entry(&self) -> Result<AuditEntry, String> {
        let time = DateTime::parse_from_rfc3339(&self.time)
            .map_err(|e| format!("time {:?}: {e}", self.time))?
            .with_timezone(&Utc);
        let checklist: Vec<String> =
            serde_json::from_str(&self.checklist).map_err(|e| format!("checklist: {e}"))?;
        let evidence: Vec<Evidence> =
            serde_json::from_str(&self.evidence).map_err(|e| format!("evidence: {e}"))?;
        let factors_removed: Vec<String> = serde_json::from_str(&self.factors_removed)
            .map_err(|e| format!("factors_removed: {e}"))?;
        let ticket_check = self
            .ticket_check
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|e| format!("ticket_check: {e}"))?;
        let outcome = Outcome::from_name(&self.outcome)
            .ok_or_else(|| format!("unknown outcome {:?}", self.outcome))?;
        Ok(AuditEntry {
            time,
            agent: self.agent.clone(),
            action: self.action.clone(),
            target_id: self.target_id.clone(),
            target_login: self.target_login.clone(),
            ticket: self.ticket.clone(),
            checklist,
            evidence,
            idp_request_id: self.idp_request_id.clone(),
            outcome,
            error: self.error.clone(),
            note: self.note.clone(),
            org: self.org.clone(),
            factors_removed,
            ticket_check,
        })
    }

    pub fn record(self) -> Result<AuditRecord, String> {
        Ok(AuditRecord {
            seq: self.seq,
            entry: self.entry()?,
            prev_hash: self.prev_hash,
            hash: self.hash,
        })
    }
}

pub fn insert(tx: &Transaction<'_>, record: &AuditRecord) -> rusqlite::Result<()> {
    let e = &record.entry;
    let checklist = to_json(&e.checklist)?;
    let evidence = to_json(&e.evidence)?;
    let factors_removed = to_json(&e.factors_removed)?;
    let ticket_check = e.ticket_check.as_ref().map(to_json).transpose()?;
    tx.execute(
        &format!(
            "INSERT INTO audit ({COLUMNS}) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"
        ),
        params![
            record.seq,
            format_time(e.time),
            e.agent,
            e.action,
            e.target_id,
            e.target_login,
            e.ticket,
            checklist,
            evidence,
            e.idp_request_id,
            e.outcome.as_str(),
            e.error,
            e.note,
            record.prev_hash,
            record.hash,
            e.org,
            factors_removed,
            ticket_check,
        ],
    )?;
    Ok(())
}

fn to_json<T: serde::Serialize>(value: &T) -> rusqlite::Result<String> {
    serde_json::to_string(value).map_err(|e| rusqlite::Error::ToSqlConversionFailure(e.into()))
}
