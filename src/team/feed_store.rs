//! The desk's lockout feed in PostgreSQL: what the leading `watch` writes (each lockout once,
//! keyed by the IdP event's uuid, in one transaction with the cursor, then a `NOTIFY`), and
//! what followers read back (a catch-up by feed id) with the leader's polling health.

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{PgConnection, PgPool, Row};
use std::time::Duration;

use crate::idp::FeedCursor;
use crate::model::Lockout;
use crate::services::PollHealth;
use crate::services::watch::{cursor_from_json, cursor_to_json};

/// The channel followers `LISTEN` on; notified after every batch with new lockouts.
pub const LOCKOUTS_CHANNEL: &str = "accessdesk_lockouts";
/// The one feed there is today: the IdP's lockouts.
const FEED: &str = "lockouts";

/// Write a batch and where the feed stands after it, atomically: a leader killed halfway
/// leaves either both or neither. Returns the lockouts whose notices are still to be queued:
/// those new to the feed, and those an event hook brought in first but nobody noticed yet.
pub async fn write_batch(
    conn: &mut PgConnection,
    lockouts: &[Lockout],
    cursor: &FeedCursor,
    health: &PollHealth,
    leader: &str,
) -> Result<Vec<Lockout>, sqlx::Error> {
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    let due = insert(&mut tx, lockouts, Take::NewOrUnnoticed).await?;
    save_state(&mut tx, Some(cursor), health, leader).await?;
    tx.commit().await?;
    Ok(due)
}

/// Write lockouts an event hook delivered (any replica may receive one). Returns those new
/// to the feed: the replica that wrote them queues their notices.
pub async fn write_hooked(
    pool: &PgPool,
    lockouts: &[Lockout],
) -> Result<Vec<Lockout>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let new = insert(&mut tx, lockouts, Take::New).await?;
    tx.commit().await?;
    Ok(new)
}

/// Which rows `insert` hands back.
enum Take {
    New,
    NewOrUnnoticed,
}

async fn insert(
    tx: &mut PgConnection,
    lockouts: &[Lockout],
    take: Take,
) -> Result<Vec<Lockout>, sqlx::Error> {
    let sql = match take {
        Take::New => {
            "INSERT INTO lockouts (uuid, published, user_id, login, body) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (uuid) DO NOTHING"
        }
        // The no-op update makes an unnoticed row count as affected.
        Take::NewOrUnnoticed => {
            "INSERT INTO lockouts (uuid, published, user_id, login, body) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (uuid) DO UPDATE \
             SET noticed = lockouts.noticed WHERE NOT lockouts.noticed"
        }
    };
    let mut taken = Vec::new();
    let mut wrote = false;
    for lockout in lockouts {
        let written = sqlx::query(sql)
            .bind(&lockout.uuid)
            .bind(lockout.published)
            .bind(&lockout.user_id)
            .bind(&lockout.login)
            .bind(Json(lockout))
            .execute(&mut *tx)
            .await?;
        if written.rows_affected() == 1 {
            wrote = true;
            taken.push(lockout.clone());
        }
    }
    if wrote {
        // Delivered at commit, so a follower woken by it finds the rows.
        sqlx::query("SELECT pg_notify($1, '')")
            .bind(LOCKOUTS_CHANNEL)
            .execute(&mut *tx)
            .await?;
    }
    Ok(taken)
}

/// Record a failed poll (the cursor stays where it is).
pub async fn record_failure(
    conn: &mut PgConnection,
    health: &PollHealth,
    leader: &str,
) -> Result<(), sqlx::Error> {
    save_state(conn, None, health, leader).await
}

async fn save_state(
    conn: &mut PgConnection,
    cursor: Option<&FeedCursor>,
    health: &PollHealth,
    leader: &str,
) -> Result<(), sqlx::Error> {
    let interval_ms = i64::try_from(health.effective_interval.as_millis()).unwrap_or(i64::MAX);
    sqlx::query(
        "INSERT INTO feed_state (feed, cursor, leader, interval_ms, last_attempt, last_success, \
         last_error, error_transient, consecutive_errors, updated_at) \
         VALUES ($1, coalesce($2, ''), $3, $4, $5, $6, $7, $8, $9, now()) \
         ON CONFLICT (feed) DO UPDATE SET cursor = coalesce($2, feed_state.cursor), \
         leader = $3, interval_ms = $4, last_attempt = $5, last_success = $6, last_error = $7, \
         error_transient = $8, consecutive_errors = $9, updated_at = now()",
    )
    .bind(FEED)
    .bind(cursor.map(cursor_to_json))
    .bind(leader)
    .bind(interval_ms)
    .bind(health.last_attempt)
    .bind(health.last_success)
    .bind(&health.last_error)
    .bind(health.last_error_transient)
    .bind(i32::try_from(health.consecutive_errors).unwrap_or(i32::MAX))
    .execute(conn)
    .await?;
    Ok(())
}

/// Where the last leader left the feed, if one ever ran.
pub async fn load_cursor(conn: &mut PgConnection) -> Result<Option<FeedCursor>, sqlx::Error> {
    let json: Option<String> =
        sqlx::query_scalar("SELECT cursor FROM feed_state WHERE feed = $1 AND cursor <> ''")
            .bind(FEED)
            .fetch_optional(conn)
            .await?;
    Ok(json.as_deref().and_then(|j| {
        let cursor = cursor_from_json(j);
        if cursor.is_none() {
            tracing::warn!(
                "the desk's saved lockout cursor is unreadable; starting from the lookback"
            );
        }
        cursor
    }))
}

/// Lockouts written but whose notices no leader queued yet (the last one died in between).
pub async fn unnoticed(
    conn: &mut PgConnection,
    since: DateTime<Utc>,
) -> Result<Vec<Lockout>, sqlx::Error> {
    let rows: Vec<Json<Lockout>> = sqlx::query_scalar(
        "SELECT body FROM lockouts WHERE NOT noticed AND published >= $1 ORDER BY id",
    )
    .bind(since)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|Json(l)| l).collect())
}

/// Mark lockouts whose notices are queued (idempotent: any connection will do).
pub async fn mark_noticed(pool: &PgPool, uuids: &[String]) -> Result<(), sqlx::Error> {
    if uuids.is_empty() {
        return Ok(());
    }
    sqlx::query("UPDATE lockouts SET noticed = true WHERE uuid = ANY($1)")
        .bind(uuids)
        .execute(pool)
        .await?;
    Ok(())
}

/// Lockouts after feed id `after` (from the start: those published at or after `since`),
/// oldest first, with their ids.
pub async fn after(
    pool: &PgPool,
    after: i64,
    since: DateTime<Utc>,
) -> Result<Vec<(i64, Lockout)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, body FROM lockouts WHERE id > $1 AND ($1 > 0 OR published >= $2) \
         ORDER BY id LIMIT 5000",
    )
    .bind(after)
    .bind(since)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let Json(lockout): Json<Lockout> = row.try_get("body")?;
            Ok((row.try_get("id")?, lockout))
        })
        .collect()
}

/// The leader's polling as it last recorded it.
#[derive(Debug, Clone, PartialEq)]
pub struct LeaderHealth {
    pub leader: String,
    pub interval: Duration,
    pub last_attempt: Option<DateTime<Utc>>,
    pub last_success: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub error_transient: bool,
    pub consecutive_errors: u32,
    pub last_hook: Option<DateTime<Utc>>,
}

pub async fn leader_health(pool: &PgPool) -> Result<Option<LeaderHealth>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT leader, interval_ms, last_attempt, last_success, last_error, error_transient, \
         consecutive_errors, last_hook FROM feed_state WHERE feed = $1",
    )
    .bind(FEED)
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let interval_ms: i64 = row.try_get("interval_ms")?;
    let errors: i32 = row.try_get("consecutive_errors")?;
    Ok(Some(LeaderHealth {
        leader: row.try_get("leader")?,
        interval: Duration::from_millis(u64::try_from(interval_ms).unwrap_or(0)),
        last_attempt: row.try_get("last_attempt")?,
        last_success: row.try_get("last_success")?,
        last_error: row.try_get("last_error")?,
        error_transient: row.try_get("error_transient")?,
        consecutive_errors: u32::try_from(errors).unwrap_or(0),
        last_hook: row.try_get("last_hook")?,
    }))
}

/// Record that an event hook delivered at `at` (to any replica), and read back the latest
/// delivery the desk knows of: the leader slows its polling to the backstop while they come.
pub async fn record_hook(
    pool: &PgPool,
    at: Option<DateTime<Utc>>,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    if let Some(at) = at {
        sqlx::query(
            "UPDATE feed_state SET last_hook = greatest(coalesce(last_hook, $2), $2) \
             WHERE feed = $1",
        )
        .bind(FEED)
        .bind(at)
        .execute(pool)
        .await?;
    }
    sqlx::query_scalar("SELECT last_hook FROM feed_state WHERE feed = $1")
        .bind(FEED)
        .fetch_optional(pool)
        .await
        .map(Option::flatten)
}
