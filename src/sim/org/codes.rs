//! One-time passcodes: the codes an SMS or email challenge "sends", and the
//! time-based codes a TOTP app would show. Tests read them through
//! `SimHandle::last_code` or `GET /__sim/codes`; nothing else exposes them.

use chrono::{DateTime, Utc};
use rand::Rng;
use sha2::{Digest, Sha256};

/// TOTP time step, as in RFC 6238 and Okta Verify.
const STEP_SECONDS: i64 = 30;

/// A code sent by an SMS or email challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SentCode {
    pub code: String,
    pub sent: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// A code verifies once; a replay is a wrong code.
    pub used: bool,
}

impl SentCode {
    pub fn accepts(&self, code: &str, now: DateTime<Utc>) -> bool {
        !self.used && now < self.expires_at && self.code == code
    }
}

/// Six random digits.
pub(crate) fn new_code(rng: &mut impl Rng) -> String {
    format!("{:06}", rng.random_range(0..1_000_000))
}

fn step(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(STEP_SECONDS)
}

/// The code the factor's authenticator app shows at `at`. The factor id is
/// the shared secret: only the simulator knows it is one.
pub(crate) fn totp(factor_id: &str, at: DateTime<Utc>) -> String {
    totp_for_step(factor_id, step(at))
}

fn totp_for_step(factor_id: &str, step: i64) -> String {
    let digest = Sha256::digest(format!("{factor_id}:{step}").as_bytes());
    let n = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]);
    format!("{:06}", n % 1_000_000)
}

/// When the code shown at `at` stops being current.
pub(crate) fn totp_expires(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp((step(at) + 1) * STEP_SECONDS, 0).unwrap_or(at)
}

/// Like Okta, the previous step is accepted too, for clock drift and slow typists.
pub(crate) fn totp_matches(factor_id: &str, code: &str, now: DateTime<Utc>) -> bool {
    let s = step(now);
    [s, s - 1]
        .iter()
        .any(|&s| totp_for_step(factor_id, s) == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn totp_changes_every_step_and_accepts_the_previous_one() {
        let t = DateTime::from_timestamp(1_700_000_010, 0).unwrap();
        let code = totp("ost1", t);
        assert_eq!(code.len(), 6);
        assert!(code.chars().all(|c| c.is_ascii_digit()));
        assert_eq!(totp("ost1", t + Duration::seconds(5)), code);
        assert_ne!(totp("ost2", t), code, "each factor has its own secret");
        assert!(totp_matches("ost1", &code, t));
        assert!(totp_matches("ost1", &code, t + Duration::seconds(30)));
        assert!(!totp_matches("ost1", &code, t + Duration::seconds(60)));
        assert_eq!(totp_expires(t).timestamp() % 30, 0);
        assert!(totp_expires(t) > t && totp_expires(t) <= t + Duration::seconds(30));
    }

    #[test]
    fn sent_codes_verify_once_before_they_expire() {
        let now = Utc::now();
        let code = new_code(&mut ChaCha8Rng::seed_from_u64(1));
        assert_eq!(code.len(), 6);
        let mut sent = SentCode {
            code: code.clone(),
            sent: now,
            expires_at: now + Duration::seconds(300),
            used: false,
        };
        assert!(sent.accepts(&code, now));
        assert!(!sent.accepts("000000x", now));
        assert!(!sent.accepts(&code, now + Duration::seconds(300)));
        sent.used = true;
        assert!(!sent.accepts(&code, now));
    }
}
