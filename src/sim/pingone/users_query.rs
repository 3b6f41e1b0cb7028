//! `GET …/users` and `GET …/groups` parameters: the SCIM `filter` (attributes PingOne lets
//! a worker filter on) and HAL paging. Matches keep the organisation's creation order.

use crate::sim::filter::{Case, Filter};
use crate::sim::org::Org;
use serde_json::json;

use super::api_error::ApiError;
use super::environment::group_id;
use super::hal::Paging;
use super::scim::{Attr, EQ, EQ_SW, RANGE, parse_filter};
use super::users::{filter_doc, served_groups};

const USER_ATTRS: &[Attr] = &[
    Attr {
        name: "id",
        ops: EQ,
    },
    Attr {
        name: "username",
        ops: EQ_SW,
    },
    Attr {
        name: "email",
        ops: EQ_SW,
    },
    Attr {
        name: "name.given",
        ops: EQ_SW,
    },
    Attr {
        name: "name.family",
        ops: EQ_SW,
    },
    Attr {
        name: "account.status",
        ops: EQ,
    },
    Attr {
        name: "enabled",
        ops: EQ,
    },
    Attr {
        name: "type",
        ops: EQ_SW,
    },
    Attr {
        name: "updatedAt",
        ops: RANGE,
    },
    Attr {
        name: "memberOfGroups.id",
        ops: EQ,
    },
];

const GROUP_ATTRS: &[Attr] = &[
    Attr {
        name: "id",
        ops: EQ,
    },
    Attr {
        name: "name",
        ops: EQ_SW,
    },
];

/// A parsed collection request: which items, and which page of them.
#[derive(Debug)]
pub(crate) struct CollectionQuery {
    filter: Option<Filter>,
    pub paging: Paging,
}

impl CollectionQuery {
    fn parse(params: &[(String, String)], attrs: &[Attr]) -> Result<Self, ApiError> {
        let filter = params
            .iter()
            .find(|(k, v)| k == "filter" && !v.trim().is_empty())
            .map(|(_, text)| parse_filter(text, attrs))
            .transpose()?;
        Ok(Self {
            filter,
            paging: Paging::parse(params)?,
        })
    }

    pub fn users(params: &[(String, String)]) -> Result<Self, ApiError> {
        Self::parse(params, USER_ATTRS)
    }

    pub fn groups(params: &[(String, String)]) -> Result<Self, ApiError> {
        Self::parse(params, GROUP_ATTRS)
    }

    /// Indexes into `Org::users` of every match (string comparisons ignore case, as
    /// PingOne's do).
    pub fn matching_users(&self, org: &Org) -> Vec<usize> {
        (0..org.users.len())
            .filter(|&i| {
                self.filter
                    .as_ref()
                    .is_none_or(|f| f.matches(&filter_doc(org, i), Case::Insensitive))
            })
            .collect()
    }

    /// Indexes into `Org::groups` of every served group that matches.
    pub fn matching_groups(&self, org: &Org) -> Vec<usize> {
        served_groups(org)
            .filter(|(_, g)| {
                self.filter.as_ref().is_none_or(|f| {
                    f.matches(
                        &json!({"id": group_id(&g.id), "name": g.name}),
                        Case::Insensitive,
                    )
                })
            })
            .map(|(i, _)| i)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::UserStatus;
    use crate::sim::pingone::environment::user_id;
    use chrono::Utc;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn users(org: &Org, filter: &str) -> Vec<usize> {
        CollectionQuery::users(&params(&[("filter", filter)]))
            .unwrap()
            .matching_users(org)
    }

    #[test]
    fn user_filters_select_what_they_name() {
        let org = Org::generate(9, 300, Utc::now());
        let login = org.users[7].login().to_string();
        assert_eq!(
            users(&org, &format!(r#"username eq "{}""#, login.to_uppercase())),
            vec![7]
        );
        assert_eq!(
            users(&org, &format!(r#"id eq "{}""#, user_id(&org.users[7].id))),
            vec![7]
        );
        let locked = users(&org, r#"account.status eq "LOCKED""#);
        assert!(!locked.is_empty());
        assert!(
            locked
                .iter()
                .all(|&i| org.users[i].status == UserStatus::LockedOut)
        );
        let disabled = users(&org, "enabled eq false");
        assert!(disabled.iter().all(|&i| matches!(
            org.users[i].status,
            UserStatus::Suspended | UserStatus::Deprovisioned
        )));
        assert!(!disabled.is_empty());
        let g = org.users[7]
            .groups
            .iter()
            .copied()
            .find(|&g| !org.groups[g].built_in)
            .unwrap();
        let members = users(
            &org,
            &format!(
                r#"memberOfGroups[id eq "{}"] and (type eq "Employee" or type eq "Contractor" or type eq "Intern")"#,
                group_id(&org.groups[g].id)
            ),
        );
        assert!(members.contains(&7));
        assert!(members.iter().all(|&i| org.users[i].groups.contains(&g)));
        let all = users(&org, r#"updatedAt gt "2000-01-01T00:00:00Z""#);
        assert_eq!(all.len(), 300);
    }

    #[test]
    fn groups_filter_by_name_and_skip_built_ins() {
        let org = Org::generate(9, 50, Utc::now());
        let all = CollectionQuery::groups(&[]).unwrap().matching_groups(&org);
        assert!(all.iter().all(|&g| !org.groups[g].built_in));
        assert_eq!(all.len(), org.groups.len() - 1);
        let name = &org.groups[all[0]].name;
        let one = CollectionQuery::groups(&params(&[("filter", &format!(r#"name eq "{name}""#))]))
            .unwrap()
            .matching_groups(&org);
        assert_eq!(one, vec![all[0]]);
        assert!(CollectionQuery::groups(&params(&[("filter", r#"description eq "x""#)])).is_err());
    }
}
