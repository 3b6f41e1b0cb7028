//! Which ticketing system a desk uses.

use serde::{Deserialize, Serialize};

/// A ticketing system accessdesk can work with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TicketProvider {
    /// ServiceNow's Table API: incidents and requested items.
    ServiceNow,
    /// Jira Service Management's customer requests.
    Jira,
}

impl TicketProvider {
    /// The name in config and the audit log: `servicenow` or `jira`.
    pub fn as_str(self) -> &'static str {
        match self {
            TicketProvider::ServiceNow => "servicenow",
            TicketProvider::Jira => "jira",
        }
    }

    /// The name people use.
    pub fn display_name(self) -> &'static str {
        match self {
            TicketProvider::ServiceNow => "ServiceNow",
            TicketProvider::Jira => "Jira Service Management",
        }
    }

    /// What the system calls the text appended to a ticket.
    pub fn note_name(self) -> &'static str {
        match self {
            TicketProvider::ServiceNow => "work note",
            TicketProvider::Jira => "internal comment",
        }
    }
}

impl std::fmt::Display for TicketProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.display_name())
    }
}
