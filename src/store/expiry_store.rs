//! The expiry scanner's last result on disk (`expiries.sqlite3` in the data directory), so
//! the panes open at once on the next start and show the data's age. One transaction per
//! save; the file is readable by its owner only (it names every user with an expiry).

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior};

use super::expiry_rows::{self, Unreadable};
use super::expiry_schema::{self, Layout, SCHEMA_VERSION};
use super::{OpenFailure, StoreError, open_private_sqlite};
use crate::model::ExpiryScan;

/// The file's name in the data directory.
pub const EXPIRY_STORE_FILE: &str = "expiries.sqlite3";

/// A second process (the CLI while the dashboard runs) waits this long for a save to end.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub struct LocalExpiryStore {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for LocalExpiryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalExpiryStore")
            .field("path", &self.path)
            .finish()
    }
}

impl LocalExpiryStore {
    /// Where the store lives inside the data directory.
    pub fn default_path(data_dir: &Path) -> PathBuf {
        data_dir.join(EXPIRY_STORE_FILE)
    }

    /// Open the store at `path`, creating it (and its directory) when missing.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref();
        let sql = |e| StoreError::sqlite(path, e);
        let mut conn = open_private_sqlite(path, BUSY_TIMEOUT).map_err(|e| match e {
            OpenFailure::CreateDir(path, source) => StoreError::CreateDir { path, source },
            OpenFailure::Create(source) => StoreError::Create {
                path: path.to_path_buf(),
                source,
            },
            OpenFailure::Sqlite(e) => sql(e),
        })?;
        if let Layout::TooNew(found) = expiry_schema::prepare(&mut conn).map_err(sql)? {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found,
                supported: SCHEMA_VERSION,
            });
        }
        Ok(Self {
            conn,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The last saved scan; `None` before the first save.
    pub fn load(&mut self) -> Result<Option<ExpiryScan>, StoreError> {
        let tx = self
            .conn
            .transaction()
            .map_err(|e| StoreError::sqlite(&self.path, e))?;
        expiry_rows::read(&tx).map_err(|Unreadable(what)| StoreError::Corrupt {
            path: self.path.clone(),
            what,
        })
    }

    /// Replace the stored scan with `scan`, all or nothing.
    pub fn save(&mut self, scan: &ExpiryScan) -> Result<(), StoreError> {
        let path = &self.path;
        let sql = |e| StoreError::sqlite(path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        expiry_rows::write(&tx, scan).map_err(sql)?;
        tx.commit().map_err(sql)
    }
}

#[cfg(test)]
#[path = "expiry_store_tests.rs"]
mod tests;
