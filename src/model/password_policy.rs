use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An IdP password policy: who it applies to and how old a password may get.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    pub id: String,
    pub name: String,
    /// 1 is evaluated first.
    pub priority: u32,
    pub active: bool,
    /// The catch-all default policy (Everyone), evaluated last.
    pub system: bool,
    pub include_groups: Vec<String>,
    pub exclude_groups: Vec<String>,
    /// 0 means passwords never expire.
    pub max_age_days: u32,
    pub expire_warn_days: u32,
    /// When the IdP last changed the policy (a change forces a full expiry rescan).
    #[serde(default)]
    pub last_updated: Option<DateTime<Utc>>,
    /// The IdP listed this policy but part of it could not be read: it is never applied (the
    /// expiry it would give is unknown), and the user screen says so.
    #[serde(default)]
    pub unreadable: bool,
}
