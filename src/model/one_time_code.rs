//! A one-time code the caller reads out: a secret from the moment it is typed. It is never
//! shown (the dialog draws bullets), logged or audited, and its `Debug` is redacted.

use secrecy::{ExposeSecret, SecretString};

#[derive(Debug, Clone)]
pub struct OneTimeCode(SecretString);

impl OneTimeCode {
    pub fn new(code: &str) -> Self {
        Self(SecretString::from(code.trim()))
    }

    pub fn secret(&self) -> &SecretString {
        &self.0
    }
}

/// Equal codes compare equal, so requests holding one can be compared in tests.
impl PartialEq for OneTimeCode {
    fn eq(&self, other: &Self) -> bool {
        self.0.expose_secret() == other.0.expose_secret()
    }
}

impl Eq for OneTimeCode {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_code_and_spaces_are_trimmed() {
        let code = OneTimeCode::new(" 493817 ");
        assert!(!format!("{code:?}").contains("493817"));
        assert_eq!(code.secret().expose_secret(), "493817");
        assert_eq!(code, OneTimeCode::new("493817"));
        assert_ne!(code, OneTimeCode::new("493818"));
    }
}
