//! A security escalation: the agent stops a call and hands it to security — after a REJECTED
//! push, too many wrong codes, or a caller nobody can verify remotely. It changes nothing at
//! the IdP and is audited like a refusal, so `audit list --escalations` and the audit screen
//! can pick it out: action [`ACTION`], outcome refused, the reason in `error`, the agent's
//! note in `note`, the evidence gathered in the dialog, and the org.

use chrono::Utc;

use super::action_runner::{Agent, audit_evidence};
use crate::audit::{AuditEntry, AuditRecord, AuditTrail, Outcome};
use crate::notify::compose::{Alert, AlertKind};
use crate::policy::gate::{PossessionEvidence, Target, normalize_ticket};

/// The audit log's name for an escalation.
pub use crate::audit::ESCALATION_ACTION as ACTION;

/// What one escalation says.
#[derive(Debug, Clone, Copy)]
pub struct Escalation<'a> {
    pub target: &'a Target,
    pub ticket: Option<&'a str>,
    /// Why, in a sentence (the dialog names it from what happened).
    pub reason: &'a str,
    /// Every challenge of the dialog, as it ended.
    pub evidence: &'a [PossessionEvidence],
    /// The agent's own words.
    pub note: Option<&'a str>,
}

/// Write the escalation to the audit log.
pub fn record_escalation(
    audit: &mut AuditTrail,
    agent: &Agent,
    escalation: &Escalation<'_>,
) -> Result<AuditRecord, String> {
    let mut entry = AuditEntry::new(Utc::now(), agent.name.clone(), ACTION, Outcome::Refused);
    entry.target_id = Some(escalation.target.user_id.clone());
    entry.target_login = Some(escalation.target.login.clone());
    entry.org = agent.org.clone();
    // As the gate takes it, so records of one call share one ticket.
    entry.ticket = escalation
        .ticket
        .map(normalize_ticket)
        .filter(|t| !t.is_empty());
    entry.evidence = escalation.evidence.iter().map(audit_evidence).collect();
    entry.error = Some(escalation.reason.to_string());
    entry.note = escalation
        .note
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    audit.append(&entry).map_err(|e| e.to_string())
}

/// The help-desk channel's alert about an escalation audited as record `seq` (its key's
/// cycle, so the alert goes once per record).
pub fn escalation_alert(escalation: &Escalation<'_>, seq: i64, agent: &str) -> Alert {
    let mut facts = vec![
        ("User".to_string(), escalation.target.login.clone()),
        ("Why".to_string(), escalation.reason.to_string()),
        ("Agent".to_string(), agent.to_string()),
        ("Audit record".to_string(), format!("#{seq}")),
    ];
    if let Some(ticket) = escalation.ticket.filter(|t| !t.trim().is_empty()) {
        facts.push(("Ticket".to_string(), normalize_ticket(ticket)));
    }
    Alert {
        kind: AlertKind::Escalation,
        about: seq.to_string(),
        title: format!(
            "Escalated to security: a call about {} could not be verified",
            escalation.target.login
        ),
        user_id: Some(escalation.target.user_id.clone()),
        login: Some(escalation.target.login.clone()),
        facts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ChallengeResult;
    use crate::policy::gate::EvidenceKind;

    #[test]
    fn an_escalation_is_a_refused_escalate_record_with_reason_note_evidence_and_org() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = crate::audit::AuditLocation::local(dir.path())
            .open()
            .unwrap();
        let agent = Agent {
            name: "alice".into(),
            org: Some("https://acme.okta.com".into()),
        };
        let target = Target {
            user_id: "00u1".into(),
            login: "dana@example.com".into(),
            email: Some("dana@example.com".into()),
            manager_id: Some("00u2".into()),
        };
        let rejected = PossessionEvidence {
            kind: EvidenceKind::ManagerPush,
            for_user_id: "00u1".into(),
            approver_id: "00u2".into(),
            approver_login: "deepa.chen@example.com".into(),
            factor_id: "opf2".into(),
            transaction_id: Some("tx9".into()),
            result: ChallengeResult::Rejected,
            at: Utc::now(),
        };
        let record = record_escalation(
            &mut log,
            &agent,
            &Escalation {
                target: &target,
                ticket: Some(" inc0012345 "),
                reason: "the MANAGER's push (deepa.chen@example.com) was REJECTED",
                evidence: std::slice::from_ref(&rejected),
                note: Some("caller insisted on speed"),
            },
        )
        .unwrap();
        assert_eq!(
            record.entry.org.as_deref(),
            Some("https://acme.okta.com"),
            "the org goes into the entry (the audit log stores it)"
        );
        // What was stored and reads back.
        let stored = &log.list(None).unwrap()[0];
        assert_eq!(stored.seq, record.seq);
        let e = &stored.entry;
        assert_eq!((e.action.as_str(), e.outcome), (ACTION, Outcome::Refused));
        assert_eq!(e.agent, "alice");
        assert_eq!(e.target_login.as_deref(), Some("dana@example.com"));
        assert_eq!(e.ticket.as_deref(), Some("INC0012345"));
        assert_eq!(
            e.error.as_deref(),
            Some("the MANAGER's push (deepa.chen@example.com) was REJECTED")
        );
        assert_eq!(e.note.as_deref(), Some("caller insisted on speed"));
        assert_eq!(e.evidence.len(), 1);
        assert_eq!(e.evidence[0].kind, "manager_push");
        assert_eq!(e.evidence[0].result, "REJECTED");
        assert_eq!(
            e.evidence[0].subject_login.as_deref(),
            Some("deepa.chen@example.com")
        );
    }
}
