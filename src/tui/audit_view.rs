//! The audit screen's state (`a`): the newest records of the local audit log and whether its
//! hash chain holds, loaded in the background, with a selection and an optional detail.

use std::path::PathBuf;

use super::app::scroll_offset;
use crate::audit::AuditRecord;

/// Records the screen loads (the newest); `accessdesk audit list` shows them all.
pub const AUDIT_SHOWN: usize = 500;

/// What the background load found.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditSnapshot {
    pub path: PathBuf,
    /// The newest records, newest first.
    pub records: Vec<AuditRecord>,
    /// Records in the whole log.
    pub total: u64,
    /// `Err`: the first break in the hash chain (or a removed trigger), in a sentence.
    pub chain: Result<(), String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AuditState {
    Loading,
    Loaded(AuditSnapshot),
    /// The error, phrased for a person.
    Failed(String),
}

/// The audit screen.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditView {
    pub state: AuditState,
    /// A load is on its way (the last answer stays on screen meanwhile).
    pending: bool,
    selected: usize,
    offset: usize,
    detail_open: bool,
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

    pub fn records(&self) -> &[AuditRecord] {
        match &self.state {
            AuditState::Loaded(snapshot) => &snapshot.records,
            _ => &[],
        }
    }

    /// Take a load's answer, keeping the selection on the same record when it is still there.
    pub fn loaded(&mut self, state: AuditState) {
        let seq = self.selected_record().map(|r| r.seq);
        self.pending = false;
        self.state = state;
        self.selected = seq
            .and_then(|seq| self.records().iter().position(|r| r.seq == seq))
            .unwrap_or(0);
    }

    /// Move the selection to `row` (clamped) and keep it within `rows` visible rows.
    pub fn select(&mut self, row: usize, rows: usize) {
        let len = self.records().len();
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
        self.records().get(self.selected)
    }

    pub fn toggle_detail(&mut self) {
        self.detail_open = !self.detail_open;
    }

    pub fn detail_open(&self) -> bool {
        self.detail_open
    }
}
