//! Jira Service Management Cloud: customer requests through `/rest/servicedeskapi/`, with the
//! platform's user search and JQL search (`/rest/api/3/`) where the service desk API has no
//! equivalent. Basic auth with the agent's e-mail and API token.

mod client;
mod convert;
mod errors;
mod open;
mod requests;
mod wire;

pub use client::JiraClient;

use super::{NewTicket, Ticket, TicketError, TicketProvider, TicketResolution, TicketSystem};

impl TicketSystem for JiraClient {
    fn provider(&self) -> TicketProvider {
        TicketProvider::Jira
    }

    fn label(&self) -> String {
        self.base.host_str().unwrap_or("jira").to_string()
    }

    async fn lookup(&self, number: &str) -> Result<Option<Ticket>, TicketError> {
        self.find(number).await
    }

    async fn open_for(&self, caller_email: &str) -> Result<Vec<Ticket>, TicketError> {
        self.open_requests(caller_email).await
    }

    async fn create(&self, new: &NewTicket) -> Result<Ticket, TicketError> {
        self.raise(new).await
    }

    async fn add_note(&self, ticket: &Ticket, note: &str) -> Result<(), TicketError> {
        self.comment(ticket, note).await
    }

    async fn resolve(
        &self,
        ticket: &Ticket,
        resolution: &TicketResolution,
    ) -> Result<(), TicketError> {
        self.transition(ticket, resolution).await
    }
}
