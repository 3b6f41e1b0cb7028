//! After an action (done, refused or failed) whose ticket the gate checked, the outcome goes
//! to that ticket as a work note (ServiceNow) or internal comment (Jira), composed from the
//! audit record alone ([`work_note`]). The action never waits on it and is never undone by
//! it: a note that cannot be written is said to the agent, with the record to copy from.
//! With `tickets.resolve_on_success`, a ticket whose action succeeded is then resolved.

use crate::audit::{AuditRecord, Outcome};
use crate::tickets::{TicketResolution, TicketSystem, work_note};

/// What became of the note (and the resolution, when `resolve` asks for one after a
/// success), in a clause for the agent's status line; `None` when the record has no checked
/// ticket.
pub async fn note_outcome<T: TicketSystem>(
    tickets: &T,
    record: &AuditRecord,
    resolve: bool,
) -> Option<String> {
    let check = record.entry.ticket_check.as_ref()?;
    let name = tickets.provider().note_name();
    // Read the ticket afresh: the note goes to the very record the gate checked.
    let ticket = match tickets.lookup(&check.number).await {
        Ok(Some(t)) if t.system_id == check.system_id => t,
        Ok(_) => {
            return Some(format!(
                "no {name} on {}: the {} no longer has it (audit #{})",
                check.number,
                tickets.provider(),
                record.seq
            ));
        }
        Err(e) => {
            return Some(format!(
                "the {name} on {} could not be written: {e} (audit #{} has everything)",
                check.number, record.seq
            ));
        }
    };
    let note = work_note(record);
    let mut said = match tickets.add_note(&ticket, &note).await {
        Ok(()) => format!("{name} added to {}", ticket.number),
        Err(e) => {
            return Some(format!(
                "the {name} on {} could not be written: {e} (audit #{} has everything)",
                ticket.number, record.seq
            ));
        }
    };
    if resolve && record.entry.outcome == Outcome::Succeeded && ticket.open {
        let resolution = TicketResolution {
            // Empty: the configured close code (ServiceNow) or transition (Jira).
            code: String::new(),
            notes: format!("Resolved by accessdesk: see audit record #{}.", record.seq),
        };
        said.push_str(&match tickets.resolve(&ticket, &resolution).await {
            Ok(()) => ", ticket resolved".to_string(),
            Err(e) => format!(", but it could not be resolved: {e}"),
        });
    }
    Some(said)
}
