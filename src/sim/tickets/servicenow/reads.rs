//! `GET /api/now/table/<table>` (query, order, page) and `GET …/<table>/<sys_id>`.

use axum::Json;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::errors::{invalid_table, no_record};
use super::params::Params;
use super::query::Query;
use super::rows::{Row, render, ticket_row, user_row};
use super::tables::Table;
use crate::model::UserStatus;
use crate::sim::state::{Shared, lock};
use crate::sim::tickets::desk::DeskTicket;

/// `http://<addr>`: where links point.
pub(super) fn base(shared: &Shared) -> String {
    format!("http://{}", shared.addr)
}

/// Every record of a table that may match, in the desk's order (oldest ticket first). A
/// ticket asked for by number, or a person by e-mail or user name, is found directly: an
/// organisation may have 100,000 people.
fn rows(shared: &Shared, table: Table, query: &Query) -> Vec<Row> {
    let base = base(shared);
    let state = lock(&shared.state);
    let desk = lock(&shared.desk);
    let org = &state.org;
    match table {
        Table::Tickets(kind) => {
            let row = |t: &DeskTicket| {
                ticket_row(t, desk.person_by_email(org, &t.caller).as_ref(), &base)
            };
            match query.equals("number") {
                Some(number) => desk
                    .by_number(number.trim())
                    .map(|i| &desk.tickets[i])
                    .filter(|t| t.kind == kind)
                    .map(row)
                    .into_iter()
                    .collect(),
                None => desk
                    .tickets
                    .iter()
                    .filter(|t| t.kind == kind)
                    .map(row)
                    .collect(),
            }
        }
        Table::User => {
            let active = |i: usize| org.users[i].status != UserStatus::Deprovisioned;
            let person = |i: usize| user_row(&desk.person(org, i), active(i));
            match query.equals("email").or_else(|| query.equals("user_name")) {
                Some(login) => org.by_login(login.trim()).map(person).into_iter().collect(),
                None => (0..org.users.len()).map(person).collect(),
            }
        }
        Table::Request => Vec::new(),
    }
}

pub(super) fn list(shared: &Shared, table: &str, params: &Params, path: &str) -> Response {
    let Some(t) = Table::parse(table) else {
        return invalid_table(table);
    };
    let query = Query::parse(&params.query);
    let mut rows: Vec<Row> = rows(shared, t, &query)
        .into_iter()
        .filter(|r| query.matches(r))
        .collect();
    query.sort(&mut rows);
    let total = rows.len();
    let page: Vec<_> = rows
        .iter()
        .skip(params.offset)
        .take(params.limit)
        .map(|r| render(r, params))
        .collect();
    let mut response = Json(json!({ "result": page })).into_response();
    let headers = response.headers_mut();
    headers.insert("x-total-count", HeaderValue::from(total));
    if let Ok(link) = HeaderValue::from_str(&links(&base(shared), path, params, total)) {
        headers.insert("link", link);
    }
    response
}

/// ServiceNow's paging links, all on one line: first, prev, next, last.
fn links(base: &str, path: &str, params: &Params, total: usize) -> String {
    let (offset, limit) = (params.offset, params.limit);
    let url = |o: usize| format!("<{base}{path}?{}>", params.with_page(o, limit));
    let mut out = vec![format!("{};rel=\"first\"", url(0))];
    if limit > 0 {
        if offset > 0 {
            out.push(format!(
                "{};rel=\"prev\"",
                url(offset.saturating_sub(limit))
            ));
        }
        if offset + limit < total {
            out.push(format!("{};rel=\"next\"", url(offset + limit)));
        }
        let last = total.saturating_sub(1) / limit * limit;
        out.push(format!("{};rel=\"last\"", url(last)));
    }
    out.join(",")
}

pub(super) fn read(shared: &Shared, table: &str, sys_id: &str, params: &Params) -> Response {
    let Some(t) = Table::parse(table) else {
        return invalid_table(table);
    };
    match rows(shared, t, &Query::default())
        .iter()
        .find(|r| r.get("sys_id").is_some_and(|c| c.value == sys_id))
    {
        Some(row) => Json(json!({ "result": render(row, params) })).into_response(),
        None => no_record(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_name_first_prev_next_last() {
        let p = Params::parse(Some(
            "sysparm_query=active%3Dtrue&sysparm_limit=2&sysparm_offset=2",
        ));
        let l = links("http://h", "/api/now/table/incident", &p, 5);
        assert!(l.starts_with("<http://h/api/now/table/incident?sysparm_query=active%3Dtrue&sysparm_offset=0&sysparm_limit=2>;rel=\"first\","), "{l}");
        assert!(
            l.contains("sysparm_offset=0&sysparm_limit=2>;rel=\"prev\""),
            "{l}"
        );
        assert!(
            l.contains("sysparm_offset=4&sysparm_limit=2>;rel=\"next\""),
            "{l}"
        );
        assert!(
            l.ends_with("sysparm_offset=4&sysparm_limit=2>;rel=\"last\""),
            "{l}"
        );
        let end = Params::parse(Some("sysparm_limit=2&sysparm_offset=4"));
        assert!(!links("http://h", "/x", &end, 5).contains("next"));
    }
}
