//! The auth host's `/{envId}/deviceAuthentications[/{id}]`: start a possession check on one of
//! a user's devices, read it, check a passcode or cancel it (by `Content-Type`), over
//! `device_auth`'s state machine.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::Utc;

use super::api_error::ApiError;
use super::device_auth;
use super::gate::CorrelationId;
use super::user_routes::{media_type, respond, served};
use crate::sim::okta::factor_routes::settle_later;
use crate::sim::okta::routes::{api_request, base_url};
use crate::sim::state::{Shared, lock};

/// `201` with the new authentication; the body must be JSON.
pub(crate) async fn create(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
    Extension(CorrelationId(correlation)): Extension<CorrelationId>,
    body: Bytes,
) -> Response {
    let created = (|| {
        let pingone = served(&shared)?;
        let media = media_type(&headers);
        if !media.eq_ignore_ascii_case("application/json") {
            return Err(ApiError::unsupported_media_type(&media));
        }
        let request = api_request(&correlation, &headers, &uri);
        let auth = base_url(&headers, &shared);
        let mut state = lock(&shared.state);
        device_auth::create(&mut state, &pingone.env, &body, &request, &auth, Utc::now())
    })();
    match created {
        Ok(created) => {
            // The phone's answer (or the timeout) lands in the logs on time even if nobody
            // reads the authentication, as for Okta's pushes.
            if let Some((txn, at)) = created.settle {
                settle_later(shared.clone(), txn, at);
            }
            (StatusCode::CREATED, Json(created.body)).into_response()
        }
        Err(e) => e.into_response(),
    }
}

pub(crate) async fn read(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path((_, id)): Path<(String, String)>,
) -> Response {
    respond((|| {
        let pingone = served(&shared)?;
        let auth = base_url(&headers, &shared);
        let mut state = lock(&shared.state);
        device_auth::read(&mut state, &pingone.env, &id, &auth, Utc::now())
    })())
}

/// A passcode check or a cancel, by `Content-Type`.
pub(crate) async fn update(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
    Extension(CorrelationId(correlation)): Extension<CorrelationId>,
    Path((_, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    respond((|| {
        let pingone = served(&shared)?;
        let content_type = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let request = api_request(&correlation, &headers, &uri);
        let auth = base_url(&headers, &shared);
        let mut state = lock(&shared.state);
        device_auth::update(
            &mut state,
            &pingone.env,
            &id,
            content_type,
            &body,
            &request,
            &auth,
            Utc::now(),
        )
    })())
}
