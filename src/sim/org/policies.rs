//! Password policies (`GET /api/v1/policies?type=PASSWORD`): expiry and lockout rules, and
//! the seeded set (administrators, contractors, leadership, the default).

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use super::groups::Group;
use super::ids::{iso, okta_id};
use super::{GROUP_ADMINS, GROUP_CONTRACTORS, GROUP_EVERYONE, GROUP_LEADERSHIP};

pub(crate) struct PasswordPolicy {
    pub id: String,
    pub name: String,
    pub description: String,
    /// 1 is evaluated first.
    pub priority: u32,
    pub active: bool,
    /// The default policy Okta creates (applies to Everyone, evaluated last).
    pub system: bool,
    /// `conditions.people.groups.include`: members of any of these groups.
    pub include_group_ids: Vec<String>,
    /// `conditions.people.groups.exclude`: never members of any of these.
    pub exclude_group_ids: Vec<String>,
    pub max_age_days: u32,
    pub expire_warn_days: u32,
    pub max_attempts: u32,
    /// 0 means locked accounts stay locked until an admin unlocks them.
    pub auto_unlock_minutes: u32,
    pub created: DateTime<Utc>,
    pub last_updated: DateTime<Utc>,
}

impl PasswordPolicy {
    pub fn status(&self) -> &'static str {
        if self.active { "ACTIVE" } else { "INACTIVE" }
    }

    /// Whether the policy governs a member of these groups (ids), on its own terms; which
    /// one applies among several is `Org::policy_for`'s business.
    pub fn covers(&self, group_ids: &[&str]) -> bool {
        let member = |ids: &[String]| ids.iter().any(|g| group_ids.contains(&g.as_str()));
        self.active
            && (self.system || member(&self.include_group_ids))
            && !member(&self.exclude_group_ids)
    }

    pub fn to_json(&self, base: &str) -> Value {
        let me = format!("{base}/api/v1/policies/{}", self.id);
        let mut groups = json!({"include": self.include_group_ids});
        if !self.exclude_group_ids.is_empty() {
            groups["exclude"] = json!(self.exclude_group_ids);
        }
        json!({
            "id": self.id,
            "type": "PASSWORD",
            "status": self.status(),
            "name": self.name,
            "description": self.description,
            "priority": self.priority,
            "system": self.system,
            "created": iso(self.created),
            "lastUpdated": iso(self.last_updated),
            "conditions": {
                "people": {"groups": groups},
                "authProvider": {"provider": "OKTA"},
            },
            "settings": {
                "password": {
                    "complexity": {
                        "minLength": if self.system { 8 } else { 14 },
                        "minLowerCase": 1,
                        "minUpperCase": 1,
                        "minNumber": 1,
                        "minSymbol": if self.system { 0 } else { 1 },
                        "excludeUsername": true,
                        "dictionary": {"common": {"exclude": true}},
                        "excludeAttributes": [],
                    },
                    "age": {
                        "maxAgeDays": self.max_age_days,
                        "expireWarnDays": self.expire_warn_days,
                        "minAgeMinutes": 0,
                        "historyCount": 4,
                    },
                    "lockout": {
                        "maxAttempts": self.max_attempts,
                        "autoUnlockMinutes": self.auto_unlock_minutes,
                        "userLockoutNotificationChannels": [],
                        "showLockoutFailures": false,
                    },
                },
                "recovery": {
                    "factors": {
                        "recovery_question": {"status": "ACTIVE", "properties": {"complexity": {"minLength": 4}}},
                        "okta_email": {"status": "ACTIVE", "properties": {"recoveryToken": {"tokenLifetimeMinutes": 60}}},
                        "okta_sms": {"status": "INACTIVE"},
                        "okta_call": {"status": "INACTIVE"},
                    }
                },
                "delegation": {"options": {"skipUnlock": false}},
            },
            "_links": {
                "self": {"href": me, "hints": {"allow": ["GET", "PUT", "DELETE"]}},
                "rules": {"href": format!("{me}/rules"), "hints": {"allow": ["GET", "POST"]}},
            },
        })
    }
}

/// The org's policies by priority, the system default last.
pub(crate) fn make_policies(
    rng: &mut ChaCha8Rng,
    groups: &[Group],
    founded: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Vec<PasswordPolicy> {
    let ids = |ix: &[usize]| ix.iter().map(|&g| groups[g].id.clone()).collect::<Vec<_>>();
    let policy =
        |rng: &mut ChaCha8Rng, name: &str, description: &str, priority: u32| PasswordPolicy {
            id: okta_id(rng, "00p"),
            name: name.into(),
            description: description.into(),
            priority,
            active: true,
            system: false,
            include_group_ids: Vec::new(),
            exclude_group_ids: Vec::new(),
            max_age_days: 90,
            expire_warn_days: 14,
            max_attempts: 10,
            auto_unlock_minutes: 10,
            created: founded + Duration::days(30),
            last_updated: now - Duration::days(rng.random_range(10..200)),
        };
    // Drawn in the order they were first seeded, so older policies keep their ids.
    let admins = PasswordPolicy {
        include_group_ids: ids(&[GROUP_ADMINS]),
        max_age_days: 60,
        expire_warn_days: 7,
        max_attempts: 5,
        auto_unlock_minutes: 0,
        ..policy(
            rng,
            "Administrators",
            "Stricter rules for Okta administrators",
            1,
        )
    };
    let default = PasswordPolicy {
        system: true,
        include_group_ids: ids(&[GROUP_EVERYONE]),
        created: founded,
        ..policy(
            rng,
            "Default Policy",
            "The default policy applies in all situations if no other policy applies.",
            4,
        )
    };
    let contractors = PasswordPolicy {
        include_group_ids: ids(&[GROUP_CONTRACTORS]),
        exclude_group_ids: ids(&[GROUP_ADMINS]),
        max_age_days: 45,
        expire_warn_days: 7,
        max_attempts: 5,
        created: founded + Duration::days(200),
        ..policy(
            rng,
            "Contractors",
            "Shorter password life for contingent workers",
            2,
        )
    };
    let leadership = PasswordPolicy {
        include_group_ids: ids(&[GROUP_LEADERSHIP]),
        max_age_days: 0,
        expire_warn_days: 0,
        created: founded + Duration::days(400),
        ..policy(
            rng,
            "Leadership",
            "Executives sign in with a security key; passwords do not expire",
            3,
        )
    };
    vec![admins, contractors, leadership, default]
}
