//! What the help desk did about each user during this session: the feed marks a lockout with
//! it ("✓ unlocked 12:01 by alice (audit #7)"). Fed by finished actions and escalations.

use chrono::{DateTime, Utc};
use std::collections::HashMap;

use super::msg::ActionReport;
use crate::model::Action;

/// What was done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandledKind {
    Unlocked,
    ResetLinkSent,
    /// MFA factors removed (how many, the ones taken along included).
    FactorsReset(usize),
    /// A security escalation was recorded (e.g. after a REJECTED push).
    Escalated,
    /// The action was tried and the IdP failed it.
    Failed(Action),
}

/// One handled mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handled {
    pub kind: HandledKind,
    pub at: DateTime<Utc>,
    /// The agent who did it.
    pub agent: String,
    pub audit_seq: Option<i64>,
}

impl Handled {
    /// From a finished action, done by `agent`.
    pub fn from_report(report: &ActionReport, agent: &str) -> Handled {
        let kind = match (&report.result, &report.action) {
            (Err(_), action) => HandledKind::Failed(action.clone()),
            (Ok(_), Action::Unlock) => HandledKind::Unlocked,
            (Ok(_), Action::ResetPassword) => HandledKind::ResetLinkSent,
            (Ok(_), Action::ResetAllFactors | Action::ResetFactors { .. }) => {
                HandledKind::FactorsReset(report.removed.len())
            }
        };
        Handled {
            kind,
            at: report.at,
            agent: agent.to_string(),
            audit_seq: report.audit_seq,
        }
    }
}

/// The latest handled mark per user id.
#[derive(Debug, Clone, Default)]
pub struct HandledLog {
    by_user: HashMap<String, Handled>,
}

impl HandledLog {
    /// Keep `handled` as `user_id`'s latest mark (an older one never replaces a newer one).
    pub fn record(&mut self, user_id: &str, handled: Handled) {
        match self.by_user.get(user_id) {
            Some(existing) if existing.at > handled.at => {}
            _ => {
                self.by_user.insert(user_id.to_string(), handled);
            }
        }
    }

    /// The latest mark for this user, if any.
    pub fn get(&self, user_id: &str) -> Option<&Handled> {
        self.by_user.get(user_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn report(action: Action, ok: bool, minute: u32) -> ActionReport {
        ActionReport {
            action,
            user_id: "00u1".into(),
            login: "dana@example.com".into(),
            at: Utc.with_ymd_and_hms(2026, 12, 1, 12, minute, 0).unwrap(),
            result: if ok {
                Ok("done".into())
            } else {
                Err("E0000001".into())
            },
            audit_seq: Some(7),
            removed: Vec::new(),
        }
    }

    #[test]
    fn a_report_becomes_a_mark_and_a_newer_mark_wins() {
        let mut log = HandledLog::default();
        log.record(
            "00u1",
            Handled::from_report(&report(Action::Unlock, true, 1), "alice"),
        );
        let mark = log.get("00u1").unwrap();
        assert_eq!(mark.kind, HandledKind::Unlocked);
        assert_eq!((mark.agent.as_str(), mark.audit_seq), ("alice", Some(7)));

        let older = Handled::from_report(&report(Action::ResetPassword, false, 0), "bob");
        log.record("00u1", older);
        assert_eq!(log.get("00u1").unwrap().kind, HandledKind::Unlocked);

        let newer = Handled::from_report(&report(Action::ResetPassword, true, 2), "bob");
        log.record("00u1", newer);
        assert_eq!(log.get("00u1").unwrap().kind, HandledKind::ResetLinkSent);
        assert!(log.get("00u2").is_none());
    }

    #[test]
    fn a_failed_action_is_marked_as_failed() {
        let mark = Handled::from_report(&report(Action::Unlock, false, 1), "alice");
        assert_eq!(mark.kind, HandledKind::Failed(Action::Unlock));
    }
}
