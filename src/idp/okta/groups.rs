//! Groups for the expiry scanner: the members of a group that decides a password policy
//! (`GET /api/v1/groups/{id}/users`, ids only) and which groups' memberships changed
//! (`GET /api/v1/groups?filter=lastMembershipUpdated gt "…"`).

use serde::Deserialize;

use super::client::OktaClient;
use super::links;
use super::scan::{filter_time, parse_next};
use crate::idp::{IdpError, Page, PageCursor};
use chrono::{DateTime, Utc};

/// Page size for group members and groups: the OpenAPI document's recommended `limit=200`
/// (the members endpoint's historical default of 1000 is being withdrawn).
pub const GROUPS_PAGE: u32 = 200;

/// Only the id of a member or a group is read; the rest is skipped.
#[derive(Debug, Deserialize)]
struct WireId {
    id: String,
}

impl OktaClient {
    /// One page of a group's member ids.
    pub async fn group_member_page(
        &self,
        group_id: &str,
        next: Option<&PageCursor>,
    ) -> Result<Page<String>, IdpError> {
        let url = match next {
            Some(cursor) => parse_next(cursor)?,
            None => {
                let mut url = self.url("/api/v1/groups");
                url.path_segments_mut()
                    .map_err(|_| IdpError::Invalid("the org URL cannot take a path".into()))?
                    .extend([group_id, "users"]);
                url.query_pairs_mut()
                    .append_pair("limit", &GROUPS_PAGE.to_string());
                url
            }
        };
        let answer = self.get_json::<Vec<WireId>>(url).await?;
        Ok(Page {
            items: answer.body.into_iter().map(|m| m.id).collect(),
            next: links::find(&answer.headers, "next").map(PageCursor::new),
        })
    }

    /// The ids of every group whose membership changed after `since` (all pages).
    pub async fn groups_changed_since(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<String>, IdpError> {
        let mut url = self.url("/api/v1/groups");
        url.query_pairs_mut()
            .append_pair(
                "filter",
                &format!("lastMembershipUpdated gt \"{}\"", filter_time(since)),
            )
            .append_pair("limit", &GROUPS_PAGE.to_string());
        let groups = self.get_pages::<WireId>(url, usize::MAX).await?;
        Ok(groups.into_iter().map(|g| g.id).collect())
    }
}
