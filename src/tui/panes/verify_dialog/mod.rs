//! The verification dialog, centred over the user screen: what will happen, the chooser or the
//! checklist, the ticket and note, the push and the one-time code, the evidence so far, what
//! the gate still misses, the notice and the button, with the focused context's keys on the
//! bottom border. A typed code is drawn as bullets, never as digits. The escalation and quit
//! prompts are drawn over it.

mod body;
mod layout;
mod prompts;
mod tickets;

use crate::tui::inert::inert;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph};

use body::Body;
use layout::fit;

use crate::tui::app::App;
use crate::tui::keymap;
use crate::tui::theme::Theme;

/// The widest the dialog gets.
const MAX_WIDTH: u16 = 100;

/// The focused context's key hints that fit in `width` columns, whole hints only, in the
/// table's order.
fn footer(app: &App, width: usize, theme: &Theme) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for (keys, word) in keymap::hints(app.screen_context()) {
        let hint = format!("{keys} {word} ");
        let hint_width = Span::raw(hint.as_str()).width() + 1;
        if used + hint_width > width {
            break;
        }
        used += hint_width;
        spans.push(Span::styled(keys, theme.key));
        spans.push(Span::styled(format!(" {word}  "), theme.dim));
    }
    Line::from(spans).right_aligned()
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(dialog) = app.dialog() else {
        return;
    };
    let width = area.width.saturating_sub(4).min(MAX_WIDTH);
    // Borders and padding take 4 columns.
    let inner = usize::from(width.saturating_sub(4)).max(1);
    let body = Body {
        app,
        dialog,
        theme,
        width: inner,
    };
    let rows = fit(
        body.items(),
        body.tail(),
        usize::from(area.height.saturating_sub(2)),
    );
    let height = (rows.len() as u16 + 2).min(area.height);
    let popup = area.centered(Constraint::Length(width), Constraint::Length(height));
    let title = format!(" Verify {} ", inert(&dialog.target().login));
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Span::styled(title, theme.block_title))
        .title_bottom(footer(app, usize::from(width.saturating_sub(2)), theme))
        .padding(Padding::horizontal(1));
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(rows).block(block), popup);

    // The prompts sit over the dialog, a little narrower.
    let over = popup.centered(
        Constraint::Length(popup.width.saturating_sub(4).max(20).min(popup.width)),
        Constraint::Length(popup.height),
    );
    if app.quit_prompt_open() {
        prompts::quit(frame, over, app, theme);
    } else if dialog.is_escalating() {
        prompts::escalation(frame, over, app, dialog, theme);
    }
}
