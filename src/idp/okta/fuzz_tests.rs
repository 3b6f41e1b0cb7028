//! Okta wire decoding never panics: users, factors, System Log events (as lockouts and as
//! activity), password policies and error bodies, fed arbitrary JSON (built from Okta's own
//! field names, so the decoders get past the first key), arbitrary bytes, and the real samples
//! in `../shared/specs/samples/` with one node replaced by anything or bytes mutated.

use chrono::Utc;
use proptest::prelude::*;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

use super::client::error_from_response;
use super::factors::decode_factor;
use super::logs::decode_page;
use super::policies::decode_policy;
use super::wire::{LogEvent, WireUser};
use crate::model::User;

const KEYS: &[&str] = &[
    "id",
    "status",
    "profile",
    "login",
    "email",
    "firstName",
    "lastName",
    "displayName",
    "managerId",
    "manager",
    "created",
    "lastLogin",
    "passwordChanged",
    "statusChanged",
    "published",
    "uuid",
    "eventType",
    "displayMessage",
    "actor",
    "target",
    "client",
    "userAgent",
    "rawUserAgent",
    "browser",
    "os",
    "ipAddress",
    "geographicalContext",
    "city",
    "state",
    "country",
    "outcome",
    "result",
    "reason",
    "debugContext",
    "debugData",
    "requestId",
    "transaction",
    "detail",
    "zone",
    "device",
    "alternateId",
    "type",
    "priority",
    "name",
    "system",
    "conditions",
    "people",
    "groups",
    "include",
    "settings",
    "password",
    "age",
    "maxAgeDays",
    "expireWarnDays",
    "factorType",
    "provider",
    "phoneNumber",
    "authenticatorName",
    "lastUpdated",
    "errorCode",
    "errorSummary",
    "errorId",
    "errorCauses",
    "contractEndDate",
];

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        prop::sample::select(vec![
            "2026-03-02T14:30:00.000Z",
            "2026-13-45T99:99:99Z",
            "LOCKED_OUT",
            "ACTIVE",
            "user.account.lock",
            "user.session.start",
            "FAILURE",
            "push",
            "sms",
            "",
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS.to_vec()), inner), 0..8).prop_map(
                |kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            ),
        ]
    })
}

/// Every decoder, on one value.
fn decode_all(value: &Value) {
    let text = value.to_string();
    if let Ok(user) = serde_json::from_value::<WireUser>(value.clone()) {
        let _ = User::from(user).name();
    }
    if let Ok(event) = serde_json::from_value::<LogEvent>(value.clone()) {
        let _ = event.into_activity();
    }
    if let Ok(event) = serde_json::from_value::<LogEvent>(value.clone()) {
        let _ = event.into_lockout(Utc::now());
    }
    let _ = decode_policy(&text);
    let _ = decode_factor(&text);
    let _ = decode_page(format!("[{text}]").as_bytes());
    let _ = decode_page(text.as_bytes());
    for status in [400, 401, 403, 404, 429, 500] {
        let status = StatusCode::from_u16(status).unwrap();
        let _ = error_from_response(status, &HeaderMap::new(), text.as_bytes()).to_string();
    }
}

fn decode_bytes(bytes: &[u8]) {
    let _ = decode_page(bytes);
    let _ = serde_json::from_slice::<WireUser>(bytes).map(User::from);
    if let Ok(text) = std::str::from_utf8(bytes) {
        let _ = decode_policy(text);
        let _ = decode_factor(text);
    }
    let _ = error_from_response(StatusCode::BAD_REQUEST, &HeaderMap::new(), bytes).to_string();
}

fn samples() -> Vec<Value> {
    [
        "okta-spec-GetUser.json",
        "okta-spec-ListFactors.json",
        "okta-spec-ListLogs-user.session.start.json",
        "panther-user.account.lock.okta-shape.json",
    ]
    .iter()
    .map(|name| {
        let path = format!(
            "{}/../shared/specs/samples/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{path}: {e} (../shared must sit beside the repository)"));
        serde_json::from_str(&text).unwrap()
    })
    .collect()
}

/// Every node's JSON pointer, root first.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{at}/{i}"), out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                pointers(
                    v,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_json_never_panics(value in json()) {
        decode_all(&value);
        // The same value as each element of a list and as an event's nested parts.
        decode_all(&Value::Array(vec![value.clone(), value.clone()]));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        decode_bytes(&bytes);
    }

    #[test]
    fn a_real_sample_with_one_node_replaced_never_panics(
        sample in 0usize..4,
        node in any::<prop::sample::Index>(),
        replacement in json(),
    ) {
        let mut value = samples().swap_remove(sample);
        let mut all = Vec::new();
        pointers(&value, String::new(), &mut all);
        let at = node.get(&all).clone();
        if let Some(slot) = value.pointer_mut(&at) {
            *slot = replacement;
        }
        decode_all(&value);
        if let Value::Array(items) = &value {
            for item in items {
                decode_all(item);
            }
        }
    }

    #[test]
    fn a_real_sample_with_bytes_mutated_never_panics(
        sample in 0usize..4,
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..8),
    ) {
        let mut bytes = serde_json::to_vec(&samples()[sample]).unwrap();
        for (at, byte, how) in edits {
            if bytes.is_empty() {
                break;
            }
            let i = at.index(bytes.len());
            match how {
                0 => bytes[i] = byte,
                1 => {
                    bytes.remove(i);
                }
                _ => bytes.insert(i, byte),
            }
        }
        decode_bytes(&bytes);
    }
}
