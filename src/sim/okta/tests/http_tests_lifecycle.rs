//! Lifecycle operations over real HTTP: reset password, expire password and
//! reset factors, their bodies, wrong-status answers, events and rate-limit family.

use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};

use crate::sim::SimHandle;
use crate::sim::okta::http_tests::{TOKEN, get, header, quiet, sim};

async fn post(url: &str) -> Response {
    Client::new()
        .post(url)
        .header("Authorization", format!("SSWS {TOKEN}"))
        .header("User-Agent", "accessdesk-test/1.0")
        .send()
        .await
        .unwrap()
}

/// A seeded user in this status, other than the admin.
fn user_in(s: &SimHandle, status: &str) -> (String, String) {
    let admin = s.user_json("me").unwrap()["id"].clone();
    s.user_logins()
        .into_iter()
        .filter_map(|l| s.user_json(&l))
        .find(|u| u["status"] == status && u["id"] != admin)
        .map(|u| {
            (
                u["profile"]["login"].as_str().unwrap().to_string(),
                u["id"].as_str().unwrap().to_string(),
            )
        })
        .unwrap_or_else(|| panic!("a {status} user"))
}

/// The events of this type, oldest first.
async fn events(s: &SimHandle, event_type: &str) -> Vec<Value> {
    let filter = format!("eventType eq \"{event_type}\"");
    let url = format!(
        "{}/api/v1/logs?filter={}",
        s.base_url(),
        url::form_urlencoded::byte_serialize(filter.as_bytes()).collect::<String>()
    );
    get(&url).await.json().await.unwrap()
}

fn lifecycle(s: &SimHandle, id: &str, op: &str) -> String {
    format!("{}/api/v1/users/{id}/lifecycle/{op}", s.base_url())
}

#[tokio::test]
async fn reset_password_moves_to_recovery_and_answers_per_send_email() {
    let s = sim(quiet(300)).await;
    let (login, id) = user_in(&s, "LOCKED_OUT");
    let r = post(&lifecycle(&s, &id, "reset_password?sendEmail=true")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        header(&r, "x-rate-limit-limit"),
        "600",
        "users_write family"
    );
    let request_id = header(&r, "x-okta-request-id");
    assert_eq!(r.json::<Value>().await.unwrap(), json!({}));
    assert_eq!(s.user_json(&login).unwrap()["status"], "RECOVERY");

    let logged = events(&s, "user.account.reset_password").await;
    assert_eq!(logged.len(), 1);
    let admin = s.user_json("me").unwrap();
    assert_eq!(logged[0]["actor"]["id"], admin["id"]);
    assert_eq!(logged[0]["target"][0]["id"], id.as_str());
    assert_eq!(logged[0]["target"][0]["type"], "User");
    assert_eq!(logged[0]["transaction"]["id"], request_id.as_str());
    assert_eq!(
        logged[0]["client"]["userAgent"]["rawUserAgent"],
        "accessdesk-test/1.0"
    );

    // From RECOVERY again, by login, without email: a one-time link instead.
    let r = post(&lifecycle(
        &s,
        &login,
        "reset_password?sendEmail=false&revokeSessions=true",
    ))
    .await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    let url = body["resetPasswordUrl"].as_str().unwrap();
    let token = url
        .strip_prefix(&format!("{}/reset_password/", s.base_url()))
        .unwrap();
    assert_eq!(token.len(), 20);
    assert!(token.chars().all(|c| c.is_ascii_alphanumeric()));
    assert_eq!(body.as_object().unwrap().len(), 1);
    assert_eq!(events(&s, "user.account.reset_password").await.len(), 2);

    // sendEmail defaults to true, as Okta always has.
    let (_, active) = user_in(&s, "ACTIVE");
    let r = post(&lifecycle(&s, &active, "reset_password")).await;
    assert_eq!(r.json::<Value>().await.unwrap(), json!({}));
    s.shutdown().await;
}

#[tokio::test]
async fn reset_password_refuses_wrong_statuses_and_bad_flags() {
    let s = sim(quiet(300)).await;
    for status in ["DEPROVISIONED", "SUSPENDED"] {
        let (login, id) = user_in(&s, status);
        let r = post(&lifecycle(&s, &id, "reset_password?sendEmail=false")).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{status}");
        assert!(r.headers().contains_key("x-okta-request-id"));
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["errorCode"], "E0000038");
        assert_eq!(
            body["errorSummary"],
            "This operation is not allowed in the user's current status."
        );
        assert_eq!(s.user_json(&login).unwrap()["status"], status);
    }
    assert!(events(&s, "user.account.reset_password").await.is_empty());

    let (_, id) = user_in(&s, "ACTIVE");
    for query in ["sendEmail=maybe", "sendEmail=true&revokeSessions=1"] {
        let r = post(&lifecycle(&s, &id, &format!("reset_password?{query}"))).await;
        assert_eq!(r.status(), 400, "{query}");
        assert_eq!(r.json::<Value>().await.unwrap()["errorCode"], "E0000001");
    }
    let r = post(&lifecycle(&s, "ghost", "reset_password?sendEmail=true")).await;
    assert_eq!(r.status(), 404);
    assert_eq!(r.json::<Value>().await.unwrap()["errorCode"], "E0000007");
    s.shutdown().await;
}

#[tokio::test]
async fn expire_password_answers_the_expired_user() {
    let s = sim(quiet(100)).await;
    let (login, id) = user_in(&s, "ACTIVE");
    let r = post(&lifecycle(&s, &id, "expire_password")).await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["status"], "PASSWORD_EXPIRED");
    assert_eq!(body, s.user_json(&login).unwrap());
    assert!(body["_links"]["resetPassword"]["href"].is_string());
    assert!(body["_links"].get("expirePassword").is_none());
    let logged = events(&s, "user.account.expire_password").await;
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0]["target"][0]["id"], id.as_str());

    let r = post(&lifecycle(&s, &id, "expire_password")).await;
    assert_eq!(r.status(), 403);
    assert_eq!(r.json::<Value>().await.unwrap()["errorCode"], "E0000038");
    s.shutdown().await;
}

#[tokio::test]
async fn reset_factors_empties_the_list_with_an_empty_200() {
    let s = sim(quiet(300)).await;
    let admin = s.user_json("me").unwrap()["id"].clone();
    let (login, id) = s
        .user_logins()
        .into_iter()
        .filter_map(|l| s.user_json(&l))
        .find(|u| u["_links"].get("resetFactors").is_some() && u["id"] != admin)
        .map(|u| {
            (
                u["profile"]["login"].as_str().unwrap().to_string(),
                u["id"].as_str().unwrap().to_string(),
            )
        })
        .expect("someone has factors");
    let status = s.user_json(&login).unwrap()["status"].clone();
    let r = post(&lifecycle(&s, &id, "reset_factors")).await;
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().is_empty());
    let factors: Vec<Value> = get(&format!("{}/api/v1/users/{id}/factors", s.base_url()))
        .await
        .json()
        .await
        .unwrap();
    assert!(factors.is_empty());
    let user = s.user_json(&login).unwrap();
    assert_eq!(user["status"], status, "the status stays");
    assert!(user["_links"].get("resetFactors").is_none());
    let logged = events(&s, "user.mfa.factor.reset_all").await;
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0]["actor"]["id"], admin);
    assert_eq!(logged[0]["target"][0]["id"], id.as_str());

    let (_, suspended) = user_in(&s, "SUSPENDED");
    let r = post(&lifecycle(&s, &suspended, "reset_factors")).await;
    assert_eq!(r.status(), 403);
    assert_eq!(r.json::<Value>().await.unwrap()["errorCode"], "E0000038");
    assert!(
        s.requests()
            .iter()
            .any(|q| q.method == "POST" && q.path.ends_with("/lifecycle/reset_factors"))
    );
    s.shutdown().await;
}
