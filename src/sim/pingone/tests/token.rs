//! `POST /{envId}/as/token`: client_secret_basic and client_secret_post, and refusals.

use reqwest::Client;
use serde_json::Value;

use super::{FormBody, SECRET, Sim, header, quiet};

#[tokio::test]
async fn basic_and_post_both_issue_bearer_tokens_of_the_configured_lifetime() {
    let mut config = quiet(5);
    config.token_lifetime = std::time::Duration::from_secs(120);
    let s = Sim::start(config).await;
    let basic = Client::new()
        .post(s.token_url())
        .basic_auth(s.client_id(), Some(SECRET))
        .form_body(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 200);
    assert_eq!(header(&basic, "cache-control"), "no-store");
    let basic: Value = basic.json().await.unwrap();
    let post: Value = Client::new()
        .post(s.token_url())
        .form_body(&[
            ("grant_type", "client_credentials"),
            ("client_id", s.client_id()),
            ("client_secret", SECRET),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for body in [&basic, &post] {
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], 120);
        assert_eq!(body["scope"], "");
        assert!(body["access_token"].as_str().unwrap().len() >= 32);
    }
    assert_ne!(basic["access_token"], post["access_token"]);
    for token in [&basic["access_token"], &post["access_token"]] {
        let r = Client::new()
            .get(s.api("/users?limit=1"))
            .bearer_auth(token.as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    s.shutdown().await;
}

#[tokio::test]
async fn wrong_clients_and_grants_are_refused_the_oauth_way() {
    let s = Sim::start(quiet(5)).await;
    let oauth = |r: reqwest::Response| async move {
        let status = r.status().as_u16();
        let challenge = r
            .headers()
            .get("www-authenticate")
            .map(|v| v.to_str().unwrap().to_string());
        let body: Value = r.json().await.unwrap();
        (
            status,
            challenge,
            body["error"].as_str().unwrap().to_string(),
            body,
        )
    };
    let bad_basic = Client::new()
        .post(s.token_url())
        .basic_auth(s.client_id(), Some("wrong"))
        .form_body(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    let (status, challenge, error, body) = oauth(bad_basic).await;
    assert_eq!((status, error.as_str()), (401, "invalid_client"));
    assert!(challenge.unwrap().starts_with("Basic"));
    assert!(body["error_description"].is_string());
    assert!(!body.to_string().contains("wrong"));

    let bad_post = Client::new()
        .post(s.token_url())
        .form_body(&[
            ("grant_type", "client_credentials"),
            ("client_id", "someone-else"),
            ("client_secret", SECRET),
        ])
        .send()
        .await
        .unwrap();
    let (status, challenge, error, _) = oauth(bad_post).await;
    assert_eq!(
        (status, error.as_str(), challenge),
        (401, "invalid_client", None)
    );

    let none = Client::new()
        .post(s.token_url())
        .form_body(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(oauth(none).await.2, "invalid_client");

    let password_grant = Client::new()
        .post(s.token_url())
        .basic_auth(s.client_id(), Some(SECRET))
        .form_body(&[("grant_type", "password")])
        .send()
        .await
        .unwrap();
    let (status, _, error, _) = oauth(password_grant).await;
    assert_eq!((status, error.as_str()), (400, "unsupported_grant_type"));

    let elsewhere = Client::new()
        .post(format!(
            "{}/{}/as/token",
            s.info.auth_url,
            uuid::Uuid::new_v4()
        ))
        .basic_auth(s.client_id(), Some(SECRET))
        .form_body(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    super::error(elsewhere, 404, "NOT_FOUND").await;
    // Token requests are recorded (without their bodies).
    let recorded = s.handle.requests();
    assert!(
        recorded
            .iter()
            .filter(|r| r.path.ends_with("/as/token"))
            .count()
            >= 5
    );
    s.shutdown().await;
}
