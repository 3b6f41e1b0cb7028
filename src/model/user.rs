use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A directory user, as much of the profile as a service-desk agent needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub status: UserStatus,
    pub login: String,
    pub email: Option<String>,
    /// `profile.secondEmail`: notices after an action go to every address of record.
    #[serde(default)]
    pub second_email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub display_name: Option<String>,
    pub department: Option<String>,
    pub title: Option<String>,
    /// `profile.userType`: employee, contractor, intern, ...
    pub user_type: Option<String>,
    /// The manager's display name (`profile.manager`).
    pub manager: Option<String>,
    /// The manager's user id (`profile.managerId`).
    pub manager_id: Option<String>,
    pub contract_end_date: Option<NaiveDate>,
    pub created: Option<DateTime<Utc>>,
    pub status_changed: Option<DateTime<Utc>>,
    pub last_login: Option<DateTime<Utc>>,
    pub password_changed: Option<DateTime<Utc>>,
}

impl User {
    /// "First Last", falling back to the display name and then the login.
    pub fn name(&self) -> String {
        match (&self.first_name, &self.last_name) {
            (Some(f), Some(l)) => format!("{f} {l}"),
            _ => self
                .display_name
                .clone()
                .unwrap_or_else(|| self.login.clone()),
        }
    }
}

#[cfg(test)]
impl User {
    /// A user with only an id, a login and a status, for unit tests.
    pub(crate) fn sample(id: &str, login: &str, status: UserStatus) -> Self {
        User {
            id: id.into(),
            status,
            login: login.into(),
            email: None,
            second_email: None,
            first_name: None,
            last_name: None,
            display_name: None,
            department: None,
            title: None,
            user_type: None,
            manager: None,
            manager_id: None,
            contract_end_date: None,
            created: None,
            status_changed: None,
            last_login: None,
            password_changed: None,
        }
    }
}

/// Okta's user lifecycle states. Unknown values are kept verbatim rather than rejected.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UserStatus {
    Staged,
    Provisioned,
    Active,
    Recovery,
    LockedOut,
    PasswordExpired,
    Suspended,
    Deprovisioned,
    #[serde(untagged)]
    Other(String),
}

impl UserStatus {
    pub fn parse(s: &str) -> Self {
        match s {
            "STAGED" => Self::Staged,
            "PROVISIONED" => Self::Provisioned,
            "ACTIVE" => Self::Active,
            "RECOVERY" => Self::Recovery,
            "LOCKED_OUT" => Self::LockedOut,
            "PASSWORD_EXPIRED" => Self::PasswordExpired,
            "SUSPENDED" => Self::Suspended,
            "DEPROVISIONED" => Self::Deprovisioned,
            other => Self::Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Staged => "STAGED",
            Self::Provisioned => "PROVISIONED",
            Self::Active => "ACTIVE",
            Self::Recovery => "RECOVERY",
            Self::LockedOut => "LOCKED_OUT",
            Self::PasswordExpired => "PASSWORD_EXPIRED",
            Self::Suspended => "SUSPENDED",
            Self::Deprovisioned => "DEPROVISIONED",
            Self::Other(s) => s,
        }
    }
}

impl std::fmt::Display for UserStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
