//! The expiry scanner's user pages: `GET …/users?limit=` (every user) or
//! `?filter=updatedAt gt "…"` (changed users), one page a call, each user with the password
//! state that says when the password was set (PingOne keeps it off the user, so it costs one
//! read per user, a few at a time).

use chrono::{DateTime, SecondsFormat, Utc};
use futures::{StreamExt, TryStreamExt};
use serde::Deserialize;

use super::client::PingOneClient;
use super::users::status_of;
use super::wire::{WirePasswordState, WireUser};
use crate::idp::{IdpError, Page, PageCursor, ScannedUser, UserScanPage};

/// Users per scan page: PingOne's default page, so one call's password reads stay few.
pub const SCAN_PAGE: u32 = 100;

/// Password states read at once while a page is scanned.
const PASSWORD_READS_AT_ONCE: usize = 4;

/// PingOne's own credentials: the password ages under PingOne's password policy.
const PINGONE_PROVIDER: &str = "PING_ONE";

/// PingOne's filter timestamp: RFC 3339 with milliseconds, in UTC.
pub fn filter_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl PingOneClient {
    /// One page of the user scan; `next` is PingOne's `_links.next`, followed verbatim.
    pub async fn scan_user_page(
        &self,
        page: &UserScanPage,
        contract_end_attribute: &str,
    ) -> Result<Page<ScannedUser>, IdpError> {
        let url = match page {
            UserScanPage::AllUsers | UserScanPage::ChangedSince(_) => {
                let mut url = self.user_path(&[]);
                {
                    let mut q = url.query_pairs_mut();
                    if let UserScanPage::ChangedSince(t) = page {
                        q.append_pair("filter", &format!("updatedAt gt \"{}\"", filter_time(*t)));
                    }
                    q.append_pair("limit", &SCAN_PAGE.to_string());
                }
                url
            }
            UserScanPage::Next(cursor) => self.parse_link(cursor.as_str())?,
        };
        let (raw, next) = self.get_page::<serde_json::Value>(url, "users").await?;
        let users = futures::stream::iter(raw)
            .map(|json| self.scanned_user(json, contract_end_attribute))
            .buffered(PASSWORD_READS_AT_ONCE)
            .try_collect::<Vec<_>>()
            .await?;
        Ok(Page {
            items: users.into_iter().flatten().collect(),
            next: next.map(|url| PageCursor::new(url.to_string())),
        })
    }

    /// One listed user with their password state; `None` when they vanished in between.
    async fn scanned_user(
        &self,
        json: serde_json::Value,
        contract_end_attribute: &str,
    ) -> Result<Option<ScannedUser>, IdpError> {
        let contract_end = attribute(&json, contract_end_attribute);
        let user = WireUser::deserialize(&json).map_err(|e| IdpError::UnexpectedBody {
            status: 200,
            content_type: "application/json".into(),
            snippet: format!("a listed user does not have the expected shape: {e}"),
            request_id: None,
        })?;
        let password = match self.fetch_password_state(&user.id).await {
            Ok(p) => Some(p),
            Err(IdpError::Api { status: 404, .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        Ok(Some(scanned(user, password.as_ref(), contract_end)))
    }
}

/// The configured attribute as the user holds it (a dotted name reaches into an object); a
/// non-string value as its JSON text.
fn attribute(json: &serde_json::Value, name: &str) -> Option<String> {
    let mut value = json;
    for part in name.split('.') {
        value = value.get(part)?;
    }
    match value {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn scanned(
    u: WireUser,
    password: Option<&WirePasswordState>,
    contract_end: Option<String>,
) -> ScannedUser {
    let status = status_of(&u, password);
    let name = u.display_name().unwrap_or_else(|| u.username.clone());
    // The scanner ages only the passwords the directory itself holds, and names no provider
    // for them; a user from an external identity provider (or a password PingOne reports as
    // EXTERNAL) is governed elsewhere.
    let credential_provider = match u.identity_provider.as_ref().and_then(|p| p.kind.clone()) {
        Some(kind) if kind != PINGONE_PROVIDER => Some(kind),
        _ => password
            .and_then(|p| p.status.as_deref())
            .filter(|s| *s == "EXTERNAL")
            .map(str::to_string),
    };
    ScannedUser {
        id: u.id,
        login: u.username,
        email: u.email,
        name,
        status,
        department: u.department,
        user_type: u.user_type,
        manager_id: u.manager_id,
        password_changed: password.and_then(|p| p.last_changed_at),
        last_updated: u.updated_at,
        credential_provider,
        contract_end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::UserStatus;
    use serde_json::json;

    fn password(status: &str) -> WirePasswordState {
        serde_json::from_value(json!({"status": status, "lastChangedAt": "2026-09-01T00:00:00Z"}))
            .unwrap()
    }

    #[test]
    fn a_pingone_password_is_aged_and_an_external_one_is_not() {
        let json = json!({"id": "u1", "username": "a@example.com", "enabled": true,
            "identityProvider": {"type": "PING_ONE"}, "name": {"given": "A", "family": "B"},
            "updatedAt": "2026-11-01T00:00:00Z", "contractEndDate": "2027-02-01"});
        let u = WireUser::deserialize(&json).unwrap();
        let s = scanned(
            u,
            Some(&password("PASSWORD_EXPIRED")),
            attribute(&json, "contractEndDate"),
        );
        assert_eq!(s.credential_provider, None);
        assert_eq!(s.status, UserStatus::PasswordExpired);
        assert_eq!(s.name, "A B");
        assert_eq!(s.contract_end.as_deref(), Some("2027-02-01"));
        assert!(s.password_changed.is_some() && s.last_updated.is_some());

        let federated =
            json!({"id": "u2", "username": "f", "identityProvider": {"type": "OPENID_CONNECT"}});
        let s = scanned(
            WireUser::deserialize(&federated).unwrap(),
            Some(&password("OK")),
            None,
        );
        assert_eq!(s.credential_provider.as_deref(), Some("OPENID_CONNECT"));
        let s = scanned(
            WireUser::deserialize(&json!({"id": "u3", "username": "e"})).unwrap(),
            Some(&password("EXTERNAL")),
            None,
        );
        assert_eq!(s.credential_provider.as_deref(), Some("EXTERNAL"));
    }

    #[test]
    fn attributes_are_read_raw_and_by_dotted_name() {
        let json = json!({"a": {"b": 5}, "s": "x", "n": null});
        assert_eq!(attribute(&json, "a.b").as_deref(), Some("5"));
        assert_eq!(attribute(&json, "s").as_deref(), Some("x"));
        assert_eq!(attribute(&json, "n"), None);
        assert_eq!(attribute(&json, "missing"), None);
    }

    #[test]
    fn filter_times_have_milliseconds_and_a_z() {
        let t = DateTime::parse_from_rfc3339("2026-03-01T10:00:05.123456Z")
            .unwrap()
            .to_utc();
        assert_eq!(filter_time(t), "2026-03-01T10:00:05.123Z");
    }
}
