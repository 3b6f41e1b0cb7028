//! PingOne's platform-wide error body (`id`, `code`, `message`, `details[]`) and the errors
//! the simulator answers with.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// One entry of `details[]`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ErrorDetail {
    pub code: &'static str,
    pub target: Option<String>,
    pub message: String,
    /// `innerError`, when the detail carries one (e.g. `attemptsRemaining`).
    pub inner: Option<Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Vec<ErrorDetail>,
    /// Seconds for `Retry-After` (429 only).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            details: Vec::new(),
            retry_after: None,
        }
    }

    pub fn with_detail(
        mut self,
        code: &'static str,
        target: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        self.details.push(ErrorDetail {
            code,
            target: target.map(str::to_string),
            message: message.into(),
            inner: None,
        });
        self
    }

    /// Missing, malformed, unknown or expired access token (PingOne answers 401 `ACCESS_FAILED`).
    pub fn access_failed() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "ACCESS_FAILED",
            "The request could not be completed. You do not have access to this resource.",
        )
    }

    /// A valid token whose roles do not reach this resource.
    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "ACCESS_FAILED",
            "The request could not be completed. The actor attempting to perform the request \
             is not authorized.",
        )
    }

    pub fn not_found(what: &str, id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            format!("Unable to find {what} with id '{id}'"),
        )
    }

    pub fn path_not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "The requested resource was not found.",
        )
    }

    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "INVALID_REQUEST",
            "The request method is not supported for this resource.",
        )
    }

    /// A `POST` whose `Content-Type` selects no operation on this resource.
    pub fn unsupported_media_type(content_type: &str) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "INVALID_REQUEST",
            format!("The Content-Type '{content_type}' is not supported for this resource."),
        )
    }

    /// 400 `INVALID_DATA` with one `INVALID_FILTER` detail.
    pub fn invalid_filter(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "INVALID_DATA",
            "The request could not be completed. One or more validation errors were in the \
             request.",
        )
        .with_detail("INVALID_FILTER", Some("filter"), message)
    }

    /// 400 `INVALID_DATA` with one `INVALID_VALUE` detail on `target`.
    pub fn invalid_value(target: &str, message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "INVALID_DATA",
            "The request could not be completed. One or more validation errors were in the \
             request.",
        )
        .with_detail("INVALID_VALUE", Some(target), message)
    }

    /// 400 `REQUEST_FAILED`: the request was understood but cannot be carried out now.
    pub fn request_failed(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "REQUEST_FAILED", message)
    }

    pub fn rate_limited(retry_after: u64) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "REQUEST_LIMITED",
            "The request could not be completed. Too many requests were made.",
        );
        e.retry_after = Some(retry_after.max(1));
        e
    }

    /// PingOne's 5xx code is `UNEXPECTED_ERROR` (Ping's combined OpenAPI document, 500).
    pub fn server_error() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "UNEXPECTED_ERROR",
            "The request could not be completed. An unexpected error occurred.",
        )
    }

    /// PingOne's error for an injected status fault: the code PingOne uses with that status.
    /// `retry_after` is what a 429 says.
    pub fn for_status(status: StatusCode, retry_after: u64) -> Self {
        let mut e = match status.as_u16() {
            400 => Self::new(
                status,
                "INVALID_DATA",
                "The request could not be completed.",
            ),
            401 => Self::access_failed(),
            403 => Self::forbidden(),
            404 => Self::path_not_found(),
            405 => Self::method_not_allowed(),
            429 => Self::rate_limited(retry_after),
            _ if status.is_client_error() => Self::new(
                status,
                "INVALID_REQUEST",
                "The request could not be completed.",
            ),
            _ => Self::server_error(),
        };
        e.status = status;
        e
    }

    /// The body PingOne sends, with a fresh `id`.
    pub fn body(&self) -> Value {
        let mut body = json!({
            "id": uuid::Uuid::new_v4().to_string(),
            "code": self.code,
            "message": self.message,
        });
        if !self.details.is_empty() {
            body["details"] = self
                .details
                .iter()
                .map(|d| {
                    let mut v = json!({"code": d.code, "message": d.message});
                    if let Some(t) = &d.target {
                        v["target"] = json!(t);
                    }
                    if let Some(inner) = &d.inner {
                        v["innerError"] = inner.clone();
                    }
                    v
                })
                .collect();
        }
        body
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body())).into_response();
        if let Some(seconds) = self.retry_after
            && let Ok(value) = seconds.to_string().parse()
        {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, value);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_has_pingones_shape() {
        let body = ApiError::invalid_filter("unknown attribute 'nope'").body();
        assert_eq!(body["code"], "INVALID_DATA");
        assert_eq!(body["details"][0]["code"], "INVALID_FILTER");
        assert_eq!(body["details"][0]["target"], "filter");
        assert!(uuid::Uuid::parse_str(body["id"].as_str().unwrap()).is_ok());
        assert!(ApiError::access_failed().body().get("details").is_none());
    }

    #[test]
    fn injected_statuses_keep_their_status_with_pingones_codes() {
        let code = |s: u16| {
            let e = ApiError::for_status(StatusCode::from_u16(s).unwrap(), 3);
            assert_eq!(e.status.as_u16(), s);
            e.code
        };
        assert_eq!(code(400), "INVALID_DATA");
        assert_eq!(code(401), "ACCESS_FAILED");
        assert_eq!(code(404), "NOT_FOUND");
        assert_eq!(code(409), "INVALID_REQUEST");
        assert_eq!(code(429), "REQUEST_LIMITED");
        assert_eq!(code(500), "UNEXPECTED_ERROR");
        assert_eq!(code(503), "UNEXPECTED_ERROR");
        let limited = ApiError::for_status(StatusCode::TOO_MANY_REQUESTS, 3).into_response();
        assert_eq!(limited.headers()["retry-after"], "3");
    }

    #[test]
    fn a_429_says_when_to_come_back() {
        let response = ApiError::rate_limited(7).into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()["retry-after"], "7");
    }
}
