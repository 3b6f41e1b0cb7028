//! Which table holds a ticket number, which field names its caller, and which fields are read.

/// `incident`: `INC…` numbers.
pub(super) const INCIDENT: &str = "incident";
/// `sc_req_item`: `RITM…` numbers.
pub(super) const REQUESTED_ITEM: &str = "sc_req_item";
/// `sc_request`: `REQ…` numbers.
pub(super) const REQUEST: &str = "sc_request";

/// The table a number lives in, by its prefix (an unknown prefix is tried as an incident,
/// since instances may renumber incidents).
pub(super) fn table_for(number: &str) -> &'static str {
    let upper = number.trim().to_ascii_uppercase();
    if upper.starts_with("RITM") {
        REQUESTED_ITEM
    } else if upper.starts_with("REQ") {
        REQUEST
    } else {
        INCIDENT
    }
}

/// Whether accessdesk reads and writes this table.
pub(super) fn is_ticket_table(table: &str) -> bool {
    [INCIDENT, REQUESTED_ITEM, REQUEST].contains(&table)
}

/// The reference field naming the person the ticket is about.
pub(super) fn caller_field(table: &str) -> &'static str {
    if table == INCIDENT {
        "caller_id"
    } else {
        "requested_for"
    }
}

/// `sysparm_fields` for a ticket: what a [`crate::tickets::Ticket`] needs, the caller's
/// e-mail dot-walked so no second request is needed.
pub(super) fn ticket_fields(table: &str) -> String {
    let caller = caller_field(table);
    format!("sys_id,number,state,active,short_description,sys_created_on,{caller},{caller}.email")
}

/// A number or e-mail address safe to put into an encoded query: `^` would start another
/// condition, so a value with one (or a control character) is never sent.
pub(super) fn query_safe(value: &str) -> bool {
    !value.is_empty() && !value.contains('^') && !value.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_pick_their_table() {
        assert_eq!(table_for("INC0010002"), INCIDENT);
        assert_eq!(table_for("ritm0010001"), REQUESTED_ITEM);
        assert_eq!(table_for("REQ0010001"), REQUEST);
        assert_eq!(table_for("CHG0000001"), INCIDENT);
        assert_eq!(caller_field(REQUESTED_ITEM), "requested_for");
        assert!(ticket_fields(INCIDENT).ends_with("caller_id,caller_id.email"));
        assert!(!is_ticket_table("sys_user"));
    }

    #[test]
    fn encoded_query_separators_are_refused() {
        assert!(query_safe("INC0010002"));
        assert!(query_safe("ann@example.com"));
        assert!(!query_safe("INC1^ORnumber=INC2"));
        assert!(!query_safe(""));
        assert!(!query_safe("a\nb"));
    }
}
