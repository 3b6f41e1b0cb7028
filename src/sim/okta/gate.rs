//! What every `/api/v1` request goes through before its handler: recording,
//! injected faults, the SSWS token check and the rate limit; and what every
//! answer carries: `X-Okta-Request-Id` and the `X-Rate-Limit-*` headers.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{AUTHORIZATION, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use super::api_error::ApiError;
use super::rate_limit::{Family, Quota};
use crate::sim::RecordedRequest;
use crate::sim::org::ids::request_id;
use crate::sim::server::conn::Conn;
use crate::sim::server::faults::{FaultKind, garbage, html_page, status_code, truncated};
use crate::sim::state::{Shared, lock};

/// The request id of the current request, for handlers that log events.
#[derive(Debug, Clone)]
pub(crate) struct RequestId(pub String);

pub(crate) fn is_api(path: &str) -> bool {
    path == "/api/v1" || path.starts_with("/api/v1/")
}

pub(crate) async fn api_gate(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_string();
    if !is_api(&path) {
        return next.run(req).await;
    }
    shared.record(RecordedRequest {
        method: req.method().to_string(),
        path: path.clone(),
        query: req.uri().query().map(str::to_string),
    });
    let request_id = request_id(&mut rand::rng());
    tracing::debug!(method = %req.method(), path, request_id, "sim: request");
    let family = Family::of(req.method(), &path);
    let fault = shared.fault_for(&path);
    let peek = || lock(&shared.limiter).peek(family, Instant::now());
    let (mut response, quota) = match fault {
        Some(FaultKind::Drop) => {
            if let Some(ConnectInfo(conn)) = req.extensions().get::<ConnectInfo<Conn>>() {
                conn.kill();
            }
            // Never written: the connection is closed first.
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        Some(FaultKind::Delay { millis }) => {
            tokio::time::sleep(Duration::from_millis(millis)).await;
            admit(&shared, req, next, family, &request_id).await
        }
        Some(FaultKind::Status { status }) => (
            ApiError::for_status(status_code(status)).into_response(),
            peek(),
        ),
        Some(FaultKind::Html { status }) => (html_page(status_code(status)), peek()),
        Some(FaultKind::Garbage) => (garbage(), peek()),
        Some(FaultKind::RateLimited { reset_secs }) => {
            let reset_in = Duration::from_secs(reset_secs.max(1));
            let mut response = ApiError::rate_limited().into_response();
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(reset_in.as_secs()));
            let spent = Quota {
                allowed: false,
                remaining: 0,
                reset_in,
                ..peek()
            };
            (response, spent)
        }
        Some(FaultKind::Truncated) => {
            let (response, quota) = admit(&shared, req, next, family, &request_id).await;
            (truncated(response).await, quota)
        }
        None => admit(&shared, req, next, family, &request_id).await,
    };
    set_headers(response.headers_mut(), &request_id, quota);
    response
}

/// Token check, then the rate limit, then the handler.
async fn admit(
    shared: &Shared,
    mut req: Request,
    next: Next,
    family: Family,
    request_id: &str,
) -> (Response, Quota) {
    if !authorized(req.headers(), &shared.token) {
        let quota = lock(&shared.limiter).peek(family, Instant::now());
        return (ApiError::invalid_token().into_response(), quota);
    }
    let quota = lock(&shared.limiter).check(family, Instant::now());
    if !quota.allowed {
        return (ApiError::rate_limited().into_response(), quota);
    }
    req.extensions_mut()
        .insert(RequestId(request_id.to_string()));
    (next.run(req).await, quota)
}

fn authorized(headers: &HeaderMap, token: &str) -> bool {
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(ssws_token)
        .is_some_and(|value| value == token)
}

/// The token of an `SSWS` credential. Okta takes the scheme in any case and
/// with or without whitespace before the token (the official Python SDK 3.x
/// sends `SSWS<token>`); the token itself must follow exactly, so `SSWSx<token>`
/// or a token with trailing junk is still refused. Only HTTP's optional
/// whitespace around the whole value is ignored.
fn ssws_token(value: &str) -> Option<&str> {
    let value = value.trim_matches([' ', '\t']);
    let scheme = value.get(..4)?;
    if !scheme.eq_ignore_ascii_case("SSWS") {
        return None;
    }
    let token = value[4..].trim_start_matches([' ', '\t']);
    (!token.is_empty()).then_some(token)
}

fn set_headers(headers: &mut HeaderMap, request_id: &str, quota: Quota) {
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-okta-request-id", id);
    }
    headers.insert("x-rate-limit-limit", HeaderValue::from(quota.limit));
    headers.insert("x-rate-limit-remaining", HeaderValue::from(quota.remaining));
    // Epoch seconds, rounded up so a client waiting until then is past the reset.
    let reset_ms = Utc::now().timestamp_millis()
        + i64::try_from(quota.reset_in.as_millis()).unwrap_or(i64::MAX / 2);
    headers.insert(
        "x-rate-limit-reset",
        HeaderValue::from((reset_ms + 999) / 1000),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts(auth: &str) -> bool {
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, HeaderValue::from_str(auth).unwrap());
        authorized(&h, "t0k")
    }

    #[test]
    fn token_must_match_with_the_ssws_scheme() {
        assert!(!authorized(&HeaderMap::new(), "t0k"));
        assert!(accepts("SSWS t0k"));
        assert!(accepts("ssws t0k"));
        assert!(!accepts("Bearer t0k"));
        assert!(!accepts("SSWS t0kX"));
        assert!(!accepts("SSWS nope"));
    }

    #[test]
    fn whitespace_after_the_scheme_is_optional() {
        // What Okta's Python SDK 3.x sends.
        assert!(accepts("SSWSt0k"));
        assert!(accepts("sSwSt0k"));
        assert!(accepts("SSWS  t0k"));
        assert!(accepts("SSWS\tt0k"));
    }

    #[test]
    fn nothing_looser_than_optional_whitespace() {
        for auth in [
            "SSWSxt0k",
            "SSWS-t0k",
            "SSWS:t0k",
            "SSWS t0k junk",
            "SSWS t0kjunk",
            "SSWSt0k,x",
            "SSWS",
            "SSWS ",
            "SSW t0k",
            "Bearer t0k",
            "BearerSSWS t0k",
            "t0k",
            "SSWS t 0k",
        ] {
            assert!(!accepts(auth), "{auth:?} must be refused");
        }
    }

    #[test]
    fn reset_header_is_in_epoch_seconds_rounded_up() {
        let mut h = HeaderMap::new();
        let quota = Quota {
            allowed: true,
            limit: 120,
            remaining: 7,
            reset_in: Duration::from_secs(30),
        };
        set_headers(&mut h, "abc", quota);
        let reset: i64 = h["x-rate-limit-reset"].to_str().unwrap().parse().unwrap();
        let now = Utc::now().timestamp();
        assert!((now + 30..=now + 31).contains(&reset), "{reset} vs {now}");
        assert_eq!(h["x-rate-limit-limit"], "120");
        assert_eq!(h["x-rate-limit-remaining"], "7");
        assert_eq!(h["x-okta-request-id"], "abc");
    }
}
