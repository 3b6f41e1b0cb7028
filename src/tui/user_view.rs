//! The user screen's state: which user is open, the profiles fetched so far, and how far its
//! factors and activity are scrolled.

use crate::services::user_profile::UserProfile;

/// A cached profile lookup.
#[derive(Debug, Clone, PartialEq)]
pub enum ProfileState {
    Loading,
    Loaded(Box<UserProfile>),
    /// The error and its hint, phrased for a person.
    Failed(String),
}

/// The user on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenUser {
    /// What the profile is fetched and cached under: the IdP's id, else the login.
    pub key: String,
    /// What the agent knows the user by while the profile loads (the login).
    pub label: String,
}

/// The user screen's scrolling lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum UserPane {
    Factors,
    /// The longer one, so it has the keys first.
    #[default]
    Activity,
}

/// Which list the scrolling keys move, and the first row each shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UserScroll {
    pub focus: UserPane,
    pub factors: usize,
    pub activity: usize,
}

impl UserScroll {
    /// Tab: the other list.
    pub fn switch(&mut self) {
        self.focus = match self.focus {
            UserPane::Factors => UserPane::Activity,
            UserPane::Activity => UserPane::Factors,
        };
    }

    /// Move the focused list to first row `to` (clamped so the last page stays full), given
    /// `(rows, visible)` of each list: factors, then activity.
    pub fn scroll_to(&mut self, to: isize, factors: (usize, usize), activity: (usize, usize)) {
        let (offset, (rows, visible)) = match self.focus {
            UserPane::Factors => (&mut self.factors, factors),
            UserPane::Activity => (&mut self.activity, activity),
        };
        let last = rows.saturating_sub(visible.max(1));
        *offset = usize::try_from(to.max(0)).unwrap_or(0).min(last);
    }

    /// The focused list's first row.
    pub fn offset(&self) -> usize {
        match self.focus {
            UserPane::Factors => self.factors,
            UserPane::Activity => self.activity,
        }
    }
}

/// "12–24 of 40": the rows on screen of a scrolled list (1-based, inclusive).
pub fn position(offset: usize, visible: usize, rows: usize) -> String {
    if rows == 0 {
        return "0 of 0".to_string();
    }
    if visible == 0 {
        // Too short a terminal to show any: say so, not "1–1".
        return format!("none shown of {rows}");
    }
    let first = offset.min(rows - 1) + 1;
    let last = (offset + visible).min(rows).max(first);
    format!("{first}–{last} of {rows}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrolling_moves_the_focused_list_within_its_rows() {
        let mut scroll = UserScroll::default();
        scroll.scroll_to(5, (4, 4), (40, 12));
        assert_eq!((scroll.factors, scroll.activity), (0, 5));
        scroll.scroll_to(100, (4, 4), (40, 12));
        assert_eq!(scroll.activity, 28, "the last page stays full");
        scroll.scroll_to(-3, (4, 4), (40, 12));
        assert_eq!(scroll.activity, 0);
        scroll.switch();
        scroll.scroll_to(3, (6, 4), (40, 12));
        assert_eq!((scroll.factors, scroll.offset()), (2, 2));
    }

    #[test]
    fn positions_read_like_a_range() {
        assert_eq!(position(11, 13, 40), "12–24 of 40");
        assert_eq!(position(0, 13, 5), "1–5 of 5");
        assert_eq!(position(0, 3, 0), "0 of 0");
        assert_eq!(position(0, 0, 20), "none shown of 20");
    }
}
