//! The desk's audit trail in PostgreSQL: the same records, the same hash chain, the same
//! verify, shared by every agent.
//!
//! Appends from any number of agents at once never fork the chain: each takes the chain's
//! transaction-level advisory lock before reading the head, and the database's own
//! `audit_append` trigger takes it again and refuses a record that does not follow the head,
//! so even a client that skips the lock cannot fork it. The trigger also refuses a record in
//! any name but the writing role's (`session_user`), and other triggers and the grants keep
//! the table append-only (see `team/migrations/0001_audit.sql`).

use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use sqlx::postgres::PgRow;
use sqlx::{PgPool, Row};

use super::chain::{GENESIS_HASH, format_time, record_hash};
use super::checkpoint::Checkpoint;
use super::error::AuditError;
use super::record::{AuditEntry, AuditRecord};
use super::redact;
use super::row::{COLUMNS, RawRow};
use super::verify::{ChainWalk, VerifyReport};
use crate::team::{TeamDb, TeamError};

/// The live chain every agent appends to; imported local logs get chains of their own.
pub const DESK_CHAIN: &str = "desk";

/// The append-only triggers verify expects on `audit`, enabled.
const TRIGGERS: [&str; 3] = ["audit_append", "audit_no_change", "audit_no_truncate"];

/// One chain of the team database's audit table.
#[derive(Debug, Clone)]
pub struct TeamAudit {
    db: TeamDb,
    chain: String,
}

impl TeamAudit {
    /// The desk's live chain.
    pub fn desk(db: TeamDb) -> TeamAudit {
        TeamAudit::chain(db, DESK_CHAIN)
    }

    /// The connection the chain is written through (for other desk state on the same pool).
    pub fn db(&self) -> &TeamDb {
        &self.db
    }

    pub fn chain(db: TeamDb, chain: &str) -> TeamAudit {
        TeamAudit {
            db,
            chain: chain.to_string(),
        }
    }

    /// Every chain the table holds: the desk's and those imported.
    pub fn chains(db: &TeamDb) -> Result<Vec<String>, AuditError> {
        let pool = db.pool().clone();
        db.block_on(async move {
            sqlx::query_scalar("SELECT DISTINCT chain FROM audit ORDER BY chain")
                .fetch_all(&pool)
                .await
        })
        .map_err(|e| AuditError::Team(TeamError::query(e)))
    }

    /// Where this chain lives, for messages.
    pub fn describe(&self) -> String {
        format!("{} (chain {})", self.db.describe(), self.chain)
    }

    /// The role this connection writes as: the agent of every record it appends.
    pub fn role(&self) -> Result<String, AuditError> {
        let db = self.db.clone();
        self.db
            .block_on(async move { db.role().await })
            .map_err(AuditError::Team)
    }

    /// Add `entry` at the end of the desk's chain, in the name of this connection's role
    /// (whatever `entry.agent` says: the database decides who wrote it).
    pub fn append(&self, entry: &AuditEntry) -> Result<AuditRecord, AuditError> {
        if let Some((field, kind)) = redact::find_in_entry(entry) {
            return Err(AuditError::SecretRefused { field, kind });
        }
        let (pool, chain, entry) = (self.db.pool().clone(), self.chain.clone(), entry.clone());
        self.db
            .block_on(async move { append(&pool, &chain, entry).await })
            .map_err(|e| AuditError::Team(TeamError::query(e)))
    }

    /// Records in order, all of them or those at or after `since`.
    pub fn list(&self, since: Option<DateTime<Utc>>) -> Result<Vec<AuditRecord>, AuditError> {
        let since = since.map(format_time).unwrap_or_default();
        self.select(
            format!("SELECT {COLUMNS} FROM audit WHERE chain = $1 AND time >= $2 ORDER BY seq"),
            Param::Text(since),
        )
    }

    /// The newest `limit` records, newest first.
    pub fn newest(&self, limit: usize) -> Result<Vec<AuditRecord>, AuditError> {
        self.select(
            format!("SELECT {COLUMNS} FROM audit WHERE chain = $1 ORDER BY seq DESC LIMIT $2"),
            Param::Int(i64::try_from(limit).unwrap_or(i64::MAX)),
        )
    }

    /// The newest `limit` records, newest first, and how many the chain holds in all.
    pub fn recent(&self, limit: usize) -> Result<(Vec<AuditRecord>, u64), AuditError> {
        let (pool, chain) = (self.db.pool().clone(), self.chain.clone());
        let total: i64 = self
            .db
            .block_on(async move {
                sqlx::query_scalar("SELECT count(*) FROM audit WHERE chain = $1")
                    .bind(chain)
                    .fetch_one(&pool)
                    .await
            })
            .map_err(|e| AuditError::Team(TeamError::query(e)))?;
        Ok((self.newest(limit)?, u64::try_from(total).unwrap_or(0)))
    }

    fn select(&self, sql: String, param: Param) -> Result<Vec<AuditRecord>, AuditError> {
        let (pool, chain) = (self.db.pool().clone(), self.chain.clone());
        let rows = self
            .db
            .block_on(async move {
                let query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(chain);
                let query = match param {
                    Param::Text(t) => query.bind(t),
                    Param::Int(i) => query.bind(i),
                };
                query.fetch_all(&pool).await
            })
            .map_err(|e| AuditError::Team(TeamError::query(e)))?;
        rows.iter()
            .map(|row| {
                let seq: i64 = row.try_get("seq").unwrap_or_default();
                raw_row(row)
                    .and_then(RawRow::record)
                    .map_err(|reason| AuditError::UnreadableTeam {
                        database: self.describe(),
                        seq,
                        reason,
                    })
            })
            .collect()
    }

    /// Walk the whole chain; an intact one moves the checkpoint up to its head.
    pub fn verify(&self) -> Result<VerifyReport, AuditError> {
        let report = self.walk(None)?;
        self.remember(&report);
        Ok(report)
    }

    /// Check only the records after the stored checkpoint (after checking it still agrees
    /// with the chain); anything amiss, or no checkpoint, is the full [`verify`](Self::verify).
    pub fn verify_from_checkpoint(&self) -> Result<VerifyReport, AuditError> {
        let Some(checkpoint) = self.load_checkpoint()? else {
            return self.verify();
        };
        let report = self.walk(Some(checkpoint))?;
        if !report.is_intact() {
            return self.verify();
        }
        self.remember(&report);
        Ok(report)
    }

    fn walk(&self, from: Option<Checkpoint>) -> Result<VerifyReport, AuditError> {
        let (pool, chain) = (self.db.pool().clone(), self.chain.clone());
        self.db
            .block_on(async move {
                // One snapshot for rows, head and triggers, while others go on appending.
                let mut tx = pool.begin().await?;
                sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .execute(&mut *tx)
                    .await?;
                let mut walk = ChainWalk::new(from);
                {
                    let sql = format!(
                        "SELECT {COLUMNS} FROM audit WHERE chain = $1 AND seq >= $2 ORDER BY seq"
                    );
                    let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(&chain)
                        .bind(walk.lowest())
                        .fetch(&mut *tx);
                    while let Some(row) = rows.try_next().await? {
                        let seq: i64 = row.try_get("seq")?;
                        walk.row(seq, || raw_row(&row));
                    }
                }
                let high: Option<i64> =
                    sqlx::query_scalar("SELECT seq FROM audit_head WHERE chain = $1")
                        .bind(&chain)
                        .fetch_optional(&mut *tx)
                        .await?;
                let enabled: Vec<String> = sqlx::query_scalar(
                    "SELECT t.tgname::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid \
                     WHERE c.oid = to_regclass('audit') AND t.tgenabled <> 'D'",
                )
                .fetch_all(&mut *tx)
                .await?;
                let missing = TRIGGERS
                    .iter()
                    .filter(|name| !enabled.iter().any(|e| e == *name))
                    .map(|name| name.to_string())
                    .collect();
                tx.commit().await?;
                Ok::<_, sqlx::Error>(walk.finish(high.unwrap_or(0), missing))
            })
            .map_err(|e| AuditError::Team(TeamError::query(e)))
    }

    /// The stored checkpoint, if there is one and it still agrees with the chain.
    fn load_checkpoint(&self) -> Result<Option<Checkpoint>, AuditError> {
        let (pool, chain) = (self.db.pool().clone(), self.chain.clone());
        self.db
            .block_on(async move {
                let stored: Option<(i64, String, DateTime<Utc>)> = sqlx::query_as(
                    "SELECT through_seq, hash, verified_at FROM audit_checkpoint WHERE chain = $1",
                )
                .bind(&chain)
                .fetch_optional(&pool)
                .await?;
                let Some((through_seq, hash, verified_at)) = stored else {
                    return Ok(None);
                };
                let first: Option<i64> =
                    sqlx::query_scalar("SELECT min(seq) FROM audit WHERE chain = $1")
                        .bind(&chain)
                        .fetch_one(&pool)
                        .await?;
                if first != Some(1) {
                    return Ok(None);
                }
                let sql = format!("SELECT {COLUMNS} FROM audit WHERE chain = $1 AND seq = $2");
                let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(&chain)
                    .bind(through_seq)
                    .fetch_optional(&pool)
                    .await?;
                let holds = row.and_then(|row| raw_row(&row).ok()).is_some_and(|raw| {
                    raw.hash == hash
                        && raw
                            .entry()
                            .is_ok_and(|entry| record_hash(&raw.prev_hash, raw.seq, &entry) == hash)
                });
                Ok::<_, sqlx::Error>(holds.then_some(Checkpoint {
                    through_seq,
                    hash,
                    verified_at,
                }))
            })
            .map_err(|e| AuditError::Team(TeamError::query(e)))
    }

    /// Record an intact chain's head as the checkpoint (never moving it back). Best effort.
    fn remember(&self, report: &VerifyReport) {
        let through = i64::try_from(report.good).unwrap_or(i64::MAX);
        if report.checkpoint.as_ref().map(|c| c.through_seq) == Some(through) {
            return;
        }
        let (true, Some(hash)) = (report.is_intact(), report.last_hash.clone()) else {
            return;
        };
        let (pool, chain) = (self.db.pool().clone(), self.chain.clone());
        let stored = self.db.block_on(async move {
            sqlx::query(
                "INSERT INTO audit_checkpoint (chain, through_seq, hash, verified_at) \
                 VALUES ($1, $2, $3, now()) ON CONFLICT (chain) DO UPDATE SET \
                 through_seq = EXCLUDED.through_seq, hash = EXCLUDED.hash, \
                 verified_at = EXCLUDED.verified_at \
                 WHERE EXCLUDED.through_seq >= audit_checkpoint.through_seq",
            )
            .bind(chain)
            .bind(through)
            .bind(hash)
            .execute(&pool)
            .await
        });
        if let Err(e) = stored {
            tracing::warn!(error = %e, "cannot store the team audit checkpoint");
        }
    }

    /// Copy every record of `records` (a verified local log, oldest first) into this chain
    /// as they are: same seq, agent, hashes. Refuses a chain that already holds records.
    pub fn import(&self, records: Vec<AuditRecord>) -> Result<u64, AuditError> {
        let (pool, chain) = (self.db.pool().clone(), self.chain.clone());
        self.db
            .block_on(async move {
                let mut tx = pool.begin().await?;
                lock_chain(&mut tx, &chain).await?;
                let mut count = 0;
                for record in &records {
                    insert(&mut tx, &chain, record).await?;
                    count += 1;
                }
                tx.commit().await?;
                Ok::<_, sqlx::Error>(count)
            })
            .map_err(|e| AuditError::Team(TeamError::query(e)))
    }
}

enum Param {
    Text(String),
    Int(i64),
}

async fn lock_chain(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    chain: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('accessdesk.audit.' || $1, 0))")
        .bind(chain)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Append under the chain's lock: read the head, hash onto it, insert, commit.
async fn append(
    pool: &PgPool,
    chain: &str,
    mut entry: AuditEntry,
) -> Result<AuditRecord, sqlx::Error> {
    let mut tx = pool.begin().await?;
    lock_chain(&mut tx, chain).await?;
    entry.agent = sqlx::query_scalar("SELECT session_user::text")
        .fetch_one(&mut *tx)
        .await?;
    let head: Option<(i64, String)> =
        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE chain = $1")
            .bind(chain)
            .fetch_optional(&mut *tx)
            .await?;
    let (last_seq, prev_hash) = head.unwrap_or((0, GENESIS_HASH.to_string()));
    let seq = last_seq + 1;
    let record = AuditRecord {
        seq,
        hash: record_hash(&prev_hash, seq, &entry),
        entry,
        prev_hash,
    };
    insert(&mut tx, chain, &record).await?;
    tx.commit().await?;
    Ok(record)
}

async fn insert(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    chain: &str,
    record: &AuditRecord,
) -> Result<(), sqlx::Error> {
    let e = &record.entry;
    let sql = format!(
        "INSERT INTO audit (chain, {COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
         $11, $12, $13, $14, $15, $16, $17, $18, $19)"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(chain)
        .bind(record.seq)
        .bind(format_time(e.time))
        .bind(&e.agent)
        .bind(&e.action)
        .bind(&e.target_id)
        .bind(&e.target_login)
        .bind(&e.ticket)
        .bind(to_json(&e.checklist))
        .bind(to_json(&e.evidence))
        .bind(&e.idp_request_id)
        .bind(e.outcome.as_str())
        .bind(&e.error)
        .bind(&e.note)
        .bind(&record.prev_hash)
        .bind(&record.hash)
        .bind(&e.org)
        .bind(to_json(&e.factors_removed))
        .bind(e.ticket_check.as_ref().map(to_json))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A value serialised as the SQLite log stores it, so both decode the same way.
fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("audit values serialise")
}

/// A row as stored, for decoding (and for verify, which reports undecodable rows).
fn raw_row(row: &PgRow) -> Result<RawRow, String> {
    let read = || -> Result<RawRow, sqlx::Error> {
        Ok(RawRow {
            seq: row.try_get("seq")?,
            time: row.try_get("time")?,
            agent: row.try_get("agent")?,
            action: row.try_get("action")?,
            target_id: row.try_get("target_id")?,
            target_login: row.try_get("target_login")?,
            ticket: row.try_get("ticket")?,
            checklist: row.try_get("checklist")?,
            evidence: row.try_get("evidence")?,
            idp_request_id: row.try_get("idp_request_id")?,
            outcome: row.try_get("outcome")?,
            error: row.try_get("error")?,
            note: row.try_get("note")?,
            prev_hash: row.try_get("prev_hash")?,
            hash: row.try_get("hash")?,
            org: row.try_get("org")?,
            factors_removed: row.try_get("factors_removed")?,
            ticket_check: row.try_get("ticket_check")?,
        })
    };
    read().map_err(|e| e.to_string())
}
