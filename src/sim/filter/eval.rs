//! Evaluates a parsed filter against a JSON document.
//!
//! Paths walk objects by key; arrays met on the way are flattened, so
//! `target.id eq "x"` matches when any target has that id (SCIM multi-valued
//! semantics). Strings that both parse as RFC 3339 timestamps are compared as
//! instants, so `"…00Z"` and `"…00.000Z"` are equal.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::ast::{AttrPath, CompareOp, Filter, Literal};

/// Whether string comparisons ignore case (Okta user `search` does; user
/// `filter` and System Log filters compare exactly).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    Sensitive,
    Insensitive,
}

impl Filter {
    pub fn matches(&self, doc: &Value, case: Case) -> bool {
        match self {
            Self::Compare { path, op, value } => compare(&resolve(doc, path), *op, value, case),
            Self::Present(path) => resolve(doc, path).into_iter().any(is_present),
            Self::Not(inner) => !inner.matches(doc, case),
            Self::And(a, b) => a.matches(doc, case) && b.matches(doc, case),
            Self::Or(a, b) => a.matches(doc, case) || b.matches(doc, case),
        }
    }
}

/// Every value the path reaches.
pub fn resolve<'a>(doc: &'a Value, path: &AttrPath) -> Vec<&'a Value> {
    let mut current = vec![doc];
    for segment in path.segments() {
        let mut next = Vec::new();
        for value in current {
            match value {
                Value::Object(map) => {
                    if let Some(child) = map.get(segment) {
                        push_flat(&mut next, child);
                    }
                }
                Value::Array(items) => {
                    for item in items {
                        if let Some(child) = item.get(segment) {
                            push_flat(&mut next, child);
                        }
                    }
                }
                _ => {}
            }
        }
        current = next;
    }
    current
}

fn push_flat<'a>(out: &mut Vec<&'a Value>, value: &'a Value) {
    match value {
        Value::Array(items) => out.extend(items.iter()),
        other => out.push(other),
    }
}

fn is_present(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Object(map) => !map.is_empty(),
        _ => true,
    }
}

fn compare(values: &[&Value], op: CompareOp, literal: &Literal, case: Case) -> bool {
    match (op, literal) {
        // `eq null` means absent or null; `ne null` means present with a value.
        (CompareOp::Eq, Literal::Null) => values.iter().all(|v| v.is_null()),
        (CompareOp::Ne, Literal::Null) => values.iter().any(|v| !v.is_null()),
        // `ne` is the negation of `eq`, so a missing attribute is "not equal".
        (CompareOp::Ne, _) => !values.iter().any(|v| one(v, CompareOp::Eq, literal, case)),
        _ => values.iter().any(|v| one(v, op, literal, case)),
    }
}

fn one(value: &Value, op: CompareOp, literal: &Literal, case: Case) -> bool {
    match (value, literal) {
        (Value::String(actual), Literal::String(expected)) => strings(actual, op, expected, case),
        (Value::Number(actual), Literal::Number(expected)) => actual
            .as_f64()
            .and_then(|a| a.partial_cmp(expected))
            .is_some_and(|ord| ordering_holds(op, ord)),
        (Value::Bool(actual), Literal::Bool(expected)) => op == CompareOp::Eq && actual == expected,
        _ => false,
    }
}

fn strings(actual: &str, op: CompareOp, expected: &str, case: Case) -> bool {
    if (op.is_ordering() || op == CompareOp::Eq)
        && let (Some(a), Some(e)) = (timestamp(actual), timestamp(expected))
    {
        return ordering_holds(op, a.cmp(&e));
    }
    let (a, e) = match case {
        Case::Sensitive => (actual.to_string(), expected.to_string()),
        Case::Insensitive => (actual.to_lowercase(), expected.to_lowercase()),
    };
    match op {
        CompareOp::Sw => a.starts_with(&e),
        CompareOp::Ew => a.ends_with(&e),
        CompareOp::Co => a.contains(&e),
        _ => ordering_holds(op, a.cmp(&e)),
    }
}

fn timestamp(s: &str) -> Option<DateTime<Utc>> {
    // Cheap pre-check so ordinary strings skip the parser.
    if s.len() < 20 || s.as_bytes().get(10) != Some(&b'T') {
        return None;
    }
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

fn ordering_holds(op: CompareOp, ord: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::{Equal, Greater, Less};
    match op {
        CompareOp::Eq => ord == Equal,
        CompareOp::Ne => ord != Equal,
        CompareOp::Gt => ord == Greater,
        CompareOp::Ge => ord != Less,
        CompareOp::Lt => ord == Less,
        CompareOp::Le => ord != Greater,
        CompareOp::Sw | CompareOp::Ew | CompareOp::Co => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;
    use serde_json::json;

    const LOCKOUT: &str = r#"eventType eq "user.account.lock" or (eventType eq "user.session.start" and outcome.reason eq "LOCKED_OUT")"#;

    fn lock_sample() -> Value {
        // Same shape as specs/samples/panther-user.account.lock.okta-shape.json.
        json!({
            "actor": {"alternateId": "homer.simpson@duff.com", "displayName": "Homer Simpson", "id": "00abc123", "type": "User"},
            "client": {"ipAddress": "1.2.3.4", "geographicalContext": {"city": "Atlanta", "geolocation": {"lat": 33, "lon": -80}}},
            "debugContext": {"debugData": {"requestUri": "/idp/idx/identify", "threatSuspected": "false"}},
            "displayMessage": "Account Locked from New Devices - Max sign-in attempts exceeded.",
            "eventType": "user.account.lock",
            "outcome": {"reason": "LOCKED_OUT", "result": "FAILURE"},
            "published": "2022-11-22T18:48:49.177Z",
            "severity": "DEBUG",
            "target": null,
            "uuid": "aa-bb-cc-11",
            "version": "0"
        })
    }

    fn session_start(result: &str, reason: Value) -> Value {
        // Same shape as specs/samples/okta-spec-ListLogs-user.session.start.json.
        json!({
            "actor": {"id": "00uttidj01jqL21aM1d6", "type": "User", "alternateId": "john.doe@example.com"},
            "eventType": "user.session.start",
            "outcome": {"result": result, "reason": reason},
            "published": "2024-08-13T15:58:20.353Z",
            "target": [
                {"id": "pfdfdhyjf0HMbkP2e1d7", "type": "AuthenticatorEnrollment", "displayName": "Okta Verify"},
                {"id": "0oatxlef9sQvvqInq5d6", "type": "AppInstance", "displayName": "Okta Admin Console"}
            ]
        })
    }

    fn m(filter: &str, doc: &Value) -> bool {
        parse(filter).unwrap().matches(doc, Case::Sensitive)
    }

    #[test]
    fn lockout_filter_matches_lockouts_only() {
        assert!(m(LOCKOUT, &lock_sample()));
        assert!(m(LOCKOUT, &session_start("FAILURE", json!("LOCKED_OUT"))));
        assert!(!m(LOCKOUT, &session_start("SUCCESS", Value::Null)));
        assert!(!m(
            LOCKOUT,
            &session_start("FAILURE", json!("INVALID_CREDENTIALS"))
        ));
        let mut mfa = session_start("SUCCESS", Value::Null);
        mfa["eventType"] = json!("user.authentication.auth_via_mfa");
        assert!(!m(LOCKOUT, &mfa));
    }

    #[test]
    fn each_operator() {
        let d = lock_sample();
        assert!(m(r#"eventType eq "user.account.lock""#, &d));
        assert!(!m(r#"eventType eq "USER.ACCOUNT.LOCK""#, &d));
        assert!(m(r#"eventType ne "user.session.start""#, &d));
        assert!(!m(r#"eventType ne "user.account.lock""#, &d));
        assert!(m(r#"eventType sw "user.account""#, &d));
        assert!(m(r#"eventType ew ".lock""#, &d));
        assert!(m(r#"displayMessage co "sign-in attempts""#, &d));
        assert!(!m(r#"displayMessage co "password""#, &d));
        assert!(m(r#"severity gt "DEBUG" or severity ge "DEBUG""#, &d));
        assert!(m(r#"severity lt "INFO" and severity le "DEBUG""#, &d));
        assert!(m("client.geographicalContext.geolocation.lat gt 32.5", &d));
        assert!(m("client.geographicalContext.geolocation.lon le -80", &d));
        assert!(!m("client.geographicalContext.geolocation.lon lt -80", &d));
        assert!(m("actor.id pr", &d));
    }

    #[test]
    fn case_insensitive_mode_folds_strings() {
        let d = lock_sample();
        let f = parse(r#"actor.alternateId eq "HOMER.SIMPSON@DUFF.COM""#).unwrap();
        assert!(f.matches(&d, Case::Insensitive));
        assert!(!f.matches(&d, Case::Sensitive));
        let sw = parse(r#"actor.displayName sw "homer""#).unwrap();
        assert!(sw.matches(&d, Case::Insensitive));
    }

    #[test]
    fn timestamps_compare_as_instants() {
        let d = lock_sample();
        assert!(m(r#"published eq "2022-11-22T18:48:49.177Z""#, &d));
        assert!(m(r#"published gt "2022-11-22T18:48:49Z""#, &d));
        assert!(m(
            r#"published lt "2022-11-22T19:48:49.000+01:00" or published le "2022-11-22T18:48:49.177Z""#,
            &d
        ));
        assert!(!m(r#"published ge "2022-11-22T18:48:50Z""#, &d));
    }

    #[test]
    fn not_negates_and_precedence_is_honoured() {
        let d = lock_sample();
        assert!(m(r#"not (eventType eq "user.session.start")"#, &d));
        assert!(!m(r#"not eventType eq "user.account.lock""#, &d));
        // and binds tighter: true or (false and false) is true.
        assert!(m(
            r#"severity eq "DEBUG" or severity eq "x" and severity eq "y""#,
            &d
        ));
        // (true or false) and false is false.
        assert!(!m(
            r#"(severity eq "DEBUG" or severity eq "x") and severity eq "y""#,
            &d
        ));
    }

    #[test]
    fn pr_is_false_for_missing_null_and_empty() {
        let d = json!({"a": null, "b": "", "c": {}, "d": [], "e": 0, "f": {"g": "x"}});
        for absent in ["a", "b", "c", "d", "missing", "f.missing"] {
            assert!(!m(&format!("{absent} pr"), &d), "{absent}");
        }
        for present in ["e", "f", "f.g"] {
            assert!(m(&format!("{present} pr"), &d), "{present}");
        }
        assert!(m("a eq null and missing eq null", &d));
        assert!(m("e ne null", &d));
        assert!(!m("a ne null", &d));
    }

    #[test]
    fn nested_paths_reach_into_arrays_and_null_targets() {
        let ss = session_start("SUCCESS", Value::Null);
        assert!(m(r#"target.type eq "AppInstance""#, &ss));
        assert!(m(
            r#"target.id eq "pfdfdhyjf0HMbkP2e1d7" and target.id eq "0oatxlef9sQvvqInq5d6""#,
            &ss
        ));
        assert!(!m(r#"target.id eq "nope""#, &ss));
        assert!(!m(r#"target.id eq "x""#, &lock_sample()));
        assert!(m(r#"target.id ne "x""#, &lock_sample()));
    }

    #[test]
    fn mismatched_types_never_match() {
        let d = json!({"n": 5, "s": "5", "b": true});
        assert!(!m(r#"n eq "5""#, &d));
        assert!(!m("s eq 5", &d));
        assert!(m("b eq true", &d));
        assert!(!m("b gt false", &d));
        assert!(!m("n co 5", &d));
    }
}
