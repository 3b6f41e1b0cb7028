//! The configured ticketing system's client, whichever it is: one concrete type the CLI and
//! the dashboard hold, delegating every [`TicketSystem`] call to the system's client.

use super::{NewTicket, Ticket, TicketError, TicketProvider, TicketResolution, TicketSystem};

/// A client of the configured ticketing system.
#[derive(Debug)]
pub enum AnyTickets {}

impl TicketSystem for AnyTickets {
    fn provider(&self) -> TicketProvider {
        match *self {}
    }

    fn label(&self) -> String {
        match *self {}
    }

    async fn lookup(&self, _number: &str) -> Result<Option<Ticket>, TicketError> {
        match *self {}
    }

    async fn open_for(&self, _caller_email: &str) -> Result<Vec<Ticket>, TicketError> {
        match *self {}
    }

    async fn create(&self, _new: &NewTicket) -> Result<Ticket, TicketError> {
        match *self {}
    }

    async fn add_note(&self, _ticket: &Ticket, _note: &str) -> Result<(), TicketError> {
        match *self {}
    }

    async fn resolve(
        &self,
        _ticket: &Ticket,
        _resolution: &TicketResolution,
    ) -> Result<(), TicketError> {
        match *self {}
    }
}
