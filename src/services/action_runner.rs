//! The action runner: a [`Verified`] action goes to the IdP, the outcome to the audit log, and
//! the user is read back to show what changed. Refusals are audited too.

use chrono::Utc;

use crate::audit::{AuditEntry, AuditRecord, AuditTrail, Evidence, Outcome};
use crate::idp::{ActionFailure, ActionReceipt, Directory};
use crate::model::{Action, Factor, User, removal_set};
use crate::policy::gate::{
    Attestation, PossessionEvidence, Refusal, Target, Verified, normalize_ticket,
};

/// Who is acting, for the audit log.
#[derive(Debug, Clone)]
pub struct Agent {
    pub name: String,
    /// The IdP org acted on (its base URL), written into every record.
    pub org: Option<String>,
}

/// What happened, for the screen or the terminal.
#[derive(Debug)]
pub struct ActionOutcome {
    pub result: Result<ActionReceipt, ActionFailure>,
    /// The user as the IdP shows them afterwards (None if the re-read failed).
    pub user_after: Option<User>,
    /// The factors afterwards, for factor resets.
    pub factors_after: Option<Vec<Factor>>,
    /// Every factor the action removed: those listed before and gone after (the chosen ones
    /// and any the IdP took along); when the list could not be read back, the ones the
    /// removal was expected to take.
    pub removed: Vec<Factor>,
    /// The audit record written, or why none could be.
    pub audit: Result<AuditRecord, String>,
}

/// Carry out a verified action, audit it, and read the user back.
pub async fn run<D: Directory>(
    directory: &D,
    audit: &mut AuditTrail,
    agent: &Agent,
    verified: &Verified,
) -> ActionOutcome {
    let target = verified.target();
    let resets_factors = matches!(
        verified.action(),
        Action::ResetAllFactors | Action::ResetFactors { .. }
    );
    let factors_before = if resets_factors {
        directory.list_factors(&target.user_id).await.ok()
    } else {
        None
    };
    let result = directory.perform(verified).await;
    let factors_after = if resets_factors {
        directory.list_factors(&target.user_id).await.ok()
    } else {
        None
    };
    let removed = removed_factors(
        verified.action(),
        factors_before.as_deref(),
        factors_after.as_deref(),
    );
    let mut entry = base_entry(agent, verified.action(), target);
    entry.ticket = verified.ticket().map(str::to_string);
    entry.ticket_check = verified.ticket_facts().cloned();
    entry.checklist = verified.checklist().to_vec();
    entry.note = join_notes(entry.note.take(), verified.note());
    entry.evidence = verified
        .evidence()
        .map(audit_evidence)
        .into_iter()
        .collect();
    let request_ids = match &result {
        Ok(receipt) => &receipt.request_ids,
        Err(failure) => &failure.done.request_ids,
    };
    entry.idp_request_id = (!request_ids.is_empty()).then(|| request_ids.join(","));
    entry.factors_removed = removed.iter().map(Factor::describe_with_id).collect();
    if let Err(failure) = &result {
        entry.outcome = Outcome::Failed;
        entry.error = Some(directory.explain(&failure.error));
    }
    let audit = audit.append(&entry).map_err(|e| e.to_string());

    let user_after = directory.get_user(&target.user_id).await.ok();
    ActionOutcome {
        result,
        user_after,
        factors_after,
        removed,
        audit,
    }
}

/// What went: listed before and not after. Without both lists, what the action was expected
/// to take (the chosen factors and those the IdP removes along with them).
fn removed_factors(
    action: &Action,
    before: Option<&[Factor]>,
    after: Option<&[Factor]>,
) -> Vec<Factor> {
    match (before, after) {
        (Some(before), Some(after)) => before
            .iter()
            .filter(|f| !after.iter().any(|a| a.id == f.id))
            .cloned()
            .collect(),
        (Some(before), None) => match action {
            Action::ResetAllFactors => before.to_vec(),
            Action::ResetFactors { factor_ids } => removal_set(factor_ids, before)
                .into_iter()
                .cloned()
                .collect(),
            _ => Vec::new(),
        },
        (None, _) => Vec::new(),
    }
}

/// Audit an attempt the gate (or a state check) refused; nothing was sent to the IdP.
pub fn record_refusal(
    audit: &mut AuditTrail,
    agent: &Agent,
    action: &Action,
    target: &Target,
    attestation: &Attestation,
    reasons: &[String],
) -> Result<AuditRecord, String> {
    record_stop(
        audit,
        agent,
        &Attempt::Action(action),
        Subject::User(target),
        attestation,
        Outcome::Refused,
        reasons,
    )
}

/// What was being attempted: a change, or a check of the caller.
#[derive(Debug, Clone, Copy)]
pub enum Attempt<'a> {
    Action(&'a Action),
    VerifyCaller,
}

impl Attempt<'_> {
    pub fn audit_name(&self) -> &'static str {
        match self {
            Attempt::Action(action) => action.audit_name(),
            Attempt::VerifyCaller => VERIFY_CALLER,
        }
    }
}

/// The audit log's name for a check of the caller.
pub const VERIFY_CALLER: &str = "verify_caller";

/// Who an attempt was about: a user the IdP returned, or only the login the agent typed
/// (it matched no user, or was never looked up, as in read-only mode).
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    User(&'a Target),
    Typed(&'a str),
}

/// Audit an attempt that ended before the IdP acted: `Refused` (the gate, the user's state,
/// read-only mode, an unknown login, no usable factor) or `Failed` (the IdP could not be
/// asked). Every such stop is recorded, with whatever evidence was gathered by then.
pub fn record_stop(
    audit: &mut AuditTrail,
    agent: &Agent,
    attempt: &Attempt,
    subject: Subject,
    attestation: &Attestation,
    outcome: Outcome,
    reasons: &[String],
) -> Result<AuditRecord, String> {
    let mut entry = AuditEntry::new(
        Utc::now(),
        agent.name.clone(),
        attempt.audit_name(),
        outcome,
    );
    let mut known = None;
    match subject {
        Subject::User(target) => {
            entry.target_id = Some(target.user_id.clone());
            entry.target_login = Some(target.login.clone());
            known = Some(target);
        }
        Subject::Typed(login) => entry.target_login = Some(login.trim().to_string()),
    }
    // The check is kept even when the gate said no: a closed ticket is evidence too.
    entry.ticket_check = attestation
        .ticket_lookup
        .as_ref()
        .filter(|l| normalize_ticket(l.number()) == normalize_ticket(&attestation.ticket))
        .and_then(|l| l.facts(known));
    entry.org = agent.org.clone();
    entry.ticket = Some(normalize_ticket(&attestation.ticket)).filter(|t| !t.is_empty());
    entry.checklist = attestation.confirmed.iter().cloned().collect();
    entry.evidence = attestation.evidence.iter().map(audit_evidence).collect();
    entry.error = Some(reasons.join("; "));
    let action_note = match attempt {
        Attempt::Action(Action::ResetFactors { factor_ids }) => {
            Some(format!("factors: {}", factor_ids.join(", ")))
        }
        _ => None,
    };
    entry.note = join_notes(action_note, attestation.note.as_deref());
    audit.append(&entry).map_err(|e| e.to_string())
}

/// Audit a stand-alone verification of the caller (a push and its answer, no change made).
pub fn record_verification(
    audit: &mut AuditTrail,
    agent: &Agent,
    target: &Target,
    ticket: Option<&str>,
    evidence: &PossessionEvidence,
    note: Option<&str>,
) -> Result<AuditRecord, String> {
    let outcome = if evidence.result == crate::model::ChallengeResult::Success {
        Outcome::Succeeded
    } else {
        Outcome::Refused
    };
    let mut entry = AuditEntry::new(Utc::now(), agent.name.clone(), VERIFY_CALLER, outcome);
    entry.target_id = Some(target.user_id.clone());
    entry.target_login = Some(target.login.clone());
    entry.org = agent.org.clone();
    entry.ticket = ticket.map(normalize_ticket).filter(|t| !t.is_empty());
    entry.evidence = vec![audit_evidence(evidence)];
    entry.note = join_notes(None, note);
    audit.append(&entry).map_err(|e| e.to_string())
}

/// The gate's refusals as sentences.
pub fn reasons(refusals: &[Refusal]) -> Vec<String> {
    refusals.iter().map(ToString::to_string).collect()
}

fn base_entry(agent: &Agent, action: &Action, target: &Target) -> AuditEntry {
    let mut entry = AuditEntry::new(
        Utc::now(),
        agent.name.clone(),
        action.audit_name(),
        Outcome::Succeeded,
    );
    entry.target_id = Some(target.user_id.clone());
    entry.target_login = Some(target.login.clone());
    entry.org = agent.org.clone();
    if let Action::ResetFactors { factor_ids } = action {
        entry.note = Some(format!("factors: {}", factor_ids.join(", ")));
    }
    entry
}

/// The factors an action names, then the agent's own note.
fn join_notes(action_note: Option<String>, agent_note: Option<&str>) -> Option<String> {
    let parts: Vec<String> = action_note
        .into_iter()
        .chain(
            agent_note
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string),
        )
        .collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// Possession evidence as the audit log records it.
pub fn audit_evidence(e: &PossessionEvidence) -> Evidence {
    Evidence {
        kind: e.kind.as_str().to_string(),
        subject_login: Some(e.approver_login.clone()),
        factor_id: Some(e.factor_id.clone()),
        transaction_id: e.transaction_id.clone(),
        result: e.result.as_str().to_string(),
        at: Some(e.at),
    }
}
