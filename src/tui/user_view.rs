//! The user screen's state: which user is open, and the profiles fetched so far.

use crate::services::user_profile::UserProfile;

/// A cached profile lookup.
#[derive(Debug, Clone, PartialEq)]
pub enum ProfileState {
    Loading,
    Loaded(Box<UserProfile>),
    /// The error and its hint, phrased for a person.
    Failed(String),
}

/// The user on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenUser {
    /// What the profile is fetched and cached under: the IdP's id, else the login.
    pub key: String,
    /// What the agent knows the user by while the profile loads (the login).
    pub label: String,
}
