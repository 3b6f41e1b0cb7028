//! Files that name users or hold notices are created readable by their owner only, before
//! SQLite opens them (its own WAL and shared-memory files then take the same mode).

use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Create `dir` and any missing parents with mode 0700: the data directory names users and
/// holds the audit log, the outbox and the answer-link key. An existing folder keeps its mode
/// (it may be one the user chose, like /tmp).
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Create `path` (or keep it) with mode 0600, tightening an existing file's mode.
pub fn create_private_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        options.open(path)?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    options.open(path)?;
    Ok(())
}

/// Which step of [`open_private_sqlite`] failed; each store words it in its own error.
#[derive(Debug)]
pub enum OpenFailure {
    /// The folder (named) could not be created.
    CreateDir(PathBuf, std::io::Error),
    /// The file could not be created private.
    Create(std::io::Error),
    Sqlite(rusqlite::Error),
}

/// The stores' common opening: the folder, the file private to its owner (before SQLite
/// touches it), the connection with a busy timeout for the other processes sharing it.
pub fn open_private_sqlite(path: &Path, busy: Duration) -> Result<Connection, OpenFailure> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_private_dir(dir).map_err(|e| OpenFailure::CreateDir(dir.to_path_buf(), e))?;
    }
    create_private_file(path).map_err(OpenFailure::Create)?;
    let conn = Connection::open(path).map_err(OpenFailure::Sqlite)?;
    conn.busy_timeout(busy).map_err(OpenFailure::Sqlite)?;
    Ok(conn)
}
