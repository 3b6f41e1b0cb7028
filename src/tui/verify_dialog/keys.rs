//! What the dialog's keys do: the keymap turns a key into a [`DialogAction`] for the focused
//! context ([`VerifyDialog::context`]), and this file carries it out. Text editing is the one
//! thing that takes the raw key ([`VerifyDialog::on_text`]), for tui-input.

use chrono::{DateTime, Utc};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::VerifyDialog;
use super::state::{Focus, Purpose, Request, Step};
use crate::policy::gate::{self, GatePolicy, Refusal, normalize_ticket};
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
    /// Highlight the previous of the user's open tickets (wrapping).
    TicketUp,
    /// Highlight the next of the user's open tickets (wrapping).
    TicketDown,
    /// Take the highlighted open ticket (the newest unless moved), then move on.
    TakeTicket,
    /// Open a ticket for this call, the user as its caller.
    NewTicket,
    /// Type a ticket number instead of picking one.
    TypeTicket,
}

/// Whether a refusal is fixed in the ticket field.
pub(super) fn is_about_the_ticket(refusal: &Refusal) -> bool {
    matches!(
        refusal,
        Refusal::TicketMissing
            | Refusal::TicketInvalid { .. }
            | Refusal::TicketNotChecked { .. }
            | Refusal::TicketNotFound { .. }
            | Refusal::TicketLookupFailed { .. }
            | Refusal::TicketClosed { .. }
            | Refusal::TicketForAnotherCaller { .. }
    )
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
            Focus::Ticket if self.tickets.as_ref().is_some_and(|t| !t.typing) => {
                Context::DialogTicketPick
            }
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
            NextField => return self.leave_field(self.step_focus(true)),
            PrevField => return self.leave_field(self.step_focus(false)),
            Continue if self.focus == Focus::Ticket && self.ticket.value().trim().is_empty() => {
                match &mut self.tickets {
                    // Nothing typed: back to the user's open tickets.
                    Some(desk) => desk.typing = false,
                    None => self.focus = self.continue_from(Focus::Ticket),
                }
            }
            Continue => return self.leave_field(self.continue_from(self.focus)),
            TicketUp | TicketDown => self.move_ticket_highlight(action == TicketDown),
            TakeTicket => return self.take_ticket(),
            NewTicket => return self.new_ticket(),
            TypeTicket => {
                if let Some(desk) = &mut self.tickets {
                    desk.typing = true;
                }
            }
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
            Focus::Ticket => self.missing.iter().any(is_about_the_ticket),
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

    /// Moves the focus to `to`; leaving the ticket field with a number the ticketing system
    /// has not been asked about asks it.
    fn leave_field(&mut self, to: Focus) -> Vec<Request> {
        let from = std::mem::replace(&mut self.focus, to);
        if from == Focus::Ticket {
            return self.lookup_typed();
        }
        Vec::new()
    }

    /// A lookup of the number in the ticket field, when one is still needed.
    fn lookup_typed(&mut self) -> Vec<Request> {
        let number = normalize_ticket(self.ticket.value());
        match &mut self.tickets {
            Some(desk) if desk.needs_lookup(&number) => {
                desk.checking = Some(number.clone());
                vec![Request::LookupTicket { number }]
            }
            _ => Vec::new(),
        }
    }

    fn move_ticket_highlight(&mut self, down: bool) {
        let Some(desk) = &mut self.tickets else {
            return;
        };
        if !desk.step(down) {
            self.notice = Some(self.no_ticket_to_pick());
        }
    }

    /// Enter on the open tickets: the highlighted one goes in the field, then on.
    fn take_ticket(&mut self) -> Vec<Request> {
        let Some(desk) = &mut self.tickets else {
            return Vec::new();
        };
        let Some(ticket) = desk.highlighted().cloned() else {
            self.notice = Some(self.no_ticket_to_pick());
            return Vec::new();
        };
        self.ticket = Input::new(ticket.number.clone());
        desk.lookup = Some(gate::TicketLookup::Found(ticket));
        // On to what else is missing (the gate judges the pick when the action returns).
        self.focus = self.continue_from(Focus::Ticket);
        Vec::new()
    }

    /// `n`: open a ticket for this call.
    fn new_ticket(&mut self) -> Vec<Request> {
        let Some(desk) = &mut self.tickets else {
            self.notice = Some(
                "No ticketing system is configured ([tickets] in the config): type the ticket number"
                    .into(),
            );
            return Vec::new();
        };
        if desk.creating {
            self.notice = Some(format!(
                "A ticket is already being opened in {}: wait for its number",
                desk.system
            ));
            return Vec::new();
        }
        desk.creating = true;
        vec![Request::CreateTicket]
    }

    /// Why there is no open ticket to pick, and what to do instead.
    fn no_ticket_to_pick(&self) -> String {
        let Some(desk) = &self.tickets else {
            return String::new();
        };
        let new = self.keyed(DialogAction::NewTicket, "opens one for this call");
        let typed = self.keyed(DialogAction::TypeTicket, "types a number");
        match &desk.open {
            super::OpenTickets::Loading => format!(
                "The user's open tickets are still loading from {}: wait, or {new}, {typed}",
                desk.system
            ),
            super::OpenTickets::Loaded(_) => format!(
                "The user has no open ticket in {}: {new}, {typed}",
                desk.system
            ),
            super::OpenTickets::Failed(e) => {
                format!("The user's open tickets could not be loaded ({e}): {typed}")
            }
        }
    }

    /// Enter on the button.
    fn press_button(&mut self, policy: &GatePolicy, now: DateTime<Utc>) -> Vec<Request> {
        let lookup = self.lookup_typed();
        if !lookup.is_empty() {
            let system = self
                .tickets
                .as_ref()
                .map(|t| t.system.to_string())
                .unwrap_or_default();
            self.notice = Some(format!(
                "Checking the ticket in {system}: Confirm once it answers"
            ));
            return lookup;
        }
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
