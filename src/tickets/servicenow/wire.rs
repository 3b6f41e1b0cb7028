//! The Table API's JSON: `{"result": [...]}` or `{"result": {...}}`, every value a string,
//! or with `sysparm_display_value=all` an object `{display_value, value}` (and `link` on a
//! reference unless `sysparm_exclude_reference_link=true`). Reading both shapes keeps the
//! client working against instances and proxies that drop one parameter or the other.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::ServiceNowClient;
use super::tables::{INCIDENT, caller_field};
use crate::tickets::{Ticket, TicketError, TicketPerson, TicketProvider};

pub(super) type Record = Map<String, Value>;

#[derive(Deserialize)]
pub(super) struct Many {
    pub result: Vec<Record>,
}

#[derive(Deserialize)]
pub(super) struct One {
    pub result: Record,
}

/// The stored value of a field (a sys_id for a reference, a code for a choice).
pub(super) fn value(record: &Record, field: &str) -> Option<String> {
    pick(record.get(field)?, "value")
}

/// The label of a field (a person's name, a state's label), else its value.
pub(super) fn display(record: &Record, field: &str) -> Option<String> {
    let v = record.get(field)?;
    pick(v, "display_value").or_else(|| pick(v, "value"))
}

fn pick(v: &Value, key: &str) -> Option<String> {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Object(o) => return o.get(key).and_then(|inner| pick(inner, key)),
        _ => return None,
    };
    (!text.trim().is_empty()).then_some(text)
}

/// `sys_created_on`'s value: `2026-12-03 07:45:10`, always UTC.
pub(super) fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M:%S")
        .ok()
        .map(|t| t.and_utc())
}

/// A person from `sys_user`.
pub(super) fn person(record: &Record) -> Option<TicketPerson> {
    Some(TicketPerson {
        id: value(record, "sys_id")?,
        email: value(record, "email"),
        name: display(record, "name"),
    })
}

impl ServiceNowClient {
    /// A ticket record of `table` as a [`Ticket`].
    pub(super) fn ticket(&self, table: &str, record: &Record) -> Result<Ticket, TicketError> {
        let sys_id = value(record, "sys_id").ok_or_else(|| TicketError::UnexpectedBody {
            provider: TicketProvider::ServiceNow,
            status: 200,
            content_type: "application/json".into(),
            snippet: format!("a {table} record without a sys_id"),
        })?;
        let code = value(record, "state").unwrap_or_default();
        let open = if table == INCIDENT && !self.settings.open_states.is_empty() {
            self.settings.open_states.iter().any(|s| s.trim() == code)
        } else {
            value(record, "active").is_some_and(|a| a.eq_ignore_ascii_case("true"))
        };
        let field = caller_field(table);
        let caller = value(record, field).map(|id| TicketPerson {
            // Without display values the "label" is the sys_id itself: no name then.
            name: display(record, field).filter(|name| *name != id),
            email: value(record, &format!("{field}.email")),
            id,
        });
        Ok(Ticket {
            provider: TicketProvider::ServiceNow,
            web_url: Some(self.web_url(table, &sys_id)),
            system_id: sys_id,
            number: value(record, "number").unwrap_or_default(),
            kind: table.to_string(),
            state: display(record, "state").unwrap_or(code),
            open,
            caller,
            summary: value(record, "short_description").unwrap_or_default(),
            created: value(record, "sys_created_on").and_then(|t| parse_time(&t)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(v: Value) -> Record {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn plain_and_display_value_shapes_read_the_same() {
        let plain = record(json!({"state": "2", "caller_id": {"link": "x", "value": "abc"}}));
        assert_eq!(value(&plain, "state").as_deref(), Some("2"));
        assert_eq!(value(&plain, "caller_id").as_deref(), Some("abc"));
        assert_eq!(display(&plain, "state").as_deref(), Some("2"));
        let all = record(json!({
            "state": {"display_value": "In Progress", "value": "2"},
            "caller_id": {"display_value": "Ann Lee", "value": "abc", "link": "x"},
            "notes": {"display_value": "", "value": ""}
        }));
        assert_eq!(value(&all, "state").as_deref(), Some("2"));
        assert_eq!(display(&all, "state").as_deref(), Some("In Progress"));
        assert_eq!(display(&all, "caller_id").as_deref(), Some("Ann Lee"));
        assert_eq!(value(&all, "notes"), None);
        assert_eq!(value(&all, "missing"), None);
    }

    #[test]
    fn created_times_are_utc() {
        let t = parse_time("2026-12-03 07:45:10").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-12-03T07:45:10+00:00");
        assert_eq!(parse_time("yesterday"), None);
    }
}
