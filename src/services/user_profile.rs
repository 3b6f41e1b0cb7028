//! Everything an agent sees about one user, fetched together: the profile, the factors and the
//! password expiry computed from the applying password policy.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::idp::{Directory, IdpError};
use crate::model::{ActivityEvent, Factor, User};
use crate::policy::diagnosis::{Diagnosis, diagnose};
use crate::policy::password_expiry::{applying_policy, password_expiry};

/// How far back "recent activity" looks.
pub const ACTIVITY_WINDOW: chrono::Duration = chrono::Duration::hours(24);

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
    /// What is probably wrong and what to do, in one line.
    pub diagnosis: Diagnosis,
}

/// Look the user up by id or login and gather the rest in parallel.
pub async fn load<D: Directory>(directory: &D, id_or_login: &str) -> Result<UserProfile, IdpError> {
    let user = directory.get_user(id_or_login).await?;
    let now = Utc::now();
    let (factors, groups, policies, activity) = tokio::try_join!(
        directory.list_factors(&user.id),
        directory.group_ids(&user.id),
        directory.password_policies(),
        directory.recent_activity(&user.id, now - ACTIVITY_WINDOW),
    )?;
    let policy = applying_policy(&groups, &policies);
    let expiry = policy.and_then(|p| password_expiry(&user, p));
    let diagnosis = diagnose(&user, &activity, factors.len(), now);
    Ok(UserProfile {
        activity,
        diagnosis,
        password_policy: policy.map(|p| p.name.clone()),
        password_expires_at: expiry.map(|e| e.expires_at),
        password_warn_from: expiry.and_then(|e| e.warn_from),
        user,
        factors,
    })
}
