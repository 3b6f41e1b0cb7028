//! Claims: "alice is on this call", one live claim per lockout, seen by every agent. A claim
//! is made in the name of the database role that makes it (the `claims_guard` trigger), lasts
//! `[team] claim_timeout_minutes` unless renewed, and is released when the agent is done,
//! with what was done: the feed's handled mark ("unlocked") for every agent's screen.
//! Taking a lockout another agent holds is refused with who holds it and until when.

use chrono::{DateTime, Utc};
use sqlx::postgres::PgListener;
use std::time::Duration;
use tokio::sync::mpsc;

use super::db::TeamDb;
use super::error::TeamError;

/// The channel every change to a claim is notified on (payload: the lockout's uuid).
pub const CLAIMS_CHANNEL: &str = "accessdesk_claims";
/// The claims are read again at least this often (expiries, a lost notification).
const REFRESH: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Claim {
    pub lockout_uuid: String,
    pub user_id: Option<String>,
    /// The database role that claimed it.
    pub agent: String,
    pub claimed_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub released_at: Option<DateTime<Utc>>,
    /// What the agent did, when they released it after acting ("unlocked").
    pub outcome: Option<String>,
}

impl Claim {
    /// Someone is on this call now.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.released_at.is_none() && self.expires_at > now
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ClaimError {
    #[error("{} is on this call (claimed {}, until {})", .0.agent, .0.claimed_at.format("%H:%M UTC"), .0.expires_at.format("%H:%M UTC"))]
    HeldBy(Claim),
    #[error(transparent)]
    Database(#[from] TeamError),
}

const COLUMNS: &str = "lockout_uuid, user_id, agent, claimed_at, expires_at, released_at, outcome";

type ClaimRow = (
    String,
    Option<String>,
    String,
    DateTime<Utc>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<String>,
);

fn claim_of(row: ClaimRow) -> Claim {
    let (lockout_uuid, user_id, agent, claimed_at, expires_at, released_at, outcome) = row;
    Claim {
        lockout_uuid,
        user_id,
        agent,
        claimed_at,
        expires_at,
        released_at,
        outcome,
    }
}

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
            sqlx::query_as::<_, ClaimRow>(sqlx::AssertSqlSafe(format!(
                "INSERT INTO claims (lockout_uuid, user_id, expires_at) \
                 VALUES ($1, $2, now() + make_interval(secs => $3)) \
                 ON CONFLICT (lockout_uuid) DO UPDATE SET agent = session_user, \
                 user_id = EXCLUDED.user_id, expires_at = EXCLUDED.expires_at, \
                 released_at = NULL, outcome = NULL RETURNING {COLUMNS}"
            )))
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

/// Release this agent's claim on `lockout_uuid`, with what was done (`None`: handed back
/// untouched). True if it held one.
pub async fn release(
    db: &TeamDb,
    lockout_uuid: &str,
    outcome: Option<&str>,
) -> Result<bool, TeamError> {
    let (pool, uuid, outcome) = (
        db.pool().clone(),
        lockout_uuid.to_string(),
        outcome.map(str::to_string),
    );
    db.run(async move {
        sqlx::query(
            "UPDATE claims SET released_at = now(), outcome = $2 WHERE lockout_uuid = $1 \
             AND agent = session_user AND released_at IS NULL",
        )
        .bind(uuid)
        .bind(outcome)
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
        sqlx::query_as::<_, ClaimRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM claims WHERE lockout_uuid = $1 \
             AND released_at IS NULL AND expires_at > now()"
        )))
        .bind(uuid)
        .fetch_optional(&pool)
        .await
    })
    .await
    .map(|row| row.map(claim_of))
    .map_err(TeamError::query)
}

/// Every claim made since `since` (live, released with an outcome, or lapsed), oldest
/// first: what the feed marks.
pub async fn since(db: &TeamDb, since: DateTime<Utc>) -> Result<Vec<Claim>, TeamError> {
    let pool = db.pool().clone();
    db.run(async move { recent(&pool, since).await })
        .await
        .map_err(TeamError::query)
}

/// Every live claim, oldest first.
pub(crate) async fn live(pool: &sqlx::PgPool) -> Result<Vec<Claim>, sqlx::Error> {
    sqlx::query_as::<_, ClaimRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM claims WHERE released_at IS NULL AND expires_at > now() \
         ORDER BY claimed_at"
    )))
    .fetch_all(pool)
    .await
    .map(|rows| rows.into_iter().map(claim_of).collect())
}

async fn recent(pool: &sqlx::PgPool, since: DateTime<Utc>) -> Result<Vec<Claim>, sqlx::Error> {
    sqlx::query_as::<_, ClaimRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM claims WHERE claimed_at >= $1 ORDER BY claimed_at LIMIT 10000"
    )))
    .bind(since)
    .fetch_all(pool)
    .await
    .map(|rows| rows.into_iter().map(claim_of).collect())
}

/// Send the desk's claims since `since` whenever they change (and every few seconds, so a
/// lapsed claim clears), until the receiver goes away.
pub async fn follow(db: TeamDb, since: DateTime<Utc>, tx: mpsc::Sender<Vec<Claim>>) {
    let on_team_runtime = db.clone();
    on_team_runtime
        .run(async move {
            loop {
                let mut listener = match PgListener::connect_with(db.pool()).await {
                    Ok(l) => l,
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot follow the desk's claims; retrying");
                        tokio::time::sleep(Duration::from_secs(2)).await;
                        continue;
                    }
                };
                if let Err(e) = listener.listen(CLAIMS_CHANNEL).await {
                    tracing::warn!(error = %e, "cannot follow the desk's claims; retrying");
                    tokio::time::sleep(Duration::from_secs(2)).await;
                    continue;
                }
                loop {
                    match recent(db.pool(), since).await {
                        Ok(claims) => {
                            if tx.send(claims).await.is_err() {
                                return;
                            }
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "cannot read the desk's claims");
                            break;
                        }
                    }
                    tokio::select! {
                        woken = listener.try_recv() => {
                            if woken.is_err() {
                                break;
                            }
                            while listener.next_buffered().is_some() {}
                        }
                        () = tokio::time::sleep(REFRESH) => {}
                        () = tx.closed() => return,
                    }
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        })
        .await;
}
