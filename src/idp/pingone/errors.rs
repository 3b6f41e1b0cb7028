//! PingOne's failures as [`IdpError`]s: its error body (`code`, `message`, `details`), the
//! token endpoint's OAuth errors, a 429's `Retry-After`, and the `Correlation-Id` every answer
//! carries (reported as the request id).

use chrono::Utc;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use super::wire::{ErrorBody, OAuthError};
use crate::idp::IdpError;
use crate::idp::transport::{content_type, describe_body, shape_snippet};

/// PingOne's id of the request, from the `Correlation-Id` header.
pub fn correlation_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("correlation-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Seconds until a 429's window resets: `Retry-After` as seconds or as an HTTP date; 1 when
/// PingOne did not say.
pub fn retry_after_secs(headers: &HeaderMap) -> u64 {
    let Some(value) = headers.get(RETRY_AFTER).and_then(|v| v.to_str().ok()) else {
        return 1;
    };
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return secs;
    }
    chrono::DateTime::parse_from_rfc2822(value)
        .map(|at| {
            let ms = (at.to_utc() - Utc::now()).num_milliseconds().max(0) as u64;
            ms.div_ceil(1000)
        })
        .unwrap_or(1)
}

/// A non-2xx answer as a typed error: PingOne's error body or an OAuth error when it is one,
/// otherwise a one-line description of whatever came back.
pub fn error_from_response(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> IdpError {
    let request_id = correlation_id(headers);
    if status == StatusCode::TOO_MANY_REQUESTS {
        return IdpError::RateLimited {
            reset_in_secs: retry_after_secs(headers),
            request_id,
        };
    }
    if let Ok(e) = serde_json::from_slice::<ErrorBody>(body) {
        return IdpError::Api {
            status: status.as_u16(),
            code: e.code,
            summary: e.message,
            error_id: e.id,
            causes: e
                .details
                .into_iter()
                .filter_map(|d| {
                    let message = d.message.filter(|m| !m.is_empty())?;
                    Some(match d.target {
                        Some(target) if !target.is_empty() => format!("{target}: {message}"),
                        _ => message,
                    })
                })
                .collect(),
            request_id,
        };
    }
    if let Ok(e) = serde_json::from_slice::<OAuthError>(body) {
        let summary = e
            .error_description
            .unwrap_or_else(|| match e.error.as_str() {
                "invalid_client" => {
                    "the token endpoint refused the worker app's credentials".into()
                }
                other => format!("the token endpoint refused the request ({other})"),
            });
        return IdpError::Api {
            status: status.as_u16(),
            code: e.error,
            summary,
            error_id: None,
            causes: Vec::new(),
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

/// A 2xx whose body is not what the endpoint promised: not JSON at all, or JSON of another
/// shape.
pub fn unexpected_shape(headers: &HeaderMap, body: &[u8], e: &serde_json::Error) -> IdpError {
    IdpError::UnexpectedBody {
        status: StatusCode::OK.as_u16(),
        content_type: content_type(headers),
        snippet: shape_snippet(body, e),
        request_id: correlation_id(headers),
    }
}

/// The detail code of a PingOne 400 (`INVALID_OTP`, `INVALID_FILTER`, …) and its
/// `innerError.attemptsRemaining`, read from the raw body.
pub fn first_detail(body: &[u8]) -> Option<(String, Option<u32>)> {
    let e = serde_json::from_slice::<ErrorBody>(body).ok()?;
    let d = e.details.into_iter().next()?;
    Some((d.code?, d.inner_error.and_then(|i| i.attempts_remaining)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::idp::pingone::wire::samples::sample;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn the_sample_error_becomes_a_typed_error_with_the_correlation_id() {
        let Some(json) = sample("pingone-synthetic-error-400.json") else {
            return;
        };
        let e = error_from_response(
            StatusCode::BAD_REQUEST,
            &headers(&[("correlation-id", "corr-1")]),
            json.as_bytes(),
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
                assert_eq!(*status, 400);
                assert_eq!(code, "INVALID_DATA");
                assert_eq!(
                    causes,
                    &["filter: The filter expression is not supported for this attribute."]
                );
                assert_eq!(
                    error_id.as_deref(),
                    Some("99999999-9999-4999-8999-999999999999")
                );
                assert_eq!(request_id.as_deref(), Some("corr-1"));
            }
            other => panic!("{other:?}"),
        }
        assert!(
            e.to_string()
                .ends_with("(INVALID_DATA, HTTP 400, request id corr-1)")
        );
    }

    #[test]
    fn an_oauth_error_names_its_code() {
        let e = error_from_response(
            StatusCode::UNAUTHORIZED,
            &HeaderMap::new(),
            br#"{"error":"invalid_client","error_description":"Unsupported authentication method"}"#,
        );
        assert!(
            matches!(&e, IdpError::Api { status: 401, code, summary, .. }
                if code == "invalid_client" && summary == "Unsupported authentication method"),
            "{e:?}"
        );
    }

    #[test]
    fn a_429_waits_as_retry_after_says() {
        let e = error_from_response(
            StatusCode::TOO_MANY_REQUESTS,
            &headers(&[("retry-after", "7")]),
            br#"{"id":"x","code":"REQUEST_LIMITED","message":"slow down"}"#,
        );
        assert!(
            matches!(
                e,
                IdpError::RateLimited {
                    reset_in_secs: 7,
                    ..
                }
            ),
            "{e:?}"
        );
        let e = error_from_response(StatusCode::TOO_MANY_REQUESTS, &HeaderMap::new(), b"");
        assert!(matches!(
            e,
            IdpError::RateLimited {
                reset_in_secs: 1,
                ..
            }
        ));
        let mut h = HeaderMap::new();
        let at = (Utc::now() + chrono::Duration::seconds(30)).to_rfc2822();
        h.insert(RETRY_AFTER, HeaderValue::from_str(&at).unwrap());
        assert!((29..=31).contains(&retry_after_secs(&h)));
    }

    #[test]
    fn html_is_described_not_dumped() {
        let e = error_from_response(
            StatusCode::BAD_GATEWAY,
            &headers(&[("content-type", "text/html")]),
            b"<html><head><title>502 Bad Gateway</title></head></html>",
        );
        assert!(
            matches!(&e, IdpError::UnexpectedBody { snippet, status: 502, .. }
                if snippet == "HTML page titled \"502 Bad Gateway\""),
            "{e:?}"
        );
    }

    #[test]
    fn the_first_detail_carries_the_attempts_left() {
        let body = br#"{"id":"x","code":"INVALID_DATA","message":"m","details":[{"code":"INVALID_OTP","target":"otp","message":"wrong","innerError":{"attemptsRemaining":2}}]}"#;
        assert_eq!(first_detail(body), Some(("INVALID_OTP".into(), Some(2))));
        assert_eq!(first_detail(b"{}"), None);
    }
}
