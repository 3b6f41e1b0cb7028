//! `GET …/activities`: audit activities, over `activities`' view of the history (the
//! `recordedat`-bounded filter, the 14-day window, oldest-first pages).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use chrono::Utc;

use super::activities;
use super::user_routes::{respond, served};
use crate::sim::okta::routes::base_url;
use crate::sim::state::{Shared, lock};

pub(crate) async fn list_activities(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    respond((|| {
        let pingone = served(&shared)?;
        let api = format!("{}/v1", base_url(&headers, &shared));
        let state = lock(&shared.state);
        activities::page(
            &state,
            &pingone.env,
            uri.query().unwrap_or(""),
            &api,
            Utc::now(),
        )
    })())
}
