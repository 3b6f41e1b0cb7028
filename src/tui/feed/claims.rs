//! The desk's claims as this dashboard sees them (team mode): who is on a call with which user
//! now ("☎ bob"), and what a colleague did once they released it ("✓ unlocked 12:04 by bob"),
//! which becomes the feed's handled mark as if done here.
//!
//! The dashboard claims a user, not a lockout row (key `user:<id>`), so two agents who open the
//! same caller from different rows, or from search, contend for the same claim.

use chrono::{DateTime, Utc};
use std::collections::HashMap;

use crate::team::claims::Claim;
use crate::tui::handled::{Handled, HandledKind};

/// The claim key the dashboard uses for a user.
pub fn user_key(user_id: &str) -> String {
    format!("user:{user_id}")
}

/// The newest claim per user, as last read from the desk.
#[derive(Debug, Clone, Default)]
pub struct DeskClaims {
    /// The database role this dashboard claims as (its own claims are not "someone else's").
    me: String,
    by_user: HashMap<String, Claim>,
}

impl DeskClaims {
    pub fn new(me: &str) -> DeskClaims {
        DeskClaims {
            me: me.to_string(),
            by_user: HashMap::new(),
        }
    }

    /// Take a fresh read of the desk's claims; answer the marks colleagues' released claims
    /// leave (user id, mark), for the feed's handled log.
    pub fn update(&mut self, claims: Vec<Claim>) -> Vec<(String, Handled)> {
        let mut marks = Vec::new();
        let mut by_user: HashMap<String, Claim> = HashMap::new();
        for claim in claims {
            let Some(user) = claim.user_id.clone() else {
                continue;
            };
            if let Some(mark) = self.mark_of(&claim) {
                marks.push((user.clone(), mark));
            }
            match by_user.get(&user) {
                Some(newer) if newer.claimed_at >= claim.claimed_at => {}
                _ => {
                    by_user.insert(user, claim);
                }
            }
        }
        self.by_user = by_user;
        marks
    }

    /// A colleague's released claim with what they did. This dashboard's own results are
    /// marked when its actions finish (with their audit record).
    fn mark_of(&self, claim: &Claim) -> Option<Handled> {
        if claim.agent == self.me {
            return None;
        }
        let kind = HandledKind::from_outcome(claim.outcome.as_deref()?)?;
        Some(Handled {
            kind,
            at: claim.released_at?,
            agent: claim.agent.clone(),
            audit_seq: None,
        })
    }

    /// Someone else's live claim on this user.
    pub fn held_by_other(&self, user_id: &str, now: DateTime<Utc>) -> Option<&Claim> {
        self.by_user
            .get(user_id)
            .filter(|c| c.agent != self.me && c.is_live(now))
    }
}

/// What the agent is told when a colleague is already on the call.
pub fn held_message(claim: &Claim, login: &str) -> String {
    format!(
        "{} is on a call with {login} (since {}, claim ends {} UTC): ask them before acting",
        claim.agent,
        claim.claimed_at.format("%H:%M"),
        claim.expires_at.format("%H:%M"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Action;
    use chrono::TimeZone;

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 4, 12, minute, 0).unwrap()
    }

    fn claim(agent: &str, user: &str, minute: u32) -> Claim {
        Claim {
            lockout_uuid: user_key(user),
            user_id: Some(user.into()),
            agent: agent.into(),
            claimed_at: at(minute),
            expires_at: at(minute + 15),
            released_at: None,
            outcome: None,
        }
    }

    #[test]
    fn a_colleagues_live_claim_holds_the_user_and_mine_does_not() {
        let mut desk = DeskClaims::new("alice");
        desk.update(vec![claim("bob", "00u1", 1), claim("alice", "00u2", 2)]);
        assert_eq!(desk.held_by_other("00u1", at(3)).unwrap().agent, "bob");
        assert!(desk.held_by_other("00u2", at(3)).is_none(), "my own claim");
        assert!(desk.held_by_other("00u1", at(20)).is_none(), "expired");
    }

    #[test]
    fn a_released_claim_with_an_outcome_becomes_the_colleagues_mark() {
        let mut desk = DeskClaims::new("alice");
        let mut done = claim("bob", "00u1", 1);
        done.released_at = Some(at(4));
        done.outcome = Some(HandledKind::Unlocked.outcome());
        let mut untouched = claim("carol", "00u2", 1);
        untouched.released_at = Some(at(5));
        let mut mine = claim("alice", "00u3", 1);
        mine.released_at = Some(at(6));
        mine.outcome = Some(HandledKind::ResetLinkSent.outcome());

        let marks = desk.update(vec![done, untouched, mine]);
        assert_eq!(marks.len(), 1, "{marks:?}");
        let (user, mark) = &marks[0];
        assert_eq!(user, "00u1");
        assert_eq!(mark.label(false), "✓ unlocked 12:04 by bob");
        assert!(desk.held_by_other("00u1", at(5)).is_none(), "released");
    }

    #[test]
    fn the_newest_claim_on_a_user_is_the_one_that_counts() {
        let mut desk = DeskClaims::new("alice");
        let mut old = claim("bob", "00u1", 1);
        old.released_at = Some(at(2));
        old.outcome = Some(HandledKind::Failed(Action::Unlock).outcome());
        desk.update(vec![claim("carol", "00u1", 3), old]);
        assert_eq!(desk.held_by_other("00u1", at(4)).unwrap().agent, "carol");
    }

    #[test]
    fn the_held_message_names_who_since_and_until() {
        let text = held_message(&claim("bob", "00u1", 1), "dana@example.com");
        assert_eq!(
            text,
            "bob is on a call with dana@example.com (since 12:01, claim ends 12:16 UTC): ask them before acting"
        );
    }
}
