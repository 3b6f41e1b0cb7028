//! `GET /api/v1/users` parameters: `search`, `filter`, `q`, `limit`, `after`.

use serde_json::{Value, json};

use super::api_error::ApiError;
use crate::model::UserStatus;
use crate::sim::filter::{Case, CompareOp, Filter, parse};
use crate::sim::org::Org;
use crate::sim::org::ids::iso;
use crate::sim::org::user::{Links, SimUser};

/// Top-level fields `search` accepts besides `profile.*`.
const SEARCH_FIELDS: &[&str] = &[
    "id",
    "status",
    "created",
    "activated",
    "statusChanged",
    "lastUpdated",
    "type.id",
];
/// `co` is only supported on these.
const CONTAINS_FIELDS: &[&str] = &[
    "profile.firstName",
    "profile.lastName",
    "profile.email",
    "profile.login",
];
/// The only fields the legacy `filter` parameter knows.
const FILTER_FIELDS: &[&str] = &[
    "status",
    "lastUpdated",
    "id",
    "profile.login",
    "profile.email",
    "profile.firstName",
    "profile.lastName",
];

#[derive(Debug)]
enum Select {
    /// Everyone except DEPROVISIONED.
    All,
    /// Case-insensitive SCIM search; includes DEPROVISIONED.
    Search(String, Filter),
    /// Exact-match legacy filter; includes DEPROVISIONED.
    Filter(String, Filter),
    /// Prefix match on names, email and login; excludes DEPROVISIONED; no paging.
    Q(String),
}

#[derive(Debug)]
pub(crate) struct UsersQuery {
    select: Select,
    limit: usize,
    explicit_limit: bool,
    after: Option<String>,
}

#[derive(Debug)]
pub(crate) struct UsersPage {
    /// Indexes into `Org::users`.
    pub users: Vec<usize>,
    pub next: Option<Vec<(String, String)>>,
}

impl UsersQuery {
    pub fn parse(params: &[(String, String)]) -> Result<UsersQuery, ApiError> {
        let get = |name: &str| {
            params
                .iter()
                .find(|(k, v)| k == name && !v.trim().is_empty())
                .map(|(_, v)| v.as_str())
        };
        let select = match (get("search"), get("filter"), get("q")) {
            (Some(_), Some(_), _) => {
                return Err(ApiError::new(
                    axum::http::StatusCode::BAD_REQUEST,
                    "E0000033",
                    "Bad request. Can't specify a search query and filter in the same request.",
                ));
            }
            (Some(s), None, _) => Select::Search(s.to_string(), search(s)?),
            (None, Some(f), _) => Select::Filter(f.to_string(), legacy_filter(f)?),
            (None, None, Some(q)) => Select::Q(q.to_lowercase()),
            (None, None, None) => Select::All,
        };
        let default = if matches!(select, Select::Q(_)) {
            10
        } else {
            200
        };
        let limit = match get("limit") {
            None => default,
            Some(v) => v
                .parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| ApiError::validation("limit", "must be a positive number."))?
                .min(200),
        };
        Ok(UsersQuery {
            select,
            limit,
            explicit_limit: get("limit").is_some(),
            after: get("after").map(str::to_string),
        })
    }

    pub fn run(&self, org: &Org) -> Result<UsersPage, ApiError> {
        let start = match &self.after {
            Some(id) => org
                .index_of_id(id)
                .map(|i| i + 1)
                .ok_or_else(|| ApiError::validation("after", "The cursor is not valid."))?,
            None => 0,
        };
        let mut hits = (start..org.users.len()).filter(|&i| self.selects(org, i));
        let users: Vec<usize> = hits.by_ref().take(self.limit).collect();
        let more = hits.next().is_some();
        let next = match (users.last(), &self.select) {
            (_, Select::Q(_)) => None,
            (Some(&last), _) if more => Some(self.next_params(&org.users[last].id)),
            _ => None,
        };
        Ok(UsersPage { users, next })
    }

    fn selects(&self, org: &Org, i: usize) -> bool {
        let user = &org.users[i];
        let doc = || user.to_json("", &org.type_id, Links::None);
        match &self.select {
            Select::All => user.status != UserStatus::Deprovisioned,
            Select::Search(_, f) => f.matches(&doc(), Case::Insensitive),
            Select::Filter(_, f) => f.matches(&filter_doc(user), Case::Sensitive),
            Select::Q(q) => {
                user.status != UserStatus::Deprovisioned
                    && ["firstName", "lastName", "email", "login"]
                        .iter()
                        .any(|k| user.profile_str(k).to_lowercase().starts_with(q.as_str()))
            }
        }
    }

    fn next_params(&self, after: &str) -> Vec<(String, String)> {
        let mut p = Vec::new();
        match &self.select {
            Select::Search(text, _) => p.push(("search".to_string(), text.clone())),
            Select::Filter(text, _) => p.push(("filter".to_string(), text.clone())),
            Select::All | Select::Q(_) => {}
        }
        if self.explicit_limit {
            p.push(("limit".to_string(), self.limit.to_string()));
        }
        p.push(("after".to_string(), after.to_string()));
        p
    }
}

/// Just the fields the legacy `filter` knows: a filter over 100,000 users builds this
/// instead of each whole user.
fn filter_doc(user: &SimUser) -> Value {
    let login = user.login();
    json!({
        "id": user.id,
        "status": user.status.as_str(),
        "lastUpdated": iso(user.last_updated),
        "profile": {
            "login": login,
            "email": login,
            "firstName": user.profile.first_name,
            "lastName": user.profile.last_name,
        },
    })
}

/// Users' JSON, for tests and handlers.
pub(crate) fn render(org: &Org, page: &UsersPage, base: &str) -> Vec<Value> {
    page.users
        .iter()
        .map(|&i| org.users[i].to_json(base, &org.type_id, Links::SelfOnly))
        .collect()
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

fn legacy_filter(text: &str) -> Result<Filter, ApiError> {
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
            Some(o) if o.is_ordering() && dotted == "lastUpdated" => Ok(()),
            Some(o) => Err(format!(
                "Operator '{o}' is not supported for {dotted} in filter; use search"
            )),
            None => Err("Operator 'pr' is not supported in filter; use search".to_string()),
        }
    })?;
    Ok(filter)
}

/// The first field or operator `rule` refuses, as Okta's `E0000031`.
pub(crate) fn check(
    filter: &Filter,
    rule: impl Fn(&crate::sim::filter::AttrPath, Option<CompareOp>) -> Result<(), String>,
) -> Result<(), ApiError> {
    let mut problem = None;
    filter.for_each_condition(&mut |path, op| {
        if problem.is_none() {
            problem = rule(path, op).err();
        }
    });
    problem.map_or(Ok(()), |p| Err(ApiError::invalid_search(p)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn run(org: &Org, pairs: &[(&str, &str)]) -> UsersPage {
        UsersQuery::parse(&params(pairs)).unwrap().run(org).unwrap()
    }

    #[test]
    fn default_listing_pages_through_everyone_but_deprovisioned() {
        let org = Org::generate(42, 450, Utc::now());
        let mut p = params(&[]);
        let mut seen = Vec::new();
        loop {
            let page = UsersQuery::parse(&p).unwrap().run(&org).unwrap();
            assert!(page.users.len() <= 200);
            seen.extend(page.users);
            match page.next {
                Some(next) => p = next,
                None => break,
            }
        }
        let expected: Vec<usize> = (0..450)
            .filter(|&i| org.users[i].status != UserStatus::Deprovisioned)
            .collect();
        assert_eq!(seen, expected);
        assert!(expected.len() < 450, "some users are deprovisioned");
    }

    #[test]
    fn search_is_case_insensitive_and_includes_deprovisioned() {
        let org = Org::generate(42, 500, Utc::now());
        let locked = run(&org, &[("search", r#"status eq "locked_out""#)]);
        assert!(!locked.users.is_empty());
        assert!(
            locked
                .users
                .iter()
                .all(|&i| org.users[i].status == UserStatus::LockedOut)
        );
        let gone = run(&org, &[("search", r#"status eq "DEPROVISIONED""#)]);
        assert!(!gone.users.is_empty());
        let it = run(
            &org,
            &[(
                "search",
                r#"profile.department eq "it" and not (profile.userType eq "contractor")"#,
            )],
        );
        assert!(
            it.users
                .iter()
                .all(|&i| org.users[i].profile_str("department") == "IT")
        );
        let first = org.users[5].profile_str("firstName").to_uppercase();
        let co = run(
            &org,
            &[(
                "search",
                &format!(r#"profile.firstName co "{}""#, &first[1..]),
            )],
        );
        assert!(co.users.contains(&5));
        let dated = run(
            &org,
            &[
                ("search", r#"lastUpdated gt "2000-01-01T00:00:00.000Z""#),
                ("limit", "5"),
            ],
        );
        assert_eq!(dated.users.len(), 5);
        let next = dated.next.unwrap();
        assert!(
            next.contains(&("limit".into(), "5".into())) && next.iter().any(|(k, _)| k == "search")
        );
    }

    #[test]
    fn filter_is_exact_and_limited() {
        let org = Org::generate(42, 200, Utc::now());
        let login = org.users[9].login().to_string();
        let hit = run(
            &org,
            &[("filter", &format!(r#"profile.login eq "{login}""#))],
        );
        assert_eq!(hit.users, vec![9]);
        let miss = run(
            &org,
            &[(
                "filter",
                &format!(r#"profile.login eq "{}""#, login.to_uppercase()),
            )],
        );
        assert!(miss.users.is_empty());
        let both = run(
            &org,
            &[(
                "filter",
                r#"status eq "LOCKED_OUT" or status eq "RECOVERY""#,
            )],
        );
        assert!(both.users.iter().all(|&i| matches!(
            org.users[i].status,
            UserStatus::LockedOut | UserStatus::Recovery
        )));
    }

    #[test]
    fn the_filter_document_carries_every_filter_field_as_the_user_has_it() {
        let org = Org::generate(3, 200, Utc::now());
        for user in &org.users {
            let full = user.to_json("", &org.type_id, Links::None);
            let small = filter_doc(user);
            for field in FILTER_FIELDS {
                let path =
                    crate::sim::filter::AttrPath(field.split('.').map(str::to_string).collect());
                let resolve = crate::sim::filter::resolve;
                assert_eq!(resolve(&small, &path), resolve(&full, &path), "{field}");
                assert!(!resolve(&small, &path).is_empty(), "{field}");
            }
        }
    }

    #[test]
    fn q_is_a_prefix_match_with_a_small_default_limit() {
        let org = Org::generate(42, 500, Utc::now());
        let page = run(&org, &[("q", "a")]);
        assert_eq!(page.users.len(), 10);
        assert!(page.next.is_none());
        let name = org.users[20].profile_str("lastName").to_lowercase();
        let page = run(&org, &[("q", &name), ("limit", "200")]);
        assert!(page.users.contains(&20) || org.users[20].status == UserStatus::Deprovisioned);
        assert!(
            page.users
                .iter()
                .all(|&i| org.users[i].status != UserStatus::Deprovisioned)
        );
    }

    #[test]
    fn rejects_what_okta_rejects() {
        let code = |pairs: &[(&str, &str)]| UsersQuery::parse(&params(pairs)).unwrap_err().code;
        assert_eq!(
            code(&[
                ("search", r#"status eq "ACTIVE""#),
                ("filter", r#"status eq "ACTIVE""#)
            ]),
            "E0000033"
        );
        assert_eq!(
            code(&[("search", r#"passwordChanged gt "2024-01-01T00:00:00.000Z""#)]),
            "E0000031"
        );
        assert_eq!(code(&[("search", r#"status ne "ACTIVE""#)]), "E0000031");
        assert_eq!(code(&[("search", r#"profile.title co "Eng""#)]), "E0000031");
        assert_eq!(code(&[("search", r#"status eq "ACTIVE" and"#)]), "E0000031");
        assert_eq!(
            code(&[("filter", r#"profile.department eq "IT""#)]),
            "E0000031"
        );
        assert_eq!(code(&[("filter", r#"status sw "ACT""#)]), "E0000031");
        assert_eq!(
            code(&[("filter", r#"not (status eq "ACTIVE")"#)]),
            "E0000031"
        );
        assert_eq!(code(&[("limit", "zero")]), "E0000001");
        assert!(
            UsersQuery::parse(&params(&[(
                "filter",
                r#"lastUpdated gt "2024-01-01T00:00:00.000Z""#
            )]))
            .is_ok()
        );
        assert_eq!(
            UsersQuery::parse(&params(&[("limit", "500")]))
                .unwrap()
                .limit,
            200
        );
        let org = Org::generate(1, 5, Utc::now());
        let bad_cursor = UsersQuery::parse(&params(&[("after", "00unope")]))
            .unwrap()
            .run(&org);
        assert_eq!(bad_cursor.unwrap_err().code, "E0000001");
    }
}
