//! The provider-neutral ticketing interface and its implementations, beside `idp/`.
//!
//! The gate, the action runner and the CLI talk to a [`TicketSystem`]; only
//! `tickets::<provider>` knows ServiceNow's Table API or Jira Service Management's request API.
//! A ticket is looked up before an action (it must exist, be open and be about the caller),
//! created when the agent asks, and told the outcome afterwards in a work note or comment.

mod any;
mod error;
mod failure;
pub mod jira;
mod provider;
pub mod servicenow;
mod settings;
mod ticket;
mod work_note;

use std::future::Future;

pub use any::AnyTickets;
pub use error::TicketError;
pub use provider::TicketProvider;
pub use settings::{JiraSettings, ServiceNowAuth, ServiceNowSettings, TicketSettings};
pub use ticket::{NewTicket, Ticket, TicketPerson, TicketResolution};
pub use work_note::work_note;

/// What the gate and the action runner need from a ticketing system.
pub trait TicketSystem: Send + Sync + 'static {
    /// Which system this is, for screens and the audit log.
    fn provider(&self) -> TicketProvider;

    /// A short label for the status bar: the instance's host.
    fn label(&self) -> String;

    /// The ticket with this number (`INC0010002`, `RITM0010001`, `HD-42`), or `None` when the
    /// system has no such ticket.
    fn lookup(
        &self,
        number: &str,
    ) -> impl Future<Output = Result<Option<Ticket>, TicketError>> + Send;

    /// The open tickets whose caller (ServiceNow) or requester (Jira) has this e-mail address,
    /// newest first.
    fn open_for(
        &self,
        caller_email: &str,
    ) -> impl Future<Output = Result<Vec<Ticket>, TicketError>> + Send;

    /// Opens a ticket on behalf of the caller named in `new` (resolved by e-mail).
    fn create(&self, new: &NewTicket) -> impl Future<Output = Result<Ticket, TicketError>> + Send;

    /// Appends a work note (ServiceNow `work_notes`) or an internal comment (Jira) to the
    /// ticket. The text must already be free of secrets: the caller composes it.
    fn add_note(
        &self,
        ticket: &Ticket,
        note: &str,
    ) -> impl Future<Output = Result<(), TicketError>> + Send;

    /// Resolves the ticket with a close code and notes, where the system and the
    /// configuration allow it.
    fn resolve(
        &self,
        ticket: &Ticket,
        resolution: &TicketResolution,
    ) -> impl Future<Output = Result<(), TicketError>> + Send;
}
