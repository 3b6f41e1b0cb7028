use chrono::{Duration, TimeZone, Utc};
use proptest::prelude::*;

use super::*;
use crate::notify::NoticeKind;

fn key(byte: u8) -> AnswerKey {
    AnswerKey::from_bytes(&[byte; 32]).unwrap()
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

fn claim() -> AnswerClaim {
    AnswerClaim {
        key: IdempotencyKey::new(
            "00u1",
            NoticeKind::PasswordReminder,
            "7",
            "2026-02-20T08:00:00.000Z",
        ),
        choice: AnswerChoice::RemindLater,
        expires_at: now() + Duration::days(14),
    }
}

#[test]
fn a_signed_claim_verifies() {
    let token = sign(&key(1), &claim());
    assert_eq!(verify(&key(1), &token, now()), Ok(claim()));
    assert!(
        token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)),
        "URL-safe: {token}"
    );
}

#[test]
fn a_tampered_claim_is_forged() {
    let token = sign(&key(1), &claim());
    let (_, tag) = token.split_once('.').unwrap();
    let mut other = claim();
    other.choice = AnswerChoice::DoNotRemind;
    let json = serde_json::to_vec(&other).unwrap();
    let tampered = format!("{}.{tag}", URL_SAFE_NO_PAD.encode(json));
    assert_eq!(verify(&key(1), &tampered, now()), Err(LinkError::Forged));
}

#[test]
fn another_key_is_forged() {
    let token = sign(&key(1), &claim());
    assert_eq!(verify(&key(2), &token, now()), Err(LinkError::Forged));
}

#[test]
fn garbage_is_malformed() {
    for token in ["", "abc", "not base64!.x", "a.b.c", "...."] {
        assert_eq!(
            verify(&key(1), token, now()),
            Err(LinkError::Malformed),
            "{token:?}"
        );
    }
}

#[test]
fn an_old_link_is_expired() {
    let token = sign(&key(1), &claim());
    let at = claim().expires_at;
    assert_eq!(verify(&key(1), &token, at), Err(LinkError::Expired(at)));
    assert!(verify(&key(1), &token, at - Duration::seconds(1)).is_ok());
}

#[test]
fn a_short_key_is_refused() {
    let err = AnswerKey::from_bytes(&[7; 31]).unwrap_err();
    assert!(
        matches!(&err, LinkError::Key(why) if why.contains("31 bytes")),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    let short = AnswerKey::load_or_create(dir.path(), Some("c2hvcnQ=")).unwrap_err();
    assert!(
        short.to_string().contains("ACCESSDESK_ANSWER_KEY"),
        "{short}"
    );
    let junk = AnswerKey::load_or_create(dir.path(), Some("not a key!")).unwrap_err();
    assert!(
        junk.to_string().contains("neither base64 nor hex"),
        "{junk}"
    );
}

#[test]
fn the_key_file_is_created_private_and_reused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let first = AnswerKey::load_or_create(&data, None).unwrap();
    let path = data.join(ANSWER_KEY_FILE);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert!(!key_file_too_open(&data));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(key_file_too_open(&data));
    }
    let again = AnswerKey::load_or_create(&data, None).unwrap();
    let token = sign(&first, &claim());
    assert_eq!(
        verify(&again, &token, now()),
        Ok(claim()),
        "the same key read back"
    );
    assert_ne!(first.0, [0u8; 32]);
}

#[test]
fn the_environment_key_wins() {
    let dir = tempfile::tempdir().unwrap();
    let raw = [9u8; 40];
    let as_hex: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    let from_hex = AnswerKey::load_or_create(dir.path(), Some(&as_hex)).unwrap();
    let from_b64 = AnswerKey::load_or_create(dir.path(), Some(&STANDARD.encode(raw))).unwrap();
    assert_eq!(from_hex.0, raw);
    assert_eq!(from_b64.0, raw);
    assert!(
        !dir.path().join(ANSWER_KEY_FILE).exists(),
        "no file when the env has the key"
    );
}

#[test]
fn a_broken_key_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(ANSWER_KEY_FILE), "too short").unwrap();
    let err = AnswerKey::load_or_create(dir.path(), None).unwrap_err();
    assert!(err.to_string().contains(ANSWER_KEY_FILE), "{err}");
}

#[test]
fn answer_urls_join_with_one_slash() {
    let bare = url::Url::parse("https://desk.example.com").unwrap();
    let nested = url::Url::parse("https://example.com/desk/").unwrap();
    assert_eq!(
        answer_url(&bare, "t.s"),
        "https://desk.example.com/answer/t.s"
    );
    assert_eq!(
        answer_url(&nested, "t.s"),
        "https://example.com/desk/answer/t.s"
    );
}

#[test]
fn the_key_never_shows_in_debug() {
    assert_eq!(format!("{:?}", key(65)), "AnswerKey([redacted])");
}

proptest! {
    #[test]
    fn random_strings_never_verify(token in ".{0,200}", dotted in "[A-Za-z0-9_-]{0,80}\\.[A-Za-z0-9_-]{0,60}") {
        prop_assert!(verify(&key(1), &token, now()).is_err());
        prop_assert!(verify(&key(1), &dotted, now()).is_err());
    }
}
