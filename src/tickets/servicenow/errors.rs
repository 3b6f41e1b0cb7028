//! Turning what ServiceNow answered into a [`TicketError`]: its error body
//! (`{"error":{"message","detail"},"status":"failure"}`) or the OAuth endpoint's
//! (`{"error","error_description"}`) into `Api`; anything else into a one-line description.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde::Deserialize;

use crate::idp::transport::{content_type, describe_body, shape_snippet};
use crate::tickets::{TicketError, TicketProvider};

const PROVIDER: TicketProvider = TicketProvider::ServiceNow;

pub(super) use crate::tickets::failure::Failure;

#[derive(Deserialize)]
struct TableError {
    error: TableErrorDetail,
}

#[derive(Deserialize)]
struct TableErrorDetail {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    detail: Option<String>,
}

#[derive(Deserialize)]
struct OAuthError {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

/// A non-2xx answer as a typed error.
pub(super) fn error_from_response(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Failure {
    let retry_after = (status == StatusCode::TOO_MANY_REQUESTS).then(|| {
        headers
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map_or(Duration::from_secs(1), Duration::from_secs)
    });
    let api = |message: String, detail: Option<String>| TicketError::Api {
        provider: PROVIDER,
        status: status.as_u16(),
        message,
        detail: detail.filter(|d| !d.trim().is_empty()),
    };
    let error = if let Ok(e) = serde_json::from_slice::<TableError>(body) {
        let message = e
            .error
            .message
            .filter(|m| !m.trim().is_empty())
            .unwrap_or_else(|| reason(status));
        api(message, e.error.detail)
    } else if let Ok(e) = serde_json::from_slice::<OAuthError>(body) {
        api(e.error_description.unwrap_or(e.error), None)
    } else if status == StatusCode::TOO_MANY_REQUESTS {
        api(reason(status), None)
    } else {
        TicketError::UnexpectedBody {
            provider: PROVIDER,
            status: status.as_u16(),
            content_type: content_type(headers),
            snippet: describe_body(body),
        }
    };
    Failure { error, retry_after }
}

fn reason(status: StatusCode) -> String {
    status.canonical_reason().unwrap_or("error").to_string()
}

/// A 2xx whose body is not the JSON the endpoint promises.
pub(super) fn unexpected_shape(headers: &HeaderMap, body: &[u8], e: &serde_json::Error) -> Failure {
    TicketError::UnexpectedBody {
        provider: PROVIDER,
        status: StatusCode::OK.as_u16(),
        content_type: content_type(headers),
        snippet: shape_snippet(body, e),
    }
    .into()
}

/// A connection that failed or broke, classified as the IdP clients classify it.
pub(super) fn network_failure(e: reqwest::Error) -> Failure {
    crate::tickets::failure::network(PROVIDER, e).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn the_table_api_error_body_becomes_an_api_error() {
        let body = br#"{"error":{"message":"User Not Authenticated","detail":"Required to provide Auth information"},"status":"failure"}"#;
        let f = error_from_response(StatusCode::UNAUTHORIZED, &HeaderMap::new(), body);
        assert!(
            matches!(&f.error, TicketError::Api { status: 401, message, detail: Some(d), .. }
                if message == "User Not Authenticated" && d.starts_with("Required")),
            "{:?}",
            f.error
        );
        assert_eq!(f.retry_after, None);
        assert!(f.error.hint().contains("SERVICENOW_USERNAME"));
    }

    #[test]
    fn oauth_errors_html_and_rate_limits_are_told_apart() {
        let oauth = br#"{"error_description":"access_denied","error":"server_error"}"#;
        let f = error_from_response(StatusCode::UNAUTHORIZED, &HeaderMap::new(), oauth);
        assert!(matches!(&f.error, TicketError::Api { message, .. } if message == "access_denied"));
        let mut html = HeaderMap::new();
        html.insert("content-type", HeaderValue::from_static("text/html"));
        let f = error_from_response(
            StatusCode::BAD_GATEWAY,
            &html,
            b"<html><head><title>502 Bad Gateway</title></head></html>",
        );
        assert!(
            matches!(&f.error, TicketError::UnexpectedBody { status: 502, snippet, .. }
                if snippet == "HTML page titled \"502 Bad Gateway\""),
            "{:?}",
            f.error
        );
        assert!(f.error.is_transient());
        let mut limited = HeaderMap::new();
        limited.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        let f = error_from_response(StatusCode::TOO_MANY_REQUESTS, &limited, b"");
        assert_eq!(f.retry_after, Some(Duration::from_secs(3)));
        assert!(matches!(f.error, TicketError::Api { status: 429, .. }));
    }
}
