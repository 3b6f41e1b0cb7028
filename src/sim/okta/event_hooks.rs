//! Okta event hooks, as the simulator serves them: `POST /api/v1/eventHooks` registers one,
//! `.../lifecycle/verify` sends the one-time `GET` with `x-okta-verification-challenge` and
//! expects it echoed back as `{"verification": …}`, `.../lifecycle/activate|deactivate` and
//! `DELETE` as in Okta. A delivery task then POSTs every new System Log event a verified,
//! active hook subscribes to, in batches, with the hook's headers and secret; it waits 3 s
//! for an answer and tries once more after a 5xx or a timeout, never after a 4xx.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::api_error::ApiError;
use super::routes::base_url;
use crate::sim::org::ids::{iso, okta_id, uuid};
use crate::sim::state::{Shared, lock};

/// Okta's limit for an answer, to the verification call and to each delivery.
const ANSWER_WITHIN: Duration = Duration::from_secs(3);
/// How often the delivery task looks for new events.
const DELIVERY_TICK: Duration = Duration::from_millis(100);
/// Events per POST at most.
const BATCH: usize = 50;

#[derive(Debug, Clone)]
pub(crate) struct EventHook {
    id: String,
    name: String,
    active: bool,
    verified: bool,
    events: Vec<String>,
    uri: String,
    headers: Vec<(String, String)>,
    /// The `authScheme` header: key and secret value (never returned by the API).
    auth: Option<(String, String)>,
    created: DateTime<Utc>,
    last_updated: DateTime<Utc>,
}

impl EventHook {
    fn to_json(&self, base: &str) -> Value {
        json!({
            "id": self.id,
            "status": if self.active { "ACTIVE" } else { "INACTIVE" },
            "verificationStatus": if self.verified { "VERIFIED" } else { "UNVERIFIED" },
            "name": self.name,
            "created": iso(self.created),
            "lastUpdated": iso(self.last_updated),
            "events": {"type": "EVENT_TYPE", "items": self.events},
            "channel": {
                "type": "HTTP",
                "version": "1.0.0",
                "config": {
                    "uri": self.uri,
                    "headers": self.headers.iter()
                        .map(|(k, v)| json!({"key": k, "value": v}))
                        .collect::<Vec<_>>(),
                    "authScheme": self.auth.as_ref()
                        .map(|(key, _)| json!({"type": "HEADER", "key": key})),
                }
            },
            "_links": {
                "self": {"href": format!("{base}/api/v1/eventHooks/{}", self.id)},
                "verify": {"href": format!("{base}/api/v1/eventHooks/{}/lifecycle/verify", self.id), "hints": {"allow": ["POST"]}},
                "deactivate": {"href": format!("{base}/api/v1/eventHooks/{}/lifecycle/deactivate", self.id), "hints": {"allow": ["POST"]}},
            }
        })
    }
}

/// One delivery as the hook's endpoint answered it, for tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookDelivery {
    pub hook_id: String,
    /// The event uuids in the POST.
    pub uuids: Vec<String>,
    /// The answer's status per attempt (`None`: no answer within 3 s, or no connection).
    pub attempts: Vec<Option<u16>>,
}

#[derive(Debug, Default)]
pub(crate) struct EventHooks {
    hooks: Vec<EventHook>,
    /// The System Log sequence number delivered through.
    delivered_through: u64,
    pub deliveries: Vec<HookDelivery>,
}

fn not_found(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "E0000007",
        format!("Not found: Resource not found: {id} (EventHook)"),
    )
}

fn invalid(cause: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "E0000001",
        "Api validation failed: eventHook",
    )
    .with_cause(cause)
}

/// `POST /api/v1/eventHooks`
pub(crate) async fn create(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let text = |v: &Value| v.as_str().map(str::to_string);
    let Some(name) = text(&body["name"]) else {
        return invalid("name: The field cannot be left blank").into_response();
    };
    let events: Vec<String> = body["events"]["items"]
        .as_array()
        .map(|items| items.iter().filter_map(text).collect())
        .unwrap_or_default();
    if body["events"]["type"] != "EVENT_TYPE" || events.is_empty() {
        return invalid("events: at least one event type is required").into_response();
    }
    if let Some(bad) = events
        .iter()
        .find(|e| !matches!(e.as_str(), "user.account.lock" | "user.session.start"))
    {
        return invalid(&format!("events: {bad} is not eligible for event hooks")).into_response();
    }
    let config = &body["channel"]["config"];
    let Some(uri) = text(&config["uri"]).filter(|u| u.starts_with("http")) else {
        return invalid("channel.config.uri: a URL is required").into_response();
    };
    let headers_out = config["headers"]
        .as_array()
        .map(|hs| {
            hs.iter()
                .filter_map(|h| Some((text(&h["key"])?, text(&h["value"])?)))
                .collect()
        })
        .unwrap_or_default();
    let auth = (config["authScheme"]["type"] == "HEADER")
        .then(|| {
            Some((
                text(&config["authScheme"]["key"])?,
                text(&config["authScheme"]["value"])?,
            ))
        })
        .flatten();
    let now = Utc::now();
    let hook = EventHook {
        id: okta_id(&mut lock(&shared.state).rng, "who"),
        name,
        active: true,
        verified: false,
        events,
        uri,
        headers: headers_out,
        auth,
        created: now,
        last_updated: now,
    };
    let answer = hook.to_json(&base_url(&headers, &shared));
    lock(&shared.hooks).hooks.push(hook);
    (StatusCode::OK, Json(answer)).into_response()
}

/// `GET /api/v1/eventHooks`
pub(crate) async fn list(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let base = base_url(&headers, &shared);
    let hooks: Vec<Value> = lock(&shared.hooks)
        .hooks
        .iter()
        .map(|h| h.to_json(&base))
        .collect();
    Json(hooks).into_response()
}

/// `GET /api/v1/eventHooks/{id}`
pub(crate) async fn get_one(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let base = base_url(&headers, &shared);
    match lock(&shared.hooks).hooks.iter().find(|h| h.id == id) {
        Some(h) => Json(h.to_json(&base)).into_response(),
        None => not_found(&id).into_response(),
    }
}

/// `DELETE /api/v1/eventHooks/{id}` (Okta deletes only an inactive hook).
pub(crate) async fn delete(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let mut hooks = lock(&shared.hooks);
    match hooks.hooks.iter().position(|h| h.id == id) {
        Some(i) if hooks.hooks[i].active => {
            invalid("Cannot delete an ACTIVE event hook; deactivate it first").into_response()
        }
        Some(i) => {
            hooks.hooks.remove(i);
            StatusCode::NO_CONTENT.into_response()
        }
        None => not_found(&id).into_response(),
    }
}

/// `POST /api/v1/eventHooks/{id}/lifecycle/{activate|deactivate|verify}`
pub(crate) async fn lifecycle(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path((id, operation)): Path<(String, String)>,
) -> Response {
    let base = base_url(&headers, &shared);
    let Some(hook) = lock(&shared.hooks)
        .hooks
        .iter()
        .find(|h| h.id == id)
        .cloned()
    else {
        return not_found(&id).into_response();
    };
    let verified = match operation.as_str() {
        "activate" | "deactivate" => None,
        "verify" => {
            let challenge = uuid(&mut lock(&shared.state).rng);
            Some(verify(&hook, &challenge).await)
        }
        _ => return ApiError::path_not_found().into_response(),
    };
    let mut hooks = lock(&shared.hooks);
    let Some(stored) = hooks.hooks.iter_mut().find(|h| h.id == id) else {
        return not_found(&id).into_response();
    };
    match (operation.as_str(), verified) {
        ("activate", _) => stored.active = true,
        ("deactivate", _) => stored.active = false,
        (_, Some(Ok(()))) => stored.verified = true,
        (_, Some(Err(why))) => {
            return ApiError::new(
                StatusCode::BAD_REQUEST,
                "E0000001",
                "Api validation failed: Verification of the event hook failed",
            )
            .with_cause(why)
            .into_response();
        }
        _ => {}
    }
    stored.last_updated = Utc::now();
    Json(stored.to_json(&base)).into_response()
}

/// The one-time challenge, tried twice: the endpoint must echo it within 3 s.
async fn verify(hook: &EventHook, challenge: &str) -> Result<(), String> {
    let client = client();
    let mut why = String::new();
    for _ in 0..2 {
        let mut request = client
            .get(&hook.uri)
            .header("x-okta-verification-challenge", challenge);
        for (k, v) in &hook.headers {
            request = request.header(k, v);
        }
        if let Some((k, v)) = &hook.auth {
            request = request.header(k, v);
        }
        match request.send().await {
            Ok(answer) if answer.status().is_success() => {
                let echoed: Value = answer.json().await.unwrap_or(Value::Null);
                if echoed["verification"] == challenge {
                    return Ok(());
                }
                why = "the endpoint did not echo the verification value".into();
            }
            Ok(answer) => why = format!("the endpoint answered {}", answer.status()),
            Err(e) => why = format!("the endpoint could not be reached: {e}"),
        }
    }
    Err(why)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(ANSWER_WITHIN)
        .build()
        .expect("a plain HTTP client builds")
}

/// Deliver new events to every verified, active hook until the simulator stops.
pub(crate) async fn deliver(shared: Arc<Shared>) {
    let client = client();
    let mut stopped = shared.stopped.clone();
    {
        let through = lock(&shared.state).log.last_seq();
        lock(&shared.hooks).delivered_through = through;
    }
    loop {
        tokio::select! {
            () = tokio::time::sleep(DELIVERY_TICK) => {}
            _ = stopped.changed() => return,
        }
        let hooks: Vec<EventHook> = lock(&shared.hooks)
            .hooks
            .iter()
            .filter(|h| h.active && h.verified)
            .cloned()
            .collect();
        let through = lock(&shared.hooks).delivered_through;
        let (events, last): (Vec<Value>, u64) = {
            let state = lock(&shared.state);
            let new = state.log.after_seq(through);
            (
                new.iter().map(|e| e.event()).collect(),
                state.log.last_seq(),
            )
        };
        lock(&shared.hooks).delivered_through = last;
        if hooks.is_empty() || events.is_empty() {
            continue;
        }
        for hook in &hooks {
            let mine: Vec<&Value> = events
                .iter()
                .filter(|e| {
                    e["eventType"]
                        .as_str()
                        .is_some_and(|t| hook.events.iter().any(|h| h == t))
                })
                .collect();
            for batch in mine.chunks(BATCH) {
                let delivery = post(&client, &shared, hook, batch).await;
                lock(&shared.hooks).deliveries.push(delivery);
            }
        }
    }
}

async fn post(
    client: &reqwest::Client,
    shared: &Shared,
    hook: &EventHook,
    events: &[&Value],
) -> HookDelivery {
    let event_id = uuid(&mut lock(&shared.state).rng);
    let body = json!({
        "eventType": "com.okta.event_hook",
        "eventTypeVersion": "1.0",
        "cloudEventsVersion": "0.1",
        "source": format!("http://{}/api/v1/eventHooks/{}", shared.addr, hook.id),
        "eventId": event_id,
        "data": {"events": events},
        "eventTime": iso(Utc::now()),
        "contentType": "application/json",
    });
    let mut attempts = Vec::new();
    for _ in 0..2 {
        let mut request = client.post(&hook.uri).json(&body);
        for (k, v) in &hook.headers {
            request = request.header(k, v);
        }
        if let Some((k, v)) = &hook.auth {
            request = request.header(k, v);
        }
        let status = request.send().await.ok().map(|a| a.status().as_u16());
        attempts.push(status);
        // Okta retries once after a timeout or a 5xx; a 2xx or a 4xx is final.
        if status.is_some_and(|s| s < 500) {
            break;
        }
    }
    HookDelivery {
        hook_id: hook.id.clone(),
        uuids: events
            .iter()
            .filter_map(|e| e["uuid"].as_str().map(str::to_string))
            .collect(),
        attempts,
    }
}
