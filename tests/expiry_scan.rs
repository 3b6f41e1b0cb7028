//! The expiry scanner against the simulator over real HTTP on 127.0.0.1: expiries equal an
//! independent computation, the scan costs pages (never a groups call per user), refreshes
//! are incremental until a deciding group changes, pacing keeps within the share of each
//! window, faults give a clear error, and the stored result survives.

mod expiry_scan {
    pub mod oracle;
    pub mod resilience;
    pub mod setup;
}

use std::collections::{HashMap, HashSet};

use accessdesk::model::ScanKind;
use accessdesk::services::expiry_scanner::{ScanSettings, full_scan, refresh};
use expiry_scan::oracle::{ExpectedContract, Oracle};
use expiry_scan::setup::{
    USERS, client, config, count, fast, full_scan_cost, is_members, is_user_groups, passwords_of,
    raw, since, start,
};

#[tokio::test]
async fn a_full_scan_equals_an_independent_computation_and_costs_pages_not_users() {
    let sim = start(config(USERS)).await;
    let dir = client(&sim, fast());
    let mark = sim.requests().len();
    let scan = full_scan(&dir, &ScanSettings::default(), &mut |_| {})
        .await
        .unwrap();
    let made = since(&sim, mark);

    let raw = raw(&sim);
    let oracle = Oracle::fetch(&raw).await;
    assert_eq!(passwords_of(&scan), oracle.passwords());
    let policies: HashSet<&str> = scan
        .passwords
        .iter()
        .map(|r| r.policy_id.as_str())
        .collect();
    assert!(
        policies.len() >= 3,
        "the org exercises several policies: {policies:?}"
    );

    let contracts: HashMap<String, ExpectedContract> = scan
        .contractors
        .iter()
        .map(|r| {
            let row = ExpectedContract {
                ends_on: r.ends_on,
                manager_login: r.manager_login.clone(),
            };
            (r.user_id.clone(), row)
        })
        .collect();
    assert_eq!(contracts, oracle.contracts());
    assert!(!contracts.is_empty() && oracle.user_type_count("intern") > 0);
    assert!(
        scan.contractors.iter().all(|r| r.user_type == "contractor"),
        "no interns"
    );
    assert!(scan.contractors.iter().any(|r| r.manager_login.is_some()));
    assert_eq!(scan.users_seen as usize, oracle.users.len());

    assert_eq!(
        count(&made, is_user_groups),
        0,
        "never one groups call per user"
    );
    let pages = oracle.users.len().div_ceil(200);
    assert_eq!(count(&made, |p| p == "/api/v1/users"), pages);
    assert_eq!(count(&made, |p| p == "/api/v1/policies"), 1);
    assert_eq!(made.len(), full_scan_cost(&raw, &oracle).await, "{made:#?}");
    assert!(count(&made, is_members) >= 1);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_refresh_after_password_changes_moves_exactly_those_rows_in_a_handful_of_requests() {
    let sim = start(config(USERS)).await;
    let dir = client(&sim, fast());
    let settings = ScanSettings::default();
    let before = full_scan(&dir, &settings, &mut |_| {}).await.unwrap();
    let logins = sim.change_passwords(7);
    assert_eq!(logins.len(), 7);
    let changed: HashSet<String> = logins
        .iter()
        .map(|l| {
            sim.user_json(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();

    let mark = sim.requests().len();
    let mut kinds = Vec::new();
    let after = refresh(&dir, &settings, &before, &mut |p| kinds.push(p.kind))
        .await
        .unwrap();
    let made = since(&sim, mark);
    assert_eq!(made.len(), 3, "policies, groups, changed users: {made:#?}");
    let users_query = made.iter().find(|r| r.path == "/api/v1/users").unwrap();
    assert!(
        users_query
            .query
            .as_deref()
            .unwrap()
            .contains("lastUpdated"),
        "{users_query:?}"
    );
    assert!(kinds.iter().all(|k| *k == ScanKind::Incremental));
    assert_eq!(after.full_scan_at, before.full_scan_at);
    assert!(after.as_of > before.as_of);

    // Exactly the changed users' rows moved, and the result is what a full rescan finds.
    let fresh = full_scan(&dir, &settings, &mut |_| {}).await.unwrap();
    assert_eq!(after.passwords, fresh.passwords);
    assert_eq!(after.contractors, fresh.contractors);
    let (old, new) = (passwords_of(&before), passwords_of(&after));
    let ids: HashSet<&String> = old.keys().chain(new.keys()).collect();
    let moved: HashSet<String> = ids
        .into_iter()
        .filter(|id| old.get(*id) != new.get(*id))
        .cloned()
        .collect();
    let expected: HashSet<String> = changed
        .iter()
        .filter(|id| old.contains_key(*id) || new.contains_key(*id))
        .cloned()
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(moved, expected);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_deciding_group_change_rescans_in_full_and_another_group_does_not() {
    let sim = start(config(USERS)).await;
    let dir = client(&sim, fast());
    let settings = ScanSettings::default();
    let raw = raw(&sim);
    let before = full_scan(&dir, &settings, &mut |_| {}).await.unwrap();
    let deciding: HashSet<&str> = before
        .deciding_groups
        .iter()
        .map(|g| g.group_id.as_str())
        .collect();
    let default_policy = before.policies.iter().find(|p| p.system).unwrap();
    let employee = before
        .passwords
        .iter()
        .find(|r| r.policy_id == default_policy.id)
        .unwrap()
        .clone();

    // A department group decides nothing: the refresh stays incremental.
    let groups = raw
        .all(format!("{}/api/v1/groups?limit=200", raw.base))
        .await;
    let department = groups
        .iter()
        .find(|g| g["type"] == "OKTA_GROUP" && !deciding.contains(g["id"].as_str().unwrap()))
        .unwrap();
    let name = department["profile"]["name"].as_str().unwrap();
    let other = &before
        .passwords
        .iter()
        .rev()
        .find(|r| r.department.as_deref() != Some(name))
        .unwrap()
        .login;
    sim.add_to_group(other, name).unwrap();
    let mark = sim.requests().len();
    let after = refresh(&dir, &settings, &before, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(since(&sim, mark).len(), 3);
    assert_eq!(after.full_scan_at, before.full_scan_at);

    // Joining Contractors moves the employee to the Contractors policy: only a full rescan
    // can know, and it does.
    sim.add_to_group(&employee.login, "Contractors").unwrap();
    let mark = sim.requests().len();
    let mut kinds = Vec::new();
    let rescanned = refresh(&dir, &settings, &after, &mut |p| kinds.push(p.kind))
        .await
        .unwrap();
    let made = since(&sim, mark);
    assert!(rescanned.full_scan_at > after.full_scan_at);
    assert!(kinds.contains(&ScanKind::Full));
    let oracle = Oracle::fetch(&raw).await;
    assert_eq!(
        made.len(),
        2 + full_scan_cost(&raw, &oracle).await,
        "{made:#?}"
    );
    assert_eq!(passwords_of(&rescanned), oracle.passwords());
    let row = rescanned
        .passwords
        .iter()
        .find(|r| r.user_id == employee.user_id)
        .unwrap();
    let contractors = rescanned
        .policies
        .iter()
        .find(|p| p.name == "Contractors")
        .unwrap();
    assert_eq!(row.policy_id, contractors.id);
    assert_ne!(row.expires_at, employee.expires_at);
    sim.shutdown().await;
}
