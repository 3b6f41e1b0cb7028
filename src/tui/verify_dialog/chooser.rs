//! The factor chooser of an MFA reset in "choose" mode: which factors go. Ticking an Okta
//! Verify push shows its code and FastPass as going too, because Okta removes them together.

use super::VerifyDialog;
use super::keys::DialogAction;
use super::state::{Purpose, Request, Step};
use crate::model::Action;

impl VerifyDialog {
    pub(super) fn on_chooser_action(&mut self, action: DialogAction) -> Vec<Request> {
        let count = self.factors.len();
        let Step::ChooseFactors { chosen, cursor } = &mut self.step else {
            return Vec::new();
        };
        match action {
            DialogAction::ChooserUp | DialogAction::ChooserDown if count < 2 => {
                self.notice = Some(format!("{} has only this factor", self.target.login));
            }
            DialogAction::ChooserUp => *cursor = (*cursor + count - 1) % count,
            DialogAction::ChooserDown => *cursor = (*cursor + 1) % count,
            DialogAction::ToggleFactor => {
                let Some(factor) = self.factors.get(*cursor).cloned() else {
                    return Vec::new();
                };
                if chosen.remove(&factor.id) {
                    return Vec::new();
                }
                if let Some(by) = self.taken_along_by(&factor) {
                    self.notice = Some(format!(
                        "{} goes with {} anyway (Okta removes them together): untick that to keep it",
                        self.name(&factor),
                        self.name(by)
                    ));
                    return Vec::new();
                }
                if let Step::ChooseFactors { chosen, .. } = &mut self.step {
                    chosen.insert(factor.id);
                }
            }
            DialogAction::ChooserContinue if chosen.is_empty() => {
                let toggle = self.key_for(DialogAction::ToggleFactor).unwrap_or("Space");
                let cancel = self.key_for(DialogAction::Close).unwrap_or("Esc");
                self.notice = Some(format!(
                    "Nothing is ticked: {toggle} ticks the factor under the cursor, {cancel} cancels"
                ));
            }
            DialogAction::ChooserContinue => {
                // In the order the user's factors are listed.
                let factor_ids = self
                    .factors
                    .iter()
                    .filter(|f| chosen.contains(&f.id))
                    .map(|f| f.id.clone())
                    .collect();
                self.purpose = Purpose::Act(Action::ResetFactors { factor_ids });
                self.step = Step::Verify;
            }
            DialogAction::Close => return vec![Request::Close],
            DialogAction::Escalate => self.escalating = true,
            _ => {}
        }
        Vec::new()
    }
}
