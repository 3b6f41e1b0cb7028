//! The small boxes over the dialog that ask before something final: the escalation (what is
//! written, and why) and quitting while a push waits or the action runs. Their keys come from
//! the prompt's own keymap context.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph};

use super::layout::{Item, fit};
use crate::tui::app::App;
use crate::tui::keymap::{self, Action, Context};
use crate::tui::theme::Theme;
use crate::tui::verify_dialog::VerifyDialog;

/// Draw `items` in a box titled `title`, centred over `area`.
fn draw_box(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    items: Vec<Item>,
    tail: Vec<Item>,
    theme: &Theme,
) {
    let rows = fit(items, tail, usize::from(area.height.saturating_sub(2)));
    let height = (rows.len() as u16 + 2).min(area.height);
    let popup = area.centered(Constraint::Length(area.width), Constraint::Length(height));
    let block = Block::bordered()
        .border_style(theme.error)
        .title(Span::styled(format!(" {title} "), theme.block_title))
        .padding(Padding::horizontal(1));
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(rows).block(block), popup);
}

fn keys_line(context: Context, theme: &Theme) -> Line<'static> {
    let mut spans = Vec::new();
    for (keys, word) in keymap::hints(context)
        .into_iter()
        .filter(|(keys, _)| !keys.starts_with("Ctrl"))
    {
        spans.push(Span::styled(keys, theme.key));
        spans.push(Span::raw(format!(" {word}   ")));
    }
    Line::from(spans)
}

/// "Escalate to security": the reason, ticket and note that will be written.
pub fn escalation(frame: &mut Frame, area: Rect, app: &App, dialog: &VerifyDialog, theme: &Theme) {
    let width = usize::from(area.width.saturating_sub(4));
    let item = |line: Line<'static>, order| Item::wrapped(line, width, 8, order);
    let plain = |line: Line<'static>, order| Item::wrapped(line, width, 0, order);
    let reason = app
        .escalation_pending()
        .map(str::to_string)
        .unwrap_or_else(|| dialog.escalation_reason(&app.options.gate, app.now));
    let note = dialog
        .agent_note()
        .unwrap_or_else(|| "none (Esc, then type it in the Note field)".into());
    let ticket = dialog.ticket_number().unwrap_or_else(|| "none".into());
    let items = vec![
        item(
            Line::from(vec![
                Span::styled("Reason  ", theme.label),
                Span::styled(reason, theme.error.add_modifier(Modifier::BOLD)),
            ]),
            0,
        ),
        item(
            Line::from(vec![
                Span::styled("Ticket  ", theme.label),
                Span::raw(ticket),
            ]),
            2,
        ),
        item(
            Line::from(vec![Span::styled("Note    ", theme.label), Span::raw(note)]),
            1,
        ),
        plain(
            Line::styled(
                format!(
                    "Writes a security escalation for {} to the audit log (with the evidence so far) and closes the dialog; nothing changes at the IdP.",
                    dialog.target().login
                ),
                theme.dim,
            ),
            3,
        ),
    ];
    let mut tail = Vec::new();
    if let Some(notice) = dialog.notice() {
        tail.push(item(Line::styled(format!("⚠ {notice}"), theme.warn), 0));
    }
    if app.escalation_pending().is_some() {
        tail.push(item(Line::raw("Recording…"), 0));
    } else {
        tail.push(item(keys_line(Context::DialogEscalate, theme), 0));
    }
    draw_box(frame, area, "Escalate to security", items, tail, theme);
}

/// "A push is waiting for … — quit anyway?"
pub fn quit(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let width = usize::from(area.width.saturating_sub(4));
    let what = app
        .in_flight()
        .unwrap_or_else(|| "Nothing is in flight any more".into());
    let yes = keymap::label_for(Context::QuitConfirm, Action::ConfirmQuit).unwrap_or("y");
    let then = if app.is_running() || app.escalation_pending().is_some() {
        format!("{yes} quits as soon as it is done and audited")
    } else {
        format!("{yes} quits and withdraws the push")
    };
    let items = vec![Item::wrapped(
        Line::styled(
            format!("{what} — quit anyway? {then}."),
            theme.warn.add_modifier(Modifier::BOLD),
        ),
        width,
        0,
        0,
    )];
    let tail = vec![Item::wrapped(
        keys_line(Context::QuitConfirm, theme),
        width,
        0,
        0,
    )];
    draw_box(frame, area, "Quit?", items, tail, theme);
}
