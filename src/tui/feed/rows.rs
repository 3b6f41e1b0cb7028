//! The rows the lockout table shows: one per user — their newest lockout, with how many of
//! theirs the filter keeps — and, for a user the agent expanded, their older lockouts right
//! beneath it. With "still locked only" a user whose newest lockout is settled (handled since,
//! or known to be unlocked) has no row at all. Rebuilt whenever the feed, the filter, the
//! expanded users or the marks change; drawing only reads it.

use std::collections::{HashMap, HashSet};

use super::{Feed, repeat_key};
use crate::model::Lockout;

/// What a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// A user's newest lockout; `lockouts` counts theirs among the shown ones.
    User { lockouts: usize, expanded: bool },
    /// An older lockout of the user in the row above (their group is expanded).
    Older,
}

/// One row: a lockout (by its index in the feed) and what it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedRow {
    pub entry: usize,
    pub kind: RowKind,
}

/// The table's rows, newest user first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedRows {
    rows: Vec<FeedRow>,
    /// Users left out because `keep` said so.
    hidden: usize,
}

impl FeedRows {
    /// Group the lockouts `feed` shows by user; `expanded` holds the [`repeat_key`]s of the
    /// users whose older lockouts are listed too; `keep` sees each user's newest lockout and
    /// says whether the user has rows.
    pub fn build(
        feed: &Feed,
        expanded: &HashSet<String>,
        keep: impl Fn(&Lockout) -> bool,
    ) -> FeedRows {
        let mut order: Vec<String> = Vec::new();
        let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
        for index in feed.shown() {
            let key = repeat_key(feed.entry(index));
            match groups.get_mut(&key) {
                Some(group) => group.push(index),
                None => {
                    groups.insert(key.clone(), vec![index]);
                    order.push(key);
                }
            }
        }
        let mut rows = Vec::with_capacity(order.len());
        let mut hidden = 0;
        for key in order {
            let group = &groups[&key];
            let newest = group[0];
            if !keep(feed.entry(newest)) {
                hidden += 1;
                continue;
            }
            let open = expanded.contains(&key) && group.len() > 1;
            rows.push(FeedRow {
                entry: newest,
                kind: RowKind::User {
                    lockouts: group.len(),
                    expanded: open,
                },
            });
            if open {
                rows.extend(group[1..].iter().map(|&entry| FeedRow {
                    entry,
                    kind: RowKind::Older,
                }));
            }
        }
        FeedRows { rows, hidden }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn get(&self, row: usize) -> Option<&FeedRow> {
        self.rows.get(row)
    }

    /// Users left out by "still locked only".
    pub fn hidden(&self) -> usize {
        self.hidden
    }

    /// The row showing the lockout at this feed index.
    pub fn row_of_entry(&self, entry: usize) -> Option<usize> {
        self.rows.iter().position(|r| r.entry == entry)
    }

    /// The row of the user with this [`repeat_key`] (their newest lockout).
    pub fn row_of_user(&self, feed: &Feed, key: &str) -> Option<usize> {
        self.rows.iter().position(|r| {
            matches!(r.kind, RowKind::User { .. }) && repeat_key(feed.entry(r.entry)) == key
        })
    }

    /// The row of the user a row belongs to (itself, for a user's row).
    pub fn user_row_of(&self, row: usize) -> Option<usize> {
        self.rows[..=row.min(self.rows.len().checked_sub(1)?)]
            .iter()
            .rposition(|r| matches!(r.kind, RowKind::User { .. }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LockoutKind;
    use chrono::{TimeDelta, TimeZone, Utc};

    fn lockout(n: u32, login: &str) -> Lockout {
        let published =
            Utc.with_ymd_and_hms(2026, 3, 2, 14, 0, 0).unwrap() + TimeDelta::seconds(i64::from(n));
        Lockout {
            uuid: format!("uuid-{n}"),
            published,
            detected_at: published,
            kind: LockoutKind::AccountLocked,
            event_type: "user.account.lock".into(),
            reason: "Max sign in attempts exceeded".into(),
            user_id: Some(format!("00u-{login}")),
            login: login.into(),
            display_name: None,
            ip: None,
            city: None,
            state: None,
            country: None,
            browser: None,
            os: None,
            raw_user_agent: None,
            request_id: None,
        }
    }

    /// ada ×3, bob ×1, cy ×2, oldest first.
    fn feed() -> Feed {
        let mut feed = Feed::new(100);
        let logins = ["ada", "bob", "ADA", "cy", "ada", "cy"];
        feed.insert(
            logins
                .iter()
                .enumerate()
                .map(|(n, l)| lockout(n as u32, l))
                .collect(),
            None,
        );
        feed
    }

    fn uuids(feed: &Feed, rows: &FeedRows) -> Vec<String> {
        (0..rows.len())
            .map(|r| feed.entry(rows.get(r).unwrap().entry).uuid.clone())
            .collect()
    }

    #[test]
    fn one_row_per_user_with_their_newest_lockout_and_a_count() {
        let feed = feed();
        let rows = FeedRows::build(&feed, &HashSet::new(), |_| true);
        assert_eq!(uuids(&feed, &rows), ["uuid-5", "uuid-4", "uuid-1"]);
        let counts: Vec<RowKind> = (0..3).map(|r| rows.get(r).unwrap().kind).collect();
        assert_eq!(
            counts,
            [
                RowKind::User {
                    lockouts: 2,
                    expanded: false
                },
                RowKind::User {
                    lockouts: 3,
                    expanded: false
                },
                RowKind::User {
                    lockouts: 1,
                    expanded: false
                },
            ]
        );
    }

    #[test]
    fn an_expanded_user_lists_older_lockouts_beneath_and_a_single_one_does_not_expand() {
        let feed = feed();
        let expanded: HashSet<String> = ["ada".to_string(), "bob".to_string()].into();
        let rows = FeedRows::build(&feed, &expanded, |_| true);
        assert_eq!(
            uuids(&feed, &rows),
            ["uuid-5", "uuid-4", "uuid-2", "uuid-0", "uuid-1"]
        );
        assert_eq!(rows.get(2).unwrap().kind, RowKind::Older);
        assert_eq!(
            rows.get(4).unwrap().kind,
            RowKind::User {
                lockouts: 1,
                expanded: false
            }
        );
        assert_eq!(rows.user_row_of(3), Some(1));
        assert_eq!(rows.user_row_of(1), Some(1));
        assert_eq!(rows.row_of_user(&feed, "ada"), Some(1));
        let ada_oldest = feed.index_of("uuid-0").unwrap();
        assert_eq!(rows.row_of_entry(ada_oldest), Some(3));
    }

    #[test]
    fn keep_sees_each_users_newest_lockout_and_hidden_counts_the_users_left_out() {
        let feed = feed();
        let rows = FeedRows::build(&feed, &HashSet::new(), |l| l.uuid != "uuid-4");
        assert_eq!(uuids(&feed, &rows), ["uuid-5", "uuid-1"]);
        assert_eq!(rows.hidden(), 1);
    }

    #[test]
    fn the_filter_decides_which_lockouts_are_counted() {
        let mut feed = feed();
        feed.set_filter(Some("ada"));
        let rows = FeedRows::build(&feed, &HashSet::new(), |_| true);
        assert_eq!(uuids(&feed, &rows), ["uuid-4"]);
        assert_eq!(
            rows.get(0).unwrap().kind,
            RowKind::User {
                lockouts: 3,
                expanded: false
            }
        );
    }
}
