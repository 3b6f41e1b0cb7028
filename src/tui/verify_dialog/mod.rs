//! The verification dialog's state: one pending action (or a stand-alone check of the caller)
//! on one user, the checklist the agent ticks, the ticket and note, the possession evidence
//! gathered by pushes and one-time codes, and — recomputed on every change — what the gate still
//! misses. Pure: dialog actions and challenge results come in, requests for the loop go out.
//! The only way it yields a [`Verified`](gate::Verified) is [`gate::check`] at the moment the agent confirms.
//!
//! # The focus model (every dialog follows it)
//!
//! 1. **One context per focus.** The dialog is always in exactly one keymap context
//!    ([`VerifyDialog::context`]): the factor chooser, the checklist, a text field (ticket or
//!    note), the code field, the Confirm button (an action) or the Done button (a check of the
//!    caller), or the escalation prompt; the app adds "busy" (the action runs, the escalation is
//!    written) and the quit prompt. That context's rows in [`keymap`](crate::tui::keymap)
//!    dispatch the keys; the status bar, the dialog's bottom line, help and every key the
//!    dialog names in its text ([`keymap::label_for`](crate::tui::keymap::label_for)) come from
//!    the same rows, so a key is shown only where it works.
//! 2. **Letters are text in a text field.** In the ticket, note and code fields every plain
//!    key is text. The action keys are reached there with Alt — `Alt-p` push, `Alt-m` manager
//!    push, `Alt-c` code, `Alt-e` escalate, `Alt-1`…`Alt-9` tick — or by leaving the field.
//!    Alt keys are never typed into a field. Ctrl-C still quits.
//! 3. **Enter moves on, then acts.** `Tab` visits every field in turn (checklist, ticket,
//!    note, the code while one is asked for, the button) and `Shift-Tab` goes back. `Enter` on a
//!    field moves on to the next field the gate still needs (skipping the optional note), else
//!    to the button. `Enter` on the button runs it: Confirm runs the action once nothing is
//!    missing, Done closes the check. `Enter` in the code field checks the code. A button shows
//!    `: Enter` only while it has the focus, where Enter does what it says.
//! 4. **Esc backs out one level.** From a prompt (escalation, quit) back to the dialog; from
//!    the dialog — any field, the chooser included — out of it. Closing withdraws a push in
//!    flight; the ticket and the evidence that still counts stay for the next dialog on the
//!    same user; closing an action's dialog after a REJECTED push is audited as a refusal.
//! 5. **No silent keys.** A key that cannot act says why in the dialog's notice line, right
//!    above the button: Enter on a blocked Confirm lists what is still missing, `p` with no
//!    device says what remains, Enter in the chooser with nothing ticked says so.
//! 6. **Focus moves only on the agent's keys.** An answer from the IdP never moves it, except
//!    off the code field when that field goes away (a code that could not be sent).
//! 7. **No dead ends.** When no push or code can prove possession, the dialog says plainly that
//!    the caller cannot be verified remotely and offers escalation (`e`, always available),
//!    which asks, then writes a security escalation to the audit log and closes the dialog.
//! 8. **Quitting asks while something is in flight.** `q` or Ctrl-C while a push waits or the
//!    action runs opens the quit prompt: `y` quits (withdrawing the push, or once the running
//!    action is audited), `n` or `Esc` stays.
//!
//! The focus test (`tests/dialog_focus.rs`) walks every dialog state and presses every key its
//! context binds, checking each does what its label says or says why not.

mod challenges;
mod chooser;
mod escalation;
mod keys;
mod preview;
mod state;
mod tickets;

use chrono::{DateTime, Utc};
use std::collections::BTreeSet;
use tui_input::Input;

pub use keys::DialogAction;
pub use preview::{MissingItem, Removal, when};
pub use state::{
    Approver, Carried, Challenge, CodeState, Focus, MAX_WRONG_CODES, Purpose, PushState, Request,
    Step, carries_over,
};
pub use tickets::{OpenTickets, TicketDesk};

use crate::idp::Provider;
use crate::model::{Action, ChallengeResult, Factor, User};
use crate::policy::gate::{
    self, Attestation, GatePolicy, PossessionEvidence, Refusal, Target, normalize_ticket,
};

/// The verification dialog.
#[derive(Debug, Clone)]
pub struct VerifyDialog {
    user: User,
    factors: Vec<Factor>,
    /// The identity provider, for the words (push app, what a reset does).
    provider: Provider,
    target: Target,
    /// For `Act(ResetFactors)`: the chosen ids once the choice is made.
    purpose: Purpose,
    step: Step,
    confirmed: BTreeSet<String>,
    ticket: Input,
    /// With a ticketing system: the user's open tickets and the system's answer for the
    /// ticket in the field.
    tickets: Option<TicketDesk>,
    note: Input,
    /// The code being typed; drawn as bullets, dropped once sent for checking.
    code: Input,
    focus: Focus,
    evidence: Vec<PossessionEvidence>,
    push: PushState,
    otp: CodeState,
    wrong_codes: u8,
    /// The loop found that the manager has no push factor (their login).
    manager_without_push: Option<String>,
    /// The escalation prompt is open.
    escalating: bool,
    /// Why the last key did nothing (no device to push to, a blocked Confirm, ...).
    notice: Option<String>,
    /// What the gate still misses (empty: it passes).
    missing: Vec<Refusal>,
}

impl VerifyDialog {
    /// A dialog for `purpose` on `user`. Resetting chosen factors starts with the choice.
    /// Only evidence for this user that [carries over](carries_over) is taken from `carried`.
    pub fn provider(&self) -> Provider {
        self.provider
    }

    /// The same dialog, worded for `provider` (a new dialog speaks Okta's words).
    pub fn for_provider(mut self, provider: Provider) -> Self {
        self.provider = provider;
        self
    }

    pub fn new(
        purpose: Purpose,
        user: &User,
        factors: &[Factor],
        policy: &GatePolicy,
        now: DateTime<Utc>,
        carried: &Carried,
    ) -> Self {
        let step = match purpose {
            Purpose::Act(Action::ResetFactors { .. }) => Step::ChooseFactors {
                chosen: BTreeSet::new(),
                cursor: 0,
            },
            _ => Step::Verify,
        };
        let mut dialog = Self {
            provider: Provider::default(),
            target: Target::from(user),
            user: user.clone(),
            factors: factors.to_vec(),
            purpose,
            step,
            confirmed: BTreeSet::new(),
            ticket: Input::new(carried.ticket.clone()),
            tickets: policy.ticket_system.map(|system| {
                let lookup = carried
                    .ticket_lookup
                    .clone()
                    .filter(|l| normalize_ticket(l.number()) == normalize_ticket(&carried.ticket));
                let mut desk = TicketDesk::new(system, lookup);
                desk.typing = !carried.ticket.trim().is_empty();
                desk
            }),
            note: Input::default(),
            code: Input::default(),
            focus: Focus::Checklist,
            evidence: carried
                .evidence
                .iter()
                .filter(|e| e.for_user_id == user.id && carries_over(e))
                .cloned()
                .collect(),
            push: PushState::Idle,
            otp: CodeState::Idle,
            wrong_codes: 0,
            manager_without_push: None,
            escalating: false,
            notice: None,
            missing: Vec::new(),
        };
        dialog.refresh(policy, now);
        dialog
    }

    /// What the agent has attested so far.
    pub fn attestation(&self) -> Attestation {
        Attestation {
            confirmed: self.confirmed.clone(),
            ticket: self.ticket.value().trim().to_string(),
            ticket_lookup: self.tickets.as_ref().and_then(|t| t.lookup.clone()),
            note: self.agent_note(),
            evidence: self.evidence.clone(),
        }
    }

    /// The agent's note, if they wrote one.
    pub fn agent_note(&self) -> Option<String> {
        let note = self.note.value().trim();
        (!note.is_empty()).then(|| note.to_string())
    }

    /// The ticket typed, if any.
    pub fn ticket_number(&self) -> Option<String> {
        let ticket = self.ticket.value().trim();
        (!ticket.is_empty()).then(|| ticket.to_string())
    }

    /// What the next dialog on this user starts with: the ticket, and the approvals and
    /// rejections (never a wrong code or a timeout).
    pub fn carry(&self) -> Carried {
        Carried {
            ticket: self.ticket_number().unwrap_or_default(),
            ticket_lookup: self.tickets.as_ref().and_then(|t| t.lookup.clone()),
            evidence: self
                .evidence
                .iter()
                .filter(|e| carries_over(e))
                .cloned()
                .collect(),
        }
    }

    /// Recompute what is missing (also on the clock: evidence expires).
    pub fn refresh(&mut self, policy: &GatePolicy, now: DateTime<Utc>) {
        self.missing = match &self.purpose {
            Purpose::Act(action) => {
                match gate::check(policy, &self.target, action, &self.attestation(), now) {
                    Ok(_) => Vec::new(),
                    Err(refusals) => refusals,
                }
            }
            Purpose::VerifyCaller => {
                match gate::possession(policy, &self.target, &self.evidence, now) {
                    Ok(_) => Vec::new(),
                    Err(refusal) => vec![refusal],
                }
            }
        };
        // The code field exists only while a code is asked for.
        if self.focus == Focus::Code && !self.otp.expects_code() {
            self.focus = self.continue_from(Focus::Code);
        }
    }

    /// Say `notice` on the dialog (why a key could not act).
    pub fn tell(&mut self, notice: impl Into<String>) {
        self.notice = Some(notice.into());
    }

    // ---- read access ----

    pub fn target(&self) -> &Target {
        &self.target
    }
    pub fn purpose(&self) -> &Purpose {
        &self.purpose
    }
    /// The action to run; `None` when the dialog only verifies the caller.
    pub fn action(&self) -> Option<&Action> {
        match &self.purpose {
            Purpose::Act(action) => Some(action),
            Purpose::VerifyCaller => None,
        }
    }
    pub fn step(&self) -> &Step {
        &self.step
    }
    pub fn focus(&self) -> Focus {
        self.focus
    }
    pub fn confirmed(&self) -> &BTreeSet<String> {
        &self.confirmed
    }
    pub fn ticket(&self) -> &Input {
        &self.ticket
    }
    /// The ticketing system's side of the ticket, when one is configured.
    pub fn tickets(&self) -> Option<&TicketDesk> {
        self.tickets.as_ref()
    }
    pub fn note(&self) -> &Input {
        &self.note
    }
    pub fn code(&self) -> &Input {
        &self.code
    }
    pub fn push(&self) -> &PushState {
        &self.push
    }
    pub fn otp(&self) -> &CodeState {
        &self.otp
    }
    /// The evidence gathered so far (carried over and new), oldest first.
    pub fn evidence(&self) -> &[PossessionEvidence] {
        &self.evidence
    }
    pub fn factors(&self) -> &[Factor] {
        &self.factors
    }
    pub fn user(&self) -> &User {
        &self.user
    }
    /// What the gate still misses; empty when the action may run.
    pub fn missing(&self) -> &[Refusal] {
        &self.missing
    }
    pub fn ready(&self) -> bool {
        self.step == Step::Verify && self.missing.is_empty()
    }
    /// Why the last key did nothing, if it did nothing for a reason the agent should hear.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }
    /// The escalation prompt is open.
    pub fn is_escalating(&self) -> bool {
        self.escalating
    }
    /// The manager's login, once the loop found they have no push factor.
    pub fn manager_without_push(&self) -> Option<&str> {
        self.manager_without_push.as_deref()
    }
    /// The device REJECTED the push sent in this dialog: the caller may not be who they say.
    pub fn rejected(&self) -> bool {
        matches!(
            &self.push,
            PushState::Answered {
                result: ChallengeResult::Rejected,
                ..
            }
        )
    }
    /// A REJECTED push for this user within the evidence window (this dialog's or carried).
    pub fn fresh_rejection(
        &self,
        policy: &GatePolicy,
        now: DateTime<Utc>,
    ) -> Option<&PossessionEvidence> {
        self.evidence
            .iter()
            .filter(|e| e.result == ChallengeResult::Rejected)
            .filter(|e| now - e.at <= policy.evidence_max_age)
            .max_by_key(|e| e.at)
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod ticket_tests;
