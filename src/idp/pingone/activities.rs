//! Audit activities: one user's recent history (`resources.id eq`), and decoding a page one
//! activity at a time so a malformed record is skipped rather than losing the page.
//!
//! `source` (IP, user agent, place) is not documented by Ping: it is read when present and
//! never required.

use chrono::{DateTime, Duration, Utc};
use serde_json::value::RawValue;
use url::Url;

use super::client::PingOneClient;
use super::scan::filter_time;
use super::users::quote;
use super::wire::WireActivity;
use crate::idp::IdpError;
use crate::model::{ActivityEvent, ActivityKind};

/// At most this many of one user's activities are returned (the newest).
pub const ACTIVITY_MAX: usize = 500;

/// At most this many are read while looking for the newest (activities come oldest first).
const ACTIVITY_READ_MAX: usize = 5000;

/// PingOne serves only the last 14 days; a lower bound is kept a minute inside that.
pub fn queryable_since(since: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
    since.max(now - Duration::days(14) + Duration::minutes(1))
}

impl PingOneClient {
    /// `…/activities?filter=…&limit=`, the first page of a query.
    pub(super) fn activities_url(&self, filter: &str, limit: u32) -> Url {
        let mut url = self.env_path(&["activities"]);
        url.query_pairs_mut()
            .append_pair("filter", filter)
            .append_pair("limit", &limit.clamp(1, 1000).to_string());
        url
    }

    /// One page of activities, decoded one by one, and the next page's URL.
    pub(super) async fn activity_page(
        &self,
        url: Url,
    ) -> Result<(Vec<WireActivity>, Option<Url>), IdpError> {
        let (raw, next) = self.get_page::<Box<RawValue>>(url, "activities").await?;
        Ok((decode_activities(raw), next))
    }

    /// The user's activities since `since` (within PingOne's 14 days), newest first.
    pub async fn fetch_user_activity(
        &self,
        user_id: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<ActivityEvent>, IdpError> {
        let filter = format!(
            "recordedat gt {} and resources.id eq {}",
            quote(&filter_time(queryable_since(since, Utc::now()))),
            quote(user_id)
        );
        let mut url = self.activities_url(&filter, self.options.log_page_limit);
        let mut all = Vec::new();
        loop {
            let (page, next) = self.activity_page(url).await?;
            all.extend(page);
            match next {
                Some(next) if all.len() < ACTIVITY_READ_MAX => url = next,
                _ => break,
            }
        }
        all.sort_by_key(|a| std::cmp::Reverse(a.recorded_at));
        all.truncate(ACTIVITY_MAX);
        Ok(all.into_iter().map(into_activity).collect())
    }
}

/// Decode each activity from its own JSON text; a malformed one is logged and skipped.
pub fn decode_activities(raw: Vec<Box<RawValue>>) -> Vec<WireActivity> {
    raw.into_iter()
        .filter_map(|v| match serde_json::from_str::<WireActivity>(v.get()) {
            Ok(a) => Some(a),
            Err(err) => {
                tracing::warn!(%err, "skipping a PingOne activity that does not decode");
                None
            }
        })
        .collect()
}

/// What an activity means for the agent. PingOne writes one `PASSWORD.CHECK_FAILED` for a
/// wrong password, the one that locks the account and one refused while it is locked; only
/// the result's description tells them apart.
pub fn activity_kind(a: &WireActivity) -> ActivityKind {
    let failed = a.result_status() == Some("FAILED");
    let description = a
        .result_description()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let by_admin = a.actors.as_ref().is_some_and(|x| x.client.is_some());
    match a.action.kind.as_str() {
        "PASSWORD.CHECK_FAILED" if description.contains("locked after") => ActivityKind::Lockout,
        "PASSWORD.CHECK_FAILED" if description.contains("is locked") => {
            ActivityKind::SignInWhileLocked
        }
        "PASSWORD.CHECK_FAILED" => ActivityKind::FailedSignIn,
        "AUTHENTICATION.CREATED" if failed => ActivityKind::FailedSignIn,
        "AUTHENTICATION.CREATED" => ActivityKind::SignIn,
        "USER.UNLOCKED" | "PASSWORD.UNLOCKED" if by_admin => ActivityKind::AdminUnlock,
        "USER.UNLOCKED" | "PASSWORD.UNLOCKED" => ActivityKind::AutoUnlock,
        "AUTHENTICATION.UPDATED" if failed && description.contains("push rejected") => {
            ActivityKind::PushDenied
        }
        "AUTHENTICATION.UPDATED" if failed => ActivityKind::MfaFailure,
        "AUTHENTICATION.UPDATED" => ActivityKind::MfaSuccess,
        "PASSWORD.RECOVERY" => ActivityKind::PasswordReset,
        "PASSWORD.RESET" | "PASSWORD.SET" => ActivityKind::PasswordChanged,
        "PASSWORD.EXPIRED" => ActivityKind::PasswordExpired,
        "DEVICE.DELETED" => ActivityKind::FactorsReset,
        _ => ActivityKind::Other,
    }
}

/// "City, Country" from whatever `source.geo` holds.
pub fn location(a: &WireActivity) -> Option<String> {
    let geo = a.source.as_ref()?.geo.as_ref()?;
    let parts: Vec<&str> = [geo.city.as_deref(), geo.country.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

pub fn into_activity(a: WireActivity) -> ActivityEvent {
    let kind = activity_kind(&a);
    let location = location(&a);
    let actor = a.actors.as_ref().and_then(|x| {
        x.user
            .as_ref()
            .and_then(|u| u.name.clone())
            .or_else(|| x.client.as_ref().and_then(|c| c.name.clone()))
    });
    let ip = a.source.as_ref().and_then(|s| s.ip_address.clone());
    let (result, reason) = match a.result {
        Some(r) => (r.status, r.description),
        None => (None, None),
    };
    ActivityEvent {
        uuid: a.id,
        published: a.recorded_at,
        kind,
        message: a
            .action
            .description
            .clone()
            .unwrap_or_else(|| a.action.kind.clone()),
        event_type: a.action.kind,
        result,
        reason,
        actor,
        ip,
        location,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::idp::pingone::wire::Collection;
    use crate::idp::pingone::wire::samples::sample;
    use serde_json::json;

    fn activity(kind: &str, status: &str, description: &str, client: bool) -> WireActivity {
        let mut json = json!({"id": "a", "recordedAt": "2026-11-20T15:00:00Z",
            "action": {"type": kind}, "result": {"status": status, "description": description},
            "resources": [{"type": "USER", "id": "u1", "name": "a@example.com"}]});
        if client {
            json["actors"] = json!({"client": {"id": "c", "name": "worker", "type": "CLIENT"}});
        }
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn the_sample_activity_is_an_admin_unlock() {
        let Some(json) = sample("pingone-synthetic-activities.json") else {
            return;
        };
        let page: Collection = serde_json::from_str(&json).unwrap();
        let raw: Vec<Box<RawValue>> =
            serde_json::from_str(page.raw_items("activities").unwrap().get()).unwrap();
        let events: Vec<_> = decode_activities(raw)
            .into_iter()
            .map(into_activity)
            .collect();
        assert_eq!(events.len(), 1);
        let e = &events[0];
        assert_eq!(e.kind, ActivityKind::AdminUnlock);
        assert_eq!(e.event_type, "USER.UNLOCKED");
        assert_eq!(e.actor.as_deref(), Some("accessdesk-worker"));
        assert_eq!(e.message, "User Unlocked");
        assert_eq!(e.ip, None, "no source: nothing invented");
    }

    #[test]
    fn failed_password_checks_are_told_apart_by_their_description() {
        let kinds: Vec<_> = [
            "Invalid password",
            "Invalid password; the account is locked after too many failed attempts",
            "Account is locked",
        ]
        .into_iter()
        .map(|d| activity_kind(&activity("PASSWORD.CHECK_FAILED", "FAILED", d, false)))
        .collect();
        assert_eq!(
            kinds,
            [
                ActivityKind::FailedSignIn,
                ActivityKind::Lockout,
                ActivityKind::SignInWhileLocked
            ]
        );
        assert_eq!(
            activity_kind(&activity("USER.UNLOCKED", "SUCCESS", "", false)),
            ActivityKind::AutoUnlock
        );
        assert_eq!(
            activity_kind(&activity(
                "AUTHENTICATION.UPDATED",
                "FAILED",
                "Push rejected",
                false
            )),
            ActivityKind::PushDenied
        );
        assert_eq!(
            activity_kind(&activity("AUTHENTICATION.UPDATED", "SUCCESS", "", false)),
            ActivityKind::MfaSuccess
        );
        assert_eq!(
            activity_kind(&activity("DEVICE.DELETED", "SUCCESS", "", true)),
            ActivityKind::FactorsReset
        );
    }

    #[test]
    fn a_malformed_activity_is_skipped() {
        let raw: Vec<Box<RawValue>> = serde_json::from_str(
            r#"[{"id":"a","recordedAt":"2026-11-20T15:00:00Z","action":{"type":"X"}},
                {"id":"b","recordedAt":"not a time","action":{"type":"X"}},
                {"recordedAt":"2026-11-20T15:00:00Z","action":{"type":"X"}}]"#,
        )
        .unwrap();
        let ids: Vec<_> = decode_activities(raw).into_iter().map(|a| a.id).collect();
        assert_eq!(ids, ["a"]);
    }

    #[test]
    fn the_lower_bound_stays_inside_the_fourteen_days() {
        let now = Utc::now();
        let month_ago = now - Duration::days(30);
        assert!(queryable_since(month_ago, now) > now - Duration::days(14));
        let hour_ago = now - Duration::hours(1);
        assert_eq!(queryable_since(hour_ago, now), hour_ago);
    }
}
