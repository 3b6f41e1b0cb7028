//! `POST /api/v1/users/{id}/lifecycle/*`: unlock, reset_password,
//! reset_factors and expire_password, with Okta's bodies and status codes.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::Utc;
use serde_json::json;

use super::api_error::ApiError;
use super::gate::RequestId;
use super::routes::{api_request, base_url, query_pairs, user_agent};
use crate::sim::org::ids::alnum;
use crate::sim::org::user::Links;
use crate::sim::state::{Shared, lock};

/// `200` with an empty body; `403 E0000032` unless the user is LOCKED_OUT.
pub(crate) async fn unlock(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Extension(RequestId(request_id)): Extension<RequestId>,
    Path(key): Path<String>,
) -> Response {
    let mut state = lock(&shared.state);
    let Some(i) = state.org.find(&key) else {
        return ApiError::user_not_found(&key).into_response();
    };
    match state.admin_unlock(i, &request_id, user_agent(&headers), Utc::now()) {
        Ok(()) => StatusCode::OK.into_response(),
        Err(e) => e.into_response(),
    }
}

/// A boolean query parameter: `Ok(None)` when absent, `400 E0000001` unless
/// `true` or `false`.
fn flag(uri: &Uri, name: &str) -> Result<Option<bool>, ApiError> {
    match query_pairs(uri).into_iter().find(|(k, _)| k == name) {
        None => Ok(None),
        Some((_, v)) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some((_, v)) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(_) => Err(ApiError::not_boolean(name)),
    }
}

/// `?sendEmail=true` → `200 {}`; `false` → `200 {"resetPasswordUrl": …}`.
/// A missing `sendEmail` means `true`: the 2026 spec marks it required, but
/// Okta has always defaulted it. `revokeSessions` is checked and accepted;
/// the simulator keeps no sessions to revoke.
pub(crate) async fn reset_password(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
    Extension(RequestId(request_id)): Extension<RequestId>,
    Path(key): Path<String>,
) -> Response {
    let send_email = match (flag(&uri, "sendEmail"), flag(&uri, "revokeSessions")) {
        (Ok(send), Ok(_)) => send.unwrap_or(true),
        (Err(e), _) | (_, Err(e)) => return e.into_response(),
    };
    let base = base_url(&headers, &shared);
    let request = api_request(&request_id, &headers, &uri);
    let mut state = lock(&shared.state);
    let Some(i) = state.org.find(&key) else {
        return ApiError::user_not_found(&key).into_response();
    };
    if let Err(e) = state.reset_password(i, &request, Utc::now()) {
        return e.into_response();
    }
    if send_email {
        Json(json!({})).into_response()
    } else {
        let token = alnum(&mut rand::rng(), 20);
        Json(json!({"resetPasswordUrl": format!("{base}/reset_password/{token}")})).into_response()
    }
}

/// `200` with an empty body, as Okta answers.
pub(crate) async fn reset_factors(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
    Extension(RequestId(request_id)): Extension<RequestId>,
    Path(key): Path<String>,
) -> Response {
    let request = api_request(&request_id, &headers, &uri);
    let mut state = lock(&shared.state);
    let Some(i) = state.org.find(&key) else {
        return ApiError::user_not_found(&key).into_response();
    };
    match state.reset_factors(i, &request, Utc::now()) {
        Ok(()) => StatusCode::OK.into_response(),
        Err(e) => e.into_response(),
    }
}

/// `200` with the whole User, now PASSWORD_EXPIRED (the spec's `User` schema).
pub(crate) async fn expire_password(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
    Extension(RequestId(request_id)): Extension<RequestId>,
    Path(key): Path<String>,
) -> Response {
    let base = base_url(&headers, &shared);
    let request = api_request(&request_id, &headers, &uri);
    let mut state = lock(&shared.state);
    let Some(i) = state.org.find(&key) else {
        return ApiError::user_not_found(&key).into_response();
    };
    if let Err(e) = state.expire_password(i, &request, Utc::now()) {
        return e.into_response();
    }
    let user = &state.org.users[i];
    Json(user.to_json(&base, &state.org.type_id, Links::Lifecycle)).into_response()
}
