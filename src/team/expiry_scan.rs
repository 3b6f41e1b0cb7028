//! The desk's expiry scan (team mode): the scanner's latest result, saved whole by the
//! `watch` that scanned the directory and read by every dashboard and `expiries --stored`,
//! so the IdP is scanned by the desk's service rather than by every agent.

use chrono::{DateTime, Utc};
use sqlx::types::Json;

use super::db::TeamDb;
use super::error::TeamError;
use crate::model::ExpiryScan;

/// The saved scan and who saved it when; `None` before any `watch` has scanned.
pub async fn load(db: &TeamDb) -> Result<Option<(ExpiryScan, String, DateTime<Utc>)>, TeamError> {
    let pool = db.pool().clone();
    let row: Option<(Json<ExpiryScan>, String, DateTime<Utc>)> = db
        .run(async move {
            sqlx::query_as("SELECT scan, saved_by, saved_at FROM expiry_scan WHERE id = 1")
                .fetch_optional(&pool)
                .await
        })
        .await
        .map_err(TeamError::query)?;
    Ok(row.map(|(Json(scan), by, at)| (scan, by, at)))
}

/// When the saved scan was brought up to date (cheap: for followers to poll).
pub async fn as_of(db: &TeamDb) -> Result<Option<Option<DateTime<Utc>>>, TeamError> {
    let pool = db.pool().clone();
    db.run(async move {
        sqlx::query_scalar("SELECT as_of FROM expiry_scan WHERE id = 1")
            .fetch_optional(&pool)
            .await
    })
    .await
    .map_err(TeamError::query)
}

/// Replace the saved scan with `scan`.
pub async fn save(db: &TeamDb, scan: &ExpiryScan) -> Result<(), TeamError> {
    let (pool, scan) = (db.pool().clone(), scan.clone());
    db.run(async move {
        sqlx::query(
            "INSERT INTO expiry_scan (id, scan, as_of) VALUES (1, $1, $2) \
             ON CONFLICT (id) DO UPDATE SET scan = EXCLUDED.scan, as_of = EXCLUDED.as_of, \
             saved_by = session_user, saved_at = now()",
        )
        .bind(Json(&scan))
        .bind(scan.as_of)
        .execute(&pool)
        .await
    })
    .await
    .map(drop)
    .map_err(TeamError::query)
}
