//! The live lockouts table, newest first, and the filter input line under it. Only the rows on
//! screen are built, so drawing costs the same with 10 or 10,000 lockouts.

use ratatui::Frame;
use ratatui::layout::{Constraint, HorizontalAlignment, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, HighlightSpacing, Paragraph, Row, Table, TableState};

use super::{UNKNOWN, or_unknown};
use crate::model::Lockout;
use crate::tui::app::{App, scroll_offset};
use crate::tui::format;
use crate::tui::theme::Theme;

/// A column of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    When,
    User,
    Reason,
    Ip,
    Location,
    Client,
    Repeats,
}

impl Column {
    fn header(self) -> &'static str {
        match self {
            Column::When => "When (UTC)",
            Column::User => "User",
            Column::Reason => "Reason",
            Column::Ip => "IP",
            Column::Location => "Location",
            Column::Client => "Client",
            Column::Repeats => "×",
        }
    }
}

/// Below this width the table drops the reason and client columns (the detail shows them).
pub const NARROW_BELOW: u16 = 100;

const WIDE: [Column; 7] = [
    Column::When,
    Column::User,
    Column::Reason,
    Column::Ip,
    Column::Location,
    Column::Client,
    Column::Repeats,
];
const WIDE_COLUMNS: [Constraint; 7] = [
    Constraint::Length(16),
    Constraint::Fill(6),
    Constraint::Fill(3),
    Constraint::Length(15),
    Constraint::Fill(3),
    Constraint::Fill(2),
    Constraint::Length(3),
];

const NARROW: [Column; 5] = [
    Column::When,
    Column::User,
    Column::Ip,
    Column::Location,
    Column::Repeats,
];
const NARROW_COLUMNS: [Constraint; 5] = [
    Constraint::Length(16),
    Constraint::Fill(3),
    Constraint::Length(15),
    Constraint::Fill(2),
    Constraint::Length(3),
];

fn columns(width: u16) -> (&'static [Column], &'static [Constraint]) {
    if width < NARROW_BELOW {
        (&NARROW, &NARROW_COLUMNS)
    } else {
        (&WIDE, &WIDE_COLUMNS)
    }
}

const HIGHLIGHT_SYMBOL: &str = "▶ ";
const FILTER_PROMPT: &str = " Filter: ";

/// Table rows that fit in `area` (less borders and header).
pub fn body_rows(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(3))
}

fn title(app: &App, theme: &Theme) -> Line<'static> {
    let mut spans = vec![Span::styled(" Lockouts ", theme.block_title)];
    match app.filter() {
        Some(filter) => {
            spans.push(Span::raw("· filter "));
            spans.push(Span::styled(format!("\"{filter}\""), theme.filter));
            spans.push(Span::raw(format!(" ({} of {}) ", app.len(), app.total())));
            if !app.is_editing_filter() {
                spans.push(Span::styled("· Esc clears ", theme.dim));
            }
        }
        None => spans.push(Span::raw(format!("({}) · newest first ", app.total()))),
    }
    Line::from(spans)
}

/// The login first: it is what the agent types, so it is the part that must survive truncation.
fn user_cell(lockout: &Lockout, theme: &Theme) -> Cell<'static> {
    let mut spans = vec![Span::raw(lockout.login.clone())];
    if let Some(name) = lockout.display_name.as_deref().filter(|n| !n.is_empty()) {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(name.to_string(), theme.dim));
    }
    Cell::from(Line::from(spans))
}

fn cell(app: &App, lockout: &Lockout, column: Column, theme: &Theme) -> Cell<'static> {
    match column {
        Column::When => Cell::from(format!(
            "{:>7} {}",
            format::relative(app.now, lockout.published),
            format::clock(lockout.published)
        )),
        Column::User => user_cell(lockout, theme),
        Column::Reason => Cell::from(lockout.reason.clone()),
        Column::Ip => Cell::from(or_unknown(lockout.ip.as_deref()).to_string()),
        Column::Location => Cell::from(lockout.location().unwrap_or_else(|| UNKNOWN.to_string())),
        Column::Client => Cell::from(lockout.client().unwrap_or_else(|| UNKNOWN.to_string())),
        Column::Repeats => match app.repeats(lockout) {
            0 | 1 => Cell::from(""),
            n => Cell::from(Span::styled(format!("×{n}"), theme.repeat)),
        },
    }
}

/// What the table says when it has no rows to show.
fn empty_message(app: &App, theme: &Theme) -> Vec<Line<'static>> {
    if let Some(filter) = app.filter() {
        return vec![
            Line::raw(""),
            Line::from(format!(
                "No lockouts match \"{filter}\" ({} in the feed).",
                app.total()
            )),
            Line::styled("Esc clears the filter.", theme.dim),
        ];
    }
    let health = app.health();
    let every = format::duration(health.interval);
    let poll = if app.feed_closed() {
        "The lockout poller has stopped.".to_string()
    } else if health.consecutive_errors > 0 {
        format!(
            "Polling every {every}: the last {} failed (see the status bar).",
            if health.consecutive_errors == 1 {
                "poll".to_string()
            } else {
                format!("{} polls", health.consecutive_errors)
            }
        )
    } else if let Some(success) = health.last_success {
        format!(
            "Polling every {every}; last poll {}.",
            format::relative(app.now, success)
        )
    } else {
        format!("Polling every {every}; waiting for the first poll.")
    };
    vec![
        Line::raw(""),
        Line::from(format!(
            "No lockouts since {}.",
            format::clock_or_date(app.now, app.feed_since())
        )),
        Line::from(poll),
        Line::raw(""),
        Line::styled(
            "New lockouts appear here, newest first. Press ? for keys.",
            theme.dim,
        ),
    ]
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let block = Block::bordered()
        .border_style(theme.border)
        .title(title(app, theme));
    let Some(selected) = app.selected() else {
        frame.render_widget(
            Paragraph::new(empty_message(app, theme))
                .alignment(HorizontalAlignment::Center)
                .block(block),
            area,
        );
        return;
    };
    let visible = body_rows(area);
    let offset = scroll_offset(selected, app.offset(), app.len(), visible);
    let (columns, widths) = columns(area.width);
    let rows: Vec<Row> = app
        .rows(offset, visible)
        .map(|lockout| Row::new(columns.iter().map(|&c| cell(app, lockout, c, theme))))
        .collect();
    let header = Row::new(columns.iter().map(|c| c.header())).style(theme.header);
    let table = Table::new(rows, widths.iter().copied())
        .header(header)
        .block(block)
        .column_spacing(1)
        .row_highlight_style(theme.selected)
        .highlight_symbol(HIGHLIGHT_SYMBOL)
        .highlight_spacing(HighlightSpacing::Always);
    let mut state = TableState::default().with_selected(Some(selected - offset));
    frame.render_stateful_widget(table, area, &mut state);
}

/// The one-line filter editor shown while typing a filter.
pub fn render_filter_input(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let prompt_width = FILTER_PROMPT.chars().count() as u16;
    let [prompt, text] = area.layout(&Layout::horizontal([
        Constraint::Length(prompt_width),
        Constraint::Fill(1),
    ]));
    frame.render_widget(
        Paragraph::new(Span::styled(FILTER_PROMPT, theme.key)),
        prompt,
    );
    let input = app.filter_input();
    let width = usize::from(text.width.max(1) - 1);
    let scroll = input.visual_scroll(width);
    frame.render_widget(
        Paragraph::new(Span::styled(input.value(), theme.filter))
            .scroll((0, u16::try_from(scroll).unwrap_or(u16::MAX))),
        text,
    );
    let cursor = input.visual_cursor().saturating_sub(scroll);
    frame.set_cursor_position((
        text.x
            + u16::try_from(cursor)
                .unwrap_or(0)
                .min(text.width.saturating_sub(1)),
        text.y,
    ));
}
