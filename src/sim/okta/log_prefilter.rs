//! A cheap necessary test on an event's stored JSON text before it is parsed and matched
//! exactly: an `eq` on a string can only hold if that JSON string appears in the text, and
//! a `q` keyword only if the text contains it. Most events fail it, so a filtered System Log
//! query parses only the few that might match.

use crate::sim::filter::{CompareOp, Filter, Literal};

/// False only when the event certainly does not match the filter.
pub(crate) fn could_match(filter: &Filter, raw: &str) -> bool {
    match filter {
        Filter::Compare {
            op,
            value: Literal::String(s),
            ..
        } => match op {
            // Timestamps compare as instants, whatever their spelling.
            CompareOp::Eq if looks_like_timestamp(s) => true,
            CompareOp::Eq => raw.contains(&quoted(s)),
            CompareOp::Sw | CompareOp::Co | CompareOp::Ew => {
                let q = quoted(s);
                raw.contains(&q[1..q.len() - 1])
            }
            _ => true,
        },
        Filter::And(a, b) => could_match(a, raw) && could_match(b, raw),
        Filter::Or(a, b) => could_match(a, raw) || could_match(b, raw),
        Filter::Compare { .. } | Filter::Present(_) | Filter::Not(_) => true,
    }
}

/// False only when some keyword is certainly missing from the event.
pub(crate) fn could_contain(keywords: &[String], raw: &str) -> bool {
    let lower = raw.to_lowercase();
    keywords
        .iter()
        .all(|k| k.contains(['"', '\\']) || k.chars().any(char::is_control) || lower.contains(k))
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn looks_like_timestamp(s: &str) -> bool {
    s.len() >= 20 && s.as_bytes().get(10) == Some(&b'T')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::filter::{Case, parse};
    use serde_json::json;

    #[test]
    fn never_rules_out_a_match() {
        let events = [
            json!({"eventType": "user.account.lock", "outcome": {"reason": "LOCKED_OUT"}, "published": "2025-01-01T00:00:00.000Z", "displayMessage": "Say \"hi\""}),
            json!({"eventType": "user.session.start", "outcome": {"reason": null}, "target": [{"id": "00u1"}]}),
            json!({"eventType": "user.account.lock.limit", "severity": "WARN"}),
        ];
        let filters = [
            r#"eventType eq "user.account.lock""#,
            r#"eventType eq "user.account.lock" or (eventType eq "user.session.start" and outcome.reason eq "LOCKED_OUT")"#,
            r#"eventType sw "user.account""#,
            r#"displayMessage co "\"hi\"""#,
            r#"target.id eq "00u1" and not (severity eq "WARN")"#,
            r#"outcome.reason eq null"#,
            r#"published eq "2025-01-01T00:00:00Z""#,
            r#"severity pr"#,
            r#"eventType ne "x""#,
        ];
        let mut ruled_out = 0;
        for text in filters {
            let f = parse(text).unwrap();
            for e in &events {
                let raw = serde_json::to_string(e).unwrap();
                let possible = could_match(&f, &raw);
                if f.matches(e, Case::Sensitive) {
                    assert!(possible, "{text} on {raw}");
                }
                ruled_out += usize::from(!possible);
            }
        }
        assert!(ruled_out >= 6, "{ruled_out}: the test does its job");
        let raw = serde_json::to_string(&events[0]).unwrap();
        assert!(could_contain(
            &["locked_out".into(), "user.account.lock".into()],
            &raw
        ));
        assert!(!could_contain(&["nowhere".into()], &raw));
        assert!(could_contain(&["\"hi\"".into()], &raw));
    }
}
