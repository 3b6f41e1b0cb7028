//! The verification dialog's state: one pending action on one user, the checklist the agent
//! ticks, the ticket and note, the possession evidence gathered by pushes, and — recomputed on
//! every change — what the gate still misses. Pure: keys and push results come in, requests for
//! the loop go out. The only way it yields a [`Verified`] is [`gate::check`] at the moment the
//! agent confirms.

use chrono::{DateTime, Utc};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeSet;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::model::{Action, ChallengeResult, Factor, FactorKind, User, UserStatus, mask_email};
use crate::policy::gate::{
    self, Attestation, GatePolicy, PossessionEvidence, Refusal, Target, Verified,
};

/// Which control has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Checklist,
    Ticket,
    Note,
    Confirm,
}

impl Focus {
    fn next(self) -> Self {
        match self {
            Focus::Checklist => Focus::Ticket,
            Focus::Ticket => Focus::Note,
            Focus::Note => Focus::Confirm,
            Focus::Confirm => Focus::Checklist,
        }
    }
}

/// Whose device a push goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approver {
    /// The user's own Okta Verify.
    User,
    /// The user's manager's Okta Verify (the user lost the device).
    Manager,
}

/// Where the last push got to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushState {
    Idle,
    Sending(Approver),
    /// Sent; the device has not answered. `correct_answer` is the number the user must pick
    /// when the IdP asks for number matching.
    Waiting {
        approver: Approver,
        since: DateTime<Utc>,
        correct_answer: Option<u32>,
    },
    Done(ChallengeResult),
}

/// The dialog's stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// MFA reset in "choose" mode: which factors go.
    ChooseFactors {
        chosen: BTreeSet<String>,
        cursor: usize,
    },
    /// The action is fixed; the agent gathers what the gate needs.
    Verify,
}

/// What the dialog asks the loop to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Push to `approver_id`'s Okta Verify on behalf of `user_id`; `factor_id` is known for the
    /// user's own device, and looked up by the loop for the manager's.
    SendPush {
        user_id: String,
        approver_id: String,
        factor_id: Option<String>,
    },
    /// Stop waiting for the push in flight.
    CancelPush,
    /// The gate passed: run the action.
    Run(Box<Verified>),
    /// The dialog is done (cancelled).
    Close,
}

/// The verification dialog.
#[derive(Debug, Clone)]
pub struct VerifyDialog {
    user: User,
    factors: Vec<Factor>,
    target: Target,
    /// `ResetFactors` with the chosen ids once the choice is made.
    action: Action,
    step: Step,
    confirmed: BTreeSet<String>,
    ticket: Input,
    note: Input,
    focus: Focus,
    evidence: Vec<PossessionEvidence>,
    push: PushState,
    /// What the gate still misses (empty: it passes).
    missing: Vec<Refusal>,
}

impl VerifyDialog {
    /// A dialog for `action` on `user`. `ResetFactors` (any ids) starts with the factor choice.
    pub fn new(
        action: Action,
        user: &User,
        factors: &[Factor],
        policy: &GatePolicy,
        now: DateTime<Utc>,
    ) -> Self {
        let step = match action {
            Action::ResetFactors { .. } => Step::ChooseFactors {
                chosen: BTreeSet::new(),
                cursor: 0,
            },
            _ => Step::Verify,
        };
        let mut dialog = Self {
            target: Target::from(user),
            user: user.clone(),
            factors: factors.to_vec(),
            action,
            step,
            confirmed: BTreeSet::new(),
            ticket: Input::default(),
            note: Input::default(),
            focus: Focus::Checklist,
            evidence: Vec::new(),
            push: PushState::Idle,
            missing: Vec::new(),
        };
        dialog.refresh(policy, now);
        dialog
    }

    /// What the agent has attested so far.
    pub fn attestation(&self) -> Attestation {
        let note = self.note.value().trim();
        Attestation {
            confirmed: self.confirmed.clone(),
            ticket: self.ticket.value().trim().to_string(),
            note: (!note.is_empty()).then(|| note.to_string()),
            evidence: self.evidence.clone(),
        }
    }

    /// Recompute what is missing (also on the clock: evidence expires).
    pub fn refresh(&mut self, policy: &GatePolicy, now: DateTime<Utc>) {
        self.missing =
            match gate::check(policy, &self.target, &self.action, &self.attestation(), now) {
                Ok(_) => Vec::new(),
                Err(refusals) => refusals,
            };
    }

    /// Handle one key.
    pub fn on_key(
        &mut self,
        key: KeyEvent,
        policy: &GatePolicy,
        now: DateTime<Utc>,
    ) -> Vec<Request> {
        let requests = match &self.step {
            Step::ChooseFactors { .. } => self.on_choose_key(key),
            Step::Verify => self.on_verify_key(key, policy, now),
        };
        self.refresh(policy, now);
        requests
    }

    fn on_choose_key(&mut self, key: KeyEvent) -> Vec<Request> {
        let count = self.factors.len();
        let Step::ChooseFactors { chosen, cursor } = &mut self.step else {
            return Vec::new();
        };
        match key.code {
            KeyCode::Esc => return vec![Request::Close],
            KeyCode::Up | KeyCode::Char('k') => *cursor = cursor.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => {
                *cursor = (*cursor + 1).min(count.saturating_sub(1));
            }
            KeyCode::Char(' ') => {
                if let Some(factor) = self.factors.get(*cursor)
                    && !chosen.remove(&factor.id)
                {
                    chosen.insert(factor.id.clone());
                }
            }
            KeyCode::Enter if !chosen.is_empty() => {
                // In the order the user's factors are listed.
                let factor_ids = self
                    .factors
                    .iter()
                    .filter(|f| chosen.contains(&f.id))
                    .map(|f| f.id.clone())
                    .collect();
                self.action = Action::ResetFactors { factor_ids };
                self.step = Step::Verify;
            }
            _ => {}
        }
        Vec::new()
    }

    fn on_verify_key(
        &mut self,
        key: KeyEvent,
        policy: &GatePolicy,
        now: DateTime<Utc>,
    ) -> Vec<Request> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => {
                let mut requests = Vec::new();
                if matches!(self.push, PushState::Sending(_) | PushState::Waiting { .. }) {
                    requests.push(Request::CancelPush);
                }
                requests.push(Request::Close);
                return requests;
            }
            KeyCode::Tab => self.focus = self.focus.next(),
            KeyCode::Enter if self.focus == Focus::Confirm => {
                if let Ok(verified) =
                    gate::check(policy, &self.target, &self.action, &self.attestation(), now)
                {
                    return vec![Request::Run(Box::new(verified))];
                }
            }
            KeyCode::Enter => self.focus = self.focus.next(),
            _ if matches!(self.focus, Focus::Ticket | Focus::Note) && !ctrl => {
                let input = match self.focus {
                    Focus::Ticket => &mut self.ticket,
                    _ => &mut self.note,
                };
                input.handle_event(&Event::Key(key));
            }
            KeyCode::Char(c @ '1'..='9') => {
                let index = c as usize - '1' as usize;
                if let Some(item) = policy.checklist.get(index)
                    && !self.confirmed.remove(&item.id)
                {
                    self.confirmed.insert(item.id.clone());
                }
            }
            KeyCode::Char('p') => return self.push_to(Approver::User),
            KeyCode::Char('M') => return self.push_to(Approver::Manager),
            _ => {}
        }
        Vec::new()
    }

    fn push_to(&mut self, approver: Approver) -> Vec<Request> {
        if matches!(self.push, PushState::Sending(_) | PushState::Waiting { .. }) {
            return Vec::new();
        }
        let (approver_id, factor_id) = match approver {
            Approver::User => match self.factors.iter().find(|f| f.can_push()) {
                Some(f) => (self.target.user_id.clone(), Some(f.id.clone())),
                None => return Vec::new(),
            },
            Approver::Manager => match &self.target.manager_id {
                Some(manager) => (manager.clone(), None),
                None => return Vec::new(),
            },
        };
        self.push = PushState::Sending(approver);
        vec![Request::SendPush {
            user_id: self.target.user_id.clone(),
            approver_id,
            factor_id,
        }]
    }

    /// The push was sent and is waiting for the device.
    pub fn on_push_waiting(&mut self, since: DateTime<Utc>, correct_answer: Option<u32>) {
        if let PushState::Sending(approver) = self.push {
            self.push = PushState::Waiting {
                approver,
                since,
                correct_answer,
            };
        }
    }

    /// The push ended (or could not be sent: `evidence` is `None` and the result says why).
    pub fn on_push_done(
        &mut self,
        result: ChallengeResult,
        evidence: Option<PossessionEvidence>,
        policy: &GatePolicy,
        now: DateTime<Utc>,
    ) {
        if matches!(self.push, PushState::Idle | PushState::Done(_)) {
            return;
        }
        self.push = PushState::Done(result);
        if let Some(evidence) = evidence.filter(|e| e.for_user_id == self.target.user_id) {
            self.evidence.push(evidence);
        }
        self.refresh(policy, now);
    }

    // ---- read access ----

    pub fn target(&self) -> &Target {
        &self.target
    }
    pub fn action(&self) -> &Action {
        &self.action
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
    pub fn note(&self) -> &Input {
        &self.note
    }
    pub fn push(&self) -> &PushState {
        &self.push
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
    /// The device REJECTED a push: the caller may not be who they say.
    pub fn rejected(&self) -> bool {
        self.push == PushState::Done(ChallengeResult::Rejected)
    }

    /// What the action will do, in one sentence.
    pub fn preview(&self) -> String {
        let login = &self.user.login;
        if let Step::ChooseFactors { chosen, .. } = &self.step {
            if chosen.is_empty() {
                return format!("Reset MFA for {login}: choose the factors to remove");
            }
            return remove_sentence(self.factors.iter().filter(|f| chosen.contains(&f.id)));
        }
        match &self.action {
            Action::Unlock => format!(
                "Unlock {login}: {} → {}",
                self.user.status,
                UserStatus::Active
            ),
            Action::ResetPassword => match &self.user.email {
                Some(email) => format!(
                    "The IdP e-mails a one-time reset link to {}",
                    mask_email(email)
                ),
                None => "The IdP e-mails a one-time reset link to the address on record".into(),
            },
            Action::ResetAllFactors => remove_sentence(self.factors.iter()),
            Action::ResetFactors { factor_ids } => {
                remove_sentence(self.factors.iter().filter(|f| factor_ids.contains(&f.id)))
            }
        }
    }
}

/// "Remove 2 factors: SMS •••-1337, Okta Verify (Dana's iPhone)".
fn remove_sentence<'a>(factors: impl Iterator<Item = &'a Factor>) -> String {
    let names: Vec<String> = factors.map(describe).collect();
    let noun = if names.len() == 1 {
        "factor"
    } else {
        "factors"
    };
    format!("Remove {} {noun}: {}", names.len(), names.join(", "))
}

/// A factor as the agent recognises it.
pub fn describe(factor: &Factor) -> String {
    match factor.kind {
        FactorKind::Push => match &factor.device_name {
            Some(device) => format!("Okta Verify ({device})"),
            None => "Okta Verify".into(),
        },
        kind => match factor.contact.as_ref().or(factor.device_name.as_ref()) {
            Some(detail) => format!("{} {detail}", kind.label()),
            None => kind.label().to_string(),
        },
    }
}

#[cfg(test)]
mod tests;
