//! The instructions overlay's keys, and what the dashboard knows of the outbox.

use crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

use super::{App, Effect, UserState, user_key};
use crate::model::User;
use crate::notify::Recipient;
use crate::tui::instruction_picker::{InstructionPicker, PickerStage, PickerTarget};
use crate::tui::keymap::Action;
use crate::tui::notice_board::NoticeBoard;
use crate::tui::user_view::ProfileState;

/// What `i` says when nothing is configured.
pub const NO_INSTRUCTIONS: &str = "No instructions are configured: add [[instructions]] to the config file (see assets/instructions.example.toml)";

impl App {
    /// `i`: the overlay for the open user, else the selected lockout's user.
    pub(super) fn open_picker(&mut self, effects: &mut Vec<Effect>) {
        if self.options.notices.instructions.is_empty() {
            self.message = Some(NO_INSTRUCTIONS.to_string());
            return;
        }
        let target = match (&self.user_view, self.selected_lockout()) {
            (Some(open), _) => PickerTarget {
                key: open.key.clone(),
                login: open.label.clone(),
            },
            (None, Some(lockout)) => PickerTarget {
                key: user_key(lockout).to_string(),
                login: lockout.login.clone(),
            },
            (None, None) => {
                self.message = Some(
                    "No user selected: instructions go to the selected lockout's user or the open user"
                        .to_string(),
                );
                return;
            }
        };
        // The confirm line names the address: have the user read by then.
        if self.user_view.is_none() && !self.users.contains_key(&target.key) {
            self.users.insert(target.key.clone(), UserState::Loading);
            effects.push(Effect::LoadUser(target.key.clone()));
        }
        self.message = None;
        self.picker = Some(InstructionPicker::new(target));
    }

    /// The picker's user as the IdP last showed it, or why it is not known.
    fn picker_user(&self, key: &str) -> Result<&User, String> {
        let from_profile =
            self.user_view
                .as_ref()
                .filter(|u| u.key == key)
                .and_then(|_| match self.profiles.get(key) {
                    Some(ProfileState::Loaded(profile)) => Some(&profile.user),
                    _ => None,
                });
        if let Some(user) = from_profile {
            return Ok(user);
        }
        match self.users.get(key) {
            Some(UserState::Loaded(user)) => Ok(user),
            Some(UserState::Failed(e)) => Err(format!("the user could not be read: {e}")),
            _ => Err("still reading the user's address: Enter again in a moment".to_string()),
        }
    }

    pub(super) fn on_picker_key(
        &mut self,
        action: Action,
        key: KeyEvent,
        effects: &mut Vec<Effect>,
    ) {
        let Some(stage) = self.picker.as_ref().map(|p| p.stage) else {
            return;
        };
        let all = &self.options.notices.instructions;
        match (action, stage) {
            (Action::CloseInstructions, PickerStage::Confirming) => {
                if let Some(p) = &mut self.picker {
                    p.stage = PickerStage::Choosing;
                }
            }
            (Action::CloseInstructions, _) => self.picker = None,
            (Action::ShowHelp, _) => self.show_help(),
            (_, PickerStage::Sending) => {
                if let Some(p) = &mut self.picker {
                    p.note = Some("Queueing in the outbox…".to_string());
                }
            }
            (Action::Up, _) => {
                if let Some(p) = &mut self.picker {
                    p.up();
                    p.stage = PickerStage::Choosing;
                }
            }
            (Action::Down, _) => {
                if let Some(p) = &mut self.picker {
                    p.down(all);
                    p.stage = PickerStage::Choosing;
                }
            }
            (Action::EditInstructionSearch, _) => {
                if let Some(p) = &mut self.picker {
                    let changed = p.query.handle_event(&Event::Key(key));
                    if changed.is_some_and(|c| c.value) {
                        p.searched();
                    }
                    p.stage = PickerStage::Choosing;
                }
            }
            (Action::SendInstruction, PickerStage::Choosing) => self.ask_to_confirm(),
            (Action::SendInstruction, PickerStage::Confirming) => self.send_chosen(effects),
            _ => {}
        }
    }

    /// Enter on a choice: the confirm line, once the user's address is known.
    fn ask_to_confirm(&mut self) {
        let Some(picker) = &self.picker else {
            return;
        };
        let all = &self.options.notices.instructions;
        let note = match (picker.chosen(all), self.picker_user(&picker.target.key)) {
            (None, _) => Some("No instruction matches the search: Backspace widens it".into()),
            (Some(_), Err(why)) => Some(why),
            (Some(_), Ok(user)) if Recipient::from_user(user, false).is_none() => Some(format!(
                "{} has no e-mail address on record: nothing to send to",
                user.login
            )),
            (Some(_), Ok(_)) => None,
        };
        if let Some(p) = &mut self.picker {
            p.stage = if note.is_none() {
                PickerStage::Confirming
            } else {
                PickerStage::Choosing
            };
            p.note = note;
        }
    }

    /// Enter on the confirm line: hand the instruction and the user to the loop.
    fn send_chosen(&mut self, effects: &mut Vec<Effect>) {
        let Some(picker) = &self.picker else {
            return;
        };
        let all = &self.options.notices.instructions;
        let to = self
            .picker_user(&picker.target.key)
            .ok()
            .and_then(|user| Recipient::from_user(user, false));
        let (Some(instruction), Some(to)) = (picker.chosen(all), to) else {
            return self.ask_to_confirm();
        };
        effects.push(Effect::SendInstructions {
            instruction: Box::new(instruction.clone()),
            to,
        });
        if let Some(p) = &mut self.picker {
            p.stage = PickerStage::Sending;
            p.note = None;
        }
    }

    /// The outbox's answer: the overlay closes when it was queued, stays to say why if not.
    pub(super) fn instructions_sent(&mut self, result: Result<String, String>) {
        self.dirty = true;
        match result {
            Ok(text) => {
                self.picker = None;
                self.message = Some(text);
            }
            Err(why) => {
                let text = format!("Instructions NOT queued: {why}");
                if let Some(p) = &mut self.picker {
                    p.stage = PickerStage::Choosing;
                    p.note = Some(text.clone());
                }
                self.message = Some(text);
            }
        }
    }

    /// The instructions overlay, when open.
    pub fn picker(&self) -> Option<&InstructionPicker> {
        self.picker.as_ref()
    }

    /// The confirm line's user: name and the address the instructions go to.
    pub fn picker_recipient(&self) -> Option<Recipient> {
        let picker = self.picker.as_ref()?;
        self.picker_user(&picker.target.key)
            .ok()
            .and_then(|u| Recipient::from_user(u, false))
    }

    /// What the dashboard last read from the outbox.
    pub fn notice_board(&self) -> &NoticeBoard {
        &self.notice_board
    }

    /// The users whose notices the next read of the outbox fetches: those of the rows on
    /// screen and the open user.
    pub fn notice_subjects(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .rows(self.offset, self.page_rows().max(1))
            .filter_map(|l| l.user_id.clone())
            .collect();
        if let Some(open) = &self.user_view {
            ids.push(open.key.clone());
        }
        ids.sort();
        ids.dedup();
        ids
    }
}
