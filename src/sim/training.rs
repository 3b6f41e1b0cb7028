//! The demo's training handle: what the simulated caller's phone (and their manager's) shows
//! right now — pushes waiting for an answer with their number challenge, the one-time codes the
//! simulator "sent" by SMS or e-mail, the current authenticator codes — and a way for the
//! trainee to answer a push as the caller would. In-process only: nothing here is served over
//! HTTP, and the codes it returns are simulated ones that exist only inside this simulator.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::model::{mask_email, mask_phone};
use crate::sim::SimError;
use crate::sim::org::codes::{totp, totp_expires};
use crate::sim::org::factors::FactorKind;
use crate::sim::org::push::{PushHabit, PushResult, PushTxn};
use crate::sim::state::{Shared, State, lock};

/// Whose phone it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneOwner {
    /// The user the agent works on (the caller).
    Caller,
    /// That user's manager (a manager push goes here).
    Manager,
}

/// A push on the phone's screen, waiting for a tap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushPrompt {
    pub transaction_id: String,
    /// The Okta Verify device it reached, e.g. "Dana's iPhone 15".
    pub device: String,
    pub sent_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// With number matching: the numbers the phone offers (the caller taps the one the agent
    /// reads out); `None` for a plain approve/deny push.
    pub choices: Option<[u32; 3]>,
}

/// How a push ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushOutcome {
    Approved,
    Rejected,
    TimedOut,
    Cancelled,
}

impl PushOutcome {
    fn from_result(result: PushResult) -> Option<Self> {
        match result {
            PushResult::Waiting => None,
            PushResult::Success => Some(Self::Approved),
            PushResult::Rejected => Some(Self::Rejected),
            PushResult::Timeout => Some(Self::TimedOut),
            PushResult::Cancelled => Some(Self::Cancelled),
        }
    }

    /// "approved", "denied", …, as the phone's history would say it.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Approved => "approved",
            Self::Rejected => "denied",
            Self::TimedOut => "expired unanswered",
            Self::Cancelled => "withdrawn by the agent",
        }
    }
}

/// Where a code on the phone came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeSource {
    /// A text message the simulator "sent".
    Sms,
    /// An e-mail the simulator "sent".
    Email,
    /// An authenticator app's current time-based code (Okta Verify or Google Authenticator).
    Authenticator,
}

/// A one-time code the phone shows. Its `Debug` hides the code, so it never reaches a log.
#[derive(Clone, PartialEq, Eq)]
pub struct ShownCode {
    pub factor_id: String,
    pub source: CodeSource,
    /// Where it went or which app shows it: "SMS to •••-0123", "Google Authenticator".
    pub label: String,
    pub code: String,
    /// When a sent code was sent (`None` for an authenticator's code).
    pub sent_at: Option<DateTime<Utc>>,
    /// When it stops working (an authenticator's: when the next one replaces it).
    pub expires_at: DateTime<Utc>,
    /// A sent code works once.
    pub used: bool,
}

impl std::fmt::Debug for ShownCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShownCode")
            .field("factor_id", &self.factor_id)
            .field("source", &self.source)
            .field("label", &self.label)
            .field("code", &"<hidden>")
            .field("sent_at", &self.sent_at)
            .field("expires_at", &self.expires_at)
            .field("used", &self.used)
            .finish()
    }
}

/// One simulated phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    pub owner: PhoneOwner,
    pub user_id: String,
    pub login: String,
    pub name: String,
    /// Pushes waiting for a tap, newest first.
    pub prompts: Vec<PushPrompt>,
    /// The newest push that ended, and when.
    pub last_push: Option<(PushOutcome, DateTime<Utc>)>,
    /// Codes sent to this user's SMS and e-mail factors, and their authenticators' codes.
    pub codes: Vec<ShownCode>,
}

/// What the trainee taps on a push.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneAnswer {
    /// "Yes, it's me" (a push without number matching).
    Approve,
    /// "No, it's not me".
    Reject,
    /// The number tapped on a number-matching push; the wrong one denies it.
    Pick(u32),
}

/// The demo's hold on the simulated phones. Cheap to clone; every clone drives the same
/// simulator.
#[derive(Clone)]
pub struct TrainingHandle {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for TrainingHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TrainingHandle { .. }")
    }
}

impl TrainingHandle {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// The phones of the user (id or login) and, when something reached it, of their manager.
    pub fn phones(&self, key: &str) -> Result<Vec<Phone>, SimError> {
        let now = Utc::now();
        let mut state = lock(&self.shared.state);
        let user = state
            .org
            .find(key)
            .ok_or_else(|| SimError::UnknownUser(key.to_string()))?;
        let manager = state
            .org
            .index_of_id(&state.org.users[user].profile_str("managerId"));
        // Answers and expiries that are due show as they are, even if nobody polled yet.
        let due: Vec<String> = state
            .pushes
            .values()
            .filter(|t| t.due(now).is_some())
            .map(|t| t.id.clone())
            .collect();
        for id in due {
            state.settle_push(&id, now);
        }
        let mut phones = vec![phone(&state, user, PhoneOwner::Caller, now)];
        if let Some(manager) = manager {
            let manager_phone = phone(&state, manager, PhoneOwner::Manager, now);
            if !manager_phone.prompts.is_empty() || manager_phone.last_push.is_some() {
                phones.push(manager_phone);
            }
        }
        Ok(phones)
    }

    /// Answer a waiting push as its phone's owner; returns how it ended.
    pub fn answer(&self, transaction_id: &str, answer: PhoneAnswer) -> Result<PushOutcome, String> {
        let now = Utc::now();
        let mut state = lock(&self.shared.state);
        state.settle_push(transaction_id, now);
        let txn = state
            .pushes
            .get_mut(transaction_id)
            .ok_or_else(|| "That push is no longer on the phone".to_string())?;
        if let Some(done) = PushOutcome::from_result(txn.result) {
            return Err(format!("That push was already {}", done.describe()));
        }
        let result = match (answer, txn.number) {
            (PhoneAnswer::Approve, Some(_)) => {
                return Err("This push asks for a number: pick the one the agent reads out".into());
            }
            (PhoneAnswer::Pick(_), None) => {
                return Err("This push has no number to pick: approve or deny it".into());
            }
            (PhoneAnswer::Approve, None) => PushResult::Success,
            (PhoneAnswer::Reject, _) => PushResult::Rejected,
            (PhoneAnswer::Pick(n), Some(number)) if n == number.correct => PushResult::Success,
            (PhoneAnswer::Pick(_), Some(_)) => PushResult::Rejected,
        };
        txn.answer = Some((now, result));
        state.settle_push(transaction_id, now);
        let settled = state.pushes.get(transaction_id).map(|t| t.result);
        settled
            .and_then(PushOutcome::from_result)
            .ok_or_else(|| "The push did not take the answer".to_string())
    }

    /// While held (the training panel is open), pushes wait for the trainee's answer; released,
    /// the phones' owners answer as their seeded habit says, counting from now.
    pub fn hold(&self, held: bool) {
        let now = Utc::now();
        let mut state = lock(&self.shared.state);
        state.push.held = held;
        let delay = state.push.delay;
        let State { org, pushes, .. } = &mut *state;
        for txn in pushes.values_mut() {
            if txn.result != PushResult::Waiting {
                continue;
            }
            txn.answer = if held {
                None
            } else {
                let seeded = org.users[txn.user].push;
                PushHabit {
                    behaviour: seeded.behaviour,
                    delay: delay.unwrap_or(seeded.delay),
                }
                .answer_from(now)
            };
        }
    }
}

fn phone(state: &State, user: usize, owner: PhoneOwner, now: DateTime<Utc>) -> Phone {
    let u = &state.org.users[user];
    let mine: Vec<&PushTxn> = state.pushes.values().filter(|t| t.user == user).collect();
    let device = |txn: &PushTxn| {
        u.factors
            .iter()
            .find(|f| f.id == txn.factor_id)
            .and_then(|f| f.profile.device_name(&u.profile))
            .unwrap_or_else(|| "Okta Verify".to_string())
    };
    let mut prompts: Vec<PushPrompt> = mine
        .iter()
        .filter(|t| t.result == PushResult::Waiting)
        .map(|t| PushPrompt {
            transaction_id: t.id.clone(),
            device: device(t),
            sent_at: t.sent,
            expires_at: t.expires_at,
            choices: t.number.map(|n| n.choices),
        })
        .collect();
    prompts.sort_by(|a, b| {
        b.sent_at
            .cmp(&a.sent_at)
            .then(a.transaction_id.cmp(&b.transaction_id))
    });
    let last_push = mine
        .iter()
        .filter_map(|t| Some((PushOutcome::from_result(t.result)?, t.settled?)))
        .max_by_key(|(_, at)| *at);
    Phone {
        owner,
        user_id: u.id.clone(),
        login: u.login().to_string(),
        name: u.display_name(),
        prompts,
        last_push,
        codes: codes(state, user, now),
    }
}

fn codes(state: &State, user: usize, now: DateTime<Utc>) -> Vec<ShownCode> {
    state.org.users[user]
        .factors
        .iter()
        .filter_map(|f| {
            let json = f.profile_json(&state.org.users[user]);
            let profile = |key: &str| json[key].as_str().unwrap_or_default().to_string();
            let (source, label) = match f.kind {
                FactorKind::Sms => (
                    CodeSource::Sms,
                    format!("SMS to {}", mask_phone(&profile("phoneNumber"))),
                ),
                FactorKind::Email => (
                    CodeSource::Email,
                    format!("E-mail to {}", mask_email(&profile("email"))),
                ),
                FactorKind::OktaTotp | FactorKind::GoogleTotp => {
                    (CodeSource::Authenticator, f.kind.display_name().to_string())
                }
                FactorKind::Push | FactorKind::WebAuthn => return None,
            };
            if f.status != "ACTIVE" {
                return None;
            }
            Some(match source {
                CodeSource::Authenticator => ShownCode {
                    factor_id: f.id.clone(),
                    source,
                    label,
                    code: totp(&f.id, now),
                    sent_at: None,
                    expires_at: totp_expires(now),
                    used: false,
                },
                CodeSource::Sms | CodeSource::Email => {
                    let sent = state.codes.get(&f.id)?;
                    ShownCode {
                        factor_id: f.id.clone(),
                        source,
                        label,
                        code: sent.code.clone(),
                        sent_at: Some(sent.sent),
                        expires_at: sent.expires_at,
                        used: sent.used,
                    }
                }
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::idp::Directory;
    use crate::idp::okta::{ClientOptions, OktaClient};
    use crate::model::ChallengeResult;
    use crate::sim::okta::http_tests::quiet;
    use crate::sim::{PushBehaviour, start};
    use secrecy::SecretString;

    /// A simulator with number matching, and a client on it.
    async fn sim(number_challenge: bool) -> (crate::sim::SimHandle, OktaClient) {
        let mut config = quiet(40);
        config.number_challenge = number_challenge;
        sim_with(config).await
    }

    async fn sim_with(config: crate::sim::SimConfig) -> (crate::sim::SimHandle, OktaClient) {
        let token = config.token.clone();
        let handle = start(config, ([127, 0, 0, 1], 0).into()).await.unwrap();
        let client = OktaClient::new(
            url::Url::parse(&handle.base_url()).unwrap(),
            SecretString::from(token),
            ClientOptions::default(),
        )
        .unwrap();
        (handle, client)
    }

    fn push_user(handle: &crate::sim::SimHandle) -> String {
        handle.users_with_push(PushBehaviour::Approve)[0].clone()
    }

    async fn send_push(client: &OktaClient, login: &str) -> crate::idp::PushChallenge {
        let user = client.get_user(login).await.unwrap();
        let factors = client.list_factors(&user.id).await.unwrap();
        let push = factors.iter().find(|f| f.can_push()).unwrap();
        client.send_push(&user.id, &push.id).await.unwrap()
    }

    #[tokio::test]
    async fn a_held_push_waits_for_the_trainee_and_the_right_number_approves_it() {
        let (handle, client) = sim(true).await;
        let training = handle.training();
        training.hold(true);
        let login = push_user(&handle);
        let challenge = send_push(&client, &login).await;
        let correct = challenge.correct_answer.expect("number matching is on");

        let phones = training.phones(&login).unwrap();
        assert_eq!(phones[0].owner, PhoneOwner::Caller);
        assert_eq!(phones[0].login, login);
        let prompt = &phones[0].prompts[0];
        let choices = prompt.choices.unwrap();
        assert!(choices.contains(&correct));
        assert_eq!(
            client.poll_push(&challenge).await.unwrap(),
            ChallengeResult::Waiting
        );

        let approve = training.answer(&prompt.transaction_id, PhoneAnswer::Approve);
        assert!(
            approve.unwrap_err().contains("pick"),
            "a number push needs a number"
        );
        let outcome = training.answer(&prompt.transaction_id, PhoneAnswer::Pick(correct));
        assert_eq!(outcome, Ok(PushOutcome::Approved));
        assert_eq!(
            client.poll_push(&challenge).await.unwrap(),
            ChallengeResult::Success
        );
        let again = training.answer(&prompt.transaction_id, PhoneAnswer::Reject);
        assert!(again.unwrap_err().contains("already approved"));
        let phones = training.phones(&login).unwrap();
        assert!(phones[0].prompts.is_empty());
        assert_eq!(
            phones[0].last_push.map(|(o, _)| o),
            Some(PushOutcome::Approved)
        );
        handle.shutdown().await;
    }

    #[tokio::test]
    async fn the_wrong_number_or_deny_rejects_the_push() {
        let (handle, client) = sim(true).await;
        let training = handle.training();
        training.hold(true);
        let login = push_user(&handle);
        let challenge = send_push(&client, &login).await;
        let correct = challenge.correct_answer.unwrap();
        let prompt = training.phones(&login).unwrap()[0].prompts[0].clone();
        let wrong = prompt
            .choices
            .unwrap()
            .into_iter()
            .find(|&n| n != correct)
            .unwrap();
        let outcome = training.answer(&prompt.transaction_id, PhoneAnswer::Pick(wrong));
        assert_eq!(outcome, Ok(PushOutcome::Rejected));
        assert_eq!(
            client.poll_push(&challenge).await.unwrap(),
            ChallengeResult::Rejected
        );

        let (handle2, client2) = sim(false).await;
        let training2 = handle2.training();
        training2.hold(true);
        let login2 = push_user(&handle2);
        let plain = send_push(&client2, &login2).await;
        assert_eq!(plain.correct_answer, None, "no number matching by default");
        let prompt = training2.phones(&login2).unwrap()[0].prompts[0].clone();
        assert_eq!(prompt.choices, None);
        let pick = training2.answer(&prompt.transaction_id, PhoneAnswer::Pick(12));
        assert!(pick.is_err());
        let deny = training2.answer(&prompt.transaction_id, PhoneAnswer::Reject);
        assert_eq!(deny, Ok(PushOutcome::Rejected));
        assert_eq!(
            client2.poll_push(&plain).await.unwrap(),
            ChallengeResult::Rejected
        );
        handle.shutdown().await;
        handle2.shutdown().await;
    }

    #[tokio::test]
    async fn sent_codes_and_authenticator_codes_are_on_the_phone_and_hidden_from_debug() {
        let (handle, client) = sim(false).await;
        let training = handle.training();
        // Someone with an SMS or e-mail factor.
        let mut found = None;
        for login in handle.user_logins() {
            let user = client.get_user(&login).await.unwrap();
            let factors = client.list_factors(&user.id).await.unwrap();
            if let Some(f) = factors.iter().find(|f| {
                matches!(
                    f.kind,
                    crate::model::FactorKind::Sms | crate::model::FactorKind::Email
                ) && f.is_active()
            }) {
                found = Some((login, user.id, f.id.clone()));
                break;
            }
        }
        let (login, user_id, factor_id) = found.expect("the seeded org has SMS or e-mail users");
        let before = training.phones(&login).unwrap();
        assert!(
            before[0].codes.iter().all(|c| c.factor_id != factor_id),
            "nothing sent yet"
        );
        client.send_code(&user_id, &factor_id).await.unwrap();
        let phones = training.phones(&login).unwrap();
        let code = phones[0]
            .codes
            .iter()
            .find(|c| c.factor_id == factor_id)
            .unwrap();
        assert_eq!(
            Some(code.code.clone()),
            handle.last_code(&login, &factor_id)
        );
        assert!(code.sent_at.is_some() && !code.used);
        let debug = format!("{phones:?}");
        assert!(!debug.contains(&code.code), "{debug}");
        handle.shutdown().await;
    }

    #[tokio::test]
    async fn releasing_the_hold_lets_the_seeded_answer_come() {
        let mut config = quiet(40);
        config.push_delay = Some(std::time::Duration::from_millis(10));
        let (handle, client) = sim_with(config).await;
        let training = handle.training();
        training.hold(true);
        let login = push_user(&handle);
        let challenge = send_push(&client, &login).await;
        assert_eq!(
            client.poll_push(&challenge).await.unwrap(),
            ChallengeResult::Waiting
        );
        training.hold(false);
        // Polled until the seeded answer (due 10 ms after the release) is in.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let mut result = ChallengeResult::Waiting;
        while result == ChallengeResult::Waiting && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            result = client.poll_push(&challenge).await.unwrap();
        }
        assert_eq!(result, ChallengeResult::Success);
        handle.shutdown().await;
    }
}
