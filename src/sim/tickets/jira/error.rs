//! Jira's two error bodies: the service desk API's `{errorMessage, i18nErrorMessage}` and the
//! platform API's `{errorMessages: [...], errors: {...}}`, chosen by the path as Jira does.

use axum::Json;
use axum::http::header::WWW_AUTHENTICATE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Which of Jira's APIs answers, and so which error body it sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Api {
    /// `/rest/servicedeskapi/…`
    ServiceDesk,
    /// `/rest/api/3/…`
    Platform,
}

impl Api {
    pub fn of(path: &str) -> Api {
        if path.starts_with("/rest/servicedeskapi") {
            Api::ServiceDesk
        } else {
            Api::Platform
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct JiraError {
    pub api: Api,
    pub status: StatusCode,
    /// Service desk API only: the message's translation key.
    pub i18n_key: &'static str,
    pub message: String,
}

impl JiraError {
    pub fn new(
        api: Api,
        status: StatusCode,
        i18n_key: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            api,
            status,
            i18n_key,
            message: message.into(),
        }
    }

    pub fn unauthorized(api: Api) -> Self {
        Self::new(
            api,
            StatusCode::UNAUTHORIZED,
            "sd.error.unauthorized",
            "Client must be authenticated to access this resource.",
        )
    }

    pub fn request_not_found(key: &str) -> Self {
        Self::new(
            Api::ServiceDesk,
            StatusCode::NOT_FOUND,
            "sd.customer.request.not.found",
            format!("The request '{key}' could not be found."),
        )
    }

    pub fn bad_request(api: Api, message: impl Into<String>) -> Self {
        Self::new(api, StatusCode::BAD_REQUEST, "sd.request.invalid", message)
    }

    /// What an injected `status` fault answers.
    pub fn for_status(api: Api, status: StatusCode) -> Self {
        let message = match status.as_u16() {
            500 => "Internal server error",
            502 | 503 => "Service unavailable: please try again later",
            504 => "The request timed out",
            _ => status.canonical_reason().unwrap_or("Error"),
        };
        Self::new(api, status, "sd.error.server", message)
    }
}

impl IntoResponse for JiraError {
    fn into_response(self) -> Response {
        let body = match self.api {
            Api::ServiceDesk => json!({
                "errorMessage": self.message,
                "i18nErrorMessage": {"i18nKey": self.i18n_key, "parameters": []},
            }),
            Api::Platform => json!({"errorMessages": [self.message], "errors": {}}),
        };
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"protected-area\""),
            );
        }
        response
    }
}
