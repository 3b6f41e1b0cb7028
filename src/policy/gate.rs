//! The verification gate: the only way to obtain a [`Verified`], which the action runner
//! requires before it may call the IdP. A `Verified` binds one action to one target user and
//! exists only when the configured checklist is complete, the ticket is valid and — where the
//! policy asks for it — fresh possession evidence for that same user was approved.
//!
//! KBA answers are context, never proof (NIST SP 800-63A-4 §2.5.1): possession of an enrolled
//! factor (the user's own, or their manager's when the user lost the device) is the proof.

use chrono::{DateTime, Duration, Utc};
use regex::{Regex, RegexBuilder};
use std::collections::BTreeSet;
use thiserror::Error;

use crate::model::{Action, ActionKind, ChallengeResult, TicketFacts, User};
use crate::tickets::TicketProvider;

mod ticket_check;
pub use ticket_check::TicketLookup;

/// One item of the knowledge-based checklist the agent confirms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KbaItem {
    /// Short stable id, as `--kba` takes it.
    pub id: String,
    /// What the agent confirms, as shown in the dialog.
    pub text: String,
}

impl KbaItem {
    pub fn new(id: &str, text: &str) -> Self {
        Self {
            id: id.to_string(),
            text: text.to_string(),
        }
    }
}

/// What one kind of action needs before it may run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requirement {
    pub checklist: bool,
    pub ticket: bool,
    /// An approved push or OTP on the user's (or their manager's) own enrolled factor.
    pub possession: bool,
}

impl Requirement {
    pub const FULL: Requirement = Requirement {
        checklist: true,
        ticket: true,
        possession: true,
    };
}

/// The gate's configuration.
#[derive(Debug, Clone)]
pub struct GatePolicy {
    pub checklist: Vec<KbaItem>,
    /// What a ticket number must match, after [`normalize_ticket`]; letters match in either
    /// case.
    pub ticket_pattern: Regex,
    /// The expected form in words, for refusals and help ("INC, RITM or REQ followed by 7
    /// digits, e.g. INC0012345"): agents read this, never the pattern.
    pub ticket_format: String,
    /// Evidence older than this no longer counts.
    pub evidence_max_age: Duration,
    /// The ticketing system tickets are checked against; `None`: the pattern alone.
    pub ticket_system: Option<TicketProvider>,
    /// With a ticketing system: the ticket's caller must be the target user.
    pub ticket_caller_must_match: bool,
    pub unlock: Requirement,
    pub reset_password: Requirement,
    pub reset_factors: Requirement,
}

/// The default ticket format: ServiceNow incidents, requested items and requests.
pub const DEFAULT_TICKET_PATTERN: &str = r"^(INC|RITM|REQ)\d{7}$";
/// [`DEFAULT_TICKET_PATTERN`] in words.
pub const DEFAULT_TICKET_FORMAT: &str = "INC, RITM or REQ followed by 7 digits, e.g. INC0012345";

/// A ticket pattern as the gate uses it: letters match in either case, because tickets are
/// normalised to upper case before they are matched (a configured `^hd-\d+$` still works).
pub fn ticket_regex(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern).case_insensitive(true).build()
}

/// A ticket number as people type it, in the one form the gate checks and the audit log
/// stores: surrounding spaces dropped, letters in upper case (" inc0012345 " → "INC0012345").
pub fn normalize_ticket(raw: &str) -> String {
    raw.trim().to_uppercase()
}

impl Default for GatePolicy {
    fn default() -> Self {
        Self {
            checklist: default_checklist(),
            ticket_pattern: ticket_regex(DEFAULT_TICKET_PATTERN)
                .expect("the default pattern is valid"),
            ticket_format: DEFAULT_TICKET_FORMAT.to_string(),
            evidence_max_age: Duration::minutes(10),
            ticket_system: None,
            ticket_caller_must_match: true,
            unlock: Requirement::FULL,
            // The link goes to the address of record, so possession of the mailbox is the proof.
            reset_password: Requirement {
                checklist: true,
                ticket: true,
                possession: false,
            },
            reset_factors: Requirement::FULL,
        }
    }
}

/// The checklist used when the configuration names none.
pub fn default_checklist() -> Vec<KbaItem> {
    vec![
        KbaItem::new(
            "identity",
            "Caller gave their full name and login, matching the account",
        ),
        KbaItem::new(
            "callback",
            "Called back on the phone number of record, not the inbound number",
        ),
        KbaItem::new(
            "directory",
            "Department, title and manager the caller gave match the directory",
        ),
        KbaItem::new(
            "no_pressure",
            "Caller did not press urgency, authority or a request to skip the process",
        ),
    ]
}

impl GatePolicy {
    pub fn requirement(&self, kind: ActionKind) -> Requirement {
        match kind {
            ActionKind::Unlock => self.unlock,
            ActionKind::ResetPassword => self.reset_password,
            ActionKind::ResetFactors => self.reset_factors,
        }
    }
}

/// Who the action is for, as the gate needs to know them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub user_id: String,
    pub login: String,
    /// Matched against the ticket's caller, with the login.
    pub email: Option<String>,
    /// The manager whose device may approve instead of the user's.
    pub manager_id: Option<String>,
}

impl From<&User> for Target {
    fn from(u: &User) -> Self {
        Self {
            user_id: u.id.clone(),
            login: u.login.clone(),
            email: u.email.clone(),
            manager_id: u.manager_id.clone(),
        }
    }
}

/// Whose device answered the challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceKind {
    /// A push to the user's own Okta Verify.
    UserPush,
    /// A one-time code from the user's own SMS, e-mail or TOTP factor.
    UserOtp,
    /// A push to the user's manager's Okta Verify (the user lost their device).
    ManagerPush,
}

impl EvidenceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::UserPush => "push",
            EvidenceKind::UserOtp => "otp",
            EvidenceKind::ManagerPush => "manager_push",
        }
    }
}

/// The outcome of one possession challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PossessionEvidence {
    pub kind: EvidenceKind,
    /// The user this evidence vouches for (the action's target).
    pub for_user_id: String,
    /// The user whose factor answered: the target, or their manager.
    pub approver_id: String,
    /// The approver's login, for the audit log (the gate judges ids).
    pub approver_login: String,
    pub factor_id: String,
    pub transaction_id: Option<String>,
    pub result: ChallengeResult,
    /// When the challenge ended.
    pub at: DateTime<Utc>,
}

/// What the agent did in the verification dialog (or passed on the command line).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attestation {
    /// Ids of the checklist items confirmed.
    pub confirmed: BTreeSet<String>,
    pub ticket: String,
    /// What the ticketing system said about `ticket`, when one is configured.
    pub ticket_lookup: Option<TicketLookup>,
    pub note: Option<String>,
    pub evidence: Vec<PossessionEvidence>,
}

/// Why the gate refused; each is phrased for the agent.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Refusal {
    #[error("checklist incomplete: {}", .0.join(", "))]
    ChecklistIncomplete(Vec<String>),
    #[error("unknown checklist item {0:?}; see `accessdesk checklist`")]
    UnknownChecklistItem(String),
    #[error("a ticket number is required")]
    TicketMissing,
    /// The ticket itself is not in the message: the dialog shows it beside the refusal, and
    /// the audit log keeps it in its own field (a bare run of digits in free text would look
    /// like a one-time code there).
    #[error("the ticket number is not in the expected form: {expected}")]
    TicketInvalid { ticket: String, expected: String },
    #[error("the ticket has not been looked up in {system} yet")]
    TicketNotChecked { system: TicketProvider },
    #[error("{system} has no such ticket: check the number, or open one for this call")]
    TicketNotFound { system: TicketProvider },
    #[error("the ticket could not be checked in {system}: {error}")]
    TicketLookupFailed {
        system: TicketProvider,
        error: String,
    },
    #[error("the ticket is {state}, not open: reopen it or open a new one for this call")]
    TicketClosed { state: String },
    #[error("the ticket's caller is {caller}, not this user: use the user's own ticket")]
    TicketForAnotherCaller { caller: String },
    #[error(
        "possession evidence is required: an approved push or code on the user's own factor, or a push approved by their manager"
    )]
    PossessionMissing,
    #[error(
        "the push was REJECTED on the device: possible social engineering; do not proceed without escalating"
    )]
    PushRejected,
    #[error("the challenge timed out without an answer")]
    ChallengeTimedOut,
    #[error("the one-time code was wrong or has expired: ask for a new one")]
    CodeRejected,
    #[error("the challenge has not succeeded (it is {0})")]
    ChallengeNotSucceeded(String),
    #[error("the evidence was given for another user")]
    EvidenceForAnotherUser,
    #[error("the evidence is {minutes} min old; it is valid for {max} min: verify again")]
    EvidenceExpired { minutes: i64, max: i64 },
    #[error("the evidence is dated in the future")]
    EvidenceFromTheFuture,
    #[error("the approving device does not belong to the user")]
    ApproverNotTheUser,
    #[error("the approving device does not belong to the user's manager")]
    ApproverNotTheManager,
    #[error("the user has no manager in the directory, so a manager cannot approve")]
    NoManagerOnRecord,
}

/// Proof that the gate passed for one action on one user. Only [`check`] builds it: its fields
/// are private and it has no other constructor, so code holding a `Verified` has been through
/// the gate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    target: Target,
    action: Action,
    ticket: Option<String>,
    ticket_facts: Option<TicketFacts>,
    checklist: Vec<String>,
    note: Option<String>,
    evidence: Option<PossessionEvidence>,
    verified_at: DateTime<Utc>,
}

impl Verified {
    pub fn target(&self) -> &Target {
        &self.target
    }
    pub fn action(&self) -> &Action {
        &self.action
    }
    pub fn ticket(&self) -> Option<&str> {
        self.ticket.as_deref()
    }
    /// What the ticketing system said about the ticket, when one is configured.
    pub fn ticket_facts(&self) -> Option<&TicketFacts> {
        self.ticket_facts.as_ref()
    }
    pub fn checklist(&self) -> &[String] {
        &self.checklist
    }
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }
    /// The possession evidence that satisfied the gate, when the policy asked for one.
    pub fn evidence(&self) -> Option<&PossessionEvidence> {
        self.evidence.as_ref()
    }
    pub fn verified_at(&self) -> DateTime<Utc> {
        self.verified_at
    }

    /// Still usable at `now`: evidence expires, and so does the verification built on it.
    pub fn is_fresh(&self, policy: &GatePolicy, now: DateTime<Utc>) -> bool {
        let since = self.evidence.as_ref().map_or(self.verified_at, |e| e.at);
        now - since <= policy.evidence_max_age
    }
}

/// Clock skew tolerated on evidence timestamps.
const MAX_SKEW: Duration = Duration::seconds(60);

/// Check an attestation for `action` on `target` at `now`. On refusal, every reason is listed,
/// so the dialog can say everything that is still missing at once.
pub fn check(
    policy: &GatePolicy,
    target: &Target,
    action: &Action,
    attestation: &Attestation,
    now: DateTime<Utc>,
) -> Result<Verified, Vec<Refusal>> {
    let need = policy.requirement(action.kind());
    let mut refusals = Vec::new();

    for id in &attestation.confirmed {
        if !policy.checklist.iter().any(|item| &item.id == id) {
            refusals.push(Refusal::UnknownChecklistItem(id.clone()));
        }
    }
    if need.checklist {
        let missing: Vec<String> = policy
            .checklist
            .iter()
            .filter(|item| !attestation.confirmed.contains(&item.id))
            .map(|item| item.id.clone())
            .collect();
        if !missing.is_empty() {
            refusals.push(Refusal::ChecklistIncomplete(missing));
        }
    }

    let ticket = normalize_ticket(&attestation.ticket);
    let mut ticket_facts = None;
    if need.ticket {
        match policy.ticket_system {
            _ if ticket.is_empty() => refusals.push(Refusal::TicketMissing),
            // The system's own numbering decides; the pattern is for when nothing checks.
            Some(system) => match ticket_check::judge(
                system,
                policy.ticket_caller_must_match,
                target,
                &ticket,
                attestation.ticket_lookup.as_ref(),
            ) {
                Ok(facts) => ticket_facts = Some(facts),
                Err(why) => refusals.extend(why),
            },
            None if !policy.ticket_pattern.is_match(&ticket) => {
                refusals.push(Refusal::TicketInvalid {
                    ticket: ticket.clone(),
                    expected: policy.ticket_format.clone(),
                });
            }
            None => {}
        }
    }

    let mut accepted = None;
    if need.possession {
        match possession(policy, target, &attestation.evidence, now) {
            Ok(e) => accepted = Some(e.clone()),
            Err(why) => refusals.push(why),
        }
    }

    if !refusals.is_empty() {
        return Err(refusals);
    }
    Ok(Verified {
        target: target.clone(),
        action: action.clone(),
        ticket: (!ticket.is_empty()).then_some(ticket),
        ticket_facts,
        checklist: policy
            .checklist
            .iter()
            .filter(|item| attestation.confirmed.contains(&item.id))
            .map(|item| item.id.clone())
            .collect(),
        note: attestation.note.clone().filter(|n| !n.trim().is_empty()),
        evidence: accepted,
        verified_at: now,
    })
}

/// The newest evidence that proves possession for `target`, or why none does. A rejected push
/// newer than every success wins: a user who just refused a push did not ask for this.
pub fn possession<'a>(
    policy: &GatePolicy,
    target: &Target,
    evidence: &'a [PossessionEvidence],
    now: DateTime<Utc>,
) -> Result<&'a PossessionEvidence, Refusal> {
    let mut newest_first: Vec<&PossessionEvidence> = evidence.iter().collect();
    newest_first.sort_by_key(|e| std::cmp::Reverse(e.at));
    let mut first_problem = None;
    for e in newest_first {
        match judge(policy, target, e, now) {
            Ok(()) => return Ok(e),
            // A fresh rejection for this user stops the search: it overrides older successes.
            Err(Refusal::PushRejected) => return Err(Refusal::PushRejected),
            Err(why) => {
                first_problem.get_or_insert(why);
            }
        }
    }
    Err(first_problem.unwrap_or(Refusal::PossessionMissing))
}

fn judge(
    policy: &GatePolicy,
    target: &Target,
    e: &PossessionEvidence,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    if e.for_user_id != target.user_id {
        return Err(Refusal::EvidenceForAnotherUser);
    }
    if e.at > now + MAX_SKEW {
        return Err(Refusal::EvidenceFromTheFuture);
    }
    let age = now - e.at;
    if age > policy.evidence_max_age {
        return Err(Refusal::EvidenceExpired {
            minutes: age.num_minutes(),
            max: policy.evidence_max_age.num_minutes(),
        });
    }
    match e.kind {
        EvidenceKind::UserPush | EvidenceKind::UserOtp if e.approver_id != target.user_id => {
            return Err(Refusal::ApproverNotTheUser);
        }
        EvidenceKind::ManagerPush => match &target.manager_id {
            None => return Err(Refusal::NoManagerOnRecord),
            Some(manager) if manager != &e.approver_id => {
                return Err(Refusal::ApproverNotTheManager);
            }
            Some(_) => {}
        },
        _ => {}
    }
    match &e.result {
        ChallengeResult::Success => Ok(()),
        ChallengeResult::Rejected => Err(Refusal::PushRejected),
        ChallengeResult::Timeout => Err(Refusal::ChallengeTimedOut),
        ChallengeResult::Failed if e.kind == EvidenceKind::UserOtp => Err(Refusal::CodeRejected),
        other => Err(Refusal::ChallengeNotSucceeded(other.as_str().to_string())),
    }
}

#[cfg(test)]
mod tests;
