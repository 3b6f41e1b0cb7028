//! Files that name users or hold notices are created readable by their owner only, before
//! SQLite opens them (its own WAL and shared-memory files then take the same mode).

use std::path::Path;

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
