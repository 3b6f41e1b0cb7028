//! The dialog's questions to the ticketing system, each a task that answers with a [`Msg`]:
//! never on the render path, never blocking a key.

use std::sync::Arc;

use tokio::sync::mpsc::Sender;

use super::msg::Msg;
use crate::audit::AuditRecord;
use crate::services::{ticket_check, ticket_notes};
use crate::tickets::{AnyTickets, NewTicket, TicketSystem};

/// The open tickets whose caller has `email`; answers [`Msg::OpenTickets`].
pub fn load_open_tickets<T: TicketSystem>(
    tickets: Arc<T>,
    user_id: String,
    email: String,
    results: Sender<Msg>,
) {
    tokio::spawn(async move {
        let result = tickets
            .open_for(&email)
            .await
            .map_err(|e| ticket_check::phrased(&e));
        let _ = results.send(Msg::OpenTickets { user_id, result }).await;
    });
}

/// What the system says about `number`; answers [`Msg::TicketLooked`].
pub fn lookup_ticket<T: TicketSystem>(
    tickets: Arc<T>,
    user_id: String,
    number: String,
    results: Sender<Msg>,
) {
    tokio::spawn(async move {
        let lookup = ticket_check::look_up(tickets.as_ref(), &number).await;
        let _ = results.send(Msg::TicketLooked { user_id, lookup }).await;
    });
}

/// Tells a refused attempt's ticket about it; answers [`Msg::TicketNoted`] when there was a
/// ticket to tell.
pub fn note_refusal(
    tickets: Arc<AnyTickets>,
    outbox: crate::outbox::OutboxLocation,
    record: AuditRecord,
    results: Sender<Msg>,
) {
    tokio::spawn(async move {
        if let Some(line) = ticket_notes::note_outcome(&tickets, &outbox, &record, false).await {
            let _ = results.send(Msg::TicketNoted(line)).await;
        }
    });
}

/// Opens a ticket for the call; answers [`Msg::TicketCreated`].
pub fn create_ticket<T: TicketSystem>(
    tickets: Arc<T>,
    user_id: String,
    new: NewTicket,
    results: Sender<Msg>,
) {
    tokio::spawn(async move {
        let result = tickets
            .create(&new)
            .await
            .map_err(|e| ticket_check::phrased(&e));
        let _ = results.send(Msg::TicketCreated { user_id, result }).await;
    });
}
