//! The HTTP core of the Okta client: authentication, timeouts, error decoding, rate-limit
//! bookkeeping and retries. Endpoint code (`users.rs`, `logs.rs`) builds on `get_json`.

use chrono::Utc;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use url::Url;

use super::rate_limits::{self, RateLimits};
use super::wire::ErrorBody;
#[cfg(test)]
use crate::idp::NetworkCause;
use crate::idp::transport::{content_type, describe_body, network_error, retry_get, shape_snippet};
use crate::idp::{ClientOptions, IdpError};
use crate::model::RateLimit;

/// Sent on every request; Okta requires a real User-Agent for push verification.
pub const USER_AGENT: &str = concat!(
    "accessdesk/",
    env!("CARGO_PKG_VERSION"),
    " (okta-management-api)"
);

/// An Okta org's management API.
pub struct OktaClient {
    pub(super) http: reqwest::Client,
    pub(super) base: Url,
    token: SecretString,
    pub(super) options: ClientOptions,
    limits: RateLimits,
}

impl std::fmt::Debug for OktaClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OktaClient")
            .field("base", &self.base.as_str())
            .field("token", &"[REDACTED]")
            .finish()
    }
}

/// A successful response: the body and the headers endpoint code may need (links).
pub(super) struct Answer<T> {
    pub body: T,
    pub headers: HeaderMap,
}

impl OktaClient {
    pub fn new(base: Url, token: SecretString, options: ClientOptions) -> Result<Self, IdpError> {
        let http = options.http_client(USER_AGENT).map_err(IdpError::Invalid)?;
        Ok(Self {
            http,
            base,
            token,
            options,
            limits: RateLimits::default(),
        })
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// The last rate-limit window seen for an endpoint family ("logs", "users", "user", ...).
    pub fn rate_limit(&self, family: &str) -> Option<RateLimit> {
        self.limits.get(family)
    }

    /// A URL on this org: `path` is absolute, e.g. `/api/v1/logs`.
    pub(super) fn url(&self, path: &str) -> Url {
        let mut url = self.base.clone();
        url.set_path(path);
        url
    }

    /// `/api/v1/users/<segments…>`, each segment escaped.
    pub(super) fn user_path(&self, segments: &[&str]) -> Result<url::Url, IdpError> {
        let mut url = self.url("/api/v1/users");
        url.path_segments_mut()
            .map_err(|_| IdpError::Invalid("the org URL cannot take a path".into()))?
            .extend(segments);
        Ok(url)
    }

    /// Only ever send the token back to the org it belongs to.
    pub(super) fn same_origin(&self, url: &Url) -> Result<(), IdpError> {
        if url.origin() == self.base.origin() {
            Ok(())
        } else {
            Err(IdpError::Invalid(format!(
                "refusing to follow a link to {} (not the configured org {})",
                url.origin().ascii_serialization(),
                self.base.origin().ascii_serialization()
            )))
        }
    }

    /// GET and decode JSON, retrying as Okta advises: after a 429 wait for the window to
    /// reset (plus jitter); after a 5xx or a connection error back off exponentially.
    pub(super) async fn get_json<T: DeserializeOwned>(
        &self,
        url: Url,
    ) -> Result<Answer<T>, IdpError> {
        let answer = self.get_bytes(url).await?;
        let body = serde_json::from_slice(&answer.body)
            .map_err(|e| unexpected_shape(&answer.headers, &answer.body, &e))?;
        Ok(Answer {
            body,
            headers: answer.headers,
        })
    }

    /// GET with `get_json`'s retries, the body left undecoded (for streaming decoders).
    pub(super) async fn get_bytes(&self, url: Url) -> Result<Answer<Vec<u8>>, IdpError> {
        self.same_origin(&url)?;
        let answer = retry_get(&self.options, "okta", &url, || {
            self.send_once(Method::GET, url.clone(), None)
        })
        .await?;
        Ok(Answer {
            body: answer.body,
            headers: answer.headers,
        })
    }

    /// A POST or DELETE: sent exactly once, never retried, because Okta may have acted on it
    /// even when the answer is lost. Answers the raw body and the `X-Okta-Request-Id`.
    pub(super) async fn write(
        &self,
        method: Method,
        url: Url,
        body: Option<serde_json::Value>,
    ) -> Result<WriteAnswer, IdpError> {
        self.same_origin(&url)?;
        let answer = self.send_once(method, url, body).await?;
        Ok(WriteAnswer {
            request_id: request_id(&answer.headers),
            status: answer.status,
            body: answer.body,
        })
    }

    /// GET a list and every following page (`link: <…>; rel="next"`), up to `max` items.
    pub(super) async fn get_pages<T: DeserializeOwned>(
        &self,
        first: Url,
        max: usize,
    ) -> Result<Vec<T>, IdpError> {
        let mut items = Vec::new();
        let mut url = first;
        loop {
            let answer = self.get_json::<Vec<T>>(url).await?;
            items.extend(answer.body);
            match super::links::find(&answer.headers, "next") {
                Some(next) if items.len() < max => {
                    url = Url::parse(&next).map_err(|e| {
                        IdpError::Invalid(format!("Okta sent an unusable next link: {e}"))
                    })?;
                }
                _ => break,
            }
        }
        items.truncate(max);
        Ok(items)
    }

    /// One request, no retries. Records the rate-limit window; maps failures to `IdpError`.
    async fn send_once(
        &self,
        method: Method,
        url: Url,
        body: Option<serde_json::Value>,
    ) -> Result<RawAnswer, IdpError> {
        if self.options.read_only && method != Method::GET {
            return Err(IdpError::ReadOnly);
        }
        let mut auth = HeaderValue::from_str(&format!("SSWS {}", self.token.expose_secret()))
            .map_err(|_| {
                IdpError::Invalid(
                    "the API token contains characters not allowed in an HTTP header".into(),
                )
            })?;
        auth.set_sensitive(true);
        let path = url.path().to_string();
        let mut request = self
            .http
            .request(method.clone(), url)
            .header(AUTHORIZATION, auth)
            .header(ACCEPT, "application/json");
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.map_err(network_error)?;
        let status = response.status();
        let headers = response.headers().clone();
        if let Some(limit) = rate_limits::parse(&headers, Utc::now()) {
            self.limits.record(&path, limit);
        }
        let body = response.bytes().await.map_err(network_error)?;
        tracing::debug!(%method, path, status = status.as_u16(), request_id = ?request_id(&headers), "okta");
        if status.is_success() {
            return Ok(RawAnswer {
                status,
                headers,
                body: body.to_vec(),
            });
        }
        Err(error_from_response(status, &headers, &body))
    }
}

/// A success whose body is not what the endpoint promised: not JSON at all (an HTML page a
/// proxy answered with, described like an error page) or JSON of another shape.
pub(super) fn unexpected_shape(
    headers: &HeaderMap,
    body: &[u8],
    e: &serde_json::Error,
) -> IdpError {
    IdpError::UnexpectedBody {
        status: StatusCode::OK.as_u16(),
        content_type: content_type(headers),
        snippet: shape_snippet(body, e),
        request_id: request_id(headers),
    }
}

struct RawAnswer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

/// What a write answered. The body stays bytes: callers decode only the fields they need, so
/// a secret the IdP might include (a reset URL) is never parsed into a string.
pub(super) struct WriteAnswer {
    pub status: StatusCode,
    pub request_id: Option<String>,
    pub body: Vec<u8>,
}

pub(super) fn request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-okta-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Turn a non-2xx answer into a typed error: Okta's error JSON when it is one, otherwise a
/// short, single-line description of whatever came back (an HTML page, garbage, nothing).
pub(super) fn error_from_response(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> IdpError {
    let request_id = request_id(headers);
    if status == StatusCode::TOO_MANY_REQUESTS {
        let reset_in_secs = rate_limits::parse(headers, Utc::now())
            .map(|rl| (rl.reset - Utc::now()).num_milliseconds().max(0) as u64)
            .map(|ms| ms.div_ceil(1000))
            .unwrap_or(1);
        return IdpError::RateLimited {
            reset_in_secs,
            request_id,
        };
    }
    if let Ok(e) = serde_json::from_slice::<ErrorBody>(body) {
        return IdpError::Api {
            status: status.as_u16(),
            code: e.error_code,
            summary: e.error_summary,
            error_id: e.error_id,
            causes: e
                .error_causes
                .into_iter()
                .map(|c| c.error_summary)
                .filter(|s| !s.is_empty())
                .collect(),
            request_id,
        };
    }
    IdpError::UnexpectedBody {
        status: status.as_u16(),
        content_type: content_type(headers),
        snippet: describe_body(body),
        request_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn okta_error_json_becomes_a_typed_error() {
        let body = br#"{"errorCode":"E0000007","errorSummary":"Not found: Resource not found: bob (User)","errorLink":"E0000007","errorId":"oaeX","errorCauses":[{"errorSummary":"gone"}]}"#;
        let e = error_from_response(
            StatusCode::NOT_FOUND,
            &headers(&[("x-okta-request-id", "req1")]),
            body,
        );
        match &e {
            IdpError::Api {
                status,
                code,
                causes,
                error_id,
                request_id,
                ..
            } => {
                assert_eq!(*status, 404);
                assert_eq!(code, "E0000007");
                assert_eq!(causes, &["gone"]);
                assert_eq!(error_id.as_deref(), Some("oaeX"));
                assert_eq!(request_id.as_deref(), Some("req1"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            e.to_string(),
            "Not found: Resource not found: bob (User) (E0000007, HTTP 404, request id req1)"
        );
    }

    #[test]
    fn html_and_garbage_are_described_not_dumped() {
        let html = b"<html><head><title>502 Bad Gateway</title></head><body>...</body></html>";
        let e = error_from_response(
            StatusCode::BAD_GATEWAY,
            &headers(&[("content-type", "text/html")]),
            html,
        );
        assert!(
            matches!(&e, IdpError::UnexpectedBody { snippet, status: 502, .. } if snippet == "HTML page titled \"502 Bad Gateway\""),
            "{e:?}"
        );
        let long = "x".repeat(500);
        let e = error_from_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            &HeaderMap::new(),
            long.as_bytes(),
        );
        assert!(
            matches!(&e, IdpError::UnexpectedBody { snippet, .. } if snippet.chars().count() == 81)
        );
        let e = error_from_response(StatusCode::INTERNAL_SERVER_ERROR, &HeaderMap::new(), b"");
        assert!(matches!(&e, IdpError::UnexpectedBody { snippet, .. } if snippet == "empty body"));
    }

    #[test]
    fn a_success_cut_short_or_not_json_is_said_so() {
        let json = headers(&[("content-type", "application/json")]);
        let shape = |body: &[u8]| {
            let e = serde_json::from_slice::<Vec<u32>>(body).unwrap_err();
            match unexpected_shape(&json, body, &e) {
                IdpError::UnexpectedBody { snippet, .. } => snippet,
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(
            shape(br#"[{"uuid":"a"},{"uu"#),
            "the JSON ends early, after 18 bytes"
        );
        assert!(shape(b"%garbled").starts_with("not JSON: "));
        assert!(shape(br#"{"a":1}"#).starts_with("the JSON does not have the expected shape"));
    }

    #[test]
    fn a_429_reports_when_the_window_resets() {
        let reset = (Utc::now() + chrono::Duration::seconds(3))
            .timestamp()
            .to_string();
        let mut h = headers(&[
            ("x-rate-limit-limit", "10"),
            ("x-rate-limit-remaining", "0"),
        ]);
        h.insert("x-rate-limit-reset", HeaderValue::from_str(&reset).unwrap());
        let e = error_from_response(StatusCode::TOO_MANY_REQUESTS, &h, b"{}");
        assert!(
            matches!(
                e,
                IdpError::RateLimited {
                    reset_in_secs: 2..=4,
                    ..
                }
            ),
            "{e:?}"
        );
    }

    #[test]
    fn only_server_and_network_failures_are_transient() {
        assert!(
            IdpError::Network {
                url: "https://a.okta.com/api/v1/logs".into(),
                cause: NetworkCause::Refused,
                detail: "x".into(),
            }
            .is_transient()
        );
        assert!(
            error_from_response(StatusCode::SERVICE_UNAVAILABLE, &HeaderMap::new(), b"")
                .is_transient()
        );
        assert!(!error_from_response(StatusCode::NOT_FOUND, &HeaderMap::new(), b"").is_transient());
        assert!(!IdpError::Invalid("x".into()).is_transient());
        // A spent rate limit is transient for the poller (a GET waits it out when it can).
        let limited = IdpError::RateLimited {
            reset_in_secs: 30,
            request_id: None,
        };
        assert!(limited.is_transient());
        // A wrong token or a missing role needs a fix, not a retry.
        for status in [StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN] {
            assert!(!error_from_response(status, &HeaderMap::new(), b"").is_transient());
        }
    }
}
