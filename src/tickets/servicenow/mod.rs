//! ServiceNow's Table API as a [`TicketSystem`]: incidents (`INC…`) and requested items
//! (`RITM…`) looked up, listed for a caller, opened, noted and resolved.
//!
//! `client` and `http` hold the connection (auth, retries, error decoding); `reads` and
//! `writes` the Table API calls; `wire` the record shapes.

mod auth;
mod client;
mod errors;
mod http;
mod reads;
mod retry;
mod tables;
mod wire;
mod writes;

pub use client::ServiceNowClient;

use super::{NewTicket, Ticket, TicketError, TicketProvider, TicketResolution, TicketSystem};

impl TicketSystem for ServiceNowClient {
    fn provider(&self) -> TicketProvider {
        TicketProvider::ServiceNow
    }

    fn label(&self) -> String {
        self.host()
    }

    async fn lookup(&self, number: &str) -> Result<Option<Ticket>, TicketError> {
        reads::lookup(self, number).await
    }

    async fn open_for(&self, caller_email: &str) -> Result<Vec<Ticket>, TicketError> {
        reads::open_for(self, caller_email).await
    }

    async fn create(&self, new: &NewTicket) -> Result<Ticket, TicketError> {
        writes::create(self, new).await
    }

    async fn add_note(&self, ticket: &Ticket, note: &str) -> Result<(), TicketError> {
        writes::add_note(self, ticket, note).await
    }

    async fn resolve(
        &self,
        ticket: &Ticket,
        resolution: &TicketResolution,
    ) -> Result<(), TicketError> {
        writes::resolve(self, ticket, resolution).await
    }
}
