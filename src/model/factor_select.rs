//! Naming a factor the way an agent does: by its id, its type (`push`, `sms`, `totp`,
//! `token:software:totp`, `webauthn`, …) or its provider (`okta`, `google`, …), in any case.

use super::{Factor, FactorKind};

/// The factors `selector` names, in the order listed: its id if one matches, else those of
/// that type, else those from that provider. Empty when it names nothing the user has; more
/// than one when it is ambiguous (say, two phones with Okta Verify).
pub fn select_factors<'a>(selector: &str, factors: &'a [Factor]) -> Vec<&'a Factor> {
    let wanted = selector.trim();
    if let Some(f) = factors.iter().find(|f| f.id == wanted) {
        return vec![f];
    }
    let by_id: Vec<&Factor> = factors
        .iter()
        .filter(|f| f.id.eq_ignore_ascii_case(wanted))
        .collect();
    if !by_id.is_empty() {
        return by_id;
    }
    let kind = kind_named(wanted);
    let by_type: Vec<&Factor> = factors
        .iter()
        .filter(|f| f.factor_type.eq_ignore_ascii_case(wanted) || Some(f.kind) == kind)
        .collect();
    if !by_type.is_empty() {
        return by_type;
    }
    factors
        .iter()
        .filter(|f| !f.provider.is_empty() && f.provider.eq_ignore_ascii_case(wanted))
        .collect()
}

/// The kinds agents call by a short name; the IdP's own type names match verbatim besides.
fn kind_named(name: &str) -> Option<FactorKind> {
    let kind = match name.to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
        "push" | "okta_verify" | "okta_verify_push" => FactorKind::Push,
        "sms" | "text" => FactorKind::Sms,
        "call" | "voice" | "voice_call" => FactorKind::Call,
        "email" | "e_mail" | "mail" => FactorKind::Email,
        "totp" | "authenticator" | "token:software:totp" => FactorKind::Totp,
        "token" | "hardware" | "hardware_token" | "token:hardware" | "token:hotp" | "hotp" => {
            FactorKind::HardwareToken
        }
        "webauthn" | "u2f" | "passkey" | "security_key" | "fido" | "fido2" => FactorKind::WebAuthn,
        "question" | "security_question" => FactorKind::SecurityQuestion,
        "fastpass" | "signed_nonce" => FactorKind::FastPass,
        _ => return None,
    };
    Some(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn factor(id: &str, kind: FactorKind, factor_type: &str, provider: &str) -> Factor {
        Factor::active_for_test(id, kind, factor_type, provider)
    }

    fn factors() -> Vec<Factor> {
        vec![
            factor("opf1", FactorKind::Push, "push", "OKTA"),
            factor("ost1", FactorKind::Totp, "token:software:totp", "OKTA"),
            factor("ost2", FactorKind::Totp, "token:software:totp", "GOOGLE"),
            factor("sms1", FactorKind::Sms, "sms", "OKTA"),
            factor("fwf1", FactorKind::WebAuthn, "webauthn", "FIDO"),
        ]
    }

    fn ids(selector: &str) -> Vec<String> {
        select_factors(selector, &factors())
            .iter()
            .map(|f| f.id.clone())
            .collect()
    }

    #[test]
    fn by_id_type_or_provider_in_any_case() {
        assert_eq!(ids("sms1"), ["sms1"]);
        assert_eq!(ids("SMS1"), ["sms1"], "ids too, when unambiguous");
        assert_eq!(ids("push"), ["opf1"]);
        assert_eq!(ids("PUSH"), ["opf1"]);
        assert_eq!(ids(" sms "), ["sms1"]);
        assert_eq!(ids("webauthn"), ["fwf1"]);
        assert_eq!(ids("passkey"), ["fwf1"]);
        assert_eq!(ids("google"), ["ost2"]);
        assert_eq!(ids("Fido"), ["fwf1"], "a provider");
    }

    #[test]
    fn ambiguous_and_unknown_names_say_so_by_their_count() {
        assert_eq!(ids("totp"), ["ost1", "ost2"]);
        assert_eq!(ids("token:software:totp"), ["ost1", "ost2"]);
        assert_eq!(ids("okta"), ["opf1", "ost1", "sms1"]);
        assert!(ids("email").is_empty(), "a type the user does not have");
        assert!(ids("yubikey").is_empty());
        assert!(ids("").is_empty());
    }
}
