//! When a password expires. Okta has no expiry query and does not flip a user to
//! PASSWORD_EXPIRED until the next sign-in, so it is computed: `passwordChanged` plus the
//! `maxAgeDays` of the first active password policy, by priority, whose groups include the user.

use chrono::{DateTime, Duration, Utc};

use crate::model::PasswordPolicy;

/// A computed expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordExpiry {
    pub expires_at: DateTime<Utc>,
    /// From when the IdP starts warning the user (None when it does not warn).
    pub warn_from: Option<DateTime<Utc>>,
}

/// The policy that governs a user in these groups.
pub fn applying_policy<'a>(
    user_groups: &[String],
    policies: &'a [PasswordPolicy],
) -> Option<&'a PasswordPolicy> {
    let mut candidates: Vec<&PasswordPolicy> = policies.iter().filter(|p| p.active).collect();
    // By priority; the system default last whatever its number says.
    candidates.sort_by_key(|p| (p.system, p.priority));
    candidates.into_iter().find(|p| {
        let member = |groups: &[String]| groups.iter().any(|g| user_groups.contains(g));
        (p.system || member(&p.include_groups)) && !member(&p.exclude_groups)
    })
}

/// The expiry of a password set at `password_changed` under `policy`; `None` when it never
/// expires or the IdP does not know when the password was set.
pub fn password_expiry(
    password_changed: Option<DateTime<Utc>>,
    policy: &PasswordPolicy,
) -> Option<PasswordExpiry> {
    if policy.max_age_days == 0 {
        return None;
    }
    let expires_at = password_changed? + Duration::days(i64::from(policy.max_age_days));
    let warn_from = (policy.expire_warn_days > 0)
        .then(|| expires_at - Duration::days(i64::from(policy.expire_warn_days)));
    Some(PasswordExpiry {
        expires_at,
        warn_from,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn policy(
        id: &str,
        priority: u32,
        system: bool,
        include: &[&str],
        max_age_days: u32,
    ) -> PasswordPolicy {
        PasswordPolicy {
            id: id.into(),
            name: id.into(),
            priority,
            active: true,
            system,
            include_groups: include.iter().map(|g| g.to_string()).collect(),
            exclude_groups: Vec::new(),
            max_age_days,
            expire_warn_days: 7,
            last_updated: None,
            unreadable: false,
        }
    }

    fn groups(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|g| g.to_string()).collect()
    }

    #[test]
    fn the_first_matching_policy_by_priority_wins_and_the_default_comes_last() {
        let policies = [
            policy("default", 1, true, &["everyone"], 90),
            policy("admins", 2, false, &["admins"], 60),
            policy("contractors", 3, false, &["contractors"], 30),
        ];
        assert_eq!(
            applying_policy(&groups(&["everyone", "admins", "contractors"]), &policies)
                .unwrap()
                .id,
            "admins"
        );
        assert_eq!(
            applying_policy(&groups(&["everyone", "contractors"]), &policies)
                .unwrap()
                .id,
            "contractors"
        );
        assert_eq!(
            applying_policy(&groups(&["everyone"]), &policies)
                .unwrap()
                .id,
            "default"
        );
    }

    #[test]
    fn inactive_and_excluding_policies_are_skipped() {
        let mut admins = policy("admins", 1, false, &["admins"], 60);
        admins.exclude_groups = groups(&["break-glass"]);
        let mut off = policy("off", 0, false, &["admins"], 10);
        off.active = false;
        let policies = [off, admins, policy("default", 9, true, &[], 90)];
        assert_eq!(
            applying_policy(&groups(&["admins"]), &policies).unwrap().id,
            "admins"
        );
        assert_eq!(
            applying_policy(&groups(&["admins", "break-glass"]), &policies)
                .unwrap()
                .id,
            "default"
        );
        assert!(applying_policy(&groups(&["x"]), &policies[..2]).is_none());
    }

    #[test]
    fn expiry_is_password_changed_plus_max_age() {
        let changed = Utc.with_ymd_and_hms(2026, 9, 1, 12, 0, 0).unwrap();
        let e = password_expiry(Some(changed), &policy("p", 1, true, &[], 90)).unwrap();
        assert_eq!(
            e.expires_at,
            Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap()
        );
        assert_eq!(
            e.warn_from,
            Some(Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap())
        );
        assert!(
            password_expiry(Some(changed), &policy("p", 1, true, &[], 0)).is_none(),
            "never expires"
        );
        assert!(
            password_expiry(None, &policy("p", 1, true, &[], 90)).is_none(),
            "unknown change date"
        );
    }
}
