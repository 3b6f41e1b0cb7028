//! Jira Service Management's request API over the desk.

use std::sync::Arc;

use axum::Router;

use crate::sim::state::Shared;

pub(super) fn routes() -> Router<Arc<Shared>> {
    Router::new()
}
