//! What every Jira request goes through before its handler, as an extractor (the ticket
//! routes share the IdP's port but not its middleware): recording, the simulator's injected
//! faults, and basic auth of `accessdesk@example.com` with `--token` as the API token.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::{AUTHORIZATION, RETRY_AFTER};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::error::{Api, JiraError};
use crate::sim::RecordedRequest;
use crate::sim::okta::routes::base_url;
use crate::sim::server::conn::Conn;
use crate::sim::server::faults::{FaultKind, garbage, html_page, status_code, truncated};
use crate::sim::state::Shared;
use crate::sim::tickets::JIRA_USER;

/// An admitted request: where the site is (for `_links`), and whether an injected fault
/// wants the answer cut short.
pub(super) struct Admitted {
    pub base: String,
    truncate: bool,
}

impl Admitted {
    /// The handler's answer, cut in half when a `truncated` fault asked for it.
    pub async fn answer(self, response: impl IntoResponse) -> Response {
        let response = response.into_response();
        if self.truncate {
            truncated(response).await
        } else {
            response
        }
    }
}

impl FromRequestParts<Arc<Shared>> for Admitted {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        shared: &Arc<Shared>,
    ) -> Result<Self, Self::Rejection> {
        let path = parts.uri.path().to_string();
        shared.record(RecordedRequest {
            method: parts.method.to_string(),
            path: path.clone(),
            query: parts.uri.query().map(str::to_string),
        });
        tracing::debug!(method = %parts.method, path, "sim: jira request");
        let api = Api::of(&path);
        let mut truncate = false;
        match shared.fault_for(&path) {
            Some(FaultKind::Drop) => {
                if let Some(ConnectInfo(conn)) = parts.extensions.get::<ConnectInfo<Conn>>() {
                    conn.kill();
                }
                // Never written: the connection is closed first.
                return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response());
            }
            Some(FaultKind::Delay { millis }) => {
                tokio::time::sleep(Duration::from_millis(millis)).await;
            }
            Some(FaultKind::Status { status }) => {
                return Err(JiraError::for_status(api, status_code(status)).into_response());
            }
            Some(FaultKind::Html { status }) => return Err(html_page(status_code(status))),
            Some(FaultKind::Garbage) => return Err(garbage()),
            Some(FaultKind::RateLimited { reset_secs }) => {
                let mut response = JiraError::new(
                    api,
                    StatusCode::TOO_MANY_REQUESTS,
                    "sd.error.rate.limited",
                    "Rate limit exceeded.",
                )
                .into_response();
                response
                    .headers_mut()
                    .insert(RETRY_AFTER, HeaderValue::from(reset_secs.max(1)));
                return Err(response);
            }
            Some(FaultKind::Truncated) => truncate = true,
            None => {}
        }
        if !authorized(&parts.headers, &shared.token) {
            return Err(JiraError::unauthorized(api).into_response());
        }
        Ok(Admitted {
            base: base_url(&parts.headers, shared),
            truncate,
        })
    }
}

/// `Basic base64(email:api_token)`: the e-mail in any case, the token exactly.
fn authorized(headers: &HeaderMap, token: &str) -> bool {
    let Some(value) = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let Some((scheme, encoded)) = value.trim().split_once(' ') else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return false;
    }
    let Ok(decoded) = STANDARD.decode(encoded.trim()) else {
        return false;
    };
    let Ok(pair) = String::from_utf8(decoded) else {
        return false;
    };
    pair.split_once(':')
        .is_some_and(|(user, secret)| user.eq_ignore_ascii_case(JIRA_USER) && secret == token)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts(auth: &str) -> bool {
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, HeaderValue::from_str(auth).unwrap());
        authorized(&h, "t0k")
    }

    fn basic(pair: &str) -> String {
        format!("Basic {}", STANDARD.encode(pair))
    }

    #[test]
    fn basic_auth_needs_the_jira_user_and_the_exact_token() {
        assert!(!authorized(&HeaderMap::new(), "t0k"));
        assert!(accepts(&basic("accessdesk@example.com:t0k")));
        assert!(accepts(&basic("AccessDesk@Example.com:t0k")));
        assert!(accepts(
            &basic("accessdesk@example.com:t0k").replace("Basic", "basic")
        ));
        for refused in [
            basic("accessdesk@example.com:t0kX"),
            basic("accessdesk@example.com:"),
            basic("someone@example.com:t0k"),
            basic("t0k"),
            "Bearer t0k".to_string(),
            "Basic not-base64!".to_string(),
            "SSWS t0k".to_string(),
        ] {
            assert!(!accepts(&refused), "{refused:?} must be refused");
        }
    }
}
