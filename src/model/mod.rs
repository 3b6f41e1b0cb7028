//! Provider-neutral types. Only `idp::<provider>` knows wire JSON.

mod lockout;
mod rate_limit;
mod user;

pub use lockout::{Lockout, LockoutKind};
pub use rate_limit::RateLimit;
pub use user::{User, UserStatus};
