//! `/{envId}/deviceAuthentications` on the auth host: a push or one-time code to one of a
//! user's MFA devices, driven by the same simulated phones as Okta's factor challenges.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;

use crate::sim::state::Shared;

/// `POST /{envId}/deviceAuthentications`
pub(crate) async fn create(State(_shared): State<Arc<Shared>>) -> Response {
    unimplemented!("contract")
}

/// `GET /{envId}/deviceAuthentications/{id}`
pub(crate) async fn read(State(_shared): State<Arc<Shared>>) -> Response {
    unimplemented!("contract")
}

/// `POST /{envId}/deviceAuthentications/{id}`, the step chosen by `Content-Type`
/// (`device.select`, `otp.check`, `deviceAuthentication.cancel`).
pub(crate) async fn step(State(_shared): State<Arc<Shared>>) -> Response {
    unimplemented!("contract")
}
