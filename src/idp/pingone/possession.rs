//! Proof of possession through device authentications on the auth host: a push to the
//! PingOne MFA app, or a one-time code (sent by SMS, voice or e-mail, or read from an
//! authenticator app) checked against the authentication it belongs to.

use chrono::{DateTime, Utc};
use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

use super::client::{Payload, PingOneClient, WriteAnswer, decode_write};
use super::errors::{error_from_response, first_detail};
use super::wire::WireDeviceAuthentication;
use crate::idp::{IdpError, PushChallenge};
use crate::model::ChallengeResult;

const START: &str = "application/json";
const OTP_CHECK: &str = "application/vnd.pingidentity.otp.check+json";
const CANCEL: &str = "application/vnd.pingidentity.deviceAuthentication.cancel+json";

/// A code-bearing authentication waiting for its code.
#[derive(Debug, Clone)]
pub(super) struct PendingCode {
    href: String,
    expires_at: Option<DateTime<Utc>>,
}

/// Where a device authentication stands, in the desk's terms.
pub fn challenge_result(auth: &WireDeviceAuthentication) -> ChallengeResult {
    let error = auth.error.as_ref().and_then(|e| e.code.as_deref());
    match auth.status.as_str() {
        "PUSH_CONFIRMATION_REQUIRED" | "OTP_REQUIRED" => ChallengeResult::Waiting,
        "COMPLETED" => ChallengeResult::Success,
        "FAILED" if error == Some("REJECTED") => ChallengeResult::Rejected,
        // Three wrong codes: the caller did not know the code.
        "FAILED" if error == Some("TOO_MANY_ATTEMPTS") => ChallengeResult::Failed,
        "PUSH_CONFIRMATION_TIMED_OUT" => ChallengeResult::Timeout,
        other => ChallengeResult::Other(other.to_string()),
    }
}

impl PingOneClient {
    /// `POST {auth}/{envId}/deviceAuthentications` for one of the user's devices.
    async fn start_authentication(
        &self,
        user_id: &str,
        device_id: &str,
    ) -> Result<(WireDeviceAuthentication, WriteAnswer), IdpError> {
        let body = json!({"user": {"id": user_id}, "selectedDevice": {"id": device_id}});
        let answer = self
            .write(
                Method::POST,
                self.auth_path(&["deviceAuthentications"]),
                Some(Payload::json(START, &body)),
            )
            .await?;
        Ok((decode_write(&answer)?, answer))
    }

    /// The authentication's own URL: its `self` link, or built from its id.
    fn authentication_href(&self, auth: &WireDeviceAuthentication) -> String {
        auth.links
            .as_ref()
            .and_then(|l| l.self_link.as_ref())
            .map(|h| h.href.clone())
            .unwrap_or_else(|| {
                self.auth_path(&["deviceAuthentications", &auth.id])
                    .to_string()
            })
    }

    /// Send a push to the user's MOBILE device.
    pub async fn start_push(
        &self,
        user_id: &str,
        device_id: &str,
    ) -> Result<PushChallenge, IdpError> {
        let (auth, answer) = self.start_authentication(user_id, device_id).await?;
        let href = self.authentication_href(&auth);
        if auth.status != "PUSH_CONFIRMATION_REQUIRED" {
            // Not a push device: withdraw what was started rather than leave it open.
            if let Ok(url) = self.parse_link(&href) {
                let _ = self
                    .write(Method::POST, url, Some(Payload::operation(CANCEL)))
                    .await;
            }
            return Err(IdpError::Invalid(format!(
                "device {device_id} cannot take a push (PingOne answered {})",
                auth.status
            )));
        }
        Ok(PushChallenge {
            user_id: user_id.to_string(),
            factor_id: device_id.to_string(),
            poll_url: href.clone(),
            cancel_url: Some(href),
            expires_at: auth.expires_at,
            correct_answer: None,
            transaction_id: Some(auth.id),
            request_id: answer.request_id,
        })
    }

    /// Where a push stands now: `GET` on its `self` link.
    pub async fn push_result(
        &self,
        challenge: &PushChallenge,
    ) -> Result<ChallengeResult, IdpError> {
        let url = self.parse_link(&challenge.poll_url)?;
        let answer = self.get_json::<WireDeviceAuthentication>(url).await?;
        Ok(challenge_result(&answer.body))
    }

    /// Withdraw a push nobody needs any more.
    pub async fn withdraw_push(&self, challenge: &PushChallenge) -> Result<(), IdpError> {
        let href = challenge
            .cancel_url
            .as_deref()
            .unwrap_or(&challenge.poll_url);
        let url = self.parse_link(href)?;
        self.write(Method::POST, url, Some(Payload::operation(CANCEL)))
            .await
            .map(|_| ())
    }

    /// Have PingOne send a code to the device (or, for TOTP, expect the app's current code).
    pub async fn request_code(
        &self,
        user_id: &str,
        device_id: &str,
    ) -> Result<ChallengeResult, IdpError> {
        let (auth, _) = self.start_authentication(user_id, device_id).await?;
        if auth.status == "OTP_REQUIRED" {
            self.remember_code(user_id, device_id, &auth);
        }
        Ok(challenge_result(&auth))
    }

    /// Check the code the caller read out against the device's pending authentication (one is
    /// started when none is: an authenticator app's code needs no sending). A wrong code is
    /// `Failed`, not an error.
    pub async fn verify_code(
        &self,
        user_id: &str,
        device_id: &str,
        code: &SecretString,
    ) -> Result<ChallengeResult, IdpError> {
        let pending = match self.pending_code(user_id, device_id) {
            Some(p) => p,
            None => {
                let (auth, _) = self.start_authentication(user_id, device_id).await?;
                if auth.status != "OTP_REQUIRED" {
                    return Ok(challenge_result(&auth));
                }
                self.remember_code(user_id, device_id, &auth)
            }
        };
        let url = self.parse_link(&pending.href)?;
        let body = json!({ "otp": code.expose_secret() });
        let answer = self
            .write_any_status(Method::POST, url, Some(Payload::json(OTP_CHECK, &body)))
            .await?;
        if answer.status.is_success() {
            let auth: WireDeviceAuthentication = decode_write(&answer)?;
            let result = challenge_result(&auth);
            if result.is_final() {
                self.forget_code(user_id, device_id);
            }
            return Ok(result);
        }
        match first_detail(&answer.body) {
            Some((detail, attempts_left)) if detail == "INVALID_OTP" => {
                if attempts_left == Some(0) {
                    self.forget_code(user_id, device_id);
                }
                Ok(ChallengeResult::Failed)
            }
            _ => {
                // The authentication is spent (too many attempts, expired): the next check
                // starts a new one.
                self.forget_code(user_id, device_id);
                Err(error_from_response(
                    answer.status,
                    &answer.headers,
                    &answer.body,
                ))
            }
        }
    }

    fn remember_code(
        &self,
        user_id: &str,
        device_id: &str,
        auth: &WireDeviceAuthentication,
    ) -> PendingCode {
        let pending = PendingCode {
            href: self.authentication_href(auth),
            expires_at: auth.expires_at,
        };
        self.pending_codes
            .lock()
            .expect("pending codes poisoned")
            .insert(
                (user_id.to_string(), device_id.to_string()),
                pending.clone(),
            );
        pending
    }

    /// The device's pending authentication, unless it has expired.
    fn pending_code(&self, user_id: &str, device_id: &str) -> Option<PendingCode> {
        let mut pending = self.pending_codes.lock().expect("pending codes poisoned");
        let key = (user_id.to_string(), device_id.to_string());
        match pending.get(&key) {
            Some(p) if p.expires_at.is_none_or(|at| at > Utc::now()) => Some(p.clone()),
            Some(_) => {
                pending.remove(&key);
                None
            }
            None => None,
        }
    }

    fn forget_code(&self, user_id: &str, device_id: &str) {
        self.pending_codes
            .lock()
            .expect("pending codes poisoned")
            .remove(&(user_id.to_string(), device_id.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::idp::pingone::wire::samples::sample;

    fn auth(status: &str, error: Option<&str>) -> WireDeviceAuthentication {
        let mut json = json!({"id": "a1", "status": status});
        if let Some(code) = error {
            json["error"] = json!({"code": code, "message": "m"});
        }
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn statuses_map_to_challenge_results() {
        for (status, error, expected) in [
            ("PUSH_CONFIRMATION_REQUIRED", None, ChallengeResult::Waiting),
            ("OTP_REQUIRED", None, ChallengeResult::Waiting),
            ("COMPLETED", None, ChallengeResult::Success),
            ("FAILED", Some("REJECTED"), ChallengeResult::Rejected),
            ("FAILED", Some("TOO_MANY_ATTEMPTS"), ChallengeResult::Failed),
            (
                "PUSH_CONFIRMATION_TIMED_OUT",
                None,
                ChallengeResult::Timeout,
            ),
            ("CANCELED", None, ChallengeResult::Other("CANCELED".into())),
            ("FAILED", None, ChallengeResult::Other("FAILED".into())),
        ] {
            assert_eq!(challenge_result(&auth(status, error)), expected, "{status}");
        }
    }

    #[test]
    fn the_sample_authentication_is_waiting() {
        let Some(json) = sample("pingone-synthetic-device-authentication.json") else {
            return;
        };
        let a: WireDeviceAuthentication = serde_json::from_str(&json).unwrap();
        assert_eq!(challenge_result(&a), ChallengeResult::Waiting);
    }
}
