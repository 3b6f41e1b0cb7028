//! The ticketing systems the simulator serves beside the IdP, on the same port: ServiceNow's
//! Table API under `/api/now/` and Jira Service Management under `/rest/`, both over the one
//! [`desk::Desk`] seeded from the organisation. `GET /__sim/tickets` (under `--control`)
//! answers every ticket with what was written to it.

pub(crate) mod desk;
mod jira;
mod servicenow;

use std::sync::Arc;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::Value;

use crate::sim::state::{Shared, lock};

/// The API user ServiceNow's basic auth expects (the password is `--token`).
pub const SERVICENOW_USER: &str = "accessdesk";
/// The Jira account whose API token is `--token`.
pub const JIRA_USER: &str = "accessdesk@example.com";

/// Both systems' routes, and the control endpoint when `--control` is on. No fallback: the
/// IdP's router answers everything else.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let mut app = servicenow::routes().merge(jira::routes());
    if shared.control {
        app = app.route("/__sim/tickets", get(all_tickets));
    }
    app.with_state(shared)
}

/// Every ticket, oldest first, with its notes, as JSON.
pub(crate) fn tickets_json(shared: &Shared) -> Value {
    serde_json::to_value(&lock(&shared.desk).tickets).unwrap_or(Value::Null)
}

async fn all_tickets(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(tickets_json(&shared))
}
