//! The expiries screen's state (`e`): which tab, the sort, the `/` filter, the selection and
//! scroll of each tab, whether the detail is open, and the rows' order — rebuilt only when
//! the scan, the filter, the sort or the set of expired users changes, never per frame.

use chrono::{DateTime, Utc};
use crossterm::event::{Event, KeyEvent};
use std::sync::Arc;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::data::ScanData;
use super::order::{ContractorLine, RowFilter, SortBy, contractor_lines, password_order};
use crate::model::{ContractorExpiryRow, ExpiryScan, PasswordExpiryRow};
use crate::tui::app::scroll_offset;
use crate::tui::user_view::OpenUser;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Tab {
    #[default]
    Passwords,
    Contractors,
}

impl Tab {
    pub fn other(self) -> Self {
        match self {
            Tab::Passwords => Tab::Contractors,
            Tab::Contractors => Tab::Passwords,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Tab::Passwords => "Passwords",
            Tab::Contractors => "Contractors",
        }
    }
}

/// A tab's selected line and first line on screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct ListPos {
    selected: usize,
    offset: usize,
}

/// What the rows were last ordered for: the scan's generation, the filter and sort, and how
/// many users were expired (a user whose password expires moves to the top).
type Built = (u64, RowFilter, SortBy, usize);

/// The expiries screen.
#[derive(Debug, Clone, Default)]
pub struct ExpiriesView {
    tab: Tab,
    sort: SortBy,
    filter: Input,
    editing: bool,
    detail_open: bool,
    /// Positions in the scan's passwords, in display order.
    passwords: Vec<usize>,
    contractors: Vec<ContractorLine>,
    password_pos: ListPos,
    contractor_pos: ListPos,
    built: Option<Built>,
    /// The scan the order was built on (the positions above point into it).
    scan: Option<Arc<ExpiryScan>>,
}

fn expired_count(scan: Option<&ExpiryScan>, now: DateTime<Utc>) -> usize {
    scan.map_or(0, |s| {
        s.passwords.iter().filter(|r| r.is_expired(now)).count()
    })
}

impl ExpiriesView {
    /// The screen over `data` as it is at `now`.
    pub fn new(data: &ScanData, now: DateTime<Utc>) -> Self {
        let mut view = Self::default();
        view.refresh(data, now);
        view
    }

    /// Reorder the rows if what they were ordered for changed, keeping each tab's selection
    /// on its user while that user is still shown.
    pub fn refresh(&mut self, data: &ScanData, now: DateTime<Utc>) {
        let filter = RowFilter::parse(self.filter.value());
        let key = (
            data.generation(),
            filter.clone(),
            self.sort,
            expired_count(data.scan(), now),
        );
        if self.built.as_ref() == Some(&key) {
            return;
        }
        let keep_password = self.selected_password().map(|r| r.user_id.clone());
        let keep_contractor = self.selected_contractor().map(|r| r.user_id.clone());
        self.scan = data.shared();
        self.built = Some(key);
        let empty = ExpiryScan::default();
        let scan = self.scan.as_deref().unwrap_or(&empty);
        self.passwords = password_order(&scan.passwords, &filter, self.sort, now);
        self.contractors = contractor_lines(&scan.contractors, &filter);
        let password_row = keep_password
            .and_then(|id| {
                self.passwords
                    .iter()
                    .position(|&i| scan.passwords[i].user_id == id)
            })
            .unwrap_or(0);
        let contractor_line = keep_contractor
            .and_then(|id| {
                self.contractors.iter().position(|l| {
                    matches!(l, ContractorLine::Contractor(i) if scan.contractors[*i].user_id == id)
                })
            })
            .unwrap_or(0);
        self.password_pos.selected = password_row;
        self.contractor_pos.selected = self.nearest_contractor(contractor_line, true);
    }

    /// The scan the rows are ordered from.
    pub fn scan(&self) -> Option<&ExpiryScan> {
        self.scan.as_deref()
    }

    pub fn tab(&self) -> Tab {
        self.tab
    }

    pub fn set_tab(&mut self, tab: Tab) {
        self.tab = tab;
    }

    pub fn sort(&self) -> SortBy {
        self.sort
    }

    /// `s`: the next sort (the rows follow on the next refresh).
    pub fn cycle_sort(&mut self) {
        self.sort = self.sort.next();
    }

    pub fn detail_open(&self) -> bool {
        self.detail_open
    }

    pub fn toggle_detail(&mut self) {
        self.detail_open = !self.detail_open;
    }

    pub fn close_detail(&mut self) {
        self.detail_open = false;
    }

    // ---- the filter ----

    pub fn start_filter(&mut self) {
        self.editing = true;
    }

    /// A key typed into the filter (the rows follow on the next refresh).
    pub fn edit_filter(&mut self, key: KeyEvent) {
        self.filter.handle_event(&Event::Key(key));
    }

    pub fn keep_filter(&mut self) {
        self.editing = false;
    }

    pub fn clear_filter(&mut self) {
        self.editing = false;
        self.filter.reset();
    }

    pub fn is_editing_filter(&self) -> bool {
        self.editing
    }

    /// The filter in force (trimmed), if any.
    pub fn filter(&self) -> Option<&str> {
        Some(self.filter.value().trim()).filter(|f| !f.is_empty())
    }

    pub fn filter_input(&self) -> &Input {
        &self.filter
    }

    // ---- rows and the selection ----

    /// Positions in the scan's passwords, in display order.
    pub fn password_rows(&self) -> &[usize] {
        &self.passwords
    }

    /// The Contractors tab's lines.
    pub fn contractor_lines(&self) -> &[ContractorLine] {
        &self.contractors
    }

    /// Lines of the open tab.
    pub fn len(&self) -> usize {
        match self.tab {
            Tab::Passwords => self.passwords.len(),
            Tab::Contractors => self.contractors.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn pos(&self) -> ListPos {
        match self.tab {
            Tab::Passwords => self.password_pos,
            Tab::Contractors => self.contractor_pos,
        }
    }

    /// The open tab's selected line.
    pub fn selected(&self) -> usize {
        self.pos().selected
    }

    /// The open tab's first line on screen, for a window of `rows` lines.
    pub fn offset(&self, rows: usize) -> usize {
        let pos = self.pos();
        self.offset_for(pos.selected, pos.offset, rows)
    }

    /// The first line to show so that `selected` is visible, moving `offset` as little as
    /// possible; a group's first contractor shows with its group line when there is room.
    fn offset_for(&self, selected: usize, offset: usize, rows: usize) -> usize {
        let mut offset = scroll_offset(selected, offset, self.len(), rows);
        if self.tab == Tab::Contractors
            && rows > 1
            && offset == selected
            && offset > 0
            && matches!(
                self.contractors.get(offset - 1),
                Some(ContractorLine::Group(_))
            )
        {
            offset -= 1;
        }
        offset
    }

    /// The contractor line at or after `line` (`forward`), else the nearest before it.
    fn nearest_contractor(&self, line: usize, forward: bool) -> usize {
        let is_row = |i: &usize| {
            matches!(
                self.contractors.get(*i),
                Some(ContractorLine::Contractor(_))
            )
        };
        let len = self.contractors.len();
        let line = line.min(len.saturating_sub(1));
        let after = (line..len).find(is_row);
        let before = (0..=line).rev().find(is_row);
        let found = if forward {
            after.or(before)
        } else {
            before.or(after)
        };
        found.unwrap_or(0)
    }

    /// Move the selection to `line` (clamped; on Contractors, onto a contractor, searching
    /// `forward` or back) and keep it within `rows` visible lines.
    pub fn select(&mut self, line: usize, forward: bool, rows: usize) {
        let line = line.min(self.len().saturating_sub(1));
        let line = match self.tab {
            Tab::Passwords => line,
            Tab::Contractors => self.nearest_contractor(line, forward),
        };
        let offset = self.offset_for(line, self.pos().offset, rows);
        self.set_selected(line);
        match self.tab {
            Tab::Passwords => self.password_pos.offset = offset,
            Tab::Contractors => self.contractor_pos.offset = offset,
        }
    }

    fn set_selected(&mut self, line: usize) {
        match self.tab {
            Tab::Passwords => self.password_pos.selected = line,
            Tab::Contractors => self.contractor_pos.selected = line,
        }
    }

    /// The selected password row.
    pub fn selected_password(&self) -> Option<&PasswordExpiryRow> {
        let i = *self.passwords.get(self.password_pos.selected)?;
        self.scan()?.passwords.get(i)
    }

    /// The selected contractor (none while a group line would be).
    pub fn selected_contractor(&self) -> Option<&ContractorExpiryRow> {
        match self.contractors.get(self.contractor_pos.selected)? {
            ContractorLine::Contractor(i) => self.scan()?.contractors.get(*i),
            ContractorLine::Group(_) => None,
        }
    }

    /// The open tab's selected user, as the user screen and the dialog open them.
    pub fn selected_user(&self) -> Option<OpenUser> {
        let (key, label) = match self.tab {
            Tab::Passwords => self
                .selected_password()
                .map(|r| (r.user_id.clone(), r.login.clone()))?,
            Tab::Contractors => self
                .selected_contractor()
                .map(|r| (r.user_id.clone(), r.login.clone()))?,
        };
        Some(OpenUser { key, label })
    }
}
