//! The admin's lifecycle operations on a user: reset password, expire
//! password, reset all factors. Each one is allowed in exactly the statuses
//! whose single-user `_links` advertise it (`SimUser::allowed_actions`), so a
//! client that checks the link first never meets the error, and answers
//! `403 E0000038` otherwise.

use chrono::{DateTime, Utc};

use super::history::What;
use super::{ApiRequest, State};
use crate::model::UserStatus;
use crate::sim::okta::admin_events::AdminAction;
use crate::sim::okta::api_error::ApiError;
use crate::sim::org::ids::trunc_ms;
use crate::sim::org::push::PushResult;

/// Statuses in which Okta offers `resetFactors` (when any factor is enrolled;
/// with none the operation is a harmless no-op, so it is allowed).
fn factors_resettable(status: &UserStatus) -> bool {
    use UserStatus::*;
    matches!(status, Active | LockedOut | PasswordExpired | Recovery)
}

impl State {
    fn offers(&self, user: usize, rel: &str) -> bool {
        self.org.users[user]
            .allowed_actions()
            .iter()
            .any(|(r, _)| *r == rel)
    }

    /// `lifecycle/reset_password`: the user goes to RECOVERY until they use the
    /// one-time link (a locked-out user is thereby unlocked too).
    pub fn reset_password(
        &mut self,
        user: usize,
        request: &ApiRequest,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        if !self.offers(user, "resetPassword") {
            return Err(ApiError::wrong_status());
        }
        let at = trunc_ms(now);
        self.org.users[user].set_status(UserStatus::Recovery, at);
        self.log_admin(AdminAction::ResetPassword, user, None, request, at);
        self.record_admin(user, What::PasswordResetSent, request, at);
        Ok(())
    }

    /// `lifecycle/expire_password`: PASSWORD_EXPIRED, so the user must choose a
    /// new password at the next sign-in; the password itself is unchanged.
    pub fn expire_password(
        &mut self,
        user: usize,
        request: &ApiRequest,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        if !self.offers(user, "expirePassword") {
            return Err(ApiError::wrong_status());
        }
        let at = trunc_ms(now);
        self.org.users[user].set_status(UserStatus::PasswordExpired, at);
        self.log_admin(AdminAction::ExpirePassword, user, None, request, at);
        self.record_admin(user, What::PasswordExpired, request, at);
        Ok(())
    }

    /// `lifecycle/reset_factors`: every enrollment goes; the status stays.
    /// Pending pushes are cancelled and sent codes forgotten with their factors.
    pub fn reset_factors(
        &mut self,
        user: usize,
        request: &ApiRequest,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        if !factors_resettable(&self.org.users[user].status) {
            return Err(ApiError::wrong_status());
        }
        let at = trunc_ms(now);
        let removed: Vec<String> = self.org.users[user]
            .factors
            .drain(..)
            .map(|f| f.id)
            .collect();
        self.forget_factors(&removed, at);
        self.log_admin(AdminAction::ResetFactors, user, None, request, at);
        self.record_admin(user, What::FactorsReset, request, at);
        Ok(())
    }

    /// Cancels the waiting pushes of removed factors and drops their codes.
    pub(crate) fn forget_factors(&mut self, removed: &[String], at: DateTime<Utc>) {
        for txn in self.pushes.values_mut() {
            if txn.result == PushResult::Waiting && removed.contains(&txn.factor_id) {
                txn.result = PushResult::Cancelled;
                txn.settled = Some(at);
            }
        }
        for id in removed {
            self.codes.remove(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::org::Org;
    use crate::sim::org::user::SimUser;

    const REQ: ApiRequest<'static> = ApiRequest {
        id: "reqL",
        user_agent: "accessdesk/0.1",
        path: "/api/v1/users/x/lifecycle/op",
    };

    fn state() -> State {
        State::new(Org::generate(11, 300, Utc::now()), 11)
    }

    fn find(state: &State, status: UserStatus, factors: bool) -> usize {
        let admin = state.org.admin;
        (0..state.org.users.len())
            .find(|&i| {
                let u: &SimUser = &state.org.users[i];
                i != admin && u.status == status && u.factors.is_empty() != factors
            })
            .unwrap_or_else(|| panic!("a {status} user"))
    }

    fn last_event(state: &State) -> serde_json::Value {
        state.log.all().last().unwrap().event()
    }

    #[test]
    fn reset_password_puts_the_user_in_recovery_and_logs_it() {
        let mut s = state();
        let u = find(&s, UserStatus::LockedOut, true);
        s.reset_password(u, &REQ, Utc::now()).unwrap();
        assert_eq!(s.org.users[u].status, UserStatus::Recovery);
        let e = last_event(&s);
        assert_eq!(e["eventType"], "user.account.reset_password");
        assert_eq!(e["actor"]["id"], s.org.users[s.org.admin].id.as_str());
        assert_eq!(e["target"][0]["id"], s.org.users[u].id.as_str());
        assert_eq!(e["target"][0]["type"], "User");
        // Again from RECOVERY: a fresh link, still allowed.
        s.reset_password(u, &REQ, Utc::now()).unwrap();
        for status in [UserStatus::Deprovisioned, UserStatus::Suspended] {
            let v = find(&s, status.clone(), true);
            let before = s.log.all().len();
            let err = s.reset_password(v, &REQ, Utc::now()).unwrap_err();
            assert_eq!((err.status.as_u16(), err.code), (403, "E0000038"));
            assert_eq!(s.org.users[v].status, status);
            assert_eq!(s.log.all().len(), before, "no event for a refusal");
        }
    }

    #[test]
    fn expire_password_only_from_active_or_locked_out() {
        let mut s = state();
        let u = find(&s, UserStatus::Active, true);
        s.expire_password(u, &REQ, Utc::now()).unwrap();
        assert_eq!(s.org.users[u].status, UserStatus::PasswordExpired);
        assert_eq!(last_event(&s)["eventType"], "user.account.expire_password");
        let err = s.expire_password(u, &REQ, Utc::now()).unwrap_err();
        assert_eq!(err.code, "E0000038");
        let locked = find(&s, UserStatus::LockedOut, true);
        s.expire_password(locked, &REQ, Utc::now()).unwrap();
        let recovery = find(&s, UserStatus::Recovery, true);
        assert!(s.expire_password(recovery, &REQ, Utc::now()).is_err());
    }

    #[test]
    fn reset_factors_removes_every_enrollment_and_keeps_the_status() {
        let mut s = state();
        let u = find(&s, UserStatus::Active, true);
        s.reset_factors(u, &REQ, Utc::now()).unwrap();
        assert!(s.org.users[u].factors.is_empty());
        assert_eq!(s.org.users[u].status, UserStatus::Active);
        assert_eq!(last_event(&s)["eventType"], "user.mfa.factor.reset_all");
        let gone = find(&s, UserStatus::Deprovisioned, true);
        assert_eq!(
            s.reset_factors(gone, &REQ, Utc::now()).unwrap_err().code,
            "E0000038"
        );
        assert!(!s.org.users[gone].factors.is_empty());
    }

    #[test]
    fn allowed_statuses_match_the_advertised_links() {
        let s = state();
        for u in 0..s.org.users.len() {
            let user = &s.org.users[u];
            if !user.factors.is_empty() {
                assert_eq!(
                    factors_resettable(&user.status),
                    s.offers(u, "resetFactors"),
                    "{}",
                    user.status
                );
            }
        }
    }
}
