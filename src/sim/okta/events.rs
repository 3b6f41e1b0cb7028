//! System Log events shaped like Okta's `LogEvent` (see the samples in
//! `specs/samples/`): lockouts, sign-ins, MFA and unlocks, and the parts the
//! admin and verify events (`admin_events`, `mfa_events`) are built from.

use chrono::{DateTime, Utc};
use rand::Rng;
use serde_json::{Value, json};

use super::event_variety::{Source, Variety, device_fingerprint, password_target, vary};
use crate::sim::org::factors::{Factor, FactorKind};
use crate::sim::org::ids::{alnum, iso, okta_id, request_id, uuid};
use crate::sim::org::network::{
    ATTACK_AGENTS, Attacker, DESKTOP_AGENTS, HOME_ISPS, HOMES, Isp, MOBILE_AGENTS, OFFICE_ISP,
    OFFICES, Place, UserAgent, pick,
};
use crate::sim::org::user::SimUser;

/// Where a request came from.
pub(crate) struct Origin {
    pub ip: String,
    pub place: &'static Place,
    pub isp: &'static Isp,
    pub agent: Agent,
    pub is_proxy: bool,
    /// Okta ThreatInsight flags known-bad sources (`debugData.threatSuspected`).
    pub threat: bool,
}

/// A client's user agent as Okta parses it.
pub(crate) struct Agent {
    pub raw: String,
    pub os: String,
    pub browser: String,
    pub device: String,
}

impl From<&UserAgent> for Agent {
    fn from(ua: &UserAgent) -> Self {
        Agent {
            raw: ua.raw.into(),
            os: ua.os.into(),
            browser: ua.browser.into(),
            device: ua.device.into(),
        }
    }
}

impl Origin {
    /// One of the user's usual places: home desktop, home phone or office desktop.
    pub fn usual(user: &SimUser, rng: &mut impl Rng) -> Origin {
        let w = &user.whereabouts;
        let at_office = !w.remote && rng.random_bool(0.5);
        let on_phone = rng.random_bool(0.25);
        let agent = if on_phone {
            &MOBILE_AGENTS[w.mobile_agent]
        } else {
            &DESKTOP_AGENTS[w.desktop_agent]
        };
        if at_office {
            Origin {
                ip: w.office_ip.clone(),
                place: &OFFICES[w.office],
                isp: &OFFICE_ISP,
                agent: agent.into(),
                is_proxy: false,
                threat: false,
            }
        } else {
            Origin {
                ip: w.home_ip.clone(),
                place: &HOMES[w.home_group][w.home],
                isp: &HOME_ISPS[w.home_isp],
                agent: agent.into(),
                is_proxy: false,
                threat: false,
            }
        }
    }

    pub fn attacker(attacker: &'static Attacker, rng: &mut impl Rng) -> Origin {
        Origin {
            ip: attacker.ip.into(),
            place: &attacker.place,
            isp: &attacker.isp,
            agent: pick(rng, ATTACK_AGENTS).into(),
            is_proxy: attacker.is_proxy,
            threat: true,
        }
    }

    /// The user's phone at home, answering a push.
    pub fn phone(user: &SimUser) -> Origin {
        let w = &user.whereabouts;
        Origin {
            ip: w.home_ip.clone(),
            place: &HOMES[w.home_group][w.home],
            isp: &HOME_ISPS[w.home_isp],
            agent: (&MOBILE_AGENTS[w.mobile_agent]).into(),
            is_proxy: false,
            threat: false,
        }
    }

    /// An admin calling the API from the office, with the HTTP client's own user agent.
    pub fn api_call(admin: &SimUser, user_agent: &str) -> Origin {
        let w = &admin.whereabouts;
        Origin {
            ip: w.office_ip.clone(),
            place: &OFFICES[w.office],
            isp: &OFFICE_ISP,
            agent: Agent {
                raw: user_agent.into(),
                os: "Unknown".into(),
                browser: "UNKNOWN".into(),
                device: "Unknown".into(),
            },
            is_proxy: false,
            threat: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignIn {
    Success,
    BadPassword,
    /// The account is already locked (`outcome.reason` `LOCKED_OUT`).
    LockedOut,
}

/// Everything that varies between event types.
pub(crate) struct Parts {
    pub event_type: &'static str,
    pub severity: &'static str,
    pub legacy: Option<&'static str>,
    pub message: &'static str,
    pub result: &'static str,
    pub reason: Option<&'static str>,
    pub actor: Value,
    pub target: Value,
    pub request_uri: String,
    pub session: Option<String>,
    pub credential_type: Option<&'static str>,
    pub provider: Option<&'static str>,
}

/// A user as an actor or one target (`type` `User`).
pub(crate) fn user_actor(user: &SimUser) -> Value {
    json!({
        "id": user.id,
        "type": "User",
        "alternateId": user.login(),
        "displayName": user.display_name(),
        "detailEntry": null,
    })
}

fn user_target(user: &SimUser) -> Value {
    json!([user_actor(user)])
}

/// A factor as a target, the way Okta names enrollments in the System Log.
pub(crate) fn enrollment_target(id: &str, kind: FactorKind) -> Value {
    json!({
        "id": id,
        "type": "AuthenticatorEnrollment",
        "alternateId": "unknown",
        "displayName": kind.display_name(),
        "detailEntry": {"methodTypeUsed": method_name(kind)},
    })
}

/// The user and the factor, the targets of every factor event.
pub(crate) fn user_and_factor(user: &SimUser, factor: &Factor) -> Value {
    json!([user_actor(user), enrollment_target(&factor.id, factor.kind)])
}

fn client(origin: &Origin) -> Value {
    json!({
        "userAgent": {
            "rawUserAgent": origin.agent.raw,
            "os": origin.agent.os,
            "browser": origin.agent.browser,
        },
        "zone": "null",
        "device": origin.agent.device,
        "id": null,
        "ipAddress": origin.ip,
        "geographicalContext": origin.place.geo_json(),
    })
}

pub(crate) fn assemble(
    rng: &mut impl Rng,
    published: DateTime<Utc>,
    origin: &Origin,
    parts: Parts,
    request: Option<&str>,
) -> Value {
    let api_call = request.is_some() && origin.agent.browser == "UNKNOWN";
    let request_id = request.map_or_else(|| request_id(rng), str::to_string);
    let dt_hash = alnum(rng, 64).to_lowercase();
    let user_id = (parts.actor["type"] == "User" && !api_call)
        .then(|| parts.actor["id"].as_str().map(str::to_string))
        .flatten();
    let mut event = json!({
        "uuid": uuid(rng),
        "published": iso(published),
        "eventType": parts.event_type,
        "version": "0",
        "severity": parts.severity,
        "legacyEventType": parts.legacy,
        "displayMessage": parts.message,
        "actor": parts.actor,
        "client": client(origin),
        "device": null,
        "authenticationContext": {
            "authenticationProvider": parts.provider,
            "credentialProvider": null,
            "credentialType": parts.credential_type,
            "issuer": null,
            "interface": null,
            "authenticationStep": 0,
            "rootSessionId": parts.session,
            "externalSessionId": parts.session.clone().unwrap_or_else(|| "unknown".into()),
        },
        "outcome": {"result": parts.result, "reason": parts.reason},
        "target": parts.target,
        "transaction": {"type": "WEB", "id": request_id, "detail": {}},
        "debugContext": {
            "debugData": {
                "requestId": request_id,
                "requestUri": parts.request_uri,
                "url": format!("{}?", parts.request_uri),
                "dtHash": dt_hash,
                "threatSuspected": origin.threat.to_string(),
            }
        },
        "request": {
            "ipChain": [{
                "ip": origin.ip,
                "geographicalContext": origin.place.geo_json(),
                "version": "V4",
                "source": null,
            }]
        },
        "securityContext": origin.isp.security_context(origin.is_proxy),
    });
    let source = Source {
        origin,
        user_id: user_id.as_deref(),
        api_call,
    };
    vary(&mut event, &source);
    event
}

/// Which devices a `user.account.lock` locks out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LockScope {
    /// Every device: the user becomes `LOCKED_OUT`.
    AllDevices,
    /// Identity Engine's "Account Locked from New Devices": the user stays `ACTIVE` and
    /// only devices Okta does not know are refused.
    NewDevices,
}

/// `user.account.lock`: too many failed sign-ins. The locked user is the actor; no target.
/// A lock of new devices only says so in its message (as the real sample,
/// `panther-user.account.lock.okta-shape.json`) and names the refused device's fingerprint.
pub(crate) fn account_lock(
    rng: &mut impl Rng,
    published: DateTime<Utc>,
    user: &SimUser,
    origin: &Origin,
    scope: LockScope,
) -> Value {
    let message = match scope {
        LockScope::AllDevices => "Max sign in attempts exceeded",
        LockScope::NewDevices => "Account Locked from New Devices - Max sign-in attempts exceeded.",
    };
    let parts = Parts {
        event_type: "user.account.lock",
        severity: "DEBUG",
        legacy: Some("core.user_auth.account_locked"),
        message,
        result: "FAILURE",
        reason: Some("LOCKED_OUT"),
        actor: user_actor(user),
        target: Value::Null,
        request_uri: "/idp/idx/identify".into(),
        session: None,
        credential_type: None,
        provider: None,
    };
    let mut event = assemble(rng, published, origin, parts, None);
    if scope == LockScope::NewDevices {
        // The refused device is named, as in the real sample.
        event["debugContext"]["debugData"]["deviceFingerprint"] =
            Value::from(device_fingerprint(&user.id, origin));
    }
    event
}

/// `user.session.start` with the given outcome.
pub(crate) fn sign_in(
    rng: &mut impl Rng,
    published: DateTime<Utc>,
    user: &SimUser,
    origin: &Origin,
    kind: SignIn,
) -> Value {
    let (severity, legacy, result, reason, uri) = match kind {
        SignIn::Success => (
            "INFO",
            "core.user_auth.login_success",
            "SUCCESS",
            None,
            "/idp/idx/authenticators/poll",
        ),
        SignIn::BadPassword => (
            "WARN",
            "core.user_auth.login_failed",
            "FAILURE",
            Some("INVALID_CREDENTIALS"),
            "/idp/idx/challenge/answer",
        ),
        SignIn::LockedOut => (
            "WARN",
            "core.user_auth.login_failed.locked_out",
            "FAILURE",
            Some("LOCKED_OUT"),
            "/idp/idx/identify",
        ),
    };
    let success = kind == SignIn::Success;
    let target = if success {
        json!([
            {"id": okta_id(rng, "lae"), "type": "AuthenticatorEnrollment", "alternateId": "unknown", "displayName": "Password", "detailEntry": null},
            {"id": "0oa1dashboard0000000", "type": "AppInstance", "alternateId": "Okta Dashboard", "displayName": "Okta Dashboard", "detailEntry": null}
        ])
    } else {
        Value::Null
    };
    let parts = Parts {
        event_type: "user.session.start",
        severity,
        legacy: Some(legacy),
        message: "User login to Okta",
        result,
        reason,
        actor: user_actor(user),
        target,
        request_uri: uri.into(),
        session: success.then(|| format!("idx{}", alnum(rng, 22))),
        credential_type: None,
        provider: None,
    };
    let mut event = assemble(rng, published, origin, parts, None);
    let uuid = event["uuid"].as_str().unwrap_or_default().to_string();
    if kind == SignIn::BadPassword && Variety::of(&uuid).under(5, 50) {
        event["target"] = password_target(&user.id);
    }
    event
}

/// `user.authentication.auth_via_mfa`: a successful second factor.
pub(crate) fn mfa(
    rng: &mut impl Rng,
    published: DateTime<Utc>,
    user: &SimUser,
    origin: &Origin,
) -> Value {
    let factor = user.factors.iter().find(|f| f.status == "ACTIVE");
    let (factor_id, kind) = match factor {
        Some(f) => (f.id.clone(), f.kind),
        None => (okta_id(rng, "pfd"), FactorKind::Push),
    };
    let parts = Parts {
        event_type: "user.authentication.auth_via_mfa",
        severity: "INFO",
        legacy: Some("core.user.factor.attempt_success"),
        message: "Authentication of user via MFA",
        result: "SUCCESS",
        reason: None,
        actor: user_actor(user),
        target: json!([enrollment_target(&factor_id, kind)]),
        request_uri: "/idp/idx/authenticators/poll".into(),
        session: Some(format!("idx{}", alnum(rng, 22))),
        credential_type: Some("OTP"),
        provider: Some("FACTOR_PROVIDER"),
    };
    assemble(rng, published, origin, parts, None)
}

fn method_name(kind: FactorKind) -> &'static str {
    match kind {
        FactorKind::Push => "Push",
        FactorKind::OktaTotp | FactorKind::GoogleTotp => "Time-based one-time password (TOTP)",
        FactorKind::Sms => "SMS",
        FactorKind::WebAuthn => "Security key or biometric authenticator",
        FactorKind::Email => "Email",
    }
}

/// `user.account.unlock`: Okta unlocked the account after the policy's auto-unlock period.
/// System jobs have no client, so those fields are null as in real events.
pub(crate) fn auto_unlock(rng: &mut impl Rng, published: DateTime<Utc>, user: &SimUser) -> Value {
    let job = request_id(rng);
    json!({
        "uuid": uuid(rng),
        "published": iso(published),
        "eventType": "user.account.unlock",
        "version": "0",
        "severity": "INFO",
        "legacyEventType": "core.user.account.unlock",
        "displayMessage": "Unlock user account",
        "actor": {
            "id": "0oa1oktasystem000000",
            "type": "SystemPrincipal",
            "alternateId": "system@okta.com",
            "displayName": "Okta System",
            "detailEntry": null,
        },
        "client": {
            "userAgent": null,
            "zone": null,
            "device": null,
            "id": null,
            "ipAddress": null,
            "geographicalContext": null,
        },
        "device": null,
        "authenticationContext": {
            "authenticationProvider": null,
            "credentialProvider": null,
            "credentialType": null,
            "issuer": null,
            "interface": null,
            "authenticationStep": 0,
            "externalSessionId": "unknown",
        },
        "outcome": {"result": "SUCCESS", "reason": null},
        "target": user_target(user),
        "transaction": {"type": "JOB", "id": job, "detail": {}},
        "debugContext": {"debugData": {}},
        "request": {"ipChain": []},
        "securityContext": {"asNumber": null, "asOrg": null, "isp": null, "domain": null, "isProxy": null},
    })
}

/// `user.account.unlock_by_admin`: the admin is the actor and the user the target;
/// the transaction id is the API request's `X-Okta-Request-Id`.
pub(crate) fn admin_unlock(
    rng: &mut impl Rng,
    published: DateTime<Utc>,
    admin: &SimUser,
    user: &SimUser,
    origin: &Origin,
    request_id: &str,
) -> Value {
    let parts = Parts {
        event_type: "user.account.unlock_by_admin",
        severity: "INFO",
        legacy: Some("core.user.account.unlock_by_admin"),
        message: "Unlock user account by admin",
        result: "SUCCESS",
        reason: None,
        actor: user_actor(admin),
        target: user_target(user),
        request_uri: format!("/api/v1/users/{}/lifecycle/unlock", user.id),
        session: None,
        credential_type: None,
        provider: None,
    };
    assemble(rng, published, origin, parts, Some(request_id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::filter::{Case, parse};
    use crate::sim::org::Org;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    const LOCKOUT: &str = r#"eventType eq "user.account.lock" or (eventType eq "user.session.start" and outcome.reason eq "LOCKED_OUT")"#;

    fn keys(v: &Value) -> Vec<&str> {
        let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        k.sort_unstable();
        k
    }

    #[test]
    fn lock_event_has_the_sample_shape() {
        let now = Utc::now();
        let org = Org::generate(5, 20, now);
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let user = &org.users[3];
        let origin = Origin::usual(user, &mut rng);
        let e = account_lock(&mut rng, now, user, &origin, LockScope::AllDevices);
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/specs/samples/panther-user.account.lock.okta-shape.json"
        );
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("{path}: {e}; ../shared must sit beside the repository"));
        let sample: Value = serde_json::from_str(&text).unwrap();
        for k in keys(&sample) {
            assert!(e.get(k).is_some(), "missing {k}");
        }
        for obj in [
            "actor",
            "client",
            "outcome",
            "transaction",
            "securityContext",
        ] {
            for k in keys(&sample[obj]) {
                assert!(e[obj].get(k).is_some(), "missing {obj}.{k}");
            }
        }
        assert_eq!(e["actor"]["alternateId"], user.login());
        assert_eq!(
            e["outcome"],
            json!({"result": "FAILURE", "reason": "LOCKED_OUT"})
        );
        assert_eq!(e["target"], Value::Null);
        assert_eq!(e["client"]["zone"], "null");
        assert!(e["client"]["geographicalContext"]["postalCode"].is_string());
        assert_eq!(e["debugContext"]["debugData"]["threatSuspected"], "false");
        assert_eq!(
            e["transaction"]["id"],
            e["debugContext"]["debugData"]["requestId"]
        );
        let published = e["published"].as_str().unwrap();
        assert_eq!(published.len(), "2024-08-13T15:58:20.353Z".len());
    }

    #[test]
    fn only_lockouts_match_the_lockout_filter() {
        let now = Utc::now();
        let org = Org::generate(6, 20, now);
        let mut rng = ChaCha8Rng::seed_from_u64(6);
        let user = &org.users[4];
        let origin = Origin::usual(user, &mut rng);
        let filter = parse(LOCKOUT).unwrap();
        let lockouts = [
            account_lock(&mut rng, now, user, &origin, LockScope::AllDevices),
            sign_in(&mut rng, now, user, &origin, SignIn::LockedOut),
        ];
        let noise = [
            sign_in(&mut rng, now, user, &origin, SignIn::Success),
            sign_in(&mut rng, now, user, &origin, SignIn::BadPassword),
            mfa(&mut rng, now, user, &origin),
            auto_unlock(&mut rng, now, user),
            admin_unlock(
                &mut rng,
                now,
                &org.users[org.admin],
                user,
                &Origin::api_call(&org.users[org.admin], "test"),
                "req1",
            ),
        ];
        assert!(lockouts.iter().all(|e| filter.matches(e, Case::Sensitive)));
        assert!(noise.iter().all(|e| !filter.matches(e, Case::Sensitive)));
    }

    #[test]
    fn attacker_events_come_from_abroad_and_are_flagged() {
        let now = Utc::now();
        let org = Org::generate(7, 5, now);
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let origin = Origin::attacker(&crate::sim::org::network::ATTACKERS[0], &mut rng);
        let e = account_lock(&mut rng, now, &org.users[1], &origin, LockScope::AllDevices);
        assert_eq!(e["client"]["ipAddress"], "203.0.113.17");
        assert_ne!(
            e["client"]["geographicalContext"]["country"],
            "United States"
        );
        assert_eq!(e["debugContext"]["debugData"]["threatSuspected"], "true");
        assert_eq!(e["request"]["ipChain"][0]["ip"], "203.0.113.17");
    }
}
