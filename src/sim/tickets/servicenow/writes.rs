//! `POST /api/now/table/incident` (201 + `Location`) and `PATCH`/`PUT …/<table>/<sys_id>`
//! on incidents and requested items: journal fields append to the desk ticket's notes
//! (`work_notes` internal, `comments` public), `state`, `close_code` and `close_notes` set.
//! Any other table is refused with 403, as an ACL on the integration user refuses it.

use axum::Json;
use axum::http::header::LOCATION;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{Map, Value, json};

use super::errors::{bad_payload, invalid_table, no_record, not_authorized};
use super::params::Params;
use super::reads::base;
use super::rows::{record_link, render, table_name, ticket_row};
use super::states::stage_from;
use super::tables::Table;
use crate::sim::org::Org;
use crate::sim::state::{Shared, lock};
use crate::sim::tickets::SERVICENOW_USER;
use crate::sim::tickets::desk::{Desk, DeskTicket, Kind, Note};

type Fields = Map<String, Value>;

/// A written value as the string the instance would store.
fn text(fields: &Fields, name: &str) -> Option<String> {
    match fields.get(name)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn parse_fields(body: &[u8]) -> Option<Fields> {
    serde_json::from_slice::<Value>(body)
        .ok()?
        .as_object()
        .cloned()
}

/// The table to write, or the refusal: 400 for no such table, 403 for one the integration
/// user may not write.
fn writable(table: &str, creating: bool) -> Result<Kind, Box<Response>> {
    match Table::parse(table) {
        None => Err(Box::new(invalid_table(table))),
        Some(Table::Tickets(Kind::Incident)) => Ok(Kind::Incident),
        // Items are ordered through the catalog, never inserted directly.
        Some(Table::Tickets(Kind::RequestedItem)) if !creating => Ok(Kind::RequestedItem),
        Some(_) => Err(Box::new(not_authorized(table))),
    }
}

/// The login of the person a written `caller_id` names: a sys_id, or with
/// `sysparm_input_display_value=true` also a user name, e-mail address or full name. A value
/// naming no one leaves the reference empty, as an instance does.
fn caller_login(desk: &Desk, org: &Org, written: &str, by_label: bool) -> String {
    if let Some(p) = desk.person_by_id(org, written) {
        return p.email;
    }
    if by_label {
        if let Some(p) = desk.person_by_email(org, written) {
            return p.email;
        }
        if let Some(i) = org.users.iter().position(|u| u.display_name() == written) {
            return desk.person(org, i).email;
        }
    }
    String::new()
}

/// Applies the fields a PATCH or POST may set.
fn apply(ticket: &mut DeskTicket, fields: &Fields) {
    let now = Utc::now();
    for (name, internal) in [("work_notes", true), ("comments", false)] {
        if let Some(note) = text(fields, name).filter(|n| !n.trim().is_empty()) {
            ticket.notes.push(Note {
                at: now,
                author: SERVICENOW_USER.to_string(),
                internal,
                text: note,
            });
        }
    }
    if let Some(stage) = text(fields, "state").and_then(|s| stage_from(ticket.kind, &s)) {
        ticket.stage = stage;
    }
    if let Some(v) = text(fields, "close_code") {
        ticket.close_code = Some(v);
    }
    if let Some(v) = text(fields, "close_notes") {
        ticket.close_notes = Some(v);
    }
    if let Some(v) = text(fields, "short_description") {
        ticket.summary = v;
    }
    if let Some(v) = text(fields, "description") {
        ticket.description = v;
    }
    if let Some(v) = text(fields, "category") {
        ticket.category = v;
    }
    if let Some(v) = text(fields, "assignment_group") {
        ticket.assignment_group = Some(v).filter(|g| !g.is_empty());
    }
    ticket.updated = now;
}

/// The written record, rendered as the request's parameters ask.
fn answer(shared: &Shared, ticket: &DeskTicket, params: &Params) -> Value {
    let state = lock(&shared.state);
    let desk = lock(&shared.desk);
    let caller = desk.person_by_email(&state.org, &ticket.caller);
    json!({ "result": render(&ticket_row(ticket, caller.as_ref(), &base(shared)), params) })
}

pub(super) fn create(
    shared: &Shared,
    table: &str,
    params: &Params,
    body: &[u8],
    no_response_body: bool,
) -> Response {
    let kind = match writable(table, true) {
        Ok(kind) => kind,
        Err(refused) => return *refused,
    };
    let Some(fields) = parse_fields(body) else {
        return bad_payload();
    };
    let ticket = {
        let state = lock(&shared.state);
        let mut desk = lock(&shared.desk);
        let caller = text(&fields, "caller_id")
            .map(|c| caller_login(&desk, &state.org, c.trim(), params.input_display_value))
            .unwrap_or_default();
        let summary = text(&fields, "short_description").unwrap_or_default();
        let description = text(&fields, "description").unwrap_or_default();
        let mut ticket = desk.new_ticket(&caller, kind, &summary, &description, Utc::now());
        apply(&mut ticket, &fields);
        desk.insert(ticket.clone());
        ticket
    };
    let location = record_link(&base(shared), table_name(kind), &ticket.sys_id);
    let mut response = if no_response_body {
        StatusCode::CREATED.into_response()
    } else {
        (StatusCode::CREATED, Json(answer(shared, &ticket, params))).into_response()
    };
    if let Ok(v) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(LOCATION, v);
    }
    response
}

pub(super) fn update(
    shared: &Shared,
    table: &str,
    sys_id: &str,
    params: &Params,
    body: &[u8],
) -> Response {
    let kind = match writable(table, false) {
        Ok(kind) => kind,
        Err(refused) => return *refused,
    };
    let Some(fields) = parse_fields(body) else {
        return bad_payload();
    };
    let ticket = {
        let mut desk = lock(&shared.desk);
        let Some(i) = desk
            .by_sys_id(sys_id)
            .filter(|i| desk.tickets[*i].kind == kind)
        else {
            return no_record();
        };
        apply(&mut desk.tickets[i], &fields);
        desk.tickets[i].clone()
    };
    Json(answer(shared, &ticket, params)).into_response()
}
