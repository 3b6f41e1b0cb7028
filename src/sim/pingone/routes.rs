//! The PingOne endpoints the simulator serves: the management API under
//! `/v1/environments/{envId}` and the auth host's paths under `/{envId}`, on one port.

use std::sync::Arc;

use axum::Router;
use axum::routing::get;

use super::{activities, device_auth};
use crate::sim::state::Shared;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/v1/environments/{env}/activities", get(activities::list))
        .route(
            "/{env}/deviceAuthentications",
            axum::routing::post(device_auth::create),
        )
        .route(
            "/{env}/deviceAuthentications/{id}",
            get(device_auth::read).post(device_auth::step),
        )
        .with_state(shared)
}
