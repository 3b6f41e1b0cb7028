use std::path::PathBuf;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum OutboxError {
    #[error("cannot create the data directory {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot create the outbox {path} readable only by you: {source}")]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the outbox {path} cannot be used: {message}")]
    Sqlite { path: PathBuf, message: String },
    #[error(
        "the outbox {path} was written by a newer accessdesk (schema {found}, this one knows {supported}): upgrade accessdesk"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("the outbox {path} has no notice with id {id}")]
    NoSuchNotice { path: PathBuf, id: i64 },
    #[error("the outbox {path} holds a row it cannot read ({what}): {message}")]
    Corrupt {
        path: PathBuf,
        what: String,
        message: String,
    },
}
