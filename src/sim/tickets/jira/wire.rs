//! The desk's tickets and people in Jira Cloud's JSON: service desk requests
//! (`CustomerRequestDTO`), platform issues (as `search/jql` answers) and users.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::sim::org::Org;
use crate::sim::tickets::desk::{Desk, DeskPerson, DeskTicket, Stage};

/// The simulated service desk: id, project and the one request type it offers.
pub(super) const SERVICE_DESK_ID: &str = "1";
pub(super) const PROJECT_ID: &str = "10000";
pub(super) const PROJECT_NAME: &str = "IT Help Desk";
pub(super) const REQUEST_TYPE_ID: &str = "1";
pub(super) const REQUEST_TYPE_NAME: &str = "Get IT help";
/// A second desk that exists but where the agent account is not an agent.
pub(super) const FOREIGN_DESK_ID: &str = "2";

/// Jira's `DateDTO`.
pub(super) fn date(at: DateTime<Utc>, now: DateTime<Utc>) -> Value {
    let friendly = if at.date_naive() == now.date_naive() {
        format!("Today {}", at.format("%-I:%M %p"))
    } else {
        at.format("%d/%b/%y %-I:%M %p").to_string()
    };
    json!({
        "iso8601": at.format("%Y-%m-%dT%H:%M:%S%z").to_string(),
        "jira": jira_time(at),
        "friendly": friendly,
        "epochMillis": at.timestamp_millis(),
    })
}

/// Jira's own timestamp form, as the platform API writes `created`: `2026-12-03T07:01:02.000+0000`.
pub(super) fn jira_time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3f%z").to_string()
}

/// A Jira Cloud user (an agent or a customer), as both APIs describe one.
pub(super) fn user(person: &DeskPerson, base: &str) -> Value {
    let avatar = format!(
        "https://avatar-management.services.atlassian.com/default/{}",
        person.account_id
    );
    json!({
        "accountId": person.account_id,
        "accountType": "atlassian",
        "emailAddress": person.email,
        "displayName": person.name,
        "active": true,
        "timeZone": "Etc/UTC",
        "self": format!("{base}/rest/api/3/user?accountId={}", person.account_id),
        "avatarUrls": {"48x48": avatar, "24x24": avatar, "16x16": avatar, "32x32": avatar},
        "_links": {
            "jiraRest": format!("{base}/rest/api/2/user?accountId={}", person.account_id),
            "self": format!("{base}/rest/api/2/user?accountId={}", person.account_id),
        },
    })
}

/// The agent account the API token belongs to (the author of what accessdesk writes).
pub(super) fn agent(base: &str) -> Value {
    json!({
        "accountId": "557058:accessdesk-0000-4000-8000-000000000001",
        "emailAddress": crate::sim::tickets::JIRA_USER,
        "displayName": "accessdesk",
        "active": true,
        "timeZone": "Etc/UTC",
        "_links": {"self": format!("{base}/rest/api/2/user?accountId=557058:accessdesk-0000-4000-8000-000000000001")},
    })
}

/// The service desk API's status category for a stage.
fn category(stage: Stage) -> &'static str {
    match stage {
        Stage::New => "NEW",
        Stage::InProgress | Stage::OnHold => "INDETERMINATE",
        Stage::Resolved | Stage::Closed | Stage::Canceled => "DONE",
    }
}

/// A customer request; `with_request_type` when the caller asked for `expand=requestType`.
pub(super) fn request(
    ticket: &DeskTicket,
    reporter: Value,
    base: &str,
    with_request_type: bool,
    now: DateTime<Utc>,
) -> Value {
    let mut fields =
        vec![json!({"fieldId": "summary", "label": "Summary", "value": ticket.summary})];
    if !ticket.description.is_empty() {
        fields.push(
            json!({"fieldId": "description", "label": "Description", "value": ticket.description}),
        );
    }
    let mut value = json!({
        "_expands": ["participant", "status", "sla", "requestType", "serviceDesk", "attachment", "action", "comment"],
        "issueId": ticket.jira_id.to_string(),
        "issueKey": ticket.jira_key,
        "requestTypeId": REQUEST_TYPE_ID,
        "serviceDeskId": SERVICE_DESK_ID,
        "createdDate": date(ticket.created, now),
        "reporter": reporter,
        "requestFieldValues": fields,
        "currentStatus": {
            "status": ticket.stage.jira_status(),
            "statusCategory": category(ticket.stage),
            "statusDate": date(ticket.updated, now),
        },
        "_links": {
            "jiraRest": format!("{base}/rest/api/2/issue/{}", ticket.jira_id),
            "web": format!("{base}/servicedesk/customer/portal/{SERVICE_DESK_ID}/{}", ticket.jira_key),
            "self": format!("{base}/rest/servicedeskapi/request/{}", ticket.jira_id),
        },
    });
    if with_request_type {
        value["requestType"] = json!({
            "id": REQUEST_TYPE_ID,
            "name": REQUEST_TYPE_NAME,
            "description": "Get help from the IT service desk",
            "serviceDeskId": SERVICE_DESK_ID,
            "groupIds": ["1"],
        });
    }
    value
}

/// A platform issue with the fields a `fields` list asked for (none: Jira's default, the id).
pub(super) fn issue(ticket: &DeskTicket, reporter: Value, base: &str, fields: &[String]) -> Value {
    let (key, name) = match category(ticket.stage) {
        "NEW" => ("new", "To Do"),
        "DONE" => ("done", "Done"),
        _ => ("indeterminate", "In Progress"),
    };
    let wanted = |f: &str| fields.iter().any(|w| w == f || w == "*all");
    let mut out = serde_json::Map::new();
    if wanted("summary") {
        out.insert("summary".into(), json!(ticket.summary));
    }
    if wanted("status") {
        out.insert(
            "status".into(),
            json!({
                "name": ticket.stage.jira_status(),
                "statusCategory": {"key": key, "name": name},
            }),
        );
    }
    if wanted("reporter") {
        out.insert("reporter".into(), reporter);
    }
    if wanted("created") {
        out.insert("created".into(), json!(jira_time(ticket.created)));
    }
    if wanted("issuetype") {
        out.insert(
            "issuetype".into(),
            json!({"id": "10001", "name": "[System] Service request"}),
        );
    }
    json!({
        "id": ticket.jira_id.to_string(),
        "key": ticket.jira_key,
        "self": format!("{base}/rest/api/3/issue/{}", ticket.jira_id),
        "fields": out,
    })
}

/// A page of the service desk API's `PagedDTO`, with `_links.next`/`prev` as Jira sends them.
pub(super) fn paged(
    values: Vec<Value>,
    start: usize,
    limit: usize,
    last: bool,
    self_url: &str,
    base: &str,
) -> Value {
    let size = values.len();
    let mut links = json!({"base": base, "context": "", "self": self_url});
    if !last {
        links["next"] = json!(format!("{self_url}?start={}&limit={limit}", start + size));
    }
    if start > 0 {
        links["prev"] = json!(format!(
            "{self_url}?start={}&limit={limit}",
            start.saturating_sub(limit)
        ));
    }
    json!({
        "_expands": [],
        "size": size,
        "start": start,
        "limit": limit,
        "isLastPage": last,
        "_links": links,
        "values": values,
    })
}

/// The reporter of a ticket: the organisation's person, or the agent for requests raised
/// without `raiseOnBehalfOf`.
pub(super) fn reporter(org: &Org, desk: &Desk, ticket: &DeskTicket, base: &str) -> Value {
    match desk.person_by_email(org, &ticket.caller) {
        Some(person) => user(&person, base),
        None if ticket
            .caller
            .eq_ignore_ascii_case(crate::sim::tickets::JIRA_USER) =>
        {
            agent(base)
        }
        None => Value::Null,
    }
}
