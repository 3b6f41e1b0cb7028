//! Possession challenges: pushes to the user's or the manager's Okta Verify and one-time
//! codes, from the key that asks for one to the evidence the answer brings.

use chrono::{DateTime, Utc};

use super::VerifyDialog;
use super::state::{Approver, Challenge, CodeState, Focus, MAX_WRONG_CODES, PushState, Request};
use crate::model::{ChallengeResult, Factor, FactorKind, OneTimeCode};
use crate::policy::gate::{GatePolicy, PossessionEvidence};

impl VerifyDialog {
    /// A push is being sent or waits for its answer.
    pub fn push_in_flight(&self) -> bool {
        matches!(self.push, PushState::Sending(_) | PushState::Waiting { .. })
    }

    /// "the user's device (Dana's iPhone)" / "the manager's device": where the push in flight
    /// went.
    pub fn push_target(&self) -> String {
        match &self.push {
            PushState::Sending(approver) | PushState::Waiting { approver, .. } => match approver {
                Approver::User => match self.user_push_factor() {
                    Some(f) => format!("the user's {}", f.describe()),
                    None => "the user's device".to_string(),
                },
                Approver::Manager => "the manager's device".to_string(),
            },
            _ => "nobody".to_string(),
        }
    }

    /// The user's own device a push goes to.
    pub fn user_push_factor(&self) -> Option<&Factor> {
        self.factors.iter().find(|f| f.can_push())
    }

    /// The user's factors a code can come from.
    pub fn code_factors(&self) -> impl Iterator<Item = &Factor> {
        self.factors.iter().filter(|f| f.can_verify_code())
    }

    /// Nothing left that could prove possession: no push of their own, no code factor, and no
    /// manager (or one known to have no push).
    pub fn cannot_verify_remotely(&self) -> bool {
        let manager_can = self.target.manager_id.is_some() && self.manager_without_push.is_none();
        let codes_left = self.code_factors().next().is_some() && self.otp != CodeState::Locked;
        self.user_push_factor().is_none() && !codes_left && !manager_can
    }

    pub(super) fn push_to(&mut self, approver: Approver) -> Vec<Request> {
        if self.push_in_flight() {
            self.notice = Some(format!(
                "A push is already waiting for {}: one at a time (Esc withdraws it)",
                self.push_target()
            ));
            return Vec::new();
        }
        let (approver_id, factor_id) = match approver {
            Approver::User => match self.user_push_factor() {
                Some(f) => (self.target.user_id.clone(), Some(f.id.clone())),
                None => {
                    self.notice = Some(format!(
                        "{} has no active {} push: {}",
                        self.target.login,
                        self.provider.push_app(),
                        self.what_remains(Some(approver))
                    ));
                    return Vec::new();
                }
            },
            Approver::Manager => match (&self.target.manager_id, &self.manager_without_push) {
                (None, _) => {
                    self.notice = Some(format!(
                        "{} has no manager in the directory: {}",
                        self.target.login,
                        self.what_remains(Some(approver))
                    ));
                    return Vec::new();
                }
                (Some(_), Some(manager)) => {
                    self.notice = Some(format!(
                        "The manager ({manager}) has no {} push: {}",
                        self.provider.push_app(),
                        self.what_remains(Some(approver))
                    ));
                    return Vec::new();
                }
                (Some(manager), None) => (manager.clone(), None),
            },
        };
        self.push = PushState::Sending(approver);
        vec![Request::Challenge(Challenge::SendPush {
            user_id: self.target.user_id.clone(),
            approver_id,
            factor_id,
        })]
    }

    /// `c`: a code challenge on the next code factor (the first, or the one after the last
    /// used). An authenticator app shows its code itself; the others are sent one. The focus
    /// goes to the code field at once, so what the agent types next is the code.
    pub(super) fn start_code(&mut self) -> Vec<Request> {
        let last = match &self.otp {
            CodeState::Idle => None,
            CodeState::Entering(f) | CodeState::Done { factor: f, .. } => Some(f.id.clone()),
            CodeState::Sending(f) => {
                self.notice = Some(format!(
                    "A code is on its way to {}: wait for it",
                    f.describe()
                ));
                return Vec::new();
            }
            CodeState::Checking(f) => {
                self.notice = Some(format!(
                    "The code from {} is being checked: wait for the answer",
                    f.describe()
                ));
                return Vec::new();
            }
            CodeState::Locked => {
                self.notice = Some(format!(
                    "{MAX_WRONG_CODES} wrong codes: no more codes in this dialog; treat the caller as unverified and escalate"
                ));
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
                "{} has no active SMS, e-mail, call or authenticator factor for a code: {}",
                self.target.login,
                self.what_remains(None)
            ));
            return Vec::new();
        };
        self.code.reset();
        self.focus = Focus::Code;
        if factor.kind == FactorKind::Totp {
            self.otp = CodeState::Entering(factor);
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
    pub(super) fn submit_code(&mut self) -> Vec<Request> {
        let factor = match &self.otp {
            CodeState::Entering(factor) => factor.clone(),
            CodeState::Sending(factor) => {
                self.notice = Some(format!(
                    "The code is still on its way to {}: Enter checks it once it is sent",
                    factor.describe()
                ));
                return Vec::new();
            }
            _ => return Vec::new(),
        };
        let typed = self.code.value().trim().to_string();
        if typed.is_empty() {
            self.notice = Some("Type the code the caller reads out first".to_string());
            return Vec::new();
        }
        let code = OneTimeCode::new(&typed);
        self.code.reset();
        let request = Challenge::CheckCode {
            user_id: self.target.user_id.clone(),
            login: self.target.login.clone(),
            factor_id: factor.id.clone(),
            code,
        };
        self.otp = CodeState::Checking(factor);
        self.focus = self.continue_from(Focus::Code);
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

    /// The push ended. Without `evidence` nothing can be judged (the loop could not tell who
    /// answered): it counts as not sent, with `message` as the reason. Returns the evidence
    /// taken, if any.
    pub fn on_push_done(
        &mut self,
        result: ChallengeResult,
        evidence: Option<PossessionEvidence>,
        message: Option<&str>,
        policy: &GatePolicy,
        now: DateTime<Utc>,
    ) -> Option<PossessionEvidence> {
        let approver = match &self.push {
            PushState::Sending(a) | PushState::Waiting { approver: a, .. } => *a,
            _ => return None,
        };
        self.push = match &evidence {
            Some(e) => PushState::Answered {
                approver,
                login: e.approver_login.clone(),
                result,
                at: e.at,
            },
            None => PushState::NotSent {
                approver,
                reason: message.map(str::to_string).unwrap_or_else(|| {
                    format!("the push ended {} with no answer", result.as_str())
                }),
            },
        };
        self.take_evidence(evidence, policy, now)
    }

    /// The push could not be sent. `no_push_factor`: the approver has no Okta Verify push
    /// (their login) — for the manager that is only learnt here, and `M` then says so.
    pub fn on_push_not_sent(
        &mut self,
        reason: &str,
        no_push_factor: Option<&str>,
        policy: &GatePolicy,
        now: DateTime<Utc>,
    ) {
        let approver = match &self.push {
            PushState::Sending(a) | PushState::Waiting { approver: a, .. } => *a,
            _ => return,
        };
        if approver == Approver::Manager
            && let Some(login) = no_push_factor
        {
            self.manager_without_push = Some(login.to_string());
        }
        self.push = PushState::NotSent {
            approver,
            reason: reason.to_string(),
        };
        self.refresh(policy, now);
    }

    /// The IdP sent the code (`error`: it could not).
    pub fn on_code_sent(&mut self, error: Option<String>, policy: &GatePolicy, now: DateTime<Utc>) {
        if let CodeState::Sending(factor) = &self.otp {
            let factor = factor.clone();
            self.otp = match error {
                None => CodeState::Entering(factor),
                Some(_) => {
                    self.code.reset();
                    CodeState::Done {
                        factor,
                        result: ChallengeResult::Failed,
                    }
                }
            };
            self.refresh(policy, now);
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
}
