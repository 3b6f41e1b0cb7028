//! Groups: `GET /api/v1/groups`, `/groups/{id}` and `/groups/{id}/users` (members as the
//! users list renders them), all in the default rate-limit bucket.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};

use super::api_error::ApiError;
use super::groups_query::{GroupsQuery, MembersQuery};
use super::routes::{base_url, list, query_pairs};
use super::users_query::render;
use crate::sim::state::{Shared, lock};

pub(crate) async fn list_groups(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let base = base_url(&headers, &shared);
    let query = match GroupsQuery::parse(&query_pairs(&uri)) {
        Ok(q) => q,
        Err(e) => return e.into_response(),
    };
    let (body, next) = {
        let state = lock(&shared.state);
        match query.run(&state.org) {
            Ok(page) => (
                page.groups
                    .iter()
                    .map(|&g| state.org.groups[g].to_json(&base))
                    .collect(),
                page.next,
            ),
            Err(e) => return e.into_response(),
        }
    };
    list(body, &base, &uri, next)
}

pub(crate) async fn get_group(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let base = base_url(&headers, &shared);
    let state = lock(&shared.state);
    match state.org.group_index(&id) {
        Some(g) => Json(state.org.groups[g].to_json(&base)).into_response(),
        None => ApiError::group_not_found(&id).into_response(),
    }
}

pub(crate) async fn list_members(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    let base = base_url(&headers, &shared);
    let query = match MembersQuery::parse(&query_pairs(&uri)) {
        Ok(q) => q,
        Err(e) => return e.into_response(),
    };
    let (body, next) = {
        let state = lock(&shared.state);
        let Some(group) = state.org.group_index(&id) else {
            return ApiError::group_not_found(&id).into_response();
        };
        match query.run(&state.org, group) {
            Ok(page) => (render(&state.org, &page, &base), page.next),
            Err(e) => return e.into_response(),
        }
    };
    list(body, &base, &uri, next)
}
