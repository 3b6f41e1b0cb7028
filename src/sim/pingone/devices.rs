//! The organisation's MFA factors as PingOne MFA devices: one device per factor, except that
//! Okta Verify is one app on one phone, so a user's Okta Verify push and TOTP factors are a
//! single `MOBILE` device (named after the push factor). Deleting a device goes through the
//! org's factor removal, so every log of the simulated world records it.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::api_error::ApiError;
use super::environment::{Environment, device_id, user_id};
use crate::sim::okta::api_error::ApiError as OktaError;
use crate::sim::org::factors::{Factor, FactorKind};
use crate::sim::org::ids::iso;
use crate::sim::org::user::SimUser;
use crate::sim::state::{ApiRequest, State};

/// PingOne's device `type`s that the org's factors become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DeviceType {
    Mobile,
    Totp,
    Sms,
    Email,
    Fido2,
}

impl DeviceType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mobile => "MOBILE",
            Self::Totp => "TOTP",
            Self::Sms => "SMS",
            Self::Email => "EMAIL",
            Self::Fido2 => "FIDO2",
        }
    }
}

/// One device of a user, and the factors (indices into `SimUser::factors`) it stands for; the
/// first is the one it is named after and takes its id, status and dates from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Device {
    pub id: String,
    pub kind: DeviceType,
    pub factors: Vec<usize>,
}

impl Device {
    /// The factor the device is named after.
    pub fn primary<'a>(&self, owner: &'a SimUser) -> &'a Factor {
        &owner.factors[self.factors[0]]
    }

    pub fn active(&self, owner: &SimUser) -> bool {
        self.primary(owner).status == "ACTIVE"
    }

    /// `GET …/users/{userId}/devices/{deviceId}`'s body.
    pub fn to_json(&self, env: &Environment, owner: &SimUser, api_base: &str) -> Value {
        let factor = self.primary(owner);
        let user = user_id(&owner.id);
        let me = format!(
            "{api_base}/environments/{}/users/{user}/devices/{}",
            env.id, self.id
        );
        let active = self.active(owner);
        let mut links = json!({"self": {"href": me}});
        if !active {
            links["device.activate"] = json!({"href": me});
        }
        let mut device = json!({
            "_links": links,
            "id": self.id,
            "type": self.kind.as_str(),
            "status": if active { "ACTIVE" } else { "ACTIVATION_REQUIRED" },
            "environment": {"id": env.id},
            "user": {"id": user},
            "createdAt": iso(factor.created),
            "updatedAt": iso(factor.last_updated),
        });
        let profile = factor.profile_json(owner);
        match self.kind {
            DeviceType::Mobile => {
                if let Some(name) = factor.profile.device_name(&owner.profile) {
                    device["nickname"] = json!(name);
                }
            }
            DeviceType::Totp => device["nickname"] = json!(factor.kind.display_name()),
            DeviceType::Sms => device["phone"] = profile["phoneNumber"].clone(),
            DeviceType::Email => device["email"] = profile["email"].clone(),
            DeviceType::Fido2 => device["nickname"] = profile["authenticatorName"].clone(),
        }
        device
    }
}

/// The user's devices, in the order their factors were enrolled.
pub(crate) fn devices(owner: &SimUser) -> Vec<Device> {
    let factors = &owner.factors;
    let push = factors.iter().position(|f| f.kind == FactorKind::Push);
    let okta_totp = factors.iter().position(|f| f.kind == FactorKind::OktaTotp);
    factors
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let (kind, stands_for) = match f.kind {
                FactorKind::Push => (DeviceType::Mobile, [Some(i), okta_totp]),
                // The Okta Verify app already is the MOBILE device.
                FactorKind::OktaTotp if push.is_some() => return None,
                FactorKind::OktaTotp | FactorKind::GoogleTotp => {
                    (DeviceType::Totp, [Some(i), None])
                }
                FactorKind::Sms => (DeviceType::Sms, [Some(i), None]),
                FactorKind::Email => (DeviceType::Email, [Some(i), None]),
                FactorKind::WebAuthn => (DeviceType::Fido2, [Some(i), None]),
            };
            Some(Device {
                id: device_id(&f.id),
                kind,
                factors: stands_for.into_iter().flatten().collect(),
            })
        })
        .collect()
}

/// The user's device with this PingOne id.
pub(crate) fn find(owner: &SimUser, device: &str) -> Option<Device> {
    devices(owner).into_iter().find(|d| d.id == device)
}

/// The PingOne id of the device that stands for the factor with this Okta id.
pub(crate) fn device_of_factor(owner: &SimUser, factor_id: &str) -> Option<String> {
    devices(owner)
        .into_iter()
        .find(|d| d.factors.iter().any(|&i| owner.factors[i].id == factor_id))
        .map(|d| d.id)
}

fn device_not_found(device: &str) -> ApiError {
    ApiError::not_found("device", device)
}

/// `GET …/users/{userId}/devices`: every device, in one page.
pub(crate) fn list(state: &State, env: &Environment, user: usize, api_base: &str) -> Value {
    let owner = &state.org.users[user];
    let all: Vec<Value> = devices(owner)
        .iter()
        .map(|d| d.to_json(env, owner, api_base))
        .collect();
    json!({
        "_links": {"self": {"href": format!(
            "{api_base}/environments/{}/users/{}/devices",
            env.id,
            user_id(&owner.id)
        )}},
        "_embedded": {"devices": all},
        "count": all.len(),
        "size": all.len(),
    })
}

/// `GET …/users/{userId}/devices/{deviceId}`.
pub(crate) fn get(
    state: &State,
    env: &Environment,
    user: usize,
    device: &str,
    api_base: &str,
) -> Result<Value, ApiError> {
    let owner = &state.org.users[user];
    find(owner, device)
        .map(|d| d.to_json(env, owner, api_base))
        .ok_or_else(|| device_not_found(device))
}

/// `DELETE …/users/{userId}/devices/{deviceId}` (204): removes the factor the device is named
/// after through the org's factor removal, which takes Okta Verify's TOTP along with a push
/// factor, so a MOBILE device goes whole.
pub(crate) fn delete(
    state: &mut State,
    user: usize,
    device: &str,
    request: &ApiRequest,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let owner = &state.org.users[user];
    let found = find(owner, device).ok_or_else(|| device_not_found(device))?;
    let factor = found.primary(owner).id.clone();
    state
        .delete_factor(user, &factor, request, now)
        .map(|_| ())
        .map_err(|e| refused(&e, device))
}

/// PingOne's answer for a removal the org refused.
fn refused(e: &OktaError, device: &str) -> ApiError {
    if e.status.as_u16() == 404 {
        device_not_found(device)
    } else {
        ApiError::request_failed("The device cannot be deleted while the user is deactivated.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::UserStatus;
    use crate::sim::org::Org;

    const REQ: ApiRequest<'static> = ApiRequest {
        id: "6f1c1f0e-0000-4000-8000-000000000001",
        user_agent: "accessdesk/0.1",
        path: "/v1/environments/e/users/u/devices/d",
    };
    const API: &str = "http://127.0.0.1:9/v1";

    fn world() -> (State, Environment) {
        let org = Org::generate(12, 400, Utc::now());
        let env = Environment::new(12, &org);
        (State::new(org, 12), env)
    }

    fn user_with(s: &State, kinds: &[FactorKind], status: UserStatus) -> usize {
        (0..s.org.users.len())
            .find(|&i| {
                let u = &s.org.users[i];
                i != s.org.admin
                    && u.status == status
                    && kinds.iter().all(|k| {
                        u.factors
                            .iter()
                            .any(|f| f.kind == *k && f.status == "ACTIVE")
                    })
            })
            .unwrap_or_else(|| panic!("a {status} user with {kinds:?}"))
    }

    fn factor(s: &State, user: usize, kind: FactorKind) -> &Factor {
        s.org.users[user]
            .factors
            .iter()
            .find(|f| f.kind == kind)
            .unwrap()
    }

    #[test]
    fn okta_verify_is_one_mobile_device_and_other_factors_map_one_to_one() {
        let (s, env) = world();
        let u = user_with(
            &s,
            &[FactorKind::Push, FactorKind::OktaTotp],
            UserStatus::Active,
        );
        let owner = &s.org.users[u];
        let all = devices(owner);
        assert_eq!(all.len(), owner.factors.len() - 1, "the TOTP is absorbed");
        let push = factor(&s, u, FactorKind::Push);
        let totp = factor(&s, u, FactorKind::OktaTotp);
        let mobile = all.iter().find(|d| d.kind == DeviceType::Mobile).unwrap();
        assert_eq!(mobile.id, device_id(&push.id));
        assert_eq!(mobile.primary(owner).id, push.id);
        assert_eq!(mobile.factors.len(), 2);
        assert_eq!(owner.factors[mobile.factors[1]].id, totp.id);
        assert_eq!(device_of_factor(owner, &totp.id), Some(mobile.id.clone()));
        assert_eq!(find(owner, &device_id(&totp.id)), None);

        let j = mobile.to_json(&env, owner, API);
        assert_eq!(j["type"], "MOBILE");
        assert_eq!(
            j["nickname"],
            push.profile.device_name(&owner.profile).unwrap().as_str()
        );
        assert_eq!(j["user"]["id"], user_id(&owner.id).as_str());
        assert_eq!(j["environment"]["id"], env.id.as_str());
        assert_eq!(
            j["_links"]["self"]["href"],
            format!(
                "{API}/environments/{}/users/{}/devices/{}",
                env.id,
                user_id(&owner.id),
                mobile.id
            )
        );
        assert_eq!(j["createdAt"], iso(push.created));

        // Without push, Okta Verify's TOTP is a TOTP device of its own, as is Google's.
        let g = user_with(&s, &[FactorKind::GoogleTotp], UserStatus::Active);
        let google = factor(&s, g, FactorKind::GoogleTotp);
        let d = find(&s.org.users[g], &device_id(&google.id)).unwrap();
        assert_eq!(d.kind, DeviceType::Totp);
        let totp = totp.id.clone();
        let mut s = s;
        s.org.users[u]
            .factors
            .retain(|f| f.kind != FactorKind::Push);
        let d = find(&s.org.users[u], &device_id(&totp)).unwrap();
        assert_eq!(d.kind, DeviceType::Totp);
    }

    #[test]
    fn sms_email_and_fido2_devices_carry_their_own_fields() {
        let (s, env) = world();
        let u = user_with(&s, &[FactorKind::Sms], UserStatus::Active);
        let sms = factor(&s, u, FactorKind::Sms);
        let j = get(&s, &env, u, &device_id(&sms.id), API).unwrap();
        assert_eq!(j["type"], "SMS");
        let phone = j["phone"].as_str().unwrap();
        assert!(
            phone.starts_with("+1") && phone[1..].chars().all(|c| c.is_ascii_digit()),
            "{phone}"
        );
        assert_eq!(j["status"], "ACTIVE");
        assert!(j["_links"].get("device.activate").is_none());

        let e = user_with(&s, &[FactorKind::Email], UserStatus::Active);
        let email = factor(&s, e, FactorKind::Email);
        let j = get(&s, &env, e, &device_id(&email.id), API).unwrap();
        assert_eq!(j["type"], "EMAIL");
        assert_eq!(j["email"], s.org.users[e].login());

        let w = user_with(&s, &[FactorKind::WebAuthn], UserStatus::Active);
        let key = factor(&s, w, FactorKind::WebAuthn);
        let j = get(&s, &env, w, &device_id(&key.id), API).unwrap();
        assert_eq!(j["type"], "FIDO2");
        assert!(j["nickname"].is_string());

        let e = get(&s, &env, u, "nope", API).unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (404, "NOT_FOUND"));
    }

    #[test]
    fn a_pending_factor_is_a_device_that_needs_activation() {
        let (mut s, env) = world();
        let u = user_with(&s, &[FactorKind::Sms], UserStatus::Active);
        let id = factor(&s, u, FactorKind::Sms).id.clone();
        let f = s.org.users[u]
            .factors
            .iter_mut()
            .find(|f| f.id == id)
            .unwrap();
        f.status = "PENDING_ACTIVATION";
        let j = get(&s, &env, u, &device_id(&id), API).unwrap();
        assert_eq!(j["status"], "ACTIVATION_REQUIRED");
        assert!(j["_links"]["device.activate"]["href"].is_string());
    }

    #[test]
    fn the_list_is_a_hal_collection_of_every_device() {
        let (s, env) = world();
        let u = user_with(
            &s,
            &[FactorKind::Push, FactorKind::OktaTotp],
            UserStatus::Active,
        );
        let page = list(&s, &env, u, API);
        let n = devices(&s.org.users[u]).len();
        assert_eq!(page["_embedded"]["devices"].as_array().unwrap().len(), n);
        assert_eq!(
            (page["count"].as_u64(), page["size"].as_u64()),
            (Some(n as u64), Some(n as u64))
        );
        assert!(
            page["_links"]["self"]["href"]
                .as_str()
                .unwrap()
                .ends_with("/devices")
        );
    }

    #[test]
    fn deleting_a_mobile_device_removes_okta_verify_whole_and_logs_it() {
        let (mut s, env) = world();
        let u = user_with(
            &s,
            &[FactorKind::Push, FactorKind::OktaTotp],
            UserStatus::Active,
        );
        let push = factor(&s, u, FactorKind::Push).id.clone();
        let factors = s.org.users[u].factors.len();
        let before = s.log.all().len();
        let mobile = device_id(&push);
        delete(&mut s, u, &mobile, &REQ, Utc::now()).unwrap();
        assert_eq!(s.org.users[u].factors.len(), factors - 2);
        assert!(
            s.org.users[u]
                .factors
                .iter()
                .all(|f| !matches!(f.kind, FactorKind::Push | FactorKind::OktaTotp))
        );
        assert_eq!(
            s.log.all().len(),
            before + 2,
            "Okta's log has both removals"
        );
        let e = get(&s, &env, u, &mobile, API).unwrap_err();
        assert_eq!(e.status.as_u16(), 404);
        let again = delete(&mut s, u, &mobile, &REQ, Utc::now()).unwrap_err();
        assert_eq!(again.status.as_u16(), 404);
    }

    #[test]
    fn a_deactivated_users_devices_stay() {
        let (mut s, _) = world();
        let u = (0..s.org.users.len())
            .find(|&i| {
                s.org.users[i].status == UserStatus::Deprovisioned
                    && !s.org.users[i].factors.is_empty()
            })
            .unwrap();
        let d = devices(&s.org.users[u])[0].id.clone();
        let e = delete(&mut s, u, &d, &REQ, Utc::now()).unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (400, "REQUEST_FAILED"));
        assert!(find(&s.org.users[u], &d).is_some());
    }
}
