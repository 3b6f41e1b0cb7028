//! PingOne's JSON as it arrives: users, password states and policies, MFA devices, audit
//! activities, device authentications, the error bodies and HAL collections.
//!
//! Everything PingOne may leave out is `Option` with `#[serde(default)]`; unknown fields are
//! ignored. Conversions into `model` types live beside the endpoints that use them.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use serde_json::value::RawValue;

/// PingOne's error body, on every 4xx and 5xx of the API and the auth host.
#[derive(Debug, Deserialize)]
pub struct ErrorBody {
    #[serde(default)]
    pub id: Option<String>,
    pub code: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub details: Vec<ErrorDetail>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDetail {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub inner_error: Option<InnerError>,
}

/// The parts of `innerError` the client reads (a wrong one-time code's attempts left).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InnerError {
    #[serde(default)]
    pub attempts_remaining: Option<u32>,
}

/// The token endpoint's OAuth error (`invalid_client`, `unsupported_grant_type`, …).
#[derive(Debug, Deserialize)]
pub struct OAuthError {
    pub error: String,
    #[serde(default)]
    pub error_description: Option<String>,
}

/// A HAL link.
#[derive(Debug, Clone, Deserialize)]
pub struct Href {
    pub href: String,
}

/// The links of a collection page: only `next` matters (followed verbatim).
#[derive(Debug, Default, Deserialize)]
pub struct PageLinks {
    #[serde(default)]
    pub next: Option<Href>,
}

/// One page of a HAL collection: `_embedded.<name>` holds the items. The embedded lists stay
/// raw until the caller names the one it expects, so each item type decodes on its own terms
/// (and activities one at a time, see `activities.rs`).
#[derive(Debug, Deserialize)]
pub struct Collection {
    #[serde(default, rename = "_links")]
    pub links: PageLinks,
    #[serde(default, rename = "_embedded")]
    pub embedded: HashMap<String, Box<RawValue>>,
}

impl Collection {
    /// The `next` page's URL, verbatim.
    pub fn next(&self) -> Option<&str> {
        self.links.next.as_ref().map(|h| h.href.as_str())
    }

    /// The raw list under `_embedded.<name>` (an empty page may leave it out).
    pub fn raw_items(&self, name: &str) -> Option<&RawValue> {
        self.embedded.get(name).map(|raw| &**raw)
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireUser {
    pub id: String,
    pub username: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<WireName>,
    #[serde(default)]
    pub title: Option<String>,
    /// Free text (the org's `Employee`, `Contractor`, …).
    #[serde(default, rename = "type")]
    pub user_type: Option<String>,
    /// Custom attributes, rendered at the top level as PingOne renders them.
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub manager_id: Option<String>,
    #[serde(default, deserialize_with = "lenient_date")]
    pub contract_end_date: Option<NaiveDate>,
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    #[serde(default)]
    pub account: Option<WireAccount>,
    #[serde(default)]
    pub identity_provider: Option<WireIdentityProvider>,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub last_sign_on: Option<WireLastSignOn>,
}

/// A user PingOne does not mark disabled is enabled.
fn enabled_by_default() -> bool {
    true
}

#[derive(Debug, Default, Deserialize)]
pub struct WireName {
    #[serde(default)]
    pub given: Option<String>,
    #[serde(default)]
    pub family: Option<String>,
    #[serde(default)]
    pub formatted: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireAccount {
    /// `OK` or `LOCKED`.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub locked_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize)]
pub struct WireIdentityProvider {
    /// `PING_ONE`, or the external provider that holds the user's credentials.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct WireLastSignOn {
    #[serde(default)]
    pub at: Option<DateTime<Utc>>,
}

impl WireUser {
    pub fn is_locked(&self) -> bool {
        self.account.as_ref().and_then(|a| a.status.as_deref()) == Some("LOCKED")
    }

    /// "Given Family", else the formatted name, else `None`.
    pub fn display_name(&self) -> Option<String> {
        let name = self.name.as_ref()?;
        match (&name.given, &name.family) {
            (Some(g), Some(f)) => Some(format!("{g} {f}")),
            _ => name.formatted.clone(),
        }
    }
}

/// An unparseable custom date is dropped rather than failing the user.
fn lenient_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    let raw: Option<serde_json::Value> = Option::deserialize(d)?;
    Ok(raw
        .as_ref()
        .and_then(|v| v.as_str())
        .and_then(|s| NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d").ok()))
}

/// `GET …/users/{id}/password`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WirePasswordState {
    /// `OK`, `PASSWORD_EXPIRED`, `NO_PASSWORD`, `MUST_CHANGE_PASSWORD`, `EXTERNAL`, …
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub last_changed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WirePasswordPolicy {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// The environment's enforced policy (for every population without its own).
    #[serde(default)]
    pub default: bool,
    #[serde(default)]
    pub max_age_days: Option<u32>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireDevice {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub nickname: Option<String>,
    /// SMS / VOICE; masked at once and dropped.
    #[serde(default)]
    pub phone: Option<String>,
    /// EMAIL; masked at once and dropped.
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
}

/// One audit activity.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireActivity {
    pub id: String,
    pub recorded_at: DateTime<Utc>,
    #[serde(default)]
    pub correlation_id: Option<String>,
    pub action: WireAction,
    #[serde(default)]
    pub actors: Option<WireActors>,
    #[serde(default)]
    pub resources: Vec<WireResource>,
    #[serde(default)]
    pub result: Option<WireResult>,
    /// Not documented by Ping: read when present, never required.
    #[serde(default)]
    pub source: Option<WireSource>,
}

#[derive(Debug, Deserialize)]
pub struct WireAction {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct WireActors {
    #[serde(default)]
    pub user: Option<WireActor>,
    #[serde(default)]
    pub client: Option<WireActor>,
}

#[derive(Debug, Deserialize)]
pub struct WireActor {
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct WireResource {
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct WireResult {
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireSource {
    #[serde(default)]
    pub ip_address: Option<String>,
    #[serde(default)]
    pub user_agent: Option<String>,
    #[serde(default)]
    pub geo: Option<WireGeo>,
}

#[derive(Debug, Deserialize)]
pub struct WireGeo {
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
}

impl WireActivity {
    /// The ids of the users the activity is about (`resources` of type USER).
    pub fn user_ids(&self) -> impl Iterator<Item = &str> {
        self.resources
            .iter()
            .filter(|r| r.kind.as_deref() == Some("USER"))
            .filter_map(|r| r.id.as_deref())
    }

    pub fn result_status(&self) -> Option<&str> {
        self.result.as_ref().and_then(|r| r.status.as_deref())
    }

    pub fn result_description(&self) -> Option<&str> {
        self.result.as_ref().and_then(|r| r.description.as_deref())
    }
}

/// A device authentication (push or one-time code) on the auth host.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireDeviceAuthentication {
    #[serde(default, rename = "_links")]
    pub links: Option<WireSelfLinks>,
    pub id: String,
    pub status: String,
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    /// Why a `FAILED` authentication failed (`REJECTED`, `TOO_MANY_ATTEMPTS`, …).
    #[serde(default)]
    pub error: Option<WireAuthError>,
}

#[derive(Debug, Deserialize)]
pub struct WireSelfLinks {
    #[serde(default, rename = "self")]
    pub self_link: Option<Href>,
}

#[derive(Debug, Deserialize)]
pub struct WireAuthError {
    #[serde(default)]
    pub code: Option<String>,
}

/// `_embedded.groupMemberships[]` and `_embedded.groups[]`: only the id is read.
#[derive(Debug, Deserialize)]
pub struct WireId {
    pub id: String,
}

#[cfg(test)]
pub(super) mod samples {
    /// A synthetic sample from `../shared/specs/pingone/samples`, or `None` (with a message)
    /// when the folder is absent outside CI; under `CI` it must be there.
    pub fn sample(name: &str) -> Option<String> {
        let path = format!(
            "{}/../shared/specs/pingone/samples/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(e) if std::env::var_os("CI").is_some() => {
                panic!("{path}: {e}. The ../shared folder must sit beside the repository in CI.")
            }
            Err(e) => {
                eprintln!("skipping: {path}: {e} (../shared is not beside the repository)");
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::samples::sample;
    use super::*;

    #[test]
    fn the_sample_user_decodes_locked() {
        let Some(json) = sample("pingone-synthetic-user.json") else {
            return;
        };
        let u: WireUser = serde_json::from_str(&json).unwrap();
        assert_eq!(u.username, "dana.reyes@example.com");
        assert!(u.is_locked() && u.enabled);
        assert_eq!(
            u.account.as_ref().unwrap().locked_at.unwrap().to_rfc3339(),
            "2026-11-20T15:04:05+00:00"
        );
        assert_eq!(u.display_name().as_deref(), Some("Dana Reyes"));
        assert_eq!(u.title.as_deref(), Some("Field Engineer"));
    }

    #[test]
    fn the_sample_error_decodes_with_its_detail() {
        let Some(json) = sample("pingone-synthetic-error-400.json") else {
            return;
        };
        let e: ErrorBody = serde_json::from_str(&json).unwrap();
        assert_eq!(e.code, "INVALID_DATA");
        assert_eq!(e.details[0].code.as_deref(), Some("INVALID_FILTER"));
        assert_eq!(e.details[0].target.as_deref(), Some("filter"));
    }

    #[test]
    fn the_sample_users_page_has_its_next_link_and_items() {
        let Some(json) = sample("pingone-synthetic-users-page.json") else {
            return;
        };
        let page: Collection = serde_json::from_str(&json).unwrap();
        assert!(page.next().unwrap().ends_with("cursor=SYNTHETIC-CURSOR-2"));
        let users: Vec<WireUser> =
            serde_json::from_str(page.raw_items("users").unwrap().get()).unwrap();
        assert_eq!(users.len(), 2);
        assert!(users[0].is_locked() && !users[1].is_locked());
    }

    #[test]
    fn the_sample_device_authentication_decodes() {
        let Some(json) = sample("pingone-synthetic-device-authentication.json") else {
            return;
        };
        let a: WireDeviceAuthentication = serde_json::from_str(&json).unwrap();
        assert_eq!(a.status, "PUSH_CONFIRMATION_REQUIRED");
        assert!(
            a.links
                .unwrap()
                .self_link
                .unwrap()
                .href
                .starts_with("https://auth.pingone.com/")
        );
    }
}
