//! Notices to people: what is sent (`notice`), how it reads (`compose`, from templates), the
//! signed answer links it carries (`links`), where it goes (`channels`) and the worker that
//! delivers the outbox (`delivery`), with its counters (`metrics`).
//!
//! Every notice is first written to the durable outbox (`crate::outbox`) under an idempotency
//! key, then delivered and marked sent; a crash between the two sends it again with the same
//! key and `Message-ID`, never a different one.

pub mod answers;
pub mod channels;
pub mod compose;
pub mod delivery;
pub mod links;
pub mod mask;
pub mod metrics;
pub mod notice;
pub mod settings;

pub use answers::AnswerChoice;
pub use mask::mask_address;
pub use notice::{ChannelKind, IdempotencyKey, Notice, NoticeKind, Recipient};
pub use settings::{
    Instruction, NoticeSettings, Problem, ReminderStyle, SmtpSecurity, SmtpSettings, WebhookFormat,
    WebhookSettings,
};
