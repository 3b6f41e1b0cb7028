//! Password policies and group membership: what the password-expiry computation needs.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::client::OktaClient;
use crate::idp::IdpError;
use crate::model::PasswordPolicy;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WirePolicy {
    id: String,
    #[serde(default)]
    name: String,
    /// Read as any JSON value: a priority that is not a `u32` (negative, too big, a string)
    /// makes this one policy unreadable, not the whole list.
    #[serde(default)]
    priority: Option<serde_json::Value>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    system: bool,
    #[serde(default)]
    last_updated: Option<DateTime<Utc>>,
    #[serde(default)]
    conditions: Option<serde_json::Value>,
    #[serde(default)]
    settings: Option<serde_json::Value>,
}

impl From<WirePolicy> for PasswordPolicy {
    fn from(p: WirePolicy) -> Self {
        let priority = match &p.priority {
            None | Some(serde_json::Value::Null) => Some(u32::MAX),
            Some(v) => v.as_u64().and_then(|n| u32::try_from(n).ok()),
        };
        let conditions = p.conditions.unwrap_or_default();
        let group_ids = |which: &str| -> Vec<String> {
            conditions["people"]["groups"][which]
                .as_array()
                .map(|ids| {
                    ids.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let age = &p
            .settings
            .as_ref()
            .map(|s| s["password"]["age"].clone())
            .unwrap_or_default();
        let days = |field: &str| {
            age[field]
                .as_u64()
                .and_then(|d| u32::try_from(d).ok())
                .unwrap_or(0)
        };
        PasswordPolicy {
            include_groups: group_ids("include"),
            exclude_groups: group_ids("exclude"),
            max_age_days: days("maxAgeDays"),
            expire_warn_days: days("expireWarnDays"),
            id: p.id,
            name: p.name,
            priority: priority.unwrap_or(u32::MAX),
            active: priority.is_some() && p.status.as_deref() != Some("INACTIVE"),
            system: p.system,
            last_updated: p.last_updated,
            unreadable: priority.is_none(),
        }
    }
}

/// One policy of the list, decoded on its own: one that does not decode is kept as an
/// unreadable, inactive policy (never applied) so the user screen can say so.
pub fn decode_policy(json: &str) -> PasswordPolicy {
    match serde_json::from_str::<WirePolicy>(json) {
        Ok(p) => PasswordPolicy::from(p),
        Err(err) => {
            tracing::warn!(%err, "a password policy does not decode");
            let value: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
            let text = |field: &str| value[field].as_str().unwrap_or_default().to_string();
            PasswordPolicy {
                id: text("id"),
                name: text("name"),
                priority: u32::MAX,
                active: false,
                system: false,
                include_groups: Vec::new(),
                exclude_groups: Vec::new(),
                max_age_days: 0,
                expire_warn_days: 0,
                last_updated: None,
                unreadable: true,
            }
        }
    }
}

#[derive(Debug, Deserialize)]
struct WireGroup {
    id: String,
}

impl OktaClient {
    /// `GET /api/v1/policies?type=PASSWORD`, every page.
    pub async fn fetch_password_policies(&self) -> Result<Vec<PasswordPolicy>, IdpError> {
        let mut url = self.url("/api/v1/policies");
        url.query_pairs_mut().append_pair("type", "PASSWORD");
        let raw = self.get_pages::<Box<RawValue>>(url, usize::MAX).await?;
        Ok(raw.iter().map(|p| decode_policy(p.get())).collect())
    }

    /// The ids of the groups the user belongs to (`GET /api/v1/users/{id}/groups`).
    pub async fn fetch_group_ids(&self, user_id: &str) -> Result<Vec<String>, IdpError> {
        let url = self.user_path(&[user_id, "groups"])?;
        let groups = self.get_pages::<WireGroup>(url, usize::MAX).await?;
        Ok(groups.into_iter().map(|g| g.id).collect())
    }
}
