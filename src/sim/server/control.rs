//! `/__sim/*`: test and demo controls, mounted only when `SimConfig::control`
//! is set. No token is needed; the simulator listens on loopback.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::faults::Fault;
use crate::sim::SimError;
use crate::sim::org::ids::iso;
use crate::sim::state::{Shared, lock};

pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/__sim/lockouts", post(inject_lockout))
        .route("/__sim/faults", post(add_fault))
        .route("/__sim/requests", get(requests))
        .route("/__sim/codes", get(codes))
        .route("/__sim/password-changes", post(change_passwords))
}

fn unknown_user(e: &SimError) -> Response {
    (StatusCode::NOT_FOUND, Json(json!({"error": e.to_string()}))).into_response()
}

#[derive(Deserialize)]
struct LockoutRequest {
    login: String,
}

/// `{"login": "..."}` → `200 {"uuid", "published", "userId", "login"}`.
async fn inject_lockout(
    State(shared): State<Arc<Shared>>,
    Json(body): Json<LockoutRequest>,
) -> Response {
    match shared.lock_user(&body.login) {
        Ok(lockout) => Json(lockout).into_response(),
        Err(e) => unknown_user(&e),
    }
}

#[derive(Deserialize)]
struct CodesQuery {
    login: Option<String>,
}

/// `?login=…` → `200 [{"factorId", "factorType", "code", "expiresAt"}]`: the
/// codes the user's SMS / email factors were last sent and the current TOTP
/// codes; the only way, with `SimHandle::last_code`, to read them.
async fn codes(State(shared): State<Arc<Shared>>, Query(q): Query<CodesQuery>) -> Response {
    let Some(login) = q.login else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "the login query parameter is required"})),
        )
            .into_response();
    };
    match shared.known_codes(&login) {
        Ok(codes) => Json(
            codes
                .into_iter()
                .map(|c| {
                    json!({
                        "factorId": c.factor_id,
                        "factorType": c.factor_type,
                        "code": c.code,
                        "expiresAt": iso(c.expires_at),
                    })
                })
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(e) => unknown_user(&e),
    }
}

#[derive(Deserialize)]
struct PasswordChanges {
    count: usize,
}

/// `{"count": n}` → `200 {"logins": [...]}`: that many users change their password now
/// (see `SimHandle::change_passwords`).
async fn change_passwords(
    State(shared): State<Arc<Shared>>,
    Json(body): Json<PasswordChanges>,
) -> Response {
    let logins = lock(&shared.state).change_passwords(body.count, chrono::Utc::now());
    Json(json!({ "logins": logins })).into_response()
}

async fn add_fault(State(shared): State<Arc<Shared>>, Json(fault): Json<Fault>) -> StatusCode {
    lock(&shared.faults).push(fault);
    StatusCode::NO_CONTENT
}

async fn requests(State(shared): State<Arc<Shared>>) -> Response {
    Json(lock(&shared.requests).iter().cloned().collect::<Vec<_>>()).into_response()
}
