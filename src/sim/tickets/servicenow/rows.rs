//! Desk tickets and people as Table API records: every value a string, reference fields with
//! their `link`, journal fields (`work_notes`, `comments`) empty unless labels are asked
//! for, and the record rendered as `sysparm_fields`, `sysparm_display_value` and
//! `sysparm_exclude_reference_link` say.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::params::{Display, Params};
use super::states::state_of;
use crate::sim::tickets::desk::{DeskPerson, DeskTicket, Kind};

/// One field: its stored value, its label, and for a reference the record it points to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Cell {
    pub value: String,
    pub display: String,
    pub link: Option<String>,
}

impl Cell {
    pub fn plain(v: impl Into<String>) -> Cell {
        let v = v.into();
        Cell {
            display: v.clone(),
            value: v,
            link: None,
        }
    }

    fn labelled(value: impl Into<String>, display: impl Into<String>) -> Cell {
        Cell {
            value: value.into(),
            display: display.into(),
            link: None,
        }
    }
}

/// A record by field name; dot-walked fields (`caller_id.email`) are keys of their own.
pub(super) type Row = BTreeMap<String, Cell>;

/// ServiceNow's table for a kind of ticket.
pub(super) fn table_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Incident => "incident",
        Kind::RequestedItem => "sc_req_item",
    }
}

/// The reference field naming who the ticket is about.
pub(super) fn caller_field(kind: Kind) -> &'static str {
    match kind {
        Kind::Incident => "caller_id",
        Kind::RequestedItem => "requested_for",
    }
}

/// `2026-12-03 07:45:10`: the Table API's date-time, in UTC.
pub(super) fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// `http://127.0.0.1:port/api/now/table/<table>/<sys_id>`.
pub(super) fn record_link(base: &str, table: &str, sys_id: &str) -> String {
    format!("{base}/api/now/table/{table}/{sys_id}")
}

pub(super) fn ticket_row(t: &DeskTicket, caller: Option<&DeskPerson>, base: &str) -> Row {
    let table = table_name(t.kind);
    let (code, label) = state_of(t.kind, t.stage);
    let mut row = Row::new();
    let mut put = |k: &str, c: Cell| {
        row.insert(k.to_string(), c);
    };
    put("sys_id", Cell::plain(&t.sys_id));
    put("number", Cell::plain(&t.number));
    put(
        "sys_class_name",
        Cell::labelled(
            table,
            if t.kind == Kind::Incident {
                "Incident"
            } else {
                "Requested Item"
            },
        ),
    );
    put("state", Cell::labelled(code, label));
    put("active", Cell::plain(t.stage.is_open().to_string()));
    put("short_description", Cell::plain(&t.summary));
    put("description", Cell::plain(&t.description));
    put("category", Cell::plain(&t.category));
    put(
        "contact_type",
        Cell::plain(if t.created_by_api {
            "phone"
        } else {
            "self-service"
        }),
    );
    put(
        "assignment_group",
        Cell::plain(t.assignment_group.clone().unwrap_or_default()),
    );
    put("impact", Cell::labelled("3", "3 - Low"));
    put("urgency", Cell::labelled("3", "3 - Low"));
    put("priority", Cell::labelled("5", "5 - Planning"));
    put("opened_at", Cell::plain(time(t.created)));
    put("sys_created_on", Cell::plain(time(t.created)));
    put("sys_updated_on", Cell::plain(time(t.updated)));
    put(
        "sys_created_by",
        Cell::plain(if t.created_by_api {
            "accessdesk"
        } else {
            "admin"
        }),
    );
    put(
        "close_code",
        Cell::plain(t.close_code.clone().unwrap_or_default()),
    );
    put(
        "close_notes",
        Cell::plain(t.close_notes.clone().unwrap_or_default()),
    );
    put("work_notes", Cell::labelled("", journal(t, true)));
    put("comments", Cell::labelled("", journal(t, false)));
    let field = caller_field(t.kind);
    match caller {
        Some(p) => {
            put(
                field,
                Cell {
                    value: p.sys_id.clone(),
                    display: p.name.clone(),
                    link: Some(record_link(base, "sys_user", &p.sys_id)),
                },
            );
            put(&format!("{field}.email"), Cell::plain(&p.email));
            put(&format!("{field}.user_name"), Cell::plain(&p.email));
            put(&format!("{field}.name"), Cell::plain(&p.name));
        }
        None => put(field, Cell::plain("")),
    }
    row
}

/// A journal field as its label reads: newest entry first, each headed by time and author.
fn journal(t: &DeskTicket, internal: bool) -> String {
    let kind = if internal {
        "Work notes"
    } else {
        "Additional comments"
    };
    t.notes
        .iter()
        .rev()
        .filter(|n| n.internal == internal)
        .map(|n| format!("{} - {} ({kind})\n{}\n\n", time(n.at), n.author, n.text))
        .collect()
}

pub(super) fn user_row(p: &DeskPerson, active: bool) -> Row {
    let mut row = Row::new();
    for (k, v) in [
        ("sys_id", p.sys_id.as_str()),
        ("user_name", p.email.as_str()),
        ("email", p.email.as_str()),
        ("name", p.name.as_str()),
        ("sys_class_name", "sys_user"),
    ] {
        row.insert(k.to_string(), Cell::plain(v));
    }
    row.insert("active".into(), Cell::plain(active.to_string()));
    row
}

/// The record as JSON: the asked-for fields (unknown ones left out, as an instance does),
/// else every field that is not dot-walked.
pub(super) fn render(row: &Row, params: &Params) -> Value {
    let names: Vec<&str> = if params.fields.is_empty() {
        row.keys()
            .map(String::as_str)
            .filter(|k| !k.contains('.'))
            .collect()
    } else {
        params.fields.iter().map(String::as_str).collect()
    };
    let mut out = Map::new();
    for name in names {
        let Some(cell) = row.get(name) else { continue };
        let link = cell
            .link
            .as_ref()
            .filter(|_| !params.exclude_reference_link);
        let v = match (params.display, link) {
            (Display::Value, None) => json!(cell.value),
            (Display::Value, Some(l)) => json!({"link": l, "value": cell.value}),
            (Display::Label, None) => json!(cell.display),
            (Display::Label, Some(l)) => json!({"link": l, "display_value": cell.display}),
            (Display::All, None) => json!({"display_value": cell.display, "value": cell.value}),
            (Display::All, Some(l)) => {
                json!({"display_value": cell.display, "link": l, "value": cell.value})
            }
        };
        out.insert(name.to_string(), v);
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> Row {
        let mut r = Row::new();
        r.insert("state".into(), Cell::labelled("2", "In Progress"));
        r.insert(
            "caller_id".into(),
            Cell {
                value: "abc".into(),
                display: "Ann Lee".into(),
                link: Some("http://x/api/now/table/sys_user/abc".into()),
            },
        );
        r.insert("caller_id.email".into(), Cell::plain("ann@x.com"));
        r
    }

    fn params(q: &str) -> Params {
        Params::parse(Some(q))
    }

    #[test]
    fn references_carry_links_unless_excluded() {
        let v = render(&row(), &params(""));
        assert_eq!(v["state"], "2");
        assert_eq!(v["caller_id"]["value"], "abc");
        assert_eq!(
            v["caller_id"]["link"],
            "http://x/api/now/table/sys_user/abc"
        );
        assert!(
            v.get("caller_id.email").is_none(),
            "dot-walked only when asked"
        );
        let v = render(&row(), &params("sysparm_exclude_reference_link=true"));
        assert_eq!(v["caller_id"], "abc");
    }

    #[test]
    fn display_values_and_fields() {
        let v = render(
            &row(),
            &params("sysparm_display_value=true&sysparm_exclude_reference_link=true"),
        );
        assert_eq!(v["state"], "In Progress");
        assert_eq!(v["caller_id"], "Ann Lee");
        let v = render(
            &row(),
            &params("sysparm_display_value=all&sysparm_fields=caller_id.email,state,nope"),
        );
        assert_eq!(
            v["state"],
            json!({"display_value": "In Progress", "value": "2"})
        );
        assert_eq!(v["caller_id.email"]["value"], "ann@x.com");
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 2);
    }
}
