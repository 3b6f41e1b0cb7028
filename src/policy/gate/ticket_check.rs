//! The gate's judgement of a ticket the ticketing system was asked about. The lookup itself is
//! I/O and happens before the gate (in the dialog, or the CLI); the gate only judges what came
//! back, with the same rules for every caller: the ticket must exist, be open and, when the
//! policy says so, have the target user as its caller.

use super::{Refusal, Target, normalize_ticket};
use crate::model::TicketFacts;
use crate::tickets::{Ticket, TicketProvider};

/// What the ticketing system answered for the ticket the agent gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketLookup {
    Found(Ticket),
    /// The system has no ticket with this number.
    NotFound {
        number: String,
    },
    /// The system could not be asked; the message is already phrased for the agent.
    Failed {
        number: String,
        error: String,
    },
}

impl TicketLookup {
    /// The number that was looked up.
    pub fn number(&self) -> &str {
        match self {
            TicketLookup::Found(t) => &t.number,
            TicketLookup::NotFound { number } | TicketLookup::Failed { number, .. } => number,
        }
    }

    /// What the audit log keeps of a ticket that was found: its record, state and whether
    /// its caller is `target` (unknown without a target).
    pub fn facts(&self, target: Option<&Target>) -> Option<TicketFacts> {
        let TicketLookup::Found(ticket) = self else {
            return None;
        };
        Some(TicketFacts {
            system: ticket.provider.as_str().to_string(),
            system_id: ticket.system_id.clone(),
            number: ticket.number.clone(),
            state: ticket.state.clone(),
            open: ticket.open,
            caller_matched: target.map(|t| is_callers(ticket, t)),
        })
    }
}

/// Whether the ticket's caller is the target, by e-mail or login.
fn is_callers(ticket: &Ticket, target: &Target) -> bool {
    target
        .email
        .iter()
        .chain(std::iter::once(&target.login))
        .any(|address| ticket.is_for(address))
}

/// Judges `lookup` for the ticket the agent gave (already normalised, not empty).
pub(super) fn judge(
    system: TicketProvider,
    require_caller: bool,
    target: &Target,
    ticket: &str,
    lookup: Option<&TicketLookup>,
) -> Result<TicketFacts, Vec<Refusal>> {
    let lookup = match lookup {
        Some(l) if normalize_ticket(l.number()) == ticket => l,
        // Looked up for another number (the agent edited it since), or not at all.
        _ => return Err(vec![Refusal::TicketNotChecked { system }]),
    };
    let found = match lookup {
        TicketLookup::Found(t) => t,
        TicketLookup::NotFound { .. } => return Err(vec![Refusal::TicketNotFound { system }]),
        TicketLookup::Failed { error, .. } => {
            return Err(vec![Refusal::TicketLookupFailed {
                system,
                error: error.clone(),
            }]);
        }
    };
    let mut refusals = Vec::new();
    if !found.open {
        refusals.push(Refusal::TicketClosed {
            state: found.state.clone(),
        });
    }
    if require_caller && !is_callers(found, target) {
        refusals.push(Refusal::TicketForAnotherCaller {
            caller: found
                .caller
                .as_ref()
                .and_then(|c| c.name.clone().or_else(|| c.email.clone()))
                .unwrap_or_else(|| "nobody".to_string()),
        });
    }
    if refusals.is_empty() {
        Ok(lookup.facts(Some(target)).expect("the ticket was found"))
    } else {
        Err(refusals)
    }
}
