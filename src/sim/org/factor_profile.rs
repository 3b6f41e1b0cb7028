//! A factor's `profile`, kept compact: most of it repeats the owner's login, name or phone,
//! so only what is the factor's own is stored and the JSON is built from the owner's profile.

use serde_json::{Value, json};

use super::profile::Profile;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FactorProfile {
    /// Okta Verify push on the owner's phone (`<first name>'s <model>`).
    Push { model: &'static str, iphone: bool },
    /// A TOTP app registered to the owner's login.
    Totp,
    /// Texts to the owner's mobile number.
    Sms,
    WebAuthn {
        authenticator: &'static str,
        credential_id: Box<str>,
    },
    /// Codes to the owner's email.
    Email,
}

impl FactorProfile {
    pub fn to_json(&self, owner: &Profile) -> Value {
        match self {
            Self::Push { iphone, .. } => {
                let (platform, device_type, version) = if *iphone {
                    ("IOS", "SmartPhone_IPhone", "17.5.1")
                } else {
                    ("ANDROID", "SmartPhone_Android", "14")
                };
                json!({
                    "credentialId": &*owner.login,
                    "deviceType": device_type,
                    "name": self.device_name(owner),
                    "platform": platform,
                    "version": version,
                })
            }
            Self::Totp => json!({"credentialId": &*owner.login}),
            Self::Sms => json!({"phoneNumber": owner.phone_e164()}),
            Self::WebAuthn {
                authenticator,
                credential_id,
            } => json!({"authenticatorName": authenticator, "credentialId": &**credential_id}),
            Self::Email => json!({"email": &*owner.login}),
        }
    }

    /// The phone's name for a push factor (`None` for other kinds).
    pub fn device_name(&self, owner: &Profile) -> Option<String> {
        match self {
            Self::Push { model, .. } => Some(format!("{}'s {model}", owner.first_name)),
            _ => None,
        }
    }
}
