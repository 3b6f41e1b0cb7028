//! Errors from the simulator's Rust API.

/// Why a control operation on the simulated organisation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    /// No seeded user has this login or id.
    #[error("unknown user: {0}")]
    UnknownUser(String),
}
