//! The team database's schema, as numbered migrations applied in order by sqlx's migrator
//! under its advisory lock, so any number of accessdesk processes starting at once apply
//! each exactly once. Only ever append a migration; never edit one that has shipped (its
//! checksum is stored and checked).
//!
//! Agents' roles may not create tables. A process whose schema is already current checks
//! that and goes on without taking the lock; one that finds migrations pending applies them
//! if its role may, and otherwise says who must.

use std::borrow::Cow;

use sqlx::PgPool;
use sqlx::migrate::{Migration, MigrationType, Migrator};

use super::error::TeamError;

/// `(version, description, sql)`, oldest first.
const MIGRATIONS: [(i64, &str, &str); 3] = [
    (1, "audit trail", include_str!("migrations/0001_audit.sql")),
    (
        2,
        "lockout feed and claims",
        include_str!("migrations/0002_desk.sql"),
    ),
    (
        3,
        "outbox, answer-link key, expiry scan",
        include_str!("migrations/0003_outbox.sql"),
    ),
];

/// The newest schema version this build knows.
pub const LATEST: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

fn migrator() -> Migrator {
    Migrator::with_migrations(
        MIGRATIONS
            .iter()
            .map(|(version, description, sql)| {
                Migration::new(
                    *version,
                    Cow::Borrowed(*description),
                    MigrationType::Simple,
                    sqlx::SqlSafeStr::into_sql_str(*sql),
                    false,
                )
            })
            .collect(),
    )
}

/// The highest migration applied, 0 for a database accessdesk has never used.
pub async fn applied(pool: &PgPool) -> Result<i64, sqlx::Error> {
    let exists: Option<String> = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations')::text")
        .fetch_one(pool)
        .await?;
    if exists.is_none() {
        return Ok(0);
    }
    let version: Option<i64> =
        sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(pool)
            .await?;
    Ok(version.unwrap_or(0))
}

/// Bring the schema up to date, or say why it cannot be.
pub async fn apply(pool: &PgPool, database: &str) -> Result<(), TeamError> {
    let current = applied(pool).await.map_err(TeamError::query)?;
    if current > LATEST {
        return Err(TeamError::TooNew {
            database: database.to_string(),
            found: current,
            supported: LATEST,
        });
    }
    if current == LATEST {
        return Ok(());
    }
    migrator().run(pool).await.map_err(|e| {
        let reason = e.to_string();
        if reason.contains("permission denied") || reason.contains("must be owner") {
            TeamError::NeedsMigration {
                database: database.to_string(),
                reason,
            }
        } else {
            TeamError::Query(format!("applying the schema: {reason}"))
        }
    })
}
