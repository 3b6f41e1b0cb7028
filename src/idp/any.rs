//! The configured identity provider's client, whichever it is: one concrete type the CLI and
//! the dashboard hold, delegating every [`Directory`] call to the provider's client.

use chrono::{DateTime, Utc};
use secrecy::SecretString;

use crate::idp::okta::OktaClient;
use crate::idp::pingone::PingOneClient;
use crate::idp::{
    ActionFailure, ActionReceipt, Directory, FeedCursor, FeedPage, IdpError, Page, PageCursor,
    Provider, PushChallenge, ScanEndpoint, ScannedUser, UserScanPage,
};
use crate::model::{ActivityEvent, ChallengeResult, Factor, PasswordPolicy, RateLimit, User};
use crate::policy::gate::Verified;

/// A client of the configured provider.
pub enum AnyDirectory {
    Okta(OktaClient),
    PingOne(PingOneClient),
}

impl From<PingOneClient> for AnyDirectory {
    fn from(client: PingOneClient) -> Self {
        AnyDirectory::PingOne(client)
    }
}

impl From<OktaClient> for AnyDirectory {
    fn from(client: OktaClient) -> Self {
        AnyDirectory::Okta(client)
    }
}

/// Calls `$call` on whichever client this is.
macro_rules! each {
    ($self:ident, $client:ident => $call:expr) => {
        match $self {
            AnyDirectory::Okta($client) => $call,
            AnyDirectory::PingOne($client) => $call,
        }
    };
}

impl Directory for AnyDirectory {
    fn label(&self) -> String {
        each!(self, c => c.label())
    }

    fn provider(&self) -> Provider {
        each!(self, c => c.provider())
    }

    fn audit_org(&self) -> String {
        each!(self, c => c.audit_org())
    }

    async fn get_user(&self, id_or_login: &str) -> Result<User, IdpError> {
        each!(self, c => c.get_user(id_or_login).await)
    }

    async fn search_users(&self, query: &str, limit: usize) -> Result<Vec<User>, IdpError> {
        each!(self, c => c.search_users(query, limit).await)
    }

    async fn poll_lockouts(&self, cursor: &mut FeedCursor) -> Result<FeedPage, IdpError> {
        each!(self, c => c.poll_lockouts(cursor).await)
    }

    fn log_rate_limit(&self) -> Option<RateLimit> {
        each!(self, c => c.log_rate_limit())
    }

    async fn recent_activity(
        &self,
        user_id: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<ActivityEvent>, IdpError> {
        each!(self, c => c.recent_activity(user_id, since).await)
    }

    async fn password_policies(&self) -> Result<Vec<PasswordPolicy>, IdpError> {
        each!(self, c => c.password_policies().await)
    }

    async fn group_ids(&self, user_id: &str) -> Result<Vec<String>, IdpError> {
        each!(self, c => c.group_ids(user_id).await)
    }

    async fn scan_users(
        &self,
        page: &UserScanPage,
        contract_end_attribute: &str,
    ) -> Result<Page<ScannedUser>, IdpError> {
        each!(self, c => c.scan_users(page, contract_end_attribute).await)
    }

    async fn group_member_ids(
        &self,
        group_id: &str,
        next: Option<&PageCursor>,
    ) -> Result<Page<String>, IdpError> {
        each!(self, c => c.group_member_ids(group_id, next).await)
    }

    async fn groups_with_membership_changed_since(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<String>, IdpError> {
        each!(self, c => c.groups_with_membership_changed_since(since).await)
    }

    fn scan_rate_limit(&self, endpoint: ScanEndpoint) -> Option<RateLimit> {
        each!(self, c => c.scan_rate_limit(endpoint))
    }

    async fn list_factors(&self, user_id: &str) -> Result<Vec<Factor>, IdpError> {
        each!(self, c => c.list_factors(user_id).await)
    }

    async fn send_push(&self, user_id: &str, factor_id: &str) -> Result<PushChallenge, IdpError> {
        each!(self, c => c.send_push(user_id, factor_id).await)
    }

    async fn poll_push(&self, challenge: &PushChallenge) -> Result<ChallengeResult, IdpError> {
        each!(self, c => c.poll_push(challenge).await)
    }

    async fn cancel_push(&self, challenge: &PushChallenge) -> Result<(), IdpError> {
        each!(self, c => c.cancel_push(challenge).await)
    }

    async fn send_code(&self, user_id: &str, factor_id: &str) -> Result<ChallengeResult, IdpError> {
        each!(self, c => c.send_code(user_id, factor_id).await)
    }

    async fn check_code(
        &self,
        user_id: &str,
        factor_id: &str,
        code: &SecretString,
    ) -> Result<ChallengeResult, IdpError> {
        each!(self, c => c.check_code(user_id, factor_id, code).await)
    }

    async fn perform(&self, verified: &Verified) -> Result<ActionReceipt, ActionFailure> {
        each!(self, c => c.perform(verified).await)
    }
}
