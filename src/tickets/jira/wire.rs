//! Jira Cloud's JSON as the client reads it: service desk requests, platform users and issues,
//! the service desk, transitions. Only the fields accessdesk uses; unknown ones are ignored.

use serde::Deserialize;
use serde_json::Value;

/// `CustomerRequestDTO`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Request {
    pub issue_id: String,
    pub issue_key: String,
    #[serde(default)]
    pub created_date: Option<Date>,
    #[serde(default)]
    pub reporter: Option<User>,
    #[serde(default)]
    pub request_field_values: Vec<FieldValue>,
    #[serde(default)]
    pub current_status: Option<CurrentStatus>,
    /// Present with `expand=requestType`.
    #[serde(default)]
    pub request_type: Option<Named>,
    #[serde(rename = "_links", default)]
    pub links: Option<Links>,
}

/// `DateDTO`: the same instant in several forms.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Date {
    #[serde(default)]
    pub epoch_millis: Option<i64>,
    #[serde(default)]
    pub iso8601: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct User {
    pub account_id: String,
    /// Hidden by Jira when the person's profile visibility says so.
    #[serde(default)]
    pub email_address: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    /// `atlassian`, `customer` or `app`.
    #[serde(default)]
    pub account_type: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct FieldValue {
    pub field_id: String,
    #[serde(default)]
    pub value: Value,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CurrentStatus {
    pub status: String,
    /// `NEW`, `INDETERMINATE`, `DONE` (or `UNDEFINED`).
    #[serde(default)]
    pub status_category: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Links {
    #[serde(default)]
    pub web: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Named {
    pub name: String,
}

/// `ServiceDeskDTO`: which project the desk's requests live in.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ServiceDesk {
    pub project_key: String,
}

/// A page of `GET /rest/api/3/search/jql`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SearchPage {
    #[serde(default)]
    pub issues: Vec<Issue>,
    #[serde(default)]
    pub next_page_token: Option<String>,
    #[serde(default)]
    pub is_last: Option<bool>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Issue {
    pub id: String,
    pub key: String,
    #[serde(default)]
    pub fields: IssueFields,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct IssueFields {
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub status: Option<IssueStatus>,
    #[serde(default)]
    pub reporter: Option<User>,
    /// `2026-12-03T07:01:02.000+0000`
    #[serde(default)]
    pub created: Option<String>,
    #[serde(default)]
    pub issuetype: Option<Named>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct IssueStatus {
    pub name: String,
    #[serde(default)]
    pub status_category: Option<StatusCategory>,
}

#[derive(Debug, Deserialize)]
pub(super) struct StatusCategory {
    /// `new`, `indeterminate`, `done`.
    pub key: String,
}

/// A page of the service desk API (`PagedDTO`), here of transitions.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Paged<T> {
    #[serde(default = "Vec::new")]
    pub values: Vec<T>,
    #[serde(default)]
    pub start: usize,
    #[serde(default)]
    pub is_last_page: Option<bool>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Transition {
    pub id: String,
    pub name: String,
}
