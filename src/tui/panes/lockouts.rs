//! The live lockouts table — one row per user, newest first, with what happened since and the
//! burst mark — and the filter input line under it. Only the rows on screen are built, so
//! drawing costs the same with 10 or 10,000 lockouts. Its title is the wall screen's headline:
//! it says NOT RECEIVING, and why, whenever the poller cannot reach the IdP.

use crate::tui::inert::{self, inert};
use ratatui::Frame;
use ratatui::layout::{Constraint, HorizontalAlignment, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, HighlightSpacing, Paragraph, Row, Table, TableState};

use super::columns::{self, Column, Need};
use super::or_unknown;
use crate::model::Lockout;
use crate::tui::app::{App, scroll_offset};
use crate::tui::feed::marks::RowMark;
use crate::tui::feed::rows::RowKind;
use crate::tui::format;
use crate::tui::theme::Theme;

impl Column {
    fn header(self, width: u16) -> &'static str {
        match self {
            Column::Burst => "⚠",
            Column::When if width >= WHEN_WIDTH => "When (UTC)",
            Column::When => "When",
            Column::User => "User",
            Column::Reason => "Reason",
            Column::Ip => "IP",
            Column::Location => "Location",
            Column::Client => "Client",
            Column::Since => "Since",
            Column::Repeats => "×",
        }
    }
}

const HIGHLIGHT_SYMBOL: &str = "▶ ";
const COLUMN_SPACING: u16 = 1;
const FILTER_PROMPT: &str = " Filter: ";
const FIND_PROMPT: &str = " Find user: ";
/// "  7s ago 14:03:27": the relative time and the clock.
const WHEN_WIDTH: u16 = 16;
/// Below this the login is not worth showing: a narrow table drops the IP first.
const USER_MIN: u16 = 20;
/// Where an older lockout of the user above starts its User cell.
const OLDER_PREFIX: &str = "└ ";

/// Table rows that fit in `area` (less borders and header).
pub fn body_rows(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(3))
}

fn chars(text: &str) -> u16 {
    u16::try_from(text.chars().count()).unwrap_or(u16::MAX)
}

/// "NOT RECEIVING since 14:02:11 (3 failed polls): <reason>", when the feed cannot reach the
/// IdP or its poller stopped.
pub fn not_receiving(app: &App) -> Option<String> {
    if app.feed_closed() {
        return Some("NOT RECEIVING: the lockout poller stopped (restart accessdesk)".to_string());
    }
    let health = app.health();
    if health.consecutive_errors == 0 {
        return None;
    }
    let since = app
        .failing_since()
        .map(|t| format!(" since {}", format::clock_or_date(app.now, t)))
        .unwrap_or_default();
    let polls = match health.consecutive_errors {
        1 => "1 failed poll".to_string(),
        n => format!("{n} failed polls"),
    };
    let reason = health
        .last_error
        .as_deref()
        .unwrap_or("the last poll failed");
    Some(format!("NOT RECEIVING{since} ({polls}): {reason}"))
}

fn title(app: &App, theme: &Theme) -> Line<'static> {
    let mut spans = vec![Span::styled(" Lockouts ", theme.block_title)];
    // The headline first, so a narrow screen cuts the rest instead.
    if let Some(headline) = not_receiving(app) {
        spans.push(Span::styled(format!(" {headline} "), theme.error));
        spans.push(Span::raw(" "));
    }
    match app.filter() {
        Some(filter) => {
            spans.push(Span::raw("· filter "));
            spans.push(Span::styled(format!("\"{filter}\""), theme.filter));
            spans.push(Span::raw(format!(
                " ({} of {}) ",
                app.matching(),
                app.total()
            )));
            if !app.is_editing_filter() {
                spans.push(Span::styled("· Esc clears ", theme.dim));
            }
        }
        None => spans.push(Span::raw(format!("({}) · newest first ", app.total()))),
    }
    if app.still_locked_only() {
        spans.push(Span::styled(
            format!(
                "· still locked only, {} handled hidden (l shows all) ",
                app.hidden_users()
            ),
            theme.warn,
        ));
    }
    // The headline quotes the IdP's error.
    inert::line(Line::from(spans))
}

/// A row on screen, with its mark as text in both forms.
struct Shown<'a> {
    lockout: &'a Lockout,
    mark: RowMark<'a>,
    kind: RowKind,
    short: String,
    full: String,
    burst: bool,
    /// The user answered *This wasn't me* to a notice (the outbox's record).
    not_me: bool,
}

/// The columns' needs for the rows on screen.
fn needs(rows: &[Shown]) -> Vec<Need> {
    let max = |f: &dyn Fn(&Shown) -> u16| rows.iter().map(f).max().unwrap_or(0);
    let login = max(&|r| {
        chars(&r.lockout.login)
            + if r.kind == RowKind::Older {
                chars(OLDER_PREFIX)
            } else {
                0
            }
    });
    // The widest login with its name, beyond the widest login.
    let with_name = max(&|r| {
        let name = match r.kind {
            RowKind::User { .. } => r
                .lockout
                .display_name
                .as_deref()
                .map_or(0, |n| chars(n) + 1),
            RowKind::Older => 0,
        };
        chars(&r.lockout.login) + name
    });
    let name = with_name.saturating_sub(login.max(USER_MIN));
    let mut needs = vec![
        Need {
            column: Column::When,
            min: 7,
            want: WHEN_WIDTH,
            extra: 0,
        },
        Need {
            column: Column::User,
            min: USER_MIN,
            want: login.max(USER_MIN),
            extra: name,
        },
        Need {
            column: Column::Repeats,
            min: 3,
            want: max(&|r| repeats_text(r.kind).map_or(0, |t| chars(&t))).max(3),
            extra: 0,
        },
        Need {
            column: Column::Ip,
            min: 15,
            want: max(&|r| chars(&or_unknown(r.lockout.ip.as_deref()))).max(15),
            extra: 0,
        },
        Need {
            column: Column::Location,
            min: 10,
            want: max(&|r| r.lockout.location().map_or(1, |t| chars(&t))).max(10),
            extra: 0,
        },
        Need {
            column: Column::Reason,
            min: 12,
            want: max(&|r| chars(&r.lockout.reason)).max(12),
            extra: 0,
        },
        Need {
            column: Column::Client,
            min: 10,
            want: max(&|r| r.lockout.client().map_or(1, |t| chars(&t))).max(10),
            extra: 0,
        },
    ];
    // The short marks first; the full ones ("by alice (audit #7)") where room is left.
    let short = max(&|r| chars(&r.short));
    if short > 0 {
        let short = short.max(chars("Since"));
        needs.push(Need {
            column: Column::Since,
            min: short,
            want: short,
            extra: max(&|r| chars(&r.full)).saturating_sub(short),
        });
    }
    if rows.iter().any(|r| r.burst || r.not_me) {
        needs.push(Need {
            column: Column::Burst,
            min: 1,
            want: 1,
            extra: 0,
        });
    }
    needs
}

/// "×3", with "▾" when the user's older lockouts are listed below.
fn repeats_text(kind: RowKind) -> Option<String> {
    match kind {
        RowKind::User { lockouts, expanded } if lockouts > 1 => {
            Some(format!("×{lockouts}{}", if expanded { "▾" } else { "" }))
        }
        _ => None,
    }
}

/// The login first, cut in the middle when it must be: it is what the agent types.
fn user_cell(lockout: &Lockout, kind: RowKind, width: u16, theme: &Theme) -> Cell<'static> {
    let width = usize::from(width);
    if kind == RowKind::Older {
        let room = width.saturating_sub(OLDER_PREFIX.chars().count());
        return Cell::from(Line::from(vec![
            Span::styled(OLDER_PREFIX, theme.dim),
            Span::styled(format::elide_login(&lockout.login, room), theme.dim),
        ]));
    }
    let login = format::elide_login(&lockout.login, width);
    let room = width.saturating_sub(login.chars().count() + 1);
    let mut spans = vec![Span::raw(login)];
    // The name where enough of it shows to be recognised.
    if let Some(name) = lockout.display_name.as_deref().filter(|n| !n.is_empty())
        && room >= name.chars().count().min(8)
    {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(inert(name).into_owned(), theme.dim));
    }
    Cell::from(Line::from(spans))
}

fn since_cell(mark: &RowMark, full: &str, short: &str, width: u16, theme: &Theme) -> Cell<'static> {
    let text = if chars(full) <= width { full } else { short };
    let style = match mark {
        RowMark::Handled(h) if h.settles() => match h.kind {
            crate::tui::handled::HandledKind::Escalated => theme.warn,
            _ => theme.done,
        },
        RowMark::Handled(_) | RowMark::OnCall(_) => theme.warn,
        RowMark::StillLocked { .. } | RowMark::NewDevicesLocked { .. } => theme.repeat,
        RowMark::NowStatus { .. } => theme.done,
        RowMark::Unknown => theme.dim,
    };
    Cell::from(Span::styled(text.to_string(), style))
}

/// What the table says when it has no rows to show.
fn empty_message(app: &App, theme: &Theme) -> Vec<Line<'static>> {
    if let Some(filter) = app.filter() {
        return vec![
            Line::raw(""),
            Line::from(format!(
                "No lockouts match \"{}\" ({} in the feed).",
                inert(filter),
                app.total()
            )),
            Line::styled("Esc clears the filter.", theme.dim),
        ];
    }
    if app.still_locked_only() && app.total() > 0 {
        return vec![
            Line::raw(""),
            Line::from(format!(
                "Every user in the feed was handled ({} hidden by \"still locked only\").",
                app.hidden_users()
            )),
            Line::styled("l shows them all again.", theme.dim),
        ];
    }
    let since = format::clock_or_date(app.now, app.feed_since());
    if let Some(headline) = not_receiving(app) {
        // Never a bare "no lockouts": nothing arrives, so none can be shown.
        return vec![
            Line::raw(""),
            Line::styled(headline, theme.error),
            Line::from(format!(
                "No lockouts received since {since}; lockouts may be happening that this screen cannot show."
            )),
            Line::styled(
                "The status bar below says what failed and what to check.",
                theme.dim,
            ),
        ];
    }
    let health = app.health();
    let every = format::duration(health.interval);
    let poll = if let Some(success) = health.last_success {
        format!(
            "Polling every {every}; last poll {}.",
            format::relative(app.now, success)
        )
    } else {
        format!("Polling every {every}; waiting for the first poll.")
    };
    vec![
        Line::raw(""),
        Line::from(format!("No lockouts since {since}.")),
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
            Paragraph::new(inert::lines(empty_message(app, theme)))
                .alignment(HorizontalAlignment::Center)
                .block(block),
            area,
        );
        return;
    };
    let visible = body_rows(area);
    let offset = scroll_offset(selected, app.offset(), app.len(), visible);
    // Only the rows on screen: their marks, as text in both forms.
    let shown: Vec<Shown> = (offset..(offset + visible).min(app.len()))
        .filter_map(|row| {
            let lockout = app.row(row)?;
            let kind = app.feed_row(row)?.kind;
            let mark = app.mark(lockout);
            let (short, full) = if kind == RowKind::Older {
                (String::new(), String::new())
            } else {
                (mark.text(true), mark.text(false))
            };
            Some(Shown {
                lockout,
                mark,
                kind,
                short,
                full,
                burst: app.in_burst(lockout),
                not_me: kind != RowKind::Older
                    && app
                        .notice_board()
                        .not_me(lockout.user_id.as_deref())
                        .is_some(),
            })
        })
        .collect();
    let width = area.width.saturating_sub(2 + chars(HIGHLIGHT_SYMBOL));
    let plan = columns::plan(width, COLUMN_SPACING, &needs(&shown));
    let rows: Vec<Row> = shown
        .iter()
        .map(|row| {
            let (lockout, kind, burst) = (row.lockout, &row.kind, &row.burst);
            let (short, full) = (&row.short, &row.full);
            Row::new(plan.iter().map(|&(column, w)| match column {
                // A *This wasn't me* report outranks the burst: a person says it is an attack.
                Column::Burst if row.not_me => Cell::from(Span::styled("⚑", theme.error)),
                Column::Burst if *burst => Cell::from(Span::styled("⚠", theme.warn)),
                Column::Burst => Cell::from(""),
                Column::When if w >= WHEN_WIDTH => Cell::from(format!(
                    "{:>7} {}",
                    format::relative(app.now, lockout.published),
                    format::clock(lockout.published)
                )),
                Column::When => Cell::from(format::relative(app.now, lockout.published)),
                Column::User => user_cell(lockout, *kind, w, theme),
                Column::Reason => Cell::from(inert(&lockout.reason).into_owned()),
                Column::Ip => Cell::from(or_unknown(lockout.ip.as_deref()).to_string()),
                Column::Location => {
                    Cell::from(or_unknown(lockout.location().as_deref()).into_owned())
                }
                Column::Client => Cell::from(or_unknown(lockout.client().as_deref()).into_owned()),
                Column::Since if *kind == RowKind::Older => Cell::from(""),
                Column::Since => since_cell(&row.mark, full, short, w, theme),
                Column::Repeats => match repeats_text(*kind) {
                    Some(text) => Cell::from(Span::styled(text, theme.repeat)),
                    None => Cell::from(""),
                },
            }))
        })
        .collect();
    let header = Row::new(plan.iter().map(|&(c, w)| c.header(w))).style(theme.header);
    let table = Table::new(rows, plan.iter().map(|&(_, w)| Constraint::Length(w)))
        .header(header)
        .block(block)
        .column_spacing(COLUMN_SPACING)
        .row_highlight_style(theme.selected)
        .highlight_symbol(HIGHLIGHT_SYMBOL)
        .highlight_spacing(HighlightSpacing::Always);
    let mut state = TableState::default().with_selected(Some(selected - offset));
    frame.render_stateful_widget(table, area, &mut state);
}

/// The one-line editor shown while typing a filter (or a user to find, over the user
/// screen). Right after `/` the old filter shows dimmed: it holds until a key is typed.
pub fn render_filter_input(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let prompt_text = if app.is_finding() {
        FIND_PROMPT
    } else {
        FILTER_PROMPT
    };
    let [prompt, text] = area.layout(&Layout::horizontal([
        Constraint::Length(chars(prompt_text)),
        Constraint::Fill(1),
    ]));
    frame.render_widget(Paragraph::new(Span::styled(prompt_text, theme.key)), prompt);
    let input = app.filter_input();
    if let Some(was) = app.filter_was() {
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!(
                    "was \"{}\": type to replace it, Enter keeps it, Esc clears it",
                    inert(was)
                ),
                theme.dim,
            )),
            text,
        );
        frame.set_cursor_position((text.x, text.y));
        return;
    }
    super::text_input(frame, text, input, theme.filter);
}
