//! Team mode: one help desk, many agents, one PostgreSQL. With `[team] database_url` set, the
//! desk's shared state (the audit trail, and what `watch` writes for every agent) lives in
//! the desk's PostgreSQL instead of each agent's SQLite files.
//!
//! `settings` reads the configuration, `db` connects and runs work on the team runtime,
//! `migrations` keeps the schema current, `status` reads where the desk stands, and `cluster` starts a throwaway server for tests
//! and benches.

pub mod answer_key;
pub mod claims;
pub mod cluster;
mod db;
mod error;
pub mod expiry_scan;
pub mod feed_store;
pub mod follower;
pub mod leader;
pub mod migrations;
mod settings;
pub mod status;

pub use cluster::TempCluster;
pub use db::TeamDb;
pub use error::TeamError;
pub use leader::{Leadership, LostLead};
pub use settings::{DEFAULT_CLAIM_TIMEOUT, TeamSettings};

/// This machine's name, for telling replicas and agents apart (`None` when unknown).
pub fn host_name() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok().filter(|h| !h.is_empty()))
}
