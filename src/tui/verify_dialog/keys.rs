//! What the dialog's keys do: the keymap turns a key into a [`DialogAction`] for the focused
//! context ([`VerifyDialog::context`]), and this file carries it out. Text editing is the one
//! thing that takes the raw key ([`VerifyDialog::on_text`]), for tui-input.

use chrono::{DateTime, Utc};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_input::backend::crossterm::EventHandler;

use super::VerifyDialog;
use super::state::{Focus, Purpose, Request, Step};
use crate::policy::gate::{self, GatePolicy, Refusal};
use crate::tui::keymap::Context;

/// What a key asks of the dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DialogAction {
    /// Tick or untick checklist item `n` (0-based).
    Tick(u8),
    /// Push to the user's own Okta Verify.
    Push,
    /// Push to the manager's Okta Verify.
    ManagerPush,
    /// A one-time code from the user's next code factor.
    Code,
    /// Check the code typed in the code field.
    CheckCode,
    /// Open the escalation prompt.
    Escalate,
    /// In the escalation prompt: write it.
    RecordEscalation,
    /// In the escalation prompt: back to the dialog.
    CancelEscalation,
    /// Tab: the next field, every one in turn.
    NextField,
    /// Shift-Tab: the previous field.
    PrevField,
    /// Enter on a field: the next field the gate still needs, else the button.
    Continue,
    /// Enter on the button: Confirm runs the action, Done closes the check.
    Confirm,
    /// Esc: close the dialog, withdrawing a push in flight.
    Close,
    /// A key for the focused text field.
    Text,
    /// The chooser's cursor up (wrapping).
    ChooserUp,
    /// The chooser's cursor down (wrapping).
    ChooserDown,
    /// Tick or untick the factor under the chooser's cursor.
    ToggleFactor,
    /// Continue with the ticked factors.
    ChooserContinue,
}

/// The Tab order.
const CYCLE: [Focus; 5] = [
    Focus::Checklist,
    Focus::Ticket,
    Focus::Note,
    Focus::Code,
    Focus::Button,
];

impl VerifyDialog {
    /// The keymap context of the focused element.
    pub fn context(&self) -> Context {
        if self.escalating {
            return Context::DialogEscalate;
        }
        if let Step::ChooseFactors { .. } = self.step {
            return Context::DialogChooser;
        }
        match self.focus {
            Focus::Checklist => Context::DialogChecklist,
            Focus::Ticket | Focus::Note => Context::DialogField,
            Focus::Code => Context::DialogCode,
            Focus::Button if self.purpose == Purpose::VerifyCaller => Context::DialogDone,
            Focus::Button => Context::DialogConfirm,
        }
    }

    /// Carry out one dialog action. The notice from the previous key is cleared first.
    pub fn on_action(
        &mut self,
        action: DialogAction,
        policy: &GatePolicy,
        now: DateTime<Utc>,
    ) -> Vec<Request> {
        self.notice = None;
        let requests = self.act(action, policy, now);
        self.refresh(policy, now);
        requests
    }

    /// A key for the focused text field. Keys with Alt or Ctrl are never text (tui-input
    /// ignores them, except Ctrl-U and its other editing keys).
    pub fn on_text(&mut self, key: KeyEvent, policy: &GatePolicy, now: DateTime<Utc>) {
        self.notice = None;
        if let KeyCode::Char(c) = key.code
            && key.modifiers.contains(KeyModifiers::ALT)
            && !key.modifiers.contains(KeyModifiers::CONTROL)
        {
            // Alt and a letter the keymap does not bind here: neither text nor an action.
            self.notice = Some(format!(
                "Alt-{c} does nothing here: the keys that work are listed at the bottom"
            ));
            return;
        }
        let input = match self.focus {
            Focus::Ticket => &mut self.ticket,
            Focus::Note => &mut self.note,
            Focus::Code if self.otp.expects_code() => &mut self.code,
            _ => return,
        };
        input.handle_event(&Event::Key(key));
        self.refresh(policy, now);
    }

    fn act(
        &mut self,
        action: DialogAction,
        policy: &GatePolicy,
        now: DateTime<Utc>,
    ) -> Vec<Request> {
        use DialogAction::*;
        if self.escalating {
            return match action {
                RecordEscalation => vec![Request::Escalate {
                    reason: self.escalation_reason(policy, now),
                }],
                CancelEscalation | Close => {
                    self.escalating = false;
                    Vec::new()
                }
                _ => Vec::new(),
            };
        }
        if let Step::ChooseFactors { .. } = self.step {
            return self.on_chooser_action(action);
        }
        match action {
            Tick(item) => self.tick(item, policy),
            Push => return self.push_to(super::Approver::User),
            ManagerPush => return self.push_to(super::Approver::Manager),
            Code => return self.start_code(),
            CheckCode => return self.submit_code(),
            Escalate => self.escalating = true,
            NextField => self.focus = self.step_focus(true),
            PrevField => self.focus = self.step_focus(false),
            Continue => self.focus = self.continue_from(self.focus),
            Confirm => return self.press_button(policy, now),
            Close => return self.close(),
            // Text goes through `on_text`; the chooser's and the prompt's keys are handled above.
            Text | RecordEscalation | CancelEscalation | ChooserUp | ChooserDown | ToggleFactor
            | ChooserContinue => {}
        }
        Vec::new()
    }

    fn tick(&mut self, item: u8, policy: &GatePolicy) {
        match policy.checklist.get(usize::from(item)) {
            Some(entry) => {
                if !self.confirmed.remove(&entry.id) {
                    self.confirmed.insert(entry.id.clone());
                }
            }
            None => {
                self.notice = Some(format!(
                    "The checklist has {} items: {} does nothing",
                    policy.checklist.len(),
                    item + 1
                ));
            }
        }
    }

    /// The fields in the Tab cycle now: the code field only while a code is asked for.
    fn in_cycle(&self, focus: Focus) -> bool {
        focus != Focus::Code || self.otp.expects_code()
    }

    /// The next (or previous) field in the Tab cycle, skipping fields not on screen.
    fn step_focus(&self, forward: bool) -> Focus {
        let cycle: Vec<Focus> = CYCLE.into_iter().filter(|f| self.in_cycle(*f)).collect();
        let here = cycle.iter().position(|f| *f == self.focus).unwrap_or(0);
        let steps = if forward { 1 } else { cycle.len() - 1 };
        cycle[(here + steps) % cycle.len()]
    }

    /// Does this field still miss something the gate needs?
    fn needs(&self, focus: Focus) -> bool {
        match focus {
            Focus::Checklist => self
                .missing
                .iter()
                .any(|r| matches!(r, Refusal::ChecklistIncomplete(_))),
            Focus::Ticket => self
                .missing
                .iter()
                .any(|r| matches!(r, Refusal::TicketMissing | Refusal::TicketInvalid { .. })),
            Focus::Code => self.otp.expects_code(),
            Focus::Note | Focus::Button => false,
        }
    }

    /// Enter on `from`: the next field after it (wrapping) that the gate still needs, else
    /// the button.
    pub(super) fn continue_from(&self, from: Focus) -> Focus {
        let start = CYCLE.iter().position(|f| *f == from).unwrap_or(0);
        (1..CYCLE.len())
            .map(|i| CYCLE[(start + i) % CYCLE.len()])
            .find(|f| *f != from && self.needs(*f))
            .unwrap_or(Focus::Button)
    }

    /// Enter on the button.
    fn press_button(&mut self, policy: &GatePolicy, now: DateTime<Utc>) -> Vec<Request> {
        match &self.purpose {
            Purpose::Act(action) => {
                match gate::check(policy, &self.target, action, &self.attestation(), now) {
                    Ok(verified) => vec![Request::Run(Box::new(verified))],
                    Err(refusals) => {
                        self.missing = refusals;
                        self.notice = Some(format!(
                            "Confirm is blocked — still missing: {}",
                            self.missing_sentence(policy, now)
                        ));
                        Vec::new()
                    }
                }
            }
            Purpose::VerifyCaller if self.push_in_flight() => {
                self.notice = Some(format!(
                    "A push is waiting for {}: wait for the answer, or Esc withdraws it and closes",
                    self.push_target()
                ));
                Vec::new()
            }
            Purpose::VerifyCaller => vec![Request::Close],
        }
    }

    /// Esc: withdraw a push in flight, then close.
    fn close(&mut self) -> Vec<Request> {
        let mut requests = Vec::new();
        if self.push_in_flight() {
            requests.push(Request::Challenge(super::Challenge::CancelPush));
            self.push = super::PushState::Idle;
        }
        requests.push(Request::Close);
        requests
    }
}
