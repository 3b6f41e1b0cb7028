//! Everything an agent sees about one user, fetched together: the profile, the factors and the
//! password expiry computed from the applying password policy.

use chrono::Utc;

use crate::idp::{Directory, IdpError};
pub use crate::model::UserProfile;
use crate::model::{Factor, PasswordPolicy, User};
use crate::policy::password_expiry::{applying_policy, password_expiry};

/// How far back "recent activity" looks.
pub const ACTIVITY_WINDOW: chrono::Duration = chrono::Duration::hours(24);

/// Look the user up by id or login and gather the rest in parallel. The diagnosis is computed
/// from the result (`policy::diagnosis::diagnose`), never fetched apart.
pub async fn load<D: Directory>(directory: &D, id_or_login: &str) -> Result<UserProfile, IdpError> {
    let mut user = directory.get_user(id_or_login).await?;
    let now = Utc::now();
    let (lists, manager) = tokio::join!(
        async {
            tokio::try_join!(
                directory.list_factors(&user.id),
                directory.group_ids(&user.id),
                directory.password_policies(),
                directory.recent_activity(&user.id, now - ACTIVITY_WINDOW),
            )
        },
        manager_name(directory, &user),
    );
    let (factors, groups, policies, mut activity) = lists?;
    let unreadable = unreadable(&factors, &policies);
    user.manager = user.manager.take().or(manager);
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
        unreadable,
    })
}

/// What could not be read, in words for the screen: "1 password policy could not be read
/// (the expiry may differ)", "2 factors could not be read".
fn unreadable(factors: &[Factor], policies: &[PasswordPolicy]) -> Vec<String> {
    let count = |n: usize, one: &str, many: &str| {
        format!("{n} {} could not be read", if n == 1 { one } else { many })
    };
    let mut notes = Vec::new();
    let policies = policies.iter().filter(|p| p.unreadable).count();
    if policies > 0 {
        notes.push(format!(
            "{} (the expiry may differ)",
            count(policies, "password policy", "password policies")
        ));
    }
    let factors = factors
        .iter()
        .filter(|f| f.status == Factor::UNREADABLE)
        .count();
    if factors > 0 {
        notes.push(count(factors, "factor", "factors"));
    }
    notes
}

/// The manager's name when the profile names only their id (PingOne keeps the manager's id
/// alone; an Okta profile may carry `managerId` without `manager`). Best effort: a manager who
/// cannot be read leaves the name unknown and never fails the user's screen.
pub async fn manager_name<D: Directory>(directory: &D, user: &User) -> Option<String> {
    if user.manager.is_some() {
        return None;
    }
    let id = user.manager_id.as_deref().filter(|id| !id.is_empty())?;
    directory.get_user(id).await.ok().map(|m| m.name())
}
