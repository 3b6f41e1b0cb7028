//! Who loses access when (`expiries`) and the reminders that follow (`reminders`, its
//! `--send`), from a stored or fresh expiry scan.

pub(super) mod list;
pub(super) mod reminders;
pub(super) mod reminders_send;
pub(super) mod scan_source;
