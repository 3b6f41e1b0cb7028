//! Who a scheduled notice goes to, from what the expiry scan recorded about the person.

use crate::model::{ContractorExpiryRow, PasswordExpiryRow};
use crate::notify::Recipient;

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
