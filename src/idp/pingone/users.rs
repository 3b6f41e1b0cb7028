//! Users: one by id or username (with its password state), and the agent's search by username,
//! e-mail or name prefix.

use super::client::PingOneClient;
use super::wire::{WirePasswordState, WireUser};
use crate::idp::IdpError;
use crate::model::{User, UserStatus};

/// PingOne's largest `limit` on collections.
pub const MAX_PAGE: usize = 1000;

impl PingOneClient {
    /// The user by PingOne id (a UUID) or username, and their password state.
    pub async fn fetch_user(&self, id_or_login: &str) -> Result<User, IdpError> {
        let wire = self.fetch_wire_user(id_or_login).await?;
        // A user PingOne keeps no password state for is still a user.
        let password = match self.fetch_password_state(&wire.id).await {
            Ok(p) => Some(p),
            Err(IdpError::Api { status: 404, .. }) => None,
            Err(e) => return Err(e),
        };
        Ok(user_from(wire, password.as_ref()))
    }

    /// `GET …/users/{id}` for a UUID, else `GET …/users?filter=username eq "…"`.
    pub(super) async fn fetch_wire_user(&self, id_or_login: &str) -> Result<WireUser, IdpError> {
        let key = id_or_login.trim();
        if key.is_empty() {
            return Err(IdpError::Invalid("an empty username or id".into()));
        }
        if uuid::Uuid::try_parse(key).is_ok() {
            return Ok(self
                .get_json::<WireUser>(self.user_path(&[key]))
                .await?
                .body);
        }
        let mut url = self.user_path(&[]);
        url.query_pairs_mut()
            .append_pair("filter", &format!("username eq {}", quote(key)))
            .append_pair("limit", "1");
        let (mut users, _) = self.get_page::<WireUser>(url, "users").await?;
        match users.pop() {
            Some(user) => Ok(user),
            None => Err(IdpError::Api {
                status: 404,
                code: "NOT_FOUND".into(),
                summary: format!("no user has the username {key:?}"),
                error_id: None,
                causes: Vec::new(),
                request_id: None,
            }),
        }
    }

    /// `GET …/users/{id}/password`.
    pub(super) async fn fetch_password_state(
        &self,
        user_id: &str,
    ) -> Result<WirePasswordState, IdpError> {
        Ok(self
            .get_json(self.user_path(&[user_id, "password"]))
            .await?
            .body)
    }

    /// Users whose username, e-mail, given or family name starts with `query`; "Ada Love"
    /// matches given name "Ada…" and family name "Love…". Without password states (one more
    /// request per user), so an expired password shows on the user's own page only.
    pub async fn find_users(&self, query: &str, max: usize) -> Result<Vec<User>, IdpError> {
        let Some(filter) = search_filter(query) else {
            return Ok(Vec::new());
        };
        if max == 0 {
            return Ok(Vec::new());
        }
        let mut url = self.user_path(&[]);
        url.query_pairs_mut()
            .append_pair("filter", &filter)
            .append_pair("limit", &max.clamp(1, MAX_PAGE).to_string());
        let users = self.get_pages::<WireUser>(url, "users", max).await?;
        Ok(users.into_iter().map(|u| user_from(u, None)).collect())
    }
}

/// The SCIM filter for what an agent typed.
pub fn search_filter(query: &str) -> Option<String> {
    let words: Vec<&str> = query.split_whitespace().collect();
    match words.as_slice() {
        [] => None,
        [one] => {
            let q = quote(one);
            Some(format!(
                "username sw {q} or email sw {q} or name.given sw {q} or name.family sw {q}"
            ))
        }
        [first, rest @ ..] => Some(format!(
            "name.given sw {} and name.family sw {}",
            quote(first),
            quote(&rest.join(" "))
        )),
    }
}

/// A SCIM string literal: backslashes and quotes escaped, so input cannot change the filter.
pub fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The user's status as the desk sees it: disabled first (nothing else matters), then a
/// locked account, then an expired password.
pub fn status_of(user: &WireUser, password: Option<&WirePasswordState>) -> UserStatus {
    if !user.enabled {
        UserStatus::Suspended
    } else if user.is_locked() {
        UserStatus::LockedOut
    } else if password.and_then(|p| p.status.as_deref()) == Some("PASSWORD_EXPIRED") {
        UserStatus::PasswordExpired
    } else {
        UserStatus::Active
    }
}

pub fn user_from(u: WireUser, password: Option<&WirePasswordState>) -> User {
    let status = status_of(&u, password);
    let display_name = u.name.as_ref().and_then(|n| n.formatted.clone());
    let (first_name, last_name) = u.name.map(|n| (n.given, n.family)).unwrap_or_default();
    User {
        id: u.id,
        status,
        login: u.username,
        email: u.email,
        // PingOne has no second e-mail attribute.
        second_email: None,
        first_name,
        last_name,
        display_name,
        department: u.department,
        title: u.title,
        user_type: u.user_type,
        // Only the manager's id is on record; the dashboard looks the name up.
        manager: None,
        manager_id: u.manager_id,
        contract_end_date: u.contract_end_date,
        created: u.created_at,
        status_changed: u.account.and_then(|a| a.locked_at),
        last_login: u.last_sign_on.and_then(|s| s.at),
        password_changed: password.and_then(|p| p.last_changed_at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::idp::pingone::wire::samples::sample;

    fn wire(json: serde_json::Value) -> WireUser {
        serde_json::from_value(json).unwrap()
    }

    fn password(status: &str) -> WirePasswordState {
        serde_json::from_value(serde_json::json!({
            "status": status, "lastChangedAt": "2026-10-01T08:00:00Z",
            "passwordPolicy": {"id": "p1"}
        }))
        .unwrap()
    }

    #[test]
    fn one_word_matches_username_email_and_names() {
        assert_eq!(
            search_filter("  dana ").unwrap(),
            r#"username sw "dana" or email sw "dana" or name.given sw "dana" or name.family sw "dana""#
        );
        assert_eq!(
            search_filter("Ada Love lace").unwrap(),
            r#"name.given sw "Ada" and name.family sw "Love lace""#
        );
        assert!(search_filter("   ").is_none());
    }

    #[test]
    fn quotes_and_backslashes_cannot_escape_the_literal() {
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
        // A trailing backslash cannot swallow the closing quote.
        assert_eq!(quote("x\\"), r#""x\\""#);
    }

    #[test]
    fn the_sample_user_maps_to_a_locked_out_user() {
        let Some(json) = sample("pingone-synthetic-user.json") else {
            return;
        };
        let u: WireUser = serde_json::from_str(&json).unwrap();
        let user = user_from(u, Some(&password("OK")));
        assert_eq!(user.status, UserStatus::LockedOut);
        assert_eq!(user.login, "dana.reyes@example.com");
        assert_eq!(user.name(), "Dana Reyes");
        assert_eq!(
            user.password_changed.unwrap().to_rfc3339(),
            "2026-10-01T08:00:00+00:00"
        );
        assert_eq!(user.title.as_deref(), Some("Field Engineer"));
    }

    #[test]
    fn status_disabled_then_locked_then_expired() {
        let base = serde_json::json!({"id": "u1", "username": "a", "enabled": true,
            "account": {"status": "OK"}});
        let mut disabled = base.clone();
        disabled["enabled"] = false.into();
        disabled["account"]["status"] = "LOCKED".into();
        assert_eq!(
            status_of(&wire(disabled), Some(&password("PASSWORD_EXPIRED"))),
            UserStatus::Suspended
        );
        let mut locked = base.clone();
        locked["account"]["status"] = "LOCKED".into();
        assert_eq!(
            status_of(&wire(locked), Some(&password("PASSWORD_EXPIRED"))),
            UserStatus::LockedOut
        );
        assert_eq!(
            status_of(&wire(base.clone()), Some(&password("PASSWORD_EXPIRED"))),
            UserStatus::PasswordExpired
        );
        assert_eq!(
            status_of(&wire(base), Some(&password("MUST_CHANGE_PASSWORD"))),
            UserStatus::Active
        );
    }

    #[test]
    fn custom_attributes_and_the_last_sign_on_are_read() {
        let u = user_from(
            wire(serde_json::json!({
                "id": "u1", "username": "c@example.com", "type": "Contractor",
                "department": "Field", "managerId": "m1", "contractEndDate": "2027-01-31",
                "lastSignOn": {"at": "2026-11-20T10:00:00Z", "remoteIp": "203.0.113.1"},
                "name": {"given": "C", "family": "D", "formatted": "C. D."}
            })),
            None,
        );
        assert_eq!(u.user_type.as_deref(), Some("Contractor"));
        assert_eq!(u.manager_id.as_deref(), Some("m1"));
        assert_eq!(u.contract_end_date.unwrap().to_string(), "2027-01-31");
        assert_eq!(u.department.as_deref(), Some("Field"));
        assert_eq!(u.display_name.as_deref(), Some("C. D."));
        assert!(u.last_login.is_some());
        assert_eq!(u.password_changed, None);
    }
}
