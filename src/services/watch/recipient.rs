//! Who a notice goes to, from what the IdP says about the person.

use crate::model::{ContractorExpiryRow, PasswordExpiryRow, User};
use crate::notify::Recipient;

/// The user at `profile.email` (the login when it is an address and no e-mail is set);
/// with `every_address`, `profile.secondEmail` as well.
pub fn recipient_of(user: &User, every_address: bool) -> Recipient {
    let mut addresses: Vec<String> = Vec::new();
    let primary = user
        .email
        .clone()
        .filter(|e| !e.trim().is_empty())
        .or_else(|| user.login.contains('@').then(|| user.login.clone()));
    addresses.extend(primary);
    if every_address
        && let Some(second) = user.second_email.as_ref().filter(|e| !e.trim().is_empty())
        && !addresses.iter().any(|a| a.eq_ignore_ascii_case(second))
    {
        addresses.push(second.clone());
    }
    Recipient {
        user_id: user.id.clone(),
        login: user.login.clone(),
        name: user.name(),
        addresses,
    }
}

/// The user a password reminder is about, at the address the scan recorded.
pub fn password_recipient(row: &PasswordExpiryRow) -> Recipient {
    Recipient {
        user_id: row.user_id.clone(),
        login: row.login.clone(),
        name: row.name.clone(),
        addresses: vec![row.email.clone()],
    }
}

/// The manager a contractor digest goes to, as the scan recorded them on a contractor row.
pub fn manager_recipient(row: &ContractorExpiryRow) -> Option<Recipient> {
    let login = row.manager_login.clone()?;
    Some(Recipient {
        user_id: row.manager_id.clone()?,
        name: row.manager_name.clone().unwrap_or_else(|| login.clone()),
        addresses: vec![row.manager_email.clone().unwrap_or_else(|| login.clone())],
        login,
    })
}
