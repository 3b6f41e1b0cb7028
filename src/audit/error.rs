//! What can go wrong with the audit log, each message saying what to do about it.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error(
        "the audit log at {path} is locked by another accessdesk; wait for it to finish \
         (or close it) and try again"
    )]
    Locked { path: PathBuf },

    #[error(
        "{path} is not an accessdesk audit log; move it away or choose another data directory \
         (--data-dir)"
    )]
    NotAuditLog { path: PathBuf },

    #[error(
        "the audit log at {path} has schema version {found}, newer than this accessdesk \
         understands ({supported}); upgrade accessdesk to read it"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    #[error(
        "refusing to write the audit entry: its {field} looks like it contains {kind}; \
         record what was done, never the secret itself"
    )]
    SecretRefused {
        field: &'static str,
        kind: &'static str,
    },

    #[error(
        "record {seq} of the audit log at {path} cannot be read ({reason}); it was changed \
         outside accessdesk: run `accessdesk audit verify`"
    )]
    Unreadable {
        path: PathBuf,
        seq: i64,
        reason: String,
    },

    #[error("cannot create the audit log at {path} readable by you only: {source}")]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("cannot create the directory for the audit log at {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("the audit log at {path} failed: {source}")]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },

    #[error(
        "record {seq} of the team audit trail in {database} cannot be read ({reason}); it was \
         changed outside accessdesk: run `accessdesk audit verify`"
    )]
    UnreadableTeam {
        database: String,
        seq: i64,
        reason: String,
    },

    #[error("{0}")]
    Team(#[from] crate::team::TeamError),

    #[error("cannot write the audit export: {0}")]
    Write(#[from] std::io::Error),
}

impl AuditError {
    /// Classify a SQLite error on the log at `path`: contention and foreign files get their
    /// own advice.
    pub(crate) fn sqlite(path: &std::path::Path, source: rusqlite::Error) -> AuditError {
        use rusqlite::ErrorCode::{DatabaseBusy, DatabaseLocked, NotADatabase};
        let path = path.to_path_buf();
        match source.sqlite_error_code() {
            Some(DatabaseBusy | DatabaseLocked) => AuditError::Locked { path },
            Some(NotADatabase) => AuditError::NotAuditLog { path },
            _ => AuditError::Sqlite { path, source },
        }
    }
}
