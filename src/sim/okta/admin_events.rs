//! System Log events for what the token's admin does to a user through the
//! API: password reset and expiry, factor resets. Like `unlock_by_admin`, the
//! admin is the actor, the user (and the factor, if one) the targets, and the
//! transaction id is the API request's `X-Okta-Request-Id`.

use chrono::{DateTime, Utc};
use rand::Rng;
use serde_json::{Value, json};

use super::events::{Origin, Parts, assemble, user_actor, user_and_factor};
use crate::sim::org::factors::Factor;
use crate::sim::org::user::SimUser;

/// The admin operations that write an event. Event types are Okta's (all are
/// in the spec's event-hook list); legacy types are left null where Okta's
/// are not documented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AdminAction {
    ResetPassword,
    ExpirePassword,
    ResetFactors,
    /// One factor unenrolled (by `DELETE …/factors/{id}` or its cascade).
    DeactivateFactor,
}

impl AdminAction {
    pub fn event_type(self) -> &'static str {
        match self {
            Self::ResetPassword => "user.account.reset_password",
            Self::ExpirePassword => "user.account.expire_password",
            Self::ResetFactors => "user.mfa.factor.reset_all",
            Self::DeactivateFactor => "user.mfa.factor.deactivate",
        }
    }

    fn message(self) -> &'static str {
        match self {
            Self::ResetPassword => "Fired when the user's Okta password is reset",
            Self::ExpirePassword => "Fired when the user's Okta password is expired",
            Self::ResetFactors => "Reset all factors for user",
            Self::DeactivateFactor => "Reset factor for user",
        }
    }
}

/// Who did it and through which request.
pub(crate) struct AdminCall<'a> {
    pub admin: &'a SimUser,
    pub origin: &'a Origin,
    pub request_id: &'a str,
    /// The API path, for `debugData.requestUri`.
    pub path: &'a str,
}

pub(crate) fn admin_event(
    rng: &mut impl Rng,
    published: DateTime<Utc>,
    action: AdminAction,
    call: &AdminCall,
    user: &SimUser,
    factor: Option<&Factor>,
) -> Value {
    let target = match factor {
        Some(f) => user_and_factor(user, f),
        None => json!([user_actor(user)]),
    };
    let parts = Parts {
        event_type: action.event_type(),
        severity: "INFO",
        legacy: None,
        message: action.message(),
        result: "SUCCESS",
        reason: None,
        actor: user_actor(call.admin),
        target,
        request_uri: call.path.to_string(),
        session: None,
        credential_type: None,
        provider: None,
    };
    assemble(rng, published, call.origin, parts, Some(call.request_id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::org::Org;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn admin_acts_on_the_user_and_the_factor() {
        let now = Utc::now();
        let org = Org::generate(8, 40, now);
        let mut rng = ChaCha8Rng::seed_from_u64(8);
        let admin = &org.users[org.admin];
        let user = org.users.iter().find(|u| !u.factors.is_empty()).unwrap();
        let origin = Origin::api_call(admin, "accessdesk/0.1");
        let call = AdminCall {
            admin,
            origin: &origin,
            request_id: "reqXYZ",
            path: "/api/v1/users/00u/factors/x",
        };
        let factor = &user.factors[0];
        let e = admin_event(
            &mut rng,
            now,
            AdminAction::DeactivateFactor,
            &call,
            user,
            Some(factor),
        );
        assert_eq!(e["eventType"], "user.mfa.factor.deactivate");
        assert_eq!(e["actor"]["id"], admin.id.as_str());
        assert_eq!(e["target"][0]["type"], "User");
        assert_eq!(e["target"][0]["id"], user.id.as_str());
        assert_eq!(e["target"][1]["type"], "AuthenticatorEnrollment");
        assert_eq!(e["target"][1]["id"], factor.id.as_str());
        assert_eq!(e["transaction"]["id"], "reqXYZ");
        assert_eq!(e["client"]["userAgent"]["rawUserAgent"], "accessdesk/0.1");
        let reset = admin_event(&mut rng, now, AdminAction::ResetPassword, &call, user, None);
        assert_eq!(reset["target"].as_array().unwrap().len(), 1);
        assert_eq!(reset["outcome"]["result"], "SUCCESS");
    }
}
