//! Groups: a user's groups (`memberOfGroups`), a group's members (a users filter on
//! `memberOfGroups[id eq "…"]`), and which groups' memberships changed.

use chrono::{DateTime, Utc};

use super::client::PingOneClient;
use super::users::quote;
use super::wire::WireId;
use crate::idp::{IdpError, Page, PageCursor};

/// Page size for group members and groups.
pub const GROUPS_PAGE: u32 = 200;

impl PingOneClient {
    /// The ids of the groups the user belongs to (`GET …/users/{id}/memberOfGroups`).
    pub async fn fetch_group_ids(&self, user_id: &str) -> Result<Vec<String>, IdpError> {
        let mut url = self.user_path(&[user_id, "memberOfGroups"]);
        url.query_pairs_mut()
            .append_pair("limit", &GROUPS_PAGE.to_string());
        let groups = self
            .get_pages::<WireId>(url, "groupMemberships", usize::MAX)
            .await?;
        Ok(groups.into_iter().map(|g| g.id).collect())
    }

    /// One page of a group's member ids.
    pub async fn group_member_page(
        &self,
        group_id: &str,
        next: Option<&PageCursor>,
    ) -> Result<Page<String>, IdpError> {
        let url = match next {
            Some(cursor) => self.parse_link(cursor.as_str())?,
            None => {
                let mut url = self.user_path(&[]);
                url.query_pairs_mut()
                    .append_pair(
                        "filter",
                        &format!("memberOfGroups[id eq {}]", quote(group_id)),
                    )
                    .append_pair("limit", &GROUPS_PAGE.to_string());
                url
            }
        };
        let (members, next) = self.get_page::<WireId>(url, "users").await?;
        Ok(Page {
            items: members.into_iter().map(|m| m.id).collect(),
            next: next.map(|url| PageCursor::new(url.to_string())),
        })
    }

    /// Every group's id. PingOne records no time of a group's last membership change (a
    /// group's `updatedAt` moves with its name and description, not its members), so no group
    /// can be ruled out: all of them are reported as possibly changed. The scanner asks only
    /// when a password policy depends on groups, which PingOne's policies never do (they are
    /// assigned to populations), so this costs nothing in practice.
    pub async fn groups_changed_since(
        &self,
        _since: DateTime<Utc>,
    ) -> Result<Vec<String>, IdpError> {
        let mut url = self.env_path(&["groups"]);
        url.query_pairs_mut()
            .append_pair("limit", &GROUPS_PAGE.to_string());
        let groups = self.get_pages::<WireId>(url, "groups", usize::MAX).await?;
        Ok(groups.into_iter().map(|g| g.id).collect())
    }
}
