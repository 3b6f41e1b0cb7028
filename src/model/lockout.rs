use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Which event told us about the lockout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LockoutKind {
    /// The account was locked (Okta `user.account.lock`).
    AccountLocked,
    /// A sign-in was refused because the account is already locked
    /// (Okta `user.session.start` with reason `LOCKED_OUT`).
    SignInWhileLocked,
    /// Okta Identity Engine's "Account Locked from New Devices": a `user.account.lock`
    /// whose user stays `ACTIVE` and is refused only on devices Okta does not know; a
    /// device the user signed in from before still works.
    LockedFromNewDevices,
}

/// How Okta Identity Engine's display message starts when only unknown devices are locked
/// out ("Account Locked from New Devices - Max sign-in attempts exceeded.").
pub const NEW_DEVICES_MESSAGE: &str = "Account Locked from New Devices";

/// Whether an IdP message reports a lock of unknown devices only.
pub fn locks_new_devices_only(message: &str) -> bool {
    message
        .trim_start()
        .get(..NEW_DEVICES_MESSAGE.len())
        .is_some_and(|m| m.eq_ignore_ascii_case(NEW_DEVICES_MESSAGE))
}

/// One lockout event from the IdP's event log, provider-neutral.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lockout {
    /// The event's unique id (Okta `uuid`); the feed de-duplicates on it.
    pub uuid: String,
    /// When the IdP recorded the event.
    pub published: DateTime<Utc>,
    /// When this process first saw it.
    pub detected_at: DateTime<Utc>,
    pub kind: LockoutKind,
    /// The IdP's own event type, verbatim.
    pub event_type: String,
    /// Human-readable reason: the event's display message or outcome reason.
    pub reason: String,
    pub user_id: Option<String>,
    pub login: String,
    pub display_name: Option<String>,
    pub ip: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub country: Option<String>,
    pub browser: Option<String>,
    pub os: Option<String>,
    pub raw_user_agent: Option<String>,
    /// The IdP request that produced the event (Okta `debugContext.debugData.requestId`).
    pub request_id: Option<String>,
}

impl Lockout {
    /// "City, Country" with whatever parts are known.
    pub fn location(&self) -> Option<String> {
        let parts: Vec<&str> = [self.city.as_deref(), self.country.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }

    /// "Browser on OS" with whatever parts are known.
    pub fn client(&self) -> Option<String> {
        match (self.browser.as_deref(), self.os.as_deref()) {
            (Some(b), Some(o)) => Some(format!("{b} on {o}")),
            (Some(b), None) => Some(b.to_string()),
            (None, Some(o)) => Some(o.to_string()),
            (None, None) => self.raw_user_agent.clone(),
        }
    }
}
