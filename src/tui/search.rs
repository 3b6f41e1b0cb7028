//! Directory search from the filter box: which query is in flight, the last answer, and the
//! selected match. Each query gets a new sequence number so that a late answer to an older
//! query is dropped. The last answer stays on screen while a newer query runs, so the list does
//! not flicker as the agent types.

use crate::model::User;

/// Shorter filters do not search the directory.
pub const MIN_QUERY_CHARS: usize = 2;
/// Matches asked for and shown.
pub const MAX_MATCHES: usize = 8;

/// The directory search behind the filter box.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DirectorySearch {
    seq: u64,
    query: String,
    searching: bool,
    /// The latest answer taken: the matches, or the error phrased for a person.
    answer: Option<Result<Vec<User>, String>>,
    selected: usize,
}

impl DirectorySearch {
    /// Follow the filter text. Returns `(query, seq)` when the directory must be asked.
    pub fn set_query(&mut self, text: &str) -> Option<(String, u64)> {
        let text = text.trim();
        if text == self.query {
            return None;
        }
        self.seq += 1;
        self.query = text.to_string();
        if text.chars().count() < MIN_QUERY_CHARS {
            self.searching = false;
            self.answer = None;
            self.selected = 0;
            return None;
        }
        self.searching = true;
        Some((self.query.clone(), self.seq))
    }

    /// Take an answer; answers to any query but the latest are ignored. Returns whether it
    /// was taken.
    pub fn answer(&mut self, seq: u64, result: Result<Vec<User>, String>) -> bool {
        if seq != self.seq || !self.searching {
            return false;
        }
        self.searching = false;
        self.answer = Some(result.map(|mut users| {
            users.truncate(MAX_MATCHES);
            users
        }));
        self.selected = 0;
        true
    }

    /// The query being (or last) searched.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// A query is waiting for its answer.
    pub fn is_searching(&self) -> bool {
        self.searching
    }

    /// The latest answer, if any came for the current text.
    pub fn latest(&self) -> Option<&Result<Vec<User>, String>> {
        self.answer.as_ref()
    }

    pub fn matches(&self) -> &[User] {
        match &self.answer {
            Some(Ok(users)) => users,
            _ => &[],
        }
    }

    pub fn selected(&self) -> usize {
        self.selected
    }

    pub fn selected_match(&self) -> Option<&User> {
        self.matches().get(self.selected)
    }

    /// Move the selection; clamps to the matches.
    pub fn select(&mut self, index: usize) {
        self.selected = index.min(self.matches().len().saturating_sub(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::UserStatus;

    fn user(login: &str) -> User {
        User::sample(&format!("00u-{login}"), login, UserStatus::Active)
    }

    #[test]
    fn short_text_does_not_search_and_cancels_the_query_in_flight() {
        let mut search = DirectorySearch::default();
        assert_eq!(search.set_query("a"), None);
        assert!(!search.is_searching());
        assert_eq!(search.set_query("al"), Some(("al".into(), 2)));
        assert!(search.is_searching());
        assert_eq!(search.set_query("al "), None, "same query once trimmed");
        assert_eq!(search.set_query("a"), None);
        assert!(!search.answer(2, Ok(vec![user("alice")])));
        assert_eq!(search.latest(), None);
    }

    #[test]
    fn only_the_latest_query_is_answered_and_matches_are_capped() {
        let mut search = DirectorySearch::default();
        let (_, first) = search.set_query("al").unwrap();
        let (_, second) = search.set_query("ali").unwrap();
        assert!(!search.answer(first, Ok(vec![user("alan")])));
        assert!(search.is_searching());
        assert_eq!(search.latest(), None);
        let many = (0..12).map(|n| user(&format!("alice{n}"))).collect();
        assert!(search.answer(second, Ok(many)));
        assert_eq!(search.matches().len(), MAX_MATCHES);
        assert!(!search.answer(second, Ok(Vec::new())), "answered once");
        search.select(99);
        assert_eq!(search.selected(), MAX_MATCHES - 1);
    }

    #[test]
    fn the_last_answer_stays_while_a_longer_query_runs() {
        let mut search = DirectorySearch::default();
        let (_, seq) = search.set_query("al").unwrap();
        search.answer(seq, Ok(vec![user("alice")]));
        search.set_query("ali").unwrap();
        assert!(search.is_searching());
        assert_eq!(search.matches().len(), 1);
    }
}
