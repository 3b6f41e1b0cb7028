//! The verification dialog's state: one pending action (or a stand-alone check of the caller)
//! on one user, the checklist the agent ticks, the ticket and note, the possession evidence
//! gathered by pushes and one-time codes, and — recomputed on every change — what the gate still
//! misses. Pure: keys and challenge results come in, requests for the loop go out. The only way
//! it yields a [`Verified`] is [`gate::check`] at the moment the agent confirms.

use chrono::{DateTime, Utc};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeSet;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::model::{
    Action, ChallengeResult, Factor, FactorKind, OneTimeCode, User, UserStatus, mask_email,
};
use crate::policy::gate::{
    self, Attestation, GatePolicy, PossessionEvidence, Refusal, Target, Verified,
};

/// Wrong codes allowed in one dialog before code challenges stop (guessing is an attack).
pub const MAX_WRONG_CODES: u8 = 3;

/// What the dialog is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    /// Gather what the gate needs, then run this action.
    Act(Action),
    /// Prove the caller is the user, with nothing changed. Each challenge is audited, and an
    /// approved one serves the actions that follow while it is fresh.
    VerifyCaller,
}

/// Which control has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Checklist,
    Ticket,
    Note,
    /// The one-time code the caller reads out (only while one is expected).
    Code,
    Confirm,
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

/// Where the last one-time code challenge got to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeState {
    Idle,
    /// The IdP is sending a code to this factor (SMS, call, e-mail).
    Sending(Factor),
    /// The caller reads out the code from this factor; the agent types it.
    Entering(Factor),
    /// The IdP is checking the code.
    Checking(Factor),
    Done {
        factor: Factor,
        result: ChallengeResult,
    },
    /// [`MAX_WRONG_CODES`] wrong codes: no more code challenges in this dialog.
    Locked,
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

/// A possession challenge the loop carries out against the IdP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Challenge {
    /// Push to `approver_id`'s Okta Verify on behalf of `user_id`; `factor_id` is known for the
    /// user's own device, and looked up by the loop for the manager's.
    SendPush {
        user_id: String,
        approver_id: String,
        factor_id: Option<String>,
    },
    /// Stop waiting for the push in flight.
    CancelPush,
    /// Have the IdP send a one-time code to the user's factor.
    SendCode { user_id: String, factor_id: String },
    /// Check the code the caller read out.
    CheckCode {
        user_id: String,
        login: String,
        factor_id: String,
        code: OneTimeCode,
    },
}

/// What the dialog asks the loop to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Challenge(Challenge),
    /// The gate passed: run the action.
    Run(Box<Verified>),
    /// The dialog is done (cancelled, or the caller check is over).
    Close,
}

/// What outlives one dialog on the same call: the ticket, and the evidence (which the gate
/// still judges by age, so a stale one counts for nothing).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Carried {
    pub ticket: String,
    pub evidence: Vec<PossessionEvidence>,
}

/// The verification dialog.
#[derive(Debug, Clone)]
pub struct VerifyDialog {
    user: User,
    factors: Vec<Factor>,
    target: Target,
    /// For `Act(ResetFactors)`: the chosen ids once the choice is made.
    purpose: Purpose,
    step: Step,
    confirmed: BTreeSet<String>,
    ticket: Input,
    note: Input,
    /// The code being typed; drawn as bullets, dropped once sent for checking.
    code: Input,
    focus: Focus,
    evidence: Vec<PossessionEvidence>,
    push: PushState,
    otp: CodeState,
    wrong_codes: u8,
    /// Why the last key did nothing (no device to push to, no code factor).
    notice: Option<String>,
    /// What the gate still misses (empty: it passes).
    missing: Vec<Refusal>,
}

impl VerifyDialog {
    /// A dialog for `purpose` on `user`. Resetting chosen factors starts with the choice.
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
            target: Target::from(user),
            user: user.clone(),
            factors: factors.to_vec(),
            purpose,
            step,
            confirmed: BTreeSet::new(),
            ticket: Input::new(carried.ticket.clone()),
            note: Input::default(),
            code: Input::default(),
            focus: Focus::Checklist,
            evidence: carried
                .evidence
                .iter()
                .filter(|e| e.for_user_id == user.id)
                .cloned()
                .collect(),
            push: PushState::Idle,
            otp: CodeState::Idle,
            wrong_codes: 0,
            notice: None,
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

    /// What the next dialog on this user starts with.
    pub fn carry(&self) -> Carried {
        Carried {
            ticket: self.ticket.value().trim().to_string(),
            evidence: self.evidence.clone(),
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
    }

    /// Handle one key.
    pub fn on_key(
        &mut self,
        key: KeyEvent,
        policy: &GatePolicy,
        now: DateTime<Utc>,
    ) -> Vec<Request> {
        self.notice = None;
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
                self.purpose = Purpose::Act(Action::ResetFactors { factor_ids });
                self.step = Step::Verify;
            }
            _ => {}
        }
        Vec::new()
    }

    /// The field after `focus`; the code field is in the cycle only while a code is expected.
    fn next_focus(&self) -> Focus {
        match self.focus {
            Focus::Checklist => Focus::Ticket,
            Focus::Ticket => Focus::Note,
            Focus::Note if matches!(self.otp, CodeState::Entering(_)) => Focus::Code,
            Focus::Note | Focus::Code => Focus::Confirm,
            Focus::Confirm => Focus::Checklist,
        }
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
                if self.push_in_flight() {
                    requests.push(Request::Challenge(Challenge::CancelPush));
                }
                requests.push(Request::Close);
                return requests;
            }
            KeyCode::Tab => self.focus = self.next_focus(),
            KeyCode::Enter if self.focus == Focus::Code => return self.submit_code(),
            KeyCode::Enter if self.focus == Focus::Confirm => match &self.purpose {
                Purpose::Act(action) => {
                    if let Ok(verified) =
                        gate::check(policy, &self.target, action, &self.attestation(), now)
                    {
                        return vec![Request::Run(Box::new(verified))];
                    }
                }
                Purpose::VerifyCaller if !self.push_in_flight() => return vec![Request::Close],
                Purpose::VerifyCaller => {}
            },
            KeyCode::Enter => self.focus = self.next_focus(),
            // Codes are digits: other letters stay shortcuts (c for the next factor, p, M).
            KeyCode::Char(c) if self.focus == Focus::Code && !c.is_ascii_digit() => {
                return self.shortcut(c);
            }
            _ if matches!(self.focus, Focus::Ticket | Focus::Note | Focus::Code) && !ctrl => {
                let input = match self.focus {
                    Focus::Ticket => &mut self.ticket,
                    Focus::Note => &mut self.note,
                    _ => &mut self.code,
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
            KeyCode::Char(c) => return self.shortcut(c),
            _ => {}
        }
        Vec::new()
    }

    fn shortcut(&mut self, c: char) -> Vec<Request> {
        match c {
            'p' => self.push_to(Approver::User),
            'M' => self.push_to(Approver::Manager),
            'c' => self.start_code(),
            _ => Vec::new(),
        }
    }

    /// A push is being sent or waits for its answer.
    pub fn push_in_flight(&self) -> bool {
        matches!(self.push, PushState::Sending(_) | PushState::Waiting { .. })
    }

    fn push_to(&mut self, approver: Approver) -> Vec<Request> {
        if self.push_in_flight() {
            return Vec::new();
        }
        let (approver_id, factor_id) = match approver {
            Approver::User => match self.factors.iter().find(|f| f.can_push()) {
                Some(f) => (self.target.user_id.clone(), Some(f.id.clone())),
                None => {
                    self.notice = Some(format!(
                        "{} has no active Okta Verify push: c asks for a code, M pushes to the manager",
                        self.target.login
                    ));
                    return Vec::new();
                }
            },
            Approver::Manager => match &self.target.manager_id {
                Some(manager) => (manager.clone(), None),
                None => {
                    self.notice = Some(format!(
                        "{} has no manager in the directory: only the user's own factors can vouch",
                        self.target.login
                    ));
                    return Vec::new();
                }
            },
        };
        self.push = PushState::Sending(approver);
        vec![Request::Challenge(Challenge::SendPush {
            user_id: self.target.user_id.clone(),
            approver_id,
            factor_id,
        })]
    }

    /// The user's factors a code can come from.
    pub fn code_factors(&self) -> impl Iterator<Item = &Factor> {
        self.factors.iter().filter(|f| f.can_verify_code())
    }

    /// `c`: a code challenge on the next code factor (the first, or the one after the last
    /// used). An authenticator app shows its code itself; the others are sent one.
    fn start_code(&mut self) -> Vec<Request> {
        let last = match &self.otp {
            CodeState::Idle => None,
            CodeState::Entering(f) | CodeState::Done { factor: f, .. } => Some(f.id.clone()),
            CodeState::Sending(_) | CodeState::Checking(_) | CodeState::Locked => {
                return Vec::new();
            }
        };
        let choices: Vec<&Factor> = self.code_factors().collect();
        let next = match last.and_then(|id| choices.iter().position(|f| f.id == id)) {
            Some(i) => choices.get((i + 1) % choices.len()),
            None => choices.first(),
        };
        let Some(factor) = next.map(|f| (*f).clone()) else {
            self.notice = Some(format!(
                "{} has no active SMS, e-mail, call or authenticator factor for a code",
                self.target.login
            ));
            return Vec::new();
        };
        self.code.reset();
        if factor.kind == FactorKind::Totp {
            self.otp = CodeState::Entering(factor);
            self.focus = Focus::Code;
            return Vec::new();
        }
        let factor_id = factor.id.clone();
        self.otp = CodeState::Sending(factor);
        vec![Request::Challenge(Challenge::SendCode {
            user_id: self.target.user_id.clone(),
            factor_id,
        })]
    }

    /// Enter in the code field: hand the code to the loop and forget it here.
    fn submit_code(&mut self) -> Vec<Request> {
        let CodeState::Entering(factor) = &self.otp else {
            return Vec::new();
        };
        let typed = self.code.value().trim().to_string();
        if typed.is_empty() {
            return Vec::new();
        }
        let code = OneTimeCode::new(&typed);
        self.code.reset();
        let factor = factor.clone();
        let request = Challenge::CheckCode {
            user_id: self.target.user_id.clone(),
            login: self.target.login.clone(),
            factor_id: factor.id.clone(),
            code,
        };
        self.otp = CodeState::Checking(factor);
        self.focus = Focus::Confirm;
        vec![Request::Challenge(request)]
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
    /// Returns the evidence taken, if any.
    pub fn on_push_done(
        &mut self,
        result: ChallengeResult,
        evidence: Option<PossessionEvidence>,
        policy: &GatePolicy,
        now: DateTime<Utc>,
    ) -> Option<PossessionEvidence> {
        if !self.push_in_flight() {
            return None;
        }
        self.push = PushState::Done(result);
        self.take_evidence(evidence, policy, now)
    }

    /// The IdP sent the code (`error`: it could not).
    pub fn on_code_sent(&mut self, error: Option<String>) {
        if let CodeState::Sending(factor) = &self.otp {
            let factor = factor.clone();
            self.otp = match error {
                None => {
                    self.focus = Focus::Code;
                    CodeState::Entering(factor)
                }
                Some(_) => CodeState::Done {
                    factor,
                    result: ChallengeResult::Failed,
                },
            };
        }
    }

    /// The IdP checked the code (`evidence` is `None` when it could not). Returns the evidence
    /// taken, if any.
    pub fn on_code_checked(
        &mut self,
        result: ChallengeResult,
        evidence: Option<PossessionEvidence>,
        policy: &GatePolicy,
        now: DateTime<Utc>,
    ) -> Option<PossessionEvidence> {
        let CodeState::Checking(factor) = &self.otp else {
            return None;
        };
        let wrong = evidence.is_some() && result == ChallengeResult::Failed;
        self.wrong_codes += u8::from(wrong);
        self.otp = if self.wrong_codes >= MAX_WRONG_CODES {
            CodeState::Locked
        } else {
            CodeState::Done {
                factor: factor.clone(),
                result,
            }
        };
        self.take_evidence(evidence, policy, now)
    }

    /// Keep evidence that vouches for this dialog's user; anything else is ignored.
    fn take_evidence(
        &mut self,
        evidence: Option<PossessionEvidence>,
        policy: &GatePolicy,
        now: DateTime<Utc>,
    ) -> Option<PossessionEvidence> {
        let taken = evidence.filter(|e| e.for_user_id == self.target.user_id);
        if let Some(evidence) = &taken {
            self.evidence.push(evidence.clone());
        }
        self.refresh(policy, now);
        taken
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
        let Purpose::Act(action) = &self.purpose else {
            return format!(
                "Verify the caller is {login}: a check only, nothing changes (audited)"
            );
        };
        match action {
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
    factor.describe()
}

#[cfg(test)]
mod tests;
