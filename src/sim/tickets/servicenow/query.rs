//! The subset of ServiceNow's encoded queries the simulator understands: `field=value`,
//! `!=`, `IN`, `LIKE`, `STARTSWITH`, `^` between conditions, `ORDERBY`/`ORDERBYDESC`, and
//! dot-walked fields such as `caller_id.email`. As on an instance, a condition on a field
//! the table does not have, or in a form not understood (`^OR`, `^NQ`), is ignored.

use std::cmp::Ordering;

use super::rows::Row;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Op {
    Eq(String),
    Ne(String),
    In(Vec<String>),
    Like(String),
    StartsWith(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Condition {
    field: String,
    op: Op,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Query {
    conditions: Vec<Condition>,
    /// `(field, descending)`, first first.
    order: Vec<(String, bool)>,
}

impl Query {
    pub fn parse(text: &str) -> Query {
        let mut q = Query::default();
        for term in text.split('^').map(str::trim).filter(|t| !t.is_empty()) {
            if let Some(field) = term.strip_prefix("ORDERBYDESC") {
                q.order.push((field.to_string(), true));
            } else if let Some(field) = term.strip_prefix("ORDERBY") {
                q.order.push((field.to_string(), false));
            } else if let Some(c) = condition(term) {
                q.conditions.push(c);
            }
        }
        q
    }

    /// The value an `=` condition on `field` asks for, when there is one: lets a lookup by
    /// e-mail go straight to the person instead of through every user.
    pub fn equals(&self, field: &str) -> Option<&str> {
        self.conditions.iter().find_map(|c| match &c.op {
            Op::Eq(v) if c.field == field => Some(v.as_str()),
            _ => None,
        })
    }

    /// Whether the row meets every condition on a field it has (values compare without
    /// regard to case, as an instance's database collation does).
    pub fn matches(&self, row: &Row) -> bool {
        self.conditions.iter().all(|c| match row.get(&c.field) {
            None => true,
            Some(cell) => {
                let v = cell.value.to_lowercase();
                match &c.op {
                    Op::Eq(want) => v == want.to_lowercase(),
                    Op::Ne(want) => v != want.to_lowercase(),
                    Op::In(list) => list.iter().any(|w| v == w.to_lowercase()),
                    Op::Like(part) => v.contains(&part.to_lowercase()),
                    Op::StartsWith(part) => v.starts_with(&part.to_lowercase()),
                }
            }
        })
    }

    /// Sorts by the `ORDERBY` terms (values compare as text; dates are `YYYY-MM-DD hh:mm:ss`
    /// so that is their order too). Stable: rows equal on every term keep their order.
    pub fn sort(&self, rows: &mut [Row]) {
        rows.sort_by(|a, b| {
            for (field, desc) in &self.order {
                let key = |r: &Row| r.get(field).map(|c| c.value.clone()).unwrap_or_default();
                let o = key(a).cmp(&key(b));
                let o = if *desc { o.reverse() } else { o };
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        });
    }
}

/// `field<op>value`: a field name is lower case (dots for dot-walking), operators are
/// symbols or upper case.
fn condition(term: &str) -> Option<Condition> {
    let end = term
        .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.'))
        .unwrap_or(term.len());
    let (field, rest) = term.split_at(end);
    if field.is_empty() {
        return None;
    }
    let op = if let Some(v) = rest.strip_prefix("!=") {
        Op::Ne(v.to_string())
    } else if let Some(v) = rest.strip_prefix('=') {
        Op::Eq(v.to_string())
    } else if let Some(v) = rest.strip_prefix("IN") {
        Op::In(v.split(',').map(|s| s.trim().to_string()).collect())
    } else if let Some(v) = rest.strip_prefix("LIKE") {
        Op::Like(v.to_string())
    } else if let Some(v) = rest.strip_prefix("STARTSWITH") {
        Op::StartsWith(v.to_string())
    } else {
        return None;
    };
    Some(Condition {
        field: field.to_string(),
        op,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::tickets::servicenow::rows::Cell;

    fn row(pairs: &[(&str, &str)]) -> Row {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Cell::plain(*v)))
            .collect()
    }

    #[test]
    fn conditions_and_together_and_unknown_fields_are_ignored() {
        let r = row(&[
            ("active", "true"),
            ("state", "2"),
            ("caller_id.email", "Ann@X.com"),
        ]);
        let q = |s: &str| Query::parse(s).matches(&r);
        assert!(q("active=true^caller_id.email=ann@x.com"));
        assert!(q("stateIN1,2,3"));
        assert!(!q("stateIN6,7"));
        assert!(!q("active=true^state=1"));
        assert!(q("state!=1^no_such_field=zzz"));
        assert!(q("caller_id.emailLIKE@x.^caller_id.emailSTARTSWITHann"));
        // Forms not understood are ignored, not failed.
        assert!(q("ORstate=9^NQactive=false^state>1"));
        assert!(q(""));
        let parsed = Query::parse("active=true^email=a@b.c^ORDERBYname");
        assert_eq!(parsed.equals("email"), Some("a@b.c"));
        assert_eq!(parsed.equals("name"), None);
    }

    #[test]
    fn orderby_sorts_stably_either_way() {
        let mut rows = vec![
            row(&[("n", "a"), ("t", "2026-01-02 00:00:00")]),
            row(&[("n", "b"), ("t", "2026-01-03 00:00:00")]),
            row(&[("n", "c"), ("t", "2026-01-02 00:00:00")]),
        ];
        let names = |rows: &[Row]| {
            rows.iter()
                .map(|r| r["n"].value.clone())
                .collect::<String>()
        };
        Query::parse("active=true^ORDERBYDESCt").sort(&mut rows);
        assert_eq!(names(&rows), "bac");
        Query::parse("ORDERBYt^ORDERBYDESCn").sort(&mut rows);
        assert_eq!(names(&rows), "cab");
    }
}
