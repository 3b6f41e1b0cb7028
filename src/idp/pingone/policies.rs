//! Password policies, shaped for the expiry computation. PingOne assigns a policy to
//! populations, not groups; the environment's default policy (`"default": true`) governs
//! every population without one of its own, so it becomes the catch-all system policy that
//! applies to everyone. Other policies include no group, so the computation never picks them:
//! a population with its own policy is not told apart (the client reads no populations).

use super::client::PingOneClient;
use super::wire::WirePasswordPolicy;
use crate::idp::IdpError;
use crate::model::PasswordPolicy;

/// PingOne warns about an expiring password 21 days ahead (fixed; its policies require
/// `maxAgeDays` above `minAgeDays` + 21 for that reason).
pub const EXPIRY_WARNING_DAYS: u32 = 21;

impl From<WirePasswordPolicy> for PasswordPolicy {
    fn from(p: WirePasswordPolicy) -> Self {
        let max_age_days = p.max_age_days.unwrap_or(0);
        PasswordPolicy {
            id: p.id,
            name: p.name,
            // Only the default applies (as the system policy); the order among the rest is moot.
            priority: if p.default { u32::MAX } else { 1 },
            active: true,
            system: p.default,
            include_groups: Vec::new(),
            exclude_groups: Vec::new(),
            max_age_days,
            expire_warn_days: if max_age_days > 0 {
                EXPIRY_WARNING_DAYS
            } else {
                0
            },
            last_updated: p.updated_at,
            unreadable: false,
        }
    }
}

impl PingOneClient {
    /// `GET …/passwordPolicies`, every page.
    pub async fn fetch_password_policies(&self) -> Result<Vec<PasswordPolicy>, IdpError> {
        let url = self.env_path(&["passwordPolicies"]);
        let policies = self
            .get_pages::<WirePasswordPolicy>(url, "passwordPolicies", usize::MAX)
            .await?;
        Ok(policies.into_iter().map(PasswordPolicy::from).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::password_expiry::applying_policy;
    use serde_json::json;

    fn policy(json: serde_json::Value) -> PasswordPolicy {
        serde_json::from_value::<WirePasswordPolicy>(json)
            .unwrap()
            .into()
    }

    #[test]
    fn the_default_policy_applies_to_everyone_and_the_others_to_no_one() {
        let policies = [
            policy(json!({"id": "p-other", "name": "Admins", "default": false, "maxAgeDays": 30})),
            policy(
                json!({"id": "p-default", "name": "Standard", "default": true, "maxAgeDays": 90,
                "minAgeDays": 1, "history": {"count": 6, "retentionDays": 365},
                "updatedAt": "2026-01-01T00:00:00Z"}),
            ),
        ];
        let applied = applying_policy(&["any-group".to_string()], &policies).unwrap();
        assert_eq!(applied.id, "p-default");
        assert_eq!(applied.max_age_days, 90);
        assert_eq!(applied.expire_warn_days, EXPIRY_WARNING_DAYS);
        assert!(applied.system && applied.last_updated.is_some());
        assert_eq!(applying_policy(&[], &policies).unwrap().id, "p-default");
    }

    #[test]
    fn no_max_age_means_passwords_never_expire() {
        let p = policy(json!({"id": "p", "name": "n", "default": true}));
        assert_eq!((p.max_age_days, p.expire_warn_days), (0, 0));
    }
}
