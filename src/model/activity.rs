use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One event of a user's recent history, from the IdP's event log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityEvent {
    pub uuid: String,
    pub published: DateTime<Utc>,
    pub kind: ActivityKind,
    /// The IdP's own event type, verbatim.
    pub event_type: String,
    /// The IdP's human-readable message.
    pub message: String,
    /// SUCCESS, FAILURE, DENY, … and the reason (INVALID_CREDENTIALS, LOCKED_OUT, …).
    pub result: Option<String>,
    pub reason: Option<String>,
    /// Who did it: the user, or an admin.
    pub actor: Option<String>,
    pub ip: Option<String>,
    pub location: Option<String>,
}

/// What an event means for the agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    SignIn,
    FailedSignIn,
    Lockout,
    /// A sign-in refused because the account was already locked.
    SignInWhileLocked,
    AutoUnlock,
    AdminUnlock,
    MfaSuccess,
    MfaFailure,
    PushDenied,
    /// A reset link (or temporary password) was issued.
    PasswordReset,
    /// The password was changed (by the user, or by completing a reset).
    PasswordChanged,
    PasswordExpired,
    FactorsReset,
    Other,
}

impl ActivityKind {
    /// From an Okta event type and its outcome.
    pub fn from_okta(event_type: &str, result: Option<&str>, reason: Option<&str>) -> Self {
        let failed = matches!(result, Some("FAILURE" | "DENY" | "UNANSWERED"));
        match event_type {
            "user.account.lock" | "user.account.lock.limit" => Self::Lockout,
            "user.session.start" if reason == Some("LOCKED_OUT") => Self::SignInWhileLocked,
            "user.session.start" if failed => Self::FailedSignIn,
            "user.session.start" => Self::SignIn,
            "user.account.unlock" => Self::AutoUnlock,
            "user.account.unlock_by_admin" => Self::AdminUnlock,
            "user.mfa.okta_verify.deny_push" => Self::PushDenied,
            "user.authentication.auth_via_mfa" if failed => Self::MfaFailure,
            "user.authentication.auth_via_mfa" => Self::MfaSuccess,
            "user.account.reset_password" => Self::PasswordReset,
            "user.account.update_password" | "user.password.update" => Self::PasswordChanged,
            "user.account.expire_password" => Self::PasswordExpired,
            "user.mfa.factor.reset_all" | "user.mfa.factor.deactivate" => Self::FactorsReset,
            _ => Self::Other,
        }
    }
}
