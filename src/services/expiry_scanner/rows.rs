//! The rows of a full scan, built page by page: one compact row per user with an expiry, and a
//! contact kept only for users without a password row (a manager might be among them).

use std::collections::HashMap;

use super::ScanSettings;
use super::compute::{contractor_row, password_row, sort_contractors, sort_passwords};
use super::managers::{self, Contact};
use super::membership::policy_for;
use crate::idp::ScannedUser;
use crate::model::{
    ContractorExpiryRow, GroupMembers, PasswordExpiryRow, PasswordPolicy, UserStatus,
};

pub struct Rows<'a> {
    settings: &'a ScanSettings,
    policies: &'a [PasswordPolicy],
    groups: &'a [GroupMembers],
    pub passwords: Vec<PasswordExpiryRow>,
    pub contractors: Vec<ContractorExpiryRow>,
    /// Users with no password row, by id: the only ones a manager lookup cannot find in
    /// `passwords`.
    others: HashMap<String, Contact>,
}

impl<'a> Rows<'a> {
    pub fn new(
        settings: &'a ScanSettings,
        policies: &'a [PasswordPolicy],
        groups: &'a [GroupMembers],
    ) -> Self {
        Self {
            settings,
            policies,
            groups,
            passwords: Vec::new(),
            contractors: Vec::new(),
            others: HashMap::new(),
        }
    }

    pub fn add(&mut self, user: &ScannedUser) {
        let policy = policy_for(&user.id, self.groups, self.policies);
        match password_row(user, policy) {
            Some(row) => self.passwords.push(row),
            None if user.status != UserStatus::Deprovisioned => {
                self.others.insert(user.id.clone(), Contact::of(user));
            }
            None => {}
        }
        if let Some(row) = contractor_row(user, self.settings) {
            self.contractors.push(row);
        }
    }

    /// Managers resolved, rows sorted.
    pub fn finish(mut self) -> (Vec<PasswordExpiryRow>, Vec<ContractorExpiryRow>) {
        let wanted = managers::referenced(&self.contractors);
        let contacts =
            managers::resolve(&wanted, &self.passwords, std::mem::take(&mut self.others));
        managers::apply(&mut self.contractors, &contacts);
        sort_passwords(&mut self.passwords);
        sort_contractors(&mut self.contractors);
        self.passwords.shrink_to_fit();
        self.contractors.shrink_to_fit();
        (self.passwords, self.contractors)
    }
}
