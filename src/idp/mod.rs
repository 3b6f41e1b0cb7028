//! The provider-neutral directory interface and its implementations.
//!
//! Services and the TUI talk to a [`Directory`]; only `idp::<provider>` knows the wire format.

mod any;
mod client_options;
mod error;
mod feed;
pub mod okta;
pub mod pingone;
mod provider;
mod scan;
pub(crate) mod transport;

use std::future::Future;

pub use any::AnyDirectory;
pub use client_options::ClientOptions;
pub use error::{IdpError, NetworkCause};
pub use feed::{FeedCursor, FeedPosition, RecentIds};
pub use provider::Provider;
pub use scan::{Page, PageCursor, ScanEndpoint, ScannedUser, UserScanPage};

use chrono::{DateTime, Utc};
use secrecy::SecretString;

use crate::model::{
    ActivityEvent, ChallengeResult, Factor, Lockout, PasswordPolicy, RateLimit, User,
};
use crate::policy::gate::Verified;

/// One page of a lockout feed.
#[derive(Debug, Clone, Default)]
pub struct FeedPage {
    /// New lockouts, in the order the provider returned them, already de-duplicated.
    pub lockouts: Vec<Lockout>,
    /// Whether the provider has more right now (a full page came back); poll again at once.
    pub more: bool,
}

/// A push sent to a user's device and not yet answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushChallenge {
    pub user_id: String,
    pub factor_id: String,
    /// The provider's handle on the transaction (for Okta: the poll link, followed verbatim).
    pub poll_url: String,
    pub cancel_url: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    /// With number matching: the number the user must pick on the device.
    pub correct_answer: Option<u32>,
    /// The transaction id, for the audit log.
    pub transaction_id: Option<String>,
    pub request_id: Option<String>,
}

/// What a verified action did at the IdP.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionReceipt {
    /// The IdP's id of each request made, in order (Okta `X-Okta-Request-Id`).
    pub request_ids: Vec<String>,
}

/// A verified action that failed, with what it had already done (e.g. two of three factors
/// removed before the third failed).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{error}")]
pub struct ActionFailure {
    pub done: ActionReceipt,
    pub error: IdpError,
}

/// What the dashboard and services need from an identity provider.
pub trait Directory: Send + Sync + 'static {
    /// A short label for the status bar, e.g. the org URL's host.
    fn label(&self) -> String;

    /// Which identity provider this is (the words the screens use depend on it).
    fn provider(&self) -> Provider;

    /// The tenant as the audit log names it: Okta's org URL, PingOne's environment URL.
    fn audit_org(&self) -> String;

    /// An error as the agent reads it: what went wrong, then how to fix it in this
    /// provider's own terms (its settings, roles and console).
    fn explain(&self, error: &IdpError) -> String {
        format!("{error} — {}", error.hint_for(self.provider()))
    }

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

    /// The user's events since `since`, newest first.
    fn recent_activity(
        &self,
        user_id: &str,
        since: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<ActivityEvent>, IdpError>> + Send;

    /// The org's password policies (to compute password expiry).
    fn password_policies(
        &self,
    ) -> impl Future<Output = Result<Vec<PasswordPolicy>, IdpError>> + Send;

    /// The ids of the groups a user belongs to.
    fn group_ids(
        &self,
        user_id: &str,
    ) -> impl Future<Output = Result<Vec<String>, IdpError>> + Send;

    /// One page of the directory-wide user scan (the largest page the IdP allows); the caller
    /// follows `next` until it is `None`. `contract_end_attribute` names the profile attribute
    /// to return raw in [`ScannedUser::contract_end`].
    fn scan_users(
        &self,
        page: &UserScanPage,
        contract_end_attribute: &str,
    ) -> impl Future<Output = Result<Page<ScannedUser>, IdpError>> + Send;

    /// One page of a group's member ids (`next` `None` on the last page).
    fn group_member_ids(
        &self,
        group_id: &str,
        next: Option<&PageCursor>,
    ) -> impl Future<Output = Result<Page<String>, IdpError>> + Send;

    /// The ids of the groups whose membership changed after `since`.
    fn groups_with_membership_changed_since(
        &self,
        since: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<String>, IdpError>> + Send;

    /// The rate-limit window of a scan endpoint, as last reported.
    fn scan_rate_limit(&self, endpoint: ScanEndpoint) -> Option<RateLimit>;

    /// The user's enrolled factors, contacts masked.
    fn list_factors(
        &self,
        user_id: &str,
    ) -> impl Future<Output = Result<Vec<Factor>, IdpError>> + Send;

    /// Send a push to one of a user's factors (the user's own, or their manager's).
    fn send_push(
        &self,
        user_id: &str,
        factor_id: &str,
    ) -> impl Future<Output = Result<PushChallenge, IdpError>> + Send;

    /// Where a push stands now.
    fn poll_push(
        &self,
        challenge: &PushChallenge,
    ) -> impl Future<Output = Result<ChallengeResult, IdpError>> + Send;

    /// Withdraw a push nobody needs any more.
    fn cancel_push(
        &self,
        challenge: &PushChallenge,
    ) -> impl Future<Output = Result<(), IdpError>> + Send;

    /// Have the IdP send a one-time code to an SMS, call or e-mail factor.
    fn send_code(
        &self,
        user_id: &str,
        factor_id: &str,
    ) -> impl Future<Output = Result<ChallengeResult, IdpError>> + Send;

    /// Check the code the caller read out (`Failed` when wrong).
    fn check_code(
        &self,
        user_id: &str,
        factor_id: &str,
        code: &SecretString,
    ) -> impl Future<Output = Result<ChallengeResult, IdpError>> + Send;

    /// Carry out an action that passed the verification gate: no other way to change a user.
    fn perform(
        &self,
        verified: &Verified,
    ) -> impl Future<Output = Result<ActionReceipt, ActionFailure>> + Send;
}
