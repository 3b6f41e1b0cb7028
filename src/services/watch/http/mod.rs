//! `watch --listen`: answer links (`/answer/{token}`), Okta event hooks (`/hooks/okta`),
//! `/healthz` and `/metrics`.

mod answer;
mod hooks;
mod pages;
mod reports;
mod status;

pub use pages::escape;
pub use reports::SUSPICIOUS_REPORT_ACTION;
pub use status::PROMETHEUS_TEXT;

use axum::Router;
use axum::routing::get;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::WatchShared;

pub fn router(shared: Arc<WatchShared>) -> Router {
    Router::new()
        .route("/healthz", get(status::healthz))
        .route("/metrics", get(status::metrics))
        .route("/answer/{token}", get(answer::show).post(answer::apply))
        .route("/hooks/okta", get(hooks::verify).post(hooks::deliver))
        .with_state(shared)
}

/// Serve on `listener` until `stop` turns true (requests under way finish).
pub async fn serve(
    listener: TcpListener,
    shared: Arc<WatchShared>,
    mut stop: watch::Receiver<bool>,
) -> std::io::Result<()> {
    axum::serve(listener, router(shared))
        .with_graceful_shutdown(async move {
            let _ = stop.wait_for(|stopped| *stopped).await;
        })
        .await
}
