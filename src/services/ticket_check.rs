//! Asking the ticketing system about a ticket number, for the gate: the answer as the gate
//! judges it ([`TicketLookup`]), a failure phrased with what to do.

use crate::policy::gate::{TicketLookup, normalize_ticket};
use crate::tickets::{TicketError, TicketSystem};

/// The error as an agent reads it: what went wrong, and what to do.
pub fn phrased(e: &TicketError) -> String {
    format!("{e} ({})", e.hint())
}

/// What `tickets` says about `number` (as typed: it is normalised first).
pub async fn look_up<T: TicketSystem>(tickets: &T, number: &str) -> TicketLookup {
    let number = normalize_ticket(number);
    match tickets.lookup(&number).await {
        Ok(Some(ticket)) => TicketLookup::Found(ticket),
        Ok(None) => TicketLookup::NotFound { number },
        Err(e) => TicketLookup::Failed {
            number,
            error: phrased(&e),
        },
    }
}
