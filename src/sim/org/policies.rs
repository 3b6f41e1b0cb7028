//! Password policies (`GET /api/v1/policies?type=PASSWORD`): expiry and lockout rules.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::ids::iso;

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
