//! What every PingOne API (`/v1/…`) and device-authentication request goes through before its
//! handler: recording, injected faults (status faults in PingOne's error body), the Bearer
//! check against the issued tokens, the rate limit (429 with `Retry-After`) and the
//! environment in the path; and what every answer carries: `Correlation-Id`. The token
//! endpoint is recorded and carries the header too, but needs no Bearer token, is not rate
//! limited, and only faults that name its path reach it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::api_error::ApiError;
use super::served::PingOne;
use crate::sim::RecordedRequest;
use crate::sim::okta::rate_limit::Family;
use crate::sim::server::conn::Conn;
use crate::sim::server::faults::{FaultKind, garbage, html_page, status_code, truncated};
use crate::sim::state::{Shared, lock};

/// The current request's `Correlation-Id`, for handlers that write history.
#[derive(Debug, Clone)]
pub(crate) struct CorrelationId(pub String);

/// What a path is to the gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `/v1/…`
    Api,
    /// `/{envId}/deviceAuthentications[/…]`
    DeviceAuth,
    /// `/{envId}/as/token`
    Token,
    /// Control endpoints and anything else: not gated.
    Other,
}

impl Kind {
    pub fn of(path: &str) -> Kind {
        if path == "/v1" || path.starts_with("/v1/") {
            return Kind::Api;
        }
        let mut segments = path.trim_start_matches('/').split('/');
        let env = segments.next().unwrap_or_default();
        if env.is_empty() || env == "__sim" {
            return Kind::Other;
        }
        match (segments.next(), segments.next(), segments.next()) {
            (Some("deviceAuthentications"), _, _) => Kind::DeviceAuth,
            (Some("as"), Some("token"), None) => Kind::Token,
            _ => Kind::Other,
        }
    }
}

/// The environment id a gated path names (`/v1/environments/{id}/…` or `/{id}/…`).
fn path_environment(path: &str, kind: Kind) -> Option<&str> {
    let mut segments = path.trim_start_matches('/').split('/');
    match kind {
        Kind::Api => {
            segments.next();
            (segments.next() == Some("environments")).then(|| segments.next())?
        }
        Kind::DeviceAuth | Kind::Token => segments.next(),
        Kind::Other => None,
    }
}

/// Audit activities have their own budget, like Okta's System Log.
fn family(path: &str) -> Family {
    let mut segments = path.trim_end_matches('/').split('/').skip(1);
    let activities = segments.next() == Some("v1")
        && segments.next() == Some("environments")
        && segments.next().is_some()
        && segments.next() == Some("activities");
    if activities {
        Family::Logs
    } else {
        Family::Default
    }
}

/// Seconds a client must wait, rounded up so waiting that long is past the reset.
fn retry_after(reset_in: Duration) -> u64 {
    reset_in.as_millis().div_ceil(1000).max(1) as u64
}

pub(crate) async fn pingone_gate(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_string();
    let kind = Kind::of(&path);
    let Some(pingone) = shared.pingone.as_ref().filter(|_| kind != Kind::Other) else {
        return next.run(req).await;
    };
    shared.record(RecordedRequest {
        method: req.method().to_string(),
        path: path.clone(),
        query: req.uri().query().map(str::to_string),
    });
    let correlation = uuid::Uuid::new_v4().to_string();
    tracing::debug!(method = %req.method(), path, correlation, "sim: request");
    // Rate-based faults are for the API; the token endpoint meets only faults naming it.
    let fault = if kind == Kind::Token {
        lock(&shared.faults).take_named(&path)
    } else {
        shared.fault_for(&path)
    };
    let mut response = match fault {
        Some(FaultKind::Drop) => {
            if let Some(ConnectInfo(conn)) = req.extensions().get::<ConnectInfo<Conn>>() {
                conn.kill();
            }
            // Never written: the connection is closed first.
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        Some(FaultKind::Delay { millis }) => {
            tokio::time::sleep(Duration::from_millis(millis)).await;
            admit(&shared, pingone, req, next, kind, &correlation).await
        }
        Some(FaultKind::Status { status }) => {
            let reset = lock(&shared.limiter).peek(family(&path), Instant::now());
            ApiError::for_status(status_code(status), retry_after(reset.reset_in)).into_response()
        }
        Some(FaultKind::Html { status }) => html_page(status_code(status)),
        Some(FaultKind::Garbage) => garbage(),
        Some(FaultKind::RateLimited { reset_secs }) => {
            ApiError::rate_limited(reset_secs.max(1)).into_response()
        }
        Some(FaultKind::Truncated) => {
            truncated(admit(&shared, pingone, req, next, kind, &correlation).await).await
        }
        None => admit(&shared, pingone, req, next, kind, &correlation).await,
    };
    if let Ok(id) = HeaderValue::from_str(&correlation) {
        response.headers_mut().insert("correlation-id", id);
    }
    response
}

/// Token check, then the rate limit, then the environment, then the handler.
async fn admit(
    shared: &Shared,
    pingone: &PingOne,
    mut req: Request,
    next: Next,
    kind: Kind,
    correlation: &str,
) -> Response {
    req.extensions_mut()
        .insert(CorrelationId(correlation.to_string()));
    if kind == Kind::Token {
        return next.run(req).await;
    }
    let now = Instant::now();
    if !authorized(req.headers(), pingone, now) {
        return ApiError::access_failed().into_response();
    }
    let path = req.uri().path();
    let quota = lock(&shared.limiter).check(family(path), now);
    if !quota.allowed {
        return ApiError::rate_limited(retry_after(quota.reset_in)).into_response();
    }
    if let Some(env) = path_environment(path, kind)
        && env != pingone.env.id
    {
        return ApiError::not_found("environment", env).into_response();
    }
    next.run(req).await
}

fn authorized(headers: &HeaderMap, pingone: &PingOne, now: Instant) -> bool {
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .is_some_and(|(scheme, token)| {
            scheme.eq_ignore_ascii_case("Bearer")
                && lock(&pingone.tokens).accepts(token.trim(), now)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_told_apart() {
        assert_eq!(Kind::of("/v1/environments/e/users"), Kind::Api);
        assert_eq!(Kind::of("/v1"), Kind::Api);
        assert_eq!(Kind::of("/e/deviceAuthentications"), Kind::DeviceAuth);
        assert_eq!(Kind::of("/e/deviceAuthentications/d"), Kind::DeviceAuth);
        assert_eq!(Kind::of("/e/as/token"), Kind::Token);
        assert_eq!(Kind::of("/e/as/token/x"), Kind::Other);
        assert_eq!(Kind::of("/__sim/info"), Kind::Other);
        assert_eq!(Kind::of("/"), Kind::Other);
        assert_eq!(
            path_environment("/v1/environments/e1/users", Kind::Api),
            Some("e1")
        );
        assert_eq!(path_environment("/v1/users", Kind::Api), None);
        assert_eq!(
            path_environment("/e2/deviceAuthentications", Kind::DeviceAuth),
            Some("e2")
        );
    }

    #[test]
    fn activities_have_their_own_budget() {
        assert_eq!(family("/v1/environments/e/activities"), Family::Logs);
        assert_eq!(family("/v1/environments/e/activities/"), Family::Logs);
        assert_eq!(family("/v1/environments/e/users"), Family::Default);
        assert_eq!(family("/e/deviceAuthentications"), Family::Default);
        assert_eq!(retry_after(Duration::from_millis(1)), 1);
        assert_eq!(retry_after(Duration::from_millis(30_001)), 31);
        assert_eq!(retry_after(Duration::ZERO), 1);
    }
}
