use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An enrolled MFA factor. Phone numbers and e-mail addresses arrive here already masked: the
/// full value is never needed to recognise a device, so it never enters the program's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Factor {
    pub id: String,
    pub kind: FactorKind,
    /// The IdP's own type name, verbatim (e.g. `token:software:totp`).
    pub factor_type: String,
    pub provider: String,
    pub status: String,
    /// The device or authenticator name (`Dana's iPhone`, `YubiKey 5C`).
    pub device_name: Option<String>,
    /// Masked phone number or e-mail address (`•••-1337`, `d•••@example.com`).
    pub contact: Option<String>,
    pub created: Option<DateTime<Utc>>,
    pub last_updated: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactorKind {
    Push,
    Sms,
    Call,
    Email,
    Totp,
    HardwareToken,
    WebAuthn,
    SecurityQuestion,
    FastPass,
    Other,
}

impl FactorKind {
    /// From Okta's `factorType`.
    pub fn from_okta(factor_type: &str) -> Self {
        match factor_type {
            "push" => Self::Push,
            "sms" => Self::Sms,
            "call" => Self::Call,
            "email" => Self::Email,
            "token:software:totp" => Self::Totp,
            "token" | "token:hardware" | "token:hotp" => Self::HardwareToken,
            "webauthn" | "u2f" => Self::WebAuthn,
            "question" => Self::SecurityQuestion,
            "signed_nonce" => Self::FastPass,
            _ => Self::Other,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Push => "Okta Verify push",
            Self::Sms => "SMS",
            Self::Call => "Voice call",
            Self::Email => "E-mail",
            Self::Totp => "Authenticator code",
            Self::HardwareToken => "Hardware token",
            Self::WebAuthn => "Security key / passkey",
            Self::SecurityQuestion => "Security question",
            Self::FastPass => "Okta FastPass",
            Self::Other => "Other",
        }
    }
}

impl Factor {
    /// The status of a factor the IdP listed but that could not be read.
    pub const UNREADABLE: &'static str = "UNREADABLE";

    /// The factor as the agent recognises it: "Okta Verify push (Dana's iPhone)",
    /// "SMS •••-1337".
    pub fn describe(&self) -> String {
        match self.kind {
            FactorKind::Push => match &self.device_name {
                Some(device) => format!("{} ({device})", self.label()),
                None => self.label().into(),
            },
            FactorKind::Totp if self.provider.eq_ignore_ascii_case("OKTA") => {
                "Okta Verify code".into()
            }
            kind => match self.contact.as_ref().or(self.device_name.as_ref()) {
                Some(detail) => format!("{} {detail}", kind.label()),
                None => kind.label().to_string(),
            },
        }
    }

    /// The factor's kind as the agent knows it: a PingOne `MOBILE` device is the PingOne MFA
    /// app's push, not Okta Verify's.
    pub fn label(&self) -> &'static str {
        match self.kind {
            FactorKind::Push if self.provider.eq_ignore_ascii_case("PINGONE") => "PingOne MFA push",
            kind => kind.label(),
        }
    }

    /// [`Factor::describe`] with the IdP's id, as outcomes and the audit list removed factors:
    /// "Okta Verify code [ost1]".
    pub fn describe_with_id(&self) -> String {
        format!("{} [{}]", self.describe(), self.id)
    }

    pub fn is_active(&self) -> bool {
        self.status == "ACTIVE"
    }

    /// A push can be sent to it to prove possession.
    pub fn can_push(&self) -> bool {
        self.kind == FactorKind::Push && self.is_active()
    }

    /// A one-time code can be sent to it (or read from it) to prove possession.
    pub fn can_verify_code(&self) -> bool {
        matches!(
            self.kind,
            FactorKind::Sms | FactorKind::Call | FactorKind::Email | FactorKind::Totp
        ) && self.is_active()
    }
}

#[cfg(test)]
impl Factor {
    /// An ACTIVE factor with no device, contact or dates: the model's tests' fixture.
    pub(crate) fn active_for_test(
        id: &str,
        kind: FactorKind,
        factor_type: &str,
        provider: &str,
    ) -> Factor {
        Factor {
            id: id.into(),
            kind,
            factor_type: factor_type.into(),
            provider: provider.into(),
            status: "ACTIVE".into(),
            device_name: None,
            contact: None,
            created: None,
            last_updated: None,
        }
    }
}

/// `+1-555-415-1337` → `•••-1337`: the last four digits, enough to ask "the phone ending 1337?".
pub fn mask_phone(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let tail = &digits[digits.len().saturating_sub(4)..];
    format!("•••-{tail}")
}

/// `jane.doe@example.com` → `j•••@example.com`.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => "•••".to_string(),
    }
}

/// How a possession challenge (push or one-time code) ended, or where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChallengeResult {
    Waiting,
    Success,
    Rejected,
    Timeout,
    /// A wrong one-time code.
    Failed,
    /// Anything else the IdP reported (CANCELLED, EXPIRED, ...), verbatim.
    Other(String),
}

impl ChallengeResult {
    /// From Okta's `factorResult`.
    pub fn from_okta(s: &str) -> Self {
        match s {
            "WAITING" | "CHALLENGE" => Self::Waiting,
            "SUCCESS" => Self::Success,
            "REJECTED" => Self::Rejected,
            "TIMEOUT" => Self::Timeout,
            "FAILED" => Self::Failed,
            other => Self::Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Waiting => "WAITING",
            Self::Success => "SUCCESS",
            Self::Rejected => "REJECTED",
            Self::Timeout => "TIMEOUT",
            Self::Failed => "FAILED",
            Self::Other(s) => s,
        }
    }

    /// No further answer will come.
    pub fn is_final(&self) -> bool {
        !matches!(self, Self::Waiting)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_only_what_identifies_the_device() {
        assert_eq!(mask_phone("+1-555-415-1337"), "•••-1337");
        assert_eq!(mask_phone("12"), "•••-12");
        assert_eq!(mask_email("jane.doe@example.com"), "j•••@example.com");
        assert_eq!(mask_email("not-an-address"), "•••");
    }

    #[test]
    fn factor_kinds_from_okta_names() {
        assert_eq!(
            FactorKind::from_okta("token:software:totp"),
            FactorKind::Totp
        );
        assert_eq!(FactorKind::from_okta("signed_nonce"), FactorKind::FastPass);
        assert_eq!(FactorKind::from_okta("something_new"), FactorKind::Other);
    }

    #[test]
    fn challenge_results() {
        assert_eq!(
            ChallengeResult::from_okta("CHALLENGE"),
            ChallengeResult::Waiting
        );
        assert!(!ChallengeResult::Waiting.is_final());
        assert!(ChallengeResult::from_okta("CANCELLED").is_final());
        assert_eq!(ChallengeResult::from_okta("REJECTED").as_str(), "REJECTED");
    }
}
