//! Provider-neutral types. Only `idp::<provider>` knows wire JSON.

mod action;
mod lockout;
mod rate_limit;
mod user;

pub use action::{Action, ActionKind};
pub use lockout::{Lockout, LockoutKind};
pub use rate_limit::RateLimit;
pub use user::{User, UserStatus};
