//! Secrets never enter the audit log. These checks spot text that looks like one so `append`
//! can refuse the entry; the caller must record what was done, never the secret itself.
//!
//! What counts as a secret (ASCII case is ignored):
//! - a password-reset or token link: `reset_password/…`, `reset-password/…`, `/tokens/…`;
//! - a token or password parameter: `…token=…`, `…password=…`, or a JSON `"…token": …` /
//!   `"…password": …` (covers `recoveryToken`, `activationToken`, `tempPassword`);
//! - an authorization header value: `SSWS …`, `Bearer …`;
//! - an Okta API token by shape: `00` followed by 40 base64url characters;
//! - a JWT (`eyJ….eyJ….…`): an OAuth access or ID token;
//! - in free text only ([`find_secret`]): a one-time code, i.e. a standalone run of 6 to 8
//!   digits. Identifier fields use [`find_credential`], which skips this rule, because
//!   ticket numbers and ids are legitimately made of digits.

use super::record::AuditEntry;

const LINK: &str = "a password-reset or token link";
const PARAM: &str = "a token or password parameter";
const AUTH_HEADER: &str = "an authorization header value";
const OKTA_TOKEN: &str = "an Okta API token";
const JWT: &str = "a JWT (OAuth access or ID token)";
const OTP: &str = "a one-time code (6 to 8 digits)";

/// The kind of secret `text` seems to contain, checking every rule (for free text such as
/// notes and error messages).
pub fn find_secret(text: &str) -> Option<&'static str> {
    find_credential(text).or_else(|| has_one_time_code(text).then_some(OTP))
}

/// The kind of secret `text` seems to contain, without the one-time-code rule (for tickets,
/// ids and logins, where a run of digits is ordinary).
pub fn find_credential(text: &str) -> Option<&'static str> {
    let lower = text.to_ascii_lowercase();
    if ["reset_password/", "reset-password/", "/tokens/"]
        .iter()
        .any(|m| followed_by_value(&lower, m))
    {
        return Some(LINK);
    }
    if ["token=", "password=", "token\":", "password\":"]
        .iter()
        .any(|m| followed_by_value(&lower, m))
    {
        return Some(PARAM);
    }
    if ["ssws ", "bearer "]
        .iter()
        .any(|m| followed_by_value(&lower, m))
    {
        return Some(AUTH_HEADER);
    }
    let words = || text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    if words().any(|w| w.len() == 42 && w.starts_with("00")) {
        return Some(OKTA_TOKEN);
    }
    let dotted = text.split(|c: char| !(c.is_ascii_alphanumeric() || "-_.".contains(c)));
    if dotted.into_iter().any(is_jwt) {
        return Some(JWT);
    }
    None
}

/// Whether `marker` occurs followed (after optional spaces and a quote) by a token character:
/// `token=` alone, or `Bearer` at the end of a sentence, carry nothing secret.
fn followed_by_value(lower: &str, marker: &str) -> bool {
    lower.match_indices(marker).any(|(i, _)| {
        lower[i + marker.len()..]
            .trim_start_matches([' ', '"'])
            .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    })
}

/// Header and payload are base64url JSON objects, so both start `eyJ` (`{"`).
fn is_jwt(word: &str) -> bool {
    let parts: Vec<&str> = word.split('.').collect();
    parts.len() == 3
        && parts[..2]
            .iter()
            .all(|p| p.starts_with("eyJ") && p.len() >= 10)
}

/// A run of 6 to 8 digits standing on its own: not part of a word, an id (`INC-123456`,
/// `#123456`, `/users/1234567`), a phone number (`+1555010`) or a decimal (`0.123456`).
fn has_one_time_code(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let before = start.checked_sub(1).map(|j| bytes[j]);
        let after = bytes.get(i).copied();
        let free_before =
            before.is_none_or(|b| !(b.is_ascii_alphanumeric() || b"_-#+/.".contains(&b)));
        let free_after = after.is_none_or(|b| !(b.is_ascii_alphanumeric() || b"_-".contains(&b)));
        if (6..=8).contains(&(i - start)) && free_before && free_after {
            return true;
        }
    }
    false
}

/// The first field of `entry` that looks like it holds a secret, and what kind.
pub fn find_in_entry(entry: &AuditEntry) -> Option<(&'static str, &'static str)> {
    let free_text = [("note", &entry.note), ("error", &entry.error)];
    for (field, value) in free_text {
        if let Some(kind) = value.as_deref().and_then(find_secret) {
            return Some((field, kind));
        }
    }
    let mut ids: Vec<(&'static str, Option<&str>)> = vec![
        ("agent", Some(&entry.agent)),
        ("action", Some(&entry.action)),
        ("target_id", entry.target_id.as_deref()),
        ("target_login", entry.target_login.as_deref()),
        ("ticket", entry.ticket.as_deref()),
        ("idp_request_id", entry.idp_request_id.as_deref()),
    ];
    ids.extend(
        entry
            .checklist
            .iter()
            .map(|c| ("checklist", Some(c.as_str()))),
    );
    for ev in &entry.evidence {
        ids.extend([
            ("evidence.kind", Some(ev.kind.as_str())),
            ("evidence.subject_login", ev.subject_login.as_deref()),
            ("evidence.factor_id", ev.factor_id.as_deref()),
            ("evidence.transaction_id", ev.transaction_id.as_deref()),
            ("evidence.result", Some(ev.result.as_str())),
        ]);
    }
    if let Some(t) = &entry.ticket_check {
        ids.extend([
            ("ticket_check.system", Some(t.system.as_str())),
            ("ticket_check.system_id", Some(t.system_id.as_str())),
            ("ticket_check.number", Some(t.number.as_str())),
            ("ticket_check.state", Some(t.state.as_str())),
        ]);
    }
    ids.into_iter()
        .find_map(|(field, value)| value.and_then(find_credential).map(|kind| (field, kind)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::record::{Evidence, Outcome};

    #[test]
    fn reset_and_token_links_are_secrets() {
        for text in [
            "https://acme.okta.com/reset_password/XE6wE17zmphl3KqAPFxO",
            "sent acme.okta.com/signin/reset-password/abc123 to the user",
            "https://acme.okta.com/api/v1/authn/tokens/abc",
            "GET https://acme.okta.com/welcome?token=abc123 failed",
            "https://x.example/activate?activationToken=abc",
        ] {
            assert!(find_credential(text).is_some(), "{text}");
            assert!(find_secret(text).is_some(), "{text}");
        }
    }

    #[test]
    fn json_bodies_and_headers_with_secrets_are_secrets() {
        assert_eq!(
            find_secret(r#"{"recoveryToken": "VBQ0gwBXYo"}"#),
            Some(PARAM)
        );
        assert_eq!(find_secret(r#"{"tempPassword":"Aa1!xyz"}"#), Some(PARAM));
        assert_eq!(find_secret("Authorization: SSWS 00abc"), Some(AUTH_HEADER));
        assert_eq!(find_secret("authorization: Bearer eyJ"), Some(AUTH_HEADER));
    }

    #[test]
    fn okta_api_tokens_are_found_by_shape() {
        let token = format!("00{}", &"aB3_-x".repeat(7)[..40]);
        assert_eq!(token.len(), 42);
        assert_eq!(find_credential(&token), Some(OKTA_TOKEN));
        assert_eq!(
            find_credential(&format!("the token {token}.")),
            Some(OKTA_TOKEN)
        );
        // Okta object ids start with 00 too but are 20 characters.
        assert_eq!(find_credential("00u1abcdEFGH2345ijk7"), None);
        // A longer run is not that shape (e.g. a hex digest).
        assert_eq!(find_credential(&format!("{token}x")), None);
    }

    #[test]
    fn jwts_are_secrets() {
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2lnbmF0dXJl";
        assert_eq!(find_credential(&format!("token {jwt} expired")), Some(JWT));
        assert_eq!(find_credential("eyJ.is.short"), None);
        assert_eq!(find_credential("eyJhbGciOiJ.notjson.sig"), None);
    }

    #[test]
    fn standalone_short_digit_runs_are_one_time_codes_in_free_text() {
        for text in [
            "123456",
            "code 1234567 read back",
            "OTP:12345678.",
            "(654321)",
        ] {
            assert_eq!(find_secret(text), Some(OTP), "{text}");
            assert_eq!(find_credential(text), None, "{text}");
        }
    }

    #[test]
    fn ordinary_text_is_not_a_secret() {
        for text in [
            "INC0012345",
            "see INC-123456 and #7654321",
            "RITM0098765",
            "HTTP 429 at 2024-05-01T09:00:00.123456Z, retry in 12345 ms",
            "E0000047: API call exceeded rate limit",
            "call back on +15550100123 or +1555010",
            "reset_password",
            "user asked for a reset_password link; sent by email",
            "token= (empty)",
            "12345 and 123456789",
            "00u1abcdEFGH2345ijk7",
            "bob@example.com",
            "v2mst.GldKV5VxTrifyeZmWSQguA",
        ] {
            assert_eq!(find_secret(text), None, "{text}");
        }
    }

    #[test]
    fn entry_fields_are_checked_with_the_right_rule() {
        let mut entry = AuditEntry::new(
            "2024-05-01T09:00:00Z".parse().unwrap(),
            "alice",
            "reset_password",
            Outcome::Succeeded,
        );
        entry.ticket = Some("12345678".into());
        entry.target_id = Some("00u1abcdEFGH2345ijk7".into());
        assert_eq!(find_in_entry(&entry), None);

        entry.note = Some("user read me 482913".into());
        assert_eq!(find_in_entry(&entry), Some(("note", OTP)));
        entry.note = None;

        entry.evidence.push(Evidence {
            kind: "otp".into(),
            subject_login: None,
            factor_id: None,
            transaction_id: Some("https://a.okta.com/reset_password/abc".into()),
            result: "SUCCESS".into(),
            at: None,
        });
        assert_eq!(
            find_in_entry(&entry),
            Some(("evidence.transaction_id", LINK))
        );
    }
}
