//! Which policy applies, decided by group without one groups call per user: the members of
//! every group a policy's decision depends on are listed once, and each user is looked up in
//! those lists.

use crate::model::{GroupMembers, PasswordPolicy};
use crate::policy::password_expiry::applying_policy;

/// The groups whose members decide between the active policies: those a non-system policy
/// includes (the system default applies to everyone) and those any policy excludes. Sorted.
pub fn deciding_group_ids(policies: &[PasswordPolicy]) -> Vec<String> {
    let mut ids: Vec<String> = policies
        .iter()
        .filter(|p| p.active)
        .flat_map(|p| {
            let included = (!p.system)
                .then_some(&p.include_groups)
                .into_iter()
                .flatten();
            included.chain(&p.exclude_groups).cloned()
        })
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// The policy that applies to the user, from the deciding groups' member lists.
pub fn policy_for<'a>(
    user_id: &str,
    groups: &[GroupMembers],
    policies: &'a [PasswordPolicy],
) -> Option<&'a PasswordPolicy> {
    let member_of: Vec<String> = groups
        .iter()
        .filter(|g| g.contains(user_id))
        .map(|g| g.group_id.clone())
        .collect();
    applying_policy(&member_of, policies)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(
        id: &str,
        priority: u32,
        system: bool,
        include: &[&str],
        exclude: &[&str],
    ) -> PasswordPolicy {
        let ids = |g: &[&str]| g.iter().map(|s| s.to_string()).collect();
        PasswordPolicy {
            id: id.into(),
            name: id.into(),
            priority,
            active: true,
            system,
            include_groups: ids(include),
            exclude_groups: ids(exclude),
            max_age_days: 90,
            expire_warn_days: 0,
            last_updated: None,
            unreadable: false,
        }
    }

    fn members(group: &str, ids: &[&str]) -> GroupMembers {
        let mut member_ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        member_ids.sort();
        GroupMembers {
            group_id: group.into(),
            member_ids,
        }
    }

    #[test]
    fn the_default_policys_include_is_not_listed_but_excludes_are() {
        let mut off = policy("off", 1, false, &["gOff"], &[]);
        off.active = false;
        let policies = [
            policy("admins", 2, false, &["gAdmins", "gLeads"], &["gBreakGlass"]),
            policy("default", 9, true, &["gEveryone"], &["gService"]),
            off,
        ];
        assert_eq!(
            deciding_group_ids(&policies),
            ["gAdmins", "gBreakGlass", "gLeads", "gService"]
        );
    }

    #[test]
    fn a_user_gets_the_policy_their_listed_groups_select() {
        let policies = [
            policy("admins", 1, false, &["gAdmins"], &["gBreakGlass"]),
            policy("default", 2, true, &["gEveryone"], &[]),
        ];
        let groups = [
            members("gAdmins", &["u1", "u2"]),
            members("gBreakGlass", &["u2"]),
        ];
        assert_eq!(policy_for("u1", &groups, &policies).unwrap().id, "admins");
        assert_eq!(policy_for("u2", &groups, &policies).unwrap().id, "default");
        assert_eq!(policy_for("u3", &groups, &policies).unwrap().id, "default");
    }
}
