//! The expiry scanner's user pages: `GET /api/v1/users?limit=200` (every user but the
//! DEPROVISIONED, which Okta leaves out without a search or filter) or
//! `?filter=lastUpdated gt "…"` (changed users, deactivated ones included), one page a call.

use chrono::{DateTime, SecondsFormat, Utc};
use url::Url;

use super::client::{OktaClient, unexpected_shape};
use super::links;
use super::scan_wire::decode_users;
use super::users::MAX_USERS_PAGE;
use crate::idp::{IdpError, Page, PageCursor, ScannedUser, UserScanPage};

/// Okta's filter timestamp: ISO 8601 with milliseconds, in UTC (`2026-03-01T10:00:00.000Z`).
pub fn filter_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl OktaClient {
    /// One page of the user scan; `next` is Okta's `next` link, to be followed verbatim.
    pub async fn scan_user_page(
        &self,
        page: &UserScanPage,
        contract_end_attribute: &str,
    ) -> Result<Page<ScannedUser>, IdpError> {
        let url = match page {
            UserScanPage::AllUsers => self.users_page_url(None),
            UserScanPage::ChangedSince(t) => {
                self.users_page_url(Some(format!("lastUpdated gt \"{}\"", filter_time(*t))))
            }
            UserScanPage::Next(cursor) => parse_next(cursor)?,
        };
        let answer = self.get_bytes(url).await?;
        let items = decode_users(&answer.body, contract_end_attribute)
            .map_err(|e| unexpected_shape(&answer.headers, &answer.body, &e))?;
        let next = links::find(&answer.headers, "next").map(PageCursor::new);
        Ok(Page { items, next })
    }

    fn users_page_url(&self, filter: Option<String>) -> Url {
        let mut url = self.url("/api/v1/users");
        {
            let mut q = url.query_pairs_mut();
            if let Some(filter) = &filter {
                q.append_pair("filter", filter);
            }
            q.append_pair("limit", &MAX_USERS_PAGE.to_string());
        }
        url
    }
}

/// A `next` link as Okta sent it (its origin is checked before anything is sent).
pub(super) fn parse_next(cursor: &PageCursor) -> Result<Url, IdpError> {
    Url::parse(cursor.as_str())
        .map_err(|e| IdpError::Invalid(format!("Okta sent an unusable next link: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn filter_times_have_milliseconds_and_a_z() {
        let t = Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 5).unwrap()
            + chrono::Duration::microseconds(123_456);
        assert_eq!(filter_time(t), "2026-03-01T10:00:05.123Z");
    }
}
