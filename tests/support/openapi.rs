//! A small OpenAPI 3.0 schema validator for checking the simulator's answers
//! against the providers' published API documents (Okta's management API; PingOne's
//! management and MFA APIs).
//!
//! Supported: `$ref` (any JSON pointer in the document), `type`, `nullable`,
//! `properties`, `required`, `additionalProperties` (bool or schema), `enum`,
//! `items`, `allOf`/`oneOf`/`anyOf`, `discriminator.mapping`, `format:
//! date-time` and `email`, string and array lengths, numeric bounds, and
//! `readOnly`/`writeOnly` by direction. Not supported: `pattern` (no regex
//! engine here), `not`, `uniqueItems`, `multipleOf`.

use std::collections::HashSet;
use std::fmt;
use std::sync::OnceLock;

use serde_json::{Map, Number, Value};
use yaml_rust2::{Yaml, YamlLoader};

pub const SPEC_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/specs/okta-management-openapi.yaml"
);

/// The parsed Okta management OpenAPI document, loaded once per test binary.
pub fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let text = std::fs::read_to_string(SPEC_PATH).unwrap_or_else(|e| {
            panic!(
                "cannot read the Okta OpenAPI spec at {SPEC_PATH}: {e}.\n\
                 The `shared` folder must sit beside the repository (../shared), as it does in CI."
            )
        });
        Spec::from_yaml(&text).named("Okta")
    })
}

/// A document beside the repository (`path`, absolute), or `None` with a message saying the
/// test is skipped when it is missing. Under `CI` a missing document fails the test instead:
/// there the `shared` folder is always checked out.
pub fn optional_spec(path: &str, name: &str) -> Option<Spec> {
    match std::fs::read_to_string(path) {
        Ok(text) => Some(Spec::from_yaml(&text).named(name)),
        Err(e) if std::env::var_os("CI").is_some() => panic!(
            "cannot read the {name} OpenAPI document at {path}: {e}.\n\
             The `shared` folder must sit beside the repository (../shared), as it does in CI."
        ),
        Err(e) => {
            eprintln!("skipped: no {name} OpenAPI document at {path} ({e})");
            None
        }
    }
}

pub struct Spec {
    doc: Value,
    /// Whose schema it is, for failure messages.
    name: String,
}

/// Whether the document being checked is a response (`writeOnly` fields must
/// not appear) or a request (`readOnly` fields must not appear).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Response,
    Request,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub direction: Direction,
    /// Instance paths (array indexes written `[*]`) where `null` is accepted even
    /// though the schema is not `nullable`: Okta sends nulls there in practice.
    pub tolerated_nulls: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            direction: Direction::Response,
            tolerated_nulls: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON path into the instance, e.g. `$[3].outcome.result`.
    pub path: String,
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl Spec {
    pub fn from_yaml(text: &str) -> Spec {
        let docs = YamlLoader::load_from_str(text).expect("the OpenAPI document is valid YAML");
        let doc = docs
            .into_iter()
            .next()
            .map(to_json)
            .expect("one YAML document");
        Spec {
            doc,
            name: "OpenAPI".to_string(),
        }
    }

    pub fn named(mut self, name: &str) -> Spec {
        self.name = name.to_string();
        self
    }

    pub fn doc(&self) -> &Value {
        &self.doc
    }

    /// `{"$ref": "#/components/schemas/<name>"}`, panicking if the schema is missing.
    pub fn component(&self, name: &str) -> Value {
        let pointer = format!("#/components/schemas/{name}");
        assert!(self.resolve(&pointer).is_some(), "no schema {pointer}");
        serde_json::json!({ "$ref": pointer })
    }

    /// The JSON schema of an operation's response, following `$ref`s to shared responses.
    pub fn response_schema(&self, path: &str, method: &str, status: &str) -> Value {
        let op = &self.doc["paths"][path][method];
        assert!(op.is_object(), "no operation {method} {path}");
        let mut response = &op["responses"][status];
        while let Some(r) = response.get("$ref").and_then(Value::as_str) {
            response = self.resolve(r).unwrap_or_else(|| panic!("dangling {r}"));
        }
        let schema = response["content"]["application/json"]["schema"].clone();
        assert!(
            schema.is_object(),
            "no JSON schema for {method} {path} {status}"
        );
        schema
    }

    /// Looks up a local reference such as `#/components/schemas/User`.
    pub fn resolve(&self, reference: &str) -> Option<&Value> {
        let pointer = reference.strip_prefix('#')?;
        self.doc.pointer(pointer)
    }

    pub fn validate(&self, schema: &Value, instance: &Value, options: &Options) -> Vec<Violation> {
        let mut v = Validator {
            spec: self,
            options,
            violations: Vec::new(),
            discriminating: HashSet::new(),
        };
        v.check(schema, instance, "$");
        v.violations
    }

    /// Panics with every violation, one per line.
    pub fn assert_valid(&self, what: &str, schema: &Value, instance: &Value, options: &Options) {
        let violations = self.validate(schema, instance, options);
        assert!(
            violations.is_empty(),
            "{what} does not match the {} schema:\n{}",
            self.name,
            violations
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

struct Validator<'a> {
    spec: &'a Spec,
    options: &'a Options,
    violations: Vec<Violation>,
    /// (mapped schema, instance path) pairs whose discriminator is being applied,
    /// so a mapped schema that `allOf`-includes its base does not loop.
    discriminating: HashSet<(String, String)>,
}

impl<'a> Validator<'a> {
    fn fail(&mut self, path: &str, message: impl Into<String>) {
        self.violations.push(Violation {
            path: path.to_string(),
            message: message.into(),
        });
    }

    /// Follows `$ref` chains; siblings of `$ref` are ignored, as OpenAPI 3.0 says.
    fn deref<'s>(&self, mut schema: &'s Value) -> Option<&'s Value>
    where
        'a: 's,
    {
        for _ in 0..64 {
            let Some(r) = schema.get("$ref").and_then(Value::as_str) else {
                return Some(schema);
            };
            schema = self.spec.resolve(r)?;
        }
        None
    }

    fn check(&mut self, schema: &Value, instance: &Value, path: &str) {
        let Some(schema) = self.deref(schema) else {
            self.fail(path, format!("unresolvable $ref {}", schema["$ref"]));
            return;
        };
        let Some(s) = schema.as_object() else {
            return;
        };
        if instance.is_null() {
            let nullable = s.get("nullable").and_then(Value::as_bool) == Some(true);
            if nullable || self.null_tolerated(path) {
                return;
            }
        }
        if self.discriminate(s, instance, path) {
            return;
        }
        if let Some(all) = s.get("allOf").and_then(Value::as_array) {
            for sub in all {
                self.check(sub, instance, path);
            }
        }
        if let Some(any) = s.get("anyOf").and_then(Value::as_array) {
            let matching = any
                .iter()
                .filter(|sub| self.sub_valid(sub, instance, path))
                .count();
            if matching == 0 {
                self.fail(
                    path,
                    format!("matches none of the {} anyOf alternatives", any.len()),
                );
            }
        }
        if let Some(one) = s.get("oneOf").and_then(Value::as_array) {
            let matching = one
                .iter()
                .filter(|sub| self.sub_valid(sub, instance, path))
                .count();
            if matching != 1 {
                self.fail(
                    path,
                    format!("matches {matching} of the oneOf alternatives, expected exactly 1"),
                );
            }
        }
        if let Some(t) = s.get("type").and_then(Value::as_str)
            && !type_matches(t, instance)
        {
            self.fail(path, format!("expected {t}, found {}", describe(instance)));
            return;
        }
        if let Some(values) = s.get("enum").and_then(Value::as_array)
            && !values.contains(instance)
        {
            self.fail(
                path,
                format!("{instance} is not one of {}", Value::Array(values.clone())),
            );
        }
        match instance {
            Value::Object(obj) => self.check_object(s, obj, path),
            Value::Array(items) => self.check_array(s, items, path),
            Value::String(text) => self.check_string(s, text, path),
            Value::Number(n) => self.check_number(s, n, path),
            _ => {}
        }
    }

    /// Whether `schema` accepts `instance`, without recording anything.
    fn sub_valid(&mut self, schema: &Value, instance: &Value, path: &str) -> bool {
        let before = self.violations.len();
        self.check(schema, instance, path);
        let ok = self.violations.len() == before;
        self.violations.truncate(before);
        ok
    }

    /// Validates against the schema the discriminator maps to; true if it did.
    fn discriminate(&mut self, s: &Map<String, Value>, instance: &Value, path: &str) -> bool {
        let Some(d) = s.get("discriminator") else {
            return false;
        };
        let property = d["propertyName"].as_str().unwrap_or_default();
        let Some(value) = instance.get(property).and_then(Value::as_str) else {
            return false;
        };
        let Some(target) = d["mapping"].get(value).and_then(Value::as_str) else {
            return false;
        };
        let key = (target.to_string(), path.to_string());
        if self.discriminating.contains(&key) {
            return false;
        }
        self.discriminating.insert(key.clone());
        self.check(&serde_json::json!({ "$ref": target }), instance, path);
        self.discriminating.remove(&key);
        true
    }

    fn check_object(&mut self, s: &Map<String, Value>, obj: &Map<String, Value>, path: &str) {
        let empty = Map::new();
        let properties = s
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        if let Some(required) = s.get("required").and_then(Value::as_array) {
            for name in required.iter().filter_map(Value::as_str) {
                if !obj.contains_key(name) {
                    self.fail(path, format!("missing required property '{name}'"));
                }
            }
        }
        for (key, value) in obj {
            let child = format!("{path}.{key}");
            if let Some(prop) = properties.get(key) {
                self.check_direction(prop, &child);
                self.check(prop, value, &child);
                continue;
            }
            match s.get("additionalProperties") {
                Some(Value::Bool(false)) => self.fail(&child, "additional property not allowed"),
                Some(extra @ Value::Object(_)) => self.check(extra, value, &child),
                _ => {}
            }
        }
    }

    fn check_direction(&mut self, prop: &Value, path: &str) {
        let flag = |v: &Value, key: &str| v.get(key).and_then(Value::as_bool) == Some(true);
        let resolved = self.deref(prop).unwrap_or(prop);
        let (key, message) = match self.options.direction {
            Direction::Response => ("writeOnly", "writeOnly property present in a response"),
            Direction::Request => ("readOnly", "readOnly property present in a request"),
        };
        if flag(prop, key) || flag(resolved, key) {
            self.fail(path, message);
        }
    }

    fn check_array(&mut self, s: &Map<String, Value>, items: &[Value], path: &str) {
        if let Some(min) = s.get("minItems").and_then(Value::as_u64)
            && (items.len() as u64) < min
        {
            self.fail(path, format!("fewer than {min} items"));
        }
        if let Some(max) = s.get("maxItems").and_then(Value::as_u64)
            && items.len() as u64 > max
        {
            self.fail(path, format!("more than {max} items"));
        }
        if let Some(item_schema) = s.get("items") {
            for (i, item) in items.iter().enumerate() {
                self.check(item_schema, item, &format!("{path}[{i}]"));
            }
        }
    }

    fn check_string(&mut self, s: &Map<String, Value>, text: &str, path: &str) {
        let len = text.chars().count() as u64;
        if let Some(min) = s.get("minLength").and_then(Value::as_u64)
            && len < min
        {
            self.fail(path, format!("shorter than {min} characters"));
        }
        if let Some(max) = s.get("maxLength").and_then(Value::as_u64)
            && len > max
        {
            self.fail(path, format!("longer than {max} characters"));
        }
        match s.get("format").and_then(Value::as_str) {
            Some("date-time") if chrono::DateTime::parse_from_rfc3339(text).is_err() => {
                self.fail(path, format!("'{text}' is not an RFC 3339 date-time"));
            }
            Some("email") if !text.contains('@') => {
                self.fail(path, format!("'{text}' is not an email address"));
            }
            _ => {}
        }
    }

    fn check_number(&mut self, s: &Map<String, Value>, n: &Number, path: &str) {
        let Some(x) = n.as_f64() else { return };
        if let Some(min) = s.get("minimum").and_then(Value::as_f64)
            && x < min
        {
            self.fail(path, format!("{x} is below the minimum {min}"));
        }
        if let Some(max) = s.get("maximum").and_then(Value::as_f64)
            && x > max
        {
            self.fail(path, format!("{x} is above the maximum {max}"));
        }
    }

    fn null_tolerated(&self, path: &str) -> bool {
        let general = generalize(path);
        self.options.tolerated_nulls.contains(&general)
    }
}

/// `$[3].target[0].id` -> `$[*].target[*].id`.
fn generalize(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push_str("[*]");
            }
            ']' => in_index = false,
            _ if in_index => {}
            c => out.push(c),
        }
    }
    out
}

fn type_matches(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "number" => v.is_number(),
        "integer" => v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|f| f.fract() == 0.0),
        _ => true,
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(_) => "a boolean".into(),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

fn to_json(y: Yaml) -> Value {
    match y {
        Yaml::Real(s) => s
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map_or(Value::String(s), Value::Number),
        Yaml::Integer(i) => Value::Number(i.into()),
        Yaml::String(s) => Value::String(s),
        Yaml::Boolean(b) => Value::Bool(b),
        Yaml::Array(items) => Value::Array(items.into_iter().map(to_json).collect()),
        Yaml::Hash(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (key_string(k), to_json(v)))
                .collect(),
        ),
        Yaml::Null | Yaml::Alias(_) | Yaml::BadValue => Value::Null,
    }
}

/// Mapping keys become strings (response codes such as `200` may be unquoted).
fn key_string(k: Yaml) -> String {
    match k {
        Yaml::String(s) | Yaml::Real(s) => s,
        Yaml::Integer(i) => i.to_string(),
        Yaml::Boolean(b) => b.to_string(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generalize_replaces_indexes() {
        assert_eq!(generalize("$[3].target[0].id"), "$[*].target[*].id");
        assert_eq!(generalize("$.a"), "$.a");
    }
}
