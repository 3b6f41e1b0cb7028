//! Background tasks with no UI: they talk to the IdP and report over channels.

pub mod action_notices;
pub mod action_runner;
pub mod escalation;
pub mod expiry_scanner;
pub mod lockout_poller;
pub mod notice_desk;
pub mod ticket_check;
pub mod ticket_notes;
pub mod user_profile;
pub mod verification;
pub mod watch;

pub use lockout_poller::{CursorReport, FeedEvent, PollHealth, PollerConfig};
