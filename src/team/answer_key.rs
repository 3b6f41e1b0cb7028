//! The desk's answer-link key: one HMAC key for every agent and every `watch`, so a link
//! composed after an agent's action is checked by whichever `watch` serves it. The first
//! process that needs it makes it; everyone after reads the same one.

use super::db::TeamDb;
use super::error::TeamError;

const NAME: &str = "answer_link_key";

/// The key's text (base64), made now with `fresh` if the desk has none yet.
pub async fn desk_answer_key(db: &TeamDb, fresh: String) -> Result<String, TeamError> {
    let pool = db.pool().clone();
    db.run(async move {
        sqlx::query(
            "INSERT INTO desk_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(NAME)
        .bind(fresh)
        .execute(&pool)
        .await?;
        sqlx::query_scalar("SELECT value FROM desk_secrets WHERE name = $1")
            .bind(NAME)
            .fetch_one(&pool)
            .await
    })
    .await
    .map_err(TeamError::query)
}
