//! `POST /oauth_token.do`: the password grant (client `accessdesk`, secret and password
//! `--token`) issuing bearer tokens good for 1799 s, as an instance's OAuth registry does.
//! Tokens are kept per simulator; `POST /__sim/servicenow/revoke-tokens` (under `--control`)
//! revokes them all and answers them, so tests can check a client's refresh and that no
//! token leaks into what it prints.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use rand::Rng;
use rand::distr::Alphanumeric;
use serde_json::json;

use super::gate;
use crate::sim::state::{Shared, lock};
use crate::sim::tickets::SERVICENOW_USER;

/// `expires_in` of every token.
pub(super) const LIFETIME: Duration = Duration::from_secs(1799);

/// The bearer tokens issued and when each expires.
#[derive(Debug, Default)]
pub(crate) struct Tokens {
    issued: Mutex<HashMap<String, Instant>>,
}

impl Tokens {
    pub fn is_valid(&self, token: &str) -> bool {
        lock(&self.issued)
            .get(token)
            .is_some_and(|expires| Instant::now() < *expires)
    }

    fn issue(&self) -> String {
        let token: String = rand::rng()
            .sample_iter(&Alphanumeric)
            .take(86)
            .map(char::from)
            .collect();
        lock(&self.issued).insert(token.clone(), Instant::now() + LIFETIME);
        token
    }

    /// Every token issued so far, now refused.
    fn revoke_all(&self) -> Vec<String> {
        lock(&self.issued).drain().map(|(token, _)| token).collect()
    }
}

pub(super) async fn token(
    State(shared): State<Arc<Shared>>,
    Extension(tokens): Extension<Arc<Tokens>>,
    parts: Parts,
    body: Bytes,
) -> Response {
    let pass = match gate::admit_token_endpoint(&shared, &parts).await {
        Ok(pass) => pass,
        Err(response) => return response,
    };
    pass.finish(grant(&shared, &tokens, &body)).await
}

fn grant(shared: &Shared, tokens: &Tokens, body: &Bytes) -> Response {
    let form: HashMap<String, String> = url::form_urlencoded::parse(body).into_owned().collect();
    let field = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    if field("grant_type") != "password" {
        return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type");
    }
    let client_ok = field("client_id") == SERVICENOW_USER && field("client_secret") == shared.token;
    let user_ok = field("username") == SERVICENOW_USER && field("password") == shared.token;
    if !(client_ok && user_ok) {
        return oauth_error(StatusCode::UNAUTHORIZED, "access_denied");
    }
    let access = tokens.issue();
    let refresh = tokens.issue();
    Json(json!({
        "access_token": access,
        "refresh_token": refresh,
        "scope": "useraccount",
        "token_type": "Bearer",
        "expires_in": LIFETIME.as_secs(),
    }))
    .into_response()
}

/// The OAuth endpoint's own error shape (not the Table API's).
fn oauth_error(status: StatusCode, description: &str) -> Response {
    (
        status,
        Json(json!({"error_description": description, "error": "server_error"})),
    )
        .into_response()
}

pub(super) async fn revoke(
    State(shared): State<Arc<Shared>>,
    Extension(tokens): Extension<Arc<Tokens>>,
) -> Response {
    if !shared.control {
        return StatusCode::NOT_FOUND.into_response();
    }
    Json(json!({"revoked": tokens.revoke_all()})).into_response()
}
