//! The configured channels, and which one delivers an item: the one its notice names.

use std::sync::Arc;

use super::{Channel, DeliveryError, JsonLinesChannel, SmtpChannel, TicketChannel, WebhookChannel};
use crate::config::Config;
use crate::notify::ChannelKind;
use crate::outbox::OutboxItem;

/// E-mail when `[smtp]` is configured, the webhook when `[webhook]` is, notes on tickets
/// when `[tickets]` is, JSON lines always.
#[derive(Debug)]
pub struct Channels {
    email: Option<SmtpChannel>,
    webhook: Option<WebhookChannel>,
    jsonl: JsonLinesChannel,
    ticket: Option<TicketChannel>,
}

impl Channels {
    pub fn new(
        email: Option<SmtpChannel>,
        webhook: Option<WebhookChannel>,
        jsonl: JsonLinesChannel,
    ) -> Channels {
        Channels {
            email,
            webhook,
            jsonl,
            ticket: None,
        }
    }

    /// These channels, and notes on the tickets of `tickets`.
    pub fn with_tickets(mut self, tickets: Option<Arc<crate::tickets::AnyTickets>>) -> Channels {
        self.ticket = tickets.map(TicketChannel::new);
        self
    }

    /// The channels the configuration describes (JSON lines on stdout). Call it inside the
    /// tokio runtime (the SMTP connection pool is a task).
    pub fn from_config(config: &Config) -> Result<Channels, String> {
        let email = config
            .smtp
            .as_ref()
            .map(|smtp| SmtpChannel::new(smtp, &config.notices))
            .transpose()?;
        let webhook = config
            .webhook
            .as_ref()
            .map(WebhookChannel::new)
            .transpose()?;
        let jsonl = JsonLinesChannel::stdout(config.notices.message_id_domain.clone());
        let tickets =
            crate::tickets::AnyTickets::from_settings(&config.tickets, &config.client_options())
                .map_err(|e| e.to_string())?
                .map(Arc::new);
        Ok(Channels::new(email, webhook, jsonl).with_tickets(tickets))
    }

    /// Which kinds are configured.
    pub fn configured(&self) -> Vec<ChannelKind> {
        let mut kinds = Vec::new();
        if self.email.is_some() {
            kinds.push(ChannelKind::Email);
        }
        if self.webhook.is_some() {
            kinds.push(ChannelKind::Webhook);
        }
        kinds.push(ChannelKind::JsonLines);
        if self.ticket.is_some() {
            kinds.push(ChannelKind::Ticket);
        }
        kinds
    }

    /// Deliver `item` through the channel its notice names; a channel that is not configured
    /// (the configuration changed since it was queued) cannot deliver it: permanent.
    pub async fn deliver(&self, item: &OutboxItem) -> Result<(), DeliveryError> {
        match item.notice.channel {
            ChannelKind::Email => match &self.email {
                Some(email) => email.deliver(item).await,
                None => Err(DeliveryError::Permanent(
                    "this notice goes by e-mail, but no [smtp] section is configured".into(),
                )),
            },
            ChannelKind::Webhook => match &self.webhook {
                Some(webhook) => webhook.deliver(item).await,
                None => Err(DeliveryError::Permanent(
                    "this notice goes to the help-desk webhook, but no [webhook] section (or ACCESSDESK_WEBHOOK_URL) is configured".into(),
                )),
            },
            ChannelKind::JsonLines => self.jsonl.deliver(item).await,
            ChannelKind::Ticket => match &self.ticket {
                Some(ticket) => ticket.deliver(item).await,
                None => Err(DeliveryError::Permanent(
                    "this note goes to a ticket, but no ticketing system ([tickets], SERVICENOW_URL or JIRA_URL) is configured".into(),
                )),
            },
        }
    }
}
