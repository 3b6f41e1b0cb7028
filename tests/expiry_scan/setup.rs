//! The simulator, the client and request counting shared by the expiry scan tests.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use accessdesk::idp::okta::{ClientOptions, OktaClient};
use accessdesk::model::ExpiryScan;
use accessdesk::sim::{self, RateBudgets, RecordedRequest, SimConfig, SimHandle};
use secrecy::SecretString;

use super::oracle::{ExpectedPassword, Oracle, Raw};

pub const TOKEN: &str = "expiry-scan-test-token-0123";
pub const USERS: usize = 2_000;

pub fn config(users: usize) -> SimConfig {
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

pub async fn start(config: SimConfig) -> SimHandle {
    sim::start(config, ([127, 0, 0, 1], 0).into())
        .await
        .expect("simulator starts")
}

pub fn fast() -> ClientOptions {
    ClientOptions {
        min_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        ..ClientOptions::default()
    }
}

pub fn client(sim: &SimHandle, options: ClientOptions) -> OktaClient {
    let base = url::Url::parse(&sim.base_url()).unwrap();
    OktaClient::new(base, SecretString::from(TOKEN.to_string()), options).unwrap()
}

pub fn raw(sim: &SimHandle) -> Raw {
    Raw {
        http: reqwest::Client::new(),
        base: sim.base_url(),
        token: TOKEN.into(),
    }
}

pub fn since(sim: &SimHandle, mark: usize) -> Vec<RecordedRequest> {
    sim.requests().split_off(mark)
}

pub fn count(made: &[RecordedRequest], matches: impl Fn(&str) -> bool) -> usize {
    made.iter().filter(|r| matches(&r.path)).count()
}

pub fn is_user_groups(path: &str) -> bool {
    path.starts_with("/api/v1/users/") && path.ends_with("/groups")
}

pub fn is_members(path: &str) -> bool {
    path.starts_with("/api/v1/groups/") && path.ends_with("/users")
}

pub fn passwords_of(scan: &ExpiryScan) -> HashMap<String, ExpectedPassword> {
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
pub async fn full_scan_cost(raw: &Raw, oracle: &Oracle) -> usize {
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
