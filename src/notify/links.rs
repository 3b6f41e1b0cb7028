//! Signed, expiring, single-use answer links: `{public_url}/answer/{token}`, where the token is
//! base64url(claim JSON) "." base64url(HMAC-SHA256(key, claim)). The key lives in the data
//! directory (`answer-link.key`, private to the owner) or in `ACCESSDESK_ANSWER_KEY`. Single
//! use is the outbox's job (`Outbox::record_answer`). Tokens are never logged.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::Path;
use thiserror::Error;

use super::{AnswerChoice, IdempotencyKey};

/// The key file's name in the data directory.
pub const ANSWER_KEY_FILE: &str = "answer-link.key";

/// The HMAC key (its `Debug` never shows it).
#[derive(Clone)]
pub struct AnswerKey(Vec<u8>);

impl std::fmt::Debug for AnswerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AnswerKey([redacted])")
    }
}

/// What a link says: which notice, which answer, until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerClaim {
    pub key: IdempotencyKey,
    pub choice: AnswerChoice,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum LinkError {
    #[error("this link is not one of ours (it is incomplete or was altered)")]
    Malformed,
    #[error("this link's signature does not match: it was altered or not issued by this help desk")]
    Forged,
    #[error("this link expired at {0}")]
    Expired(DateTime<Utc>),
    #[error("the answer-link key cannot be used: {0}")]
    Key(String),
}

impl AnswerKey {
    /// At least 32 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<AnswerKey, LinkError> {
        let _ = bytes;
        unimplemented!("contract")
    }

    /// `ACCESSDESK_ANSWER_KEY` (base64 or hex, ≥ 32 bytes) when given, else the key file in
    /// `data_dir`, created with 32 random bytes (mode 0600) on first use.
    pub fn load_or_create(data_dir: &Path, from_env: Option<&str>) -> Result<AnswerKey, LinkError> {
        let _ = (data_dir, from_env);
        unimplemented!("contract")
    }
}

/// The token for `claim`.
pub fn sign(key: &AnswerKey, claim: &AnswerClaim) -> String {
    let _ = (key, claim);
    unimplemented!("contract")
}

/// The claim a token carries, if it is ours, intact and not expired at `now`.
pub fn verify(key: &AnswerKey, token: &str, now: DateTime<Utc>) -> Result<AnswerClaim, LinkError> {
    let _ = (key, token, now);
    unimplemented!("contract")
}
