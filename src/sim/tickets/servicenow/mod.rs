//! ServiceNow's Table API over the desk: `incident`, `sc_req_item` and `sys_user`.

use std::sync::Arc;

use axum::Router;

use crate::sim::state::Shared;

pub(super) fn routes() -> Router<Arc<Shared>> {
    Router::new()
}
