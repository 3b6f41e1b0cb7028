//! Which identity provider a directory talks to, and the words the screens use for its parts.

use serde::{Deserialize, Serialize};

/// The identity providers accessdesk can work against (`idp = "okta" | "pingone"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    #[default]
    Okta,
    PingOne,
}

impl Provider {
    pub const ALL: [Provider; 2] = [Provider::Okta, Provider::PingOne];

    /// The configuration value (`okta`, `pingone`).
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Okta => "okta",
            Provider::PingOne => "pingone",
        }
    }

    /// The product name, for sentences on screen.
    pub fn name(self) -> &'static str {
        match self {
            Provider::Okta => "Okta",
            Provider::PingOne => "PingOne",
        }
    }

    pub fn parse(value: &str) -> Option<Provider> {
        let value = value.trim().to_ascii_lowercase();
        Provider::ALL.into_iter().find(|p| p.as_str() == value)
    }

    /// The app on the user's phone that answers a push.
    pub fn push_app(self) -> &'static str {
        match self {
            Provider::Okta => "Okta Verify",
            Provider::PingOne => "PingOne MFA app",
        }
    }

    /// What a password reset does at this provider, said before Confirm and after.
    pub fn reset_password_effect(self) -> &'static str {
        match self {
            Provider::Okta => {
                "Okta e-mails the user a one-time reset link and puts the account in RECOVERY \
                 until they set a new password"
            }
            Provider::PingOne => {
                "PingOne e-mails the user a recovery code (valid 5 minutes) to set a new \
                 password with; PingOne has no RECOVERY state, so the account's status does \
                 not change until they do"
            }
        }
    }
}

impl std::fmt::Display for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_config_values_and_nothing_else() {
        assert_eq!(Provider::parse("okta"), Some(Provider::Okta));
        assert_eq!(Provider::parse(" PingOne "), Some(Provider::PingOne));
        assert_eq!(Provider::parse("ping"), None);
        for p in Provider::ALL {
            assert_eq!(Provider::parse(p.as_str()), Some(p));
        }
    }
}
