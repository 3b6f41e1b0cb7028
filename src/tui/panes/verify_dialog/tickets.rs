//! The dialog's ticket lines when a ticketing system is configured: what the system said about
//! the ticket in the field, and — while the focus is there — the user's open tickets to pick
//! from, each with its state, summary and age. Keys named here come from the focused context.

use ratatui::style::Style;
use ratatui::text::Line;

use super::body::{Body, FIELD_LABEL};
use super::layout::Item;
use crate::policy::gate::TicketLookup;
use crate::tui::format::relative;
use crate::tui::inert::inert;
use crate::tui::verify_dialog::{DialogAction, Focus, OpenTickets, TicketDesk};

/// Open tickets listed at most (the newest; the rest are counted).
const MAX_LISTED: usize = 5;

impl Body<'_> {
    /// The lines under the ticket field.
    pub(super) fn ticket_lines(&self, desk: &TicketDesk) -> Vec<Item> {
        let theme = self.theme;
        let dialog = self.dialog;
        let pad = " ".repeat(FIELD_LABEL);
        let mut items = Vec::new();
        let line = |text: String, style: Style, order: u8| {
            self.item(
                Line::styled(format!("{pad}{text}"), style),
                FIELD_LABEL,
                order,
            )
        };
        if let Some(number) = &desk.checking {
            items.push(line(
                format!("Checking {number} in {}…", desk.system),
                theme.dim,
                0,
            ));
        } else if let Some(TicketLookup::Found(t)) = &desk.lookup
            && dialog.ticket_hint().is_none()
            && !dialog.ticket().value().trim().is_empty()
        {
            let caller = t
                .caller
                .as_ref()
                .and_then(|c| c.name.clone().or_else(|| c.email.clone()))
                .unwrap_or_else(|| "no caller".into());
            items.push(line(
                format!(
                    "✓ {} · {} · caller {} · {}",
                    inert(&t.number),
                    inert(&t.state),
                    inert(&caller),
                    inert(&t.summary)
                ),
                theme.done,
                1,
            ));
        }
        if desk.creating {
            items.push(line(
                format!("Opening a ticket in {}…", desk.system),
                theme.dim,
                0,
            ));
        }
        let picking = dialog.focus() == Focus::Ticket && !desk.typing;
        if !picking {
            return items;
        }
        let new = dialog.keyed(DialogAction::NewTicket, "opens one for this call");
        let typed = dialog.keyed(DialogAction::TypeTicket, "types a number");
        match &desk.open {
            OpenTickets::Loading => items.push(line(
                format!("Loading the user's open tickets from {}…", desk.system),
                theme.dim,
                0,
            )),
            OpenTickets::Failed(e) => items.push(line(
                format!("Open tickets could not be loaded: {e} — {typed}"),
                theme.error,
                0,
            )),
            OpenTickets::Loaded(list) if list.is_empty() => items.push(line(
                format!(
                    "No open ticket for this user in {} — {new}, {typed}",
                    desk.system
                ),
                theme.warn,
                0,
            )),
            OpenTickets::Loaded(list) => {
                let take = dialog.keyed(DialogAction::TakeTicket, "takes it");
                items.push(line(
                    format!("Open tickets in {} — {take}, {new}, {typed}", desk.system),
                    theme.label,
                    0,
                ));
                for (i, t) in list.iter().enumerate().take(MAX_LISTED) {
                    let here = i == desk.cursor;
                    let age = t
                        .created
                        .map(|c| format!(" · {}", relative(self.now(), c)))
                        .unwrap_or_default();
                    items.push(line(
                        format!(
                            "{}{} · {} · {}{age}",
                            if here { "▸ " } else { "  " },
                            inert(&t.number),
                            inert(&t.state),
                            inert(&t.summary)
                        ),
                        if here {
                            theme.selected
                        } else {
                            Style::default()
                        },
                        0,
                    ));
                }
                if list.len() > MAX_LISTED {
                    items.push(line(
                        format!("  and {} older", list.len() - MAX_LISTED),
                        theme.dim,
                        3,
                    ));
                }
            }
        }
        items
    }
}
