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

impl HandledKind {
    /// What a released claim says was done ("unlocked", "MFA reset (2 factors)", "unlock
    /// failed"): the words a colleague's mark shows, read back by [`HandledKind::from_outcome`].
    pub fn outcome(&self) -> String {
        match self {
            HandledKind::Unlocked => "unlocked".to_string(),
            HandledKind::ResetLinkSent => "reset link sent".to_string(),
            HandledKind::FactorsReset(n) => {
                format!("MFA reset ({n} factor{})", if *n == 1 { "" } else { "s" })
            }
            HandledKind::Escalated => "escalated".to_string(),
            HandledKind::Failed(action) => format!("{} failed", action_word(action)),
        }
    }

    /// The mark a released claim's outcome stands for; `None` for words this build does not
    /// know (a newer colleague's), which then mark nothing rather than something wrong.
    pub fn from_outcome(text: &str) -> Option<HandledKind> {
        let kind = match text {
            "unlocked" => HandledKind::Unlocked,
            "reset link sent" => HandledKind::ResetLinkSent,
            "escalated" => HandledKind::Escalated,
            "unlock failed" => HandledKind::Failed(Action::Unlock),
            "reset link failed" => HandledKind::Failed(Action::ResetPassword),
            "MFA reset failed" => HandledKind::Failed(Action::ResetAllFactors),
            _ => {
                let n = text
                    .strip_prefix("MFA reset (")?
                    .strip_suffix(')')?
                    .split(' ')
                    .next()?;
                HandledKind::FactorsReset(n.parse().ok()?)
            }
        };
        Some(kind)
    }
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
    /// What the feed's row says: "✓ unlocked 12:01 by alice (audit #7)", or in `short` form
    /// (narrow screens) "✓ unlocked 12:01".
    pub fn label(&self, short: bool) -> String {
        let at = self.at.format("%H:%M");
        let what = match (&self.kind, short) {
            (HandledKind::Unlocked, _) => format!("✓ unlocked {at}"),
            (HandledKind::ResetLinkSent, false) => format!("✓ reset link sent {at}"),
            (HandledKind::ResetLinkSent, true) => format!("✓ link sent {at}"),
            (HandledKind::FactorsReset(n), false) => format!(
                "✓ MFA reset ({n} factor{}) {at}",
                if *n == 1 { "" } else { "s" }
            ),
            (HandledKind::FactorsReset(_), true) => format!("✓ MFA reset {at}"),
            (HandledKind::Escalated, _) => format!("⚠ escalated {at}"),
            (HandledKind::Failed(action), false) => {
                format!("✗ {} failed {at}", action_word(action))
            }
            (HandledKind::Failed(action), true) => format!("✗ {} failed", action_word(action)),
        };
        if short {
            return what;
        }
        let mut text = what;
        if !self.agent.is_empty() {
            text.push_str(&format!(" by {}", self.agent));
        }
        if let Some(seq) = self.audit_seq {
            text.push_str(&format!(" (audit #{seq})"));
        }
        text
    }

    /// A mark that settles the lockout: something was done (a failed try settles nothing).
    pub fn settles(&self) -> bool {
        !matches!(self.kind, HandledKind::Failed(_))
    }

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

/// "unlock", "reset link", "MFA reset": the action as a mark or a prompt names it.
pub fn action_word(action: &Action) -> &'static str {
    match action {
        Action::Unlock => "unlock",
        Action::ResetPassword => "reset link",
        Action::ResetAllFactors | Action::ResetFactors { .. } => "MFA reset",
    }
}

/// The latest handled mark per user id.
#[derive(Debug, Clone, Default)]
pub struct HandledLog {
    by_user: HashMap<String, Handled>,
    /// Changes with every mark kept, so the feed knows to look again.
    generation: u64,
}

impl HandledLog {
    /// Keep `handled` as `user_id`'s latest mark (an older one never replaces a newer one).
    pub fn record(&mut self, user_id: &str, handled: Handled) {
        match self.by_user.get(user_id) {
            Some(existing) if existing.at > handled.at => {}
            _ => {
                self.by_user.insert(user_id.to_string(), handled);
                self.generation += 1;
            }
        }
    }

    /// Changes with every mark kept.
    pub fn generation(&self) -> u64 {
        self.generation
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
    fn labels_say_what_when_who_and_the_audit_record() {
        let mut mark = Handled::from_report(&report(Action::Unlock, true, 1), "alice");
        assert_eq!(mark.label(false), "✓ unlocked 12:01 by alice (audit #7)");
        assert_eq!(mark.label(true), "✓ unlocked 12:01");
        assert!(mark.settles());
        mark.kind = HandledKind::ResetLinkSent;
        assert_eq!(
            mark.label(false),
            "✓ reset link sent 12:01 by alice (audit #7)"
        );
        mark.kind = HandledKind::FactorsReset(2);
        assert_eq!(mark.label(true), "✓ MFA reset 12:01");
        assert_eq!(
            mark.label(false),
            "✓ MFA reset (2 factors) 12:01 by alice (audit #7)"
        );
        mark.kind = HandledKind::Escalated;
        mark.audit_seq = None;
        mark.agent.clear();
        assert_eq!(mark.label(false), "⚠ escalated 12:01");
        let failed = Handled::from_report(&report(Action::Unlock, false, 1), "alice");
        assert_eq!(failed.label(true), "✗ unlock failed");
        assert_eq!(
            failed.label(false),
            "✗ unlock failed 12:01 by alice (audit #7)"
        );
        assert!(!failed.settles());
    }

    #[test]
    fn the_generation_moves_only_when_a_mark_is_kept() {
        let mut log = HandledLog::default();
        log.record(
            "00u1",
            Handled::from_report(&report(Action::Unlock, true, 2), "a"),
        );
        let kept = log.generation();
        log.record(
            "00u1",
            Handled::from_report(&report(Action::Unlock, true, 1), "a"),
        );
        assert_eq!(log.generation(), kept, "an older mark is not kept");
        log.record(
            "00u2",
            Handled::from_report(&report(Action::Unlock, true, 1), "a"),
        );
        assert_ne!(log.generation(), kept);
    }

    #[test]
    fn an_outcome_reads_back_as_the_mark_it_came_from() {
        for kind in [
            HandledKind::Unlocked,
            HandledKind::ResetLinkSent,
            HandledKind::FactorsReset(1),
            HandledKind::FactorsReset(3),
            HandledKind::Escalated,
            HandledKind::Failed(Action::Unlock),
            HandledKind::Failed(Action::ResetPassword),
            HandledKind::Failed(Action::ResetAllFactors),
        ] {
            assert_eq!(HandledKind::from_outcome(&kind.outcome()), Some(kind));
        }
        assert_eq!(
            HandledKind::FactorsReset(1).outcome(),
            "MFA reset (1 factor)"
        );
        for unknown in [
            "",
            "rebooted",
            "MFA reset (x factors)",
            "MFA reset (2 factors",
        ] {
            assert_eq!(HandledKind::from_outcome(unknown), None, "{unknown:?}");
        }
    }

    #[test]
    fn a_failed_action_is_marked_as_failed() {
        let mark = Handled::from_report(&report(Action::Unlock, false, 1), "alice");
        assert_eq!(mark.kind, HandledKind::Failed(Action::Unlock));
    }
}
