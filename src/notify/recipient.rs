//! Who a notice goes to, from the IdP's user: `profile.email` first, then `secondEmail` when
//! the notice must reach every address of record.

use super::Recipient;
use crate::model::User;

impl Recipient {
    /// The user as a recipient: `profile.email` (the login when it is an address and no
    /// e-mail is set); with `every_address` also `secondEmail` (notices after an action, which
    /// must reach the user even if the primary mailbox is the one taken over). Blank and
    /// repeated addresses are left out; a user with none has an empty list.
    pub fn from_user(user: &User, every_address: bool) -> Recipient {
        let mut addresses: Vec<String> = Vec::new();
        let primary = user
            .email
            .as_deref()
            .filter(|e| !e.trim().is_empty())
            .or_else(|| user.login.contains('@').then_some(user.login.as_str()));
        let second = every_address
            .then_some(user.second_email.as_deref())
            .flatten();
        for address in [primary, second].into_iter().flatten() {
            let address = address.trim();
            if !address.is_empty() && !addresses.iter().any(|a| a.eq_ignore_ascii_case(address)) {
                addresses.push(address.to_string());
            }
        }
        Recipient {
            user_id: user.id.clone(),
            login: user.login.clone(),
            name: user.name(),
            addresses,
        }
    }
}

/// `dana.kim@example.com` → `d…@example.com`: enough for an agent to tell addresses apart
/// on screen without spelling them out.
pub fn mask_address(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => match local.chars().next() {
            Some(first) => format!("{first}…@{domain}"),
            None => format!("…@{domain}"),
        },
        None => match address.chars().next() {
            Some(first) => format!("{first}…"),
            None => String::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::UserStatus;

    #[test]
    fn every_address_of_record_once_primary_first() {
        let mut user = User::sample("00u1", "dana.kim@example.com", UserStatus::Active);
        user.email = Some("dana.kim@example.com".into());
        user.second_email = Some(" dana@home.example.org ".into());
        let all = Recipient::from_user(&user, true);
        assert_eq!(
            all.addresses,
            ["dana.kim@example.com", "dana@home.example.org"]
        );
        assert_eq!(
            Recipient::from_user(&user, false).addresses,
            ["dana.kim@example.com"]
        );
        user.second_email = Some("DANA.KIM@example.com".into());
        assert_eq!(Recipient::from_user(&user, true).addresses.len(), 1);
        user.email = None;
        user.second_email = Some("  ".into());
        assert_eq!(
            Recipient::from_user(&user, true).addresses,
            ["dana.kim@example.com"],
            "the login, when it is an address"
        );
        user.login = "dkim".into();
        assert!(Recipient::from_user(&user, true).addresses.is_empty());
    }

    #[test]
    fn masks_keep_the_first_letter_and_the_domain() {
        assert_eq!(mask_address("dana.kim@example.com"), "d…@example.com");
        assert_eq!(mask_address("@example.com"), "…@example.com");
        assert_eq!(mask_address("nobody"), "n…");
    }
}
