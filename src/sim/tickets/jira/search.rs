//! The Jira platform's searches a client needs beside the service desk API:
//! `GET /rest/api/3/user/search?query=` (people by e-mail or name) and
//! `GET /rest/api/3/search/jql` (requests by reporter and status, `nextPageToken` paging).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::body::{number, query_list, query_one};
use super::error::{Api, JiraError};
use super::gate::Admitted;
use super::{jql, wire};
use crate::sim::state::{Shared, lock};
use crate::sim::tickets::desk::JIRA_PROJECT;

/// `GET /rest/api/3/user/search?query=&startAt=&maxResults=`: users whose e-mail address or
/// display name starts with the query, case-insensitively.
pub(super) async fn users(
    State(shared): State<Arc<Shared>>,
    admitted: Admitted,
    uri: Uri,
) -> Response {
    let answer = find_users(&shared, &uri, &admitted.base).map(Json);
    admitted.answer(answer).await
}

fn find_users(shared: &Shared, uri: &Uri, base: &str) -> Result<Value, JiraError> {
    let query = query_one(uri, "query")
        .map(|q| q.trim().to_lowercase())
        .filter(|q| !q.is_empty())
        .ok_or_else(|| {
            JiraError::bad_request(
                Api::Platform,
                "One of 'query' or 'accountId' query parameters must be provided.",
            )
        })?;
    let start = number(uri, "startAt", 0, Api::Platform)?;
    let max = number(uri, "maxResults", 50, Api::Platform)?.min(1000);
    let state = lock(&shared.state);
    let desk = lock(&shared.desk);
    let found: Vec<Value> = (0..state.org.users.len())
        .map(|i| desk.person(&state.org, i))
        .filter(|p| {
            p.email.to_lowercase().starts_with(&query) || p.name.to_lowercase().starts_with(&query)
        })
        .skip(start)
        .take(max)
        .map(|p| wire::user(&p, base))
        .collect();
    Ok(Value::Array(found))
}

/// `GET /rest/api/3/search/jql?jql=&fields=&maxResults=&nextPageToken=`
pub(super) async fn issues(
    State(shared): State<Arc<Shared>>,
    admitted: Admitted,
    uri: Uri,
) -> Response {
    let answer = search(&shared, &uri, &admitted.base).map(Json);
    admitted.answer(answer).await
}

const TOKEN_PREFIX: &str = "sim-offset:";

fn page_token(offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("{TOKEN_PREFIX}{offset}"))
}

fn offset_of(token: &str) -> Option<usize> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(token.trim()).ok()?).ok()?;
    text.strip_prefix(TOKEN_PREFIX)?.parse().ok()
}

fn search(shared: &Shared, uri: &Uri, base: &str) -> Result<Value, JiraError> {
    let bad = |m: String| JiraError::bad_request(Api::Platform, m);
    let text = query_one(uri, "jql").unwrap_or_default();
    let query = jql::parse(&text).map_err(|e| {
        if e.is_empty() {
            bad("Unbounded JQL queries are not allowed here. Please add a search restriction to your query.".into())
        } else {
            bad(format!("Error in the JQL Query: {e}"))
        }
    })?;
    let offset = match query_one(uri, "nextPageToken") {
        None => 0,
        Some(token) => offset_of(&token)
            .ok_or_else(|| bad("The provided next page token is invalid or expired.".into()))?,
    };
    let max = number(uri, "maxResults", 50, Api::Platform)?.clamp(1, 100);
    let mut fields = query_list(uri, "fields");
    if fields.is_empty() {
        fields.push("id".into());
    }
    let state = lock(&shared.state);
    let desk = lock(&shared.desk);
    let mut matching: Vec<usize> = (0..desk.tickets.len())
        .filter(|&i| {
            let ticket = &desk.tickets[i];
            let account = desk
                .person_by_email(&state.org, &ticket.caller)
                .map(|p| p.account_id)
                .unwrap_or_default();
            query.matches(ticket, JIRA_PROJECT, &account)
        })
        .collect();
    matching.sort_by_key(|&i| (desk.tickets[i].created, desk.tickets[i].jira_id));
    if query.newest_first {
        matching.reverse();
    }
    let page: Vec<Value> = matching
        .iter()
        .skip(offset)
        .take(max)
        .map(|&i| {
            let ticket = &desk.tickets[i];
            let reporter = wire::reporter(&state.org, &desk, ticket, base);
            wire::issue(ticket, reporter, base, &fields)
        })
        .collect();
    let next = offset + page.len();
    let mut answer = json!({"issues": page, "isLast": next >= matching.len()});
    if next < matching.len() {
        answer["nextPageToken"] = json!(page_token(next));
    }
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_round_trip_and_junk_is_refused() {
        assert_eq!(offset_of(&page_token(40)), Some(40));
        assert_eq!(offset_of("junk!"), None);
        assert_eq!(offset_of(&URL_SAFE_NO_PAD.encode("offset:3")), None);
    }
}
