//! Where notices go: e-mail over SMTP, the help-desk channel's webhook (Slack or Teams), and
//! JSON lines on stdout, and notes on tickets. Each channel delivers one outbox item and says whether a failure is
//! worth retrying; `Channels` holds the configured ones and routes each item to its own.

mod jsonl;
mod router;
mod smtp;
mod ticket;
mod webhook;
mod webhook_payload;

use std::future::Future;
use thiserror::Error;

use crate::notify::ChannelKind;
use crate::outbox::OutboxItem;

pub use jsonl::{JsonLinesChannel, SharedWriter};
pub use router::Channels;
pub use smtp::SmtpChannel;
pub use ticket::{SYSTEM_ID_FACT, TicketChannel};
pub use webhook::WebhookChannel;
pub use webhook_payload::{slack_payload, teams_payload};

/// Why a delivery failed, phrased for a person (never a secret: no password, no webhook URL).
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum DeliveryError {
    /// Retrying may help (connection refused, timeout, 4xx SMTP reply, HTTP 429/5xx).
    #[error("{0}")]
    Transient(String),
    /// Retrying cannot help (5xx SMTP reply such as a rejected address, HTTP 4xx, no address).
    #[error("{0}")]
    Permanent(String),
}

impl DeliveryError {
    pub fn is_transient(&self) -> bool {
        matches!(self, DeliveryError::Transient(_))
    }
}

/// One way of delivering notices.
pub trait Channel: Send + Sync {
    fn kind(&self) -> ChannelKind;

    /// Deliver one item (an e-mail carries `Message-ID: <key.message_id(domain)>`).
    fn deliver(&self, item: &OutboxItem) -> impl Future<Output = Result<(), DeliveryError>> + Send;
}
