//! Jira Service Management's request API over the desk, with the few Jira platform calls a
//! client needs beside it (user search, JQL search), in Jira Cloud's shapes. Every route goes
//! through [`gate::Admitted`]: recorded, faults applied, basic auth checked.

mod body;
mod error;
mod gate;
mod jql;
mod requests;
mod search;
mod servicedesk;
mod transitions;
mod wire;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};

use crate::sim::state::Shared;

pub(super) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route(
            "/rest/servicedeskapi/servicedesk/{id}",
            get(servicedesk::one),
        )
        .route("/rest/servicedeskapi/request", post(requests::create))
        .route("/rest/servicedeskapi/request/{key}", get(requests::one))
        .route(
            "/rest/servicedeskapi/request/{key}/comment",
            post(requests::comment),
        )
        .route(
            "/rest/servicedeskapi/request/{key}/transition",
            get(transitions::list).post(transitions::perform),
        )
        .route("/rest/api/3/user/search", get(search::users))
        .route("/rest/api/3/search/jql", get(search::issues))
}
