//! The PingOne client against the PingOne simulator, over real HTTP on 127.0.0.1.

use std::collections::HashSet;
use std::time::Duration;

use accessdesk::idp::pingone::{ClientAuthMethod, ClientOptions, PingOneClient, PingOneSettings};
use accessdesk::idp::{Directory, FeedCursor, IdpError, Provider, UserScanPage};
use accessdesk::model::{Action, ActivityKind, ChallengeResult, FactorKind, UserStatus};
use accessdesk::policy::gate::Verified;
use accessdesk::sim::{self, Fault, FaultKind, PushBehaviour, SimConfig, SimHandle};
use chrono::Utc;
use secrecy::SecretString;

const SECRET: &str = "pingone-test-secret-0123456789";

fn quiet_sim(users: usize) -> SimConfig {
    let mut c = SimConfig::new(SECRET);
    c.provider = Provider::PingOne;
    c.users = users;
    c.lockouts_per_minute = 0.0;
    c.password_changes_per_hour = Some(0.0);
    c.history = false;
    c.control = true;
    c
}

async fn start(config: SimConfig) -> SimHandle {
    sim::start(config, ([127, 0, 0, 1], 0).into())
        .await
        .expect("simulator starts")
}

fn fast_options() -> ClientOptions {
    ClientOptions {
        min_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        ..ClientOptions::default()
    }
}

fn settings(sim: &SimHandle, secret: &str) -> PingOneSettings {
    let info = sim.info();
    assert_eq!(info.provider, Provider::PingOne);
    PingOneSettings {
        environment_id: info.environment_id.expect("an environment id"),
        client_id: info.client_id.expect("a worker client id"),
        client_secret: SecretString::from(secret.to_string()),
        region: Default::default(),
        api_url: url::Url::parse(&info.api_url).unwrap(),
        auth_url: url::Url::parse(&info.auth_url).unwrap(),
        auth_method: ClientAuthMethod::ClientSecretBasic,
    }
}

fn client(sim: &SimHandle, options: ClientOptions) -> PingOneClient {
    PingOneClient::new(settings(sim, SECRET), options).unwrap()
}

/// Requests whose path contains `part` (e.g. `/users`, `/as/token`).
fn count_requests(sim: &SimHandle, part: &str) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.path.contains(part))
        .count()
}

fn env_path(sim: &SimHandle, rest: &str) -> String {
    format!(
        "/v1/environments/{}{rest}",
        sim.info().environment_id.unwrap()
    )
}

fn fault(kind: FaultKind, count: u32, path_prefix: &str) -> Fault {
    Fault {
        kind,
        count,
        path_prefix: Some(path_prefix.to_string()),
    }
}

async fn expire_tokens(sim: &SimHandle) {
    let status = reqwest::Client::new()
        .post(format!("{}/__sim/tokens/expire", sim.base_url()))
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success(), "{status}");
}

/// A login whose user is enabled and not locked.
fn active_login(sim: &SimHandle, skip: usize) -> String {
    sim.user_logins()
        .into_iter()
        .filter(|l| sim.user_json(l).unwrap()["status"] == "ACTIVE")
        .nth(skip)
        .expect("enough ACTIVE users")
}

#[tokio::test]
async fn one_token_serves_many_concurrent_calls() {
    let sim = start(quiet_sim(30)).await;
    let c = client(&sim, fast_options());
    let logins = sim.user_logins();
    let calls = logins.iter().take(8).map(|l| c.get_user(l));
    for (user, login) in futures::future::join_all(calls)
        .await
        .into_iter()
        .zip(&logins)
    {
        assert_eq!(&user.unwrap().login, login);
    }
    assert_eq!(
        c.tokens_fetched().await,
        1,
        "concurrent callers share one fetch"
    );
    assert_eq!(count_requests(&sim, "/as/token"), 1);
}

#[tokio::test]
async fn an_expired_token_is_renewed_without_the_caller_noticing() {
    let sim = start(quiet_sim(20)).await;
    let c = client(&sim, fast_options());
    let login = sim.user_logins()[1].clone();
    c.get_user(&login).await.unwrap();
    expire_tokens(&sim).await;
    let user = c.get_user(&login).await.expect("renewed, then answered");
    assert_eq!(user.login, login);
    assert_eq!(c.tokens_fetched().await, 2);
    assert_eq!(count_requests(&sim, "/as/token"), 2);

    // Many callers meeting the expired token at once share one renewal.
    expire_tokens(&sim).await;
    let logins = sim.user_logins();
    let calls = logins.iter().take(8).map(|l| c.get_user(l));
    for user in futures::future::join_all(calls).await {
        user.expect("renewed, then answered");
    }
    assert_eq!(c.tokens_fetched().await, 3, "one renewal for all of them");
}

#[tokio::test]
async fn a_short_lived_token_is_renewed_before_it_expires() {
    let mut config = quiet_sim(10);
    // Renewed half-way through a short lifetime: no call ever meets the 401.
    config.token_lifetime = Duration::from_secs(2);
    let sim = start(config).await;
    let c = client(&sim, fast_options());
    let login = sim.user_logins()[0].clone();
    c.get_user(&login).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    c.get_user(&login).await.unwrap();
    assert_eq!(c.tokens_fetched().await, 2);
    assert_eq!(
        count_requests(&sim, "/users"),
        4,
        "two users and two password states, none refused and repeated"
    );
}

#[tokio::test]
async fn client_secret_post_is_accepted_too() {
    let sim = start(quiet_sim(10)).await;
    let mut s = settings(&sim, SECRET);
    s.auth_method = ClientAuthMethod::ClientSecretPost;
    let c = PingOneClient::new(s, fast_options()).unwrap();
    let login = sim.user_logins()[0].clone();
    assert_eq!(c.get_user(&login).await.unwrap().login, login);
}

#[tokio::test]
async fn a_wrong_secret_is_a_401_naming_the_worker_app_and_never_the_secret() {
    let sim = start(quiet_sim(10)).await;
    let c = PingOneClient::new(settings(&sim, "wrong-secret-value"), fast_options()).unwrap();
    let err = c.get_user(&sim.user_logins()[0]).await.unwrap_err();
    assert!(
        matches!(&err, IdpError::Api { status: 401, code, .. } if code == "invalid_client"),
        "{err:?}"
    );
    let hint = err.hint_for(Provider::PingOne);
    assert!(
        hint.contains("PINGONE_CLIENT_ID") && hint.contains("worker app"),
        "{hint}"
    );
    let text = format!("{err} {err:?} {c:?}");
    assert!(
        !text.contains("wrong-secret-value") && !text.contains(SECRET),
        "{text}"
    );
    assert_eq!(count_requests(&sim, "/as/token"), 1, "a 401 is not retried");
    assert_eq!(
        count_requests(&sim, "/v1/"),
        0,
        "no API call without a token"
    );
}

#[tokio::test]
async fn users_are_found_by_id_or_username_with_their_password_state() {
    let sim = start(quiet_sim(40)).await;
    let c = client(&sim, fast_options());
    let login = active_login(&sim, 2);
    let by_name = c.get_user(&login).await.unwrap();
    assert_eq!(by_name.status, UserStatus::Active);
    assert!(uuid::Uuid::try_parse(&by_name.id).is_ok(), "{}", by_name.id);
    let by_id = c.get_user(&by_name.id).await.unwrap();
    assert_eq!(by_id, by_name);
    let okta = sim.user_json(&login).unwrap();
    assert_eq!(
        by_name.password_changed.map(|t| t.timestamp()),
        okta["passwordChanged"]
            .as_str()
            .map(|s| chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp()),
        "password_changed is the password state's lastChangedAt"
    );
    // PingOne's `type` is free text; the simulator capitalises the Okta userType.
    assert!(
        by_name
            .user_type
            .as_deref()
            .unwrap()
            .eq_ignore_ascii_case(okta["profile"]["userType"].as_str().unwrap())
    );
    let lookups = sim
        .requests()
        .into_iter()
        .filter(|r| r.path == env_path(&sim, "/users"))
        .collect::<Vec<_>>();
    assert_eq!(lookups.len(), 1, "a username is looked up with a filter");
    assert!(
        lookups[0]
            .query
            .as_deref()
            .unwrap()
            .contains("filter=username"),
        "{:?}",
        lookups[0]
    );
}

#[tokio::test]
async fn the_profile_names_the_manager_that_pingone_keeps_only_as_an_id() {
    let sim = start(quiet_sim(40)).await;
    let c = client(&sim, fast_options());
    let mut checked = 0;
    for skip in 0..10 {
        let login = active_login(&sim, skip);
        let user = c.get_user(&login).await.unwrap();
        assert_eq!(user.manager, None, "PingOne's user names no manager");
        let Some(manager_id) = user.manager_id.clone() else {
            continue;
        };
        let manager = c.get_user(&manager_id).await.unwrap();
        let profile = accessdesk::services::user_profile::load(&c, &login)
            .await
            .unwrap();
        assert_eq!(profile.user.manager, Some(manager.name()), "{login}");
        assert_eq!(profile.user.manager_id, Some(manager_id));
        checked += 1;
    }
    assert!(
        checked > 0,
        "no seeded user with a manager among the first ten"
    );
}

#[tokio::test]
async fn expired_and_suspended_users_map_to_their_status() {
    let sim = start(quiet_sim(300)).await;
    let c = client(&sim, fast_options());
    for (okta, ours) in [
        ("PASSWORD_EXPIRED", UserStatus::PasswordExpired),
        ("SUSPENDED", UserStatus::Suspended),
        ("LOCKED_OUT", UserStatus::LockedOut),
    ] {
        let Some(login) = sim
            .user_logins()
            .into_iter()
            .find(|l| sim.user_json(l).unwrap()["status"] == okta)
        else {
            panic!("the seeded org has a {okta} user");
        };
        assert_eq!(c.get_user(&login).await.unwrap().status, ours, "{okta}");
    }
}

#[tokio::test]
async fn unknown_users_are_404s() {
    let sim = start(quiet_sim(10)).await;
    let c = client(&sim, fast_options());
    for key in ["nobody@example.com", "00000000-0000-4000-8000-000000000000"] {
        let err = c.get_user(key).await.unwrap_err();
        assert_eq!(err.status(), Some(404), "{key}: {err:?}");
        assert_eq!(err.hint_for(Provider::PingOne), "check the username or id");
    }
}

#[tokio::test]
async fn search_finds_users_by_prefix() {
    let sim = start(quiet_sim(60)).await;
    let c = client(&sim, fast_options());
    let login = sim.user_logins()[7].clone();
    let okta = sim.user_json(&login).unwrap();
    let prefix = |field: &str| -> String {
        okta["profile"][field]
            .as_str()
            .unwrap()
            .chars()
            .take(2)
            .collect()
    };
    let (first, last) = (prefix("firstName"), prefix("lastName"));
    let found = c.search_users(&login[..5], 50).await.unwrap();
    assert!(found.iter().any(|u| u.login == login), "by username prefix");
    assert!(found.iter().all(|u| {
        let p = login[..5].to_lowercase();
        [
            Some(&u.login),
            u.email.as_ref(),
            u.first_name.as_ref(),
            u.last_name.as_ref(),
        ]
        .into_iter()
        .flatten()
        .any(|v| v.to_lowercase().starts_with(&p))
    }));
    let found = c
        .search_users(&format!("{first} {last}"), 50)
        .await
        .unwrap();
    assert!(
        found.iter().any(|u| u.login == login),
        "by given and family name"
    );
    // A quote in the query stays inside the literal: no match, no filter error.
    assert!(
        c.search_users("x\" or username sw \"", 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        c.search_users("a", 3).await.unwrap().len(),
        3,
        "limit honoured"
    );
}

#[tokio::test]
async fn the_scan_follows_next_links_across_pages() {
    let sim = start(quiet_sim(250)).await;
    let c = client(&sim, fast_options());
    let mut page = UserScanPage::AllUsers;
    let mut ids = Vec::new();
    let mut pages = 0;
    loop {
        let got = c.scan_users(&page, "contractEndDate").await.unwrap();
        pages += 1;
        ids.extend(got.items.iter().map(|u| u.id.clone()));
        match got.next {
            Some(next) => page = UserScanPage::Next(next),
            None => break,
        }
    }
    assert!(pages >= 3, "{pages} pages");
    let unique: HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "no user twice");
    assert_eq!(ids.len(), sim.user_logins().len(), "every user once");
    let lists: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.path == env_path(&sim, "/users"))
        .collect();
    assert_eq!(lists.len(), pages);
    assert!(
        lists[1..]
            .iter()
            .all(|r| r.query.as_deref().unwrap().contains("cursor=")),
        "later pages are the next links"
    );
}

#[tokio::test]
async fn the_scan_reads_password_ages_so_expiry_can_be_computed() {
    let sim = start(quiet_sim(120)).await;
    let c = client(&sim, fast_options());
    let policies = c.password_policies().await.unwrap();
    assert_eq!(policies.len(), 1, "{policies:?}");
    let policy = &policies[0];
    assert!(policy.system && policy.active && policy.include_groups.is_empty());
    let page = c
        .scan_users(&UserScanPage::AllUsers, "contractEndDate")
        .await
        .unwrap();
    let with_age = page
        .items
        .iter()
        .filter(|u| u.password_changed.is_some() && u.credential_provider.is_none())
        .count();
    assert!(
        with_age > page.items.len() / 2,
        "{with_age} of {}",
        page.items.len()
    );
    assert!(
        page.items
            .iter()
            .any(|u| u.status == UserStatus::PasswordExpired)
    );
    // Changed since now: nobody.
    let none = c
        .scan_users(
            &UserScanPage::ChangedSince(Utc::now() + chrono::Duration::seconds(1)),
            "contractEndDate",
        )
        .await
        .unwrap();
    assert!(none.items.is_empty() && none.next.is_none());
}

#[tokio::test]
async fn groups_and_their_members_agree() {
    let sim = start(quiet_sim(80)).await;
    let c = client(&sim, fast_options());
    let mut checked = 0;
    for login in sim.user_logins().iter().take(20) {
        let user = c.get_user(login).await.unwrap();
        for group in c.group_ids(&user.id).await.unwrap() {
            let mut members = Vec::new();
            let mut next = None;
            loop {
                let page = c.group_member_ids(&group, next.as_ref()).await.unwrap();
                members.extend(page.items);
                match page.next {
                    Some(n) => next = Some(n),
                    None => break,
                }
            }
            assert!(members.contains(&user.id), "{login} is in {group}");
            checked += 1;
        }
    }
    assert!(checked > 0);
    let all = c
        .groups_with_membership_changed_since(Utc::now())
        .await
        .unwrap();
    assert!(!all.is_empty(), "every group, since PingOne cannot tell");
}

#[tokio::test]
async fn a_403_names_the_identity_data_admin_role_and_is_not_retried() {
    let sim = start(quiet_sim(10)).await;
    let c = client(&sim, fast_options());
    let login = sim.user_logins()[0].clone();
    let user = c.get_user(&login).await.unwrap();
    let devices = env_path(&sim, &format!("/users/{}/devices", user.id));
    sim.inject_fault(fault(FaultKind::Status { status: 403 }, 5, &devices));
    let err = c.list_factors(&user.id).await.unwrap_err();
    assert_eq!(err.status(), Some(403), "{err:?}");
    assert!(
        err.hint_for(Provider::PingOne)
            .contains("Identity Data Admin")
    );
    assert_eq!(count_requests(&sim, "/devices"), 1);
}

#[tokio::test]
async fn one_refused_call_is_retried_with_a_new_token_a_second_is_reported() {
    let sim = start(quiet_sim(10)).await;
    let c = client(&sim, fast_options());
    let login = sim.user_logins()[0].clone();
    let user = c.get_user(&login).await.unwrap();
    let password = env_path(&sim, &format!("/users/{}/password", user.id));
    sim.inject_fault(fault(FaultKind::Status { status: 401 }, 1, &password));
    c.get_user(&user.id)
        .await
        .expect("a single 401 is absorbed");
    assert_eq!(c.tokens_fetched().await, 2);
    sim.inject_fault(fault(FaultKind::Status { status: 401 }, 5, &password));
    let err = c.get_user(&user.id).await.unwrap_err();
    assert_eq!(err.status(), Some(401), "{err:?}");
    assert_eq!(c.tokens_fetched().await, 3, "one renewal per call, no loop");
}

#[tokio::test]
async fn a_429_waits_out_retry_after_then_succeeds() {
    let mut config = quiet_sim(10);
    config.rate_limits.default = 3;
    config.rate_limit_window = Duration::from_secs(2);
    let sim = start(config).await;
    let c = client(&sim, fast_options());
    let login = sim.user_logins()[0].clone();
    let id = c.get_user(&login).await.unwrap().id; // 2 requests
    c.get_user(&id).await.expect("waited for the window"); // 1 + 429 + retry
    let users = count_requests(&sim, "/users");
    assert_eq!(users, 5, "one 429 and one retry");
}

#[tokio::test]
async fn a_429_with_a_distant_retry_after_is_reported() {
    let mut config = quiet_sim(10);
    config.rate_limits.default = 1;
    config.rate_limit_window = Duration::from_secs(600);
    let sim = start(config).await;
    let c = client(&sim, fast_options());
    let err = c.get_user(&sim.user_logins()[0]).await.unwrap_err();
    assert!(
        matches!(
            err,
            IdpError::RateLimited {
                reset_in_secs: 500..=601,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.request_id().is_some(),
        "the Correlation-Id is the request id"
    );
}

#[tokio::test]
async fn server_errors_are_retried_and_persistent_ones_reported() {
    let sim = start(quiet_sim(10)).await;
    let c = client(&sim, fast_options());
    let users = env_path(&sim, "/users");
    sim.inject_fault(fault(FaultKind::Status { status: 500 }, 2, &users));
    let login = sim.user_logins()[1].clone();
    assert_eq!(c.get_user(&login).await.unwrap().login, login);
    assert_eq!(
        count_requests(&sim, "/users"),
        4,
        "two 500s, the lookup, the password"
    );

    sim.inject_fault(fault(FaultKind::Status { status: 503 }, 50, &users));
    let before = count_requests(&sim, "/users");
    let err = c.get_user(&login).await.unwrap_err();
    assert_eq!(err.status(), Some(503), "{err:?}");
    assert!(err.hint_for(Provider::PingOne).contains("PingOne"));
    assert_eq!(
        count_requests(&sim, "/users") - before,
        1 + fast_options().max_retries
    );
}

#[tokio::test]
async fn a_malformed_body_is_reported_not_retried() {
    let sim = start(quiet_sim(10)).await;
    let c = client(&sim, fast_options());
    sim.inject_fault(fault(FaultKind::Garbage, 1, &env_path(&sim, "/users")));
    let err = c.get_user(&sim.user_logins()[1]).await.unwrap_err();
    assert!(
        matches!(&err, IdpError::UnexpectedBody { status: 200, snippet, .. } if snippet.contains("JSON")),
        "{err:?}"
    );
    assert!(
        err.hint_for(Provider::PingOne)
            .contains("PINGONE_REGION_CODE")
    );
    assert_eq!(count_requests(&sim, "/users"), 1);
    c.get_user(&sim.user_logins()[1]).await.unwrap();
}

#[tokio::test]
async fn an_html_error_page_is_described() {
    let sim = start(quiet_sim(10)).await;
    let c = client(&sim, fast_options());
    sim.inject_fault(fault(
        FaultKind::Html { status: 502 },
        50,
        &env_path(&sim, "/users"),
    ));
    let err = c.get_user(&sim.user_logins()[1]).await.unwrap_err();
    assert!(
        matches!(&err, IdpError::UnexpectedBody { status: 502, snippet, .. } if snippet.starts_with("HTML page titled")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_dropped_connection_is_retried() {
    let sim = start(quiet_sim(10)).await;
    let c = client(&sim, fast_options());
    sim.inject_fault(fault(FaultKind::Drop, 1, &env_path(&sim, "/users")));
    let login = sim.user_logins()[2].clone();
    assert_eq!(c.get_user(&login).await.unwrap().login, login);
}

/// A `Verified` for `action` on `login`, obtained the only way there is: through the gate.
async fn verified(c: &PingOneClient, login: &str, action: Action) -> Verified {
    use accessdesk::policy::gate::{
        self, Attestation, EvidenceKind, GatePolicy, PossessionEvidence, Target,
    };
    let user = c.get_user(login).await.unwrap();
    let policy = GatePolicy::default();
    let attestation = Attestation {
        confirmed: policy.checklist.iter().map(|i| i.id.clone()).collect(),
        ticket: "INC0012345".into(),
        ticket_lookup: None,
        note: None,
        evidence: vec![PossessionEvidence {
            kind: EvidenceKind::UserPush,
            for_user_id: user.id.clone(),
            approver_id: user.id.clone(),
            approver_login: user.login.clone(),
            factor_id: "device-test".into(),
            transaction_id: None,
            result: ChallengeResult::Success,
            at: Utc::now(),
        }],
    };
    gate::check(
        &policy,
        &Target::from(&user),
        &action,
        &attestation,
        Utc::now(),
    )
    .unwrap()
}

fn writes(sim: &SimHandle) -> Vec<String> {
    sim.requests()
        .into_iter()
        .filter(|r| r.method != "GET" && !r.path.ends_with("/as/token"))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

#[tokio::test]
async fn a_verified_unlock_unlocks_once() {
    let sim = start(quiet_sim(30)).await;
    let c = client(&sim, fast_options());
    let login = active_login(&sim, 3);
    sim.lock_user(&login).unwrap();
    assert_eq!(
        c.get_user(&login).await.unwrap().status,
        UserStatus::LockedOut
    );
    let v = verified(&c, &login, Action::Unlock).await;
    let receipt = c.perform(&v).await.unwrap();
    assert_eq!(receipt.request_ids.len(), 1, "the Correlation-Id");
    assert_eq!(c.get_user(&login).await.unwrap().status, UserStatus::Active);
    let user_id = v.target().user_id.clone();
    assert_eq!(
        writes(&sim),
        [format!(
            "POST {}",
            env_path(&sim, &format!("/users/{user_id}"))
        )]
    );

    // Not locked any more: PingOne's refusal, reported, not retried.
    let failure = c.perform(&v).await.unwrap_err();
    assert!(
        matches!(&failure.error, IdpError::Api { status: 400, code, .. } if code == "REQUEST_FAILED"),
        "{failure:?}"
    );
    assert!(failure.done.request_ids.is_empty());
    assert_eq!(writes(&sim).len(), 2);
}

#[tokio::test]
async fn a_password_reset_sends_a_recovery_code_and_nothing_secret_comes_back() {
    let sim = start(quiet_sim(30)).await;
    let c = client(&sim, fast_options());
    let login = active_login(&sim, 1);
    let v = verified(&c, &login, Action::ResetPassword).await;
    let receipt = c.perform(&v).await.unwrap();
    assert_eq!(receipt.request_ids.len(), 1);
    // PingOne has no RECOVERY state: the status is unchanged.
    assert_eq!(c.get_user(&login).await.unwrap().status, UserStatus::Active);
    let user_id = v.target().user_id.clone();
    assert_eq!(
        writes(&sim),
        [format!(
            "POST {}",
            env_path(&sim, &format!("/users/{user_id}/password"))
        )]
    );
}

#[tokio::test]
async fn resetting_chosen_devices_removes_exactly_those() {
    let sim = start(quiet_sim(80)).await;
    let c = client(&sim, fast_options());
    let mut target = None;
    for login in sim.user_logins() {
        let user = c.get_user(&login).await.unwrap();
        let factors = c.list_factors(&user.id).await.unwrap();
        if factors.len() >= 2 {
            target = Some((login, user, factors));
            break;
        }
    }
    let (login, user, factors) = target.expect("a user with two devices");
    assert!(factors.iter().all(|f| f.provider == "PINGONE"));
    // All but the last.
    let keep = factors.len() - 1;
    let chosen: Vec<String> = factors.iter().take(keep).map(|f| f.id.clone()).collect();
    let v = verified(
        &c,
        &login,
        Action::ResetFactors {
            factor_ids: chosen.clone(),
        },
    )
    .await;
    let receipt = c.perform(&v).await.unwrap();
    assert_eq!(receipt.request_ids.len(), keep);
    let left: Vec<String> = c
        .list_factors(&user.id)
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.id)
        .collect();
    let expected: Vec<String> = factors.iter().skip(keep).map(|f| f.id.clone()).collect();
    assert_eq!(left, expected, "exactly the chosen ones are gone");

    // Deleting them again: the first is already gone, nothing is done.
    let failure = c.perform(&v).await.unwrap_err();
    assert_eq!(failure.error.status(), Some(404), "{failure:?}");
    assert!(failure.done.request_ids.is_empty());
}

#[tokio::test]
async fn resetting_all_devices_deletes_each_and_reports_partial_progress() {
    let sim = start(quiet_sim(80)).await;
    let c = client(&sim, fast_options());
    let mut target = None;
    for login in sim.user_logins() {
        let user = c.get_user(&login).await.unwrap();
        let n = c.list_factors(&user.id).await.unwrap().len();
        if n >= 2 {
            target = Some((login, user, n));
            break;
        }
    }
    let (login, user, n) = target.expect("a user with two devices");
    let factors = c.list_factors(&user.id).await.unwrap();
    // The second deletion fails: the first is reported done.
    let second = env_path(
        &sim,
        &format!("/users/{}/devices/{}", user.id, factors[1].id),
    );
    sim.inject_fault(fault(FaultKind::Status { status: 500 }, 1, &second));
    let v = verified(&c, &login, Action::ResetAllFactors).await;
    let failure = c.perform(&v).await.unwrap_err();
    assert_eq!(failure.error.status(), Some(500));
    assert_eq!(failure.done.request_ids.len(), 1, "{failure:?}");
    assert_eq!(c.list_factors(&user.id).await.unwrap().len(), n - 1);
    // Again, without the fault: everything left goes.
    let receipt = c.perform(&v).await.unwrap();
    assert_eq!(receipt.request_ids.len(), n - 1);
    assert!(c.list_factors(&user.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn read_only_mode_sends_no_write_at_all() {
    let sim = start(quiet_sim(30)).await;
    let login = active_login(&sim, 4);
    sim.lock_user(&login).unwrap();
    let c = client(
        &sim,
        ClientOptions {
            read_only: true,
            ..fast_options()
        },
    );
    for action in [
        Action::Unlock,
        Action::ResetPassword,
        Action::ResetAllFactors,
        Action::ResetFactors {
            factor_ids: vec!["d1".into()],
        },
    ] {
        let v = verified(&c, &login, action).await;
        assert!(matches!(
            c.perform(&v).await.unwrap_err().error,
            IdpError::ReadOnly
        ));
    }
    let user = c.get_user(&login).await.unwrap();
    assert!(matches!(
        c.send_push(&user.id, "d1").await,
        Err(IdpError::ReadOnly)
    ));
    assert!(matches!(
        c.send_code(&user.id, "d1").await,
        Err(IdpError::ReadOnly)
    ));
    assert!(
        writes(&sim).is_empty(),
        "nothing but GETs (and the token) reached PingOne"
    );
    assert_eq!(user.status, UserStatus::LockedOut);
}

#[tokio::test]
async fn devices_are_listed_as_factors_with_contacts_masked() {
    let sim = start(quiet_sim(60)).await;
    let c = client(&sim, fast_options());
    let mut kinds = HashSet::new();
    for login in sim.user_logins().iter().take(40) {
        let user = c.get_user(login).await.unwrap();
        for f in c.list_factors(&user.id).await.unwrap() {
            kinds.insert(f.kind);
            if matches!(f.kind, FactorKind::Sms | FactorKind::Email) {
                let contact = f.contact.clone().expect("a masked contact");
                assert!(contact.contains('•'), "{contact}");
            }
        }
    }
    assert!(kinds.contains(&FactorKind::Push), "{kinds:?}");
    assert!(kinds.contains(&FactorKind::Sms), "{kinds:?}");
}

#[tokio::test]
async fn polling_returns_each_injected_lockout_exactly_once() {
    let sim = start(quiet_sim(60)).await;
    let options = ClientOptions {
        log_page_limit: 2,
        ..fast_options()
    };
    let c = client(&sim, options);
    let mut cursor = FeedCursor::since(Utc::now() - chrono::Duration::seconds(5));
    let logins = sim.user_logins();
    let mut candidates = logins
        .iter()
        .filter(|l| sim.user_json(l).unwrap()["status"] == "ACTIVE");
    let mut injected = Vec::new();
    let mut seen = Vec::new();
    for round in 0..12 {
        // 0..=2 lockouts between polls, so pages fill, split and run empty.
        for _ in 0..(round % 3) {
            let login = candidates.next().expect("enough ACTIVE users");
            injected.push(sim.lock_user(login).unwrap().uuid);
        }
        loop {
            let page = c.poll_lockouts(&mut cursor).await.unwrap();
            seen.extend(page.lockouts.iter().map(|l| l.uuid.clone()));
            if !page.more {
                break;
            }
        }
    }
    for _ in 0..3 {
        let page = c.poll_lockouts(&mut cursor).await.unwrap();
        assert!(page.lockouts.is_empty(), "{:?}", page.lockouts);
    }
    assert_eq!(
        seen, injected,
        "every injected lockout once, in order, nothing else"
    );
    assert!(injected.len() >= 10);

    let activities: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.path == env_path(&sim, "/activities"))
        .collect();
    let first = activities[0].query.clone().unwrap();
    let first = url::form_urlencoded::parse(first.as_bytes())
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    assert!(
        first.contains("filter=recordedat gt \"")
            && first.contains("action.type eq \"PASSWORD.CHECK_FAILED\"")
            && first.contains("limit=2"),
        "{first}"
    );
    assert!(
        activities
            .iter()
            .any(|r| r.query.as_deref().unwrap().contains("cursor=")),
        "split pages are followed through their next links"
    );
}

#[tokio::test]
async fn lockout_fields_come_from_the_user_and_the_locking_failure() {
    let sim = start(quiet_sim(30)).await;
    let c = client(&sim, fast_options());
    let mut cursor = FeedCursor::since(Utc::now() - chrono::Duration::seconds(5));
    let login = active_login(&sim, 5);
    let injected = sim.lock_user(&login).unwrap();
    let page = c.poll_lockouts(&mut cursor).await.unwrap();
    assert_eq!(page.lockouts.len(), 1, "{:?}", page.lockouts);
    let l = &page.lockouts[0];
    assert_eq!(l.uuid, injected.uuid);
    assert_eq!(l.published, injected.published);
    assert_eq!(l.user_id.as_deref(), Some(injected.user_id.as_str()));
    assert_eq!(l.login, login);
    assert_eq!(l.event_type, "PASSWORD.CHECK_FAILED");
    assert!(l.reason.contains("locked"), "{}", l.reason);
    assert!(l.request_id.is_some(), "the activity's correlationId");
    assert!(l.display_name.is_some());
}

#[tokio::test]
async fn recent_activity_is_newest_first_and_names_what_happened() {
    let sim = start(quiet_sim(30)).await;
    let c = client(&sim, fast_options());
    let login = active_login(&sim, 6);
    sim.lock_user(&login).unwrap();
    let v = verified(&c, &login, Action::Unlock).await;
    c.perform(&v).await.unwrap();
    let user_id = v.target().user_id.clone();
    let events = c
        .recent_activity(&user_id, Utc::now() - chrono::Duration::days(30))
        .await
        .unwrap();
    assert!(
        events.windows(2).all(|w| w[0].published >= w[1].published),
        "newest first"
    );
    let kinds: Vec<ActivityKind> = events.iter().map(|e| e.kind).collect();
    assert_eq!(kinds.first(), Some(&ActivityKind::AdminUnlock), "{kinds:?}");
    assert!(kinds.contains(&ActivityKind::Lockout), "{kinds:?}");
    let query = sim
        .requests()
        .into_iter()
        .rfind(|r| r.path == env_path(&sim, "/activities"))
        .unwrap()
        .query
        .unwrap();
    assert!(query.contains("resources.id"), "{query}");
}

/// A user with an ACTIVE device of `kind`, and that device's id.
async fn user_with(
    sim: &SimHandle,
    c: &PingOneClient,
    kind: FactorKind,
) -> (String, String, String) {
    for login in sim.user_logins() {
        if sim.user_json(&login).unwrap()["status"] != "ACTIVE" {
            continue;
        }
        let user = c.get_user(&login).await.unwrap();
        if let Some(f) = c
            .list_factors(&user.id)
            .await
            .unwrap()
            .into_iter()
            .find(|f| f.kind == kind && f.is_active())
        {
            return (login, user.id, f.id);
        }
    }
    panic!("no ACTIVE user with an ACTIVE {kind:?} device");
}

async fn push_outcome(c: &PingOneClient, user_id: &str, device_id: &str) -> ChallengeResult {
    let challenge = c.send_push(user_id, device_id).await.unwrap();
    assert!(challenge.poll_url.contains("/deviceAuthentications/"));
    assert!(challenge.request_id.is_some());
    for _ in 0..400 {
        let result = c.poll_push(&challenge).await.unwrap();
        if result.is_final() {
            return result;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the push never ended");
}

#[tokio::test]
async fn a_push_is_approved_or_denied_as_the_user_answers() {
    let mut config = quiet_sim(60);
    config.push_delay = Some(Duration::from_millis(50));
    let sim = start(config).await;
    let c = client(&sim, fast_options());
    let (login, user_id, device_id) = user_with(&sim, &c, FactorKind::Push).await;
    sim.set_push_behaviour(&login, PushBehaviour::Approve)
        .unwrap();
    assert_eq!(
        push_outcome(&c, &user_id, &device_id).await,
        ChallengeResult::Success
    );
    sim.set_push_behaviour(&login, PushBehaviour::Reject)
        .unwrap();
    assert_eq!(
        push_outcome(&c, &user_id, &device_id).await,
        ChallengeResult::Rejected
    );

    // A withdrawn push reads CANCELED.
    sim.set_push_behaviour(&login, PushBehaviour::NoAnswer)
        .unwrap();
    let challenge = c.send_push(&user_id, &device_id).await.unwrap();
    c.cancel_push(&challenge).await.unwrap();
    assert_eq!(
        c.poll_push(&challenge).await.unwrap(),
        ChallengeResult::Other("CANCELED".into())
    );
}

#[tokio::test]
async fn a_sent_code_is_checked_wrong_then_right() {
    let sim = start(quiet_sim(60)).await;
    let c = client(&sim, fast_options());
    let (login, user_id, device_id) = user_with(&sim, &c, FactorKind::Sms).await;
    assert_eq!(
        c.send_code(&user_id, &device_id).await.unwrap(),
        ChallengeResult::Waiting
    );
    let code = sim.last_code(&login, &device_id).expect("a code was sent");
    let wrong: String = code
        .chars()
        .map(|ch| if ch == '0' { '1' } else { '0' })
        .collect();
    let check = |code: String| {
        let c = &c;
        let (user_id, device_id) = (user_id.clone(), device_id.clone());
        async move {
            c.check_code(&user_id, &device_id, &SecretString::from(code))
                .await
                .unwrap()
        }
    };
    assert_eq!(check(wrong).await, ChallengeResult::Failed);
    assert_eq!(check(code.clone()).await, ChallengeResult::Success);
    let text = format!("{:?}", sim.requests());
    assert!(!text.contains(&code), "the code is in no URL");
}

#[tokio::test]
async fn an_authenticator_code_is_checked_without_sending_anything() {
    let sim = start(quiet_sim(60)).await;
    let c = client(&sim, fast_options());
    let (login, user_id, device_id) = user_with(&sim, &c, FactorKind::Totp).await;
    let code = sim
        .last_code(&login, &device_id)
        .expect("the app's current code");
    let result = c
        .check_code(&user_id, &device_id, &SecretString::from(code))
        .await
        .unwrap();
    assert_eq!(result, ChallengeResult::Success);
}

#[tokio::test]
async fn after_three_wrong_codes_a_new_authentication_is_started() {
    let sim = start(quiet_sim(60)).await;
    let c = client(&sim, fast_options());
    let (login, user_id, device_id) = user_with(&sim, &c, FactorKind::Totp).await;
    let check = async |code: &str| {
        let code = SecretString::from(code.to_string());
        c.check_code(&user_id, &device_id, &code).await.unwrap()
    };
    for _ in 0..3 {
        assert_eq!(check("000000x").await, ChallengeResult::Failed);
    }
    let code = sim.last_code(&login, &device_id).unwrap();
    assert_eq!(check(&code).await, ChallengeResult::Success);
    let started = sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/deviceAuthentications"))
        .count();
    assert_eq!(started, 2, "the spent authentication was replaced once");
}

#[tokio::test]
async fn the_incremental_scan_finds_a_user_whose_password_changed() {
    let sim = start(quiet_sim(40)).await;
    let c = client(&sim, fast_options());
    let since = Utc::now() - chrono::Duration::seconds(1);
    let login = active_login(&sim, 3);
    sim.change_password(&login).unwrap();
    let page = c
        .scan_users(&UserScanPage::ChangedSince(since), "contractEndDate")
        .await
        .unwrap();
    let logins: Vec<_> = page.items.iter().map(|u| u.login.clone()).collect();
    assert_eq!(logins, [login]);
    assert!(page.items[0].password_changed.unwrap() >= since);
}
