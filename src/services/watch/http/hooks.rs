//! `/hooks/okta`: Okta event hooks. `GET` is Okta's one-time verification (echo
//! `x-okta-verification-challenge` as `{"verification": …}`); `POST` is a delivery of System
//! Log events, whose lockouts are handed to `watch` at once and answered `200` well within
//! Okta's 3 s. Both must carry the shared secret (`ACCESSDESK_HOOK_SECRET`) in the
//! `Authorization` header; anything else is `401` and changes nothing.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use secrecy::ExposeSecret;
use serde_json::json;
use std::sync::Arc;

use crate::idp::okta::{SECRET_HEADER, lockouts_in_delivery};
use crate::services::watch::WatchShared;

const CHALLENGE_HEADER: &str = "x-okta-verification-challenge";

/// `GET /hooks/okta`
pub async fn verify(State(shared): State<Arc<WatchShared>>, headers: HeaderMap) -> Response {
    if let Err(refused) = authorised(&shared, &headers) {
        return *refused;
    }
    match headers.get(CHALLENGE_HEADER).and_then(|v| v.to_str().ok()) {
        Some(challenge) => {
            tracing::info!("answered Okta's event hook verification");
            Json(json!({ "verification": challenge })).into_response()
        }
        None => (
            StatusCode::BAD_REQUEST,
            "an event hook verification carries the x-okta-verification-challenge header",
        )
            .into_response(),
    }
}

/// `POST /hooks/okta`
pub async fn deliver(
    State(shared): State<Arc<WatchShared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refused) = authorised(&shared, &headers) {
        return *refused;
    }
    let Some(intake) = &shared.hooks else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let lockouts = match lockouts_in_delivery(&body, Utc::now()) {
        Ok(lockouts) => lockouts,
        Err(why) => {
            tracing::warn!(%why, "an event hook delivery that does not decode");
            return (StatusCode::BAD_REQUEST, why).into_response();
        }
    };
    intake.arrived();
    if lockouts.is_empty() {
        return StatusCode::OK.into_response();
    }
    let count = lockouts.len();
    match intake.lockouts.try_send(lockouts) {
        Ok(()) => {
            tracing::info!(lockouts = count, "lockouts from an event hook");
            StatusCode::OK.into_response()
        }
        // Okta tries once more after a 5xx; the backstop poll finds them regardless.
        Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

/// The shared secret must match, compared in constant time.
fn authorised(shared: &WatchShared, headers: &HeaderMap) -> Result<(), Box<Response>> {
    let Some(intake) = &shared.hooks else {
        return Err(Box::new(
            (
                StatusCode::NOT_FOUND,
                "event hooks are off: set ACCESSDESK_HOOK_SECRET and restart watch",
            )
                .into_response(),
        ));
    };
    let given = headers
        .get(SECRET_HEADER)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    if same(given, intake.secret.expose_secret().as_bytes()) {
        Ok(())
    } else {
        tracing::warn!("an event hook call without the shared secret was refused");
        Err(Box::new(StatusCode::UNAUTHORIZED.into_response()))
    }
}

fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
