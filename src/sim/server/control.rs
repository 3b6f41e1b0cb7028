//! `/__sim/*`: test and demo controls, mounted only when `SimConfig::control`
//! is set. No token is needed; the simulator listens on loopback.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::faults::Fault;
use crate::idp::Provider;
use crate::sim::okta::routes::base_url;
use crate::sim::org::ids::iso;
use crate::sim::pingone::environment::user_id as pingone_user_id;
use crate::sim::state::{Shared, lock};
use crate::sim::{InjectedLockout, LoggedLockout, SimError, SimInfo};

pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/__sim/lockouts", post(inject_lockout).get(lockouts))
        .route("/__sim/faults", post(add_fault).get(fault_tally))
        .route("/__sim/requests", get(requests))
        .route("/__sim/codes", get(codes))
        .route("/__sim/password-changes", post(change_passwords))
        .route("/__sim/info", get(info))
        .route("/__sim/tokens/expire", post(expire_tokens))
        .route("/__sim/planted", post(super::planted::plant))
}

/// What `/__sim/info` and `SimHandle::info` report, for a simulator reached at `base`.
pub(crate) fn sim_info(shared: &Shared, base: &str) -> SimInfo {
    match &shared.pingone {
        Some(p) => SimInfo {
            provider: Provider::PingOne,
            api_url: format!("{base}/v1"),
            auth_url: base.to_string(),
            environment_id: Some(p.env.id.clone()),
            client_id: Some(p.env.client_id.clone()),
        },
        None => SimInfo {
            provider: Provider::Okta,
            api_url: base.to_string(),
            auth_url: base.to_string(),
            environment_id: None,
            client_id: None,
        },
    }
}

/// Locks the user now (see `Shared::lock_user`). Under PingOne the user may be named by
/// PingOne id too, and the answer is what PingOne's lockout feed reports: the uuid
/// `<userId>:<lockedAt>` and the PingOne user id.
pub(crate) fn lock_user(shared: &Shared, key: &str) -> Result<InjectedLockout, SimError> {
    let Some(pingone) = &shared.pingone else {
        return shared.lock_user(key);
    };
    let login = {
        let state = lock(&shared.state);
        pingone
            .env
            .find_user(&state.org, key)
            .or_else(|| state.org.find(key))
            .map(|i| state.org.users[i].login().to_string())
    }
    .ok_or_else(|| SimError::UnknownUser(key.to_string()))?;
    let okta = shared.lock_user(&login)?;
    let user_id = pingone_user_id(&okta.user_id);
    Ok(InjectedLockout {
        uuid: format!("{user_id}:{}", iso(okta.published)),
        published: okta.published,
        user_id,
        login: okta.login,
    })
}

/// `200 {"provider", "apiUrl", "authUrl", "environmentId", "clientId"}`.
async fn info(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    Json(sim_info(&shared, &base_url(&headers, &shared))).into_response()
}

/// Every PingOne access token issued so far stops working now (`204`); under Okta there are
/// none (`404`).
async fn expire_tokens(State(shared): State<Arc<Shared>>) -> Response {
    match &shared.pingone {
        Some(p) => {
            lock(&p.tokens).expire_all(Instant::now());
            StatusCode::NO_CONTENT.into_response()
        }
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "the simulator serves Okta: there are no access tokens"})),
        )
            .into_response(),
    }
}

fn unknown_user(e: &SimError) -> Response {
    (StatusCode::NOT_FOUND, Json(json!({"error": e.to_string()}))).into_response()
}

#[derive(Deserialize)]
struct LockoutRequest {
    login: String,
}

/// `{"login": "..."}` → `200 {"uuid", "published", "userId", "login"}` (see `lock_user`).
async fn inject_lockout(
    State(shared): State<Arc<Shared>>,
    Json(body): Json<LockoutRequest>,
) -> Response {
    match lock_user(&shared, &body.login) {
        Ok(lockout) => Json(lockout).into_response(),
        Err(e) => unknown_user(&e),
    }
}

#[derive(Deserialize)]
struct CodesQuery {
    login: Option<String>,
}

/// `?login=…` → `200 [{"factorId", "factorType", "code", "expiresAt"}]`: the
/// codes the user's SMS / email factors were last sent and the current TOTP
/// codes; the only way, with `SimHandle::last_code`, to read them.
async fn codes(State(shared): State<Arc<Shared>>, Query(q): Query<CodesQuery>) -> Response {
    let Some(login) = q.login else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "the login query parameter is required"})),
        )
            .into_response();
    };
    match shared.known_codes(&login) {
        Ok(codes) => Json(
            codes
                .into_iter()
                .map(|c| {
                    json!({
                        "factorId": c.factor_id,
                        "factorType": c.factor_type,
                        "code": c.code,
                        "expiresAt": iso(c.expires_at),
                    })
                })
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(e) => unknown_user(&e),
    }
}

#[derive(Deserialize)]
struct PasswordChanges {
    count: usize,
}

/// `{"count": n}` → `200 {"logins": [...]}`: that many users change their password now
/// (see `SimHandle::change_passwords`).
async fn change_passwords(
    State(shared): State<Arc<Shared>>,
    Json(body): Json<PasswordChanges>,
) -> Response {
    let logins = lock(&shared.state).change_passwords(body.count, chrono::Utc::now());
    Json(json!({ "logins": logins })).into_response()
}

/// Every lockout in Okta's System Log as the simulator keeps it, oldest first: the events
/// Okta's lockout filter matches (`user.account.lock`, and `user.session.start` refused with
/// `LOCKED_OUT`), generated or injected.
pub(crate) fn logged_lockouts(shared: &Shared) -> Vec<LoggedLockout> {
    let state = lock(&shared.state);
    state
        .log
        .all()
        .iter()
        .filter_map(|stored| {
            let event = stored.event();
            let event_type = event["eventType"].as_str()?;
            let locked = event_type == "user.account.lock"
                || (event_type == "user.session.start"
                    && event["outcome"]["reason"] == "LOCKED_OUT");
            locked.then(|| LoggedLockout {
                uuid: event["uuid"].as_str().unwrap_or_default().to_string(),
                event_type: event_type.to_string(),
                published: stored.published,
                login: event["actor"]["alternateId"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            })
        })
        .collect()
}

/// `200 [{"uuid", "eventType", "published", "login"}]`: see `logged_lockouts`.
async fn lockouts(State(shared): State<Arc<Shared>>) -> Response {
    Json(logged_lockouts(&shared)).into_response()
}

/// `200 {"rolled": n, "injected": {"429": n, ...}}`: what the rate-based faults did so far.
async fn fault_tally(State(shared): State<Arc<Shared>>) -> Response {
    Json(lock(&shared.fault_dice).tally()).into_response()
}

async fn add_fault(State(shared): State<Arc<Shared>>, Json(fault): Json<Fault>) -> StatusCode {
    lock(&shared.faults).push(fault);
    StatusCode::NO_CONTENT
}

async fn requests(State(shared): State<Arc<Shared>>) -> Response {
    Json(lock(&shared.requests).iter().cloned().collect::<Vec<_>>()).into_response()
}
