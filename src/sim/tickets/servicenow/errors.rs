//! ServiceNow's error body, `{"error":{"message","detail"},"status":"failure"}`, and the
//! answers the simulator gives with it.

use axum::Json;
use axum::http::header::WWW_AUTHENTICATE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

pub(super) fn failure(status: StatusCode, message: &str, detail: Option<&str>) -> Response {
    let detail = detail.map_or(Value::Null, |d| Value::String(d.to_string()));
    (
        status,
        Json(json!({"error": {"message": message, "detail": detail}, "status": "failure"})),
    )
        .into_response()
}

/// No or wrong credentials. The challenge names ServiceNow's realm.
pub(super) fn not_authenticated() -> Response {
    let mut r = failure(
        StatusCode::UNAUTHORIZED,
        "User Not Authenticated",
        Some("Required to provide Auth information"),
    );
    r.headers_mut().insert(
        WWW_AUTHENTICATE,
        HeaderValue::from_static("BASIC realm=\"Service-now\""),
    );
    r
}

/// An ACL refused the operation (the integration user may not write this table).
pub(super) fn not_authorized(table: &str) -> Response {
    failure(
        StatusCode::FORBIDDEN,
        "User Not Authorized",
        Some(&format!(
            "Operation Failed: ACL restricts the write to table {table}"
        )),
    )
}

pub(super) fn no_record() -> Response {
    failure(
        StatusCode::NOT_FOUND,
        "No Record found",
        Some("Record doesn't exist or ACL restricts the record retrieval"),
    )
}

pub(super) fn invalid_table(table: &str) -> Response {
    failure(
        StatusCode::BAD_REQUEST,
        &format!("Invalid table {table}"),
        None,
    )
}

pub(super) fn bad_payload() -> Response {
    failure(
        StatusCode::BAD_REQUEST,
        "Exception while reading request",
        Some("The payload is not valid JSON."),
    )
}

/// What an injected `status` fault answers with.
pub(super) fn for_status(status: StatusCode) -> Response {
    match status.as_u16() {
        401 => not_authenticated(),
        403 => not_authorized("incident"),
        404 => no_record(),
        429 => failure(
            status,
            "Rate limit exceeded",
            Some("The integration user made too many requests"),
        ),
        _ => failure(
            status,
            status.canonical_reason().unwrap_or("Error"),
            Some("The instance could not complete the request"),
        ),
    }
}
