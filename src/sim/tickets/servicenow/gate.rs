//! What every ServiceNow request goes through before its handler: recording, the injected
//! faults (as the Okta gate applies them), and the credential check: basic auth as
//! `accessdesk` with `--token` as the password, or a bearer token from `/oauth_token.do`.

use axum::extract::ConnectInfo;
use axum::http::header::{AUTHORIZATION, RETRY_AFTER};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::errors::{failure, for_status, not_authenticated};
use super::oauth::Tokens;
use crate::sim::RecordedRequest;
use crate::sim::server::conn::Conn;
use crate::sim::server::faults::{FaultKind, garbage, html_page, status_code, truncated};
use crate::sim::state::{Shared, lock};
use crate::sim::tickets::SERVICENOW_USER;

/// A request let through, and whether its answer is to be cut short (a `truncated` fault).
#[derive(Debug)]
pub(super) struct Pass {
    truncate: bool,
}

impl Pass {
    pub async fn finish(self, response: Response) -> Response {
        if self.truncate {
            truncated(response).await
        } else {
            response
        }
    }
}

/// A Table API request: recorded, faulted, then authenticated.
pub(super) async fn admit(shared: &Shared, tokens: &Tokens, req: &Parts) -> Result<Pass, Response> {
    record(shared, req);
    let truncate = apply(shared.fault_for(req.uri.path()), req).await?;
    if !authenticated(&req.headers, &shared.token, tokens) {
        return Err(not_authenticated());
    }
    Ok(Pass { truncate })
}

/// `/oauth_token.do`: recorded, and faulted only by a fault that names its path (as
/// PingOne's token endpoint is), so faults aimed at the API leave sign-in alone.
pub(super) async fn admit_token_endpoint(shared: &Shared, req: &Parts) -> Result<Pass, Response> {
    record(shared, req);
    let fault = lock(&shared.faults).take_named(req.uri.path());
    let truncate = apply(fault, req).await?;
    Ok(Pass { truncate })
}

fn record(shared: &Shared, req: &Parts) {
    shared.record(RecordedRequest {
        method: req.method.to_string(),
        path: req.uri.path().to_string(),
        query: req.uri.query().map(str::to_string),
    });
    tracing::debug!(method = %req.method, path = req.uri.path(), "sim: servicenow request");
}

/// The injected fault's answer, or `Ok(truncate?)` when the request goes on.
async fn apply(fault: Option<FaultKind>, req: &Parts) -> Result<bool, Response> {
    match fault {
        None => Ok(false),
        Some(FaultKind::Truncated) => Ok(true),
        Some(FaultKind::Delay { millis }) => {
            tokio::time::sleep(std::time::Duration::from_millis(millis)).await;
            Ok(false)
        }
        Some(FaultKind::Drop) => {
            if let Some(ConnectInfo(conn)) = req.extensions.get::<ConnectInfo<Conn>>() {
                conn.kill();
            }
            // Never written: the connection is closed first.
            Err(StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
        Some(FaultKind::Status { status }) => Err(for_status(status_code(status))),
        Some(FaultKind::Html { status }) => Err(html_page(status_code(status))),
        Some(FaultKind::Garbage) => Err(garbage()),
        Some(FaultKind::RateLimited { reset_secs }) => {
            let mut r = failure(
                StatusCode::TOO_MANY_REQUESTS,
                "Rate limit exceeded",
                Some("The integration user made too many requests"),
            );
            r.headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(reset_secs.max(1)));
            Err(r)
        }
    }
}

/// Basic `accessdesk:<token>` or a live bearer token.
fn authenticated(headers: &HeaderMap, token: &str, tokens: &Tokens) -> bool {
    let Some(value) = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let Some((scheme, credential)) = value.trim().split_once(' ') else {
        return false;
    };
    let credential = credential.trim();
    if scheme.eq_ignore_ascii_case("basic") {
        STANDARD
            .decode(credential)
            .ok()
            .and_then(|raw| String::from_utf8(raw).ok())
            .and_then(|pair| {
                pair.split_once(':')
                    .map(|(u, p)| u == SERVICENOW_USER && p == token)
            })
            .unwrap_or(false)
    } else if scheme.eq_ignore_ascii_case("bearer") {
        tokens.is_valid(credential)
    } else {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts(auth: &str) -> bool {
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, HeaderValue::from_str(auth).unwrap());
        authenticated(&h, "t0k", &Tokens::default())
    }

    #[test]
    fn basic_auth_takes_the_api_user_and_the_token() {
        let basic = |pair: &str| format!("Basic {}", STANDARD.encode(pair));
        assert!(accepts(&basic("accessdesk:t0k")));
        // The scheme in any case, as HTTP allows.
        assert!(accepts(&format!(
            "basic {}",
            STANDARD.encode("accessdesk:t0k")
        )));
        assert!(!accepts(&basic("accessdesk:nope")));
        assert!(!accepts(&basic("admin:t0k")));
        assert!(!accepts(&basic("accessdesk")));
        assert!(!accepts("Basic !!!"));
        assert!(!accepts("Bearer t0k"));
        assert!(!accepts("SSWS t0k"));
        assert!(!authenticated(&HeaderMap::new(), "t0k", &Tokens::default()));
    }
}
