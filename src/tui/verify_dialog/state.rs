//! The dialog's vocabulary: what it is for, where the focus is, where each challenge got to,
//! and what it asks the loop to do.

use chrono::{DateTime, Utc};
use std::collections::BTreeSet;

use crate::model::{Action, ChallengeResult, Factor, OneTimeCode};
use crate::policy::gate::{PossessionEvidence, Verified};

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

/// Which control has the keys (in the [`Step::Verify`] step).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Checklist,
    Ticket,
    Note,
    /// The one-time code the caller reads out (only while one is asked for).
    Code,
    /// Confirm (an action) or Done (a check of the caller).
    Button,
}

impl Focus {
    /// A text field: letters typed there are text, and the action keys need Alt.
    pub fn is_text(self) -> bool {
        matches!(self, Focus::Ticket | Focus::Note | Focus::Code)
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

impl Approver {
    /// "USER's" / "MANAGER's": whose device answered, said loudly.
    pub fn whose(self) -> &'static str {
        match self {
            Approver::User => "USER's",
            Approver::Manager => "MANAGER's",
        }
    }
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
    /// The device answered (or the IdP gave up): whose device it was, and what it said.
    Answered {
        approver: Approver,
        /// The approver's login, from the evidence.
        login: String,
        result: ChallengeResult,
        at: DateTime<Utc>,
    },
    /// The push could not be sent; `reason` says why, for the agent.
    NotSent {
        approver: Approver,
        reason: String,
    },
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

impl CodeState {
    /// A code is asked for: the code field is on screen (and in the Tab cycle).
    pub fn expects_code(&self) -> bool {
        matches!(self, CodeState::Sending(_) | CodeState::Entering(_))
    }
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
    /// Stop waiting for the push in flight and withdraw it.
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
    /// Write a security escalation with this reason (the dialog's evidence, ticket and note go
    /// with it); the dialog closes once it is recorded.
    Escalate {
        reason: String,
    },
    /// The dialog is done (cancelled, or the caller check is over).
    Close,
    /// Ask the ticketing system about this ticket number.
    LookupTicket {
        number: String,
    },
    /// Open a ticket for this call, with the user as its caller.
    CreateTicket,
}

/// What outlives one dialog on the same call: the ticket, and the evidence that still means
/// something (which the gate judges by age, so a stale one counts for nothing).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Carried {
    pub ticket: String,
    /// The ticketing system's answer for `ticket`, when one was asked.
    pub ticket_lookup: Option<crate::policy::gate::TicketLookup>,
    pub evidence: Vec<PossessionEvidence>,
}

/// Evidence that may carry into the next dialog: approvals, and REJECTED pushes (a security
/// rule: a rejection blocks while it is fresh). A wrong code or a timeout is that dialog's
/// business and never shows up in the next one's "still missing".
pub fn carries_over(evidence: &PossessionEvidence) -> bool {
    matches!(
        evidence.result,
        ChallengeResult::Success | ChallengeResult::Rejected
    )
}
