//! The directory matches under the filter input: users whose login, e-mail or name starts with
//! the filter text, once it has two characters. Enter on a match opens its user screen.

use crate::tui::inert::inert;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, HighlightSpacing, Paragraph, Row, Table, TableState};

use crate::tui::app::App;
use crate::tui::theme::Theme;

const COLUMNS: [Constraint; 3] = [
    Constraint::Fill(3),
    Constraint::Fill(2),
    Constraint::Length(16),
];
const HIGHLIGHT_SYMBOL: &str = "▶ ";

/// Lines the list needs: nothing until the directory has answered for the current text.
pub fn height(app: &App) -> u16 {
    if !app.is_editing_filter() {
        return 0;
    }
    match app.search().latest() {
        None => 0,
        Some(Ok(users)) if !users.is_empty() => 2 + u16::try_from(users.len()).unwrap_or(u16::MAX),
        Some(_) => 3,
    }
}

fn title(app: &App, theme: &Theme) -> Line<'static> {
    let search = app.search();
    let mut spans = vec![
        Span::styled(" Directory ", theme.block_title),
        Span::raw(format!("· \"{}\" ", inert(search.query()))),
    ];
    if search.is_searching() {
        spans.push(Span::styled("· searching… ", theme.dim));
    } else if !app.in_results() && !search.matches().is_empty() {
        spans.push(Span::styled("· ↓ to choose ", theme.dim));
    }
    Line::from(spans)
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let block = Block::bordered()
        .border_style(theme.border)
        .title(title(app, theme));
    let users = match app.search().latest() {
        Some(Ok(users)) if !users.is_empty() => users,
        Some(Ok(_)) => {
            let text = Line::styled(" No users match in the directory", theme.dim);
            frame.render_widget(Paragraph::new(text).block(block), area);
            return;
        }
        Some(Err(error)) => {
            let text = Line::styled(
                format!(" Directory search failed: {}", inert(&error.to_string())),
                theme.warn,
            );
            frame.render_widget(Paragraph::new(text).block(block), area);
            return;
        }
        None => return,
    };
    let rows = users.iter().map(|user| {
        Row::new([
            Cell::from(inert(&user.login).into_owned()),
            Cell::from(Span::styled(inert(&user.name()).into_owned(), theme.dim)),
            Cell::from(Span::styled(
                inert(user.status.as_str()).into_owned(),
                theme.user_status(&user.status),
            )),
        ])
    });
    let table = Table::new(rows, COLUMNS)
        .block(block)
        .column_spacing(1)
        .row_highlight_style(theme.selected)
        .highlight_symbol(HIGHLIGHT_SYMBOL)
        .highlight_spacing(HighlightSpacing::Always);
    let selected = app.in_results().then_some(app.search().selected());
    let mut state = TableState::default().with_selected(selected);
    frame.render_stateful_widget(table, area, &mut state);
}
