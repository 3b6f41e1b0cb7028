//! The expected expiries, computed independently of the scanner: every user fetched as raw
//! JSON, each user's groups from `/users/{id}/groups`, the policies from `/api/v1/policies`,
//! and Okta's rule applied here.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use futures::StreamExt;
use serde_json::Value;

/// What the test expects of one user's password row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedPassword {
    pub policy_id: String,
    pub expires_at: Option<DateTime<Utc>>,
    pub status: String,
}

/// What the test expects of one contractor row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedContract {
    pub ends_on: NaiveDate,
    pub manager_login: Option<String>,
}

pub struct Oracle {
    pub users: Vec<Value>,
    pub groups: HashMap<String, Vec<String>>,
    pub policies: Vec<Value>,
}

pub struct Raw {
    pub http: reqwest::Client,
    pub base: String,
    pub token: String,
}

impl Raw {
    pub async fn get(&self, url: &str) -> (Value, Option<String>) {
        let response = self
            .http
            .get(url)
            .header("Authorization", format!("SSWS {}", self.token))
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "{url}: {}",
            response.status()
        );
        let next = response
            .headers()
            .get_all("link")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.contains("rel=\"next\""))
            .and_then(|v| Some(v[v.find('<')? + 1..v.find('>')?].to_string()));
        (response.json().await.unwrap(), next)
    }

    pub async fn all(&self, first: String) -> Vec<Value> {
        let mut items = Vec::new();
        let mut url = Some(first);
        while let Some(u) = url {
            let (page, next) = self.get(&u).await;
            items.extend(page.as_array().unwrap().iter().cloned());
            url = next;
        }
        items
    }
}

impl Oracle {
    pub async fn fetch(raw: &Raw) -> Oracle {
        let users = raw
            .all(format!("{}/api/v1/users?limit=200", raw.base))
            .await;
        let ids: Vec<String> = users
            .iter()
            .map(|u| u["id"].as_str().unwrap().to_string())
            .collect();
        let groups: HashMap<String, Vec<String>> = futures::stream::iter(ids)
            .map(|id| async move {
                let groups = raw
                    .all(format!("{}/api/v1/users/{id}/groups", raw.base))
                    .await;
                let groups = groups
                    .iter()
                    .map(|g| g["id"].as_str().unwrap().to_string())
                    .collect();
                (id, groups)
            })
            .buffer_unordered(8)
            .collect()
            .await;
        let policies = raw
            .all(format!("{}/api/v1/policies?type=PASSWORD", raw.base))
            .await;
        Oracle {
            users,
            groups,
            policies,
        }
    }

    /// Okta's rule: active policies by priority, the system default last; the first whose
    /// include groups hold the user (the default holds everyone) and whose exclude groups
    /// do not.
    pub fn policy_of(&self, user_id: &str) -> Option<&Value> {
        let mine = &self.groups[user_id];
        let listed = |p: &Value, which: &str| -> bool {
            p["conditions"]["people"]["groups"][which]
                .as_array()
                .is_some_and(|gs| {
                    gs.iter()
                        .any(|g| mine.iter().any(|m| Some(m.as_str()) == g.as_str()))
                })
        };
        let mut active: Vec<&Value> = self
            .policies
            .iter()
            .filter(|p| p["status"] != "INACTIVE")
            .collect();
        active.sort_by_key(|p| {
            (
                p["system"].as_bool().unwrap_or(false),
                p["priority"].as_u64().unwrap_or(u64::MAX),
            )
        });
        active.into_iter().find(|p| {
            (p["system"].as_bool().unwrap_or(false) || listed(p, "include"))
                && !listed(p, "exclude")
        })
    }

    pub fn passwords(&self) -> HashMap<String, ExpectedPassword> {
        let mut out = HashMap::new();
        for u in &self.users {
            let id = u["id"].as_str().unwrap();
            let status = u["status"].as_str().unwrap().to_string();
            let Some(policy) = self.policy_of(id) else {
                continue;
            };
            let days = policy["settings"]["password"]["age"]["maxAgeDays"]
                .as_i64()
                .unwrap_or(0);
            let changed = u["passwordChanged"]
                .as_str()
                .map(|t| DateTime::parse_from_rfc3339(t).unwrap().to_utc());
            let expires_at = changed
                .filter(|_| days > 0)
                .map(|c| c + Duration::days(days));
            if expires_at.is_some() || status == "PASSWORD_EXPIRED" {
                out.insert(
                    id.to_string(),
                    ExpectedPassword {
                        policy_id: policy["id"].as_str().unwrap().to_string(),
                        expires_at,
                        status,
                    },
                );
            }
        }
        out
    }

    pub fn contracts(&self) -> HashMap<String, ExpectedContract> {
        let login_of: HashMap<&str, &str> = self
            .users
            .iter()
            .map(|u| {
                (
                    u["id"].as_str().unwrap(),
                    u["profile"]["login"].as_str().unwrap(),
                )
            })
            .collect();
        self.users
            .iter()
            .filter(|u| u["profile"]["userType"] == "contractor")
            .filter_map(|u| {
                let end = u["profile"]["contractEndDate"].as_str()?;
                let manager = u["profile"]["managerId"].as_str();
                Some((
                    u["id"].as_str().unwrap().to_string(),
                    ExpectedContract {
                        ends_on: NaiveDate::parse_from_str(end, "%Y-%m-%d").unwrap(),
                        manager_login: manager.and_then(|m| login_of.get(m)).map(|l| l.to_string()),
                    },
                ))
            })
            .collect()
    }

    pub fn user_type_count(&self, user_type: &str) -> usize {
        self.users
            .iter()
            .filter(|u| u["profile"]["userType"] == user_type)
            .count()
    }
}
