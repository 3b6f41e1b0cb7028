//! Okta's error body (`errorCode`, `errorSummary`, `errorLink`, `errorId`,
//! `errorCauses`) and the errors the simulator answers with.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::sim::org::ids::error_id;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub summary: String,
    pub causes: Vec<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, summary: impl Into<String>) -> Self {
        Self {
            status,
            code,
            summary: summary.into(),
            causes: Vec::new(),
        }
    }

    pub fn with_cause(mut self, cause: impl Into<String>) -> Self {
        self.causes.push(cause.into());
        self
    }

    pub fn invalid_token() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "E0000011",
            "Invalid token provided",
        )
    }

    pub fn user_not_found(key: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "E0000007",
            format!("Not found: Resource not found: {key} (User)"),
        )
    }

    pub fn group_not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "E0000007",
            format!("Not found: Resource not found: {id} (UserGroup)"),
        )
    }

    pub fn path_not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "E0000008",
            "The requested path was not found",
        )
    }

    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "E0000022",
            "The endpoint does not support the provided HTTP method",
        )
    }

    pub fn rate_limited() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "E0000047",
            "API call exceeded rate limit due to too many requests.",
        )
    }

    /// `E0000001`, naming the parameter as Okta does: `Api validation failed: 'limit'`.
    pub fn validation(param: &str, cause: impl Into<String>) -> Self {
        let cause = cause.into();
        Self::new(
            StatusCode::BAD_REQUEST,
            "E0000001",
            format!("Api validation failed: '{param}': {cause}"),
        )
        .with_cause(format!("{param}: {cause}"))
    }

    /// `E0000031`: a search/filter that uses an unsupported field or operator.
    pub fn invalid_search(cause: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "E0000031",
            "Invalid search criteria.",
        )
        .with_cause(cause)
    }

    /// `E0000053`: invalid SCIM filter, unknown field or out-of-range `since` (System Log).
    pub fn invalid_log_filter(summary: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "E0000053", summary)
    }

    pub fn unlock_not_allowed() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "E0000032",
            "Unlock is not allowed for this user.",
        )
        .with_cause("The user is not locked out.")
    }

    /// `403 E0000038`, Okta's generic answer to a lifecycle operation the
    /// user's status does not allow (documented for reactivate; used for every
    /// operation here, since the codes of the others are not documented).
    pub fn wrong_status() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "E0000038",
            "This operation is not allowed in the user's current status.",
        )
    }

    pub fn factor_not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "E0000007",
            format!("Not found: Resource not found: {id} (UserFactor)"),
        )
    }

    pub fn transaction_not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "E0000007",
            format!("Not found: Resource not found: {id} (Transaction)"),
        )
    }

    /// `403 E0000068`: a wrong, expired or replayed passcode.
    pub fn invalid_passcode() -> Self {
        Self::new(StatusCode::FORBIDDEN, "E0000068", "Invalid Passcode/Answer")
            .with_cause("Your passcode doesn't match our records. Please try again.")
    }

    /// `400 E0000003`: the body is not JSON of the expected shape.
    pub fn malformed_body() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "E0000003",
            "The request body was not well-formed.",
        )
    }

    /// The query parameter is not `true` or `false`.
    pub fn not_boolean(param: &str) -> Self {
        Self::validation(param, "must be true or false")
    }

    /// The Okta error an upstream failure of this status would carry (for injected faults).
    pub fn for_status(status: StatusCode) -> Self {
        let (code, summary) = match status.as_u16() {
            400 => ("E0000001", "Api validation failed"),
            401 => ("E0000011", "Invalid token provided"),
            403 => (
                "E0000006",
                "You do not have permission to perform the requested action",
            ),
            404 => ("E0000007", "Not found: Resource not found"),
            429 => (
                "E0000047",
                "API call exceeded rate limit due to too many requests.",
            ),
            503 => ("E0000010", "Service is in read only mode"),
            _ => ("E0000009", "Internal Server Error"),
        };
        Self::new(status, code, summary)
    }

    pub fn body(&self) -> Value {
        let causes: Vec<Value> = self
            .causes
            .iter()
            .map(|c| json!({"errorSummary": c}))
            .collect();
        json!({
            "errorCode": self.code,
            "errorSummary": self.summary,
            "errorLink": self.code,
            "errorId": error_id(&mut rand::rng()),
            "errorCauses": causes,
        })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_okta_fields() {
        let b = ApiError::invalid_token().body();
        assert_eq!(b["errorCode"], "E0000011");
        assert_eq!(b["errorSummary"], "Invalid token provided");
        assert_eq!(b["errorLink"], "E0000011");
        assert!(b["errorId"].as_str().unwrap().starts_with("oae"));
        assert_eq!(b["errorCauses"], json!([]));
        let v = ApiError::validation("limit", "must be between 0 and 1000").body();
        assert_eq!(
            v["errorCauses"][0]["errorSummary"],
            "limit: must be between 0 and 1000"
        );
    }

    #[test]
    fn fault_statuses_map_to_okta_codes() {
        assert_eq!(
            ApiError::for_status(StatusCode::INTERNAL_SERVER_ERROR).code,
            "E0000009"
        );
        assert_eq!(
            ApiError::for_status(StatusCode::SERVICE_UNAVAILABLE).code,
            "E0000010"
        );
        assert_eq!(
            ApiError::for_status(StatusCode::TOO_MANY_REQUESTS).code,
            "E0000047"
        );
    }
}
