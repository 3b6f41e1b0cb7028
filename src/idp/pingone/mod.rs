//! The PingOne Platform API client: worker-app tokens from the auth host, PingOne's error
//! JSON, HAL collections with `_links.next` paging, rate limits and retries, lockouts inferred
//! from audit activities, and MFA devices as factors.

mod client;
mod settings;

pub use client::PingOneClient;
pub use settings::{ClientAuthMethod, PingOneSettings, Region};

use chrono::{DateTime, Utc};
use secrecy::SecretString;

use crate::idp::{
    ActionFailure, ActionReceipt, Directory, FeedCursor, FeedPage, IdpError, Page, PageCursor,
    Provider, PushChallenge, ScanEndpoint, ScannedUser, UserScanPage,
};
use crate::model::{ActivityEvent, ChallengeResult, Factor, PasswordPolicy, RateLimit, User};
use crate::policy::gate::Verified;

impl Directory for PingOneClient {
    fn provider(&self) -> Provider {
        Provider::PingOne
    }

    fn label(&self) -> String {
        unimplemented!("contract")
    }

    fn audit_org(&self) -> String {
        unimplemented!("contract")
    }

    async fn get_user(&self, _id_or_login: &str) -> Result<User, IdpError> {
        unimplemented!("contract")
    }

    async fn search_users(&self, _query: &str, _limit: usize) -> Result<Vec<User>, IdpError> {
        unimplemented!("contract")
    }

    async fn poll_lockouts(&self, _cursor: &mut FeedCursor) -> Result<FeedPage, IdpError> {
        unimplemented!("contract")
    }

    fn log_rate_limit(&self) -> Option<RateLimit> {
        unimplemented!("contract")
    }

    async fn recent_activity(
        &self,
        _user_id: &str,
        _since: DateTime<Utc>,
    ) -> Result<Vec<ActivityEvent>, IdpError> {
        unimplemented!("contract")
    }

    async fn password_policies(&self) -> Result<Vec<PasswordPolicy>, IdpError> {
        unimplemented!("contract")
    }

    async fn group_ids(&self, _user_id: &str) -> Result<Vec<String>, IdpError> {
        unimplemented!("contract")
    }

    async fn scan_users(
        &self,
        _page: &UserScanPage,
        _contract_end_attribute: &str,
    ) -> Result<Page<ScannedUser>, IdpError> {
        unimplemented!("contract")
    }

    async fn group_member_ids(
        &self,
        _group_id: &str,
        _next: Option<&PageCursor>,
    ) -> Result<Page<String>, IdpError> {
        unimplemented!("contract")
    }

    async fn groups_with_membership_changed_since(
        &self,
        _since: DateTime<Utc>,
    ) -> Result<Vec<String>, IdpError> {
        unimplemented!("contract")
    }

    fn scan_rate_limit(&self, _endpoint: ScanEndpoint) -> Option<RateLimit> {
        unimplemented!("contract")
    }

    async fn list_factors(&self, _user_id: &str) -> Result<Vec<Factor>, IdpError> {
        unimplemented!("contract")
    }

    async fn send_push(&self, _user_id: &str, _factor_id: &str) -> Result<PushChallenge, IdpError> {
        unimplemented!("contract")
    }

    async fn poll_push(&self, _challenge: &PushChallenge) -> Result<ChallengeResult, IdpError> {
        unimplemented!("contract")
    }

    async fn cancel_push(&self, _challenge: &PushChallenge) -> Result<(), IdpError> {
        unimplemented!("contract")
    }

    async fn send_code(
        &self,
        _user_id: &str,
        _factor_id: &str,
    ) -> Result<ChallengeResult, IdpError> {
        unimplemented!("contract")
    }

    async fn check_code(
        &self,
        _user_id: &str,
        _factor_id: &str,
        _code: &SecretString,
    ) -> Result<ChallengeResult, IdpError> {
        unimplemented!("contract")
    }

    async fn perform(&self, _verified: &Verified) -> Result<ActionReceipt, ActionFailure> {
        unimplemented!("contract")
    }
}
