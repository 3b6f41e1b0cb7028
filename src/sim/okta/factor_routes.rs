//! `/api/v1/users/{userId}/factors/{factorId}…`: get, unenroll, verify, and
//! the push transaction's poll and cancel links.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::api_error::ApiError;
use super::gate::RequestId;
use super::routes::{api_request, base_url, query_pairs};
use crate::sim::state::mfa::Verified;
use crate::sim::state::{Shared, lock};

/// Okta's default and bounds for `tokenLifetimeSeconds`.
const DEFAULT_CODE_LIFETIME: u64 = 300;
const MAX_CODE_LIFETIME: u64 = 86_400;

pub(crate) async fn get_factor(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path((key, factor_id)): Path<(String, String)>,
) -> Response {
    let base = base_url(&headers, &shared);
    let state = lock(&shared.state);
    let Some(i) = state.org.find(&key) else {
        return ApiError::user_not_found(&key).into_response();
    };
    match state.factor(i, &factor_id) {
        Ok(f) => Json(f.to_json(&base, &state.org.users[i])).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `204`; deleting Okta Verify push takes its TOTP along.
pub(crate) async fn delete_factor(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
    Extension(RequestId(request_id)): Extension<RequestId>,
    Path((key, factor_id)): Path<(String, String)>,
) -> Response {
    let request = api_request(&request_id, &headers, &uri);
    let mut state = lock(&shared.state);
    let Some(i) = state.org.find(&key) else {
        return ApiError::user_not_found(&key).into_response();
    };
    match state.delete_factor(i, &factor_id, &request, Utc::now()) {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

/// The body's `passCode`: none for an empty body (a challenge request).
fn pass_code(body: &[u8]) -> Result<Option<String>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let value: Value = serde_json::from_slice(body).map_err(|_| ApiError::malformed_body())?;
    match value {
        Value::Null => Ok(None),
        Value::Object(map) => match map.get("passCode") {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err(ApiError::malformed_body()),
        },
        _ => Err(ApiError::malformed_body()),
    }
}

/// `?tokenLifetimeSeconds=` (1–86400, default 300): how long a sent code is valid.
fn code_lifetime(uri: &Uri) -> Result<std::time::Duration, ApiError> {
    let raw = query_pairs(uri)
        .into_iter()
        .find(|(k, _)| k == "tokenLifetimeSeconds")
        .map(|(_, v)| v);
    let seconds = match raw {
        None => DEFAULT_CODE_LIFETIME,
        Some(v) => v
            .parse::<u64>()
            .ok()
            .filter(|s| (1..=MAX_CODE_LIFETIME).contains(s))
            .ok_or_else(|| {
                ApiError::validation("tokenLifetimeSeconds", "must be between 1 and 86400")
            })?,
    };
    Ok(std::time::Duration::from_secs(seconds))
}

/// Push: `201 WAITING` with poll and cancel links. SMS / email without a
/// passcode: `200 CHALLENGE`. A right passcode: `200 SUCCESS`; a wrong one:
/// `403 E0000068`.
pub(crate) async fn verify(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
    Extension(RequestId(request_id)): Extension<RequestId>,
    Path((key, factor_id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (code, lifetime) = match (pass_code(&body), code_lifetime(&uri)) {
        (Ok(code), Ok(lifetime)) => (code, lifetime),
        (Err(e), _) | (_, Err(e)) => return e.into_response(),
    };
    let base = base_url(&headers, &shared);
    let request = api_request(&request_id, &headers, &uri);
    let (verified, user_id, owner) = {
        let mut state = lock(&shared.state);
        let Some(i) = state.org.find(&key) else {
            return ApiError::user_not_found(&key).into_response();
        };
        let verified = state.verify_factor(
            i,
            &factor_id,
            code.as_deref(),
            lifetime,
            &request,
            Utc::now(),
        );
        let owner = &state.org.users[i];
        (verified, owner.id.clone(), owner.profile.clone())
    };
    match verified {
        Ok(Verified::PushSent(txn)) => {
            settle_later(shared.clone(), txn.id.clone(), txn.next_change());
            (
                StatusCode::CREATED,
                Json(txn.challenge_json(&base, &user_id)),
            )
                .into_response()
        }
        Ok(Verified::CodeSent(factor)) => {
            let me = format!("{base}/api/v1/users/{user_id}/factors/{}", factor.id);
            Json(json!({
                "factorResult": "CHALLENGE",
                "profile": factor.profile.to_json(&owner),
                "_links": {
                    "verify": {"href": format!("{me}/verify"), "hints": {"allow": ["POST"]}},
                    "factor": {"href": me, "hints": {"allow": ["GET", "DELETE"]}},
                },
            }))
            .into_response()
        }
        Ok(Verified::Success) => Json(json!({"factorResult": "SUCCESS"})).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Settles the push when the user answers or it expires, so its event is in
/// the System Log on time even if nobody polls. Ends with the server.
pub(crate) fn settle_later(shared: Arc<Shared>, txn_id: String, at: DateTime<Utc>) {
    let mut stopped = shared.stopped.clone();
    tokio::spawn(async move {
        let wait = (at - Utc::now()).to_std().unwrap_or_default();
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            _ = stopped.changed() => return,
        }
        // The wall clock may trail the monotonic one slightly.
        lock(&shared.state).settle_push(&txn_id, Utc::now().max(at));
    });
}

/// `200` with `WAITING`, `SUCCESS`, `REJECTED`, `TIMEOUT` (or `CANCELLED`).
pub(crate) async fn poll(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path((key, factor_id, txn_id)): Path<(String, String, String)>,
) -> Response {
    let base = base_url(&headers, &shared);
    let mut state = lock(&shared.state);
    let Some(i) = state.org.find(&key) else {
        return ApiError::user_not_found(&key).into_response();
    };
    match state.poll_push(i, &factor_id, &txn_id, Utc::now()) {
        Ok(txn) => {
            let user = &state.org.users[i];
            Json(txn.to_json(&base, &user.id, user.login())).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// `204`: Okta documents the cancel link but not its answer; no content is
/// what its other DELETEs return.
pub(crate) async fn cancel(
    State(shared): State<Arc<Shared>>,
    Path((key, factor_id, txn_id)): Path<(String, String, String)>,
) -> Response {
    let mut state = lock(&shared.state);
    let Some(i) = state.org.find(&key) else {
        return ApiError::user_not_found(&key).into_response();
    };
    match state.cancel_push(i, &factor_id, &txn_id, Utc::now()) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pass_codes_come_from_an_optional_json_body() {
        assert_eq!(pass_code(b"").unwrap(), None);
        assert_eq!(pass_code(b"  \n").unwrap(), None);
        assert_eq!(pass_code(b"null").unwrap(), None);
        assert_eq!(pass_code(b"{}").unwrap(), None);
        assert_eq!(
            pass_code(br#"{"useNumberMatchingChallenge": false}"#).unwrap(),
            None
        );
        assert_eq!(
            pass_code(br#"{"passCode": "012345"}"#).unwrap().as_deref(),
            Some("012345")
        );
        assert_eq!(
            pass_code(br#"{"passCode": 123456}"#).unwrap().as_deref(),
            Some("123456")
        );
        for bad in [&b"{"[..], b"[1]", br#"{"passCode": [1]}"#] {
            assert_eq!(pass_code(bad).unwrap_err().code, "E0000003");
        }
    }

    #[test]
    fn code_lifetime_defaults_to_five_minutes_and_is_bounded() {
        let uri = |q: &str| q.parse::<Uri>().unwrap();
        assert_eq!(code_lifetime(&uri("/v")).unwrap().as_secs(), 300);
        assert_eq!(
            code_lifetime(&uri("/v?tokenLifetimeSeconds=60"))
                .unwrap()
                .as_secs(),
            60
        );
        for bad in ["0", "86401", "x"] {
            let e = code_lifetime(&uri(&format!("/v?tokenLifetimeSeconds={bad}"))).unwrap_err();
            assert_eq!(e.code, "E0000001");
        }
    }
}
