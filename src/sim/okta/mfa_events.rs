//! System Log events of an identity check through the factor verify API.
//! Sending a push or a code is the admin's doing (actor: the admin, as for
//! the other admin events); the answer is the user's (actor: the user).
//! Outcome values are from the spec's `LogOutcome.result` enum: a rejected
//! push is `DENY`, an unanswered one `UNANSWERED`.

use chrono::{DateTime, Utc};
use rand::Rng;
use serde_json::Value;

use super::admin_events::AdminCall;
use super::events::{Origin, Parts, assemble, user_actor, user_and_factor};
use crate::sim::org::factors::{Factor, FactorKind};
use crate::sim::org::user::SimUser;

/// How a verification ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Success,
    /// A wrong, used or expired passcode.
    WrongCode,
    /// The user tapped "No, it's not me".
    Rejected,
    /// Nobody answered the push before it expired.
    Unanswered,
}

/// The challenge went out: `system.push.send_factor_verify_push`, or the
/// SMS / email `send_factor_verify_message`.
pub(crate) fn challenge_sent(
    rng: &mut impl Rng,
    published: DateTime<Utc>,
    call: &AdminCall,
    user: &SimUser,
    factor: &Factor,
) -> Value {
    let (event_type, message) = match factor.kind {
        FactorKind::Push => (
            "system.push.send_factor_verify_push",
            "Push notification sent for factor verification",
        ),
        FactorKind::Email => (
            "system.email.send_factor_verify_message",
            "Send factor verification email",
        ),
        _ => (
            "system.sms.send_factor_verify_message",
            "Send factor verification SMS",
        ),
    };
    let parts = Parts {
        event_type,
        severity: "INFO",
        legacy: None,
        message,
        result: "SUCCESS",
        reason: None,
        actor: user_actor(call.admin),
        target: user_and_factor(user, factor),
        request_uri: call.path.to_string(),
        session: None,
        credential_type: None,
        provider: None,
    };
    assemble(rng, published, call.origin, parts, Some(call.request_id))
}

/// The user's answer. A push answer comes from their phone with its own
/// request id; a passcode comes in the admin's API request.
pub(crate) fn verified(
    rng: &mut impl Rng,
    published: DateTime<Utc>,
    user: &SimUser,
    factor: &Factor,
    origin: &Origin,
    verdict: Verdict,
    request: Option<(&str, &str)>,
) -> Value {
    let (event_type, severity, legacy, message, result, reason) = match verdict {
        Verdict::Success => (
            "user.authentication.auth_via_mfa",
            "INFO",
            Some("core.user.factor.attempt_success"),
            "Authentication of user via MFA",
            "SUCCESS",
            None,
        ),
        Verdict::WrongCode => (
            "user.authentication.auth_via_mfa",
            "WARN",
            Some("core.user.factor.attempt_fail"),
            "Authentication of user via MFA",
            "FAILURE",
            Some("INVALID_CREDENTIALS"),
        ),
        Verdict::Unanswered => (
            "user.authentication.auth_via_mfa",
            "WARN",
            Some("core.user.factor.attempt_fail"),
            "Authentication of user via MFA",
            "UNANSWERED",
            Some("TIMEOUT"),
        ),
        Verdict::Rejected => (
            "user.mfa.okta_verify.deny_push",
            "WARN",
            None,
            "User rejected Okta push verify",
            "DENY",
            Some("USER_REJECTED"),
        ),
    };
    let (request_id, path) = match request {
        Some((id, path)) => (Some(id), path.to_string()),
        None => (None, "/idp/authenticators/okta_verify/poll".to_string()),
    };
    let parts = Parts {
        event_type,
        severity,
        legacy,
        message,
        result,
        reason,
        actor: user_actor(user),
        target: user_and_factor(user, factor),
        request_uri: path,
        session: None,
        credential_type: Some("OTP"),
        provider: Some("FACTOR_PROVIDER"),
    };
    assemble(rng, published, origin, parts, request_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::filter::{Case, parse};
    use crate::sim::org::Org;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn senders_are_admins_answerers_are_users_and_none_look_like_lockouts() {
        let now = Utc::now();
        let org = Org::generate(9, 60, now);
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let admin = &org.users[org.admin];
        let user = org
            .users
            .iter()
            .find(|u| u.factors.iter().any(|f| f.kind == FactorKind::Push))
            .unwrap();
        let push = user
            .factors
            .iter()
            .find(|f| f.kind == FactorKind::Push)
            .unwrap();
        let origin = Origin::api_call(admin, "accessdesk/0.1");
        let call = AdminCall {
            admin,
            origin: &origin,
            request_id: "reqP",
            path: "/api/v1/users/x/factors/y/verify",
        };
        let sent = challenge_sent(&mut rng, now, &call, user, push);
        assert_eq!(sent["eventType"], "system.push.send_factor_verify_push");
        assert_eq!(sent["actor"]["id"], admin.id.as_str());
        assert_eq!(sent["target"][1]["id"], push.id.as_str());
        let phone = Origin::phone(user);
        let denied = verified(&mut rng, now, user, push, &phone, Verdict::Rejected, None);
        assert_eq!(denied["eventType"], "user.mfa.okta_verify.deny_push");
        assert_eq!(denied["actor"]["id"], user.id.as_str());
        assert_eq!(denied["outcome"]["result"], "DENY");
        assert_ne!(denied["transaction"]["id"], "reqP");
        let timeout = verified(&mut rng, now, user, push, &phone, Verdict::Unanswered, None);
        assert_eq!(timeout["outcome"]["result"], "UNANSWERED");
        let wrong = verified(
            &mut rng,
            now,
            user,
            push,
            &origin,
            Verdict::WrongCode,
            Some(("reqQ", "/p")),
        );
        assert_eq!(wrong["outcome"]["reason"], "INVALID_CREDENTIALS");
        assert_eq!(wrong["transaction"]["id"], "reqQ");
        let lockouts = parse(
            r#"eventType eq "user.account.lock" or (eventType eq "user.session.start" and outcome.reason eq "LOCKED_OUT")"#,
        )
        .unwrap();
        for e in [&sent, &denied, &timeout, &wrong] {
            assert!(!lockouts.matches(e, Case::Sensitive));
        }
    }
}
