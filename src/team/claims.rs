//! Claims: "alice is on this call", one live claim per lockout, seen by every agent. A claim
//! is made in the name of the database role that makes it (the `claims_guard` trigger), lasts
//! `[team] claim_timeout_minutes` unless renewed, and is released when the agent is done.
//! Taking a lockout another agent holds is refused with who holds it and until when.

use chrono::{DateTime, Utc};
use std::time::Duration;

use super::db::TeamDb;
use super::error::TeamError;

/// The channel every change to a claim is notified on (payload: the lockout's uuid).
pub const CLAIMS_CHANNEL: &str = "accessdesk_claims";

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Claim {
    pub lockout_uuid: String,
    pub user_id: Option<String>,
    /// The database role that claimed it.
    pub agent: String,
    pub claimed_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum ClaimError {
    #[error("{} is on this call (claimed {}, until {})", .0.agent, .0.claimed_at.format("%H:%M UTC"), .0.expires_at.format("%H:%M UTC"))]
    HeldBy(Claim),
    #[error(transparent)]
    Database(#[from] TeamError),
}

type ClaimRow = (String, Option<String>, String, DateTime<Utc>, DateTime<Utc>);

fn claim_of(row: ClaimRow) -> Claim {
    let (lockout_uuid, user_id, agent, claimed_at, expires_at) = row;
    Claim {
        lockout_uuid,
        user_id,
        agent,
        claimed_at,
        expires_at,
    }
}

const LIVE: &str = "SELECT lockout_uuid, user_id, agent, claimed_at, expires_at FROM claims \
                    WHERE released_at IS NULL AND expires_at > now()";

/// Claim `lockout_uuid` (or renew this agent's own claim) for `ttl`.
pub async fn claim(
    db: &TeamDb,
    lockout_uuid: &str,
    user_id: Option<&str>,
    ttl: Duration,
) -> Result<Claim, ClaimError> {
    let (pool, uuid, user) = (
        db.pool().clone(),
        lockout_uuid.to_string(),
        user_id.map(str::to_string),
    );
    let seconds = ttl.as_secs_f64();
    let written = db
        .run(async move {
            sqlx::query_as::<_, ClaimRow>(
                "INSERT INTO claims (lockout_uuid, user_id, expires_at) \
                 VALUES ($1, $2, now() + make_interval(secs => $3)) \
                 ON CONFLICT (lockout_uuid) DO UPDATE SET agent = session_user, \
                 user_id = EXCLUDED.user_id, expires_at = EXCLUDED.expires_at, released_at = NULL \
                 RETURNING lockout_uuid, user_id, agent, claimed_at, expires_at",
            )
            .bind(uuid)
            .bind(user)
            .bind(seconds)
            .fetch_one(&pool)
            .await
        })
        .await;
    match written {
        Ok(row) => Ok(claim_of(row)),
        // Refused by the guard: someone else holds it. Say who.
        Err(e) => match TeamError::query(e) {
            TeamError::Refused(why) => match held(db, lockout_uuid).await? {
                Some(holder) => Err(ClaimError::HeldBy(holder)),
                None => Err(TeamError::Refused(why).into()),
            },
            other => Err(other.into()),
        },
    }
}

/// Release this agent's claim on `lockout_uuid` (done, or handed back). True if it held one.
pub async fn release(db: &TeamDb, lockout_uuid: &str) -> Result<bool, TeamError> {
    let (pool, uuid) = (db.pool().clone(), lockout_uuid.to_string());
    db.run(async move {
        sqlx::query(
            "UPDATE claims SET released_at = now() WHERE lockout_uuid = $1 \
             AND agent = session_user AND released_at IS NULL",
        )
        .bind(uuid)
        .execute(&pool)
        .await
    })
    .await
    .map(|done| done.rows_affected() == 1)
    .map_err(TeamError::query)
}

/// The live claim on `lockout_uuid`, if any.
pub async fn held(db: &TeamDb, lockout_uuid: &str) -> Result<Option<Claim>, TeamError> {
    let (pool, uuid) = (db.pool().clone(), lockout_uuid.to_string());
    db.run(async move {
        sqlx::query_as::<_, ClaimRow>(sqlx::AssertSqlSafe(format!("{LIVE} AND lockout_uuid = $1")))
            .bind(uuid)
            .fetch_optional(&pool)
            .await
    })
    .await
    .map(|row| row.map(claim_of))
    .map_err(TeamError::query)
}

/// Every live claim, oldest first: what the feed marks.
pub async fn live(db: &TeamDb) -> Result<Vec<Claim>, TeamError> {
    let pool = db.pool().clone();
    db.run(async move {
        sqlx::query_as::<_, ClaimRow>(sqlx::AssertSqlSafe(format!("{LIVE} ORDER BY claimed_at")))
            .fetch_all(&pool)
            .await
    })
    .await
    .map(|rows| rows.into_iter().map(claim_of).collect())
    .map_err(TeamError::query)
}
