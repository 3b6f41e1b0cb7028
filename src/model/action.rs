use serde::{Deserialize, Serialize};

/// A change an agent can make to a user at the IdP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// LOCKED_OUT → ACTIVE; the current password stays valid.
    Unlock,
    /// A one-time reset link, e-mailed by the IdP.
    ResetPassword,
    /// Every enrolled factor, in one step.
    ResetAllFactors,
    /// The chosen factors, one by one.
    ResetFactors { factor_ids: Vec<String> },
}

/// Actions grouped the way the verification policy treats them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Unlock,
    ResetPassword,
    ResetFactors,
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Unlock => ActionKind::Unlock,
            Action::ResetPassword => ActionKind::ResetPassword,
            Action::ResetAllFactors | Action::ResetFactors { .. } => ActionKind::ResetFactors,
        }
    }

    /// The name written to the audit log.
    pub fn audit_name(&self) -> &'static str {
        match self {
            Action::Unlock => "unlock",
            Action::ResetPassword => "reset_password",
            Action::ResetAllFactors => "reset_factors",
            Action::ResetFactors { .. } => "reset_factor",
        }
    }
}
