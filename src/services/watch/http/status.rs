//! `GET /healthz` and `GET /metrics`.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use std::sync::Arc;

use crate::services::watch::WatchShared;

/// The Prometheus text exposition format's content type.
pub const PROMETHEUS_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// 200 with `{"status":"ok", ...}` while the lockout poll is healthy, 503 with
/// `{"status":"failing", ...}` once it has failed (or not yet succeeded) for
/// `watch::STALE_AFTER`.
pub async fn healthz(State(shared): State<Arc<WatchShared>>) -> Response {
    let report = shared
        .poll
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .report(Utc::now());
    let status = if report.status == "ok" {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(report)).into_response()
}

/// The counters, with the outbox's notices by kind, channel and state counted now.
pub async fn metrics(State(shared): State<Arc<WatchShared>>) -> Response {
    match shared.outbox().state_counts() {
        Ok(counts) => shared.metrics.set_outbox(&counts),
        Err(e) => tracing::warn!(error = %e, "outbox counts unavailable for /metrics"),
    }
    let text = shared.metrics.render(Utc::now());
    ([(header::CONTENT_TYPE, PROMETHEUS_TEXT)], text).into_response()
}
