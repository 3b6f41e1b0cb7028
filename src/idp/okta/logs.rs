//! System Log polling exactly as Okta prescribes: the first request carries `since`,
//! `sortOrder=ASCENDING`, the filter and `limit`; every later one is the `next` link, verbatim.

use chrono::{DateTime, SecondsFormat, Utc};
use url::Url;

use super::client::OktaClient;
use super::links;
use super::wire::LogEvent;
use crate::idp::{FeedCursor, FeedPage, FeedPosition, IdpError};

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
        let answer = self.get_json::<Vec<serde_json::Value>>(url).await?;
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

/// Decode a page event by event, so one malformed event is skipped (and logged) instead of
/// losing the whole page.
pub fn decode_events(values: Vec<serde_json::Value>) -> Vec<LogEvent> {
    values
        .into_iter()
        .filter_map(|v| match serde_json::from_value::<LogEvent>(v) {
            Ok(e) => Some(e),
            Err(err) => {
                tracing::warn!(%err, "skipping a System Log event that does not decode");
                None
            }
        })
        .collect()
}

/// Decode a whole page from its JSON text (used by benchmarks and `decode_events`' callers).
pub fn decode_page(json: &[u8]) -> Result<Vec<LogEvent>, serde_json::Error> {
    let values: Vec<serde_json::Value> = serde_json::from_slice(json)?;
    Ok(decode_events(values))
}
