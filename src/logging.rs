//! Diagnostics go to a file in the data directory, never to the terminal (the dashboard owns
//! it). The level comes from `ACCESSDESK_LOG` (an `EnvFilter` such as `debug` or
//! `accessdesk=trace`); the default is `info`.

use std::path::{Path, PathBuf};
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Where the log files of a data directory live.
pub fn log_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("logs")
}

/// Start logging to `<data_dir>/logs/accessdesk.log.<date>`. Keep the guard alive until exit so
/// buffered lines are flushed. Failing to create the directory is reported, not fatal.
pub fn init(data_dir: &Path) -> Result<WorkerGuard, String> {
    let dir = log_dir(data_dir);
    crate::store::create_private_dir(&dir)
        .map_err(|e| format!("cannot create the log directory {}: {e}", dir.display()))?;
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("accessdesk.log")
        .max_log_files(14)
        .build(&dir)
        .map_err(|e| format!("cannot open a log file in {}: {e}", dir.display()))?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter =
        EnvFilter::try_from_env("ACCESSDESK_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // A second init (tests running commands in-process) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init();
    Ok(guard)
}
