//! Which ticket an action was checked against, as the gate judged it and the audit log keeps
//! it: the record in its system, and what that record said.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketFacts {
    /// `servicenow` or `jira`.
    pub system: String,
    /// ServiceNow `sys_id`, Jira `issueId`.
    pub system_id: String,
    pub number: String,
    pub state: String,
    pub open: bool,
    /// Whether the ticket's caller is the target user; `None` when no user was found to
    /// compare with (a refusal for a login the IdP does not know).
    pub caller_matched: Option<bool>,
}
