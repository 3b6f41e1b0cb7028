//! `GET /rest/servicedeskapi/servicedesk/{id}`: the desk the agent works on, one that exists
//! but where the account is no agent (403), and no other.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::error::{Api, JiraError};
use super::gate::Admitted;
use super::wire::{FOREIGN_DESK_ID, PROJECT_ID, PROJECT_NAME, SERVICE_DESK_ID};
use crate::sim::state::Shared;
use crate::sim::tickets::desk::JIRA_PROJECT;

pub(super) async fn one(
    State(_shared): State<Arc<Shared>>,
    admitted: Admitted,
    Path(id): Path<String>,
) -> Response {
    let answer = desk(&id, &admitted.base);
    admitted.answer(answer).await
}

/// The desk with this id, or why the agent cannot see it.
fn desk(id: &str, base: &str) -> Result<Json<Value>, JiraError> {
    check(id)?;
    Ok(Json(json!({
        "id": SERVICE_DESK_ID,
        "projectId": PROJECT_ID,
        "projectName": PROJECT_NAME,
        "projectKey": JIRA_PROJECT,
        "_links": {"self": format!("{base}/rest/servicedeskapi/servicedesk/{SERVICE_DESK_ID}")},
    })))
}

/// Whether the agent may work on this desk: 403 on the foreign one, 404 on any other.
pub(super) fn check(id: &str) -> Result<(), JiraError> {
    match id.trim() {
        SERVICE_DESK_ID => Ok(()),
        FOREIGN_DESK_ID => Err(JiraError::new(
            Api::ServiceDesk,
            StatusCode::FORBIDDEN,
            "sd.agent.permission.denied",
            "You do not have permission to access this service desk.",
        )),
        other => Err(JiraError::new(
            Api::ServiceDesk,
            StatusCode::NOT_FOUND,
            "sd.servicedesk.not.found",
            format!("The service desk with id '{other}' does not exist."),
        )),
    }
}
