//! The dialog's ticket when a ticketing system is configured: the user's open tickets to
//! pick from (newest first, so `Enter` takes the newest), a ticket opened for this call (`n`),
//! or a number the agent types (`t`), which the loop looks up. The gate judges the answer it
//! is handed ([`TicketLookup`]); this keeps what came back and what is still on its way.

use chrono::{DateTime, Utc};
use tui_input::Input;

use crate::policy::gate::{GatePolicy, TicketLookup, normalize_ticket};
use crate::tickets::{Ticket, TicketProvider};

/// The user's open tickets, as far as they are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenTickets {
    /// Asked for; the answer is on its way.
    Loading,
    Loaded(Vec<Ticket>),
    /// The system could not be asked (the message, phrased for the agent).
    Failed(String),
}

/// What the dialog knows of tickets in the ticketing system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketDesk {
    pub system: TicketProvider,
    pub open: OpenTickets,
    /// The highlighted open ticket.
    pub cursor: usize,
    /// The agent chose to type a number instead of picking.
    pub typing: bool,
    /// The system's answer for the ticket in the field.
    pub lookup: Option<TicketLookup>,
    /// A number being looked up.
    pub checking: Option<String>,
    /// A ticket is being opened for this call.
    pub creating: bool,
}

impl TicketDesk {
    pub fn new(system: TicketProvider, carried: Option<TicketLookup>) -> Self {
        Self {
            system,
            open: OpenTickets::Loading,
            cursor: 0,
            typing: false,
            lookup: carried,
            checking: None,
            creating: false,
        }
    }

    /// The open tickets, when loaded.
    pub fn list(&self) -> &[Ticket] {
        match &self.open {
            OpenTickets::Loaded(list) => list,
            _ => &[],
        }
    }

    pub fn highlighted(&self) -> Option<&Ticket> {
        self.list().get(self.cursor)
    }

    /// Move the highlight (wrapping); false when there is nothing to move over.
    pub fn step(&mut self, down: bool) -> bool {
        let n = self.list().len();
        if n == 0 {
            return false;
        }
        self.cursor = if down {
            (self.cursor + 1) % n
        } else {
            (self.cursor + n - 1) % n
        };
        true
    }

    /// The answer for the open tickets; the highlight goes back to the newest.
    pub fn loaded(&mut self, result: Result<Vec<Ticket>, String>) {
        self.open = match result {
            Ok(list) => OpenTickets::Loaded(list),
            Err(e) => OpenTickets::Failed(e),
        };
        self.cursor = 0;
    }

    /// The answer for a number looked up: kept when it is still the number in the field.
    pub fn looked_up(&mut self, lookup: TicketLookup, field: &str) -> bool {
        if self
            .checking
            .as_deref()
            .is_some_and(|n| normalize_ticket(n) == normalize_ticket(lookup.number()))
        {
            self.checking = None;
        }
        let current = normalize_ticket(field) == normalize_ticket(lookup.number());
        if current {
            self.lookup = Some(lookup);
        }
        current
    }

    /// A ticket opened for this call: it heads the list and is the one in the field.
    pub fn created(&mut self, ticket: Ticket) {
        self.creating = false;
        if let OpenTickets::Loaded(list) = &mut self.open {
            list.insert(0, ticket.clone());
        } else {
            self.open = OpenTickets::Loaded(vec![ticket.clone()]);
        }
        self.cursor = 0;
        self.typing = false;
        self.lookup = Some(TicketLookup::Found(ticket));
    }

    /// Whether the field's number still needs asking about (nothing known, or known for
    /// another number, and not already on its way).
    pub fn needs_lookup(&self, field: &str) -> bool {
        let number = normalize_ticket(field);
        !number.is_empty()
            && self
                .lookup
                .as_ref()
                .is_none_or(|l| normalize_ticket(l.number()) != number)
            && self
                .checking
                .as_deref()
                .is_none_or(|n| normalize_ticket(n) != number)
    }
}

impl super::VerifyDialog {
    /// The user's open tickets arrived (or could not be had).
    pub fn on_open_tickets(
        &mut self,
        result: Result<Vec<Ticket>, String>,
        policy: &GatePolicy,
        now: DateTime<Utc>,
    ) {
        if let Some(desk) = &mut self.tickets {
            desk.loaded(result);
        }
        self.refresh(policy, now);
    }

    /// The ticketing system answered for a number; the focus stays where the agent put it.
    pub fn on_ticket_looked(
        &mut self,
        lookup: TicketLookup,
        policy: &GatePolicy,
        now: DateTime<Utc>,
    ) {
        let field = self.ticket.value().to_string();
        if let Some(desk) = &mut self.tickets {
            desk.looked_up(lookup, &field);
        }
        self.refresh(policy, now);
    }

    /// The ticket opened for this call (in the field from now on), or why it was not.
    pub fn on_ticket_created(
        &mut self,
        result: Result<Ticket, String>,
        policy: &GatePolicy,
        now: DateTime<Utc>,
    ) {
        let Some(desk) = &mut self.tickets else {
            return;
        };
        match result {
            Ok(ticket) => {
                self.ticket = Input::new(ticket.number.clone());
                self.notice = Some(format!("Opened {} in {}", ticket.number, desk.system));
                desk.created(ticket);
            }
            Err(e) => {
                desk.creating = false;
                self.notice = Some(format!("No ticket was opened in {}: {e}", desk.system));
            }
        }
        self.refresh(policy, now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tickets::TicketPerson;

    fn ticket(number: &str) -> Ticket {
        Ticket {
            provider: TicketProvider::ServiceNow,
            system_id: format!("id-{number}"),
            number: number.into(),
            kind: "incident".into(),
            state: "New".into(),
            open: true,
            caller: Some(TicketPerson {
                id: "u".into(),
                email: Some("dana@example.com".into()),
                name: None,
            }),
            summary: "Locked out".into(),
            created: None,
            web_url: None,
        }
    }

    #[test]
    fn the_highlight_wraps_and_starts_at_the_newest() {
        let mut desk = TicketDesk::new(TicketProvider::ServiceNow, None);
        assert!(!desk.step(true), "nothing to move over while loading");
        desk.loaded(Ok(vec![ticket("INC3"), ticket("INC2"), ticket("INC1")]));
        assert_eq!(desk.highlighted().unwrap().number, "INC3");
        desk.step(false);
        assert_eq!(desk.highlighted().unwrap().number, "INC1");
        desk.step(true);
        assert_eq!(desk.highlighted().unwrap().number, "INC3");
    }

    #[test]
    fn an_answer_counts_only_for_the_number_still_in_the_field() {
        let mut desk = TicketDesk::new(TicketProvider::ServiceNow, None);
        assert!(desk.needs_lookup("inc0010002"));
        desk.checking = Some("INC0010002".into());
        assert!(!desk.needs_lookup("INC0010002"), "already on its way");
        let answer = TicketLookup::Found(ticket("INC0010002"));
        assert!(!desk.looked_up(answer.clone(), "INC0010003"));
        assert_eq!(desk.lookup, None);
        assert_eq!(desk.checking, None);
        assert!(desk.looked_up(answer.clone(), " inc0010002"));
        assert_eq!(desk.lookup, Some(answer));
        assert!(!desk.needs_lookup("INC0010002"));
        assert!(!desk.needs_lookup("  "));
    }

    #[test]
    fn a_created_ticket_heads_the_list_and_fills_the_field() {
        let mut desk = TicketDesk::new(TicketProvider::ServiceNow, None);
        desk.loaded(Ok(vec![ticket("INC1")]));
        desk.creating = true;
        desk.step(true);
        desk.created(ticket("INC9"));
        assert!(!desk.creating);
        assert_eq!(desk.highlighted().unwrap().number, "INC9");
        assert_eq!(desk.list().len(), 2);
        assert_eq!(desk.lookup.as_ref().unwrap().number(), "INC9");
    }
}
