//! The order and the filter of the expiries screen's rows: passwords expired first, then by
//! the chosen sort; contractors grouped by manager, the group without a manager on record
//! first (its digests cannot be sent).

use chrono::{DateTime, Utc};
use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::model::{ContractorExpiryRow, PasswordExpiryRow};

/// How the Passwords tab is sorted (after the expired users, who always come first).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortBy {
    /// Soonest expiry first.
    #[default]
    Expiry,
    Name,
    Department,
}

impl SortBy {
    /// `s`: the next sort.
    pub fn next(self) -> Self {
        match self {
            SortBy::Expiry => SortBy::Name,
            SortBy::Name => SortBy::Department,
            SortBy::Department => SortBy::Expiry,
        }
    }

    /// How the header names it.
    pub fn label(self) -> &'static str {
        match self {
            SortBy::Expiry => "expiry",
            SortBy::Name => "name",
            SortBy::Department => "department",
        }
    }
}

/// The `/` filter: every word must appear (any case) in the login, the name or the
/// department — for a contractor also in the manager's login or name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowFilter {
    words: Vec<String>,
}

impl RowFilter {
    pub fn parse(text: &str) -> Self {
        Self {
            words: text.split_whitespace().map(str::to_lowercase).collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    fn matches(&self, fields: &[Option<&str>]) -> bool {
        if self.words.is_empty() {
            return true;
        }
        let fields: Vec<String> = fields.iter().flatten().map(|f| f.to_lowercase()).collect();
        self.words
            .iter()
            .all(|word| fields.iter().any(|f| f.contains(word.as_str())))
    }

    pub fn keeps_password(&self, row: &PasswordExpiryRow) -> bool {
        self.matches(&[Some(&row.login), Some(&row.name), row.department.as_deref()])
    }

    pub fn keeps_contractor(&self, row: &ContractorExpiryRow) -> bool {
        self.matches(&[
            Some(&row.login),
            Some(&row.name),
            row.department.as_deref(),
            row.manager_login.as_deref(),
            row.manager_name.as_deref(),
        ])
    }
}

fn lower(text: Option<&str>) -> Option<String> {
    text.map(str::to_lowercase)
}

/// Positions in `rows` of the rows the filter keeps: expired users first, then by `sort`
/// (ties by expiry, then login).
pub fn password_order(
    rows: &[PasswordExpiryRow],
    filter: &RowFilter,
    sort: SortBy,
    now: DateTime<Utc>,
) -> Vec<usize> {
    let mut shown: Vec<usize> = (0..rows.len())
        .filter(|&i| filter.keeps_password(&rows[i]))
        .collect();
    let by_expiry = |a: &PasswordExpiryRow, b: &PasswordExpiryRow| {
        // An undated (PASSWORD_EXPIRED) user comes before every date.
        a.expires_at
            .cmp(&b.expires_at)
            .then_with(|| a.login.cmp(&b.login))
    };
    // Keys computed once per row, not once per comparison.
    let keys: Vec<(bool, Option<String>, Option<String>)> = rows
        .iter()
        .map(|r| {
            let name = (sort != SortBy::Expiry).then(|| r.name.to_lowercase());
            let department = match sort {
                SortBy::Department => lower(r.department.as_deref()),
                _ => None,
            };
            (!r.is_expired(now), department, name)
        })
        .collect();
    shown.sort_by(|&a, &b| {
        let (ka, kb) = (&keys[a], &keys[b]);
        let department = match (&ka.1, &kb.1) {
            // Users without a department go after those with one.
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        ka.0.cmp(&kb.0)
            .then(if sort == SortBy::Department {
                department
            } else {
                Ordering::Equal
            })
            .then_with(|| ka.2.cmp(&kb.2))
            .then_with(|| by_expiry(&rows[a], &rows[b]))
    });
    shown
}

/// A group of contractors with the same manager.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// `None`: no manager on record (no `managerId`, or one the scan never saw).
    pub manager_login: Option<String>,
    pub manager_name: Option<String>,
    pub count: usize,
}

/// One line of the Contractors tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContractorLine {
    Group(Group),
    /// A position in the scan's contractors.
    Contractor(usize),
}

/// The Contractors tab's lines: one group per manager, the group without a manager on record
/// first, then by the manager's name; in each, soonest end first (then login).
pub fn contractor_lines(rows: &[ContractorExpiryRow], filter: &RowFilter) -> Vec<ContractorLine> {
    // (no manager first, manager name, manager login) → contractors.
    let mut groups: BTreeMap<(bool, String, String), Vec<usize>> = BTreeMap::new();
    for (i, row) in rows.iter().enumerate() {
        if !filter.keeps_contractor(row) {
            continue;
        }
        let key = match &row.manager_login {
            Some(login) if row.has_manager_on_record() => (
                true,
                row.manager_name.as_deref().unwrap_or(login).to_lowercase(),
                login.to_lowercase(),
            ),
            _ => (false, String::new(), String::new()),
        };
        groups.entry(key).or_default().push(i);
    }
    let mut lines = Vec::new();
    for ((has_manager, _, _), mut members) in groups {
        members.sort_by(|&a, &b| {
            rows[a]
                .ends_on
                .cmp(&rows[b].ends_on)
                .then_with(|| rows[a].login.cmp(&rows[b].login))
        });
        let first = &rows[members[0]];
        lines.push(ContractorLine::Group(Group {
            manager_login: first.manager_login.clone().filter(|_| has_manager),
            manager_name: first.manager_name.clone().filter(|_| has_manager),
            count: members.len(),
        }));
        lines.extend(members.into_iter().map(ContractorLine::Contractor));
    }
    lines
}
