//! Which password policy applies to whom, against the product's own rule.

use chrono::{DateTime, Duration, Utc};

use super::{GROUP_ADMINS, GROUP_CONTRACTORS, GROUP_LEADERSHIP, Org};
use crate::model::{PasswordPolicy as ModelPolicy, UserStatus};
use crate::policy::password_expiry::applying_policy;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-02-10T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn as_model(org: &Org) -> Vec<ModelPolicy> {
    org.policies
        .iter()
        .map(|p| ModelPolicy {
            id: p.id.clone(),
            name: p.name.clone(),
            priority: p.priority,
            active: p.active,
            system: p.system,
            include_groups: p.include_group_ids.clone(),
            exclude_groups: p.exclude_group_ids.clone(),
            max_age_days: p.max_age_days,
            expire_warn_days: p.expire_warn_days,
            last_updated: Some(p.last_updated),
            unreadable: false,
        })
        .collect()
}

fn agrees_with_the_product_rule(org: &Org) -> usize {
    let model = as_model(org);
    for i in 0..org.users.len() {
        let groups: Vec<String> = org.users[i]
            .groups
            .iter()
            .map(|&g| org.groups[g].id.clone())
            .collect();
        assert_eq!(
            org.policy_for(i).map(|p| p.id.as_str()),
            applying_policy(&groups, &model).map(|p| p.id.as_str()),
            "user {i}"
        );
    }
    org.users.len()
}

#[test]
fn policies_are_ordered_with_the_default_last() {
    let org = Org::generate(42, 100, now());
    let seen: Vec<(&str, u32, u32)> = org
        .policies
        .iter()
        .map(|p| (p.name.as_str(), p.priority, p.max_age_days))
        .collect();
    assert_eq!(
        seen,
        [
            ("Administrators", 1, 60),
            ("Contractors", 2, 45),
            ("Leadership", 3, 0),
            ("Default Policy", 4, 90)
        ]
    );
    assert!(org.policies[3].system && org.policies.iter().filter(|p| p.system).count() == 1);
    let contractors = &org.policies[1];
    assert_eq!(
        contractors.include_group_ids,
        [org.groups[GROUP_CONTRACTORS].id.clone()]
    );
    assert_eq!(
        contractors.exclude_group_ids,
        [org.groups[GROUP_ADMINS].id.clone()]
    );
    let json = contractors.to_json("http://h");
    assert_eq!(
        json["conditions"]["people"]["groups"]["exclude"][0],
        org.groups[GROUP_ADMINS].id.as_str()
    );
    assert!(
        org.policies[0].to_json("http://h")["conditions"]["people"]["groups"]
            .get("exclude")
            .is_none()
    );
}

#[test]
fn policy_for_applies_okta_rule_like_the_product() {
    let mut org = Org::generate(7, 3000, now());
    assert_eq!(agrees_with_the_product_rule(&org), 3000);
    let names = |org: &Org| {
        let mut n: Vec<String> = (0..org.users.len())
            .filter_map(|i| org.policy_for(i).map(|p| p.name.clone()))
            .collect();
        n.sort_unstable();
        n.dedup();
        n
    };
    assert_eq!(
        names(&org),
        [
            "Administrators",
            "Contractors",
            "Default Policy",
            "Leadership"
        ]
    );

    // A contractor made an admin, with the admins' policy switched off: the contractors'
    // policy excludes admins, so the default applies.
    let c = (0..org.users.len())
        .find(|&i| org.users[i].groups.contains(&GROUP_CONTRACTORS))
        .unwrap();
    org.users[c].groups.push(GROUP_ADMINS);
    assert_eq!(org.policy_for(c).unwrap().name, "Administrators");
    org.policies[0].active = false;
    assert_eq!(org.policy_for(c).unwrap().name, "Default Policy");
    // A leader who is also a contractor: priority decides.
    org.users[c].groups.retain(|&g| g != GROUP_ADMINS);
    org.users[c].groups.push(GROUP_LEADERSHIP);
    assert_eq!(org.policy_for(c).unwrap().name, "Contractors");
    // Priorities swapped: the system default still comes last.
    org.policies[3].priority = 0;
    assert_eq!(org.policy_for(c).unwrap().name, "Contractors");
    agrees_with_the_product_rule(&org);
}

#[test]
fn seeded_password_dates_follow_the_applying_policy() {
    let org = Org::generate(42, 3000, now());
    let mut due_soon = 0;
    let mut expiring = 0;
    for i in 0..org.users.len() {
        let u = &org.users[i];
        let (Some(changed), Some(p)) = (u.password_changed, org.policy_for(i)) else {
            continue;
        };
        assert!(u.last_updated >= changed);
        if p.max_age_days == 0 || u.status == UserStatus::PasswordExpired {
            continue;
        }
        expiring += 1;
        let expires = changed + Duration::days(i64::from(p.max_age_days));
        assert!(
            expires >= now() - Duration::days(5),
            "user {i} expired {expires} under {}",
            p.name
        );
        if expires <= now() + Duration::days(14) {
            due_soon += 1;
        }
    }
    let share = f64::from(due_soon) / f64::from(expiring);
    assert!(
        (0.1..0.35).contains(&share),
        "{share} expire within 14 days"
    );
}
