//! The audit screen's state (`a`): the newest records of the local audit log and whether its
//! hash chain holds, loaded in the background, with a selection, an optional detail and the
//! `/` filter over agent, user, ticket, action and outcome.

use crossterm::event::{Event, KeyEvent};

use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::app::scroll_offset;
use crate::audit::{AuditRecord, RecordFilter};

/// Records the screen loads (the newest); `accessdesk audit list` shows them all.
pub const AUDIT_SHOWN: usize = 500;

/// What the background load found.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditSnapshot {
    /// The file, or the team database and chain, the records come from.
    pub place: String,
    /// The newest records, newest first.
    pub records: Vec<AuditRecord>,
    /// Records in the whole log.
    pub total: u64,
    /// `Err`: the first break in the hash chain (or a removed trigger), in a sentence.
    pub chain: Result<(), String>,
    /// Records `1..=N` were checked on an earlier visit and only the newer ones now
    /// (`None`: every record was checked this time).
    pub checked_before: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AuditState {
    Loading,
    Loaded(AuditSnapshot),
    /// The error, phrased for a person.
    Failed(String),
}

/// The audit screen.
#[derive(Debug, Clone)]
pub struct AuditView {
    pub state: AuditState,
    /// A load is on its way (the last answer stays on screen meanwhile).
    pending: bool,
    /// Row among the records shown (after the filter).
    selected: usize,
    offset: usize,
    detail_open: bool,
    /// The `/` filter's text.
    filter: Input,
    /// The filter input has the keys.
    editing: bool,
    /// Positions in the snapshot's records of those the filter keeps, newest first.
    shown: Vec<usize>,
}

impl Default for AuditView {
    /// A screen waiting for its first load.
    fn default() -> Self {
        Self {
            state: AuditState::Loading,
            pending: true,
            selected: 0,
            offset: 0,
            detail_open: false,
            filter: Input::default(),
            editing: false,
            shown: Vec::new(),
        }
    }
}

impl AuditView {
    /// Ask for the log again; `false` when a load is already on its way.
    pub fn reload(&mut self) -> bool {
        !std::mem::replace(&mut self.pending, true)
    }

    pub fn is_pending(&self) -> bool {
        self.pending
    }

    /// Every record loaded, filter or not.
    fn loaded_records(&self) -> &[AuditRecord] {
        match &self.state {
            AuditState::Loaded(snapshot) => &snapshot.records,
            _ => &[],
        }
    }

    /// How many records were loaded, filter or not.
    pub fn loaded_len(&self) -> usize {
        self.loaded_records().len()
    }

    /// How many records the filter keeps (all loaded ones without a filter).
    pub fn len(&self) -> usize {
        self.shown.len()
    }

    pub fn is_empty(&self) -> bool {
        self.shown.is_empty()
    }

    /// The record on row `row` of those shown.
    pub fn record(&self, row: usize) -> Option<&AuditRecord> {
        self.loaded_records().get(*self.shown.get(row)?)
    }

    /// The records shown from row `start`, newest first.
    pub fn records_from(&self, start: usize) -> impl Iterator<Item = &AuditRecord> {
        let records = self.loaded_records();
        self.shown.iter().skip(start).map(move |&i| &records[i])
    }

    /// Take a load's answer, keeping the selection on the same record when it is still there.
    pub fn loaded(&mut self, state: AuditState) {
        let seq = self.selected_record().map(|r| r.seq);
        self.pending = false;
        self.state = state;
        self.apply_filter(seq);
    }

    /// Move the selection to `row` (clamped) and keep it within `rows` visible rows.
    pub fn select(&mut self, row: usize, rows: usize) {
        let len = self.len();
        self.selected = row.min(len.saturating_sub(1));
        self.offset = scroll_offset(self.selected, self.offset, len, rows);
    }

    pub fn selected(&self) -> usize {
        self.selected
    }

    pub fn offset(&self) -> usize {
        self.offset
    }

    pub fn selected_record(&self) -> Option<&AuditRecord> {
        self.record(self.selected)
    }

    pub fn toggle_detail(&mut self) {
        self.detail_open = !self.detail_open;
    }

    pub fn detail_open(&self) -> bool {
        self.detail_open
    }

    /// `/`: give the keys to the filter input, keeping any filter text to change.
    pub fn start_filter(&mut self) {
        self.editing = true;
    }

    /// A key typed into the filter; the records shown follow the text at once.
    pub fn edit_filter(&mut self, key: KeyEvent) {
        let changed = self.filter.handle_event(&Event::Key(key));
        if changed.is_some_and(|c| c.value) {
            let seq = self.selected_record().map(|r| r.seq);
            self.apply_filter(seq);
        }
    }

    /// Enter: keep the filter and give the keys back to the list.
    pub fn keep_filter(&mut self) {
        self.editing = false;
    }

    /// Esc in the filter: no filter, every record again.
    pub fn clear_filter(&mut self) {
        self.editing = false;
        if !self.filter.value().is_empty() {
            let seq = self.selected_record().map(|r| r.seq);
            self.filter.reset();
            self.apply_filter(seq);
        }
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

    /// Recompute the records shown, keeping the selection on record `seq` when it stays.
    fn apply_filter(&mut self, seq: Option<i64>) {
        let filter = RecordFilter::parse(self.filter.value());
        self.shown = self
            .loaded_records()
            .iter()
            .enumerate()
            .filter(|(_, r)| filter.matches(&r.entry))
            .map(|(i, _)| i)
            .collect();
        self.selected = seq
            .and_then(|seq| {
                (0..self.len()).find(|&row| self.record(row).is_some_and(|r| r.seq == seq))
            })
            .unwrap_or(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{AuditEntry, ESCALATION_ACTION, Outcome};
    use crossterm::event::{KeyCode, KeyModifiers};

    fn record(seq: i64, agent: &str, action: &str, login: &str, outcome: Outcome) -> AuditRecord {
        let mut entry = AuditEntry::new(
            "2024-05-01T09:00:00Z".parse().unwrap(),
            agent,
            action,
            outcome,
        );
        entry.target_login = Some(login.into());
        entry.ticket = Some(format!("INC{seq:07}"));
        AuditRecord {
            seq,
            entry,
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    /// Newest first, as the screen loads them.
    fn loaded() -> AuditView {
        let mut view = AuditView::default();
        view.loaded(AuditState::Loaded(AuditSnapshot {
            place: "/tmp/audit.sqlite3".into(),
            records: vec![
                record(
                    5,
                    "dave",
                    ESCALATION_ACTION,
                    "carol@example.com",
                    Outcome::Refused,
                ),
                record(
                    4,
                    "alice",
                    "unlock",
                    "carol@example.com",
                    Outcome::Succeeded,
                ),
                record(
                    3,
                    "alice",
                    "verify_caller",
                    "carol@example.com",
                    Outcome::Refused,
                ),
                record(
                    2,
                    "dave",
                    "reset_password",
                    "bob@example.com",
                    Outcome::Failed,
                ),
                record(1, "alice", "unlock", "bob@example.com", Outcome::Succeeded),
            ],
            total: 5,
            chain: Ok(()),
            checked_before: None,
        }));
        view
    }

    fn type_text(view: &mut AuditView, text: &str) {
        for c in text.chars() {
            view.edit_filter(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
    }

    fn seqs(view: &AuditView) -> Vec<i64> {
        view.records_from(0).map(|r| r.seq).collect()
    }

    #[test]
    fn without_a_filter_every_record_is_shown() {
        let view = loaded();
        assert_eq!(seqs(&view), [5, 4, 3, 2, 1]);
        assert_eq!((view.len(), view.loaded_len()), (5, 5));
        assert_eq!(view.filter(), None);
        assert!(!view.is_editing_filter());
    }

    #[test]
    fn typing_narrows_the_records_as_you_type() {
        let mut view = loaded();
        view.start_filter();
        assert!(view.is_editing_filter());
        type_text(&mut view, "bob");
        assert_eq!(seqs(&view), [2, 1]);
        type_text(&mut view, " unlock");
        assert_eq!(seqs(&view), [1]);
        assert_eq!(view.filter(), Some("bob unlock"));
        assert_eq!(view.loaded_len(), 5);
    }

    #[test]
    fn field_terms_look_in_one_field_only() {
        let mut view = loaded();
        view.start_filter();
        type_text(&mut view, "agent:dave outcome:refused");
        assert_eq!(seqs(&view), [5]);
        view.clear_filter();
        view.start_filter();
        type_text(&mut view, "escalate");
        assert_eq!(seqs(&view), [5]);
    }

    #[test]
    fn the_selection_stays_on_its_record_while_it_matches() {
        let mut view = loaded();
        view.select(3, 10);
        assert_eq!(view.selected_record().unwrap().seq, 2);
        view.start_filter();
        type_text(&mut view, "dave");
        assert_eq!(seqs(&view), [5, 2]);
        assert_eq!(view.selected_record().unwrap().seq, 2, "still on #2");
        type_text(&mut view, " escal");
        assert_eq!(
            view.selected_record().unwrap().seq,
            5,
            "#2 went: the first match"
        );
        view.select(usize::MAX, 10);
        assert_eq!(view.selected(), 0, "clamped to what is shown");
    }

    #[test]
    fn enter_keeps_the_filter_and_esc_clears_it() {
        let mut view = loaded();
        view.start_filter();
        type_text(&mut view, "carol");
        view.keep_filter();
        assert!(!view.is_editing_filter());
        assert_eq!(seqs(&view), [5, 4, 3]);
        // `/` again edits the same text.
        view.start_filter();
        type_text(&mut view, "@");
        assert_eq!(view.filter(), Some("carol@"));
        view.select(2, 10);
        view.clear_filter();
        assert!(!view.is_editing_filter());
        assert_eq!(view.filter(), None);
        assert_eq!(seqs(&view), [5, 4, 3, 2, 1]);
        assert_eq!(
            view.selected_record().unwrap().seq,
            3,
            "the selection stays"
        );
    }

    #[test]
    fn no_match_shows_nothing_and_a_reload_keeps_the_filter() {
        let mut view = loaded();
        view.start_filter();
        type_text(&mut view, "nobody");
        assert!(view.is_empty());
        assert_eq!(view.selected_record(), None);
        view.clear_filter();
        view.start_filter();
        type_text(&mut view, "bob");
        assert!(view.reload());
        let state = loaded().state;
        view.loaded(state);
        assert_eq!(seqs(&view), [2, 1], "the filter applies to the new load");
    }
}
