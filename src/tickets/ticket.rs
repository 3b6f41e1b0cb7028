//! A ticket as accessdesk sees it, whichever system holds it.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::TicketProvider;

/// A person on a ticket: ServiceNow's `sys_user`, Jira's customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TicketPerson {
    /// The system's id (ServiceNow `sys_id`, Jira `accountId`).
    pub id: String,
    pub email: Option<String>,
    pub name: Option<String>,
}

/// One ticket, read from its system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ticket {
    pub provider: TicketProvider,
    /// The system's own id (ServiceNow `sys_id`, Jira `issueId`), recorded in the audit log.
    pub system_id: String,
    /// The number people say: `INC0010002`, `RITM0010001`, `HD-42`.
    pub number: String,
    /// What kind of record: `incident`, `sc_req_item`, or the Jira request type's name.
    pub kind: String,
    /// The state as the system names it ("In Progress", "Waiting for support").
    pub state: String,
    /// Whether the state is one the configuration counts as open.
    pub open: bool,
    /// ServiceNow's caller, Jira's requester (reporter).
    pub caller: Option<TicketPerson>,
    /// ServiceNow `short_description`, Jira `summary`.
    pub summary: String,
    pub created: Option<DateTime<Utc>>,
    /// Where an agent opens it in a browser.
    pub web_url: Option<String>,
}

impl Ticket {
    /// Whether the caller is the person with this e-mail address (case does not matter).
    pub fn is_for(&self, email: &str) -> bool {
        self.caller
            .as_ref()
            .and_then(|c| c.email.as_deref())
            .is_some_and(|e| e.trim().eq_ignore_ascii_case(email.trim()))
    }
}

/// A ticket to open for the call in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTicket {
    /// The caller, resolved to the system's person by this address.
    pub caller_email: String,
    pub summary: String,
    pub description: String,
}

impl NewTicket {
    /// The ticket for a call from `user` about `what` ("unlock requested by phone"): the user
    /// as caller, by e-mail (else login).
    pub fn for_call(user: &crate::model::User, what: &str) -> NewTicket {
        NewTicket {
            caller_email: user.email.clone().unwrap_or_else(|| user.login.clone()),
            summary: format!("Account access: {what}"),
            description: format!(
                "Opened by accessdesk during a call from {} ({}) to the service desk. The \
                 outcome is added as a note once the action is done.",
                user.name(),
                user.login
            ),
        }
    }
}

/// How to resolve a ticket once its action is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketResolution {
    /// ServiceNow `close_code` (e.g. "Solved (Permanently)"); Jira: the transition's name.
    pub code: String,
    pub notes: String,
}
