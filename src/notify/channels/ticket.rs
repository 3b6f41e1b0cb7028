//! A note on a ticket: the outbox item's `to` names the ticket, its `system_id` fact the very
//! record the gate checked, its text the note. The ticket is read afresh before the note is
//! written, so a note never lands on another record that took the number.

use std::sync::Arc;

use super::{Channel, DeliveryError};
use crate::notify::ChannelKind;
use crate::outbox::OutboxItem;
use crate::tickets::{AnyTickets, TicketError, TicketSystem};

/// The fact that names the checked record's id in the ticketing system.
pub const SYSTEM_ID_FACT: &str = "system_id";

#[derive(Debug, Clone)]
pub struct TicketChannel {
    tickets: Arc<AnyTickets>,
}

impl TicketChannel {
    pub fn new(tickets: Arc<AnyTickets>) -> Self {
        Self { tickets }
    }
}

fn failed(e: &TicketError) -> DeliveryError {
    let text = format!("{e} ({})", e.hint());
    if e.is_transient() {
        DeliveryError::Transient(text)
    } else {
        DeliveryError::Permanent(text)
    }
}

impl Channel for TicketChannel {
    fn kind(&self) -> ChannelKind {
        ChannelKind::Ticket
    }

    async fn deliver(&self, item: &OutboxItem) -> Result<(), DeliveryError> {
        let notice = &item.notice;
        let system = self.tickets.provider();
        let number = notice
            .to
            .first()
            .ok_or_else(|| DeliveryError::Permanent("the note names no ticket".into()))?;
        let system_id = notice
            .facts
            .iter()
            .find(|(k, _)| k == SYSTEM_ID_FACT)
            .map(|(_, v)| v.as_str());
        let ticket = match self.tickets.lookup(number).await {
            Ok(Some(t)) if system_id.is_none_or(|id| id == t.system_id) => t,
            Ok(_) => {
                return Err(DeliveryError::Permanent(format!(
                    "{system} no longer has the ticket {number} the action was checked against"
                )));
            }
            Err(e) => return Err(failed(&e)),
        };
        self.tickets
            .add_note(&ticket, &notice.text)
            .await
            .map_err(|e| failed(&e))
    }
}
