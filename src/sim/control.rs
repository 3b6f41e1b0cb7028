//! `/__sim/*`: test and demo controls, mounted only when `SimConfig::control`
//! is set. No token is needed; the simulator listens on loopback.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::SimError;
use super::faults::Fault;
use super::state::{Shared, lock};

pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/__sim/lockouts", post(inject_lockout))
        .route("/__sim/faults", post(add_fault))
        .route("/__sim/requests", get(requests))
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
        Err(e @ SimError::UnknownUser(_)) => {
            (StatusCode::NOT_FOUND, Json(json!({"error": e.to_string()}))).into_response()
        }
    }
}

async fn add_fault(State(shared): State<Arc<Shared>>, Json(fault): Json<Fault>) -> StatusCode {
    lock(&shared.faults).push(fault);
    StatusCode::NO_CONTENT
}

async fn requests(State(shared): State<Arc<Shared>>) -> Response {
    Json(lock(&shared.requests).iter().cloned().collect::<Vec<_>>()).into_response()
}
