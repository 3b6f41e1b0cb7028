//! `POST /{envId}/as/token`: the worker app's client-credentials grant. The client
//! authenticates with HTTP Basic (`client_secret_basic`) or form fields
//! (`client_secret_post`); the secret is the simulator's `--token`.

use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, PRAGMA, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

use super::api_error::ApiError;
use crate::sim::state::{Shared, lock};

/// How the client authenticated, if it tried (no Debug: it holds the secret).
enum Client {
    Basic { id: String, secret: String },
    Post { id: String, secret: String },
    None,
}

/// RFC 6749 §2.3.1: the Basic credentials are form-encoded before base64.
fn form_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("v={text}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

fn basic(headers: &HeaderMap) -> Option<Option<(String, String)>> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("Basic") {
        return None;
    }
    // A Basic header that does not decode is an attempt that fails, not no attempt.
    let decoded = STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok());
    Some(decoded.and_then(|d| {
        d.split_once(':')
            .map(|(id, secret)| (form_decode(id), form_decode(secret)))
    }))
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        [(CACHE_CONTROL, "no-store"), (PRAGMA, "no-cache")],
        Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

fn invalid_client(basic: bool) -> Response {
    let mut response = oauth_error(
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        "Request denied: Unsupported authentication method or invalid client credentials",
    );
    if basic {
        response.headers_mut().insert(
            WWW_AUTHENTICATE,
            axum::http::HeaderValue::from_static("Basic realm=\"PingOne\""),
        );
    }
    response
}

pub(crate) async fn issue(
    State(shared): State<Arc<Shared>>,
    Path(env): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(pingone) = shared.pingone.as_ref() else {
        return ApiError::path_not_found().into_response();
    };
    if env != pingone.env.id {
        return ApiError::not_found("environment", &env).into_response();
    }
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let posted = field("client_secret").map(|secret| Client::Post {
        id: field("client_id").unwrap_or_default().to_string(),
        secret: secret.to_string(),
    });
    let client = match (basic(&headers), posted) {
        (Some(_), Some(_)) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Only one client authentication method may be used",
            );
        }
        (Some(Some((id, secret))), None) => Client::Basic { id, secret },
        (Some(None), None) => return invalid_client(true),
        (None, Some(post)) => post,
        (None, None) => Client::None,
    };
    let ok = match &client {
        Client::Basic { id, secret } | Client::Post { id, secret } => {
            *id == pingone.env.client_id && *secret == shared.token
        }
        Client::None => false,
    };
    if !ok {
        return invalid_client(matches!(client, Client::Basic { .. }));
    }
    match field("grant_type") {
        Some("client_credentials") => {}
        None => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "The request is missing grant_type",
            );
        }
        Some(_) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "The worker application only supports the client_credentials grant",
            );
        }
    }
    let lifetime = pingone.token_lifetime;
    let token = lock(&pingone.tokens).issue(lifetime, Instant::now());
    (
        [(CACHE_CONTROL, "no-store"), (PRAGMA, "no-cache")],
        Json(json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": lifetime.as_secs(),
            "scope": "",
        })),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn basic_credentials_are_form_decoded() {
        let mut h = HeaderMap::new();
        assert_eq!(basic(&h), None);
        let encoded = STANDARD.encode("my%20id:s%3Acret+x");
        h.insert(
            AUTHORIZATION,
            HeaderValue::from_str(&format!("Basic {encoded}")).unwrap(),
        );
        assert_eq!(
            basic(&h),
            Some(Some(("my id".to_string(), "s:cret x".to_string())))
        );
        h.insert(AUTHORIZATION, HeaderValue::from_static("Basic !!!"));
        assert_eq!(basic(&h), Some(None));
        h.insert(AUTHORIZATION, HeaderValue::from_static("Bearer abc"));
        assert_eq!(basic(&h), None);
    }
}
