//! The lockout feed as data: the newest lockouts up to a capacity, each once (by uuid), sorted
//! by when the IdP logged them, with per-login repeat counts and the lockouts a filter keeps,
//! numbered newest first. What the table shows of them (one row per user, handled marks) is in
//! [`rows`] and [`marks`].

pub mod bursts;
pub mod claims;
pub mod marks;
pub mod rows;

use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};

use crate::model::Lockout;

/// Lockouts of the same user share this key: the login, in any case.
pub fn repeat_key(lockout: &Lockout) -> String {
    lockout.login.to_lowercase()
}

/// One lockout, with the lower-cased text the filter searches.
#[derive(Debug)]
struct Entry {
    lockout: Lockout,
    haystack: String,
}

impl Entry {
    fn new(lockout: Lockout) -> Self {
        let l = &lockout;
        let fields = [
            Some(l.login.as_str()),
            l.display_name.as_deref(),
            l.ip.as_deref(),
            l.city.as_deref(),
            l.state.as_deref(),
            l.country.as_deref(),
            Some(l.reason.as_str()),
        ];
        // A separator no one types, so a match never spans two fields.
        let haystack = fields
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("\u{1f}")
            .to_lowercase();
        Self { lockout, haystack }
    }
}

#[derive(Debug)]
pub struct Feed {
    capacity: usize,
    /// Oldest first, sorted by `published`.
    entries: Vec<Entry>,
    uuids: HashSet<String>,
    /// Lockouts held per lower-cased login.
    repeats: HashMap<String, usize>,
    /// With a filter: indices into `entries` of the matching lockouts, newest first.
    matches: Option<Vec<usize>>,
    /// Changes whenever the lockouts or the filter's matches change.
    generation: u64,
}

impl Feed {
    /// A feed that keeps the newest `capacity` lockouts (at least one).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            entries: Vec::new(),
            uuids: HashSet::new(),
            repeats: HashMap::new(),
            matches: None,
            generation: 0,
        }
    }

    /// Add new lockouts (skipping known uuids), keep the feed sorted and bounded, and apply
    /// `filter` again. Returns whether anything was added.
    pub fn insert(&mut self, lockouts: Vec<Lockout>, filter: Option<&str>) -> bool {
        let mut added = false;
        let mut unsorted = false;
        for lockout in lockouts {
            if !self.uuids.insert(lockout.uuid.clone()) {
                continue;
            }
            *self.repeats.entry(repeat_key(&lockout)).or_insert(0) += 1;
            unsorted |= self
                .entries
                .last()
                .is_some_and(|last| last.lockout.published > lockout.published);
            self.entries.push(Entry::new(lockout));
            added = true;
        }
        if unsorted {
            // Stable: lockouts published at the same instant keep their arrival order.
            self.entries.sort_by_key(|e| e.lockout.published);
        }
        if self.entries.len() > self.capacity {
            let excess = self.entries.len() - self.capacity;
            for evicted in self.entries.drain(..excess) {
                self.uuids.remove(&evicted.lockout.uuid);
                let key = repeat_key(&evicted.lockout);
                if let Some(count) = self.repeats.get_mut(&key) {
                    *count -= 1;
                    if *count == 0 {
                        self.repeats.remove(&key);
                    }
                }
            }
        }
        if added {
            self.set_filter(filter);
        }
        added
    }

    /// Keep only the lockouts whose login, name, IP, place or reason contain `filter`
    /// (any case); `None` keeps them all.
    pub fn set_filter(&mut self, filter: Option<&str>) {
        self.generation += 1;
        self.matches = filter.map(|needle| {
            let needle = needle.to_lowercase();
            self.entries
                .iter()
                .enumerate()
                .rev()
                .filter(|(_, e)| e.haystack.contains(&needle))
                .map(|(i, _)| i)
                .collect()
        });
    }

    /// Changes whenever the lockouts or the filter's matches change.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Indices of the lockouts the filter keeps, newest first (see [`Feed::entry`]). They
    /// stay valid until the next [`Feed::insert`].
    pub fn shown(&self) -> Box<dyn Iterator<Item = usize> + '_> {
        match &self.matches {
            Some(matches) => Box::new(matches.iter().copied()),
            None => Box::new((0..self.entries.len()).rev()),
        }
    }

    /// The lockout at an index from [`Feed::shown`].
    pub fn entry(&self, index: usize) -> &Lockout {
        &self.entries[index].lockout
    }

    /// The index of the lockout with this uuid, filter or not.
    pub fn index_of(&self, uuid: &str) -> Option<usize> {
        self.entries.iter().rposition(|e| e.lockout.uuid == uuid)
    }

    /// Rows shown (after the filter).
    pub fn len(&self) -> usize {
        self.matches
            .as_ref()
            .map_or(self.entries.len(), |matches| matches.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Lockouts held, filter or not.
    pub fn total(&self) -> usize {
        self.entries.len()
    }

    /// How many lockouts held are for this lockout's login.
    pub fn repeats(&self, lockout: &Lockout) -> usize {
        self.repeats.get(&repeat_key(lockout)).copied().unwrap_or(0)
    }

    /// Every lockout held published at or after `horizon`, oldest first (filter or not).
    pub fn since(&self, horizon: DateTime<Utc>) -> impl Iterator<Item = &Lockout> {
        let start = self
            .entries
            .partition_point(|e| e.lockout.published < horizon);
        self.entries[start..].iter().map(|e| &e.lockout)
    }
}
