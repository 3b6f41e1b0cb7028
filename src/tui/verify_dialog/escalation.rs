//! Why the agent escalates: the dialog names the reason from what happened in it — a REJECTED
//! push (whose device, when), too many wrong codes, a caller nobody can verify remotely — so the
//! audit record says it without the agent typing it. The agent's own words go in the note.

use chrono::{DateTime, Utc};

use super::VerifyDialog;
use super::state::{CodeState, MAX_WRONG_CODES, PushState};
use crate::model::ChallengeResult;
use crate::policy::gate::GatePolicy;

impl VerifyDialog {
    /// The reason written with an escalation, most serious first.
    pub fn escalation_reason(&self, policy: &GatePolicy, now: DateTime<Utc>) -> String {
        let mut reasons = Vec::new();
        if let Some(rejection) = self.fresh_rejection(policy, now) {
            reasons.push(format!(
                "{}: possible social engineering",
                self.rejection_text(rejection, now)
            ));
        }
        match &self.otp {
            CodeState::Locked => reasons.push(format!("{MAX_WRONG_CODES} wrong one-time codes")),
            CodeState::Done {
                factor,
                result: ChallengeResult::Failed,
            } => reasons.push(format!("a wrong one-time code from {}", self.name(factor))),
            _ => {}
        }
        if let PushState::Answered {
            approver,
            login,
            result: ChallengeResult::Timeout,
            ..
        } = &self.push
        {
            reasons.push(format!(
                "the {} push ({login}) went unanswered",
                approver.whose()
            ));
        }
        if let Some(why) = self.dead_end_reasons() {
            reasons.push(format!(
                "the caller cannot be verified remotely ({})",
                why.join(", ")
            ));
        }
        if reasons.is_empty() {
            let state = if self.missing.is_empty() {
                "after the checks passed"
            } else {
                "before the caller was verified"
            };
            reasons.push(format!("escalated by the agent {state}"));
        }
        reasons.join("; ")
    }
}
