//! Customer requests: read one, raise one on behalf of a customer, and comment on one.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{Value, json};

use super::body::{json, query_list, text};
use super::error::{Api, JiraError};
use super::gate::Admitted;
use super::servicedesk;
use super::wire::{self, REQUEST_TYPE_ID};
use crate::sim::state::{Shared, lock};
use crate::sim::tickets::JIRA_USER;
use crate::sim::tickets::desk::{Kind, Note};

fn wants_request_type(uri: &Uri) -> bool {
    query_list(uri, "expand").iter().any(|e| e == "requestType")
}

/// `GET /rest/servicedeskapi/request/{issueIdOrKey}`
pub(super) async fn one(
    State(shared): State<Arc<Shared>>,
    admitted: Admitted,
    Path(key): Path<String>,
    uri: Uri,
) -> Response {
    let answer = request_json(&shared, &key, &admitted.base, wants_request_type(&uri))
        .map(Json)
        .ok_or_else(|| JiraError::request_not_found(&key));
    admitted.answer(answer).await
}

/// The request with this key or id as Jira answers it.
fn request_json(shared: &Shared, key: &str, base: &str, with_type: bool) -> Option<Value> {
    let state = lock(&shared.state);
    let desk = lock(&shared.desk);
    let ticket = &desk.tickets[desk.by_jira(key)?];
    let reporter = wire::reporter(&state.org, &desk, ticket, base);
    Some(wire::request(ticket, reporter, base, with_type, Utc::now()))
}

/// `POST /rest/servicedeskapi/request`: 201 and the new request.
pub(super) async fn create(
    State(shared): State<Arc<Shared>>,
    admitted: Admitted,
    uri: Uri,
    body: Bytes,
) -> Response {
    let answer = raise(&shared, &body, &admitted.base, wants_request_type(&uri))
        .map(|v| (StatusCode::CREATED, Json(v)));
    admitted.answer(answer).await
}

fn raise(shared: &Shared, body: &Bytes, base: &str, with_type: bool) -> Result<Value, JiraError> {
    let body = json(body)?;
    let bad = |m: &str| JiraError::bad_request(Api::ServiceDesk, m);
    let desk_id = text(&body, "serviceDeskId")
        .ok_or_else(|| bad("serviceDeskId: The service desk id is required."))?;
    servicedesk::check(&desk_id)?;
    let type_id = text(&body, "requestTypeId")
        .ok_or_else(|| bad("requestTypeId: The request type id is required."))?;
    if type_id.trim() != REQUEST_TYPE_ID {
        return Err(JiraError::new(
            Api::ServiceDesk,
            StatusCode::NOT_FOUND,
            "sd.requesttype.not.found",
            format!("The request type '{type_id}' does not exist in this service desk."),
        ));
    }
    let fields = body
        .get("requestFieldValues")
        .cloned()
        .unwrap_or(Value::Null);
    let summary = fields
        .get("summary")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad("summary: You must specify a summary of the issue."))?
        .to_string();
    let description = fields
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let state = lock(&shared.state);
    let mut desk = lock(&shared.desk);
    let caller = match body.get("raiseOnBehalfOf") {
        None | Some(Value::Null) => JIRA_USER.to_string(),
        Some(Value::String(account)) => desk
            .person_by_id(&state.org, account)
            .filter(|p| &p.account_id == account)
            .map(|p| p.email)
            .ok_or_else(|| {
                bad(&format!(
                    "raiseOnBehalfOf: The user '{account}' does not exist or cannot raise requests in this service desk."
                ))
            })?,
        Some(_) => return Err(bad("raiseOnBehalfOf: expected an account id.")),
    };
    let ticket = desk.new_ticket(&caller, Kind::Incident, &summary, &description, Utc::now());
    let i = desk.insert(ticket);
    let ticket = &desk.tickets[i];
    let reporter = wire::reporter(&state.org, &desk, ticket, base);
    Ok(wire::request(ticket, reporter, base, with_type, Utc::now()))
}

/// `POST /rest/servicedeskapi/request/{key}/comment` with `{body, public}`: 201 and the
/// comment. `public: false` is an internal comment, which only agents see.
pub(super) async fn comment(
    State(shared): State<Arc<Shared>>,
    admitted: Admitted,
    Path(key): Path<String>,
    body: Bytes,
) -> Response {
    let answer = add_comment(&shared, &key, &body, &admitted.base)
        .map(|v| (StatusCode::CREATED, Json(v)).into_response());
    admitted.answer(answer).await
}

fn add_comment(shared: &Shared, key: &str, body: &Bytes, base: &str) -> Result<Value, JiraError> {
    let body = json(body)?;
    let text = body
        .get("body")
        .and_then(Value::as_str)
        .filter(|b| !b.trim().is_empty())
        .ok_or_else(|| {
            JiraError::bad_request(Api::ServiceDesk, "body: The comment body is required.")
        })?
        .to_string();
    let public = match body.get("public") {
        None => true,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(JiraError::bad_request(
                Api::ServiceDesk,
                "public: expected true or false.",
            ));
        }
    };
    let mut desk = lock(&shared.desk);
    let i = desk
        .by_jira(key)
        .ok_or_else(|| JiraError::request_not_found(key))?;
    let now = Utc::now();
    let ticket = &mut desk.tickets[i];
    ticket.notes.push(Note {
        at: now,
        author: JIRA_USER.to_string(),
        internal: !public,
        text: text.clone(),
    });
    ticket.updated = now;
    let id = ticket.jira_id * 100 + ticket.notes.len() as u64;
    Ok(json!({
        "id": id.to_string(),
        "body": text,
        "public": public,
        "author": wire::agent(base),
        "created": wire::date(now, now),
        "_links": {"self": format!("{base}/rest/servicedeskapi/request/{}/comment/{id}", ticket.jira_id)},
    }))
}
