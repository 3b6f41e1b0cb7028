//! The tables the simulated instance has, and which of them the integration user may write.

use crate::sim::tickets::desk::Kind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Table {
    /// `incident` or `sc_req_item`: the desk's tickets of that kind.
    Tickets(Kind),
    /// `sc_request`: a real table, empty here (the desk's items carry no parent request).
    Request,
    /// `sys_user`: every person of the organisation.
    User,
}

impl Table {
    /// `None`: the instance has no such table (answered 400 "Invalid table").
    pub fn parse(name: &str) -> Option<Table> {
        match name {
            "incident" => Some(Table::Tickets(Kind::Incident)),
            "sc_req_item" => Some(Table::Tickets(Kind::RequestedItem)),
            "sc_request" => Some(Table::Request),
            "sys_user" => Some(Table::User),
            _ => None,
        }
    }
}
