//! `…/users/{userId}/devices[/{deviceId}]`: a user's MFA devices (list, read, delete), over
//! `devices`' view of the org's factors.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use super::devices;
use super::gate::CorrelationId;
use super::user_routes::{respond, served};
use crate::sim::okta::routes::{api_request, base_url};
use crate::sim::state::{Shared, lock};

pub(crate) async fn list_devices(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path((_, key)): Path<(String, String)>,
) -> Response {
    respond((|| {
        let pingone = served(&shared)?;
        let state = lock(&shared.state);
        let i = pingone.env.user(&state.org, &key)?;
        let api = format!("{}/v1", base_url(&headers, &shared));
        Ok(devices::list(&state, &pingone.env, i, &api))
    })())
}

pub(crate) async fn get_device(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path((_, key, device)): Path<(String, String, String)>,
) -> Response {
    respond((|| {
        let pingone = served(&shared)?;
        let state = lock(&shared.state);
        let i = pingone.env.user(&state.org, &key)?;
        let api = format!("{}/v1", base_url(&headers, &shared));
        devices::get(&state, &pingone.env, i, &device, &api)
    })())
}

/// `204` with no body.
pub(crate) async fn delete_device(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
    Extension(CorrelationId(correlation)): Extension<CorrelationId>,
    Path((_, key, device)): Path<(String, String, String)>,
) -> Response {
    let result = (|| {
        let pingone = served(&shared)?;
        let mut state = lock(&shared.state);
        let i = pingone.env.user(&state.org, &key)?;
        let request = api_request(&correlation, &headers, &uri);
        devices::delete(&mut state, i, &device, &request, Utc::now())
    })();
    match result {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}
