//! Writing: opening an incident for the caller, appending a work note, resolving. Each is
//! sent once (see `http`).

use reqwest::Method;
use serde_json::{Map, Value, json};

use super::ServiceNowClient;
use super::errors::unexpected_shape;
use super::reads::person_by_email;
use super::tables::{INCIDENT, REQUESTED_ITEM, is_ticket_table, ticket_fields};
use super::wire::{One, value};
use crate::idp::transport::content_type;
use crate::tickets::{NewTicket, Ticket, TicketError, TicketProvider, TicketResolution};

/// Incident state 6: Resolved.
const INCIDENT_RESOLVED: &str = "6";
/// Requested-item state 3: Closed Complete (items have no "resolved").
const ITEM_CLOSED_COMPLETE: &str = "3";

/// A 32-hex sys_id, as opposed to a display value such as a group's name.
fn is_sys_id(value: &str) -> bool {
    value.len() == 32 && value.chars().all(|c| c.is_ascii_hexdigit())
}

pub(super) async fn create(
    client: &ServiceNowClient,
    new: &NewTicket,
) -> Result<Ticket, TicketError> {
    let caller = person_by_email(client, &new.caller_email)
        .await?
        .ok_or_else(|| TicketError::UnknownPerson {
            provider: TicketProvider::ServiceNow,
            email: new.caller_email.trim().to_string(),
        })?;
    let mut fields = Map::new();
    fields.insert("caller_id".into(), json!(caller.id));
    fields.insert("short_description".into(), json!(new.summary));
    fields.insert("description".into(), json!(new.description));
    fields.insert("category".into(), json!(client.settings.category));
    fields.insert("contact_type".into(), json!("phone"));
    let mut url = client.table_url(INCIDENT, None);
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("sysparm_display_value", "all")
            .append_pair("sysparm_exclude_reference_link", "true")
            .append_pair("sysparm_fields", &ticket_fields(INCIDENT));
        if let Some(group) = &client.settings.assignment_group {
            fields.insert("assignment_group".into(), json!(group));
            // A group's name is a display value; a sys_id is sent as it is.
            if !is_sys_id(group) {
                q.append_pair("sysparm_input_display_value", "true");
            }
        }
    }
    let answer = client
        .write(Method::POST, url, &Value::Object(fields))
        .await?;
    let one: One = serde_json::from_slice(&answer.body)
        .map_err(|e| super::errors::unexpected_shape(&answer.headers, &answer.body, &e).error)?;
    let mut ticket = client.ticket(INCIDENT, &one.result)?;
    // The caller is the person just resolved, whatever the answer's fields carried.
    ticket.caller = Some(match ticket.caller.take() {
        Some(mut c) if c.id == caller.id => {
            c.email = c.email.or(caller.email.clone());
            c.name = c.name.or(caller.name.clone());
            c
        }
        _ => caller,
    });
    Ok(ticket)
}

pub(super) async fn add_note(
    client: &ServiceNowClient,
    ticket: &Ticket,
    note: &str,
) -> Result<(), TicketError> {
    patch(client, ticket, json!({ "work_notes": note })).await
}

pub(super) async fn resolve(
    client: &ServiceNowClient,
    ticket: &Ticket,
    resolution: &TicketResolution,
) -> Result<(), TicketError> {
    let code = if resolution.code.trim().is_empty() {
        client.settings.close_code.clone()
    } else {
        resolution.code.clone()
    };
    let body = if ticket.kind == REQUESTED_ITEM {
        json!({ "state": ITEM_CLOSED_COMPLETE, "close_notes": resolution.notes })
    } else {
        json!({
            "state": INCIDENT_RESOLVED,
            "close_code": code,
            "close_notes": resolution.notes,
        })
    };
    patch(client, ticket, body).await
}

/// `PATCH /api/now/table/<kind>/<sys_id>`, answering only the sys_id: an answer without
/// it (a proxy's page, a body cut short) means the write cannot be known to have landed.
async fn patch(client: &ServiceNowClient, ticket: &Ticket, body: Value) -> Result<(), TicketError> {
    if ticket.provider != TicketProvider::ServiceNow || !is_ticket_table(&ticket.kind) {
        return Err(TicketError::Invalid(format!(
            "{} is not a ServiceNow incident or requested item",
            ticket.number
        )));
    }
    let mut url = client.table_url(&ticket.kind, Some(&ticket.system_id));
    url.query_pairs_mut()
        .append_pair("sysparm_fields", "sys_id");
    let answer = client.write(Method::PATCH, url, &body).await?;
    let one: One = serde_json::from_slice(&answer.body)
        .map_err(|e| unexpected_shape(&answer.headers, &answer.body, &e).error)?;
    match value(&one.result, "sys_id") {
        Some(id) if id == ticket.system_id => Ok(()),
        _ => Err(TicketError::UnexpectedBody {
            provider: TicketProvider::ServiceNow,
            status: 200,
            content_type: content_type(&answer.headers),
            snippet: format!("the answer does not name {}", ticket.number),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_names_are_display_values_and_sys_ids_are_not() {
        assert!(is_sys_id("0123456789abcdef0123456789ABCDEF"));
        assert!(!is_sys_id("Service Desk"));
        assert!(!is_sys_id("0123456789abcdef"));
    }
}
