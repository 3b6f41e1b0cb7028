//! The users side of the PingOne API: users (list with `filter` and paging, read, unlock),
//! password state and recovery codes, group memberships, groups and the password policy.
//! A `POST` to a user or its password picks its operation by `Content-Type`.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::Utc;

use super::api_error::ApiError;
use super::gate::CorrelationId;
use super::hal::{Paging, collection};
use super::served::PingOne;
use super::users::{
    UserLinks, env_url, group_json, membership_json, password_json, policy_json, population_policy,
    user_json,
};
use super::users_query::CollectionQuery;
use crate::sim::okta::routes::{api_request, base_url, query_pairs, user_agent};
use crate::sim::state::{Shared, lock};

pub(crate) const UNLOCK: &str = "application/vnd.pingidentity.account.unlock+json";
pub(crate) const SEND_RECOVERY_CODE: &str =
    "application/vnd.pingidentity.password.sendRecoveryCode+json";

/// The served environment; the PingOne router is only built when there is one.
pub(crate) fn served(shared: &Shared) -> Result<&PingOne, ApiError> {
    shared.pingone.as_ref().ok_or_else(ApiError::server_error)
}

/// The media type of the request body, without parameters (compare it ignoring case).
pub(crate) fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_string()
}

pub(crate) fn respond(result: Result<serde_json::Value, ApiError>) -> Response {
    match result {
        Ok(body) => Json(body).into_response(),
        Err(e) => e.into_response(),
    }
}

/// The collection URL of a request, absolute and without its query.
fn collection_url(headers: &HeaderMap, shared: &Shared, uri: &Uri) -> String {
    format!("{}{}", base_url(headers, shared), uri.path())
}

pub(crate) async fn list_users(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    respond((|| {
        let pingone = served(&shared)?;
        let params = query_pairs(&uri);
        let query = CollectionQuery::users(&params)?;
        let base = base_url(&headers, &shared);
        let state = lock(&shared.state);
        let matches = query.matching_users(&state.org);
        let items = matches[query.paging.range(matches.len())]
            .iter()
            .map(|&i| user_json(&state.org, &pingone.env, i, &base, UserLinks::SelfOnly))
            .collect();
        Ok(collection(
            "users",
            items,
            matches.len(),
            query.paging,
            &collection_url(&headers, &shared, &uri),
            &params,
        ))
    })())
}

pub(crate) async fn get_user(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path((_, key)): Path<(String, String)>,
) -> Response {
    respond((|| {
        let pingone = served(&shared)?;
        let state = lock(&shared.state);
        let i = pingone.env.user(&state.org, &key)?;
        Ok(user_json(
            &state.org,
            &pingone.env,
            i,
            &base_url(&headers, &shared),
            UserLinks::All,
        ))
    })())
}

/// `POST …/users/{userId}` with the unlock media type: the admin unlock (Okta's log and the
/// history record it); 400 `REQUEST_FAILED` when the account is not locked.
pub(crate) async fn post_user(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Extension(CorrelationId(correlation)): Extension<CorrelationId>,
    Path((_, key)): Path<(String, String)>,
) -> Response {
    respond((|| {
        let pingone = served(&shared)?;
        let media = media_type(&headers);
        if !media.eq_ignore_ascii_case(UNLOCK) {
            return Err(ApiError::unsupported_media_type(&media));
        }
        let mut state = lock(&shared.state);
        let i = pingone.env.user(&state.org, &key)?;
        state
            .admin_unlock(i, &correlation, user_agent(&headers), Utc::now())
            .map_err(|_| ApiError::request_failed("The user's account is not locked."))?;
        Ok(user_json(
            &state.org,
            &pingone.env,
            i,
            &base_url(&headers, &shared),
            UserLinks::All,
        ))
    })())
}

pub(crate) async fn get_password(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path((_, key)): Path<(String, String)>,
) -> Response {
    respond((|| {
        let pingone = served(&shared)?;
        let state = lock(&shared.state);
        let i = pingone.env.user(&state.org, &key)?;
        Ok(password_json(
            &state.org,
            &pingone.env,
            i,
            &base_url(&headers, &shared),
        ))
    })())
}

/// `POST …/users/{userId}/password` with the sendRecoveryCode media type: a recovery code is
/// e-mailed; the password state is unchanged (PingOne has no RECOVERY status).
pub(crate) async fn post_password(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
    Extension(CorrelationId(correlation)): Extension<CorrelationId>,
    Path((_, key)): Path<(String, String)>,
) -> Response {
    respond((|| {
        let pingone = served(&shared)?;
        let media = media_type(&headers);
        if !media.eq_ignore_ascii_case(SEND_RECOVERY_CODE) {
            return Err(ApiError::unsupported_media_type(&media));
        }
        let mut state = lock(&shared.state);
        let i = pingone.env.user(&state.org, &key)?;
        let request = api_request(&correlation, &headers, &uri);
        state.send_recovery_code(i, &request, Utc::now())?;
        Ok(password_json(
            &state.org,
            &pingone.env,
            i,
            &base_url(&headers, &shared),
        ))
    })())
}

pub(crate) async fn member_of_groups(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
    Path((_, key)): Path<(String, String)>,
) -> Response {
    respond((|| {
        let pingone = served(&shared)?;
        let params = query_pairs(&uri);
        let paging = Paging::parse(&params)?;
        let base = base_url(&headers, &shared);
        let state = lock(&shared.state);
        let i = pingone.env.user(&state.org, &key)?;
        let groups: Vec<usize> = state.org.users[i]
            .groups
            .iter()
            .copied()
            .filter(|&g| !state.org.groups[g].built_in)
            .collect();
        let items = groups[paging.range(groups.len())]
            .iter()
            .map(|&g| membership_json(&state.org.groups[g], &pingone.env, &base))
            .collect();
        Ok(collection(
            "groupMemberships",
            items,
            groups.len(),
            paging,
            &collection_url(&headers, &shared, &uri),
            &params,
        ))
    })())
}

pub(crate) async fn list_groups(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    respond((|| {
        let pingone = served(&shared)?;
        let params = query_pairs(&uri);
        let query = CollectionQuery::groups(&params)?;
        let base = base_url(&headers, &shared);
        let state = lock(&shared.state);
        let matches = query.matching_groups(&state.org);
        let items = matches[query.paging.range(matches.len())]
            .iter()
            .map(|&g| group_json(&state.org.groups[g], &pingone.env, &base))
            .collect();
        Ok(collection(
            "groups",
            items,
            matches.len(),
            query.paging,
            &collection_url(&headers, &shared, &uri),
            &params,
        ))
    })())
}

/// Only the population's policy (the org's default) exists in the environment.
pub(crate) async fn list_password_policies(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    respond((|| {
        let pingone = served(&shared)?;
        let params = query_pairs(&uri);
        let paging = Paging::parse(&params)?;
        let base = base_url(&headers, &shared);
        let state = lock(&shared.state);
        let items: Vec<_> = population_policy(&state.org)
            .map(|p| policy_json(p, &pingone.env, &base))
            .into_iter()
            .collect();
        let total = items.len();
        Ok(collection(
            "passwordPolicies",
            items,
            total,
            paging,
            &format!("{}/passwordPolicies", env_url(&base, &pingone.env)),
            &params,
        ))
    })())
}
