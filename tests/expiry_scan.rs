//! The expiry scanner against the simulator over real HTTP on 127.0.0.1: expiries equal an
//! independent computation, the scan costs pages (never a groups call per user), refreshes
//! are incremental until a deciding group changes, pacing keeps within the share of each
//! window, faults give a clear error, and the stored result survives.

mod expiry_scan {
    pub mod oracle;
}

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use accessdesk::idp::okta::{ClientOptions, OktaClient};
use accessdesk::idp::{Directory, ScanEndpoint};
use accessdesk::model::{ExpiryScan, ScanKind};
use accessdesk::services::expiry_scanner::{ScanEvent, ScanSettings, full_scan, refresh, run};
use accessdesk::sim::{self, Fault, RateBudgets, RecordedRequest, SimConfig, SimHandle};
use accessdesk::store::ExpiryStore;
use expiry_scan::oracle::{ExpectedContract, ExpectedPassword, Oracle, Raw};
use secrecy::SecretString;

const TOKEN: &str = "expiry-scan-test-token-0123";
const USERS: usize = 2_000;

fn config(users: usize) -> SimConfig {
    let mut c = SimConfig::new(TOKEN);
    c.users = users;
    c.lockouts_per_minute = 0.0;
    c.password_changes_per_hour = Some(0.0);
    c.history = false;
    c.control = true;
    // The independent computation asks for every user's groups: room for it.
    c.rate_limits = RateBudgets {
        logs: 10_000,
        users_list: 10_000,
        user_get: 10_000,
        users_write: 10_000,
        default: 100_000,
    };
    c
}

async fn start(config: SimConfig) -> SimHandle {
    sim::start(config, ([127, 0, 0, 1], 0).into())
        .await
        .expect("simulator starts")
}

fn fast() -> ClientOptions {
    ClientOptions {
        min_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        ..ClientOptions::default()
    }
}

fn client(sim: &SimHandle, options: ClientOptions) -> OktaClient {
    let base = url::Url::parse(&sim.base_url()).unwrap();
    OktaClient::new(base, SecretString::from(TOKEN.to_string()), options).unwrap()
}

fn raw(sim: &SimHandle) -> Raw {
    Raw {
        http: reqwest::Client::new(),
        base: sim.base_url(),
        token: TOKEN.into(),
    }
}

fn since(sim: &SimHandle, mark: usize) -> Vec<RecordedRequest> {
    sim.requests().split_off(mark)
}

fn count(made: &[RecordedRequest], matches: impl Fn(&str) -> bool) -> usize {
    made.iter().filter(|r| matches(&r.path)).count()
}

fn is_user_groups(path: &str) -> bool {
    path.starts_with("/api/v1/users/") && path.ends_with("/groups")
}

fn is_members(path: &str) -> bool {
    path.starts_with("/api/v1/groups/") && path.ends_with("/users")
}

fn passwords_of(scan: &ExpiryScan) -> HashMap<String, ExpectedPassword> {
    scan.passwords
        .iter()
        .map(|r| {
            let row = ExpectedPassword {
                policy_id: r.policy_id.clone(),
                expires_at: r.expires_at,
                status: r.status.as_str().to_string(),
            };
            (r.user_id.clone(), row)
        })
        .collect()
}

/// Requests a full scan of this org makes: one per 200 listed users, one per 200 members
/// of each deciding group (at least one), one for the policies. Counted from raw answers.
async fn full_scan_cost(raw: &Raw, oracle: &Oracle) -> usize {
    let mut deciding = HashSet::new();
    for p in oracle.policies.iter().filter(|p| p["status"] != "INACTIVE") {
        let groups = &p["conditions"]["people"]["groups"];
        if p["system"] != true {
            deciding.extend(groups["include"].as_array().into_iter().flatten().cloned());
        }
        deciding.extend(groups["exclude"].as_array().into_iter().flatten().cloned());
    }
    let mut member_pages = 0;
    for g in &deciding {
        let url = format!(
            "{}/api/v1/groups/{}/users?limit=10000",
            raw.base,
            g.as_str().unwrap()
        );
        let members = raw.get(&url).await.0.as_array().unwrap().len();
        member_pages += members.div_ceil(200).max(1);
    }
    oracle.users.len().div_ceil(200) + member_pages + 1
}

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

/// The highest use of the users window the sim reported during a scan at `share`.
async fn peak_window_use(dir: &OktaClient, share: f64) -> (u32, bool) {
    let settings = ScanSettings {
        rate_limit_share: share,
        ..ScanSettings::default()
    };
    let (mut peak, mut waited) = (0, false);
    full_scan(dir, &settings, &mut |p| {
        waited |= p.waiting_until.is_some();
        if let Some(w) = dir.scan_rate_limit(ScanEndpoint::Users) {
            peak = peak.max(w.limit - w.remaining);
        }
    })
    .await
    .unwrap();
    (peak, waited)
}

#[tokio::test]
async fn pacing_keeps_within_the_share_of_each_window() {
    let mut c = config(USERS);
    c.rate_limits.users_list = 6;
    c.rate_limit_window = Duration::from_secs(1);
    let sim = start(c).await;
    let dir = client(&sim, fast());
    let pages = USERS.div_ceil(200);
    for (share, cap) in [(0.5, 3), (1.0, 6)] {
        let mark = sim.requests().len();
        let (peak, waited) = peak_window_use(&dir, share).await;
        let made = since(&sim, mark);
        assert!(peak <= cap, "share {share}: {peak} of 6 used in one window");
        assert!(
            peak >= cap - 1,
            "share {share}: the budget is used, not wasted ({peak})"
        );
        assert!(
            waited,
            "share {share}: the scan waited for the window and said so"
        );
        // Every users request was answered: a 429 would have been sent again.
        assert_eq!(
            count(&made, |p| p == "/api/v1/users"),
            pages,
            "share {share}"
        );
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn a_429_mid_scan_is_waited_out_and_the_scan_continues() {
    let mut c = config(USERS);
    c.rate_limit_window = Duration::from_secs(1);
    let sim = start(c).await;
    let dir = client(&sim, fast());
    let settings = ScanSettings::default();
    let clean = full_scan(&dir, &settings, &mut |_| {}).await.unwrap();
    let mark = sim.requests().len();
    let mut injected = false;
    let scan = full_scan(&dir, &settings, &mut |p| {
        if p.users_seen >= 600 && !injected {
            sim.inject_fault(Fault::status(429, 1).on_path("/api/v1/users"));
            injected = true;
        }
    })
    .await
    .unwrap();
    let made = since(&sim, mark);
    assert!(injected);
    assert_eq!(
        count(&made, |p| p == "/api/v1/users"),
        USERS.div_ceil(200) + 1
    );
    assert_eq!(scan.passwords, clean.passwords);
    assert_eq!(scan.contractors, clean.contractors);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_fault_mid_scan_is_a_clear_error() {
    let mut c = config(USERS);
    c.rate_limit_window = Duration::from_secs(1);
    let sim = start(c).await;
    // 429s are not waited out by the client here, so the scanner's own retries run out.
    let dir = client(
        &sim,
        ClientOptions {
            max_rate_limit_wait: Duration::ZERO,
            ..fast()
        },
    );
    let cases = [
        (Fault::status(500, 4), "HTTP 500"),
        (Fault::html(502, 4), "HTML page titled \"502 Bad Gateway\""),
        (Fault::html(200, 1), "HTML page titled \"200 OK\""),
        (Fault::garbage(1), "unexpected response (HTTP 200"),
        (Fault::garbage(1), "not JSON"),
        (Fault::status(429, 4), "rate limit exceeded"),
    ];
    for (fault, expected) in cases {
        let mut fault = Some(fault.on_path("/api/v1/users"));
        let outcome = full_scan(&dir, &ScanSettings::default(), &mut |p| {
            if p.users_seen >= 400 {
                if let Some(f) = fault.take() {
                    sim.inject_fault(f);
                }
            }
        })
        .await;
        let message = outcome.expect_err(expected).to_string();
        assert!(message.contains(expected), "{expected}: {message}");
        assert!(!message.contains(TOKEN));
    }
    sim.shutdown().await;
}

async fn next_outcome(rx: &mut tokio::sync::mpsc::Receiver<ScanEvent>) -> ScanEvent {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(60), rx.recv())
            .await
            .expect("the scanner reports in time")
            .expect("the scanner is running");
        if !matches!(event, ScanEvent::Progress(_)) {
            return event;
        }
    }
}

#[tokio::test]
async fn the_task_stores_each_result_and_a_failed_refresh_keeps_the_previous_one() {
    let sim = start(config(USERS)).await;
    let dir = Arc::new(client(&sim, fast()));
    let data = tempfile::tempdir().unwrap();
    let path = ExpiryStore::default_path(data.path());
    let settings = ScanSettings {
        refresh_interval: Duration::from_millis(200),
        ..ScanSettings::default()
    };

    let (tx, mut rx) = tokio::sync::mpsc::channel(16);
    let first = tokio::spawn(run(
        dir.clone(),
        settings.clone(),
        Some(ExpiryStore::open(&path).unwrap()),
        tx,
    ));
    let ScanEvent::Finished(scanned) = next_outcome(&mut rx).await else {
        panic!("a first scan");
    };
    drop(rx);
    first.await.unwrap();
    assert_eq!(
        ExpiryStore::open(&path).unwrap().load().unwrap().as_ref(),
        Some(&*scanned)
    );

    sim.inject_fault(Fault::status(500, 4).on_path("/api/v1/policies"));
    let (tx, mut rx) = tokio::sync::mpsc::channel(16);
    let second = tokio::spawn(run(
        dir.clone(),
        settings,
        Some(ExpiryStore::open(&path).unwrap()),
        tx,
    ));
    let ScanEvent::Loaded(loaded) = next_outcome(&mut rx).await else {
        panic!("the stored scan first");
    };
    assert_eq!(loaded, scanned);
    let ScanEvent::Failed { error, .. } = next_outcome(&mut rx).await else {
        panic!("the refresh fails");
    };
    assert!(error.contains("HTTP 500"), "{error}");
    assert_eq!(
        ExpiryStore::open(&path).unwrap().load().unwrap().as_ref(),
        Some(&*scanned)
    );
    let ScanEvent::Finished(refreshed) = next_outcome(&mut rx).await else {
        panic!("the retry succeeds");
    };
    assert!(refreshed.as_of > scanned.as_of);
    assert_eq!(
        refreshed.full_scan_at, scanned.full_scan_at,
        "incremental after a restart"
    );
    assert_eq!(refreshed.passwords, scanned.passwords);
    drop(rx);
    second.await.unwrap();
    sim.shutdown().await;
}
