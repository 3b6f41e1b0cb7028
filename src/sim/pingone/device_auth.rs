//! PingOne MFA device authentications (the auth host's `/{envId}/deviceAuthentications`): a
//! possession check on one of the user's devices, run on the org's own factor verification so
//! the simulated phones answer pushes as they do for Okta (seeded habits, `push_delay`,
//! `push_timeout`, the training panel's hold), SMS and e-mail codes are "sent" where
//! `SimHandle::last_code` finds them, and every step is in the logs. A one-time passcode gets
//! three tries.

use std::time::Duration;

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::api_error::{ApiError, ErrorDetail};
use super::devices::{self, DeviceType};
use super::environment::{Environment, user_id};
use crate::sim::okta::api_error::ApiError as OktaError;
use crate::sim::org::ids::{iso, trunc_ms};
use crate::sim::org::push::PushResult;
use crate::sim::state::mfa::Verified;
use crate::sim::state::{ApiRequest, State};

/// How long a sent code, and an authentication waiting for a passcode, lasts.
const CODE_LIFETIME: Duration = Duration::from_secs(300);
const ATTEMPTS: u8 = 3;
/// Authentications stay readable this long after they finished or expired.
const KEEP_FINISHED: chrono::Duration = chrono::Duration::minutes(30);

const OTP_CHECK: &str = "application/vnd.pingidentity.otp.check+json";
const CANCEL: &str = "application/vnd.pingidentity.deviceAuthentication.cancel+json";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    OtpRequired,
    PushConfirmationRequired,
    Completed,
    /// With the error's code and message.
    Failed(&'static str, &'static str),
    PushTimedOut,
    Canceled,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Self::OtpRequired => "OTP_REQUIRED",
            Self::PushConfirmationRequired => "PUSH_CONFIRMATION_REQUIRED",
            Self::Completed => "COMPLETED",
            Self::Failed(..) => "FAILED",
            Self::PushTimedOut => "PUSH_CONFIRMATION_TIMED_OUT",
            Self::Canceled => "CANCELED",
        }
    }

    fn waiting(self) -> bool {
        matches!(self, Self::OtpRequired | Self::PushConfirmationRequired)
    }
}

/// One device authentication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DeviceAuth {
    pub id: String,
    pub user: usize,
    pub device_id: String,
    /// The org factor it checks: the push factor of a MOBILE device, else the device's own.
    pub factor_id: String,
    /// The push transaction of a MOBILE device.
    pub push: Option<String>,
    pub status: Status,
    pub attempts_left: u8,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub expires: DateTime<Utc>,
}

impl DeviceAuth {
    fn to_json(&self, state: &State, env: &Environment, auth_base: &str) -> Value {
        let mut body = json!({
            "_links": {"self": {"href": format!(
                "{auth_base}/{}/deviceAuthentications/{}",
                env.id, self.id
            )}},
            "id": self.id,
            "user": {"id": user_id(&state.org.users[self.user].id)},
            "selectedDevice": {"id": self.device_id},
            "status": self.status.as_str(),
            "createdAt": iso(self.created),
            "updatedAt": iso(self.updated),
            "expiresAt": iso(self.expires),
        });
        if let Status::Failed(code, message) = self.status {
            body["error"] = json!({"code": code, "message": message});
        }
        body
    }
}

/// A new authentication's body, and the push to settle when its phone answers or it
/// expires (the caller starts a timer for it, as Okta's verify route does, so the answer is
/// in the logs on time even if nobody reads the authentication).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Created {
    pub body: Value,
    /// The push transaction's id and when it next changes.
    pub settle: Option<(String, DateTime<Utc>)>,
}

fn required(target: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "INVALID_DATA",
        "The request could not be completed. One or more validation errors were in the request.",
    )
    .with_detail(
        "REQUIRED_VALUE",
        Some(target),
        format!("{target} is required"),
    )
}

fn unusable_device(message: &str) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "INVALID_REQUEST", message).with_detail(
        "INVALID_VALUE",
        Some("selectedDevice.id"),
        message,
    )
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found("deviceAuthentication", id)
}

/// PingOne's answer when the org's verification refused.
fn refused(e: &OktaError) -> ApiError {
    if e.code == "E0000038" {
        ApiError::request_failed("The user cannot authenticate: the account is disabled.")
    } else {
        ApiError::request_failed("The device cannot be used for authentication now.")
    }
}

/// A string at `pointer` in the JSON body.
fn field(body: &Value, pointer: &str) -> Option<String> {
    body.pointer(pointer)?.as_str().map(str::to_string)
}

/// `POST {auth}/{envId}/deviceAuthentications` with `{"user":{"id"},"selectedDevice":{"id"}}`.
pub(crate) fn create(
    state: &mut State,
    env: &Environment,
    body: &[u8],
    request: &ApiRequest,
    auth_base: &str,
    now: DateTime<Utc>,
) -> Result<Created, ApiError> {
    let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let user_key = field(&body, "/user/id").ok_or_else(|| required("user.id"))?;
    let device_key =
        field(&body, "/selectedDevice/id").ok_or_else(|| required("selectedDevice.id"))?;
    let user = env.user(&state.org, &user_key)?;
    let owner = &state.org.users[user];
    let device = devices::find(owner, &device_key)
        .ok_or_else(|| ApiError::not_found("device", &device_key))?;
    if device.kind == DeviceType::Fido2 {
        return Err(unusable_device(
            "FIDO2 devices are authenticated in a browser, not through this API.",
        ));
    }
    if !device.active(owner) {
        return Err(unusable_device("The device is not active."));
    }
    let factor_id = device.primary(owner).id.clone();
    let at = trunc_ms(now);
    let code_expiry = at + chrono::Duration::from_std(CODE_LIFETIME).unwrap_or_default();
    state
        .device_auths
        .retain(|_, a| at - a.updated.max(a.expires) < KEEP_FINISHED);
    let (status, push, expires) = match device.kind {
        DeviceType::Totp => (Status::OtpRequired, None, code_expiry),
        _ => match state.verify_factor(user, &factor_id, None, CODE_LIFETIME, request, at) {
            Ok(Verified::PushSent(txn)) => (
                Status::PushConfirmationRequired,
                Some(txn.id),
                txn.expires_at,
            ),
            Ok(_) => (Status::OtpRequired, None, code_expiry),
            Err(e) => return Err(refused(&e)),
        },
    };
    let auth = DeviceAuth {
        id: uuid::Uuid::new_v4().to_string(),
        user,
        device_id: device.id,
        factor_id,
        push,
        status,
        attempts_left: ATTEMPTS,
        created: at,
        updated: at,
        expires,
    };
    let settle = auth.push.as_ref().and_then(|txn| {
        let next = state.pushes.get(txn)?.next_change();
        Some((txn.clone(), next))
    });
    let body = auth.to_json(state, env, auth_base);
    state.device_auths.insert(auth.id.clone(), auth);
    Ok(Created { body, settle })
}

/// Brings a push authentication up to date with its transaction as of `now`.
fn sync(state: &mut State, id: &str, now: DateTime<Utc>) -> Result<(), ApiError> {
    let auth = state.device_auths.get(id).ok_or_else(|| not_found(id))?;
    let (Some(txn), Status::PushConfirmationRequired) = (auth.push.clone(), auth.status) else {
        return Ok(());
    };
    state.settle_push(&txn, now);
    let Some(settled) = state.pushes.get(&txn).map(|t| (t.result, t.settled)) else {
        return Ok(());
    };
    let status = match settled.0 {
        PushResult::Waiting => return Ok(()),
        PushResult::Success => Status::Completed,
        PushResult::Rejected => Status::Failed("REJECTED", "The user rejected the push"),
        PushResult::Timeout => Status::PushTimedOut,
        PushResult::Cancelled => Status::Canceled,
    };
    if let Some(auth) = state.device_auths.get_mut(id) {
        auth.status = status;
        auth.updated = settled.1.unwrap_or(now);
    }
    Ok(())
}

fn render(state: &State, env: &Environment, id: &str, auth_base: &str) -> Result<Value, ApiError> {
    let auth = state.device_auths.get(id).ok_or_else(|| not_found(id))?;
    Ok(auth.to_json(state, env, auth_base))
}

/// `GET {auth}/{envId}/deviceAuthentications/{id}`: its state as of `now`.
pub(crate) fn read(
    state: &mut State,
    env: &Environment,
    id: &str,
    auth_base: &str,
    now: DateTime<Utc>,
) -> Result<Value, ApiError> {
    sync(state, id, now)?;
    render(state, env, id, auth_base)
}

/// `POST {auth}/{envId}/deviceAuthentications/{id}`: the operation its `Content-Type`
/// selects (a passcode check or a cancel); any other type is 415.
#[allow(clippy::too_many_arguments)]
pub(crate) fn update(
    state: &mut State,
    env: &Environment,
    id: &str,
    content_type: &str,
    body: &[u8],
    request: &ApiRequest,
    auth_base: &str,
    now: DateTime<Utc>,
) -> Result<Value, ApiError> {
    let media = content_type.split(';').next().unwrap_or("").trim();
    if media.eq_ignore_ascii_case(OTP_CHECK) {
        let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let otp = field(&body, "/otp").ok_or_else(|| required("otp"))?;
        check_otp(state, env, id, &otp, request, auth_base, now)
    } else if media.eq_ignore_ascii_case(CANCEL) {
        cancel(state, env, id, auth_base, now)
    } else {
        Err(ApiError::unsupported_media_type(content_type))
    }
}

/// The `otp.check` operation: the right passcode completes the authentication; a wrong one
/// costs one of its three attempts, and the last one fails it.
pub(crate) fn check_otp(
    state: &mut State,
    env: &Environment,
    id: &str,
    otp: &str,
    request: &ApiRequest,
    auth_base: &str,
    now: DateTime<Utc>,
) -> Result<Value, ApiError> {
    sync(state, id, now)?;
    let auth = state.device_auths.get(id).ok_or_else(|| not_found(id))?;
    if auth.status != Status::OtpRequired {
        return Err(ApiError::request_failed(
            "The device authentication is not waiting for a one-time passcode.",
        ));
    }
    let (user, factor) = (auth.user, auth.factor_id.clone());
    let at = trunc_ms(now);
    let verified = state.verify_factor(user, &factor, Some(otp), CODE_LIFETIME, request, at);
    let auth = state
        .device_auths
        .get_mut(id)
        .ok_or_else(|| not_found(id))?;
    match verified {
        Ok(Verified::Success) => {
            auth.status = Status::Completed;
            auth.updated = at;
            render(state, env, id, auth_base)
        }
        Err(e) if e.code == OktaError::invalid_passcode().code => {
            auth.attempts_left = auth.attempts_left.saturating_sub(1);
            auth.updated = at;
            if auth.attempts_left == 0 {
                auth.status = Status::Failed("TOO_MANY_ATTEMPTS", "Too many failed attempts");
            }
            Err(wrong_otp(auth.attempts_left))
        }
        Ok(_) => Err(ApiError::request_failed(
            "The device cannot be used for authentication now.",
        )),
        Err(e) => Err(refused(&e)),
    }
}

fn wrong_otp(attempts_remaining: u8) -> ApiError {
    let mut e = ApiError::new(
        StatusCode::BAD_REQUEST,
        "INVALID_DATA",
        "The request could not be completed. One or more validation errors were in the request.",
    );
    e.details.push(ErrorDetail {
        code: "INVALID_OTP",
        target: Some("otp".to_string()),
        message: "The one-time passcode is not valid.".to_string(),
        inner: Some(json!({"attemptsRemaining": attempts_remaining})),
    });
    e
}

/// The `deviceAuthentication.cancel` operation: a waiting push is withdrawn (one the user
/// already answered keeps its answer), a wait for a passcode ends.
pub(crate) fn cancel(
    state: &mut State,
    env: &Environment,
    id: &str,
    auth_base: &str,
    now: DateTime<Utc>,
) -> Result<Value, ApiError> {
    sync(state, id, now)?;
    let auth = state.device_auths.get(id).ok_or_else(|| not_found(id))?;
    if !auth.status.waiting() {
        return Err(ApiError::request_failed(
            "The device authentication has already finished.",
        ));
    }
    if let Some(txn) = auth.push.clone() {
        let (user, factor) = (auth.user, auth.factor_id.clone());
        // The factor may be gone (its pushes were cancelled with it): nothing to withdraw.
        let _ = state.cancel_push(user, &factor, &txn, now);
        sync(state, id, now)?;
    }
    if let Some(auth) = state.device_auths.get_mut(id)
        && auth.status.waiting()
    {
        auth.status = Status::Canceled;
        auth.updated = trunc_ms(now);
    }
    render(state, env, id, auth_base)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::UserStatus;
    use crate::sim::org::Org;
    use crate::sim::org::codes::totp;
    use crate::sim::org::factors::FactorKind;
    use crate::sim::org::push::PushBehaviour;
    use crate::sim::pingone::environment::device_id;
    use crate::sim::state::history::What;

    const REQ: ApiRequest<'static> = ApiRequest {
        id: "corr-d",
        user_agent: "accessdesk/0.1",
        path: "/e/deviceAuthentications",
    };
    const AUTH: &str = "http://127.0.0.1:9";

    fn world() -> (State, Environment) {
        let org = Org::generate(21, 400, Utc::now());
        let env = Environment::new(21, &org);
        (State::new(org, 21), env)
    }

    /// An ACTIVE user (not the admin) with an active factor of `kind`, and that factor's id.
    fn user_with(s: &State, kind: FactorKind) -> (usize, String) {
        (0..s.org.users.len())
            .find_map(|i| {
                let u = &s.org.users[i];
                if i == s.org.admin || u.status != UserStatus::Active {
                    return None;
                }
                let f = u
                    .factors
                    .iter()
                    .find(|f| f.kind == kind && f.status == "ACTIVE")?;
                // A TOTP device needs Okta Verify's TOTP to stand alone (no push).
                if kind == FactorKind::OktaTotp
                    && u.factors.iter().any(|f| f.kind == FactorKind::Push)
                {
                    return None;
                }
                Some((i, f.id.clone()))
            })
            .unwrap_or_else(|| panic!("a user with {kind:?}"))
    }

    fn start(
        s: &mut State,
        env: &Environment,
        user: usize,
        device: &str,
        now: DateTime<Utc>,
    ) -> Result<Created, ApiError> {
        let body = json!({
            "user": {"id": user_id(&s.org.users[user].id)},
            "selectedDevice": {"id": device},
        });
        create(s, env, body.to_string().as_bytes(), &REQ, AUTH, now)
    }

    fn check(
        s: &mut State,
        env: &Environment,
        id: &str,
        otp: &str,
        now: DateTime<Utc>,
    ) -> Result<Value, ApiError> {
        let body = json!({"otp": otp}).to_string();
        update(s, env, id, OTP_CHECK, body.as_bytes(), &REQ, AUTH, now)
    }

    fn id_of(created: &Created) -> String {
        created.body["id"].as_str().unwrap().to_string()
    }

    #[test]
    fn a_push_completes_or_fails_as_the_phone_answers() {
        let (mut s, env) = world();
        let (u, push) = user_with(&s, FactorKind::Push);
        let device = device_id(&push);
        let now = trunc_ms(Utc::now());
        for (behaviour, status) in [
            (PushBehaviour::Approve, "COMPLETED"),
            (PushBehaviour::Reject, "FAILED"),
            (PushBehaviour::NoAnswer, "PUSH_CONFIRMATION_TIMED_OUT"),
        ] {
            s.org.users[u].push.behaviour = behaviour;
            let created = start(&mut s, &env, u, &device, now).unwrap();
            let id = id_of(&created);
            let body = &created.body;
            assert_eq!(body["status"], "PUSH_CONFIRMATION_REQUIRED");
            assert_eq!(body["user"]["id"], user_id(&s.org.users[u].id).as_str());
            assert_eq!(body["selectedDevice"]["id"], device.as_str());
            assert_eq!(
                body["_links"]["self"]["href"],
                format!("{AUTH}/{}/deviceAuthentications/{id}", env.id)
            );
            let (txn, at) = created.settle.clone().unwrap();
            assert_eq!(s.pushes[&txn].next_change(), at);
            assert_eq!(body["expiresAt"], iso(s.pushes[&txn].expires_at));
            let waiting = read(&mut s, &env, &id, AUTH, now).unwrap();
            assert_eq!(waiting["status"], "PUSH_CONFIRMATION_REQUIRED");
            let later = now + chrono::Duration::seconds(120);
            let done = read(&mut s, &env, &id, AUTH, later).unwrap();
            assert_eq!(done["status"], status, "{behaviour:?}");
            assert_eq!(done["updatedAt"], iso(s.pushes[&txn].settled.unwrap()));
            if behaviour == PushBehaviour::Reject {
                assert_eq!(done["error"]["code"], "REJECTED");
                assert_eq!(done["error"]["message"], "The user rejected the push");
                assert!(matches!(
                    s.history.all().last().unwrap().what,
                    What::PushDenied { .. }
                ));
            } else {
                assert!(done.get("error").is_none());
            }
            let e = check(&mut s, &env, &id, "123456", later).unwrap_err();
            assert_eq!(e.code, "REQUEST_FAILED");
        }
    }

    #[test]
    fn a_held_push_waits_for_the_trainee_and_cancel_withdraws_it() {
        let (mut s, env) = world();
        let (u, push) = user_with(&s, FactorKind::Push);
        s.push.held = true;
        let now = trunc_ms(Utc::now());
        let created = start(&mut s, &env, u, &device_id(&push), now).unwrap();
        let id = id_of(&created);
        let soon = now + chrono::Duration::seconds(30);
        assert_eq!(
            read(&mut s, &env, &id, AUTH, soon).unwrap()["status"],
            "PUSH_CONFIRMATION_REQUIRED"
        );
        let canceled = update(&mut s, &env, &id, CANCEL, b"", &REQ, AUTH, soon).unwrap();
        assert_eq!(canceled["status"], "CANCELED");
        let (txn, _) = created.settle.unwrap();
        assert_eq!(s.pushes[&txn].result, PushResult::Cancelled);
        let late = now + chrono::Duration::seconds(600);
        assert_eq!(
            read(&mut s, &env, &id, AUTH, late).unwrap()["status"],
            "CANCELED"
        );
        let again = update(&mut s, &env, &id, CANCEL, b"", &REQ, AUTH, late).unwrap_err();
        assert_eq!(again.code, "REQUEST_FAILED");
    }

    #[test]
    fn sms_and_email_send_a_code_that_completes_the_authentication() {
        for kind in [FactorKind::Sms, FactorKind::Email] {
            let (mut s, env) = world();
            let (u, factor) = user_with(&s, kind);
            let now = trunc_ms(Utc::now());
            let created = start(&mut s, &env, u, &device_id(&factor), now).unwrap();
            assert_eq!(created.body["status"], "OTP_REQUIRED");
            assert_eq!(created.settle, None);
            assert!(matches!(
                s.history.all().last().unwrap().what,
                What::MfaChallenge { .. }
            ));
            let code = s.codes[&factor].code.clone();
            let id = id_of(&created);
            let done = check(&mut s, &env, &id, &code, now).unwrap();
            assert_eq!(done["status"], "COMPLETED");
            let e = check(&mut s, &env, &id, &code, now).unwrap_err();
            assert_eq!(
                e.code, "REQUEST_FAILED",
                "a completed one takes no more codes"
            );
        }
    }

    #[test]
    fn the_sent_code_and_okta_verifys_code_are_found_by_device_id() {
        let (mut s, env) = world();
        let now = trunc_ms(Utc::now());
        let (u, sms) = user_with(&s, FactorKind::Sms);
        assert_eq!(
            s.last_code(u, &device_id(&sms), now),
            None,
            "nothing sent yet"
        );
        start(&mut s, &env, u, &device_id(&sms), now).unwrap();
        let sent = s.codes[&sms].code.clone();
        assert_eq!(s.last_code(u, &device_id(&sms), now), Some(sent.clone()));
        assert_eq!(
            s.last_code(u, &sms, now),
            Some(sent),
            "the factor id still works"
        );
        let (v, okta_totp) = (0..s.org.users.len())
            .find_map(|i| {
                let u = &s.org.users[i];
                u.factors
                    .iter()
                    .any(|f| f.kind == FactorKind::Push)
                    .then_some(())?;
                let t = u.factors.iter().find(|f| f.kind == FactorKind::OktaTotp)?;
                Some((i, t.id.clone()))
            })
            .unwrap();
        let push = s.org.users[v]
            .factors
            .iter()
            .find(|f| f.kind == FactorKind::Push)
            .unwrap()
            .id
            .clone();
        assert_eq!(
            s.last_code(v, &device_id(&push), now),
            Some(totp(&okta_totp, now))
        );
    }

    #[test]
    fn three_wrong_passcodes_fail_the_authentication() {
        let (mut s, env) = world();
        let (u, factor) = user_with(&s, FactorKind::GoogleTotp);
        let now = trunc_ms(Utc::now());
        let created = start(&mut s, &env, u, &device_id(&factor), now).unwrap();
        assert_eq!(created.body["status"], "OTP_REQUIRED");
        let id = id_of(&created);
        let right = totp(&factor, now);
        let wrong = if right == "000000" {
            "111111"
        } else {
            "000000"
        };
        for remaining in [2, 1, 0] {
            let e = check(&mut s, &env, &id, wrong, now).unwrap_err();
            assert_eq!((e.status.as_u16(), e.code), (400, "INVALID_DATA"));
            let detail = &e.details[0];
            assert_eq!(
                (detail.code, detail.target.as_deref()),
                ("INVALID_OTP", Some("otp"))
            );
            assert_eq!(detail.inner, Some(json!({"attemptsRemaining": remaining})));
        }
        let failed = read(&mut s, &env, &id, AUTH, now).unwrap();
        assert_eq!(failed["status"], "FAILED");
        assert_eq!(failed["error"]["code"], "TOO_MANY_ATTEMPTS");
        let e = check(&mut s, &env, &id, &right, now).unwrap_err();
        assert_eq!(e.code, "REQUEST_FAILED");
        let failures = s
            .history
            .all()
            .iter()
            .filter(|e| matches!(e.what, What::MfaVerified { success: false, .. }))
            .count();
        assert_eq!(failures, 3);

        // A fresh one takes the authenticator's current code.
        let created = start(&mut s, &env, u, &device_id(&factor), now).unwrap();
        let done = check(&mut s, &env, &id_of(&created), &right, now).unwrap();
        assert_eq!(done["status"], "COMPLETED");
    }

    #[test]
    fn unusable_devices_unknown_ids_and_bad_requests_are_refused() {
        let (mut s, env) = world();
        let now = Utc::now();
        let (w, key) = user_with(&s, FactorKind::WebAuthn);
        let e = start(&mut s, &env, w, &device_id(&key), now).unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (400, "INVALID_REQUEST"));
        assert_eq!(e.details[0].code, "INVALID_VALUE");
        assert_eq!(e.details[0].target.as_deref(), Some("selectedDevice.id"));

        let (u, sms) = user_with(&s, FactorKind::Sms);
        let f = s.org.users[u]
            .factors
            .iter_mut()
            .find(|f| f.id == sms)
            .unwrap();
        f.status = "PENDING_ACTIVATION";
        let e = start(&mut s, &env, u, &device_id(&sms), now).unwrap_err();
        assert_eq!(e.details[0].target.as_deref(), Some("selectedDevice.id"));

        let e = start(&mut s, &env, u, "nope", now).unwrap_err();
        assert_eq!(e.status.as_u16(), 404);
        let body = json!({"user": {"id": "nobody"}, "selectedDevice": {"id": "x"}}).to_string();
        let e = create(&mut s, &env, body.as_bytes(), &REQ, AUTH, now).unwrap_err();
        assert_eq!(e.status.as_u16(), 404);
        let e = create(&mut s, &env, b"{}", &REQ, AUTH, now).unwrap_err();
        assert_eq!(e.details[0].target.as_deref(), Some("user.id"));
        assert_eq!(
            read(&mut s, &env, "nope", AUTH, now)
                .unwrap_err()
                .status
                .as_u16(),
            404
        );

        let (v, email) = user_with(&s, FactorKind::Email);
        let created = start(&mut s, &env, v, &device_id(&email), now).unwrap();
        let id = id_of(&created);
        let e = update(
            &mut s,
            &env,
            &id,
            "application/json",
            b"{}",
            &REQ,
            AUTH,
            now,
        )
        .unwrap_err();
        assert_eq!(e.status.as_u16(), 415);
        let e = update(&mut s, &env, &id, OTP_CHECK, b"{}", &REQ, AUTH, now).unwrap_err();
        assert_eq!(e.details[0].target.as_deref(), Some("otp"));

        let gone = (0..s.org.users.len())
            .find(|&i| {
                s.org.users[i].status == UserStatus::Suspended
                    && s.org.users[i]
                        .factors
                        .iter()
                        .any(|f| f.kind == FactorKind::Sms && f.status == "ACTIVE")
            })
            .unwrap();
        let sms = s.org.users[gone]
            .factors
            .iter()
            .find(|f| f.kind == FactorKind::Sms)
            .unwrap()
            .id
            .clone();
        let e = start(&mut s, &env, gone, &device_id(&sms), now).unwrap_err();
        assert_eq!(e.code, "REQUEST_FAILED");
    }
}
