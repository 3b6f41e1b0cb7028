//! Notices run headless: the `watch` service, the `outbox` it delivers, and self-service
//! `instructions`.

pub(super) mod instructions;
pub(super) mod outbox;
pub(super) mod watch;
