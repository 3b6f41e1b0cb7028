//! Errors from the simulator's Rust API.

/// Why a control operation on the simulated organisation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    #[error("unknown user: {0}")]
    UnknownUser(String),
    /// Only accounts that can sign in can be locked out (not SUSPENDED, DEPROVISIONED, ...).
    #[error("user {login} cannot be locked out while {status}")]
    NotLockable { login: String, status: String },
}
