//! Reading: a ticket by number, a person by e-mail, and a caller's open tickets across pages
//! (`sysparm_limit`/`sysparm_offset`, following `Link: rel="next"` up to `X-Total-Count`).

use url::Url;

use super::ServiceNowClient;
use super::client::MAX_LISTED;
use super::tables::{INCIDENT, REQUESTED_ITEM, caller_field, query_safe, table_for, ticket_fields};
use super::wire::{Many, person};
use crate::idp::okta::links;
use crate::tickets::{Ticket, TicketError, TicketPerson};

/// Labels with values, reference links left out: what every ticket read asks for.
fn ticket_query(url: &mut Url, table: &str, query: &str, limit: u32) {
    url.query_pairs_mut()
        .append_pair("sysparm_query", query)
        .append_pair("sysparm_limit", &limit.to_string())
        .append_pair("sysparm_display_value", "all")
        .append_pair("sysparm_exclude_reference_link", "true")
        .append_pair("sysparm_fields", &ticket_fields(table));
}

/// A list that matched nothing: v2 answers an empty array, the older v1 a 404 "No Record
/// found" (any other 404, such as a wrong instance path, stays an error).
fn no_records(e: &TicketError) -> bool {
    matches!(e, TicketError::Api { status: 404, message, .. } if message.to_ascii_lowercase().contains("no record"))
}

pub(super) async fn lookup(
    client: &ServiceNowClient,
    number: &str,
) -> Result<Option<Ticket>, TicketError> {
    let number = number.trim();
    if !query_safe(number) || !number.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Ok(None);
    }
    let table = table_for(number);
    let mut url = client.table_url(table, None);
    ticket_query(&mut url, table, &format!("number={number}"), 1);
    let records = match client.get_json::<Many>(url).await {
        Ok((many, _)) => many.result,
        Err(e) if no_records(&e) => Vec::new(),
        Err(e) => return Err(e),
    };
    records
        .first()
        .map(|record| client.ticket(table, record))
        .transpose()
}

/// The `sys_user` with this e-mail address.
pub(super) async fn person_by_email(
    client: &ServiceNowClient,
    email: &str,
) -> Result<Option<TicketPerson>, TicketError> {
    let email = email.trim();
    if !query_safe(email) {
        return Ok(None);
    }
    let mut url = client.table_url("sys_user", None);
    url.query_pairs_mut()
        .append_pair("sysparm_query", &format!("email={email}"))
        .append_pair("sysparm_limit", "1")
        .append_pair("sysparm_fields", "sys_id,email,name");
    let records = match client.get_json::<Many>(url).await {
        Ok((many, _)) => many.result,
        Err(e) if no_records(&e) => Vec::new(),
        Err(e) => return Err(e),
    };
    Ok(records.first().and_then(person))
}

/// Open incidents and requested items whose caller has this address, newest first. A
/// person the instance does not know has none.
pub(super) async fn open_for(
    client: &ServiceNowClient,
    email: &str,
) -> Result<Vec<Ticket>, TicketError> {
    let Some(caller) = person_by_email(client, email).await? else {
        return Ok(Vec::new());
    };
    let open_incidents = if client.settings.open_states.is_empty() {
        "active=true".to_string()
    } else {
        format!("stateIN{}", client.settings.open_states.join(","))
    };
    let mut tickets = Vec::new();
    for (table, open) in [
        (INCIDENT, open_incidents.as_str()),
        (REQUESTED_ITEM, "active=true"),
    ] {
        let query = format!(
            "{}={}^{open}^ORDERBYDESCsys_created_on",
            caller_field(table),
            caller.id
        );
        tickets.extend(list(client, table, &query).await?);
    }
    for ticket in &mut tickets {
        if let Some(c) = ticket.caller.as_mut()
            && c.email.is_none()
        {
            c.email = caller.email.clone();
        }
    }
    tickets.retain(|t| t.open);
    // Stable, so each table's own order settles ties.
    tickets.sort_by_key(|t| std::cmp::Reverse(t.created));
    Ok(tickets)
}

/// Every record of `table` matching `query`, page by page.
async fn list(
    client: &ServiceNowClient,
    table: &str,
    query: &str,
) -> Result<Vec<Ticket>, TicketError> {
    let mut url = client.table_url(table, None);
    ticket_query(&mut url, table, query, client.page_size);
    url.query_pairs_mut().append_pair("sysparm_offset", "0");
    let mut tickets = Vec::new();
    loop {
        let (page, headers) = match client.get_json::<Many>(url).await {
            Ok(answer) => answer,
            Err(e) if no_records(&e) => break,
            Err(e) => return Err(e),
        };
        let empty = page.result.is_empty();
        for record in &page.result {
            tickets.push(client.ticket(table, record)?);
        }
        let total = headers
            .get("x-total-count")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<usize>().ok());
        let next = links::find(&headers, "next");
        let done =
            empty || tickets.len() >= MAX_LISTED || total.is_some_and(|t| tickets.len() >= t);
        match next {
            Some(next) if !done => {
                url = Url::parse(&next).map_err(|e| {
                    TicketError::Invalid(format!("ServiceNow sent an unusable next link: {e}"))
                })?;
            }
            _ => break,
        }
    }
    tickets.truncate(MAX_LISTED);
    Ok(tickets)
}
