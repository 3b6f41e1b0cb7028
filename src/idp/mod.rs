//! The provider-neutral directory interface and its implementations.
//!
//! Services and the TUI talk to a [`Directory`]; only `idp::<provider>` knows the wire format.

mod error;
mod feed;
pub mod okta;

use std::future::Future;

pub use error::IdpError;
pub use feed::{FeedCursor, FeedPosition, RecentIds};

use crate::model::{Lockout, RateLimit, User};

/// One page of a lockout feed.
#[derive(Debug, Clone, Default)]
pub struct FeedPage {
    /// New lockouts, in the order the provider returned them, already de-duplicated.
    pub lockouts: Vec<Lockout>,
    /// Whether the provider has more right now (a full page came back); poll again at once.
    pub more: bool,
}

/// What the dashboard and services need from an identity provider.
pub trait Directory: Send + Sync + 'static {
    /// A short label for the status bar, e.g. the org URL's host.
    fn label(&self) -> String;

    /// One user by id or login.
    fn get_user(&self, id_or_login: &str) -> impl Future<Output = Result<User, IdpError>> + Send;

    /// Users whose login, email, first or last name starts with `query` (at most `limit`).
    fn search_users(
        &self,
        query: &str,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<User>, IdpError>> + Send;

    /// Fetch the next page of lockout events after `cursor`, advancing it. Events already
    /// seen through this cursor are never returned twice.
    fn poll_lockouts(
        &self,
        cursor: &mut FeedCursor,
    ) -> impl Future<Output = Result<FeedPage, IdpError>> + Send;

    /// The rate-limit window of the event-log endpoint, as last reported.
    fn log_rate_limit(&self) -> Option<RateLimit>;
}
