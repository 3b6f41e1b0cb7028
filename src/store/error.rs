//! What can go wrong with a store, each message naming the file (or the desk's database).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the directory for {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("cannot create {path} readable only by you: {source}")]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error(
        "{path} has schema version {found}, newer than this accessdesk understands \
         ({supported}); upgrade accessdesk or choose another data directory"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    #[error("{path} holds a value that cannot be read ({what}); delete the file to rescan")]
    Corrupt { path: PathBuf, what: String },

    #[error("the store at {path} failed: {source}")]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },

    #[error("the desk's expiry scan in {place} cannot be used: {message}")]
    Team { place: String, message: String },
}

impl StoreError {
    pub(crate) fn sqlite(path: &std::path::Path, source: rusqlite::Error) -> Self {
        Self::Sqlite {
            path: path.to_path_buf(),
            source,
        }
    }
}
