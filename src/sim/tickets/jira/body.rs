//! Reading a JSON request body and the query the way Jira does: a body that is not JSON is
//! Jira's 400, not axum's plain-text rejection.

use axum::body::Bytes;
use axum::http::Uri;
use serde_json::Value;

use super::error::{Api, JiraError};

pub(super) fn json(body: &Bytes) -> Result<Value, JiraError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(v @ Value::Object(_)) => Ok(v),
        _ => Err(JiraError::bad_request(
            Api::ServiceDesk,
            "The request body is not valid JSON.",
        )),
    }
}

/// A string field, also when sent as a number (`"serviceDeskId": 1`).
pub(super) fn text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Every value of a query parameter; comma lists split (`fields=a,b&fields=c`).
pub(super) fn query_list(uri: &Uri, key: &str) -> Vec<String> {
    crate::sim::okta::routes::query_pairs(uri)
        .into_iter()
        .filter(|(k, _)| k == key)
        .flat_map(|(_, v)| {
            v.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The first value of a query parameter.
pub(super) fn query_one(uri: &Uri, key: &str) -> Option<String> {
    crate::sim::okta::routes::query_pairs(uri)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

/// A paging number (`start`, `limit`, `maxResults`): absent gives `default`; not a number is
/// Jira's 400.
pub(super) fn number(uri: &Uri, key: &str, default: usize, api: Api) -> Result<usize, JiraError> {
    match query_one(uri, key) {
        None => Ok(default),
        Some(v) => v.trim().parse().map_err(|_| {
            JiraError::bad_request(api, format!("The '{key}' parameter must be a number."))
        }),
    }
}
