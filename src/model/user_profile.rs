use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{ActivityEvent, Factor, User};

/// Everything an agent sees about one user, fetched together: the profile, the factors, the
/// password expiry computed from the applying password policy, and the last 24 hours. The
/// diagnosis is not stored here: it is computed from this, so it can only ever describe what
/// the screen shows (`policy::diagnosis::diagnose`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserProfile {
    pub user: User,
    pub factors: Vec<Factor>,
    /// The password policy that governs the user, by name.
    pub password_policy: Option<String>,
    pub password_expires_at: Option<DateTime<Utc>>,
    pub password_warn_from: Option<DateTime<Utc>>,
    /// The last 24 hours, newest first.
    pub activity: Vec<ActivityEvent>,
    /// What the IdP sent that could not be read ("1 password policy could not be read"): the
    /// rest of the screen stands, and it says which detail is missing.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unreadable: Vec<String>,
}
