//! The simulator over real HTTP on 127.0.0.1: auth, headers, links, paging,
//! rate limits, faults, control endpoints and lifecycle.

use std::time::{Duration, Instant};

use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};

use crate::sim::{Fault, RateBudgets, SimConfig, SimHandle, start};

pub(crate) const TOKEN: &str = "sim-test-token";
const LOCKOUT: &str = r#"eventType eq "user.account.lock" or (eventType eq "user.session.start" and outcome.reason eq "LOCKED_OUT")"#;

pub(crate) fn quiet(users: usize) -> SimConfig {
    let mut c = SimConfig::new(TOKEN);
    c.users = users;
    c.lockouts_per_minute = 0.0;
    c.password_changes_per_hour = Some(0.0);
    c.history = false;
    c.control = true;
    c
}

pub(crate) async fn sim(config: SimConfig) -> SimHandle {
    start(config, ([127, 0, 0, 1], 0).into()).await.unwrap()
}

pub(crate) async fn get(url: &str) -> Response {
    Client::new()
        .get(url)
        .header("Authorization", format!("SSWS {TOKEN}"))
        .send()
        .await
        .unwrap()
}

fn links(r: &Response) -> Vec<String> {
    r.headers()
        .get_all("link")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

fn next_link(r: &Response) -> Option<String> {
    links(r).into_iter().find_map(|l| {
        l.strip_suffix(">; rel=\"next\"")
            .and_then(|u| u.strip_prefix('<'))
            .map(str::to_string)
    })
}

pub(crate) fn header(r: &Response, name: &str) -> String {
    r.headers()[name].to_str().unwrap().to_string()
}

#[tokio::test]
async fn missing_or_wrong_token_is_401_with_okta_headers() {
    let s = sim(quiet(10)).await;
    let refused = [
        None,
        Some("SSWS nope".to_string()),
        Some(format!("Bearer {TOKEN}")),
        Some(format!("SSWSx{TOKEN}")),
        Some(format!("SSWS {TOKEN}junk")),
        Some(format!("SSWS {TOKEN} junk")),
    ];
    let count = refused.len();
    for auth in refused {
        let mut req = Client::new().get(format!("{}/api/v1/users", s.base_url()));
        if let Some(a) = auth {
            req = req.header("Authorization", a);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(header(&r, "x-okta-request-id").len(), 27);
        assert_eq!(header(&r, "x-rate-limit-limit"), "600");
        assert_eq!(header(&r, "x-rate-limit-remaining"), "600");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["errorCode"], "E0000011");
        assert_eq!(body["errorLink"], "E0000011");
        assert_eq!(body["errorCauses"], json!([]));
        assert!(body["errorId"].as_str().unwrap().starts_with("oae"));
    }
    assert_eq!(s.requests().len(), count);
    s.shutdown().await;
}

#[tokio::test]
async fn ssws_without_the_space_is_accepted_as_okta_does() {
    // Okta's Python SDK 3.x sends `SSWS<token>`; any case of the scheme works.
    let s = sim(quiet(10)).await;
    for auth in [
        format!("SSWS{TOKEN}"),
        format!("ssws{TOKEN}"),
        format!("SSWS  {TOKEN}"),
    ] {
        let r = Client::new()
            .get(format!("{}/api/v1/users?limit=1", s.base_url()))
            .header("Authorization", &auth)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{auth:?}");
    }
    s.shutdown().await;
}

#[tokio::test]
async fn user_lists_page_through_separate_absolute_link_headers() {
    let s = sim(quiet(25)).await;
    let mut url = format!("{}/api/v1/users?limit=10", s.base_url());
    let mut ids = Vec::new();
    let mut pages = 0;
    loop {
        let r = get(&url).await;
        assert_eq!(r.status(), 200);
        let all = links(&r);
        assert!(
            all[0].starts_with(&format!("<{}/api/v1/users?", s.base_url()))
                && all[0].ends_with("rel=\"self\"")
        );
        let next = next_link(&r);
        let page: Vec<Value> = r.json().await.unwrap();
        ids.extend(page.iter().map(|u| u["id"].as_str().unwrap().to_string()));
        assert!(
            page.iter()
                .all(|u| u["_links"].as_object().unwrap().len() == 1),
            "collections only carry self"
        );
        pages += 1;
        match next {
            Some(n) => url = n,
            None => break,
        }
    }
    assert!(pages >= 2);
    let active: Vec<String> = s
        .user_logins()
        .iter()
        .filter_map(|l| s.user_json(l))
        .filter(|u| u["status"] != "DEPROVISIONED")
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, active);

    let r = get(&format!("{}/api/v1/users?q=a", s.base_url())).await;
    assert!(next_link(&r).is_none(), "q results are not paged");
    let r = get(&format!(
        "{}/api/v1/users?search=status%20eq%20%22ACTIVE%22&filter=id%20eq%20%22x%22",
        s.base_url()
    ))
    .await;
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["errorCode"], "E0000033");
    s.shutdown().await;
}

#[tokio::test]
async fn single_user_by_id_or_login_and_404() {
    let s = sim(quiet(10)).await;
    let login = s.user_logins()[4].clone();
    let by_login: Value = get(&format!("{}/api/v1/users/{login}", s.base_url()))
        .await
        .json()
        .await
        .unwrap();
    let id = by_login["id"].as_str().unwrap();
    let by_id: Value = get(&format!("{}/api/v1/users/{id}", s.base_url()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_login, by_id);
    assert_eq!(by_id, s.user_json(&login).unwrap());
    let encoded = login.replace('@', "%40");
    let r = get(&format!("{}/api/v1/users/{encoded}", s.base_url())).await;
    assert_eq!(r.status(), 200);
    let r = get(&format!("{}/api/v1/users/ghost", s.base_url())).await;
    assert_eq!(r.status(), 404);
    assert!(r.headers().contains_key("x-okta-request-id"));
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        body["errorSummary"],
        "Not found: Resource not found: ghost (User)"
    );
    let r = get(&format!("{}/api/v1/nothing/here", s.base_url())).await;
    assert_eq!(r.status(), 404);
    assert_eq!(header(&r, "x-rate-limit-limit"), "1200");
    assert_eq!(r.json::<Value>().await.unwrap()["errorCode"], "E0000008");
    s.shutdown().await;
}

#[tokio::test]
async fn polling_by_following_next_sees_each_lockout_once() {
    let s = sim(quiet(40)).await;
    let since = crate::sim::org::ids::iso(chrono::Utc::now() - chrono::Duration::seconds(5));
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("since", since.as_str()),
            ("filter", LOCKOUT),
            ("limit", "2"),
            ("sortOrder", "ASCENDING"),
        ])
        .finish();
    let mut url = format!("{}/api/v1/logs?{query}", s.base_url());
    let logins = s.user_logins();
    let (mut injected, mut seen) = (Vec::new(), Vec::new());
    for round in 0..8 {
        for i in 0..(round % 3) {
            injected.push(s.lock_user(&logins[5 + round * 3 + i]).unwrap().uuid);
        }
        loop {
            let r = get(&url).await;
            assert_eq!(r.status(), 200);
            url = next_link(&r).expect("polling always has next");
            let page: Vec<Value> = r.json().await.unwrap();
            let empty = page.is_empty();
            seen.extend(
                page.into_iter()
                    .map(|e| e["uuid"].as_str().unwrap().to_string()),
            );
            if empty {
                break;
            }
        }
    }
    assert_eq!(seen, injected);
    assert!(injected.len() >= 6);
    s.shutdown().await;
}

#[tokio::test]
async fn rate_limit_refuses_with_429_then_resets() {
    let mut config = quiet(5);
    config.rate_limits = RateBudgets {
        logs: 2,
        ..RateBudgets::default()
    };
    config.rate_limit_window = Duration::from_millis(1500);
    let s = sim(config).await;
    let url = format!("{}/api/v1/logs", s.base_url());
    for left in ["1", "0"] {
        let r = get(&url).await;
        assert_eq!(r.status(), 200);
        assert_eq!(header(&r, "x-rate-limit-remaining"), left);
    }
    let r = get(&url).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&r, "x-rate-limit-limit"), "2");
    assert_eq!(header(&r, "x-rate-limit-remaining"), "0");
    let reset: i64 = header(&r, "x-rate-limit-reset").parse().unwrap();
    // The window started at the first request, at most 1.5 s ago; rounded up to a second.
    let now = chrono::Utc::now().timestamp();
    assert!((now..=now + 3).contains(&reset), "{reset} vs {now}");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["errorCode"], "E0000047");
    assert_eq!(
        body["errorSummary"],
        "API call exceeded rate limit due to too many requests."
    );
    // Other families are unaffected.
    assert_eq!(
        get(&format!("{}/api/v1/users", s.base_url()))
            .await
            .status(),
        200
    );
    tokio::time::sleep(Duration::from_millis(1600)).await;
    assert_eq!(get(&url).await.status(), 200);
    s.shutdown().await;
}

#[tokio::test]
async fn faults_fail_the_next_matching_requests() {
    let s = sim(quiet(5)).await;
    let users = format!("{}/api/v1/users", s.base_url());
    let logs = format!("{}/api/v1/logs", s.base_url());

    s.inject_fault(Fault::status(503, 2).on_path("/api/v1/logs"));
    assert_eq!(get(&users).await.status(), 200, "other paths unaffected");
    for _ in 0..2 {
        let r = get(&logs).await;
        assert_eq!(r.status(), 503);
        assert!(r.headers().contains_key("x-rate-limit-remaining"));
        assert_eq!(r.json::<Value>().await.unwrap()["errorCode"], "E0000010");
    }
    assert_eq!(get(&logs).await.status(), 200);

    s.inject_fault(Fault::status(500, 1));
    assert_eq!(
        get(&users).await.json::<Value>().await.unwrap()["errorCode"],
        "E0000009"
    );

    s.inject_fault(Fault::html(502, 1));
    let r = get(&users).await;
    assert_eq!(r.status(), 502);
    assert!(header(&r, "content-type").starts_with("text/html"));
    assert!(r.text().await.unwrap().contains("502 Bad Gateway"));

    s.inject_fault(Fault::garbage(1));
    let r = get(&users).await;
    assert_eq!(r.status(), 200);
    assert!(r.json::<Value>().await.is_err());

    s.inject_fault(Fault::drop_connection(1));
    let err = Client::new()
        .get(&users)
        .header("Authorization", format!("SSWS {TOKEN}"))
        .send()
        .await
        .unwrap_err();
    assert!(!err.is_status(), "{err}");
    assert_eq!(
        get(&users).await.status(),
        200,
        "the next request is served"
    );

    s.inject_fault(Fault::delay(300, 1));
    let t = Instant::now();
    assert_eq!(get(&users).await.status(), 200);
    assert!(t.elapsed() >= Duration::from_millis(300));
    s.shutdown().await;
}

#[tokio::test]
async fn control_endpoints_inject_and_report() {
    let s = sim(quiet(10)).await;
    let c = Client::new();
    let login = s.user_logins()[3].clone();
    let r = c
        .post(format!("{}/__sim/lockouts", s.base_url()))
        .json(&json!({"login": login}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["login"], login.as_str());
    assert!(
        body["uuid"].is_string() && body["userId"].is_string() && body["published"].is_string()
    );
    assert_eq!(s.user_json(&login).unwrap()["status"], "LOCKED_OUT");

    let r = c
        .post(format!("{}/__sim/lockouts", s.base_url()))
        .json(&json!({"login": "ghost@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert!(
        r.json::<Value>().await.unwrap()["error"]
            .as_str()
            .unwrap()
            .contains("ghost")
    );

    let fault = json!({"type": "status", "status": 500, "count": 1, "pathPrefix": "/api/v1/users"});
    let r = c
        .post(format!("{}/__sim/faults", s.base_url()))
        .json(&fault)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        get(&format!("{}/api/v1/users?limit=1", s.base_url()))
            .await
            .status(),
        500
    );

    let r = c
        .get(format!("{}/__sim/requests", s.base_url()))
        .send()
        .await
        .unwrap();
    let recorded: Value = r.json().await.unwrap();
    assert_eq!(
        recorded,
        json!([{"method": "GET", "path": "/api/v1/users", "query": "limit=1"}])
    );
    s.shutdown().await;

    let mut off = quiet(5);
    off.control = false;
    let s = sim(off).await;
    let r = c
        .get(format!("{}/__sim/requests", s.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    s.shutdown().await;
}

#[tokio::test]
async fn injected_lockouts_apply_to_any_known_user() {
    let s = sim(quiet(300)).await;
    let inactive = s
        .user_logins()
        .into_iter()
        .find(|l| s.user_json(l).unwrap()["status"] == "DEPROVISIONED")
        .expect("a few users are deprovisioned");
    let lockout = s.lock_user(&inactive).unwrap();
    assert_eq!(lockout.login, inactive);
    assert_eq!(s.user_json(&inactive).unwrap()["status"], "LOCKED_OUT");
    let by_id = s.lock_user(&lockout.user_id).unwrap();
    assert_ne!(by_id.uuid, lockout.uuid);
    assert_eq!(
        s.lock_user("ghost@example.com"),
        Err(crate::sim::SimError::UnknownUser(
            "ghost@example.com".into()
        ))
    );
    s.shutdown().await;
}

#[tokio::test]
async fn unlock_only_locked_users_and_log_it() {
    let s = sim(quiet(10)).await;
    let login = s.user_logins()[2].clone();
    let locked = s.lock_user(&login).unwrap();
    let unlock = format!(
        "{}/api/v1/users/{}/lifecycle/unlock",
        s.base_url(),
        locked.user_id
    );
    let c = Client::new();
    let r = c
        .post(&unlock)
        .header("Authorization", format!("SSWS {TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let request_id = header(&r, "x-okta-request-id");
    assert!(r.bytes().await.unwrap().is_empty());
    assert_eq!(s.user_json(&login).unwrap()["status"], "ACTIVE");

    let r = c
        .post(&unlock)
        .header("Authorization", format!("SSWS {TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(r.json::<Value>().await.unwrap()["errorCode"], "E0000032");

    let filter = r#"eventType eq "user.account.unlock_by_admin""#;
    let url = format!(
        "{}/api/v1/logs?filter={}",
        s.base_url(),
        url::form_urlencoded::byte_serialize(filter.as_bytes()).collect::<String>()
    );
    let events: Vec<Value> = get(&url).await.json().await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["target"][0]["alternateId"], login.as_str());
    assert_eq!(events[0]["target"][0]["type"], "User");
    let admin = s.user_json("me").unwrap();
    assert_eq!(events[0]["actor"]["id"], admin["id"]);
    assert_eq!(events[0]["actor"]["type"], "User");
    assert_eq!(
        events[0]["debugContext"]["debugData"]["requestId"],
        request_id.as_str()
    );
    s.shutdown().await;
}

#[tokio::test]
async fn factors_groups_and_password_policies() {
    let s = sim(quiet(30)).await;
    let login = s.user_logins()[0].clone();
    let factors: Vec<Value> = get(&format!("{}/api/v1/users/{login}/factors", s.base_url()))
        .await
        .json()
        .await
        .unwrap();
    assert!(factors.iter().all(|f| {
        f["_links"]["user"]["href"]
            .as_str()
            .unwrap()
            .starts_with(&s.base_url())
    }));
    let groups: Vec<Value> = get(&format!("{}/api/v1/users/{login}/groups", s.base_url()))
        .await
        .json()
        .await
        .unwrap();
    assert!(groups.iter().any(|g| g["profile"]["name"] == "Everyone"));
    let policies: Vec<Value> = get(&format!("{}/api/v1/policies?type=PASSWORD", s.base_url()))
        .await
        .json()
        .await
        .unwrap();
    let ages: Vec<(u64, u64)> = policies
        .iter()
        .map(|p| {
            (
                p["priority"].as_u64().unwrap(),
                p["settings"]["password"]["age"]["maxAgeDays"]
                    .as_u64()
                    .unwrap(),
            )
        })
        .collect();
    assert_eq!(ages, [(1, 60), (2, 45), (3, 0), (4, 90)]);
    let contractors = &policies[1]["conditions"]["people"]["groups"];
    assert_eq!(contractors["include"].as_array().unwrap().len(), 1);
    assert_eq!(
        contractors["exclude"],
        policies[0]["conditions"]["people"]["groups"]["include"]
    );
    assert_eq!(
        get(&format!("{}/api/v1/policies", s.base_url()))
            .await
            .status(),
        400
    );
    assert_eq!(
        get(&format!("{}/api/v1/users/ghost/factors", s.base_url()))
            .await
            .status(),
        404
    );
    s.shutdown().await;
}

#[tokio::test]
async fn generator_writes_lockouts_live_and_history_is_preseeded() {
    let mut config = quiet(100);
    config.lockouts_per_minute = 600.0;
    let s = sim(config).await;
    let filter = url::form_urlencoded::byte_serialize(LOCKOUT.as_bytes()).collect::<String>();
    let url = format!("{}/api/v1/logs?filter={filter}", s.base_url());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let events: Vec<Value> = get(&url).await.json().await.unwrap();
        if !events.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no live lockout within 10 s at 600/min"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    s.shutdown().await;

    let mut config = quiet(100);
    config.history = true;
    let s = sim(config).await;
    let events: Vec<Value> = get(&format!(
        "{url_base}/api/v1/logs?filter={filter}&limit=1000",
        url_base = s.base_url()
    ))
    .await
    .json()
    .await
    .unwrap();
    assert!(events.len() > 100, "two hours of history: {}", events.len());
    let oldest =
        chrono::DateTime::parse_from_rfc3339(events[0]["published"].as_str().unwrap()).unwrap();
    assert!(chrono::Utc::now().signed_duration_since(oldest) > chrono::Duration::minutes(100));
    s.shutdown().await;
}

#[tokio::test]
async fn shutdown_and_drop_close_the_listener() {
    let s = sim(quiet(5)).await;
    let url = format!("{}/api/v1/users", s.base_url());
    s.shutdown().await;
    assert!(Client::new().get(&url).send().await.is_err());

    let s = sim(quiet(5)).await;
    let url = format!("{}/api/v1/users", s.base_url());
    drop(s);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(Client::new().get(&url).send().await.is_err());
}
