//! The access tokens the token endpoint issued, each with its expiry, so the gate can tell
//! an issued, unexpired token from anything else and tests can expire them all at once.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use rand::Rng;

/// Tokens are 64 hex characters: opaque, like PingOne's, and far from guessable.
const TOKEN_BYTES: usize = 32;

#[derive(Default)]
pub(crate) struct AccessTokens {
    /// Token → when it stops being accepted.
    expiry: HashMap<String, Instant>,
}

// The tokens themselves stay out of debug output.
impl std::fmt::Debug for AccessTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessTokens")
            .field("issued", &self.expiry.len())
            .finish()
    }
}

impl AccessTokens {
    /// A fresh token valid for `lifetime` from `now`. Expired tokens are forgotten here, so a
    /// simulator left running does not collect them forever.
    pub fn issue(&mut self, lifetime: Duration, now: Instant) -> String {
        self.expiry.retain(|_, until| *until > now);
        let bytes: [u8; TOKEN_BYTES] = rand::rng().random();
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        self.expiry.insert(token.clone(), now + lifetime);
        token
    }

    /// Whether `token` was issued and has not expired at `now`.
    pub fn accepts(&self, token: &str, now: Instant) -> bool {
        self.expiry.get(token).is_some_and(|until| *until > now)
    }

    /// Every issued token stops being accepted at `now`.
    pub fn expire_all(&mut self, now: Instant) {
        for until in self.expiry.values_mut() {
            *until = (*until).min(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_accepted_until_they_expire() {
        let t0 = Instant::now();
        let mut tokens = AccessTokens::default();
        let a = tokens.issue(Duration::from_secs(60), t0);
        assert_eq!(a.len(), 64);
        assert!(tokens.accepts(&a, t0 + Duration::from_secs(59)));
        assert!(!tokens.accepts(&a, t0 + Duration::from_secs(60)));
        assert!(!tokens.accepts("not-issued", t0));
        let b = tokens.issue(Duration::from_secs(60), t0);
        assert_ne!(a, b);
        tokens.expire_all(t0 + Duration::from_secs(1));
        assert!(!tokens.accepts(&b, t0 + Duration::from_secs(1)));
        assert!(!format!("{tokens:?}").contains(&b));
    }
}
