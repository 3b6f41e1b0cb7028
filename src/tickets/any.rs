//! The configured ticketing system's client, whichever it is: one concrete type the CLI and
//! the dashboard hold, delegating every [`TicketSystem`] call to the system's client.

use super::jira::JiraClient;
use super::servicenow::ServiceNowClient;
use super::{
    NewTicket, Ticket, TicketError, TicketProvider, TicketResolution, TicketSettings, TicketSystem,
};
use crate::idp::ClientOptions;

/// A client of the configured ticketing system.
#[derive(Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "one per process, made once and shared behind an Arc: never moved around"
)]
pub enum AnyTickets {
    ServiceNow(ServiceNowClient),
    Jira(JiraClient),
}

impl AnyTickets {
    /// The client `[tickets]` describes; `None` when no system is configured.
    pub fn from_settings(
        settings: &TicketSettings,
        options: &ClientOptions,
    ) -> Result<Option<AnyTickets>, TicketError> {
        let missing = |what: &str| {
            TicketError::Invalid(format!(
                "tickets.provider names {what}, but its section is incomplete"
            ))
        };
        Ok(match settings.provider {
            None => None,
            Some(TicketProvider::ServiceNow) => {
                let s = settings
                    .servicenow
                    .as_ref()
                    .ok_or_else(|| missing("ServiceNow"))?;
                Some(AnyTickets::ServiceNow(ServiceNowClient::new(s, options)?))
            }
            Some(TicketProvider::Jira) => {
                let s = settings.jira.as_ref().ok_or_else(|| missing("Jira"))?;
                Some(AnyTickets::Jira(JiraClient::new(s, options.clone())?))
            }
        })
    }
}

/// Calls `$call` on whichever client this is.
macro_rules! each {
    ($self:ident, $client:ident => $call:expr) => {
        match $self {
            AnyTickets::ServiceNow($client) => $call,
            AnyTickets::Jira($client) => $call,
        }
    };
}

impl TicketSystem for AnyTickets {
    fn provider(&self) -> TicketProvider {
        each!(self, c => c.provider())
    }

    fn label(&self) -> String {
        each!(self, c => c.label())
    }

    async fn lookup(&self, number: &str) -> Result<Option<Ticket>, TicketError> {
        each!(self, c => c.lookup(number).await)
    }

    async fn open_for(&self, caller_email: &str) -> Result<Vec<Ticket>, TicketError> {
        each!(self, c => c.open_for(caller_email).await)
    }

    async fn create(&self, new: &NewTicket) -> Result<Ticket, TicketError> {
        each!(self, c => c.create(new).await)
    }

    async fn add_note(&self, ticket: &Ticket, note: &str) -> Result<(), TicketError> {
        each!(self, c => c.add_note(ticket, note).await)
    }

    async fn resolve(
        &self,
        ticket: &Ticket,
        resolution: &TicketResolution,
    ) -> Result<(), TicketError> {
        each!(self, c => c.resolve(ticket, resolution).await)
    }
}
