//! `accessdesk team status`: what the desk's database holds and who is doing what, read in
//! one go: the schema, this connection's role and what it may do, the feed's leader and its
//! polling, the lockouts written, the live claims and the audit chains.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::claims::Claim;
use super::db::TeamDb;
use super::error::TeamError;
use super::feed_store::{self, LeaderHealth};
use super::migrations;

#[derive(Debug, Serialize)]
pub struct DeskStatus {
    /// `user@host:port/db`, never the password.
    pub database: String,
    /// The role this connection acts as (the name its claims and records carry).
    pub role: String,
    /// Members of `accessdesk_agent` may audit and claim; of `accessdesk_watch`, write the
    /// feed.
    pub agent: bool,
    pub watch: bool,
    pub schema: u32,
    pub schema_latest: u32,
    /// The feed's leader and how its polling goes; none before a `watch` has led.
    pub feed: Option<FeedStatus>,
    pub lockouts_total: i64,
    pub lockouts_last_day: i64,
    pub live_claims: Vec<Claim>,
    /// None when this role may not read the audit trail.
    pub audit_chains: Option<Vec<ChainStatus>>,
}

#[derive(Debug, Serialize)]
pub struct FeedStatus {
    pub leader: String,
    pub interval_secs: u64,
    pub last_success: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub consecutive_errors: u32,
    pub last_hook: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize)]
pub struct ChainStatus {
    pub chain: String,
    pub records: i64,
    pub newest_at: Option<String>,
}

impl From<LeaderHealth> for FeedStatus {
    fn from(h: LeaderHealth) -> FeedStatus {
        FeedStatus {
            leader: h.leader,
            interval_secs: h.interval.as_secs(),
            last_success: h.last_success,
            last_error: h.last_error,
            consecutive_errors: h.consecutive_errors,
            last_hook: h.last_hook,
        }
    }
}

/// Read the desk's status. The schema must be current (connect with [`TeamDb::connect`]).
pub async fn read(db: &TeamDb) -> Result<DeskStatus, TeamError> {
    let database = db.describe().to_string();
    let role = db.role().await?;
    let pool = db.pool().clone();
    let read = db.run(async move {
        let schema = migrations::applied(&pool).await?;
        let (agent, watch): (bool, bool) = sqlx::query_as(
            "SELECT pg_has_role(session_user, 'accessdesk_agent', 'MEMBER'), \
             pg_has_role(session_user, 'accessdesk_watch', 'MEMBER')",
        )
        .fetch_one(&pool)
        .await?;
        let feed = feed_store::leader_health(&pool).await?;
        let (lockouts_total, lockouts_last_day): (i64, i64) = sqlx::query_as(
            "SELECT count(*), count(*) FILTER (WHERE published > now() - interval '1 day') \
             FROM lockouts",
        )
        .fetch_one(&pool)
        .await?;
        let live_claims = super::claims::live(&pool).await?;
        let chains: Result<Vec<(String, i64, Option<String>)>, sqlx::Error> = sqlx::query_as(
            "SELECT chain, count(*), max(time) FROM audit GROUP BY chain ORDER BY chain",
        )
        .fetch_all(&pool)
        .await;
        let chains = match chains {
            Ok(rows) => Some(rows),
            Err(e) if permission_denied(&e) => None,
            Err(e) => return Err(e),
        };
        Ok::<_, sqlx::Error>((
            schema,
            agent,
            watch,
            feed,
            lockouts_total,
            lockouts_last_day,
            live_claims,
            chains,
        ))
    });
    let (schema, agent, watch, feed, lockouts_total, lockouts_last_day, live_claims, chains) =
        read.await.map_err(TeamError::query)?;
    Ok(DeskStatus {
        database,
        role,
        agent,
        watch,
        schema: u32::try_from(schema).unwrap_or(0),
        schema_latest: u32::try_from(migrations::LATEST).unwrap_or(0),
        feed: feed.map(FeedStatus::from),
        lockouts_total,
        lockouts_last_day,
        live_claims,
        audit_chains: chains.map(|rows| {
            rows.into_iter()
                .map(|(chain, records, newest_at)| ChainStatus {
                    chain,
                    records,
                    newest_at,
                })
                .collect()
        }),
    })
}

fn permission_denied(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.code())
        .is_some_and(|code| code == "42501")
}
