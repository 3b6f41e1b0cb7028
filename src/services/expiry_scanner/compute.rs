//! One user's rows (pure): the password expiry under the policy that applies, and the contract
//! end for the configured user types. Managers are filled in later (`managers.rs`).

use chrono::NaiveDate;

use super::ScanSettings;
use crate::idp::ScannedUser;
use crate::model::{ContractorExpiryRow, PasswordExpiryRow, PasswordPolicy, UserStatus};
use crate::policy::password_expiry::password_expiry;

/// Okta's own credential provider: only these passwords age under Okta's password policies
/// (an Active Directory, LDAP or federated password is governed where it lives).
const OKTA_PROVIDER: &str = "OKTA";

/// The user's password row: PASSWORD_EXPIRED users always (undated when the date cannot be
/// computed), others when the policy gives the password a maximum age and the IdP knows
/// when it was set.
pub fn password_row(
    user: &ScannedUser,
    policy: Option<&PasswordPolicy>,
) -> Option<PasswordExpiryRow> {
    if user.status == UserStatus::Deprovisioned {
        return None;
    }
    if user
        .credential_provider
        .as_deref()
        .is_some_and(|p| !p.eq_ignore_ascii_case(OKTA_PROVIDER))
    {
        return None;
    }
    let expires_at = policy
        .and_then(|p| password_expiry(user.password_changed, p))
        .map(|e| e.expires_at);
    if expires_at.is_none() && user.status != UserStatus::PasswordExpired {
        return None;
    }
    Some(PasswordExpiryRow {
        user_id: user.id.clone(),
        login: user.login.clone(),
        name: user.name.clone(),
        status: user.status.clone(),
        department: user.department.clone(),
        email: reminder_address(user).to_string(),
        policy_id: policy.map(|p| p.id.clone()).unwrap_or_default(),
        policy_name: policy.map(|p| p.name.clone()).unwrap_or_default(),
        password_changed: user.password_changed,
        expires_at,
    })
}

/// The user's contract row, when their `userType` is tracked and the end date is on record.
/// A malformed date is left out with a warning: one bad profile must not stop the scan.
pub fn contractor_row(user: &ScannedUser, settings: &ScanSettings) -> Option<ContractorExpiryRow> {
    if user.status == UserStatus::Deprovisioned {
        return None;
    }
    let user_type = user.user_type.as_deref()?.trim();
    if !settings
        .contractor_user_types
        .iter()
        .any(|t| t.trim().eq_ignore_ascii_case(user_type))
    {
        return None;
    }
    let raw = user.contract_end.as_deref()?.trim();
    let Ok(ends_on) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") else {
        tracing::warn!(
            user_id = %user.id,
            attribute = %settings.contract_end_attribute,
            value = %raw.chars().take(40).collect::<String>(),
            "contract end is not a YYYY-MM-DD date; the contractor is left out of the expiries"
        );
        return None;
    };
    Some(ContractorExpiryRow {
        user_id: user.id.clone(),
        login: user.login.clone(),
        name: user.name.clone(),
        status: user.status.clone(),
        department: user.department.clone(),
        user_type: user_type.to_string(),
        ends_on,
        manager_id: user.manager_id.clone(),
        manager_login: None,
        manager_name: None,
        manager_email: None,
    })
}

/// Where reminders go: `profile.email`, else the login.
pub fn reminder_address(user: &ScannedUser) -> &str {
    user.email.as_deref().unwrap_or(&user.login)
}

/// Expired by status first (undated before dated), then by expiry, then login.
pub fn sort_passwords(rows: &mut [PasswordExpiryRow]) {
    rows.sort_by(|a, b| {
        let key = |r: &PasswordExpiryRow| (r.status != UserStatus::PasswordExpired, r.expires_at);
        key(a).cmp(&key(b)).then_with(|| a.login.cmp(&b.login))
    });
}

/// By end date, then login.
pub fn sort_contractors(rows: &mut [ContractorExpiryRow]) {
    rows.sort_by(|a, b| {
        a.ends_on
            .cmp(&b.ends_on)
            .then_with(|| a.login.cmp(&b.login))
    });
}

#[cfg(test)]
#[path = "compute_tests.rs"]
mod tests;
