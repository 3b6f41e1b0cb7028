//! The gate over HTTP: Bearer tokens and their expiry, the environment in the path, rate
//! limits with `Retry-After`, injected faults in PingOne's body, and `/__sim/info`.

use std::time::Duration;

use reqwest::Client;
use serde_json::Value;

use super::{FormBody, Sim, error, header, quiet};
use crate::idp::Provider;
use crate::sim::{Fault, RateBudgets};

#[tokio::test]
async fn missing_wrong_or_expired_tokens_are_access_failed() {
    let s = Sim::start(quiet(5)).await;
    let url = s.api("/users");
    let no_token = Client::new().get(&url).send().await.unwrap();
    error(no_token, 401, "ACCESS_FAILED").await;
    let wrong = Client::new()
        .get(&url)
        .bearer_auth("not-a-token-we-issued-0123456789abcdef")
        .send()
        .await
        .unwrap();
    error(wrong, 401, "ACCESS_FAILED").await;
    // The client secret is not an access token.
    let secret = Client::new()
        .get(&url)
        .bearer_auth(super::SECRET)
        .send()
        .await
        .unwrap();
    error(secret, 401, "ACCESS_FAILED").await;

    assert_eq!(s.get(&url).await.status(), 200);
    let expire = Client::new()
        .post(format!("{}/__sim/tokens/expire", s.info.auth_url))
        .send()
        .await
        .unwrap();
    assert_eq!(expire.status(), 204);
    error(s.get(&url).await, 401, "ACCESS_FAILED").await;
    // A fresh token works again.
    let fresh = s.new_token().await;
    let r = Client::new()
        .get(&url)
        .bearer_auth(fresh)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    s.shutdown().await;
}

#[tokio::test]
async fn other_environments_and_unknown_paths_are_not_found() {
    let s = Sim::start(quiet(5)).await;
    let other = format!(
        "{}/environments/{}/users",
        s.info.api_url,
        uuid::Uuid::new_v4()
    );
    error(s.get(&other).await, 404, "NOT_FOUND").await;
    error(s.get(&s.api("/applications")).await, 404, "NOT_FOUND").await;
    let r = s
        .bearer(Client::new().delete(s.api("/users")))
        .send()
        .await
        .unwrap();
    error(r, 405, "INVALID_REQUEST").await;
    s.shutdown().await;
}

#[tokio::test]
async fn over_budget_is_429_with_retry_after_and_no_okta_headers() {
    let mut config = quiet(5);
    config.rate_limits = RateBudgets {
        default: 2,
        ..RateBudgets::default()
    };
    config.rate_limit_window = Duration::from_secs(30);
    let s = Sim::start(config).await;
    let url = s.api("/users?limit=1");
    for _ in 0..2 {
        let r = s.get(&url).await;
        assert_eq!(r.status(), 200);
        assert!(r.headers().get("x-rate-limit-remaining").is_none());
    }
    let r = s.get(&url).await;
    let retry: u64 = header(&r, "retry-after").parse().unwrap();
    assert!((1..=30).contains(&retry), "{retry}");
    error(r, 429, "REQUEST_LIMITED").await;
    // The token endpoint is not counted.
    s.new_token().await;
    s.shutdown().await;
}

#[tokio::test]
async fn injected_faults_answer_in_pingones_body() {
    let s = Sim::start(quiet(5)).await;
    let url = s.api("/users?limit=1");
    s.handle.inject_fault(Fault::status(503, 1));
    let r = s.get(&url).await;
    error(r, 503, "UNEXPECTED_ERROR").await;
    s.handle.inject_fault(Fault::status(429, 1));
    let r = s.get(&url).await;
    assert!(header(&r, "retry-after").parse::<u64>().unwrap() >= 1);
    error(r, 429, "REQUEST_LIMITED").await;
    s.handle.inject_fault(
        Fault::status(400, 1).on_path(format!("/v1/environments/{}/groups", s.env_id())),
    );
    assert_eq!(s.get(&url).await.status(), 200, "other paths are spared");
    error(s.get(&s.api("/groups")).await, 400, "INVALID_DATA").await;

    s.handle.inject_fault(Fault::html(502, 1));
    let r = s.get(&url).await;
    assert_eq!(r.status(), 502);
    assert!(header(&r, "content-type").starts_with("text/html"));
    s.handle.inject_fault(Fault::garbage(1));
    let r = s.get(&url).await;
    assert_eq!(r.status(), 200);
    assert!(r.json::<Value>().await.is_err());
    s.handle.inject_fault(Fault::drop_connection(1));
    assert!(
        Client::new()
            .get(&url)
            .bearer_auth(&s.token)
            .send()
            .await
            .is_err()
    );

    // An unnamed fault waits for the API; the token endpoint only meets faults naming it.
    s.handle.inject_fault(Fault::status(500, 1));
    s.new_token().await;
    error(s.get(&url).await, 500, "UNEXPECTED_ERROR").await;
    s.handle
        .inject_fault(Fault::status(503, 1).on_path(format!("/{}/as/token", s.env_id())));
    let r = Client::new()
        .post(s.token_url())
        .basic_auth(s.client_id(), Some(super::SECRET))
        .form_body(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    s.shutdown().await;
}

#[tokio::test]
async fn info_names_the_environment_and_the_worker() {
    let s = Sim::start(quiet(5)).await;
    let base = s.handle.base_url();
    let info: Value = Client::new()
        .get(format!("{base}/__sim/info"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["provider"], "pingone");
    assert_eq!(info["apiUrl"], format!("{base}/v1"));
    assert_eq!(info["authUrl"], base);
    assert_eq!(info["environmentId"], s.env_id());
    assert_eq!(info["clientId"], s.client_id());
    assert_eq!(s.info.provider, Provider::PingOne);
    let okta = crate::sim::start(
        crate::sim::okta::http_tests::quiet(3),
        ([127, 0, 0, 1], 0).into(),
    )
    .await
    .unwrap();
    let info: Value = Client::new()
        .get(format!("{}/__sim/info", okta.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["provider"], "okta");
    assert_eq!(info["apiUrl"], okta.base_url());
    assert_eq!(info["environmentId"], Value::Null);
    assert_eq!(okta.info().client_id, None);
    okta.shutdown().await;
    s.shutdown().await;
}
