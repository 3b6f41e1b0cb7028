//! The Okta endpoints the simulator serves, with Okta's JSON shapes, status
//! codes and `link` headers (absolute URLs, one header line per relation).
//! Lifecycle operations are in `lifecycle_routes`, factor ones in `factor_routes`.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::header::{CONTENT_TYPE, HOST, USER_AGENT};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router, middleware};
use chrono::Utc;
use serde_json::Value;
use serde_json::value::RawValue;

use super::api_error::ApiError;
use super::gate::{api_gate, is_api};
use super::log_query::LogQuery;
use super::users_query::{UsersQuery, render};
use crate::sim::okta::{event_hooks, factor_routes, group_routes, lifecycle_routes};
use crate::sim::org::user::Links;
use crate::sim::server::control;
use crate::sim::state::{ApiRequest, Shared, lock};

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let mut app = Router::new()
        .route("/api/v1/users", get(list_users))
        .route("/api/v1/users/{id}", get(get_user))
        .route("/api/v1/users/{id}/factors", get(list_factors))
        .route(
            "/api/v1/users/{id}/factors/{factor}",
            get(factor_routes::get_factor).delete(factor_routes::delete_factor),
        )
        .route(
            "/api/v1/users/{id}/factors/{factor}/verify",
            post(factor_routes::verify),
        )
        .route(
            "/api/v1/users/{id}/factors/{factor}/transactions/{transaction}",
            get(factor_routes::poll).delete(factor_routes::cancel),
        )
        .route("/api/v1/users/{id}/groups", get(list_user_groups))
        .route(
            "/api/v1/users/{id}/lifecycle/unlock",
            post(lifecycle_routes::unlock),
        )
        .route(
            "/api/v1/users/{id}/lifecycle/reset_password",
            post(lifecycle_routes::reset_password),
        )
        .route(
            "/api/v1/users/{id}/lifecycle/reset_factors",
            post(lifecycle_routes::reset_factors),
        )
        .route(
            "/api/v1/users/{id}/lifecycle/expire_password",
            post(lifecycle_routes::expire_password),
        )
        .route("/api/v1/groups", get(group_routes::list_groups))
        .route("/api/v1/groups/{id}", get(group_routes::get_group))
        .route("/api/v1/groups/{id}/users", get(group_routes::list_members))
        .route("/api/v1/logs", get(list_logs))
        .route("/api/v1/policies", get(list_policies))
        .route(
            "/api/v1/eventHooks",
            get(event_hooks::list).post(event_hooks::create),
        )
        .route(
            "/api/v1/eventHooks/{id}",
            get(event_hooks::get_one).delete(event_hooks::delete),
        )
        .route(
            "/api/v1/eventHooks/{id}/lifecycle/{operation}",
            post(event_hooks::lifecycle),
        );
    if shared.control {
        app = app.merge(control::router());
    }
    app.fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(shared.clone(), api_gate))
        .with_state(shared)
}

/// `http://host:port` from the request's Host header, else the bound address.
pub(crate) fn base_url(headers: &HeaderMap, shared: &Shared) -> String {
    let host = headers.get(HOST).and_then(|h| h.to_str().ok()).filter(|h| {
        !h.is_empty()
            && h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
    });
    match host {
        Some(h) => format!("http://{h}"),
        None => format!("http://{}", shared.addr),
    }
}

pub(crate) fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

fn link(url: &str, rel: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("<{url}>; rel=\"{rel}\""))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A JSON array with `self` and, when given, `next` links.
pub(crate) fn list(
    body: Vec<Value>,
    base: &str,
    uri: &Uri,
    next: Option<Vec<(String, String)>>,
) -> Response {
    with_links(Json(body).into_response(), base, uri, next)
}

/// `list` for items already in JSON text (System Log events as stored).
fn list_raw(
    items: &[Box<RawValue>],
    base: &str,
    uri: &Uri,
    next: Option<Vec<(String, String)>>,
) -> Response {
    let mut body =
        String::with_capacity(items.iter().map(|i| i.get().len() + 1).sum::<usize>() + 2);
    body.push('[');
    for (n, item) in items.iter().enumerate() {
        if n > 0 {
            body.push(',');
        }
        body.push_str(item.get());
    }
    body.push(']');
    let json = HeaderValue::from_static("application/json");
    with_links(
        ([(CONTENT_TYPE, json)], body).into_response(),
        base,
        uri,
        next,
    )
}

fn with_links(
    mut response: Response,
    base: &str,
    uri: &Uri,
    next: Option<Vec<(String, String)>>,
) -> Response {
    let headers = response.headers_mut();
    let self_url = format!(
        "{base}{}",
        uri.path_and_query().map_or(uri.path(), |p| p.as_str())
    );
    headers.append("link", link(&self_url, "self"));
    if let Some(params) = next {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish();
        headers.append(
            "link",
            link(&format!("{base}{}?{query}", uri.path()), "next"),
        );
    }
    response
}

async fn list_users(State(shared): State<Arc<Shared>>, headers: HeaderMap, uri: Uri) -> Response {
    let base = base_url(&headers, &shared);
    let query = match UsersQuery::parse(&query_pairs(&uri)) {
        Ok(q) => q,
        Err(e) => return e.into_response(),
    };
    let (body, next) = {
        let state = lock(&shared.state);
        match query.run(&state.org) {
            Ok(page) => (render(&state.org, &page, &base), page.next),
            Err(e) => return e.into_response(),
        }
    };
    list(body, &base, &uri, next)
}

async fn get_user(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(key): Path<String>,
) -> Response {
    let base = base_url(&headers, &shared);
    let state = lock(&shared.state);
    match state.org.find(&key) {
        Some(i) => Json(state.org.users[i].to_json(&base, &state.org.type_id, Links::Lifecycle))
            .into_response(),
        None => ApiError::user_not_found(&key).into_response(),
    }
}

async fn list_factors(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
    Path(key): Path<String>,
) -> Response {
    let base = base_url(&headers, &shared);
    let body = {
        let state = lock(&shared.state);
        let Some(i) = state.org.find(&key) else {
            return ApiError::user_not_found(&key).into_response();
        };
        let user = &state.org.users[i];
        let planted = lock(&shared.planted)
            .factors
            .get(&user.id)
            .cloned()
            .unwrap_or_default();
        user.factors
            .iter()
            .map(|f| f.to_json(&base, user))
            .chain(planted)
            .collect()
    };
    list(body, &base, &uri, None)
}

async fn list_user_groups(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
    Path(key): Path<String>,
) -> Response {
    let base = base_url(&headers, &shared);
    let body = {
        let state = lock(&shared.state);
        let Some(i) = state.org.find(&key) else {
            return ApiError::user_not_found(&key).into_response();
        };
        state.org.users[i]
            .groups
            .iter()
            .map(|&g| state.org.groups[g].to_json(&base))
            .collect()
    };
    list(body, &base, &uri, None)
}

/// The caller's `User-Agent`, for the `client` of the events it causes.
/// What an admin write needs to know about its own request, for the events it writes.
pub(crate) fn api_request<'a>(id: &'a str, headers: &'a HeaderMap, uri: &'a Uri) -> ApiRequest<'a> {
    ApiRequest {
        id,
        user_agent: user_agent(headers),
        path: uri.path(),
    }
}

pub(crate) fn user_agent(headers: &HeaderMap) -> &str {
    headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("unknown")
}

async fn list_logs(State(shared): State<Arc<Shared>>, headers: HeaderMap, uri: Uri) -> Response {
    let base = base_url(&headers, &shared);
    let now = Utc::now();
    let query = match LogQuery::parse(&query_pairs(&uri), now) {
        Ok(q) => q,
        Err(e) => return e.into_response(),
    };
    let page = query.run(&lock(&shared.state).log, now);
    list_raw(&page.events, &base, &uri, page.next)
}

/// Policy types Okta knows; only PASSWORD policies exist in the simulated org.
const POLICY_TYPES: &[&str] = &[
    "ACCESS_POLICY",
    "IDP_DISCOVERY",
    "MFA_ENROLL",
    "OKTA_SIGN_ON",
    "PASSWORD",
    "PROFILE_ENROLLMENT",
    "POST_AUTH_SESSION",
    "ENTITY_RISK",
];

async fn list_policies(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let base = base_url(&headers, &shared);
    let params = query_pairs(&uri);
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let Some(kind) = get("type") else {
        return ApiError::validation("type", "The type parameter is required.").into_response();
    };
    if !POLICY_TYPES.contains(&kind) {
        return ApiError::validation("type", format!("Invalid policy type: {kind}"))
            .into_response();
    }
    let wanted_status = get("status").unwrap_or("ACTIVE");
    let body = if kind == "PASSWORD" && wanted_status == "ACTIVE" {
        let state = lock(&shared.state);
        let planted = lock(&shared.planted).policies.clone();
        state
            .org
            .policies
            .iter()
            .map(|p| p.to_json(&base))
            .chain(planted)
            .collect()
    } else {
        Vec::new()
    };
    list(body, &base, &uri, None)
}

async fn not_found(uri: Uri) -> Response {
    if is_api(uri.path()) {
        ApiError::path_not_found().into_response()
    } else {
        (StatusCode::NOT_FOUND, "Not Found").into_response()
    }
}

async fn method_not_allowed(uri: Uri) -> Response {
    if is_api(uri.path()) {
        ApiError::method_not_allowed().into_response()
    } else {
        StatusCode::METHOD_NOT_ALLOWED.into_response()
    }
}
