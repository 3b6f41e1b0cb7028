//! The request's customer transitions (those the portal offers; the service desk API lists and
//! performs only these): `GET …/transition` lists what the current status allows,
//! `POST …/transition {id, additionalComment}` takes one (204), moving the desk ticket's stage.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{Value, json};

use super::body::{json, number, text};
use super::error::{Api, JiraError};
use super::gate::Admitted;
use super::wire;
use crate::sim::state::{Shared, lock};
use crate::sim::tickets::JIRA_USER;
use crate::sim::tickets::desk::{Note, Stage};

/// One step of the IT service desk workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Transition {
    pub id: &'static str,
    pub name: &'static str,
    pub to: Stage,
}

const fn t(id: &'static str, name: &'static str, to: Stage) -> Transition {
    Transition { id, name, to }
}

/// What a request in this stage can move to, as the IT service management workflow's portal
/// offers it (agent-only steps such as "Respond to customer" are not customer transitions).
pub(super) fn available(stage: Stage) -> Vec<Transition> {
    match stage {
        Stage::New | Stage::InProgress | Stage::OnHold => vec![
            t("761", "Resolve this issue", Stage::Resolved),
            t("801", "Cancel request", Stage::Canceled),
        ],
        Stage::Resolved => vec![t("721", "Reopen", Stage::InProgress)],
        Stage::Closed | Stage::Canceled => Vec::new(),
    }
}

/// `GET /rest/servicedeskapi/request/{key}/transition?start=&limit=`
pub(super) async fn list(
    State(shared): State<Arc<Shared>>,
    admitted: Admitted,
    Path(key): Path<String>,
    uri: Uri,
) -> Response {
    let answer = page(&shared, &key, &uri, &admitted.base).map(Json);
    admitted.answer(answer).await
}

fn page(shared: &Shared, key: &str, uri: &Uri, base: &str) -> Result<Value, JiraError> {
    let start = number(uri, "start", 0, Api::ServiceDesk)?;
    let limit = number(uri, "limit", 50, Api::ServiceDesk)?.clamp(1, 100);
    let desk = lock(&shared.desk);
    let i = desk
        .by_jira(key)
        .ok_or_else(|| JiraError::request_not_found(key))?;
    let all = available(desk.tickets[i].stage);
    let values: Vec<Value> = all
        .iter()
        .skip(start)
        .take(limit)
        .map(|t| json!({"id": t.id, "name": t.name}))
        .collect();
    let last = start + values.len() >= all.len();
    let self_url = format!("{base}{}", uri.path());
    Ok(wire::paged(values, start, limit, last, &self_url, base))
}

/// `POST /rest/servicedeskapi/request/{key}/transition`
pub(super) async fn perform(
    State(shared): State<Arc<Shared>>,
    admitted: Admitted,
    Path(key): Path<String>,
    body: Bytes,
) -> Response {
    let answer = take(&shared, &key, &body).map(|()| StatusCode::NO_CONTENT.into_response());
    admitted.answer(answer).await
}

fn take(shared: &Shared, key: &str, body: &Bytes) -> Result<(), JiraError> {
    let body = json(body)?;
    let id = text(&body, "id").ok_or_else(|| {
        JiraError::bad_request(Api::ServiceDesk, "id: The transition id is required.")
    })?;
    let comment = body
        .get("additionalComment")
        .and_then(|c| c.get("body"))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string);
    let mut desk = lock(&shared.desk);
    let i = desk
        .by_jira(key)
        .ok_or_else(|| JiraError::request_not_found(key))?;
    let ticket = &mut desk.tickets[i];
    let transition = available(ticket.stage)
        .into_iter()
        .find(|t| t.id == id.trim())
        .ok_or_else(|| {
            JiraError::bad_request(
                Api::ServiceDesk,
                format!(
                    "The transition '{id}' is not valid for this request in its current status."
                ),
            )
        })?;
    let now = Utc::now();
    ticket.stage = transition.to;
    ticket.updated = now;
    if !transition.to.is_open() {
        ticket.close_code = Some(transition.name.to_string());
        ticket.close_notes = comment.clone();
    }
    if let Some(text) = comment {
        // The additional comment is a public one: the customer sees it.
        ticket.notes.push(Note {
            at: now,
            author: JIRA_USER.to_string(),
            internal: false,
            text,
        });
    }
    Ok(())
}
