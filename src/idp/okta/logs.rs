//! System Log polling exactly as Okta prescribes: the first request carries `since`,
//! `sortOrder=ASCENDING`, the filter and `limit`; every later one is the `next` link, verbatim.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::value::RawValue;
use url::Url;

use super::client::OktaClient;
use super::links;
use super::wire::LogEvent;
use crate::idp::{FeedCursor, FeedPage, FeedPosition, IdpError};
use crate::model::ActivityEvent;

/// Okta's lockout filter: the lock itself, and sign-ins refused because the account is locked.
pub const LOCKOUT_FILTER: &str = r#"eventType eq "user.account.lock" or (eventType eq "user.session.start" and outcome.reason eq "LOCKED_OUT")"#;

impl OktaClient {
    /// The first polling request of a lockout feed.
    pub fn first_lockout_url(&self, since: DateTime<Utc>) -> Url {
        let mut url = self.url("/api/v1/logs");
        url.query_pairs_mut()
            .append_pair("since", &since.to_rfc3339_opts(SecondsFormat::Millis, true))
            .append_pair("sortOrder", "ASCENDING")
            .append_pair("filter", LOCKOUT_FILTER)
            .append_pair("limit", &self.options.log_page_limit.to_string());
        url
    }

    /// Fetch one page of the lockout feed and advance `cursor` to Okta's `next` link.
    pub async fn poll_lockout_page(&self, cursor: &mut FeedCursor) -> Result<FeedPage, IdpError> {
        let url = match &cursor.position {
            FeedPosition::Since(since) => self.first_lockout_url(*since),
            FeedPosition::Continue(next) => Url::parse(next)
                .map_err(|e| IdpError::Invalid(format!("stored next link is unusable: {e}")))?,
        };
        let answer = self.get_json::<Vec<Box<RawValue>>>(url).await?;
        let detected_at = Utc::now();
        let returned = answer.body.len();
        let events = decode_events(answer.body);
        // Okta always sends `next` on a polling query; keep the position if it did not.
        if let Some(next) = links::find(&answer.headers, "next") {
            cursor.position = FeedPosition::Continue(next);
        }
        let lockouts = events
            .into_iter()
            .filter(|e| cursor.seen.insert(&e.uuid))
            .filter_map(|e| e.into_lockout(detected_at))
            .collect();
        Ok(FeedPage {
            lockouts,
            more: returned >= self.options.log_page_limit as usize,
        })
    }
}

impl OktaClient {
    /// A user's events since `since`, newest first (a bounded query: `since` and `until`).
    pub async fn fetch_user_activity(
        &self,
        user_id: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<ActivityEvent>, IdpError> {
        let id = user_id.replace('\\', "\\\\").replace('"', "\\\"");
        let mut url = self.url("/api/v1/logs");
        url.query_pairs_mut()
            .append_pair("since", &since.to_rfc3339_opts(SecondsFormat::Millis, true))
            // `until` is exclusive and sent to the millisecond: one past now, so an event
            // published in this very millisecond (an unlock just done) is not left out.
            .append_pair(
                "until",
                &(Utc::now() + chrono::Duration::milliseconds(1))
                    .to_rfc3339_opts(SecondsFormat::Millis, true),
            )
            .append_pair(
                "filter",
                &format!(r#"actor.id eq "{id}" or target.id eq "{id}""#),
            )
            .append_pair("sortOrder", "DESCENDING")
            .append_pair("limit", "200");
        let raw = self.get_pages::<Box<RawValue>>(url, ACTIVITY_MAX).await?;
        Ok(decode_events(raw)
            .into_iter()
            .map(LogEvent::into_activity)
            .collect())
    }
}

/// At most this many events of one user's history are fetched.
pub const ACTIVITY_MAX: usize = 500;

/// Decode a page event by event, so one malformed event is skipped (and logged) instead of
/// losing the whole page. Each event is parsed straight from its own JSON text.
pub fn decode_events(raw: Vec<Box<RawValue>>) -> Vec<LogEvent> {
    raw.into_iter()
        .filter_map(|v| match serde_json::from_str::<LogEvent>(v.get()) {
            Ok(e) => Some(e),
            Err(err) => {
                tracing::warn!(%err, "skipping a System Log event that does not decode");
                None
            }
        })
        .collect()
}

/// Decode a whole page from its JSON text.
pub fn decode_page(json: &[u8]) -> Result<Vec<LogEvent>, serde_json::Error> {
    Ok(decode_events(serde_json::from_slice(json)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_malformed_event_is_skipped_and_the_rest_of_the_page_kept() {
        let page = br#"[
            {"uuid":"a","published":"2026-11-23T10:00:00Z","eventType":"user.account.lock"},
            {"uuid":"b","published":"not a time","eventType":"user.account.lock"},
            {"published":"2026-11-23T10:00:02Z","eventType":"user.account.lock"},
            {"uuid":"d","published":"2026-11-23T10:00:03Z","eventType":"user.session.start"}
        ]"#;
        let uuids: Vec<_> = decode_page(page)
            .unwrap()
            .into_iter()
            .map(|e| e.uuid)
            .collect();
        assert_eq!(uuids, ["a", "d"]);
        assert!(decode_page(b"{\"not\": \"an array\"}").is_err());
    }
}
