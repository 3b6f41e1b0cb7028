//! The PingOne endpoints the simulator serves on one listener: the API under
//! `/v1/environments/{envId}` and the auth host's `/{envId}/as/token` (and device
//! authentications). Unknown paths answer PingOne's 404 body.

use std::sync::Arc;

use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Router, middleware};

use super::api_error::ApiError;
use super::gate::{Kind, pingone_gate};
use super::{activity_routes, device_auth_routes, device_routes, token, user_routes};
use crate::sim::server::control;
use crate::sim::state::Shared;

const ENV: &str = "/v1/environments/{env}";

fn api(path: &str) -> String {
    format!("{ENV}{path}")
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let mut app = Router::new()
        .route("/{env}/as/token", post(token::issue))
        .route(
            "/{env}/deviceAuthentications",
            post(device_auth_routes::create),
        )
        .route(
            "/{env}/deviceAuthentications/{id}",
            get(device_auth_routes::read).post(device_auth_routes::update),
        )
        .route(&api("/users"), get(user_routes::list_users))
        .route(
            &api("/users/{id}"),
            get(user_routes::get_user).post(user_routes::post_user),
        )
        .route(
            &api("/users/{id}/password"),
            get(user_routes::get_password).post(user_routes::post_password),
        )
        .route(
            &api("/users/{id}/memberOfGroups"),
            get(user_routes::member_of_groups),
        )
        .route(
            &api("/users/{id}/devices"),
            get(device_routes::list_devices),
        )
        .route(
            &api("/users/{id}/devices/{device}"),
            get(device_routes::get_device).delete(device_routes::delete_device),
        )
        .route(&api("/groups"), get(user_routes::list_groups))
        .route(&api("/activities"), get(activity_routes::list_activities))
        .route(
            &api("/passwordPolicies"),
            get(user_routes::list_password_policies),
        );
    if shared.control {
        app = app.merge(control::router());
    }
    app.fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(shared.clone(), pingone_gate))
        .with_state(shared)
}

async fn not_found(uri: Uri) -> Response {
    match Kind::of(uri.path()) {
        Kind::Other => (axum::http::StatusCode::NOT_FOUND, "Not Found").into_response(),
        _ => ApiError::path_not_found().into_response(),
    }
}

async fn method_not_allowed(uri: Uri) -> Response {
    match Kind::of(uri.path()) {
        Kind::Other => axum::http::StatusCode::METHOD_NOT_ALLOWED.into_response(),
        _ => ApiError::method_not_allowed().into_response(),
    }
}
