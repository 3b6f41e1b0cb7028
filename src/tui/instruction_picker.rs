//! The instructions overlay (`i`): search the configured `[[instructions]]` by typing, choose
//! one with ↑/↓, Enter asks to confirm (naming the user and the address), Enter again sends it
//! through the outbox. Only state here; the keys are in `app`, the drawing in `panes`.

use tui_input::Input;

use crate::notify::Instruction;

/// Who the instructions go to: the user selected when `i` was pressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickerTarget {
    /// The user cache's key (id, else login).
    pub key: String,
    pub login: String,
}

/// Where the overlay is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerStage {
    /// Typing the search and choosing.
    Choosing,
    /// "Send … to … at …? Enter sends · Esc back".
    Confirming,
    /// Handed to the outbox, waiting for its answer.
    Sending,
}

#[derive(Debug, Clone)]
pub struct InstructionPicker {
    pub target: PickerTarget,
    pub query: Input,
    /// Index into [`InstructionPicker::matching`].
    pub selected: usize,
    pub stage: PickerStage,
    /// Why Enter did nothing (no match, the address not known yet), shown in the overlay.
    pub note: Option<String>,
}

impl InstructionPicker {
    pub fn new(target: PickerTarget) -> Self {
        Self {
            target,
            query: Input::default(),
            selected: 0,
            stage: PickerStage::Choosing,
            note: None,
        }
    }

    /// The instructions the search keeps, in configuration order.
    pub fn matching<'a>(&self, all: &'a [Instruction]) -> Vec<&'a Instruction> {
        all.iter()
            .filter(|i| i.matches(self.query.value()))
            .collect()
    }

    /// The chosen instruction, if the search keeps any.
    pub fn chosen<'a>(&self, all: &'a [Instruction]) -> Option<&'a Instruction> {
        let matching = self.matching(all);
        matching
            .get(self.selected.min(matching.len().saturating_sub(1)))
            .copied()
    }

    pub fn up(&mut self) {
        self.selected = self.selected.saturating_sub(1);
    }

    pub fn down(&mut self, all: &[Instruction]) {
        let last = self.matching(all).len().saturating_sub(1);
        self.selected = (self.selected + 1).min(last);
    }

    /// The search changed: back to the first match.
    pub fn searched(&mut self) {
        self.selected = 0;
        self.note = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::Problem;

    fn instruction(id: &str, system: &str, problem: Problem) -> Instruction {
        Instruction {
            id: id.into(),
            system: system.into(),
            problem,
            title: format!("{system} {}", problem.as_str()),
            steps: vec!["Do it".into()],
            kb_url: None,
        }
    }

    #[test]
    fn the_search_narrows_and_the_choice_stays_within_it() {
        let all = [
            instruction("okta-unlock", "Okta", Problem::Unlock),
            instruction("okta-password", "Okta", Problem::Password),
            instruction("vpn-unlock", "VPN", Problem::Unlock),
        ];
        let mut picker = InstructionPicker::new(PickerTarget {
            key: "00u1".into(),
            login: "dana".into(),
        });
        assert_eq!(picker.matching(&all).len(), 3);
        picker.down(&all);
        picker.down(&all);
        picker.down(&all);
        assert_eq!(picker.chosen(&all).unwrap().id, "vpn-unlock");
        picker.query = Input::new("unlock".into());
        picker.searched();
        assert_eq!(picker.chosen(&all).unwrap().id, "okta-unlock");
        picker.down(&all);
        assert_eq!(picker.chosen(&all).unwrap().id, "vpn-unlock");
        picker.up();
        picker.up();
        assert_eq!(picker.chosen(&all).unwrap().id, "okta-unlock");
        picker.query = Input::new("payroll".into());
        picker.searched();
        assert!(picker.chosen(&all).is_none());
    }
}
