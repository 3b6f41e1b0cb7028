//! Factor operations on the simulated world: unenroll (with Okta Verify's
//! cascade), verify (push transactions, SMS / email codes, TOTP), push
//! polling and cancelling, and the events each writes.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::history::{Actor, FactorRef, OrgEvent, What};
use super::{ApiRequest, State};
use crate::model::UserStatus;
use crate::sim::okta::admin_events::AdminAction;
use crate::sim::okta::api_error::ApiError;
use crate::sim::okta::events::Origin;
use crate::sim::okta::mfa_events::{Verdict, challenge_sent, verified};
use crate::sim::org::codes::{SentCode, new_code, totp, totp_expires, totp_matches};
use crate::sim::org::factors::{Factor, FactorKind};
use crate::sim::org::ids::trunc_ms;
use crate::sim::org::push::{NumberChallenge, PushHabit, PushResult, PushTxn, transaction_id};

/// Settled push transactions stay pollable this long.
const KEEP_SETTLED: chrono::Duration = chrono::Duration::minutes(10);

/// What a verify request did.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Verified {
    /// A push went out: `201` with poll and cancel links.
    PushSent(PushTxn),
    /// A code went out by SMS or email: `200 CHALLENGE`.
    CodeSent(Factor),
    /// The passcode was right: `200 SUCCESS`.
    Success,
}

/// A code the simulator knows for a factor (for tests, via `SimHandle::last_code`
/// and `GET /__sim/codes`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KnownCode {
    pub factor_id: String,
    pub factor_type: &'static str,
    pub code: String,
    pub expires_at: DateTime<Utc>,
}

fn not_active() -> ApiError {
    ApiError::validation("factorId", "The factor is not active.")
}

/// A browser must sign a WebAuthn challenge; there is no way to answer it over this API.
fn browser_only() -> ApiError {
    ApiError::validation(
        "factorType",
        "webauthn factors are verified in a browser, not through this API.",
    )
}

/// A suspended or deactivated user cannot sign in, so there is nothing to verify.
fn inactive_user(status: &UserStatus) -> bool {
    matches!(status, UserStatus::Deprovisioned | UserStatus::Suspended)
}

impl State {
    /// The user's factor with this id.
    pub fn factor(&self, user: usize, factor_id: &str) -> Result<&Factor, ApiError> {
        self.org.users[user]
            .factors
            .iter()
            .find(|f| f.id == factor_id)
            .ok_or_else(|| ApiError::factor_not_found(factor_id))
    }

    /// `DELETE …/factors/{factorId}`. Removing Okta Verify push also removes
    /// Okta Verify's TOTP, as Okta does; returns the removed ids in order.
    pub fn delete_factor(
        &mut self,
        user: usize,
        factor_id: &str,
        request: &ApiRequest,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, ApiError> {
        let kind = self.factor(user, factor_id)?.kind;
        if self.org.users[user].status == UserStatus::Deprovisioned {
            return Err(ApiError::wrong_status());
        }
        let at = trunc_ms(now);
        let factors = &mut self.org.users[user].factors;
        let (removed, kept): (Vec<Factor>, Vec<Factor>) =
            std::mem::take(factors).into_iter().partition(|f| {
                f.id == factor_id || (kind == FactorKind::Push && f.kind == FactorKind::OktaTotp)
            });
        *factors = kept;
        let ids: Vec<String> = removed.iter().map(|f| f.id.clone()).collect();
        self.forget_factors(&ids, at);
        for factor in &removed {
            self.log_admin(
                AdminAction::DeactivateFactor,
                user,
                Some(factor),
                request,
                at,
            );
        }
        let factor = FactorRef::of(factor_id, kind);
        let removed = ids.clone();
        self.record_admin(user, What::FactorRemoved { factor, removed }, request, at);
        Ok(ids)
    }

    /// `POST …/factors/{factorId}/verify`, with the body's `passCode` if any.
    pub fn verify_factor(
        &mut self,
        user: usize,
        factor_id: &str,
        pass_code: Option<&str>,
        code_lifetime: Duration,
        request: &ApiRequest,
        now: DateTime<Utc>,
    ) -> Result<Verified, ApiError> {
        let factor = self.factor(user, factor_id)?.clone();
        if inactive_user(&self.org.users[user].status) {
            return Err(ApiError::wrong_status());
        }
        if factor.status != "ACTIVE" {
            return Err(not_active());
        }
        let at = trunc_ms(now);
        match (factor.kind, pass_code) {
            (FactorKind::WebAuthn, _) => Err(browser_only()),
            (FactorKind::Push, _) => Ok(Verified::PushSent(
                self.send_push(user, &factor, request, at),
            )),
            (FactorKind::Sms | FactorKind::Email, None) => {
                let sent = SentCode {
                    code: new_code(&mut rand::rng()),
                    sent: at,
                    expires_at: at + chrono::Duration::from_std(code_lifetime).unwrap_or_default(),
                    used: false,
                };
                self.codes.insert(factor.id.clone(), sent);
                self.log_challenge(user, &factor, request, at);
                Ok(Verified::CodeSent(factor))
            }
            (FactorKind::OktaTotp | FactorKind::GoogleTotp, None) => Err(ApiError::validation(
                "passCode",
                "A passcode is required for this factor.",
            )),
            (kind, Some(code)) => {
                let right = match kind {
                    FactorKind::OktaTotp | FactorKind::GoogleTotp => {
                        totp_matches(&factor.id, code, now)
                    }
                    _ => match self.codes.get_mut(&factor.id) {
                        Some(sent) if sent.accepts(code, now) => {
                            sent.used = true;
                            true
                        }
                        _ => false,
                    },
                };
                let verdict = if right {
                    Verdict::Success
                } else {
                    Verdict::WrongCode
                };
                self.log_answer(user, &factor, verdict, request, at);
                if right {
                    Ok(Verified::Success)
                } else {
                    Err(ApiError::invalid_passcode())
                }
            }
        }
    }

    fn send_push(
        &mut self,
        user: usize,
        factor: &Factor,
        request: &ApiRequest,
        at: DateTime<Utc>,
    ) -> PushTxn {
        self.pushes
            .retain(|_, t| t.settled.is_none_or(|s| at - s < KEEP_SETTLED));
        let seeded = self.org.users[user].push;
        let habit = PushHabit {
            behaviour: seeded.behaviour,
            delay: self.push.delay.unwrap_or(seeded.delay),
        };
        let id = transaction_id(&mut self.rng);
        let mut txn = PushTxn::new(id, user, factor.id.clone(), habit, at, self.push.timeout);
        if self.push.number_challenge {
            txn.number = Some(NumberChallenge::draw(&mut self.rng));
        }
        if self.push.held {
            // The trainee answers from the training panel.
            txn.answer = None;
        }
        self.pushes.insert(txn.id.clone(), txn.clone());
        self.log_challenge(user, factor, request, at);
        txn
    }

    fn log_challenge(
        &mut self,
        user: usize,
        factor: &Factor,
        request: &ApiRequest,
        at: DateTime<Utc>,
    ) {
        self.log_admin_call(request, at, |rng, call, users| {
            challenge_sent(rng, at, call, &users[user], factor)
        });
        let factor = FactorRef::of(&factor.id, factor.kind);
        self.record_admin(user, What::MfaChallenge { factor }, request, at);
    }

    /// A passcode the admin typed in for the user: the user's act, the admin's request.
    fn log_answer(
        &mut self,
        user: usize,
        factor: &Factor,
        verdict: Verdict,
        request: &ApiRequest,
        at: DateTime<Utc>,
    ) {
        let origin = Origin::api_call(&self.org.users[self.org.admin], request.user_agent);
        let event = verified(
            &mut self.rng,
            at,
            &self.org.users[user],
            factor,
            &origin,
            verdict,
            Some((request.id, request.path)),
        );
        let what = What::MfaVerified {
            factor: Some(FactorRef::of(&factor.id, factor.kind)),
            success: verdict == Verdict::Success,
            timed_out: false,
        };
        let by_user = OrgEvent::new(user, what, Actor::User, at).from(&origin);
        self.history.record(by_user.request(request.id));
        self.append(event, at, at);
    }

    /// Moves the transaction to its result if the user answered or it expired
    /// by `now`, writing the answer's event at the moment it happened.
    pub fn settle_push(&mut self, txn_id: &str, now: DateTime<Utc>) {
        let Some(txn) = self.pushes.get_mut(txn_id) else {
            return;
        };
        let Some((result, at)) = txn.due(now) else {
            return;
        };
        let at = trunc_ms(at);
        txn.result = result;
        txn.settled = Some(at);
        let (user, factor_id) = (txn.user, txn.factor_id.clone());
        let verdict = match result {
            PushResult::Success => Verdict::Success,
            PushResult::Rejected => Verdict::Rejected,
            _ => Verdict::Unanswered,
        };
        let Ok(factor) = self.factor(user, &factor_id).cloned() else {
            return;
        };
        let u = &self.org.users[user];
        let event = verified(
            &mut self.rng,
            at,
            u,
            &factor,
            &Origin::phone(u),
            verdict,
            None,
        );
        let factor = FactorRef::of(&factor.id, factor.kind);
        let what = match verdict {
            Verdict::Rejected => What::PushDenied { factor },
            _ => What::MfaVerified {
                factor: Some(factor),
                success: verdict == Verdict::Success,
                timed_out: verdict == Verdict::Unanswered,
            },
        };
        let by_user = OrgEvent::new(user, what, Actor::User, at).from(&Origin::phone(u));
        self.history.record(by_user.recorded(now));
        self.append(event, at, now.max(at));
    }

    /// The transaction behind a poll link, settled as of `now`.
    pub fn poll_push(
        &mut self,
        user: usize,
        factor_id: &str,
        txn_id: &str,
        now: DateTime<Utc>,
    ) -> Result<PushTxn, ApiError> {
        self.owned_txn(user, factor_id, txn_id)?;
        self.settle_push(txn_id, now);
        self.owned_txn(user, factor_id, txn_id).cloned()
    }

    /// `DELETE` on the cancel link: a waiting push is withdrawn (Okta writes no
    /// event for it); an answered one keeps its result.
    pub fn cancel_push(
        &mut self,
        user: usize,
        factor_id: &str,
        txn_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        self.owned_txn(user, factor_id, txn_id)?;
        self.settle_push(txn_id, now);
        if let Some(txn) = self.pushes.get_mut(txn_id)
            && txn.result == PushResult::Waiting
        {
            txn.result = PushResult::Cancelled;
            txn.settled = Some(trunc_ms(now));
        }
        Ok(())
    }

    fn owned_txn(&self, user: usize, factor_id: &str, txn_id: &str) -> Result<&PushTxn, ApiError> {
        self.factor(user, factor_id)?;
        self.pushes
            .get(txn_id)
            .filter(|t| t.user == user && t.factor_id == factor_id)
            .ok_or_else(|| ApiError::transaction_not_found(txn_id))
    }

    /// The last code sent to each of the user's SMS / email factors (used or
    /// not), and the current code of each TOTP factor.
    pub fn known_codes(&self, user: usize, now: DateTime<Utc>) -> Vec<KnownCode> {
        self.org.users[user]
            .factors
            .iter()
            .filter_map(|f| {
                let (code, expires_at) = match f.kind {
                    FactorKind::OktaTotp | FactorKind::GoogleTotp => {
                        (totp(&f.id, now), totp_expires(now))
                    }
                    FactorKind::Sms | FactorKind::Email => {
                        let sent = self.codes.get(&f.id)?;
                        (sent.code.clone(), sent.expires_at)
                    }
                    FactorKind::Push | FactorKind::WebAuthn => return None,
                };
                Some(KnownCode {
                    factor_id: f.id.clone(),
                    factor_type: f.kind.factor_type(),
                    code,
                    expires_at,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::org::Org;
    use crate::sim::org::push::PushBehaviour;

    const REQ: ApiRequest<'static> = ApiRequest {
        id: "reqM",
        user_agent: "accessdesk/0.1",
        path: "/api/v1/users/x/factors/y",
    };
    const LIFETIME: Duration = Duration::from_secs(300);

    fn state() -> State {
        State::new(Org::generate(12, 400, Utc::now()), 12)
    }

    /// An ACTIVE user (not the admin) with active factors of all these kinds.
    fn user_with(s: &State, kinds: &[FactorKind]) -> usize {
        (0..s.org.users.len())
            .find(|&i| {
                let u = &s.org.users[i];
                i != s.org.admin
                    && u.status == UserStatus::Active
                    && kinds.iter().all(|k| {
                        u.factors
                            .iter()
                            .any(|f| f.kind == *k && f.status == "ACTIVE")
                    })
            })
            .unwrap_or_else(|| panic!("a user with {kinds:?}"))
    }

    fn factor_id(s: &State, user: usize, kind: FactorKind) -> String {
        s.org.users[user]
            .factors
            .iter()
            .find(|f| f.kind == kind)
            .unwrap()
            .id
            .clone()
    }

    fn event_types(s: &State, from: usize) -> Vec<String> {
        s.log.all()[from..]
            .iter()
            .map(|e| e.event()["eventType"].as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn deleting_push_takes_okta_verify_totp_along_but_not_google() {
        let mut s = state();
        let u = user_with(&s, &[FactorKind::Push, FactorKind::OktaTotp]);
        let push = factor_id(&s, u, FactorKind::Push);
        let totp = factor_id(&s, u, FactorKind::OktaTotp);
        let others = s.org.users[u].factors.len() - 2;
        let before = s.log.all().len();
        let removed = s.delete_factor(u, &push, &REQ, Utc::now()).unwrap();
        assert_eq!(removed.len(), 2);
        assert!(removed.contains(&push) && removed.contains(&totp));
        assert_eq!(s.org.users[u].factors.len(), others);
        assert_eq!(
            event_types(&s, before),
            ["user.mfa.factor.deactivate", "user.mfa.factor.deactivate"]
        );
        let targets: Vec<String> = s.log.all()[before..]
            .iter()
            .map(|e| e.event()["target"][1]["id"].as_str().unwrap().to_string())
            .collect();
        assert!(targets.contains(&push) && targets.contains(&totp));
        assert_eq!(
            s.delete_factor(u, &push, &REQ, Utc::now())
                .unwrap_err()
                .code,
            "E0000007"
        );

        let g = user_with(&s, &[FactorKind::GoogleTotp]);
        let google = factor_id(&s, g, FactorKind::GoogleTotp);
        assert_eq!(
            s.delete_factor(g, &google, &REQ, Utc::now()).unwrap(),
            [google]
        );
    }

    #[test]
    fn deactivated_users_keep_their_factors() {
        let mut s = state();
        let u = (0..s.org.users.len())
            .find(|&i| {
                s.org.users[i].status == UserStatus::Deprovisioned
                    && !s.org.users[i].factors.is_empty()
            })
            .unwrap();
        let id = s.org.users[u].factors[0].id.clone();
        let e = s.delete_factor(u, &id, &REQ, Utc::now()).unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (403, "E0000038"));
        let e = s
            .verify_factor(u, &id, None, LIFETIME, &REQ, Utc::now())
            .unwrap_err();
        assert_eq!(e.code, "E0000038");
    }

    #[test]
    fn sms_code_verifies_once_and_wrong_codes_are_logged() {
        let mut s = state();
        let u = user_with(&s, &[FactorKind::Sms]);
        let sms = factor_id(&s, u, FactorKind::Sms);
        let now = Utc::now();
        let before = s.log.all().len();
        let sent = s.verify_factor(u, &sms, None, LIFETIME, &REQ, now).unwrap();
        assert!(matches!(sent, Verified::CodeSent(ref f) if f.id == sms));
        let code = s.codes[&sms].code.clone();
        assert_eq!(s.known_codes(u, now)[0].code, code);
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let e = s
            .verify_factor(u, &sms, Some(wrong), LIFETIME, &REQ, now)
            .unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (403, "E0000068"));
        assert_eq!(
            s.verify_factor(u, &sms, Some(&code), LIFETIME, &REQ, now),
            Ok(Verified::Success)
        );
        let replay = s.verify_factor(u, &sms, Some(&code), LIFETIME, &REQ, now);
        assert_eq!(replay.unwrap_err().code, "E0000068");
        assert_eq!(
            event_types(&s, before),
            [
                "system.sms.send_factor_verify_message",
                "user.authentication.auth_via_mfa",
                "user.authentication.auth_via_mfa",
                "user.authentication.auth_via_mfa",
            ]
        );
        let results: Vec<String> = s.log.all()[before + 1..]
            .iter()
            .map(|e| e.event()["outcome"]["result"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(results, ["FAILURE", "SUCCESS", "FAILURE"]);
    }

    #[test]
    fn codes_expire_with_their_lifetime() {
        let mut s = state();
        let u = user_with(&s, &[FactorKind::Email]);
        let email = factor_id(&s, u, FactorKind::Email);
        let now = Utc::now();
        let short = Duration::from_secs(60);
        s.verify_factor(u, &email, None, short, &REQ, now).unwrap();
        let code = s.codes[&email].code.clone();
        let later = now + chrono::Duration::seconds(61);
        let e = s
            .verify_factor(u, &email, Some(&code), short, &REQ, later)
            .unwrap_err();
        assert_eq!(e.code, "E0000068");
    }

    #[test]
    fn totp_needs_the_current_code() {
        let mut s = state();
        let u = user_with(&s, &[FactorKind::OktaTotp]);
        let id = factor_id(&s, u, FactorKind::OktaTotp);
        let now = Utc::now();
        let code = totp(&id, now);
        assert_eq!(
            s.verify_factor(u, &id, Some(&code), LIFETIME, &REQ, now),
            Ok(Verified::Success)
        );
        let stale = now + chrono::Duration::seconds(120);
        assert!(
            s.verify_factor(u, &id, Some(&code), LIFETIME, &REQ, stale)
                .is_err()
        );
        let missing = s
            .verify_factor(u, &id, None, LIFETIME, &REQ, now)
            .unwrap_err();
        assert_eq!((missing.status.as_u16(), missing.code), (400, "E0000001"));
    }

    #[test]
    fn webauthn_and_inactive_factors_cannot_be_verified() {
        let mut s = state();
        let u = user_with(&s, &[FactorKind::WebAuthn]);
        let id = factor_id(&s, u, FactorKind::WebAuthn);
        let e = s
            .verify_factor(u, &id, None, LIFETIME, &REQ, Utc::now())
            .unwrap_err();
        assert_eq!(e.code, "E0000001");
        let u = user_with(&s, &[FactorKind::Sms]);
        let id = factor_id(&s, u, FactorKind::Sms);
        s.org.users[u]
            .factors
            .iter_mut()
            .find(|f| f.id == id)
            .unwrap()
            .status = "PENDING_ACTIVATION";
        let e = s
            .verify_factor(u, &id, None, LIFETIME, &REQ, Utc::now())
            .unwrap_err();
        assert_eq!(e.code, "E0000001");
        assert!(!s.codes.contains_key(&id), "no code for an inactive factor");
    }

    #[test]
    fn push_settles_with_the_users_answer_and_logs_it_when_it_happened() {
        let mut s = state();
        let u = user_with(&s, &[FactorKind::Push]);
        let push = factor_id(&s, u, FactorKind::Push);
        let now = trunc_ms(Utc::now());
        for (behaviour, result, event) in [
            (
                PushBehaviour::Approve,
                PushResult::Success,
                "user.authentication.auth_via_mfa",
            ),
            (
                PushBehaviour::Reject,
                PushResult::Rejected,
                "user.mfa.okta_verify.deny_push",
            ),
            (
                PushBehaviour::NoAnswer,
                PushResult::Timeout,
                "user.authentication.auth_via_mfa",
            ),
        ] {
            s.org.users[u].push.behaviour = behaviour;
            let before = s.log.all().len();
            let Ok(Verified::PushSent(txn)) = s.verify_factor(u, &push, None, LIFETIME, &REQ, now)
            else {
                panic!("push sent");
            };
            assert_eq!(
                event_types(&s, before),
                ["system.push.send_factor_verify_push"]
            );
            let waiting = s.poll_push(u, &push, &txn.id, now).unwrap();
            assert_eq!(waiting.result, PushResult::Waiting);
            let late = now + chrono::Duration::seconds(120);
            let done = s.poll_push(u, &push, &txn.id, late).unwrap();
            assert_eq!(done.result, result);
            let logged = &s.log.all().last().unwrap();
            assert_eq!(logged.event()["eventType"], event);
            assert_eq!(logged.published, done.settled.unwrap());
            assert!(logged.published < late);
            // Settling twice writes nothing more.
            let count = s.log.all().len();
            s.settle_push(&txn.id, late);
            assert_eq!(s.log.all().len(), count);
        }
    }

    #[test]
    fn cancel_withdraws_a_waiting_push_and_foreign_ids_are_not_found() {
        let mut s = state();
        let u = user_with(&s, &[FactorKind::Push]);
        let push = factor_id(&s, u, FactorKind::Push);
        let now = Utc::now();
        let Ok(Verified::PushSent(txn)) = s.verify_factor(u, &push, None, LIFETIME, &REQ, now)
        else {
            panic!("push sent");
        };
        let other = user_with(&s, &[FactorKind::Sms]);
        let e = s.poll_push(other, &push, &txn.id, now).unwrap_err();
        assert_eq!(e.code, "E0000007");
        let e = s.poll_push(u, &push, "v2mst.nope", now).unwrap_err();
        assert!(e.summary.contains("(Transaction)"), "{}", e.summary);
        let before = s.log.all().len();
        s.cancel_push(u, &push, &txn.id, now).unwrap();
        let later = now + chrono::Duration::seconds(600);
        assert_eq!(
            s.poll_push(u, &push, &txn.id, later).unwrap().result,
            PushResult::Cancelled
        );
        assert_eq!(
            s.log.all().len(),
            before,
            "a cancelled push is never answered"
        );
    }

    #[test]
    fn removing_the_factor_cancels_its_pending_push() {
        let mut s = state();
        let u = user_with(&s, &[FactorKind::Push]);
        let push = factor_id(&s, u, FactorKind::Push);
        let now = Utc::now();
        let Ok(Verified::PushSent(txn)) = s.verify_factor(u, &push, None, LIFETIME, &REQ, now)
        else {
            panic!("push sent");
        };
        s.delete_factor(u, &push, &REQ, now).unwrap();
        assert_eq!(s.pushes[&txn.id].result, PushResult::Cancelled);
        let before = s.log.all().len();
        s.settle_push(&txn.id, now + chrono::Duration::seconds(600));
        assert_eq!(s.log.all().len(), before);
    }
}
