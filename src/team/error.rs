//! What can go wrong with the team database, each message saying what to do about it.

#[derive(Debug, thiserror::Error)]
pub enum TeamError {
    #[error("the team database URL cannot be used: {0}")]
    BadUrl(String),

    #[error(
        "cannot connect to the team database {database}: {reason}; check [team] database_url \
         (or ACCESSDESK_DATABASE_URL), that the server is up, and the password in \
         ACCESSDESK_DATABASE_PASSWORD"
    )]
    Connect { database: String, reason: String },

    #[error(
        "the team database {database} needs its schema brought up to date ({reason}); run \
         `accessdesk team migrate` once as the database's owner"
    )]
    NeedsMigration { database: String, reason: String },

    #[error(
        "the team database {database} has schema version {found}, newer than this accessdesk \
         understands ({supported}); upgrade accessdesk"
    )]
    TooNew {
        database: String,
        found: i64,
        supported: i64,
    },

    #[error("the team database refused: {0}")]
    Refused(String),

    #[error("the team database failed: {0}")]
    Query(String),
}

impl TeamError {
    pub(crate) fn connect(database: &str, e: sqlx::Error) -> TeamError {
        TeamError::Connect {
            database: database.to_string(),
            reason: e.to_string(),
        }
    }

    /// A query's failure: refusals by the database's own rules (permissions, the
    /// append-only and authorship triggers) are told apart from breakdowns.
    pub(crate) fn query(e: sqlx::Error) -> TeamError {
        if let sqlx::Error::Database(db) = &e {
            let code = db.code().unwrap_or_default();
            // 42501 insufficient_privilege; P0001 raise_exception (our triggers).
            if code == "42501" || code == "P0001" {
                return TeamError::Refused(db.message().to_string());
            }
        }
        TeamError::Query(e.to_string())
    }
}
