//! The desk's stages as each table's `state` choices: incidents use 1 New … 8 Canceled;
//! requested items inherit task's -5 Pending, 1 Open, 2 Work in Progress, 3 Closed Complete,
//! 4 Closed Incomplete, 7 Closed Skipped.

use crate::sim::tickets::desk::{Kind, Stage};

/// `(code, label)` of a stage in a table.
pub(super) fn state_of(kind: Kind, stage: Stage) -> (&'static str, &'static str) {
    match kind {
        Kind::Incident => (stage.servicenow_code(), stage.servicenow_label()),
        Kind::RequestedItem => match stage {
            Stage::New => ("1", "Open"),
            Stage::InProgress => ("2", "Work in Progress"),
            Stage::OnHold => ("-5", "Pending"),
            Stage::Resolved | Stage::Closed => ("3", "Closed Complete"),
            Stage::Canceled => ("4", "Closed Incomplete"),
        },
    }
}

/// The stage a written `state` (a code, or its label) stands for.
pub(super) fn stage_from(kind: Kind, written: &str) -> Option<Stage> {
    let written = written.trim();
    let stages = [
        Stage::New,
        Stage::InProgress,
        Stage::OnHold,
        Stage::Resolved,
        Stage::Closed,
        Stage::Canceled,
    ];
    if kind == Kind::RequestedItem && written == "7" {
        return Some(Stage::Canceled);
    }
    stages.into_iter().find(|s| {
        let (code, label) = state_of(kind, *s);
        // Resolved and Closed share an item's "Closed Complete": writing it closes.
        (code == written || label.eq_ignore_ascii_case(written))
            && !(kind == Kind::RequestedItem && *s == Stage::Resolved)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_per_table() {
        assert_eq!(state_of(Kind::Incident, Stage::Resolved), ("6", "Resolved"));
        assert_eq!(stage_from(Kind::Incident, "6"), Some(Stage::Resolved));
        assert_eq!(stage_from(Kind::Incident, "on hold"), Some(Stage::OnHold));
        assert_eq!(stage_from(Kind::Incident, "42"), None);
        assert_eq!(stage_from(Kind::RequestedItem, "3"), Some(Stage::Closed));
        assert_eq!(stage_from(Kind::RequestedItem, "-5"), Some(Stage::OnHold));
        assert_eq!(stage_from(Kind::RequestedItem, "7"), Some(Stage::Canceled));
        assert_eq!(state_of(Kind::RequestedItem, Stage::New).1, "Open");
    }
}
