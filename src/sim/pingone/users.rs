//! The organisation as PingOne renders it: users, their password state, the environment's
//! password policy and groups. Okta statuses map onto PingOne's account and `enabled` flags
//! (LOCKED_OUT → account LOCKED; SUSPENDED / DEPROVISIONED → disabled).

use serde_json::{Value, json};

use super::environment::{Environment, group_id, policy_id, user_id};
use crate::model::UserStatus;
use crate::sim::org::Org;
use crate::sim::org::groups::Group;
use crate::sim::org::ids::iso;
use crate::sim::org::policies::PasswordPolicy;
use crate::sim::org::profile::UserType;
use crate::sim::org::user::SimUser;

/// `{base}/v1/environments/{envId}`: what every resource link starts with.
pub(crate) fn env_url(base: &str, env: &Environment) -> String {
    format!("{base}/v1/environments/{}", env.id)
}

/// Which `_links` a user carries: collections only `self`, a single user also its
/// password and account operations (as PingOne's responses list them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UserLinks {
    SelfOnly,
    All,
}

pub(crate) fn is_locked(user: &SimUser) -> bool {
    user.status == UserStatus::LockedOut
}

pub(crate) fn is_enabled(user: &SimUser) -> bool {
    !matches!(
        user.status,
        UserStatus::Suspended | UserStatus::Deprovisioned
    )
}

fn user_type(t: UserType) -> &'static str {
    match t {
        UserType::Employee => "Employee",
        UserType::Contractor => "Contractor",
        UserType::Intern => "Intern",
    }
}

/// The account object: `LOCKED` with `lockedAt` (when the lock happened) for a locked-out
/// user, else `OK`.
fn account(user: &SimUser) -> Value {
    let locked = is_locked(user);
    let mut account = json!({
        "canAuthenticate": !locked && is_enabled(user),
        "status": if locked { "LOCKED" } else { "OK" },
    });
    if locked && let Some(at) = user.status_changed {
        account["lockedAt"] = json!(iso(at));
    }
    account
}

pub(crate) fn user_json(
    org: &Org,
    env: &Environment,
    index: usize,
    base: &str,
    links: UserLinks,
) -> Value {
    let user = &org.users[index];
    let id = user_id(&user.id);
    let me = format!("{}/users/{id}", env_url(base, env));
    let p = &user.profile;
    let mut links_json = json!({"self": {"href": me}});
    if links == UserLinks::All {
        let password = format!("{me}/password");
        for rel in [
            "password",
            "password.set",
            "password.reset",
            "password.check",
            "password.recover",
        ] {
            links_json[rel] = json!({"href": password});
        }
        links_json["account.sendVerificationCode"] = json!({"href": me});
        links_json["linkedAccounts"] = json!({"href": format!("{me}/linkedAccounts")});
    }
    let mut body = json!({
        "_links": links_json,
        "id": id,
        "environment": {"id": env.id},
        "population": {"id": env.population_id},
        "username": user.login(),
        "email": user.login(),
        "name": {
            "given": p.first_name,
            "family": p.last_name,
            "formatted": p.display_name(),
        },
        "title": p.title(),
        "type": user_type(p.user_type),
        "department": p.department,
        "mobilePhone": p.phone_e164(),
        "enabled": is_enabled(user),
        "account": account(user),
        "lifecycle": {"status": "ACCOUNT_OK"},
        "mfaEnabled": true,
        "identityProvider": {"type": "PING_ONE"},
        "createdAt": iso(user.created),
        "updatedAt": iso(user.last_updated),
    });
    if let Some(m) = &p.manager {
        body["managerId"] = json!(user_id(&m.id));
    }
    if let Some(end) = p.contract_end {
        body["contractEndDate"] = json!(end.format("%Y-%m-%d").to_string());
    }
    if let Some(at) = user.last_login {
        let w = &user.whereabouts;
        let ip = if w.remote { &w.home_ip } else { &w.office_ip };
        body["lastSignOn"] = json!({"at": iso(at), "remoteIp": ip});
    }
    body
}

/// Just what a users `filter` can name, so filtering a large organisation does not render
/// every user in full.
pub(crate) fn filter_doc(org: &Org, index: usize) -> Value {
    let user = &org.users[index];
    let groups: Vec<Value> = user
        .groups
        .iter()
        .filter(|&&g| !org.groups[g].built_in)
        .map(|&g| json!({"id": group_id(&org.groups[g].id)}))
        .collect();
    json!({
        "id": user_id(&user.id),
        "username": user.login(),
        "email": user.login(),
        "name": {"given": user.profile.first_name, "family": user.profile.last_name},
        "account": {"status": if is_locked(user) { "LOCKED" } else { "OK" }},
        "enabled": is_enabled(user),
        "type": user_type(user.profile.user_type),
        "updatedAt": iso(user.last_updated),
        "memberOfGroups": groups,
    })
}

/// PingOne's password status for the user's Okta status.
pub(crate) fn password_status(user: &SimUser) -> &'static str {
    match user.status {
        UserStatus::PasswordExpired => "PASSWORD_EXPIRED",
        UserStatus::Staged | UserStatus::Provisioned => "NO_PASSWORD",
        // An admin reset the password: the user must choose a new one at the next sign-in.
        UserStatus::Recovery => "MUST_CHANGE_PASSWORD",
        _ => "OK",
    }
}

/// The policy of the environment's one population: the org's default (system) policy.
pub(crate) fn population_policy(org: &Org) -> Option<&PasswordPolicy> {
    org.policies
        .iter()
        .filter(|p| p.system)
        .max_by_key(|p| p.priority)
}

pub(crate) fn password_json(org: &Org, env: &Environment, index: usize, base: &str) -> Value {
    let user = &org.users[index];
    let id = user_id(&user.id);
    let mut body = json!({
        "_links": {"self": {"href": format!("{}/users/{id}/password", env_url(base, env))}},
        "environment": {"id": env.id},
        "user": {"id": id},
        "status": password_status(user),
    });
    if let Some(policy) = population_policy(org) {
        body["passwordPolicy"] = json!({"id": policy_id(&policy.id)});
    }
    if let Some(at) = user.password_changed {
        body["lastChangedAt"] = json!(iso(at));
    }
    body
}

pub(crate) fn policy_json(policy: &PasswordPolicy, env: &Environment, base: &str) -> Value {
    let id = policy_id(&policy.id);
    let mut body = json!({
        "_links": {"self": {"href": format!("{}/passwordPolicies/{id}", env_url(base, env))}},
        "id": id,
        "environment": {"id": env.id},
        "name": policy.name,
        "description": policy.description,
        "default": true,
        "excludesCommonlyUsed": true,
        "excludesProfileData": true,
        "notSimilarToCurrent": false,
        "length": {"min": if policy.system { 8 } else { 14 }, "max": 255},
        // PingOne allows 1 day at the least (its Standard policy uses 1).
        "minAgeDays": 1,
        "history": {"count": 4, "retentionDays": 365},
        "lockout": {
            "failureCount": policy.max_attempts,
            "durationSeconds": policy.auto_unlock_minutes * 60,
        },
        "populationCount": 1,
        "createdAt": iso(policy.created),
        "updatedAt": iso(policy.last_updated),
    });
    // No maximum age means passwords do not expire: PingOne leaves the field out.
    if policy.max_age_days > 0 {
        body["maxAgeDays"] = json!(policy.max_age_days);
    }
    body
}

/// PingOne has no built-in "Everyone" group (the population plays that part), so the org's
/// built-in groups are not part of the environment.
pub(crate) fn served_groups(org: &Org) -> impl Iterator<Item = (usize, &Group)> {
    org.groups.iter().enumerate().filter(|(_, g)| !g.built_in)
}

pub(crate) fn group_json(group: &Group, env: &Environment, base: &str) -> Value {
    let id = group_id(&group.id);
    json!({
        "_links": {"self": {"href": format!("{}/groups/{id}", env_url(base, env))}},
        "id": id,
        "environment": {"id": env.id},
        "name": group.name,
        "description": group.description,
        "createdAt": iso(group.created),
        "updatedAt": iso(group.last_updated),
    })
}

/// One entry of a user's `memberOfGroups`.
pub(crate) fn membership_json(group: &Group, env: &Environment, base: &str) -> Value {
    let id = group_id(&group.id);
    json!({
        "_links": {"group": {"href": format!("{}/groups/{id}", env_url(base, env))}},
        "id": id,
        "environment": {"id": env.id},
        "name": group.name,
        "type": "DIRECT",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn org() -> (Org, Environment) {
        let org = Org::generate(5, 300, Utc::now());
        let env = Environment::new(5, &org);
        (org, env)
    }

    fn first(org: &Org, status: UserStatus) -> usize {
        org.users
            .iter()
            .position(|u| u.status == status)
            .unwrap_or_else(|| panic!("a {status} user"))
    }

    #[test]
    fn okta_statuses_become_account_and_enabled() {
        let (org, env) = org();
        let locked = user_json(
            &org,
            &env,
            first(&org, UserStatus::LockedOut),
            "http://h",
            UserLinks::All,
        );
        assert_eq!(locked["account"]["status"], "LOCKED");
        assert_eq!(locked["account"]["canAuthenticate"], false);
        assert!(locked["account"]["lockedAt"].is_string());
        assert_eq!(locked["enabled"], true);
        for status in [UserStatus::Suspended, UserStatus::Deprovisioned] {
            let u = user_json(
                &org,
                &env,
                first(&org, status),
                "http://h",
                UserLinks::SelfOnly,
            );
            assert_eq!(u["enabled"], false);
            assert_eq!(u["account"]["status"], "OK");
            assert!(u["account"].get("lockedAt").is_none());
            assert_eq!(u["_links"].as_object().unwrap().len(), 1);
        }
        let i = first(&org, UserStatus::Active);
        let active = user_json(&org, &env, i, "http://h", UserLinks::All);
        assert_eq!(
            active["account"],
            json!({"canAuthenticate": true, "status": "OK"})
        );
        assert_eq!(active["id"], user_id(&org.users[i].id));
        assert_eq!(active["username"], org.users[i].login());
        assert_eq!(active["population"]["id"], env.population_id);
        assert_eq!(
            active["_links"]["password"]["href"],
            format!(
                "http://h/v1/environments/{}/users/{}/password",
                env.id,
                active["id"].as_str().unwrap()
            )
        );
    }

    #[test]
    fn managers_and_contract_ends_are_custom_attributes() {
        let (org, env) = org();
        let i = org
            .users
            .iter()
            .position(|u| u.profile.manager.is_some())
            .unwrap();
        let u = user_json(&org, &env, i, "", UserLinks::SelfOnly);
        let manager = org.users[i].profile.manager.as_ref().unwrap();
        assert_eq!(u["managerId"], user_id(&manager.id));
        let c = org
            .users
            .iter()
            .position(|u| u.profile.contract_end.is_some())
            .unwrap();
        let u = user_json(&org, &env, c, "", UserLinks::SelfOnly);
        assert_eq!(u["type"], "Contractor");
        assert_eq!(u["contractEndDate"].as_str().unwrap().len(), 10);
    }

    #[test]
    fn password_states_and_the_population_policy() {
        let (org, env) = org();
        let expired = first(&org, UserStatus::PasswordExpired);
        assert_eq!(
            password_json(&org, &env, expired, "")["status"],
            "PASSWORD_EXPIRED"
        );
        let provisioned = first(&org, UserStatus::Provisioned);
        assert_eq!(
            password_json(&org, &env, provisioned, "")["status"],
            "NO_PASSWORD"
        );
        let active = first(&org, UserStatus::Active);
        let state = password_json(&org, &env, active, "");
        assert_eq!(state["status"], "OK");
        let policy = population_policy(&org).unwrap();
        assert!(policy.system);
        assert_eq!(state["passwordPolicy"]["id"], policy_id(&policy.id));
        let p = policy_json(policy, &env, "");
        assert_eq!(p["default"], true);
        assert_eq!(p["lockout"]["failureCount"], policy.max_attempts);
    }

    #[test]
    fn filter_documents_agree_with_the_rendered_users() {
        let (org, env) = org();
        for i in (0..org.users.len()).step_by(13) {
            let full = user_json(&org, &env, i, "", UserLinks::SelfOnly);
            let small = filter_doc(&org, i);
            for key in ["id", "username", "email", "enabled", "type", "updatedAt"] {
                assert_eq!(small[key], full[key], "{key}");
            }
            assert_eq!(small["name"]["given"], full["name"]["given"]);
            assert_eq!(small["account"]["status"], full["account"]["status"]);
        }
    }
}
