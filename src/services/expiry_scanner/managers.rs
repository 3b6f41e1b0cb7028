//! A contractor's manager (login, name, e-mail), resolved from users the scan saw: only the
//! managers that contractor rows reference are kept, so memory stays one entry per manager.

use std::collections::{HashMap, HashSet};

use super::compute::reminder_address;
use crate::idp::ScannedUser;
use crate::model::{ContractorExpiryRow, PasswordExpiryRow};

/// How a manager is reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub login: String,
    pub name: String,
    pub email: String,
}

impl Contact {
    pub fn of(user: &ScannedUser) -> Self {
        Self {
            login: user.login.clone(),
            name: user.name.clone(),
            email: reminder_address(user).to_string(),
        }
    }

    pub fn of_row(row: &PasswordExpiryRow) -> Self {
        Self {
            login: row.login.clone(),
            name: row.name.clone(),
            email: row.email.clone(),
        }
    }

    /// The contact a resolved contractor row already carries.
    pub fn of_contractor_row(row: &ContractorExpiryRow) -> Option<Self> {
        Some(Self {
            login: row.manager_login.clone()?,
            name: row.manager_name.clone().unwrap_or_default(),
            email: row.manager_email.clone().unwrap_or_default(),
        })
    }
}

/// The manager ids the rows name.
pub fn referenced(rows: &[ContractorExpiryRow]) -> HashSet<String> {
    rows.iter().filter_map(|r| r.manager_id.clone()).collect()
}

/// Contacts for the referenced ids, from the password rows (which carry login, name and
/// e-mail) and from `others` (users the scan saw without a password row).
pub fn resolve(
    wanted: &HashSet<String>,
    passwords: &[PasswordExpiryRow],
    others: HashMap<String, Contact>,
) -> HashMap<String, Contact> {
    let mut found: HashMap<String, Contact> = others
        .into_iter()
        .filter(|(id, _)| wanted.contains(id))
        .collect();
    for row in passwords.iter().filter(|r| wanted.contains(&r.user_id)) {
        found
            .entry(row.user_id.clone())
            .or_insert_with(|| Contact::of_row(row));
    }
    found
}

/// Fill in (or clear) each row's manager from `contacts`; a manager not in there is not on
/// record.
pub fn apply(rows: &mut [ContractorExpiryRow], contacts: &HashMap<String, Contact>) {
    for row in rows {
        let contact = row.manager_id.as_ref().and_then(|id| contacts.get(id));
        row.manager_login = contact.map(|c| c.login.clone());
        row.manager_name = contact.map(|c| c.name.clone());
        row.manager_email = contact.map(|c| c.email.clone());
    }
}
