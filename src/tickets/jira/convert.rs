//! Jira's requests and issues as accessdesk's [`Ticket`]: which status counts as open, who the
//! requester is, when it was raised.

use super::wire::{Issue, Request, User};
use crate::tickets::{Ticket, TicketPerson, TicketProvider};
use chrono::{DateTime, Utc};

/// What a request is called when its request type's name was not sent.
const REQUEST: &str = "service request";

/// Whether a status is open: one of `open_statuses` when configured, else any status whose
/// category is not done.
pub(super) fn is_open(open_statuses: &[String], status: &str, category_done: bool) -> bool {
    if open_statuses.is_empty() {
        !category_done
    } else {
        open_statuses
            .iter()
            .any(|s| s.trim().eq_ignore_ascii_case(status.trim()))
    }
}

pub(super) fn person(user: User) -> TicketPerson {
    TicketPerson {
        id: user.account_id,
        email: user.email_address.filter(|e| !e.trim().is_empty()),
        name: user.display_name,
    }
}

/// A service desk request (`GET`/`POST /rest/servicedeskapi/request`).
pub(super) fn request(r: Request, open_statuses: &[String]) -> Ticket {
    let (state, done) = match r.current_status {
        Some(s) => {
            let done = s
                .status_category
                .as_deref()
                .is_some_and(|c| c.eq_ignore_ascii_case("DONE"));
            (s.status, done)
        }
        None => (String::new(), false),
    };
    let summary = r
        .request_field_values
        .iter()
        .find(|f| f.field_id == "summary")
        .and_then(|f| f.value.as_str())
        .unwrap_or_default()
        .to_string();
    let created = r.created_date.and_then(|d| {
        d.epoch_millis
            .and_then(DateTime::<Utc>::from_timestamp_millis)
            .or_else(|| d.iso8601.as_deref().and_then(parse_time))
    });
    Ticket {
        provider: TicketProvider::Jira,
        system_id: r.issue_id,
        number: r.issue_key,
        kind: r
            .request_type
            .map_or_else(|| REQUEST.to_string(), |t| t.name),
        open: is_open(open_statuses, &state, done),
        state,
        caller: r.reporter.map(person),
        summary,
        created,
        web_url: r.links.and_then(|l| l.web),
    }
}

/// A platform issue from `search/jql`; `browse` is the site's `/browse/` URL prefix.
pub(super) fn issue(i: Issue, open_statuses: &[String], browse: &str) -> Ticket {
    let fields = i.fields;
    let (state, done) = match fields.status {
        Some(s) => {
            let done = s
                .status_category
                .is_some_and(|c| c.key.eq_ignore_ascii_case("done"));
            (s.name, done)
        }
        None => (String::new(), false),
    };
    Ticket {
        provider: TicketProvider::Jira,
        system_id: i.id,
        web_url: Some(format!("{browse}{}", i.key)),
        number: i.key,
        kind: fields
            .issuetype
            .map_or_else(|| REQUEST.to_string(), |t| t.name),
        open: is_open(open_statuses, &state, done),
        state,
        caller: fields.reporter.map(person),
        summary: fields.summary.unwrap_or_default(),
        created: fields.created.as_deref().and_then(parse_time),
    }
}

/// Jira's timestamps: `2026-12-03T07:01:02.000+0000` or `2026-12-03T07:01:02+0000`.
fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z")
        .or_else(|_| DateTime::parse_from_rfc3339(text))
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A JQL string literal.
pub(super) fn jql_quote(value: &str) -> String {
    let escaped: String = value
        .chars()
        .flat_map(|c| match c {
            '"' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    format!("\"{escaped}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_is_the_configured_statuses_or_not_done() {
        assert!(is_open(&[], "Waiting for support", false));
        assert!(!is_open(&[], "Resolved", true));
        let only = vec!["Waiting for support".to_string()];
        assert!(is_open(&only, "waiting for support", false));
        assert!(!is_open(&only, "In Progress", false));
    }

    #[test]
    fn jira_times_and_quotes() {
        let t = parse_time("2026-12-03T07:01:02.000+0000").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-12-03T07:01:02+00:00");
        assert!(parse_time("2026-12-03T07:01:02+0100").is_some());
        assert_eq!(jql_quote(r#"a"b\c"#), r#""a\"b\\c""#);
    }
}
