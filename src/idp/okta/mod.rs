//! The Okta management API client: `Authorization: SSWS`, Okta's error JSON, link-header
//! pagination, rate-limit headers and retries, and System Log polling.

mod client;
mod links;
pub mod logs;
mod rate_limits;
mod users;
pub mod wire;

pub use client::{ClientOptions, OktaClient, USER_AGENT};
pub use logs::LOCKOUT_FILTER;
pub use users::search_expression_for;

use crate::idp::{Directory, FeedCursor, FeedPage, IdpError};
use crate::model::{RateLimit, User};

impl Directory for OktaClient {
    fn label(&self) -> String {
        self.base_url()
            .host_str()
            .map(|h| match self.base_url().port() {
                Some(p) => format!("{h}:{p}"),
                None => h.to_string(),
            })
            .unwrap_or_else(|| self.base_url().to_string())
    }

    async fn get_user(&self, id_or_login: &str) -> Result<User, IdpError> {
        self.fetch_user(id_or_login).await
    }

    async fn search_users(&self, query: &str, limit: usize) -> Result<Vec<User>, IdpError> {
        self.find_users(query, limit).await
    }

    async fn poll_lockouts(&self, cursor: &mut FeedCursor) -> Result<FeedPage, IdpError> {
        self.poll_lockout_page(cursor).await
    }

    fn log_rate_limit(&self) -> Option<RateLimit> {
        self.rate_limit("logs")
    }
}
