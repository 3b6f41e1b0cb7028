//! Okta event hooks: registering accessdesk's endpoint for `user.account.lock` (create, then
//! Okta's one-time verification, then active), listing and removing hooks, and decoding what
//! Okta delivers. Needs the `okta.eventHooks.manage` scope (or a super admin's token).

use chrono::{DateTime, Utc};
use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::client::OktaClient;
use super::wire::LogEvent;
use crate::idp::IdpError;
use crate::model::Lockout;

/// The event types accessdesk subscribes to: the lock itself, and sign-ins refused because
/// the account is locked.
pub const HOOK_EVENTS: [&str; 2] = ["user.account.lock", "user.session.start"];
/// The header Okta sends the shared secret in.
pub const SECRET_HEADER: &str = "Authorization";

/// A registered hook as Okta describes it (the secret is never returned).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventHook {
    pub id: String,
    pub name: String,
    pub status: String,
    pub verification_status: String,
    #[serde(default)]
    pub uri: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireHook {
    id: String,
    name: String,
    status: String,
    verification_status: String,
    channel: Option<WireChannel>,
}

#[derive(Deserialize)]
struct WireChannel {
    config: Option<WireConfig>,
}

#[derive(Deserialize)]
struct WireConfig {
    uri: Option<String>,
}

impl From<WireHook> for EventHook {
    fn from(w: WireHook) -> EventHook {
        EventHook {
            uri: w
                .channel
                .and_then(|c| c.config)
                .and_then(|c| c.uri)
                .unwrap_or_default(),
            id: w.id,
            name: w.name,
            status: w.status,
            verification_status: w.verification_status,
        }
    }
}

impl OktaClient {
    /// Register `uri` for lockout events with `secret` in the `Authorization` header, ask
    /// Okta to verify it (the endpoint must be up and answer the challenge), and activate it.
    pub async fn register_event_hook(
        &self,
        name: &str,
        uri: &str,
        secret: &SecretString,
    ) -> Result<EventHook, IdpError> {
        let body = json!({
            "name": name,
            "events": {"type": "EVENT_TYPE", "items": HOOK_EVENTS},
            "channel": {
                "type": "HTTP",
                "version": "1.0.0",
                "config": {
                    "uri": uri,
                    "authScheme": {
                        "type": "HEADER",
                        "key": SECRET_HEADER,
                        "value": secret.expose_secret(),
                    }
                }
            }
        });
        let created = self
            .write(Method::POST, self.url("/api/v1/eventHooks"), Some(body))
            .await?;
        let hook: EventHook = decode(&created.body)?;
        self.hook_lifecycle(&hook.id, "verify").await?;
        self.hook_lifecycle(&hook.id, "activate").await
    }

    /// Every event hook of the org.
    pub async fn event_hooks(&self) -> Result<Vec<EventHook>, IdpError> {
        let answer = self
            .get_json::<Vec<WireHook>>(self.url("/api/v1/eventHooks"))
            .await?;
        Ok(answer.body.into_iter().map(EventHook::from).collect())
    }

    /// Deactivate and delete a hook.
    pub async fn remove_event_hook(&self, id: &str) -> Result<(), IdpError> {
        self.hook_lifecycle(id, "deactivate").await?;
        let url = self.hook_url(id, &[])?;
        self.write(Method::DELETE, url, None).await?;
        Ok(())
    }

    async fn hook_lifecycle(&self, id: &str, operation: &str) -> Result<EventHook, IdpError> {
        let url = self.hook_url(id, &["lifecycle", operation])?;
        let answer = self.write(Method::POST, url, None).await?;
        decode(&answer.body)
    }

    fn hook_url(&self, id: &str, rest: &[&str]) -> Result<url::Url, IdpError> {
        let mut url = self.url("/api/v1/eventHooks");
        url.path_segments_mut()
            .map_err(|_| IdpError::Invalid("the org URL cannot take a path".into()))?
            .push(id)
            .extend(rest);
        Ok(url)
    }
}

fn decode(body: &[u8]) -> Result<EventHook, IdpError> {
    serde_json::from_slice::<WireHook>(body)
        .map(EventHook::from)
        .map_err(|e| IdpError::Invalid(format!("Okta answered an event hook call oddly: {e}")))
}

/// The lockouts in one delivery (`{data: {events: [LogEvent…]}}`); other events, and events
/// that do not decode, are skipped. `Err` when the body is not a delivery at all.
pub fn lockouts_in_delivery(
    body: &[u8],
    detected_at: DateTime<Utc>,
) -> Result<Vec<Lockout>, String> {
    #[derive(Deserialize)]
    struct Delivery {
        data: Data,
    }
    #[derive(Deserialize)]
    struct Data {
        events: Vec<serde_json::Value>,
    }
    let delivery: Delivery = serde_json::from_slice(body)
        .map_err(|e| format!("not an Okta event hook delivery: {e}"))?;
    Ok(delivery
        .data
        .events
        .into_iter()
        .filter_map(|e| serde_json::from_value::<LogEvent>(e).ok())
        .filter_map(|e| e.into_lockout(detected_at))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delivery_yields_its_lockouts_and_skips_the_rest() {
        let lock = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/specs/samples/panther-user.account.lock.okta-shape.json"
        ))
        .expect("../shared/specs/samples must sit beside the repository");
        let lock: serde_json::Value = serde_json::from_str(&lock).unwrap();
        let body = json!({
            "eventType": "com.okta.event_hook",
            "data": {"events": [lock, {"eventType": "user.session.end", "uuid": "x"}, "garbage"]}
        });
        let lockouts = lockouts_in_delivery(body.to_string().as_bytes(), Utc::now()).unwrap();
        assert_eq!(lockouts.len(), 1);
        assert!(lockouts_in_delivery(b"<html>", Utc::now()).is_err());
        assert!(lockouts_in_delivery(b"{\"data\":{}}", Utc::now()).is_err());
    }
}
