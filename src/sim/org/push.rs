//! Okta Verify push challenges: how each seeded user answers one (drawn from
//! the seed, on its own stream so the rest of the organisation is unchanged)
//! and the transactions a verify starts, which settle when the user answers
//! or the challenge expires.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::distr::{Distribution, weighted::WeightedIndex};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use super::ids::iso;
use super::user::SimUser;

/// What a user does when a push reaches their phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PushBehaviour {
    /// Taps "Yes, it's me" after a few seconds (`SUCCESS`).
    Approve,
    /// Taps "No, it's not me" after a few seconds (`REJECTED`).
    Reject,
    /// Never answers; the challenge ends in `TIMEOUT`.
    NoAnswer,
}

/// A user's seeded way of answering pushes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PushHabit {
    pub behaviour: PushBehaviour,
    /// How long they take to answer.
    pub delay: Duration,
}

impl Default for PushHabit {
    fn default() -> Self {
        Self {
            behaviour: PushBehaviour::Approve,
            delay: Duration::from_secs(3),
        }
    }
}

impl PushHabit {
    /// When and how someone with this habit answers a push that reached them at `from`.
    pub fn answer_from(self, from: DateTime<Utc>) -> Option<(DateTime<Utc>, PushResult)> {
        let at = from + chrono::Duration::from_std(self.delay).unwrap_or_default();
        match self.behaviour {
            PushBehaviour::Approve => Some((at, PushResult::Success)),
            PushBehaviour::Reject => Some((at, PushResult::Rejected)),
            PushBehaviour::NoAnswer => None,
        }
    }
}

/// Most people approve, some reject (they did not start a sign-in, or
/// mis-tap), a few leave the phone in a drawer.
pub(crate) fn assign_habits(users: &mut [SimUser], seed: u64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x9054_0A5E_7E11);
    let table = [
        (PushBehaviour::Approve, 80),
        (PushBehaviour::Reject, 12),
        (PushBehaviour::NoAnswer, 8),
    ];
    let weights = WeightedIndex::new(table.iter().map(|(_, w)| *w)).expect("weights");
    for user in users {
        user.push = PushHabit {
            behaviour: table[weights.sample(&mut rng)].0,
            delay: Duration::from_millis(rng.random_range(2_000..=5_000)),
        };
    }
}

/// Where a push transaction stands. `Cancelled` is not in the spec's
/// transaction enum but is in Okta's `UserFactorResultType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PushResult {
    Waiting,
    Success,
    Rejected,
    Timeout,
    Cancelled,
}

impl PushResult {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "WAITING",
            Self::Success => "SUCCESS",
            Self::Rejected => "REJECTED",
            Self::Timeout => "TIMEOUT",
            Self::Cancelled => "CANCELLED",
        }
    }
}

/// Okta Verify's number matching: the agent reads `correct` to the caller, whose phone offers
/// `choices` (the correct one among them); tapping another number denies the push.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NumberChallenge {
    pub correct: u32,
    pub choices: [u32; 3],
}

impl NumberChallenge {
    /// Three distinct two-digit numbers, one of them correct, in a random order.
    pub fn draw(rng: &mut impl Rng) -> Self {
        let mut choices = [0u32; 3];
        for i in 0..3 {
            choices[i] = loop {
                let n = rng.random_range(10..=99);
                if !choices[..i].contains(&n) {
                    break n;
                }
            };
        }
        let correct = choices[rng.random_range(0..3)];
        Self { correct, choices }
    }
}

/// One push challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PushTxn {
    pub id: String,
    pub user: usize,
    pub factor_id: String,
    /// When it was sent.
    pub sent: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// With number matching, the numbers the phone shows.
    pub number: Option<NumberChallenge>,
    /// When the user answers and how; `None` if they never do.
    pub answer: Option<(DateTime<Utc>, PushResult)>,
    pub result: PushResult,
    /// When the result stopped being `WAITING`.
    pub settled: Option<DateTime<Utc>>,
}

impl PushTxn {
    pub fn new(
        id: String,
        user: usize,
        factor_id: String,
        habit: PushHabit,
        sent: DateTime<Utc>,
        timeout: Duration,
    ) -> Self {
        let after = |d: Duration| sent + chrono::Duration::from_std(d).unwrap_or_default();
        let answer = habit.answer_from(sent);
        Self {
            id,
            user,
            factor_id,
            sent,
            expires_at: after(timeout),
            number: None,
            answer,
            result: PushResult::Waiting,
            settled: None,
        }
    }

    /// The result reached by `now` and when it was reached, if the transaction
    /// is still `WAITING` but should not be any more.
    pub fn due(&self, now: DateTime<Utc>) -> Option<(PushResult, DateTime<Utc>)> {
        if self.result != PushResult::Waiting {
            return None;
        }
        match self.answer {
            // An answer after expiry is too late: the challenge has already timed out.
            Some((at, result)) if at < self.expires_at && at <= now => Some((result, at)),
            _ if now >= self.expires_at => Some((PushResult::Timeout, self.expires_at)),
            _ => None,
        }
    }

    /// When `due` next changes its mind: the answer, else the expiry.
    pub fn next_change(&self) -> DateTime<Utc> {
        match self.answer {
            Some((at, _)) if at < self.expires_at => at,
            _ => self.expires_at,
        }
    }

    /// The poll answer, shaped like the spec's `UserFactorVerifyPushTransaction*` examples.
    pub fn to_json(&self, base: &str, user_id: &str, credential_id: &str) -> Value {
        let factor = format!("{base}/api/v1/users/{user_id}/factors/{}", self.factor_id);
        let me = format!("{factor}/transactions/{}", self.id);
        let profile = json!({"credentialId": credential_id});
        match self.result {
            PushResult::Waiting => {
                let mut waiting = json!({
                    "expiresAt": iso(self.expires_at),
                    "factorResult": "WAITING",
                    "profile": profile,
                    "_links": waiting_links(&me),
                });
                self.embed_number(&mut waiting);
                waiting
            }
            PushResult::Success => json!({"factorResult": "SUCCESS"}),
            done => json!({
                "factorResult": done.as_str(),
                "profile": profile,
                "_links": {
                    "verify": {"href": format!("{factor}/verify"), "hints": {"allow": ["POST"]}},
                    "factor": {"href": factor, "hints": {"allow": ["GET", "DELETE"]}},
                },
            }),
        }
    }

    /// The verify answer (`201`): the spec's `UserFactorChallengePushResponse`
    /// example carries no `profile` (and its schema wants object values there).
    pub fn challenge_json(&self, base: &str, user_id: &str) -> Value {
        let me = format!(
            "{base}/api/v1/users/{user_id}/factors/{}/transactions/{}",
            self.factor_id, self.id
        );
        let mut challenge = json!({
            "expiresAt": iso(self.expires_at),
            "factorResult": "WAITING",
            "_links": waiting_links(&me),
        });
        self.embed_number(&mut challenge);
        challenge
    }

    /// `_embedded.challenge.correctAnswer`, as Okta sends it with number matching.
    fn embed_number(&self, body: &mut Value) {
        if let Some(number) = self.number {
            body["_embedded"] = json!({"challenge": {"correctAnswer": number.correct}});
        }
    }
}

fn waiting_links(transaction: &str) -> Value {
    json!({
        "poll": {"href": transaction, "hints": {"allow": ["GET"]}},
        "cancel": {"href": transaction, "hints": {"allow": ["DELETE"]}},
    })
}

/// A transaction id like Okta's `v2mst.GldKV5VxTrifyeZmWSQguA`.
pub(crate) fn transaction_id(rng: &mut impl Rng) -> String {
    format!("v2mst.{}", super::ids::alnum(rng, 22))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + s, 0).unwrap()
    }

    fn txn(behaviour: PushBehaviour, delay_s: u64, timeout_s: u64) -> PushTxn {
        let habit = PushHabit {
            behaviour,
            delay: Duration::from_secs(delay_s),
        };
        PushTxn::new(
            "v2mst.x".into(),
            0,
            "opf1".into(),
            habit,
            t(0),
            Duration::from_secs(timeout_s),
        )
    }

    #[test]
    fn answers_arrive_after_the_delay_unless_the_challenge_expired_first() {
        let approve = txn(PushBehaviour::Approve, 3, 60);
        assert_eq!(approve.due(t(2)), None);
        assert_eq!(approve.due(t(3)), Some((PushResult::Success, t(3))));
        assert_eq!(approve.next_change(), t(3));
        let reject = txn(PushBehaviour::Reject, 4, 60);
        assert_eq!(reject.due(t(100)), Some((PushResult::Rejected, t(4))));
        let silent = txn(PushBehaviour::NoAnswer, 3, 60);
        assert_eq!(silent.due(t(59)), None);
        assert_eq!(silent.due(t(61)), Some((PushResult::Timeout, t(60))));
        let slow = txn(PushBehaviour::Approve, 10, 5);
        assert_eq!(slow.next_change(), t(5));
        assert_eq!(slow.due(t(11)), Some((PushResult::Timeout, t(5))));
    }

    #[test]
    fn a_number_challenge_offers_three_distinct_numbers_with_the_correct_one() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for _ in 0..200 {
            let n = NumberChallenge::draw(&mut rng);
            assert!(n.choices.contains(&n.correct));
            assert!(n.choices.iter().all(|c| (10..=99).contains(c)));
            assert!(n.choices[0] != n.choices[1] && n.choices[1] != n.choices[2]);
            assert_ne!(n.choices[0], n.choices[2]);
        }
    }

    #[test]
    fn number_matching_puts_the_correct_answer_where_okta_does() {
        let mut x = txn(PushBehaviour::Approve, 3, 60);
        assert!(
            x.challenge_json("http://h", "00u1")
                .get("_embedded")
                .is_none()
        );
        x.number = Some(NumberChallenge {
            correct: 72,
            choices: [15, 72, 48],
        });
        let challenge = x.challenge_json("http://h", "00u1");
        assert_eq!(challenge["_embedded"]["challenge"]["correctAnswer"], 72);
        let waiting = x.to_json("http://h", "00u1", "d");
        assert_eq!(waiting["_embedded"]["challenge"]["correctAnswer"], 72);
        x.result = PushResult::Success;
        assert!(
            x.to_json("http://h", "00u1", "d")
                .get("_embedded")
                .is_none()
        );
    }

    #[test]
    fn json_follows_the_spec_examples() {
        let mut x = txn(PushBehaviour::Reject, 3, 60);
        let waiting = x.to_json("http://h", "00u1", "dana@example.com");
        assert_eq!(waiting["factorResult"], "WAITING");
        assert_eq!(
            waiting["_links"]["poll"]["href"],
            "http://h/api/v1/users/00u1/factors/opf1/transactions/v2mst.x"
        );
        assert_eq!(waiting["_links"]["cancel"]["hints"]["allow"][0], "DELETE");
        let challenge = x.challenge_json("http://h", "00u1");
        assert!(challenge.get("profile").is_none());
        assert_eq!(challenge["expiresAt"], waiting["expiresAt"]);
        x.result = PushResult::Rejected;
        let rejected = x.to_json("http://h", "00u1", "dana@example.com");
        assert_eq!(rejected["profile"]["credentialId"], "dana@example.com");
        assert_eq!(
            rejected["_links"]["factor"]["href"],
            "http://h/api/v1/users/00u1/factors/opf1"
        );
        x.result = PushResult::Success;
        assert_eq!(
            x.to_json("http://h", "00u1", "d"),
            json!({"factorResult": "SUCCESS"})
        );
    }
}
