//! What a directory-wide scan reads: a compact user, one page at a time, and which endpoint's
//! rate limit a request spends. Provider-neutral; `idp::<provider>` fills these in.

use chrono::{DateTime, Utc};

use crate::model::UserStatus;

/// One user as the expiry scanner needs it: nothing else of the profile is decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScannedUser {
    pub id: String,
    pub login: String,
    pub email: Option<String>,
    /// "First Last", else the display name, else the login.
    pub name: String,
    pub status: UserStatus,
    pub department: Option<String>,
    /// `profile.userType`.
    pub user_type: Option<String>,
    /// `profile.managerId`.
    pub manager_id: Option<String>,
    pub password_changed: Option<DateTime<Utc>>,
    pub last_updated: Option<DateTime<Utc>>,
    /// Who holds the password (`credentials.provider.type`: OKTA, ACTIVE_DIRECTORY,
    /// FEDERATION, ...); `None` when the IdP did not say.
    pub credential_provider: Option<String>,
    /// The configured contract-end attribute exactly as the profile holds it (a non-string
    /// value as its JSON text), for the scanner to parse and judge.
    pub contract_end: Option<String>,
}

/// An opaque handle on the next page of a list, followed verbatim (for Okta: the `next`
/// link).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageCursor(String);

impl PageCursor {
    pub fn new(raw: impl Into<String>) -> Self {
        Self(raw.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Which page of the user scan to fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserScanPage {
    /// The first page of every user.
    AllUsers,
    /// The first page of users changed after this instant (deactivated ones included).
    ChangedSince(DateTime<Utc>),
    /// The page after an earlier one.
    Next(PageCursor),
}

/// One page of a list and where the next one is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// `None` on the last page.
    pub next: Option<PageCursor>,
}

/// The endpoints a scan calls, each with its own rate-limit window at the IdP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScanEndpoint {
    /// The user list (paged scan, incremental filter).
    Users,
    /// One user by id.
    User,
    /// A group's members.
    GroupMembers,
    /// The group list (membership changes).
    Groups,
    /// The password policies.
    Policies,
}
