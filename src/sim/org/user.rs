//! A simulated user and its Okta JSON shape (`User` / `UserGetSingleton`).

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::factors::Factor;
use super::ids::iso;
use super::profile::Profile;
use super::push::PushHabit;
use crate::model::UserStatus;

pub(crate) struct SimUser {
    pub id: String,
    pub status: UserStatus,
    pub created: DateTime<Utc>,
    pub activated: Option<DateTime<Utc>>,
    pub status_changed: Option<DateTime<Utc>>,
    pub last_login: Option<DateTime<Utc>>,
    pub last_updated: DateTime<Utc>,
    pub password_changed: Option<DateTime<Utc>>,
    /// Okta `profile`, rendered on demand.
    pub profile: Profile,
    /// Indexes into `Org::groups`.
    pub groups: Vec<usize>,
    pub factors: Vec<Factor>,
    pub whereabouts: Whereabouts,
    /// How they answer an Okta Verify push.
    pub push: PushHabit,
}

/// Where and on what a user usually signs in; indexes into the `network` tables.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Whereabouts {
    pub office: usize,
    /// Works from home only (no office sign-ins).
    pub remote: bool,
    pub home_group: usize,
    pub home: usize,
    pub home_ip: String,
    pub home_isp: usize,
    pub office_ip: String,
    pub desktop_agent: usize,
    pub mobile_agent: usize,
}

/// Which `_links` to render: none (for search evaluation), the collection form, or
/// the single-user form that advertises the lifecycle actions allowed now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Links {
    None,
    SelfOnly,
    Lifecycle,
}

impl SimUser {
    pub fn login(&self) -> &str {
        &self.profile.login
    }

    pub fn display_name(&self) -> String {
        self.profile.display_name()
    }

    /// A profile attribute as its wire string, empty when the user has none.
    pub fn profile_str(&self, key: &str) -> Cow<'_, str> {
        self.profile.get(key).unwrap_or_default()
    }

    pub fn set_status(&mut self, status: UserStatus, at: DateTime<Utc>) {
        self.status = status;
        self.status_changed = Some(at);
        self.last_updated = self.last_updated.max(at);
    }

    pub fn to_json(&self, base: &str, type_id: &str, links: Links) -> Value {
        let mut credentials = Map::new();
        if self.password_changed.is_some() {
            credentials.insert("password".into(), json!({}));
        }
        credentials.insert("provider".into(), json!({"type": "OKTA", "name": "OKTA"}));
        let mut user = json!({
            "id": self.id,
            "status": self.status.as_str(),
            "created": iso(self.created),
            "activated": self.activated.map(iso),
            "statusChanged": self.status_changed.map(iso),
            "lastLogin": self.last_login.map(iso),
            "lastUpdated": iso(self.last_updated),
            "passwordChanged": self.password_changed.map(iso),
            "type": {"id": type_id},
            "profile": self.profile.to_json(),
            "credentials": credentials,
        });
        if links != Links::None {
            user["_links"] = self.links(base, type_id, links);
        }
        user
    }

    fn links(&self, base: &str, type_id: &str, links: Links) -> Value {
        let me = format!("{base}/api/v1/users/{}", self.id);
        let mut out = Map::new();
        out.insert("self".into(), json!({"href": me}));
        if links == Links::SelfOnly {
            return Value::Object(out);
        }
        out.insert(
            "schema".into(),
            json!({"href": format!("{base}/api/v1/meta/schemas/user/osc{}", type_id.get(3..).unwrap_or(type_id))}),
        );
        out.insert(
            "type".into(),
            json!({"href": format!("{base}/api/v1/meta/types/user/{type_id}")}),
        );
        for (rel, path) in self.allowed_actions() {
            out.insert(
                rel.into(),
                json!({"href": format!("{me}/{path}"), "method": "POST"}),
            );
        }
        Value::Object(out)
    }

    /// Lifecycle links Okta offers in the user's current status (`rel`, path under the user).
    pub fn allowed_actions(&self) -> Vec<(&'static str, &'static str)> {
        use UserStatus::*;
        const UNLOCK: (&str, &str) = ("unlock", "lifecycle/unlock");
        const RESET_PASSWORD: (&str, &str) = ("resetPassword", "lifecycle/reset_password");
        const EXPIRE_PASSWORD: (&str, &str) = ("expirePassword", "lifecycle/expire_password");
        const FORGOT_PASSWORD: (&str, &str) = ("forgotPassword", "credentials/forgot_password");
        const CHANGE_PASSWORD: (&str, &str) = ("changePassword", "credentials/change_password");
        const CHANGE_QUESTION: (&str, &str) = (
            "changeRecoveryQuestion",
            "credentials/change_recovery_question",
        );
        const SUSPEND: (&str, &str) = ("suspend", "lifecycle/suspend");
        const UNSUSPEND: (&str, &str) = ("unsuspend", "lifecycle/unsuspend");
        const DEACTIVATE: (&str, &str) = ("deactivate", "lifecycle/deactivate");
        const ACTIVATE: (&str, &str) = ("activate", "lifecycle/activate");
        const REACTIVATE: (&str, &str) = ("reactivate", "lifecycle/reactivate");
        const RESET_FACTORS: (&str, &str) = ("resetFactors", "lifecycle/reset_factors");
        let mut actions = match &self.status {
            Active => vec![
                SUSPEND,
                RESET_PASSWORD,
                FORGOT_PASSWORD,
                EXPIRE_PASSWORD,
                CHANGE_QUESTION,
                CHANGE_PASSWORD,
                DEACTIVATE,
            ],
            LockedOut => vec![UNLOCK, RESET_PASSWORD, EXPIRE_PASSWORD, DEACTIVATE],
            PasswordExpired | Recovery => vec![RESET_PASSWORD, SUSPEND, DEACTIVATE],
            Suspended => vec![UNSUSPEND, DEACTIVATE],
            Provisioned => vec![REACTIVATE, DEACTIVATE],
            Staged | Deprovisioned => vec![ACTIVATE, DEACTIVATE],
            Other(_) => vec![],
        };
        let can_reset_factors =
            matches!(self.status, Active | LockedOut | PasswordExpired | Recovery);
        if can_reset_factors && !self.factors.is_empty() {
            actions.push(RESET_FACTORS);
        }
        actions
    }
}

#[cfg(test)]
impl SimUser {
    /// Dana Kim, with no factors or groups, every date 2024-01-02T03:04:05.678Z.
    pub(crate) fn sample(status: UserStatus) -> SimUser {
        use super::network::HOMES;
        use super::profile::{Title, UserType};
        let t = DateTime::parse_from_rfc3339("2024-01-02T03:04:05.678Z")
            .unwrap()
            .with_timezone(&Utc);
        SimUser {
            id: "00uABCDEFGHIJKLMNOPQ".into(),
            status,
            created: t,
            activated: Some(t),
            status_changed: Some(t),
            last_login: None,
            last_updated: t,
            password_changed: Some(t),
            profile: Profile {
                login: "dana.kim@example.com".into(),
                first_name: "Dana",
                last_name: "Kim",
                title: Title::Fixed("Engineer"),
                department: "Engineering",
                user_type: UserType::Employee,
                employee_number: Some(10_001),
                contract_end: None,
                manager: None,
                second_email: false,
                area_code: 415,
                phone_line: 123,
                home: &HOMES[0][0],
            },
            groups: vec![],
            factors: vec![],
            whereabouts: Whereabouts {
                office: 0,
                remote: false,
                home_group: 0,
                home: 0,
                home_ip: "198.18.0.1".into(),
                home_isp: 0,
                office_ip: "198.51.100.1".into(),
                desktop_agent: 0,
                mobile_agent: 0,
            },
            push: PushHabit::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(status: UserStatus) -> SimUser {
        SimUser::sample(status)
    }

    #[test]
    fn unlock_link_only_when_locked_out() {
        let base = "http://127.0.0.1:1";
        let locked =
            user(UserStatus::LockedOut).to_json(base, "otyAAAAAAAAAAAAAAAAA", Links::Lifecycle);
        assert_eq!(
            locked["_links"]["unlock"]["href"],
            "http://127.0.0.1:1/api/v1/users/00uABCDEFGHIJKLMNOPQ/lifecycle/unlock"
        );
        let active =
            user(UserStatus::Active).to_json(base, "otyAAAAAAAAAAAAAAAAA", Links::Lifecycle);
        assert!(active["_links"].get("unlock").is_none());
        assert!(active["_links"]["suspend"].is_object());
        assert!(
            active["_links"].get("resetFactors").is_none(),
            "no factors enrolled"
        );
    }

    #[test]
    fn renders_okta_fields() {
        let u =
            user(UserStatus::Active).to_json("http://h", "otyAAAAAAAAAAAAAAAAA", Links::SelfOnly);
        assert_eq!(u["status"], "ACTIVE");
        assert_eq!(u["created"], "2024-01-02T03:04:05.678Z");
        assert_eq!(u["lastLogin"], Value::Null);
        assert_eq!(
            u["credentials"]["provider"],
            json!({"type": "OKTA", "name": "OKTA"})
        );
        assert_eq!(
            u["_links"],
            json!({"self": {"href": "http://h/api/v1/users/00uABCDEFGHIJKLMNOPQ"}})
        );
        let bare = user(UserStatus::Active).to_json("http://h", "oty", Links::None);
        assert!(bare.get("_links").is_none());
    }
}
