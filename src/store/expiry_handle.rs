//! The expiry scanner's store as its callers see it: the SQLite file in the data directory,
//! or in team mode the desk's PostgreSQL (`watch` saves there, every dashboard reads it).

use std::path::{Path, PathBuf};

use super::StoreError;
use super::expiry_store::LocalExpiryStore;
use crate::model::ExpiryScan;
use crate::team::TeamDb;

#[derive(Debug)]
pub enum ExpiryStore {
    Local(LocalExpiryStore),
    Team(TeamDb),
}

impl ExpiryStore {
    /// Where the file lives inside the data directory.
    pub fn default_path(data_dir: &Path) -> PathBuf {
        LocalExpiryStore::default_path(data_dir)
    }

    /// Open the file at `path`, creating it (and its directory) when missing.
    pub fn open(path: impl AsRef<Path>) -> Result<ExpiryStore, StoreError> {
        LocalExpiryStore::open(path).map(ExpiryStore::Local)
    }

    /// The desk's scan in its PostgreSQL.
    pub fn team(db: TeamDb) -> ExpiryStore {
        ExpiryStore::Team(db)
    }

    /// The last saved scan; `None` before the first save. Blocking (call it off the async
    /// threads).
    pub fn load(&mut self) -> Result<Option<ExpiryScan>, StoreError> {
        match self {
            ExpiryStore::Local(store) => store.load(),
            ExpiryStore::Team(db) => {
                let task = db.clone();
                db.block_on(async move { crate::team::expiry_scan::load(&task).await })
                    .map(|saved| saved.map(|(scan, _, _)| scan))
                    .map_err(|e| team_failed(db, e))
            }
        }
    }

    /// Replace the stored scan with `scan`, all or nothing. Blocking.
    pub fn save(&mut self, scan: &ExpiryScan) -> Result<(), StoreError> {
        match self {
            ExpiryStore::Local(store) => store.save(scan),
            ExpiryStore::Team(db) => {
                let (task, scan) = (db.clone(), scan.clone());
                db.block_on(async move { crate::team::expiry_scan::save(&task, &scan).await })
                    .map_err(|e| team_failed(db, e))
            }
        }
    }
}

fn team_failed(db: &TeamDb, e: crate::team::TeamError) -> StoreError {
    StoreError::Team {
        place: db.describe().to_string(),
        message: e.to_string(),
    }
}
