//! Factors API: list a user's factors, and challenge one to prove the caller holds it (a push
//! to Okta Verify, or a one-time code).

use chrono::{DateTime, Utc};
use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::json;
use serde_json::value::RawValue;

use super::client::OktaClient;
use crate::idp::{IdpError, PushChallenge};
use crate::model::{ChallengeResult, Factor, FactorKind, mask_email, mask_phone};

/// One factor of the list, decoded on its own. One that does not decode but has an id is kept
/// as an unreadable factor (status [`Factor::UNREADABLE`]), so the screen lists it and a reset
/// of all factors still removes it; one without even an id is skipped.
pub fn decode_factor(json: &str) -> Option<Factor> {
    match serde_json::from_str::<WireFactor>(json) {
        Ok(f) => Some(Factor::from(f)),
        Err(err) => {
            tracing::warn!(%err, "a factor does not decode");
            let value: serde_json::Value = serde_json::from_str(json).ok()?;
            let id = value["id"].as_str().filter(|id| !id.is_empty())?;
            let factor_type = value["factorType"].as_str().unwrap_or_default();
            Some(Factor {
                id: id.to_string(),
                // Never offered for a challenge: what it is was not read.
                kind: FactorKind::Other,
                factor_type: factor_type.to_string(),
                provider: value["provider"].as_str().unwrap_or_default().to_string(),
                status: Factor::UNREADABLE.to_string(),
                device_name: None,
                contact: None,
                created: None,
                last_updated: None,
            })
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireFactor {
    id: String,
    factor_type: String,
    #[serde(default)]
    provider: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    created: Option<DateTime<Utc>>,
    #[serde(default)]
    last_updated: Option<DateTime<Utc>>,
    /// Read leniently: a malformed profile loses the device's name, not the factor.
    #[serde(default)]
    profile: Option<serde_json::Value>,
}

/// Only the profile fields that name the device; the full phone number or address is masked
/// at once and dropped.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireFactorProfile {
    #[serde(default)]
    phone_number: Option<String>,
    #[serde(default)]
    email: Option<String>,
    /// Okta Verify: the device's name.
    #[serde(default)]
    name: Option<String>,
    /// WebAuthn: the authenticator's name.
    #[serde(default)]
    authenticator_name: Option<String>,
}

impl From<WireFactor> for Factor {
    fn from(f: WireFactor) -> Self {
        let profile: WireFactorProfile = f
            .profile
            .and_then(|p| serde_json::from_value(p).ok())
            .unwrap_or_default();
        let contact = profile
            .phone_number
            .as_deref()
            .map(mask_phone)
            .or_else(|| profile.email.as_deref().map(mask_email));
        Factor {
            kind: FactorKind::from_okta(&f.factor_type),
            id: f.id,
            factor_type: f.factor_type,
            provider: f.provider.unwrap_or_default(),
            status: f.status.unwrap_or_default(),
            device_name: profile.name.or(profile.authenticator_name),
            contact,
            created: f.created,
            last_updated: f.last_updated,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireVerify {
    factor_result: String,
    #[serde(default)]
    expires_at: Option<DateTime<Utc>>,
    #[serde(default, rename = "_links")]
    links: Option<WireVerifyLinks>,
    #[serde(default, rename = "_embedded")]
    embedded: Option<WireEmbedded>,
}

#[derive(Debug, Deserialize)]
struct WireVerifyLinks {
    #[serde(default)]
    poll: Option<WireHref>,
    #[serde(default)]
    cancel: Option<WireHref>,
}

#[derive(Debug, Deserialize)]
struct WireHref {
    href: String,
}

#[derive(Debug, Deserialize)]
struct WireEmbedded {
    #[serde(default)]
    challenge: Option<WireChallenge>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireChallenge {
    #[serde(default)]
    correct_answer: Option<u32>,
}

impl OktaClient {
    /// `GET /api/v1/users/{userId}/factors`.
    pub async fn fetch_factors(&self, user_id: &str) -> Result<Vec<Factor>, IdpError> {
        let url = self.user_path(&[user_id, "factors"])?;
        let answer = self.get_json::<Vec<Box<RawValue>>>(url).await?;
        Ok(answer
            .body
            .iter()
            .filter_map(|f| decode_factor(f.get()))
            .collect())
    }

    /// Send an Okta Verify push: `POST …/factors/{factorId}/verify` answers 201 WAITING.
    pub async fn start_push(
        &self,
        user_id: &str,
        factor_id: &str,
    ) -> Result<PushChallenge, IdpError> {
        let url = self.user_path(&[user_id, "factors", factor_id, "verify"])?;
        let answer = self.write(Method::POST, url, None).await?;
        let verify: WireVerify = decode(&answer.body, answer.status.as_u16(), &answer.request_id)?;
        let links = verify.links;
        let poll_url = links
            .as_ref()
            .and_then(|l| l.poll.as_ref())
            .map(|h| h.href.clone())
            .ok_or_else(|| IdpError::UnexpectedBody {
                status: answer.status.as_u16(),
                content_type: "application/json".into(),
                snippet: format!(
                    "a push answered {} without a poll link",
                    verify.factor_result
                ),
                request_id: answer.request_id.clone(),
            })?;
        Ok(PushChallenge {
            user_id: user_id.to_string(),
            factor_id: factor_id.to_string(),
            transaction_id: poll_url.rsplit('/').next().map(str::to_string),
            cancel_url: links.and_then(|l| l.cancel).map(|h| h.href),
            poll_url,
            expires_at: verify.expires_at,
            correct_answer: verify
                .embedded
                .and_then(|e| e.challenge)
                .and_then(|c| c.correct_answer),
            request_id: answer.request_id,
        })
    }

    /// Where a push stands now: `GET` on its poll link.
    pub async fn push_result(
        &self,
        challenge: &PushChallenge,
    ) -> Result<ChallengeResult, IdpError> {
        let url = url::Url::parse(&challenge.poll_url)
            .map_err(|e| IdpError::Invalid(format!("unusable poll link: {e}")))?;
        let answer = self.get_json::<WireVerify>(url).await?;
        Ok(ChallengeResult::from_okta(&answer.body.factor_result))
    }

    /// Withdraw a push that is no longer wanted.
    pub async fn withdraw_push(&self, challenge: &PushChallenge) -> Result<(), IdpError> {
        let Some(cancel) = &challenge.cancel_url else {
            return Ok(());
        };
        let url = url::Url::parse(cancel)
            .map_err(|e| IdpError::Invalid(format!("unusable cancel link: {e}")))?;
        self.write(Method::DELETE, url, None).await.map(|_| ())
    }

    /// Ask the IdP to send a one-time code (SMS, call, e-mail); answers CHALLENGE.
    pub async fn request_code(
        &self,
        user_id: &str,
        factor_id: &str,
    ) -> Result<ChallengeResult, IdpError> {
        let url = self.user_path(&[user_id, "factors", factor_id, "verify"])?;
        let answer = self.write(Method::POST, url, None).await?;
        let verify: WireVerify = decode(&answer.body, answer.status.as_u16(), &answer.request_id)?;
        Ok(ChallengeResult::from_okta(&verify.factor_result))
    }

    /// Check the code the caller read out. A wrong code is `Failed`, not an error.
    pub async fn verify_code(
        &self,
        user_id: &str,
        factor_id: &str,
        code: &SecretString,
    ) -> Result<ChallengeResult, IdpError> {
        let url = self.user_path(&[user_id, "factors", factor_id, "verify"])?;
        let body = json!({ "passCode": code.expose_secret() });
        match self.write(Method::POST, url, Some(body)).await {
            Ok(answer) => {
                let verify: WireVerify =
                    decode(&answer.body, answer.status.as_u16(), &answer.request_id)?;
                Ok(ChallengeResult::from_okta(&verify.factor_result))
            }
            // Okta's "invalid passcode" (E0000068) is the caller's answer, not a failure of ours.
            Err(IdpError::Api { code, .. }) if code == "E0000068" => Ok(ChallengeResult::Failed),
            Err(e) => Err(e),
        }
    }
}

fn decode<T: serde::de::DeserializeOwned>(
    body: &[u8],
    status: u16,
    request_id: &Option<String>,
) -> Result<T, IdpError> {
    serde_json::from_slice(body).map_err(|e| IdpError::UnexpectedBody {
        status,
        content_type: "application/json".into(),
        snippet: format!("the JSON does not have the expected shape: {e}"),
        request_id: request_id.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(name: &str) -> String {
        let path = format!(
            "{}/../shared/specs/samples/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{path}: {e}. ../shared must sit beside the repository."))
    }

    #[test]
    fn the_spec_factor_list_decodes_with_contacts_masked() {
        let factors: Vec<Factor> =
            serde_json::from_str::<Vec<WireFactor>>(&sample("okta-spec-ListFactors.json"))
                .unwrap()
                .into_iter()
                .map(Factor::from)
                .collect();
        let sms = factors.iter().find(|f| f.kind == FactorKind::Sms).unwrap();
        assert_eq!(sms.contact.as_deref(), Some("•••-1337"));
        assert!(sms.can_verify_code());
        let text = format!("{factors:?}");
        assert!(
            !text.contains("555-415"),
            "the full phone number never enters the model"
        );
        let totp = factors.iter().find(|f| f.kind == FactorKind::Totp).unwrap();
        assert_eq!(totp.status, "PENDING_ACTIVATION");
        assert!(!totp.can_verify_code(), "not active yet");
    }

    #[test]
    fn the_spec_push_examples_decode() {
        let examples: serde_json::Value =
            serde_json::from_str(&sample("okta-spec-push-verify-examples.json")).unwrap();
        let waiting: WireVerify =
            serde_json::from_value(examples["UserFactorChallengePushResponse"].clone()).unwrap();
        assert_eq!(
            ChallengeResult::from_okta(&waiting.factor_result),
            ChallengeResult::Waiting
        );
        assert!(
            waiting
                .links
                .unwrap()
                .poll
                .unwrap()
                .href
                .ends_with("/transactions/mst1eiHghhPxf0yhp0g")
        );
        for (name, expected) in [
            (
                "UserFactorVerifyPushTransactionApproved",
                ChallengeResult::Success,
            ),
            (
                "UserFactorVerifyPushTransactionRejected",
                ChallengeResult::Rejected,
            ),
            (
                "UserFactorVerifyPushTransactionTimeout",
                ChallengeResult::Timeout,
            ),
        ] {
            let v: WireVerify = serde_json::from_value(examples[name].clone()).unwrap();
            assert_eq!(
                ChallengeResult::from_okta(&v.factor_result),
                expected,
                "{name}"
            );
        }
    }
}
