//! "Same keys and nesting" as a sample payload, for responses no OpenAPI document describes:
//! every key the sample has (in every array element, where elements differ) is present with
//! the same JSON kind, recursively. Extra keys in the answer are allowed.

use serde_json::{Map, Value};

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The keys every element of a sample array has, with the first element's values: what
/// every element of the answer must have. Keys some elements lack (a device's `phone`) are
/// optional.
fn common(elements: &[Value]) -> Option<Value> {
    let first = elements.first()?.as_object()?;
    let mut shared: Map<String, Value> = first.clone();
    shared.retain(|k, _| elements.iter().all(|e| e.get(k).is_some()));
    Some(Value::Object(shared))
}

/// The differences, as `path: message` lines; empty when the shapes agree. `optional`
/// lists paths (array indexes written `[*]`) the answer may leave out.
pub fn differences(sample: &Value, actual: &Value, optional: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    walk(sample, actual, "$", optional, &mut out);
    out
}

fn walk(sample: &Value, actual: &Value, path: &str, optional: &[&str], out: &mut Vec<String>) {
    if kind(sample) != kind(actual) {
        out.push(format!(
            "{path}: expected {}, found {}",
            kind(sample),
            kind(actual)
        ));
        return;
    }
    match (sample, actual) {
        (Value::Object(s), Value::Object(a)) => {
            for (key, value) in s {
                let child = format!("{path}.{key}");
                match a.get(key) {
                    Some(found) => walk(value, found, &child, optional, out),
                    None if optional.contains(&child.as_str()) => {}
                    None => out.push(format!("{child}: missing")),
                }
            }
        }
        (Value::Array(s), Value::Array(a)) => {
            if let Some(element) = common(s) {
                let child = format!("{path}[*]");
                for item in a {
                    walk(&element, item, &child, optional, out);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_nesting_and_kinds_must_agree() {
        let sample = json!({"a": {"b": 1}, "list": [{"id": "x", "phone": "1"}, {"id": "y"}]});
        let ok = json!({"a": {"b": 2, "extra": true}, "list": [{"id": "z"}], "more": 1});
        assert!(differences(&sample, &ok, &[]).is_empty());
        let bad = json!({"a": {"b": "2"}, "list": [{"name": "z"}]});
        assert_eq!(
            differences(&sample, &bad, &[]),
            vec![
                "$.a.b: expected number, found string",
                "$.list[*].id: missing"
            ]
        );
        assert!(differences(&sample, &json!({"list": []}), &["$.a"]).is_empty());
    }
}
