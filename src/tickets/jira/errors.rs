//! A failed Jira answer as a [`TicketError`]: the service desk API's `{errorMessage,
//! i18nErrorMessage}`, the platform's `{errorMessages, errors}`, or a one-line description of
//! anything else (an HTML login page, a proxy's error, garbage). A 429 keeps its Retry-After.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde::Deserialize;

use crate::idp::transport::{content_type, describe_body};
use crate::tickets::{TicketError, TicketProvider};

const JIRA: TicketProvider = TicketProvider::Jira;

pub(super) use crate::tickets::failure::Failure;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ServiceDeskError {
    error_message: String,
    #[serde(default)]
    i18n_error_message: Option<I18n>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct I18n {
    #[serde(default)]
    i18n_key: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlatformError {
    #[serde(default)]
    error_messages: Vec<String>,
    #[serde(default)]
    errors: BTreeMap<String, String>,
}

/// The error a non-2xx answer stands for.
pub(super) fn from_response(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Failure {
    let retry_after = (status == StatusCode::TOO_MANY_REQUESTS)
        .then(|| retry_after(headers, Utc::now()).unwrap_or(Duration::from_secs(1)));
    let api = |message: String, detail: Option<String>| TicketError::Api {
        provider: JIRA,
        status: status.as_u16(),
        message,
        detail,
    };
    let error = if let Ok(e) = serde_json::from_slice::<ServiceDeskError>(body) {
        api(
            e.error_message,
            e.i18n_error_message.and_then(|i| i.i18n_key),
        )
    } else if let Ok(e) = serde_json::from_slice::<PlatformError>(body)
        && !(e.error_messages.is_empty() && e.errors.is_empty())
    {
        let fields: Vec<String> = e.errors.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        if e.error_messages.is_empty() {
            api(fields.join("; "), None)
        } else {
            api(
                e.error_messages.join("; "),
                (!fields.is_empty()).then(|| fields.join("; ")),
            )
        }
    } else {
        TicketError::UnexpectedBody {
            provider: JIRA,
            status: status.as_u16(),
            content_type: content_type(headers),
            snippet: describe_body(body),
        }
    };
    Failure { error, retry_after }
}

/// `Retry-After` in seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = DateTime::parse_from_rfc2822(value).ok()?;
    Some(
        (at.with_timezone(&Utc) - now)
            .to_std()
            .unwrap_or(Duration::ZERO),
    )
}

/// A connection that failed, said as the IdP clients say it.
pub(super) fn network(e: reqwest::Error) -> TicketError {
    crate::tickets::failure::network(JIRA, e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn error(status: u16, body: &str) -> TicketError {
        from_response(
            StatusCode::from_u16(status).unwrap(),
            &HeaderMap::new(),
            body.as_bytes(),
        )
        .error
    }

    #[test]
    fn both_error_bodies_become_api_errors() {
        let e = error(
            404,
            r#"{"errorMessage":"The request 'HD-9' could not be found.","i18nErrorMessage":{"i18nKey":"sd.customer.request.not.found","parameters":[]}}"#,
        );
        assert!(
            matches!(&e, TicketError::Api { status: 404, message, detail: Some(d), .. } if message.contains("HD-9") && d == "sd.customer.request.not.found"),
            "{e:?}"
        );
        let e = error(
            400,
            r#"{"errorMessages":["Error in the JQL Query: x"],"errors":{"jql":"bad"}}"#,
        );
        assert_eq!(
            e.to_string(),
            "Jira Service Management refused: Error in the JQL Query: x (HTTP 400): jql: bad"
        );
        let e = error(
            400,
            r#"{"errorMessages":[],"errors":{"summary":"required"}}"#,
        );
        assert!(matches!(&e, TicketError::Api { message, .. } if message == "summary: required"));
    }

    #[test]
    fn anything_else_is_described_in_a_line() {
        let e = error(502, "<html><title>Bad gateway</title></html>");
        assert!(
            matches!(&e, TicketError::UnexpectedBody { status: 502, snippet, .. } if snippet == "HTML page titled \"Bad gateway\""),
            "{e:?}"
        );
        assert!(matches!(
            error(400, "{}"),
            TicketError::UnexpectedBody { .. }
        ));
    }

    #[test]
    fn a_429_keeps_its_retry_after() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        let f = from_response(StatusCode::TOO_MANY_REQUESTS, &h, b"");
        assert_eq!(f.retry_after, Some(Duration::from_secs(7)));
        let now = Utc::now();
        let later = (now + chrono::Duration::seconds(30)).to_rfc2822();
        h.insert(RETRY_AFTER, HeaderValue::from_str(&later).unwrap());
        let wait = retry_after(&h, now).unwrap();
        assert!((29..=30).contains(&wait.as_secs()), "{wait:?}");
        let f = from_response(StatusCode::TOO_MANY_REQUESTS, &HeaderMap::new(), b"");
        assert_eq!(f.retry_after, Some(Duration::from_secs(1)));
    }
}
