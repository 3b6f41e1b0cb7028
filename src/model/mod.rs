//! Provider-neutral types. Only `idp::<provider>` knows wire JSON.

mod action;
mod activity;
mod expiry;
mod factor;
mod factor_name;
mod factor_removal;
mod factor_select;
mod lockout;
mod one_time_code;
mod password_policy;
mod rate_limit;
mod ticket_facts;
mod user;
mod user_profile;

pub use action::{Action, ActionKind};
pub use activity::{ActivityEvent, ActivityKind};
pub use expiry::{
    ContractorExpiryRow, ExpiryScan, GroupMembers, PasswordExpiryRow, ScanKind, ScanProgress,
    contract_ends_at,
};
pub use factor::{ChallengeResult, Factor, FactorKind, mask_email, mask_phone};
pub use factor_name::describe_distinct;
pub use factor_removal::{removal_requests, removal_set, removed_along};
pub use factor_select::select_factors;
pub use lockout::{Lockout, LockoutKind, NEW_DEVICES_MESSAGE, locks_new_devices_only};
pub use one_time_code::OneTimeCode;
pub use password_policy::PasswordPolicy;
pub use rate_limit::RateLimit;
pub use ticket_facts::TicketFacts;
pub use user::{User, UserStatus};
pub use user_profile::UserProfile;
