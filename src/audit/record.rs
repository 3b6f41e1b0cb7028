//! What the audit log records: one agent action, provider-neutral, and its place in the chain.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::TicketFacts;

/// The action name of a security escalation: the agent's report that a caller could not be
/// verified (a REJECTED push, a failed check), written with outcome `refused` and the reason
/// in `error`.
pub const ESCALATION_ACTION: &str = "escalate";

/// One action (or refused or failed attempt) as a caller records it. Nothing secret belongs
/// here: `append` refuses entries that look like they carry a password link, token or code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub time: DateTime<Utc>,
    /// The OS user or the configured agent name.
    pub agent: String,
    /// "unlock", "reset_password", "reset_factors", "reset_factor", "verify_caller", …
    pub action: String,
    pub target_id: Option<String>,
    pub target_login: Option<String>,
    pub ticket: Option<String>,
    /// Ids of the checklist items the agent confirmed.
    pub checklist: Vec<String>,
    /// Possession evidence gathered for the action, in the order it was collected.
    pub evidence: Vec<Evidence>,
    /// The IdP's request id, to correlate with its own system log.
    pub idp_request_id: Option<String>,
    pub outcome: Outcome,
    pub error: Option<String>,
    pub note: Option<String>,
    /// The IdP org acted on (its base URL), so records from several orgs never mix up.
    #[serde(default)]
    pub org: Option<String>,
    /// Every factor the action removed, the chosen ones and those the IdP took along, as the
    /// agent recognises them (e.g. "Okta Verify code [ost1]").
    #[serde(default)]
    pub factors_removed: Vec<String>,
    /// The ticket as the ticketing system answered for it (its system id, state, caller),
    /// when one is configured.
    #[serde(default)]
    pub ticket_check: Option<TicketFacts>,
}

/// One verification challenge and its result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// "push", "manager_push", "otp", …
    pub kind: String,
    /// Who answered the challenge (the user, or their manager).
    pub subject_login: Option<String>,
    pub factor_id: Option<String>,
    pub transaction_id: Option<String>,
    /// "SUCCESS", "REJECTED", "TIMEOUT", …
    pub result: String,
    pub at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Succeeded,
    Failed,
    /// Not attempted: the gate or a limit said no.
    Refused,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Succeeded, Outcome::Failed, Outcome::Refused];

    /// The stable name used in the database, the hash and exports.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Succeeded => "succeeded",
            Outcome::Failed => "failed",
            Outcome::Refused => "refused",
        }
    }

    pub fn from_name(name: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == name)
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl AuditEntry {
    /// An entry with only the required fields; set the others directly.
    pub fn new(
        time: DateTime<Utc>,
        agent: impl Into<String>,
        action: impl Into<String>,
        outcome: Outcome,
    ) -> AuditEntry {
        AuditEntry {
            time,
            agent: agent.into(),
            action: action.into(),
            target_id: None,
            target_login: None,
            ticket: None,
            checklist: Vec::new(),
            evidence: Vec::new(),
            idp_request_id: None,
            outcome,
            error: None,
            note: None,
            org: None,
            factors_removed: Vec::new(),
            ticket_check: None,
        }
    }

    /// A security escalation (see [`ESCALATION_ACTION`]).
    pub fn is_escalation(&self) -> bool {
        self.action == ESCALATION_ACTION
    }
}

/// An entry as stored: its sequence number and its link in the hash chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// 1, 2, 3, … with no gaps.
    pub seq: i64,
    #[serde(flatten)]
    pub entry: AuditEntry,
    /// The previous record's `hash` (64 zeros for the first record).
    pub prev_hash: String,
    /// See [`crate::audit::chain::record_hash`].
    pub hash: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_names_round_trip_and_match_serde() {
        for outcome in Outcome::ALL {
            assert_eq!(Outcome::from_name(outcome.as_str()), Some(outcome));
            assert_eq!(
                serde_json::to_string(&outcome).unwrap(),
                format!("\"{}\"", outcome.as_str())
            );
        }
        assert_eq!(Outcome::from_name("Succeeded"), None);
    }

    #[test]
    fn a_record_is_one_flat_json_object_that_reads_back() {
        let mut entry = AuditEntry::new(
            "2024-05-01T09:00:00Z".parse().unwrap(),
            "alice",
            "unlock",
            Outcome::Succeeded,
        );
        entry.ticket = Some("INC0012345".into());
        let record = AuditRecord {
            seq: 7,
            entry,
            prev_hash: "a".repeat(64),
            hash: "b".repeat(64),
        };
        let json = serde_json::to_value(&record).unwrap();
        assert_eq!(json["seq"], 7);
        assert_eq!(json["agent"], "alice");
        assert_eq!(json["outcome"], "succeeded");
        assert_eq!(json["ticket"], "INC0012345");
        let back: AuditRecord = serde_json::from_value(json).unwrap();
        assert_eq!(back, record);
    }
}
