//! The Okta client against the simulator, over real HTTP on 127.0.0.1.

use std::collections::HashSet;
use std::time::Duration;

use accessdesk::idp::okta::{ClientOptions, OktaClient};
use accessdesk::idp::{Directory, FeedCursor, IdpError, NetworkCause, Provider};
use accessdesk::model::{Action, ChallengeResult, LockoutKind, UserStatus};
use accessdesk::policy::gate::Verified;
use accessdesk::sim::{self, Fault, FaultKind, SimConfig, SimHandle};
use chrono::Utc;
use secrecy::SecretString;

const TOKEN: &str = "test-token-0123456789";

fn quiet_sim(users: usize) -> SimConfig {
    let mut c = SimConfig::new(TOKEN);
    c.users = users;
    c.lockouts_per_minute = 0.0;
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

fn client(sim: &SimHandle, token: &str, options: ClientOptions) -> OktaClient {
    OktaClient::new(
        url::Url::parse(&sim.base_url()).unwrap(),
        SecretString::from(token.to_string()),
        options,
    )
    .unwrap()
}

fn count_requests(sim: &SimHandle, path_prefix: &str) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.path.starts_with(path_prefix))
        .count()
}

fn fault(kind: FaultKind, count: u32, path_prefix: &str) -> Fault {
    Fault {
        kind,
        count,
        path_prefix: Some(path_prefix.to_string()),
    }
}

#[tokio::test]
async fn search_follows_next_links_across_pages() {
    let sim = start(quiet_sim(120)).await;
    let c = client(&sim, TOKEN, fast_options());
    let users = c
        .search_expression("status eq \"ACTIVE\"", 25, 10_000)
        .await
        .unwrap();
    let expected = sim
        .user_logins()
        .iter()
        .filter(|l| sim.user_json(l).unwrap()["status"] == "ACTIVE")
        .count();
    assert_eq!(users.len(), expected, "every ACTIVE user, once");
    let unique: HashSet<_> = users.iter().map(|u| u.id.clone()).collect();
    assert_eq!(unique.len(), users.len(), "no user twice across pages");
    assert!(users.iter().all(|u| u.status == UserStatus::Active));
    let pages = count_requests(&sim, "/api/v1/users");
    assert!(pages >= 3, "expected at least 3 pages, got {pages}");
}

#[tokio::test]
async fn find_users_by_name_login_and_email_prefix() {
    let sim = start(quiet_sim(60)).await;
    let c = client(&sim, TOKEN, fast_options());
    let login = sim.user_logins()[7].clone();
    let user = sim.user_json(&login).unwrap();
    let first = user["profile"]["firstName"].as_str().unwrap().to_string();
    let last = user["profile"]["lastName"].as_str().unwrap().to_string();

    let by_login = c
        .search_users(&login[..login.find('@').unwrap()], 50)
        .await
        .unwrap();
    assert!(by_login.iter().any(|u| u.login == login));
    let by_name = c
        .search_users(&format!("{} {}", &first[..3], &last[..3]), 50)
        .await
        .unwrap();
    assert!(by_name.iter().any(|u| u.login == login), "{first} {last}");
    assert!(by_name.iter().all(|u| {
        u.first_name
            .as_deref()
            .unwrap()
            .to_lowercase()
            .starts_with(&first[..3].to_lowercase())
    }));
    let fetched = c.get_user(&login).await.unwrap();
    assert_eq!(fetched.login, login);
    assert_eq!(c.get_user(&fetched.id).await.unwrap(), fetched);
}

#[tokio::test]
async fn unknown_user_is_a_404_with_okta_error_code() {
    let sim = start(quiet_sim(20)).await;
    let c = client(&sim, TOKEN, fast_options());
    match c.get_user("nobody@example.com").await.unwrap_err() {
        IdpError::Api {
            status,
            code,
            request_id,
            ..
        } => {
            assert_eq!((status, code.as_str()), (404, "E0000007"));
            assert!(request_id.is_some(), "X-Okta-Request-Id captured");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_wrong_token_is_a_401_and_is_not_retried() {
    let sim = start(quiet_sim(20)).await;
    let c = client(&sim, "wrong-token", fast_options());
    let err = c.get_user(&sim.user_logins()[0]).await.unwrap_err();
    assert!(
        matches!(&err, IdpError::Api { status: 401, code, .. } if code == "E0000011"),
        "{err:?}"
    );
    assert!(err.hint_for(Provider::Okta).contains("OKTA_CLIENT_TOKEN"));
    assert!(!err.to_string().contains("wrong-token"));
    assert_eq!(count_requests(&sim, "/api/v1/users"), 1);
}

#[tokio::test]
async fn a_429_waits_for_the_window_to_reset_then_succeeds() {
    let mut config = quiet_sim(20);
    config.rate_limits.user_get = 2;
    config.rate_limit_window = Duration::from_secs(2);
    let sim = start(config).await;
    let c = client(&sim, TOKEN, fast_options());
    let login = sim.user_logins()[0].clone();
    c.get_user(&login).await.unwrap();
    c.get_user(&login).await.unwrap();
    let rl = c.rate_limit("user").expect("rate-limit headers read");
    assert_eq!((rl.limit, rl.remaining), (2, 0));
    // The third call is refused with 429, waits for the reset and then succeeds.
    let user = c.get_user(&login).await.unwrap();
    assert_eq!(user.login, login);
    assert_eq!(
        count_requests(&sim, "/api/v1/users"),
        4,
        "one 429 and one retry"
    );
    assert!(c.rate_limit("user").unwrap().remaining < 2);
}

#[tokio::test]
async fn a_429_with_a_distant_reset_is_reported_not_waited_out() {
    let mut config = quiet_sim(20);
    config.rate_limits.user_get = 1;
    config.rate_limit_window = Duration::from_secs(600);
    let sim = start(config).await;
    let c = client(&sim, TOKEN, fast_options());
    let login = sim.user_logins()[0].clone();
    c.get_user(&login).await.unwrap();
    let err = c.get_user(&login).await.unwrap_err();
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
    assert_eq!(count_requests(&sim, "/api/v1/users"), 2);
}

#[tokio::test]
async fn server_errors_are_retried_until_success() {
    let sim = start(quiet_sim(20)).await;
    let c = client(&sim, TOKEN, fast_options());
    sim.inject_fault(fault(FaultKind::Status { status: 500 }, 2, "/api/v1/users"));
    let login = sim.user_logins()[1].clone();
    assert_eq!(c.get_user(&login).await.unwrap().login, login);
    assert_eq!(count_requests(&sim, "/api/v1/users"), 3);
}

#[tokio::test]
async fn persistent_server_errors_give_up_with_the_okta_error() {
    let sim = start(quiet_sim(20)).await;
    let c = client(&sim, TOKEN, fast_options());
    sim.inject_fault(fault(
        FaultKind::Status { status: 503 },
        50,
        "/api/v1/users",
    ));
    let err = c.get_user(&sim.user_logins()[1]).await.unwrap_err();
    assert_eq!(err.status(), Some(503), "{err:?}");
    assert_eq!(
        count_requests(&sim, "/api/v1/users"),
        1 + fast_options().max_retries
    );
}

#[tokio::test]
async fn an_html_error_page_is_described() {
    let sim = start(quiet_sim(20)).await;
    let c = client(&sim, TOKEN, fast_options());
    sim.inject_fault(fault(FaultKind::Html { status: 502 }, 50, "/api/v1/users"));
    let err = c.get_user(&sim.user_logins()[1]).await.unwrap_err();
    match &err {
        IdpError::UnexpectedBody {
            status,
            content_type,
            snippet,
            ..
        } => {
            assert_eq!(*status, 502);
            assert!(content_type.contains("text/html"), "{content_type}");
            assert!(snippet.starts_with("HTML page titled"), "{snippet}");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.hint_for(Provider::Okta).contains("OKTA_CLIENT_ORGURL"));
}

#[tokio::test]
async fn malformed_json_is_reported_not_retried() {
    let sim = start(quiet_sim(20)).await;
    let c = client(&sim, TOKEN, fast_options());
    sim.inject_fault(fault(FaultKind::Garbage, 1, "/api/v1/users"));
    let err = c.get_user(&sim.user_logins()[1]).await.unwrap_err();
    assert!(
        matches!(&err, IdpError::UnexpectedBody { status: 200, snippet, .. } if snippet.contains("JSON")),
        "{err:?}"
    );
    assert_eq!(count_requests(&sim, "/api/v1/users"), 1);
    // The next request is fine again.
    c.get_user(&sim.user_logins()[1]).await.unwrap();
}

#[tokio::test]
async fn a_dropped_connection_is_retried() {
    let sim = start(quiet_sim(20)).await;
    let c = client(&sim, TOKEN, fast_options());
    sim.inject_fault(fault(FaultKind::Drop, 1, "/api/v1/users"));
    let login = sim.user_logins()[2].clone();
    assert_eq!(c.get_user(&login).await.unwrap().login, login);
}

#[tokio::test]
async fn a_closed_port_is_connection_refused_naming_the_url() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let c = OktaClient::new(
        url::Url::parse(&format!("http://{addr}")).unwrap(),
        SecretString::from(TOKEN.to_string()),
        fast_options(),
    )
    .unwrap();
    let err = c.get_user("a@example.com").await.unwrap_err();
    let IdpError::Network { url, cause, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(*cause, NetworkCause::Refused, "{err}");
    assert_eq!(url, &format!("http://{addr}/api/v1/users/a@example.com"));
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("cannot reach http://{addr}/api/v1/users/")),
        "{text}"
    );
    assert!(text.contains("connection refused"), "{text}");
    assert!(
        err.hint_for(Provider::Okta).contains("port"),
        "{}",
        err.hint_for(Provider::Okta)
    );
    assert!(err.is_transient());
}

#[tokio::test]
async fn a_server_that_never_answers_is_a_timeout_naming_the_url() {
    // Accepts connections and reads nothing back: the request times out.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket);
        }
    });
    let c = OktaClient::new(
        url::Url::parse(&format!("http://{addr}")).unwrap(),
        SecretString::from(TOKEN.to_string()),
        ClientOptions {
            request_timeout: Duration::from_millis(300),
            max_retries: 0,
            ..fast_options()
        },
    )
    .unwrap();
    let err = c.fetch_factors("00u1").await.unwrap_err();
    let IdpError::Network { url, cause, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(*cause, NetworkCause::Timeout, "{err}");
    assert!(url.ends_with("/api/v1/users/00u1/factors"), "{url}");
    assert!(err.to_string().contains("timed out"), "{err}");
    assert!(
        err.hint_for(Provider::Okta)
            .contains("http.request_timeout_secs")
    );
    held.abort();
}

#[tokio::test]
async fn a_host_that_does_not_resolve_is_a_dns_failure() {
    // `.invalid` never resolves (RFC 6761), so no lookup leaves the machine with an answer.
    let c = OktaClient::new(
        url::Url::parse("https://accessdesk-test.invalid").unwrap(),
        SecretString::from(TOKEN.to_string()),
        ClientOptions {
            max_retries: 0,
            ..fast_options()
        },
    )
    .unwrap();
    let err = c.get_user("a@example.com").await.unwrap_err();
    assert!(
        matches!(&err, IdpError::Network { cause: NetworkCause::Dns, url, .. } if url.starts_with("https://accessdesk-test.invalid/")),
        "{err:?}"
    );
    assert!(err.hint_for(Provider::Okta).contains("DNS"));
}

#[tokio::test]
async fn tls_to_a_plain_http_server_is_a_tls_failure() {
    // A loopback listener that answers TLS's hello with plain HTTP.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        while let Ok((mut socket, _)) = listener.accept().await {
            let _ = socket
                .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
                .await;
        }
    });
    let c = OktaClient::new(
        url::Url::parse(&format!("https://{addr}")).unwrap(),
        SecretString::from(TOKEN.to_string()),
        ClientOptions {
            max_retries: 0,
            ..fast_options()
        },
    )
    .unwrap();
    let err = c.get_user("a@example.com").await.unwrap_err();
    assert!(
        matches!(
            &err,
            IdpError::Network {
                cause: NetworkCause::Tls,
                ..
            }
        ),
        "{err:?}"
    );
    server.abort();
}

#[tokio::test]
async fn polling_returns_each_injected_lockout_exactly_once() {
    let sim = start(quiet_sim(60)).await;
    let options = ClientOptions {
        log_page_limit: 2,
        ..fast_options()
    };
    let c = client(&sim, TOKEN, options);
    let mut cursor = FeedCursor::since(Utc::now() - chrono::Duration::seconds(5));
    let logins = sim.user_logins();
    let mut injected = Vec::new();
    let mut seen = Vec::new();
    for round in 0..12 {
        // Inject 0..=2 lockouts between polls, so pages fill, split and run empty.
        for i in 0..(round % 3) {
            let login = &logins[(round * 3 + i) % logins.len()];
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
    // A few more empty polls change nothing.
    for _ in 0..3 {
        assert!(
            c.poll_lockouts(&mut cursor)
                .await
                .unwrap()
                .lockouts
                .is_empty()
        );
    }
    assert_eq!(
        seen, injected,
        "every injected lockout once, in order, nothing else"
    );
    assert!(injected.len() >= 10);

    // After the first request the client only ever followed `next` links verbatim.
    let logs: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v1/logs")
        .collect();
    let first = logs[0].query.clone().unwrap();
    assert!(
        first.contains("since=")
            && first.contains("sortOrder=ASCENDING")
            && first.contains("filter=")
            && first.contains("limit=2")
    );
    assert!(
        logs[1..]
            .iter()
            .all(|r| r.query.as_deref().unwrap().contains("after="))
    );
}

#[tokio::test]
async fn lockout_fields_come_through_from_the_event() {
    let sim = start(quiet_sim(30)).await;
    let c = client(&sim, TOKEN, fast_options());
    let mut cursor = FeedCursor::since(Utc::now() - chrono::Duration::seconds(5));
    let login = sim.user_logins()[3].clone();
    let injected = sim.lock_user(&login).unwrap();
    let page = c.poll_lockouts(&mut cursor).await.unwrap();
    assert_eq!(page.lockouts.len(), 1);
    let l = &page.lockouts[0];
    assert_eq!(l.uuid, injected.uuid);
    assert_eq!(l.published, injected.published);
    assert_eq!(l.login, login);
    assert_eq!(l.user_id.as_deref(), Some(injected.user_id.as_str()));
    assert!(
        l.ip.is_some() && l.location().is_some() && l.client().is_some() && l.request_id.is_some()
    );
    assert!(c.log_rate_limit().is_some());
    // The user really is locked now.
    assert_eq!(
        c.get_user(&login).await.unwrap().status,
        UserStatus::LockedOut
    );
}

#[tokio::test]
async fn a_lock_of_new_devices_only_decodes_as_such_and_the_user_stays_active() {
    let sim = start(quiet_sim(30)).await;
    let c = client(&sim, TOKEN, fast_options());
    let mut cursor = FeedCursor::since(Utc::now() - chrono::Duration::seconds(5));
    let login = sim.user_logins()[4].clone();
    let injected = sim.lock_user_new_devices(&login).unwrap();
    let page = c.poll_lockouts(&mut cursor).await.unwrap();
    assert_eq!(page.lockouts.len(), 1);
    let l = &page.lockouts[0];
    assert_eq!(l.uuid, injected.uuid);
    assert_eq!(l.kind, LockoutKind::LockedFromNewDevices);
    assert_eq!(l.event_type, "user.account.lock");
    assert_eq!(
        l.reason,
        "Account Locked from New Devices - Max sign-in attempts exceeded."
    );
    assert_eq!(c.get_user(&login).await.unwrap().status, UserStatus::Active);
}

#[tokio::test]
async fn seeded_history_has_locks_of_new_devices_among_ordinary_ones() {
    let mut config = quiet_sim(150);
    config.history = true;
    let sim = start(config).await;
    let c = client(
        &sim,
        TOKEN,
        ClientOptions {
            log_page_limit: 200,
            ..fast_options()
        },
    );
    let mut cursor = FeedCursor::since(Utc::now() - chrono::Duration::hours(3));
    let mut kinds = Vec::new();
    loop {
        let page = c.poll_lockouts(&mut cursor).await.unwrap();
        kinds.extend(page.lockouts.iter().map(|l| l.kind));
        if !page.more {
            break;
        }
    }
    let count = |k: LockoutKind| kinds.iter().filter(|&&x| x == k).count();
    let new_devices = count(LockoutKind::LockedFromNewDevices);
    let locked = count(LockoutKind::AccountLocked);
    assert!(
        new_devices > 0 && locked > new_devices * 3,
        "{new_devices} of {locked}"
    );
}

/// Every event in the simulator's log, unfiltered, read straight over HTTP (a bounded query).
async fn whole_log(sim: &SimHandle, since: chrono::DateTime<Utc>) -> Vec<serde_json::Value> {
    let http = reqwest::Client::new();
    let mut url = url::Url::parse(&format!("{}/api/v1/logs", sim.base_url())).unwrap();
    url.query_pairs_mut()
        .append_pair("since", &since.to_rfc3339())
        .append_pair("until", &Utc::now().to_rfc3339())
        .append_pair("limit", "1000");
    let mut events = Vec::new();
    let mut next = Some(url.to_string());
    while let Some(page) = next.take() {
        let resp = http
            .get(&page)
            .header("Authorization", format!("SSWS {TOKEN}"))
            .send()
            .await
            .unwrap();
        next = resp
            .headers()
            .get_all("link")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.contains("rel=\"next\""))
            .map(|v| v[v.find('<').unwrap() + 1..v.find('>').unwrap()].to_string());
        let body: Vec<serde_json::Value> = resp.json().await.unwrap();
        events.extend(body);
    }
    events
}

#[tokio::test]
async fn polling_a_busy_log_returns_exactly_its_lockout_events() {
    let mut config = quiet_sim(150);
    config.history = true;
    let sim = start(config).await;
    let since = Utc::now() - chrono::Duration::hours(3);
    let all = whole_log(&sim, since).await;
    let is_lockout = |e: &serde_json::Value| {
        e["eventType"] == "user.account.lock"
            || (e["eventType"] == "user.session.start" && e["outcome"]["reason"] == "LOCKED_OUT")
    };
    let expected: HashSet<String> = all
        .iter()
        .filter(|e| is_lockout(e))
        .map(|e| e["uuid"].as_str().unwrap().to_string())
        .collect();
    assert!(expected.len() > 50, "the history has lockouts");
    assert!(
        all.len() > expected.len() * 2,
        "and plenty of other events for the filter to drop"
    );

    let c = client(
        &sim,
        TOKEN,
        ClientOptions {
            log_page_limit: 100,
            ..fast_options()
        },
    );
    let mut cursor = FeedCursor::since(since);
    let mut seen = Vec::new();
    let mut polls = 0;
    loop {
        let page = c.poll_lockouts(&mut cursor).await.unwrap();
        polls += 1;
        seen.extend(page.lockouts.into_iter().map(|l| l.uuid));
        if !page.more {
            break;
        }
    }
    assert!(polls > 3, "the backlog spans several pages");
    let unique: HashSet<String> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), seen.len(), "no lockout twice");
    assert_eq!(unique, expected, "exactly the lockout events, nothing else");
}

/// The seeded history spells its events as real ones vary (zone `null` or `"null"`,
/// `transaction.detail` `null`, `{}` or an API token, fingerprints, registered devices, targets
/// or none), and the real client decodes every one of them: all of a user's events come
/// through as activity, and the raw page through the client's own decoder loses none.
#[tokio::test]
async fn the_varied_events_of_the_seeded_history_all_decode_through_the_client() {
    let mut config = quiet_sim(150);
    config.history = true;
    let sim = start(config).await;
    let since = Utc::now() - chrono::Duration::hours(3);
    let all = whole_log(&sim, since).await;
    let has = |f: &dyn Fn(&serde_json::Value) -> bool| all.iter().any(f);
    assert!(has(&|e| e["client"]["zone"].is_null()));
    assert!(has(&|e| e["client"]["zone"] == "null"));
    assert!(has(&|e| e["transaction"]["detail"].is_null()));
    assert!(has(&|e| e["transaction"]["detail"] == serde_json::json!({})));
    assert!(has(&|e| {
        e["debugContext"]["debugData"]["deviceFingerprint"].is_string()
    }));
    assert!(has(&|e| e["debugContext"]["debugData"]
        .get("deviceFingerprint")
        .is_none()));
    assert!(has(&|e| e["device"].is_object()));
    assert!(has(&|e| e["device"].is_null()));
    assert!(has(&|e| e["target"].is_array()));
    assert!(has(&|e| e["target"].is_null()));

    // The client's decoder keeps every event of the page.
    let page = serde_json::to_vec(&all).unwrap();
    let decoded = accessdesk::idp::okta::logs::decode_page(&page).unwrap();
    assert_eq!(decoded.len(), all.len());
    let fingerprints = all
        .iter()
        .filter(|e| e["debugContext"]["debugData"]["deviceFingerprint"].is_string())
        .count();
    assert_eq!(
        decoded
            .iter()
            .filter(|e| e.device_fingerprint().is_some())
            .count(),
        fingerprints
    );
    assert!(decoded.iter().all(|e| e.zone().is_none()));
    assert!(decoded.iter().any(|e| {
        e.device
            .as_ref()
            .is_some_and(|d| d.registered == Some(true))
    }));

    // Over HTTP: one user's whole history arrives as activity, every event of it.
    let c = client(&sim, TOKEN, fast_options());
    let user = all
        .iter()
        .filter(|e| e["device"].is_object())
        .find_map(|e| e["actor"]["id"].as_str())
        .unwrap()
        .to_string();
    let theirs: HashSet<&str> = all
        .iter()
        .filter(|e| {
            e["actor"]["id"] == user.as_str()
                || e["target"]
                    .as_array()
                    .is_some_and(|t| t.iter().any(|t| t["id"] == user.as_str()))
        })
        .filter_map(|e| e["uuid"].as_str())
        .collect();
    assert!(theirs.len() < accessdesk::idp::okta::logs::ACTIVITY_MAX);
    let activity = c.fetch_user_activity(&user, since).await.unwrap();
    let got: HashSet<&str> = activity.iter().map(|a| a.uuid.as_str()).collect();
    // Live traffic may add events after the raw read; none of the read ones is lost.
    assert!(
        theirs.is_subset(&got),
        "{} of {} decoded",
        got.len(),
        theirs.len()
    );
}

/// A `Verified` for `action` on `login`, obtained the only way there is: through the gate.
async fn verified(c: &OktaClient, login: &str, action: Action) -> Verified {
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
            factor_id: "opf-test".into(),
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
        .filter(|r| r.method != "GET")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

#[tokio::test]
async fn a_verified_unlock_unlocks_and_returns_the_request_id() {
    let sim = start(quiet_sim(30)).await;
    let c = client(&sim, TOKEN, fast_options());
    let login = sim.user_logins()[4].clone();
    sim.lock_user(&login).unwrap();
    let v = verified(&c, &login, Action::Unlock).await;
    let receipt = c.perform(&v).await.unwrap();
    assert_eq!(receipt.request_ids.len(), 1);
    assert_eq!(c.get_user(&login).await.unwrap().status, UserStatus::Active);
    let user_id = v.target().user_id.clone();
    assert_eq!(
        writes(&sim),
        [format!("POST /api/v1/users/{user_id}/lifecycle/unlock")]
    );

    // Unlocking again is the IdP's wrong-state error, reported, not retried.
    let failure = c.perform(&v).await.unwrap_err();
    assert!(
        matches!(&failure.error, IdpError::Api { status: 403, code, .. } if code == "E0000032"),
        "{failure:?}"
    );
    assert!(failure.done.request_ids.is_empty());
    assert_eq!(writes(&sim).len(), 2);
}

#[tokio::test]
async fn read_only_mode_sends_no_write_at_all() {
    let sim = start(quiet_sim(30)).await;
    let login = sim.user_logins()[4].clone();
    sim.lock_user(&login).unwrap();
    let c = client(
        &sim,
        TOKEN,
        ClientOptions {
            read_only: true,
            ..fast_options()
        },
    );
    let v = verified(&c, &login, Action::Unlock).await;
    let failure = c.perform(&v).await.unwrap_err();
    assert!(matches!(failure.error, IdpError::ReadOnly));
    let user = c.get_user(&login).await.unwrap();
    assert!(matches!(
        c.send_push(&user.id, "opf1").await,
        Err(IdpError::ReadOnly)
    ));
    assert!(writes(&sim).is_empty(), "nothing but GETs reached the IdP");
    assert_eq!(user.status, UserStatus::LockedOut);
}
