//! Everything an agent sees about one user, fetched together: the profile, the factors and the
//! password expiry computed from the applying password policy.

use chrono::Utc;

use crate::idp::{Directory, IdpError};
pub use crate::model::UserProfile;
use crate::policy::password_expiry::{applying_policy, password_expiry};

/// How far back "recent activity" looks.
pub const ACTIVITY_WINDOW: chrono::Duration = chrono::Duration::hours(24);

/// Look the user up by id or login and gather the rest in parallel. The diagnosis is computed
/// from the result (`policy::diagnosis::diagnose`), never fetched apart.
pub async fn load<D: Directory>(directory: &D, id_or_login: &str) -> Result<UserProfile, IdpError> {
    let user = directory.get_user(id_or_login).await?;
    let now = Utc::now();
    let (factors, groups, policies, mut activity) = tokio::try_join!(
        directory.list_factors(&user.id),
        directory.group_ids(&user.id),
        directory.password_policies(),
        directory.recent_activity(&user.id, now - ACTIVITY_WINDOW),
    )?;
    let policy = applying_policy(&groups, &policies);
    let expiry = policy.and_then(|p| password_expiry(user.password_changed, p));
    // Newest first, whatever order the provider used: the diagnosis reads it that way.
    activity.sort_by_key(|e| std::cmp::Reverse(e.published));
    Ok(UserProfile {
        activity,
        password_policy: policy.map(|p| p.name.clone()),
        password_expires_at: expiry.map(|e| e.expires_at),
        password_warn_from: expiry.and_then(|e| e.warn_from),
        user,
        factors,
    })
}
