//! The burst list (`b`): every active burst and, under it, its lockouts, newest first, with
//! what happened since; Enter selects the chosen lockout's row in the feed.

use crate::tui::inert;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::tui::app::{App, scroll_offset};
use crate::tui::feed::bursts::ListLine;
use crate::tui::format;
use crate::tui::theme::Theme;

fn line(app: &App, item: &ListLine, selected: bool, width: usize, theme: &Theme) -> Line<'static> {
    match item {
        ListLine::Burst(n) => {
            let text = app
                .bursts()
                .get(*n)
                .map(|b| format!("⚠ {b}"))
                .unwrap_or_default();
            Line::styled(format::elide_middle(&text, width), theme.header)
        }
        ListLine::Lockout(lockout) => {
            let marker = if selected { "▶ " } else { "  " };
            let login = format::elide_login(&lockout.login, 32);
            let mark = app.mark(lockout).text(true);
            let line = Line::from(vec![
                Span::raw(format!(
                    "{marker}{:>7} {login:<32} {:<15} ",
                    format::relative(app.now, lockout.published),
                    lockout.ip.as_deref().unwrap_or("—"),
                )),
                Span::styled(mark, theme.done),
            ]);
            if selected {
                line.style(theme.selected)
            } else {
                line
            }
        }
    }
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(selected) = app.burst_list() else {
        return;
    };
    let items = app.burst_lines();
    let width = area.width.saturating_sub(4).min(100);
    let inner = usize::from(width.saturating_sub(2));
    let height = (u16::try_from(items.len()).unwrap_or(u16::MAX) + 2).min(area.height);
    let popup = area.centered(Constraint::Length(width), Constraint::Length(height));
    let visible = usize::from(popup.height.saturating_sub(2));
    let offset = scroll_offset(selected, 0, items.len(), visible);
    let lines: Vec<Line> = items
        .iter()
        .enumerate()
        .skip(offset)
        .take(visible)
        .map(|(n, item)| inert::line(line(app, item, n == selected, inner, theme)))
        .collect();
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Span::styled(
            format!(" Bursts ({}) ", app.bursts().len()),
            theme.block_title,
        ))
        .title_bottom(
            Line::styled(" ↑/↓ choose · Enter go to row · Esc close ", theme.dim).right_aligned(),
        );
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
