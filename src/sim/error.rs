//! Errors from the simulator's Rust API.

/// Why a control operation on the simulated organisation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    /// No seeded user has this login or id.
    #[error("unknown user: {0}")]
    UnknownUser(String),
    /// No group has this name.
    #[error("unknown group: {0}")]
    UnknownGroup(String),
    /// Okta's built-in groups (Everyone) manage their own members.
    #[error("{0} is a built-in group: its members cannot be changed")]
    BuiltInGroup(String),
}
