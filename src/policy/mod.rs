//! Policy: plain functions with no I/O and an injected clock (burst detection, and later the
//! verification gate, reminder schedules and limits).

pub mod bursts;
pub mod diagnosis;
pub mod forecast;
pub mod gate;
pub mod password_expiry;
pub mod preconditions;

pub use bursts::{Burst, BurstRules, detect_bursts};
pub mod schedule;
