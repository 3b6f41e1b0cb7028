//! `GET /api/v1/groups` parameters (`filter`, `search`, `q`, `limit`, `after`) and the
//! paging of `GET /api/v1/groups/{id}/users` (`limit`, `after`).

use axum::http::StatusCode;

use super::api_error::ApiError;
use super::users_query::{UsersPage, check};
use crate::sim::filter::{Case, CompareOp, Filter, parse};
use crate::sim::org::Org;

/// The only fields the groups `filter` parameter knows.
const FILTER_FIELDS: &[&str] = &["id", "type", "lastUpdated", "lastMembershipUpdated"];
/// Top-level fields `search` accepts besides `profile.*`.
const SEARCH_FIELDS: &[&str] = &[
    "id",
    "type",
    "created",
    "lastUpdated",
    "lastMembershipUpdated",
];
const DATE_FIELDS: &[&str] = &["created", "lastUpdated", "lastMembershipUpdated"];
/// `co` is only supported on these.
const CONTAINS_FIELDS: &[&str] = &["profile.name", "profile.description"];

/// Okta's documented `limit` maximum for groups (the default when none is given).
const GROUPS_MAX_LIMIT: usize = 10_000;
/// `q` is not paged and returns at most this many by default.
const Q_DEFAULT_LIMIT: usize = 300;
/// `GET /groups/{id}/users`: the OpenAPI default; it documents no maximum, so the groups
/// list's is used.
const MEMBERS_DEFAULT_LIMIT: usize = 1000;
const MEMBERS_MAX_LIMIT: usize = 10_000;

#[derive(Debug)]
enum Select {
    All,
    /// Exact-match filter on the top-level fields.
    Filter(String, Filter),
    /// Case-insensitive search over the profile and the top-level fields.
    Search(String, Filter),
    /// Prefix match on the name; no paging.
    Q(String),
}

#[derive(Debug)]
pub(crate) struct GroupsQuery {
    select: Select,
    limit: usize,
    explicit_limit: bool,
    after: Option<String>,
}

#[derive(Debug)]
pub(crate) struct GroupsPage {
    /// Indexes into `Org::groups`.
    pub groups: Vec<usize>,
    pub next: Option<Vec<(String, String)>>,
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, v)| k == name && !v.trim().is_empty())
        .map(|(_, v)| v.as_str())
}

fn limit(params: &[(String, String)], default: usize, max: usize) -> Result<usize, ApiError> {
    match param(params, "limit") {
        None => Ok(default),
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .map(|n| n.min(max))
            .ok_or_else(|| ApiError::validation("limit", "must be a positive number.")),
    }
}

impl GroupsQuery {
    pub fn parse(params: &[(String, String)]) -> Result<GroupsQuery, ApiError> {
        let select = match (param(params, "search"), param(params, "filter")) {
            (Some(_), Some(_)) => {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "E0000033",
                    "Bad request. Can't specify a search query and filter in the same request.",
                ));
            }
            (Some(s), None) => Select::Search(s.to_string(), search(s)?),
            (None, Some(f)) => Select::Filter(f.to_string(), filter(f)?),
            (None, None) => match param(params, "q") {
                Some(q) => Select::Q(q.to_lowercase()),
                None => Select::All,
            },
        };
        let default = if matches!(select, Select::Q(_)) {
            Q_DEFAULT_LIMIT
        } else {
            GROUPS_MAX_LIMIT
        };
        Ok(GroupsQuery {
            select,
            limit: limit(params, default, GROUPS_MAX_LIMIT)?,
            explicit_limit: param(params, "limit").is_some(),
            after: param(params, "after").map(str::to_string),
        })
    }

    pub fn run(&self, org: &Org) -> Result<GroupsPage, ApiError> {
        let start = match &self.after {
            Some(id) => org
                .group_index(id)
                .map(|g| g + 1)
                .ok_or_else(|| ApiError::validation("after", "The cursor is not valid."))?,
            None => 0,
        };
        let mut hits = (start..org.groups.len()).filter(|&g| self.selects(org, g));
        let groups: Vec<usize> = hits.by_ref().take(self.limit).collect();
        let more = hits.next().is_some();
        let next = match (groups.last(), &self.select) {
            (_, Select::Q(_)) => None,
            (Some(&last), _) if more => Some(self.next_params(&org.groups[last].id)),
            _ => None,
        };
        Ok(GroupsPage { groups, next })
    }

    fn selects(&self, org: &Org, g: usize) -> bool {
        let group = &org.groups[g];
        match &self.select {
            Select::All => true,
            Select::Filter(_, f) => f.matches(&group.to_json(""), Case::Sensitive),
            Select::Search(_, f) => f.matches(&group.to_json(""), Case::Insensitive),
            Select::Q(q) => group.name.to_lowercase().starts_with(q.as_str()),
        }
    }

    fn next_params(&self, after: &str) -> Vec<(String, String)> {
        let mut p = Vec::new();
        match &self.select {
            Select::Filter(text, _) => p.push(("filter".to_string(), text.clone())),
            Select::Search(text, _) => p.push(("search".to_string(), text.clone())),
            Select::All | Select::Q(_) => {}
        }
        if self.explicit_limit {
            p.push(("limit".to_string(), self.limit.to_string()));
        }
        p.push(("after".to_string(), after.to_string()));
        p
    }
}

fn filter(text: &str) -> Result<Filter, ApiError> {
    let filter = parse(text).map_err(|e| ApiError::invalid_search(e.to_string()))?;
    if filter.uses_not() {
        return Err(ApiError::invalid_search(
            "'not' is not supported in filter; use search",
        ));
    }
    check(&filter, |path, op| {
        let dotted = path.dotted();
        if !FILTER_FIELDS.contains(&dotted.as_str()) {
            return Err(format!(
                "Unsupported filter attribute: {dotted}; use search"
            ));
        }
        match op {
            Some(CompareOp::Eq) => Ok(()),
            Some(o) if o.is_ordering() && DATE_FIELDS.contains(&dotted.as_str()) => Ok(()),
            Some(o) => Err(format!(
                "Operator '{o}' is not supported for {dotted} in filter; use search"
            )),
            None => Err("Operator 'pr' is not supported in filter; use search".to_string()),
        }
    })?;
    Ok(filter)
}

fn search(text: &str) -> Result<Filter, ApiError> {
    let filter = parse(text).map_err(|e| ApiError::invalid_search(e.to_string()))?;
    check(&filter, |path, op| {
        let dotted = path.dotted();
        let known = (path.root() == "profile" && path.segments().len() > 1)
            || SEARCH_FIELDS.contains(&dotted.as_str());
        match op {
            _ if !known => Err(format!("Unsupported search attribute: {dotted}")),
            Some(CompareOp::Ne | CompareOp::Ew) => Err(format!(
                "Unsupported operator '{}' in search",
                op.map_or("", CompareOp::as_str)
            )),
            Some(CompareOp::Co) if !CONTAINS_FIELDS.contains(&dotted.as_str()) => {
                Err(format!("Operator 'co' is not supported for {dotted}"))
            }
            _ => Ok(()),
        }
    })?;
    Ok(filter)
}

/// `limit` and `after` of `GET /api/v1/groups/{id}/users`: members in the users list's order.
#[derive(Debug)]
pub(crate) struct MembersQuery {
    limit: usize,
    explicit_limit: bool,
    after: Option<String>,
}

impl MembersQuery {
    pub fn parse(params: &[(String, String)]) -> Result<MembersQuery, ApiError> {
        Ok(MembersQuery {
            limit: limit(params, MEMBERS_DEFAULT_LIMIT, MEMBERS_MAX_LIMIT)?,
            explicit_limit: param(params, "limit").is_some(),
            after: param(params, "after").map(str::to_string),
        })
    }

    pub fn run(&self, org: &Org, group: usize) -> Result<UsersPage, ApiError> {
        let start = match &self.after {
            Some(id) => org
                .index_of_id(id)
                .map(|i| i + 1)
                .ok_or_else(|| ApiError::validation("after", "The cursor is not valid."))?,
            None => 0,
        };
        let mut hits = (start..org.users.len()).filter(|&i| org.users[i].groups.contains(&group));
        let users: Vec<usize> = hits.by_ref().take(self.limit).collect();
        let more = hits.next().is_some();
        let next = match users.last() {
            Some(&last) if more => {
                let mut p = Vec::new();
                if self.explicit_limit {
                    p.push(("limit".to_string(), self.limit.to_string()));
                }
                p.push(("after".to_string(), org.users[last].id.clone()));
                Some(p)
            }
            _ => None,
        };
        Ok(UsersPage { users, next })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn names(org: &Org, pairs: &[(&str, &str)]) -> Vec<String> {
        let page = GroupsQuery::parse(&params(pairs))
            .unwrap()
            .run(org)
            .unwrap();
        page.groups
            .iter()
            .map(|&g| org.groups[g].name.clone())
            .collect()
    }

    #[test]
    fn filters_on_dates_ids_and_types_combined() {
        let org = Org::generate(42, 50, Utc::now());
        let all = names(&org, &[]);
        assert_eq!(all.len(), org.groups.len());
        assert_eq!(
            names(&org, &[("filter", r#"type eq "BUILT_IN""#)]),
            ["Everyone"]
        );
        let admins = &org.groups[1];
        assert_eq!(
            names(&org, &[("filter", &format!(r#"id eq "{}""#, admins.id))]),
            ["Admins"]
        );
        let cut = admins.last_membership_updated;
        let iso = crate::sim::org::ids::iso(cut);
        let later = |t: DateTime<Utc>| t > cut;
        let expected: Vec<String> = org
            .groups
            .iter()
            .filter(|g| later(g.last_membership_updated))
            .map(|g| g.name.clone())
            .collect();
        assert_eq!(
            names(
                &org,
                &[("filter", &format!(r#"lastMembershipUpdated gt "{iso}""#))]
            ),
            expected
        );
        let either: Vec<String> = org
            .groups
            .iter()
            .filter(|g| g.built_in || g.last_membership_updated >= cut)
            .map(|g| g.name.clone())
            .collect();
        assert_eq!(
            names(
                &org,
                &[(
                    "filter",
                    &format!(r#"type eq "BUILT_IN" or lastMembershipUpdated ge "{iso}""#)
                )]
            ),
            either
        );
        let both = names(
            &org,
            &[(
                "filter",
                &format!(r#"type eq "OKTA_GROUP" and lastUpdated le "{iso}""#),
            )],
        );
        assert!(both.iter().all(|n| n != "Everyone"));
        assert!(
            names(
                &org,
                &[("filter", r#"lastUpdated lt "2000-01-01T00:00:00Z""#)]
            )
            .is_empty()
        );
    }

    #[test]
    fn q_search_limit_and_after() {
        let org = Org::generate(42, 50, Utc::now());
        assert_eq!(names(&org, &[("q", "adm")]), ["Admins"]);
        assert_eq!(
            names(&org, &[("search", r#"profile.name co "ONTRACT""#)]),
            ["Contractors"]
        );
        let first = GroupsQuery::parse(&params(&[("limit", "2")]))
            .unwrap()
            .run(&org)
            .unwrap();
        assert_eq!(first.groups, [0, 1]);
        let next = first.next.unwrap();
        let second = GroupsQuery::parse(&next).unwrap().run(&org).unwrap();
        assert_eq!(second.groups, [2, 3]);
        let code = |pairs: &[(&str, &str)]| GroupsQuery::parse(&params(pairs)).unwrap_err().code;
        assert_eq!(
            code(&[("filter", r#"profile.name eq "Admins""#)]),
            "E0000031"
        );
        assert_eq!(code(&[("filter", r#"type gt "A""#)]), "E0000031");
        assert_eq!(code(&[("filter", r#"id eq"#)]), "E0000031");
        assert_eq!(
            code(&[("filter", r#"id eq "x""#), ("search", r#"id eq "x""#)]),
            "E0000033"
        );
        assert_eq!(code(&[("limit", "0")]), "E0000001");
    }

    #[test]
    fn members_page_in_user_order() {
        let org = Org::generate(42, 120, Utc::now());
        let everyone: Vec<usize> = (0..org.users.len()).collect();
        let mut p = params(&[("limit", "50")]);
        let mut seen = Vec::new();
        loop {
            let page = MembersQuery::parse(&p).unwrap().run(&org, 0).unwrap();
            assert!(page.users.len() <= 50);
            seen.extend(page.users);
            match page.next {
                Some(next) => p = next,
                None => break,
            }
        }
        assert_eq!(seen, everyone);
        let admins = MembersQuery::parse(&[]).unwrap().run(&org, 1).unwrap();
        assert!(admins.next.is_none());
        let expected: Vec<usize> = (0..org.users.len())
            .filter(|&i| org.users[i].groups.contains(&1))
            .collect();
        assert_eq!(admins.users, expected);
        assert!(!expected.is_empty());
        let bad = MembersQuery::parse(&params(&[("after", "00unope")]))
            .unwrap()
            .run(&org, 0);
        assert_eq!(bad.unwrap_err().code, "E0000001");
    }
}
