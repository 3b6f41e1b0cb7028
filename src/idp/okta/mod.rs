//! The Okta management API client: `Authorization: SSWS`, Okta's error JSON, link-header
//! pagination, rate-limit headers and retries, and System Log polling.

mod actions;
mod client;
mod event_hooks;
mod factors;
#[cfg(test)]
mod fuzz_tests;
mod groups;
pub(crate) mod links;
pub mod logs;
mod policies;
mod rate_limits;
mod scan;
mod scan_wire;
mod users;
pub mod wire;

pub use crate::idp::ClientOptions;
pub use client::{OktaClient, USER_AGENT};
pub use event_hooks::{EventHook, HOOK_EVENTS, SECRET_HEADER, lockouts_in_delivery};
pub use groups::GROUPS_PAGE;
pub use logs::LOCKOUT_FILTER;
pub use scan::filter_time;
pub use users::search_expression_for;

use chrono::{DateTime, Utc};
use secrecy::SecretString;

use crate::idp::{
    ActionFailure, ActionReceipt, Directory, FeedCursor, FeedPage, IdpError, Page, PageCursor,
    Provider, PushChallenge, ScanEndpoint, ScannedUser, UserScanPage,
};
use crate::model::{ActivityEvent, ChallengeResult, Factor, PasswordPolicy, RateLimit, User};
use crate::policy::gate::Verified;

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

    fn provider(&self) -> Provider {
        Provider::Okta
    }

    fn audit_org(&self) -> String {
        self.base_url().to_string()
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

    async fn recent_activity(
        &self,
        user_id: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<ActivityEvent>, IdpError> {
        self.fetch_user_activity(user_id, since).await
    }

    async fn password_policies(&self) -> Result<Vec<PasswordPolicy>, IdpError> {
        self.fetch_password_policies().await
    }

    async fn group_ids(&self, user_id: &str) -> Result<Vec<String>, IdpError> {
        self.fetch_group_ids(user_id).await
    }

    async fn scan_users(
        &self,
        page: &UserScanPage,
        contract_end_attribute: &str,
    ) -> Result<Page<ScannedUser>, IdpError> {
        self.scan_user_page(page, contract_end_attribute).await
    }

    async fn group_member_ids(
        &self,
        group_id: &str,
        next: Option<&PageCursor>,
    ) -> Result<Page<String>, IdpError> {
        self.group_member_page(group_id, next).await
    }

    async fn groups_with_membership_changed_since(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<String>, IdpError> {
        self.groups_changed_since(since).await
    }

    fn scan_rate_limit(&self, endpoint: ScanEndpoint) -> Option<RateLimit> {
        // The client's endpoint families (`rate_limits::family`).
        self.rate_limit(match endpoint {
            ScanEndpoint::Users => "users",
            ScanEndpoint::User => "user",
            ScanEndpoint::GroupMembers => "group",
            ScanEndpoint::Groups => "groups",
            ScanEndpoint::Policies => "policies",
        })
    }

    async fn list_factors(&self, user_id: &str) -> Result<Vec<Factor>, IdpError> {
        self.fetch_factors(user_id).await
    }

    async fn send_push(&self, user_id: &str, factor_id: &str) -> Result<PushChallenge, IdpError> {
        self.start_push(user_id, factor_id).await
    }

    async fn poll_push(&self, challenge: &PushChallenge) -> Result<ChallengeResult, IdpError> {
        self.push_result(challenge).await
    }

    async fn cancel_push(&self, challenge: &PushChallenge) -> Result<(), IdpError> {
        self.withdraw_push(challenge).await
    }

    async fn send_code(&self, user_id: &str, factor_id: &str) -> Result<ChallengeResult, IdpError> {
        self.request_code(user_id, factor_id).await
    }

    async fn check_code(
        &self,
        user_id: &str,
        factor_id: &str,
        code: &SecretString,
    ) -> Result<ChallengeResult, IdpError> {
        self.verify_code(user_id, factor_id, code).await
    }

    async fn perform(&self, verified: &Verified) -> Result<ActionReceipt, ActionFailure> {
        self.run_action(verified).await
    }
}
