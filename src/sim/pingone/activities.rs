//! `GET /v1/environments/{envId}/activities`: the event history as PingOne audit activities.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;

use crate::sim::state::Shared;

pub(crate) async fn list(State(_shared): State<Arc<Shared>>) -> Response {
    unimplemented!("contract")
}
