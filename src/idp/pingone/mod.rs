//! The PingOne client: one environment's management API (`{api}/environments/{envId}`) and
//! auth host (`{auth}/{envId}`), reached through a worker app's client-credentials token.
//! HAL collections (`_links.next` followed verbatim), PingOne's error body, `Retry-After` on
//! 429s (PingOne sends no rate-limit headers), retries of reads, device authentications for
//! proof of possession, and a lockout feed built from failed password checks.

mod actions;
mod activities;
mod client;
mod devices;
mod errors;
mod groups;
mod lockouts;
mod policies;
mod possession;
mod scan;
mod settings;
mod token;
mod users;
mod wire;

pub use crate::idp::ClientOptions;
pub use activities::ACTIVITY_MAX;
pub use client::{PingOneClient, USER_AGENT};
pub use devices::{PROVIDER, factor_kind};
pub use lockouts::{LOCKOUT_ACTION, lockout_uuid};
pub use policies::EXPIRY_WARNING_DAYS;
pub use settings::{ClientAuthMethod, PingOneSettings, Region};
pub use users::search_filter;

use chrono::{DateTime, Utc};
use secrecy::SecretString;

use crate::idp::{
    ActionFailure, ActionReceipt, Directory, FeedCursor, FeedPage, IdpError, Page, PageCursor,
    Provider, PushChallenge, ScanEndpoint, ScannedUser, UserScanPage,
};
use crate::model::{ActivityEvent, ChallengeResult, Factor, PasswordPolicy, RateLimit, User};
use crate::policy::gate::Verified;

impl Directory for PingOneClient {
    /// "PingOne 1a2b3c4d": the environment, by the start of its id.
    fn label(&self) -> String {
        let short: String = self.environment_id().chars().take(8).collect();
        format!("PingOne {short}")
    }

    fn provider(&self) -> Provider {
        Provider::PingOne
    }

    fn audit_org(&self) -> String {
        self.environment_url().to_string()
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

    /// PingOne reports no rate-limit window (only `Retry-After` on a 429).
    fn log_rate_limit(&self) -> Option<RateLimit> {
        None
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

    /// PingOne reports no rate-limit window: the scanner paces by 429s alone.
    fn scan_rate_limit(&self, _endpoint: ScanEndpoint) -> Option<RateLimit> {
        None
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_and_audit_org_name_the_environment() {
        let settings = PingOneSettings::new(
            "1a2b3c4d-1111-4111-8111-111111111111",
            "client-1",
            SecretString::from("s".to_string()),
            Region::Europe,
        );
        let c = PingOneClient::new(settings, ClientOptions::default()).unwrap();
        assert_eq!(c.label(), "PingOne 1a2b3c4d");
        assert_eq!(c.provider(), Provider::PingOne);
        assert_eq!(
            c.audit_org(),
            "https://api.pingone.eu/v1/environments/1a2b3c4d-1111-4111-8111-111111111111"
        );
        assert_eq!(c.scan_rate_limit(ScanEndpoint::Users), None);
        assert_eq!(c.log_rate_limit(), None);
    }
}
