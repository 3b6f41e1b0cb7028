//! Signed, expiring, single-use answer links: `{public_url}/answer/{token}`, where the token is
//! base64url(claim JSON) "." base64url(HMAC-SHA256(key, claim)). The key lives in the data
//! directory (`answer-link.key`, private to the owner) or in `ACCESSDESK_ANSWER_KEY`. Single
//! use is the outbox's job (`Outbox::record_answer`). Tokens are never logged.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::io::Write;
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

/// Shorter keys are refused: HMAC-SHA256 wants at least its output's length.
pub const MIN_KEY_BYTES: usize = 32;

type HmacSha256 = Hmac<Sha256>;

impl AnswerKey {
    /// At least 32 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<AnswerKey, LinkError> {
        if bytes.len() < MIN_KEY_BYTES {
            return Err(LinkError::Key(format!(
                "it is {} bytes long; use at least {MIN_KEY_BYTES} random bytes",
                bytes.len()
            )));
        }
        Ok(AnswerKey(bytes.to_vec()))
    }

    /// `ACCESSDESK_ANSWER_KEY` (base64 or hex, ≥ 32 bytes) when given, else the key file in
    /// `data_dir`, created with 32 random bytes (mode 0600) on first use.
    ///
    /// The file holds the key in base64 (so it can be moved to the environment as is). An
    /// existing file is read back whatever its mode: warning about one others can read is the
    /// caller's job ([`key_file_too_open`]), since refusing it would break every link sent.
    pub fn load_or_create(data_dir: &Path, from_env: Option<&str>) -> Result<AnswerKey, LinkError> {
        if let Some(value) = from_env {
            return decode_key(value)
                .map_err(|why| LinkError::Key(format!("ACCESSDESK_ANSWER_KEY {why}")));
        }
        let path = data_dir.join(ANSWER_KEY_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => return read_key_file(&path, &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(key_file_error(&path, "cannot be read", e)),
        }
        crate::store::create_private_dir(data_dir)
            .map_err(|e| key_file_error(data_dir, "(its directory) cannot be created", e))?;
        let bytes: [u8; MIN_KEY_BYTES] = rand::random();
        match create_private(&path) {
            Ok(mut file) => {
                let text = format!("{}\n", STANDARD.encode(bytes));
                file.write_all(text.as_bytes())
                    .and_then(|()| file.sync_all())
                    .map_err(|e| key_file_error(&path, "cannot be written", e))?;
                AnswerKey::from_bytes(&bytes)
            }
            // Another process created it first: use theirs, so both sign alike.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| key_file_error(&path, "cannot be read", e))?;
                read_key_file(&path, &text)
            }
            Err(e) => Err(key_file_error(&path, "cannot be created", e)),
        }
    }

    /// A key as the environment or the desk's database holds it (base64 or hex).
    pub fn from_text(text: &str) -> Result<AnswerKey, LinkError> {
        decode_key(text).map_err(LinkError::Key)
    }

    /// 32 fresh random bytes in base64, the form keys are kept in.
    pub fn new_text() -> String {
        let bytes: [u8; MIN_KEY_BYTES] = rand::random();
        STANDARD.encode(bytes)
    }

    fn mac(&self) -> HmacSha256 {
        // HMAC takes a key of any length, and ours is at least 32 bytes.
        <HmacSha256 as KeyInit>::new_from_slice(&self.0).expect("HMAC accepts any key length")
    }
}

/// Whether the key file in `data_dir` can be read by others than its owner (the caller
/// warns: anyone who can read it can forge answers).
pub fn key_file_too_open(data_dir: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(data_dir.join(ANSWER_KEY_FILE))
            .is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
    }
    #[cfg(not(unix))]
    {
        let _ = data_dir;
        false
    }
}

fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

fn key_file_error(path: &Path, what: &str, e: std::io::Error) -> LinkError {
    LinkError::Key(format!("{} {what}: {e}", path.display()))
}

fn read_key_file(path: &Path, text: &str) -> Result<AnswerKey, LinkError> {
    decode_key(text).map_err(|why| {
        LinkError::Key(format!(
            "{} {why} (delete it to make a new key; links already sent stop working)",
            path.display()
        ))
    })
}

/// A key written as hex (when every character is a hex digit) or base64 (standard or URL
/// alphabet, padded or not).
fn decode_key(text: &str) -> Result<AnswerKey, String> {
    let text = text.trim();
    let bytes = if !text.is_empty()
        && text.len().is_multiple_of(2)
        && text.bytes().all(|b| b.is_ascii_hexdigit())
    {
        decode_hex(text)
    } else {
        [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
            .iter()
            .find_map(|engine| engine.decode(text).ok())
    };
    let bytes = bytes.ok_or("is neither base64 nor hex")?;
    AnswerKey::from_bytes(&bytes).map_err(|e| match e {
        LinkError::Key(why) => why,
        other => other.to_string(),
    })
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The token for `claim`.
pub fn sign(key: &AnswerKey, claim: &AnswerClaim) -> String {
    let json = serde_json::to_vec(claim).expect("a claim is plain data and always encodes");
    let mut mac = key.mac();
    mac.update(&json);
    let tag = mac.finalize().into_bytes();
    format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(&json),
        URL_SAFE_NO_PAD.encode(tag)
    )
}

/// The claim a token carries, if it is ours, intact and not expired at `now`.
pub fn verify(key: &AnswerKey, token: &str, now: DateTime<Utc>) -> Result<AnswerClaim, LinkError> {
    let (claim_part, tag_part) = token.split_once('.').ok_or(LinkError::Malformed)?;
    let json = URL_SAFE_NO_PAD
        .decode(claim_part)
        .map_err(|_| LinkError::Malformed)?;
    let tag = URL_SAFE_NO_PAD
        .decode(tag_part)
        .map_err(|_| LinkError::Malformed)?;
    let mut mac = key.mac();
    mac.update(&json);
    // Constant time: the comparison does not tell how much of a forged tag was right.
    mac.verify_slice(&tag).map_err(|_| LinkError::Forged)?;
    let claim: AnswerClaim = serde_json::from_slice(&json).map_err(|_| LinkError::Malformed)?;
    if now >= claim.expires_at {
        return Err(LinkError::Expired(claim.expires_at));
    }
    Ok(claim)
}

/// The answer link for `token` under `base` (`{base}/answer/{token}`, whether or not `base`
/// ends with a slash).
pub fn answer_url(base: &url::Url, token: &str) -> String {
    format!("{}/answer/{token}", base.as_str().trim_end_matches('/'))
}

#[cfg(test)]
#[path = "links_tests.rs"]
mod tests;
