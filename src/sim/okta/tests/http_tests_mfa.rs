//! Factors over real HTTP: get and unenroll (with the push → TOTP cascade),
//! push verification for each seeded behaviour, cancel, SMS and TOTP codes,
//! and the `/__sim/codes` control.

use std::time::{Duration, Instant};

use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};

use crate::sim::okta::http_tests::{TOKEN, get, header, quiet, sim};
use crate::sim::{PushBehaviour, SimConfig, SimHandle};

fn fast_push(users: usize) -> SimConfig {
    let mut c = quiet(users);
    c.push_delay = Some(Duration::from_millis(500));
    c.push_timeout = Duration::from_millis(2000);
    c
}

async fn send(method: reqwest::Method, url: &str, body: Option<Value>) -> Response {
    let mut req = Client::new()
        .request(method, url)
        .header("Authorization", format!("SSWS {TOKEN}"))
        .header("User-Agent", "accessdesk-test/1.0");
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.unwrap()
}

async fn post(url: &str, body: Option<Value>) -> Response {
    send(reqwest::Method::POST, url, body).await
}

async fn delete(url: &str) -> Response {
    send(reqwest::Method::DELETE, url, None).await
}

async fn factors(s: &SimHandle, user: &str) -> Vec<Value> {
    get(&format!("{}/api/v1/users/{user}/factors", s.base_url()))
        .await
        .json()
        .await
        .unwrap()
}

/// The first ACTIVE user (not the admin) whose factors satisfy `wanted`:
/// (login, user id, their factors).
async fn user_where(
    s: &SimHandle,
    wanted: impl Fn(&[Value]) -> bool,
) -> (String, String, Vec<Value>) {
    let admin = s.user_json("me").unwrap()["id"].clone();
    for login in s.user_logins() {
        let user = s.user_json(&login).unwrap();
        if user["status"] != "ACTIVE" || user["id"] == admin {
            continue;
        }
        let id = user["id"].as_str().unwrap().to_string();
        let list = factors(s, &id).await;
        if wanted(&list) {
            return (login, id, list);
        }
    }
    panic!("no user has the wanted factors");
}

fn active(list: &[Value], factor_type: &str, provider: &str) -> Option<String> {
    list.iter()
        .find(|f| {
            f["factorType"] == factor_type && f["provider"] == provider && f["status"] == "ACTIVE"
        })
        .map(|f| f["id"].as_str().unwrap().to_string())
}

fn factor_url(s: &SimHandle, user: &str, factor: &str) -> String {
    format!("{}/api/v1/users/{user}/factors/{factor}", s.base_url())
}

async fn events(s: &SimHandle, event_type: &str) -> Vec<Value> {
    let filter = format!("eventType eq \"{event_type}\"");
    let url = format!(
        "{}/api/v1/logs?filter={}",
        s.base_url(),
        url::form_urlencoded::byte_serialize(filter.as_bytes()).collect::<String>()
    );
    get(&url).await.json().await.unwrap()
}

/// Polls until the result is no longer WAITING; returns it and how long it took.
async fn poll_until_done(poll: &str, started: Instant) -> (Value, Duration) {
    let deadline = started + Duration::from_secs(10);
    loop {
        let r = get(poll).await;
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        if body["factorResult"] != "WAITING" {
            return (body, started.elapsed());
        }
        assert!(Instant::now() < deadline, "still WAITING after 10 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Sends a push to the user's Okta Verify; returns (factor id, verify answer).
async fn push(s: &SimHandle, login: &str) -> (String, String, Value) {
    let user = s.user_json(login).unwrap();
    let id = user["id"].as_str().unwrap().to_string();
    let factor = active(&factors(s, &id).await, "push", "OKTA").expect("push factor");
    let r = post(&format!("{}/verify", factor_url(s, &id, &factor)), None).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(
        header(&r, "x-rate-limit-limit"),
        "600",
        "users_write family"
    );
    (id, factor, r.json().await.unwrap())
}

#[tokio::test]
async fn seeded_push_behaviours_can_be_listed_and_changed() {
    let s = sim(quiet(500)).await;
    let approve = s.users_with_push(PushBehaviour::Approve);
    let reject = s.users_with_push(PushBehaviour::Reject);
    let silent = s.users_with_push(PushBehaviour::NoAnswer);
    assert!(
        approve.len() > 3 * (reject.len() + silent.len()),
        "most approve"
    );
    assert!(!reject.is_empty() && !silent.is_empty());
    for login in approve.iter().chain(&reject).chain(&silent) {
        assert_eq!(s.user_json(login).unwrap()["status"], "ACTIVE");
        assert!(active(&factors(&s, login).await, "push", "OKTA").is_some());
    }
    assert!(
        !approve
            .iter()
            .any(|l| reject.contains(l) || silent.contains(l))
    );

    let again = sim(quiet(500)).await;
    assert_eq!(
        again.users_with_push(PushBehaviour::Reject),
        reject,
        "from the seed"
    );
    again.shutdown().await;

    s.set_push_behaviour(&approve[0], PushBehaviour::Reject)
        .unwrap();
    assert!(
        s.users_with_push(PushBehaviour::Reject)
            .contains(&approve[0])
    );
    assert!(
        !s.users_with_push(PushBehaviour::Approve)
            .contains(&approve[0])
    );
    assert!(
        s.set_push_behaviour("ghost@example.com", PushBehaviour::Reject)
            .is_err()
    );
    s.shutdown().await;
}

#[tokio::test]
async fn push_ends_in_success_rejected_or_timeout_per_user() {
    let s = sim(fast_push(300)).await;
    for (behaviour, result, event) in [
        (
            PushBehaviour::Approve,
            "SUCCESS",
            "user.authentication.auth_via_mfa",
        ),
        (
            PushBehaviour::Reject,
            "REJECTED",
            "user.mfa.okta_verify.deny_push",
        ),
        (
            PushBehaviour::NoAnswer,
            "TIMEOUT",
            "user.authentication.auth_via_mfa",
        ),
    ] {
        let login = s.users_with_push(behaviour)[0].clone();
        let started = Instant::now();
        let (id, factor, challenge) = push(&s, &login).await;
        assert_eq!(challenge["factorResult"], "WAITING");
        let expires =
            chrono::DateTime::parse_from_rfc3339(challenge["expiresAt"].as_str().unwrap()).unwrap();
        let left = expires.signed_duration_since(chrono::Utc::now());
        assert!(left <= chrono::Duration::milliseconds(2000) && left > chrono::Duration::zero());
        let poll = challenge["_links"]["poll"]["href"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(challenge["_links"]["cancel"]["href"], poll.as_str());
        assert!(poll.starts_with(&format!(
            "{}/transactions/v2mst.",
            factor_url(&s, &id, &factor)
        )));

        let r = get(&poll).await;
        assert_eq!(header(&r, "x-rate-limit-limit"), "1200", "default family");
        let waiting: Value = r.json().await.unwrap();
        assert_eq!(waiting["factorResult"], "WAITING");
        assert_eq!(waiting["profile"]["credentialId"], login.as_str());
        assert_eq!(waiting["_links"]["poll"]["href"], poll.as_str());

        let (done, took) = poll_until_done(&poll, started).await;
        assert_eq!(done["factorResult"], result, "{behaviour:?}");
        if behaviour == PushBehaviour::NoAnswer {
            assert!(took >= Duration::from_millis(1900), "{took:?}");
            assert!(done["_links"]["verify"]["href"].is_string());
        } else {
            assert!(took < Duration::from_millis(2000), "{took:?}");
        }
        if behaviour == PushBehaviour::Approve {
            assert_eq!(done, json!({"factorResult": "SUCCESS"}));
        }
        let answers = events(&s, event).await;
        let answer = answers
            .iter()
            .find(|e| e["target"][1]["id"] == factor.as_str())
            .expect("the answer is logged");
        assert_eq!(answer["actor"]["id"], id.as_str());
    }
    assert_eq!(
        events(&s, "system.push.send_factor_verify_push")
            .await
            .len(),
        3
    );
    s.shutdown().await;
}

#[tokio::test]
async fn seeded_users_answer_after_two_to_five_seconds() {
    let s = sim(quiet(300)).await;
    let login = s.users_with_push(PushBehaviour::Approve)[0].clone();
    let started = Instant::now();
    let (_, _, challenge) = push(&s, &login).await;
    let poll = challenge["_links"]["poll"]["href"]
        .as_str()
        .unwrap()
        .to_string();
    let (done, took) = poll_until_done(&poll, started).await;
    assert_eq!(done["factorResult"], "SUCCESS");
    assert!(
        (Duration::from_millis(1900)..Duration::from_millis(5500)).contains(&took),
        "{took:?}"
    );
    s.shutdown().await;
}

#[tokio::test]
async fn answers_reach_the_log_without_polling() {
    let s = sim(fast_push(300)).await;
    let login = s.users_with_push(PushBehaviour::Reject)[0].clone();
    let (_, factor, _) = push(&s, &login).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let denied = events(&s, "user.mfa.okta_verify.deny_push").await;
    assert_eq!(denied.len(), 1);
    assert_eq!(denied[0]["target"][1]["id"], factor.as_str());
    assert_eq!(denied[0]["outcome"]["result"], "DENY");
    s.shutdown().await;
}

#[tokio::test]
async fn cancel_withdraws_a_waiting_push() {
    let s = sim(fast_push(300)).await;
    let login = s.users_with_push(PushBehaviour::NoAnswer)[0].clone();
    let (id, factor, challenge) = push(&s, &login).await;
    let cancel = challenge["_links"]["cancel"]["href"]
        .as_str()
        .unwrap()
        .to_string();
    let r = delete(&cancel).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(r.headers().contains_key("x-okta-request-id"));
    assert!(r.bytes().await.unwrap().is_empty());
    tokio::time::sleep(Duration::from_millis(2200)).await;
    let body: Value = get(&cancel).await.json().await.unwrap();
    assert_eq!(body["factorResult"], "CANCELLED", "not TIMEOUT");
    assert!(
        events(&s, "user.authentication.auth_via_mfa")
            .await
            .is_empty()
    );

    let unknown = format!(
        "{}/transactions/v2mst.nothere",
        factor_url(&s, &id, &factor)
    );
    for r in [get(&unknown).await, delete(&unknown).await] {
        assert_eq!(r.status(), 404);
        assert_eq!(r.json::<Value>().await.unwrap()["errorCode"], "E0000007");
    }
    s.shutdown().await;
}

#[tokio::test]
async fn sms_code_flow_with_right_and_wrong_codes() {
    let s = sim(quiet(200)).await;
    let (login, id, list) = user_where(&s, |l| active(l, "sms", "OKTA").is_some()).await;
    let sms = active(&list, "sms", "OKTA").unwrap();
    let verify = format!("{}/verify", factor_url(&s, &id, &sms));
    assert_eq!(s.last_code(&login, &sms), None, "nothing sent yet");

    let r = post(&verify, None).await;
    assert_eq!(r.status(), 200);
    let challenge: Value = r.json().await.unwrap();
    assert_eq!(challenge["factorResult"], "CHALLENGE");
    assert!(challenge["profile"]["phoneNumber"].is_string());
    assert_eq!(challenge["_links"]["verify"]["href"], verify.as_str());

    let r = Client::new()
        .get(format!("{}/__sim/codes?login={login}", s.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let codes: Vec<Value> = r.json().await.unwrap();
    let sent = codes
        .iter()
        .find(|c| c["factorId"] == sms.as_str())
        .unwrap();
    let code = sent["code"].as_str().unwrap().to_string();
    assert_eq!(sent["factorType"], "sms");
    assert_eq!(s.last_code(&login, &sms).as_deref(), Some(code.as_str()));

    let wrong = if code == "000000" { "111111" } else { "000000" };
    let r = post(&verify, Some(json!({"passCode": wrong}))).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(r.json::<Value>().await.unwrap()["errorCode"], "E0000068");
    let r = post(&verify, Some(json!({"passCode": code}))).await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"factorResult": "SUCCESS"})
    );
    let sends = events(&s, "system.sms.send_factor_verify_message").await;
    assert_eq!(sends.len(), 1);
    assert_eq!(sends[0]["target"][1]["id"], sms.as_str());
    let results: Vec<Value> = events(&s, "user.authentication.auth_via_mfa")
        .await
        .into_iter()
        .map(|e| e["outcome"]["result"].clone())
        .collect();
    assert_eq!(results, [json!("FAILURE"), json!("SUCCESS")]);

    let r = post(&verify, Some(json!("not an object"))).await;
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["errorCode"], "E0000003");
    s.shutdown().await;
}

#[tokio::test]
async fn totp_verifies_with_the_code_the_simulator_knows() {
    let s = sim(quiet(200)).await;
    let (login, id, list) =
        user_where(&s, |l| active(l, "token:software:totp", "OKTA").is_some()).await;
    let totp = active(&list, "token:software:totp", "OKTA").unwrap();
    let code = s
        .last_code(&login, &totp)
        .expect("TOTP codes are always known");
    let verify = format!("{}/verify", factor_url(&s, &id, &totp));
    let r = post(&verify, Some(json!({"passCode": code}))).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["factorResult"], "SUCCESS");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let r = post(&verify, Some(json!({"passCode": wrong}))).await;
    assert_eq!(r.status(), 403);
    assert_eq!(r.json::<Value>().await.unwrap()["errorCode"], "E0000068");
    s.shutdown().await;
}

#[tokio::test]
async fn get_and_delete_factors_with_the_okta_verify_cascade() {
    let s = sim(quiet(200)).await;
    let (_, id, list) = user_where(&s, |l| {
        active(l, "push", "OKTA").is_some() && active(l, "token:software:totp", "OKTA").is_some()
    })
    .await;
    let push = active(&list, "push", "OKTA").unwrap();
    let totp = active(&list, "token:software:totp", "OKTA").unwrap();

    let r = get(&factor_url(&s, &id, &push)).await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        header(&r, "x-rate-limit-limit"),
        "1200",
        "factor reads: default"
    );
    let one: Value = r.json().await.unwrap();
    assert_eq!(Some(&one), list.iter().find(|f| f["id"] == push.as_str()));

    let r = delete(&factor_url(&s, &id, &push)).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(&r, "x-rate-limit-limit"), "600");
    assert!(r.bytes().await.unwrap().is_empty());
    let left: Vec<String> = factors(&s, &id)
        .await
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(left.len(), list.len() - 2);
    assert!(!left.contains(&push) && !left.contains(&totp));
    let deactivated: Vec<Value> = events(&s, "user.mfa.factor.deactivate")
        .await
        .iter()
        .map(|e| e["target"][1]["id"].clone())
        .collect();
    assert_eq!(deactivated.len(), 2);
    assert!(deactivated.contains(&json!(push)) && deactivated.contains(&json!(totp)));

    for r in [
        get(&factor_url(&s, &id, &push)).await,
        delete(&factor_url(&s, &id, &push)).await,
        post(&format!("{}/verify", factor_url(&s, &id, &push)), None).await,
    ] {
        assert_eq!(r.status(), 404);
        assert!(r.headers().contains_key("x-okta-request-id"));
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["errorCode"], "E0000007");
        assert_eq!(
            body["errorSummary"],
            format!("Not found: Resource not found: {push} (UserFactor)")
        );
    }
    let r = get(&factor_url(&s, "ghost", &push)).await;
    assert_eq!(r.json::<Value>().await.unwrap()["errorCode"], "E0000007");
    let recorded = s.requests();
    assert!(
        recorded
            .iter()
            .any(|q| q.method == "DELETE" && q.path.ends_with(&push))
    );
    s.shutdown().await;
}

#[tokio::test]
async fn codes_control_needs_a_known_login_and_the_control_flag() {
    let s = sim(quiet(20)).await;
    let c = Client::new();
    let r = c
        .get(format!("{}/__sim/codes", s.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = c
        .get(format!(
            "{}/__sim/codes?login=ghost@example.com",
            s.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    s.shutdown().await;

    let mut off = quiet(20);
    off.control = false;
    let s = sim(off).await;
    let login = s.user_logins()[1].clone();
    let r = c
        .get(format!("{}/__sim/codes?login={login}", s.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    s.shutdown().await;
}
