//! Password policies and group membership: what the password-expiry computation needs.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::client::OktaClient;
use crate::idp::IdpError;
use crate::model::PasswordPolicy;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WirePolicy {
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    priority: Option<u32>,
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
            priority: p.priority.unwrap_or(u32::MAX),
            active: p.status.as_deref() != Some("INACTIVE"),
            system: p.system,
            last_updated: p.last_updated,
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
        let policies = self.get_pages::<WirePolicy>(url, usize::MAX).await?;
        Ok(policies.into_iter().map(PasswordPolicy::from).collect())
    }

    /// The ids of the groups the user belongs to (`GET /api/v1/users/{id}/groups`).
    pub async fn fetch_group_ids(&self, user_id: &str) -> Result<Vec<String>, IdpError> {
        let url = self.user_path(&[user_id, "groups"])?;
        let groups = self.get_pages::<WireGroup>(url, usize::MAX).await?;
        Ok(groups.into_iter().map(|g| g.id).collect())
    }
}
