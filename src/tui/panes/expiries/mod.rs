//! The expiries screen (`e`): a bordered pane whose title has the tabs (Passwords,
//! Contractors, with their counts), the sort, the filter and the position; over the tab the
//! summary, the data's age, the scan under way and a failure; then the open tab's lines. The
//! filter input goes under the pane while typing, the detail (Enter) under the tab when it
//! fits with at least a few rows, else in the tab's place.
//!
//! ```text
//! ┌ Expiries  Passwords 12   Contractors 5  · sorted by expiry · 1–12 of 12 ──────────┐
//! │Expiring in 1 d: 1 · 7 d: 3 · 14 d: 5 · expired: 2 │ contracts ending in 14 d: 3   │
//! │Data from 3 h ago (full scan Dec 1 09:00 CET) · 5,000 users scanned               │
//! │Full scan running: 1,200 of ~5,000 users · 7 requests                              │
//! │  User                 Status  Expires               Next reminder    Stage       │
//! │▶ Ada Lovelace ada@…   ACTIVE  Dec 14 10:23 (in 13 d) Dec 7 10:00 PST  14 d        │
//! └───────────────────────────────────────────────────────────────────────────────────┘
//! ```

pub mod columns;
pub mod contractors;
pub mod detail;
pub mod passwords;
pub mod scan_lines;
pub mod table;
pub mod when;

use crate::tui::inert::{self, inert};
use ratatui::Frame;
use ratatui::layout::{Constraint, HorizontalAlignment, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph, Wrap};

use crate::tui::app::App;
use crate::tui::expiries::{ContractorLine, ExpiriesView, Tab};
use crate::tui::theme::Theme;
use crate::tui::user_view::position;

const FILTER_PROMPT: &str = " Filter: ";
/// The tab keeps its header and this many lines beside the detail, else the detail takes
/// its place.
const MIN_TAB_LINES: u16 = 6;

/// Where the pane, the filter input and the detail go (empty when not shown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaneLayout {
    pub pane: Rect,
    pub filter: Rect,
    pub detail: Rect,
}

/// The detail's lines for the selected row, if it is open and there is one.
fn detail_lines(
    app: &App,
    screen: &ExpiriesView,
    width: u16,
    theme: &Theme,
) -> Option<Vec<Line<'static>>> {
    if !screen.detail_open() {
        return None;
    }
    // Borders and padding.
    let width = usize::from(width.saturating_sub(4));
    match screen.tab() {
        Tab::Passwords => {
            let scan = screen.scan()?;
            let row = screen.selected_password()?;
            Some(detail::password_lines(app, scan, row, width, theme))
        }
        Tab::Contractors => {
            let row = screen.selected_contractor()?;
            Some(detail::contractor_lines(app, row, width, theme))
        }
    }
}

pub fn layout(area: Rect, app: &App, screen: &ExpiriesView) -> PaneLayout {
    let [main, filter] = area.layout(&Layout::vertical([
        Constraint::Min(0),
        Constraint::Length(u16::from(screen.is_editing_filter())),
    ]));
    let Some(lines) = detail_lines(app, screen, main.width, &Theme::new(false)) else {
        return PaneLayout {
            pane: main,
            filter,
            detail: Rect::new(main.x, main.bottom(), main.width, 0),
        };
    };
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let info = info_height(app, screen, main.width);
    if main.height >= height + MIN_TAB_LINES + info + 3 {
        let [pane, detail] = main.layout(&Layout::vertical([
            Constraint::Min(0),
            Constraint::Length(height),
        ]));
        PaneLayout {
            pane,
            filter,
            detail,
        }
    } else {
        PaneLayout {
            pane: Rect::new(main.x, main.y, main.width, 0),
            filter,
            detail: main,
        }
    }
}

/// Lines over the tab in a pane `width` wide.
fn info_height(app: &App, screen: &ExpiriesView, width: u16) -> u16 {
    let lines = scan_lines::lines(
        app,
        screen,
        usize::from(width.saturating_sub(2)),
        &Theme::new(false),
    );
    u16::try_from(lines.len()).unwrap_or(u16::MAX)
}

/// How many lines of the tab fit in `area` (less borders, the lines over it, the header).
pub fn body_rows(area: Rect, app: &App, screen: &ExpiriesView) -> usize {
    let pane = layout(area, app, screen).pane;
    let info = info_height(app, screen, pane.width);
    usize::from(pane.height.saturating_sub(3 + info))
}

fn title(screen: &ExpiriesView, rows: usize, theme: &Theme) -> Line<'static> {
    let mut spans = vec![Span::styled(" Expiries ", theme.block_title)];
    for tab in [Tab::Passwords, Tab::Contractors] {
        // What the tab shows (the filter applies), once there is data.
        let count = match (tab, screen.scan()) {
            (_, None) => String::new(),
            (Tab::Passwords, Some(_)) => format!(" {}", screen.password_rows().len()),
            (Tab::Contractors, Some(_)) => format!(
                " {}",
                screen
                    .contractor_lines()
                    .iter()
                    .filter(|l| matches!(l, ContractorLine::Contractor(_)))
                    .count()
            ),
        };
        let text = format!(" {}{count} ", tab.title());
        spans.push(if tab == screen.tab() {
            Span::styled(text, theme.selected)
        } else {
            Span::styled(text, theme.dim)
        });
        spans.push(Span::raw(" "));
    }
    if screen.tab() == Tab::Passwords {
        spans.push(Span::raw(format!("· sorted by {} ", screen.sort().label())));
    }
    if let Some(filter) = screen.filter() {
        spans.push(Span::raw("· filter "));
        spans.push(Span::styled(format!("\"{filter}\" "), theme.filter));
    }
    if screen.len() > rows {
        spans.push(Span::raw(format!(
            "· lines {} ",
            position(screen.offset(rows), rows, screen.len())
        )));
    }
    Line::from(spans)
}

/// What the tab says when it has no lines to show.
fn empty_message(app: &App, screen: &ExpiriesView) -> String {
    let data = app.scan_data();
    let Some(scan) = screen.scan() else {
        return if let Some(why) = data.awaiting() {
            format!("No expiry data yet: {why}.")
        } else if data.progress().is_some() {
            "Scanning… (first scan): the rows appear when it finishes.".to_string()
        } else if data.failure().is_some() {
            "No expiry data yet.".to_string()
        } else {
            "Waiting for the expiry scanner: no data yet (the first scan starts shortly)."
                .to_string()
        };
    };
    if let Some(filter) = screen.filter() {
        return format!("No row matches \"{filter}\". / changes the filter; Esc in it clears.");
    }
    let users = scan_lines::thousands(scan.users_seen);
    match screen.tab() {
        Tab::Passwords => format!(
            "No password expires: none of the {users} users scanned is under a policy with a maximum age."
        ),
        Tab::Contractors => {
            format!("No contractor has a contract end date among the {users} users scanned.")
        }
    }
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(screen) = app.visible_expiries() else {
        return;
    };
    let layout = layout(area, app, screen);
    if screen.is_editing_filter() {
        render_filter_input(frame, layout.filter, screen, theme);
    }
    if layout.pane.height > 0 {
        render_pane(frame, layout.pane, app, screen, theme);
    }
    if layout.detail.height > 0 {
        render_detail(frame, layout.detail, app, screen, theme);
    }
}

fn render_pane(frame: &mut Frame, area: Rect, app: &App, screen: &ExpiriesView, theme: &Theme) {
    let rows = body_rows(area, app, screen);
    let block = Block::bordered()
        .border_style(theme.border)
        .title(title(screen, rows, theme))
        .title_bottom(Line::styled(" Tab/Shift-Tab or 1/2: tabs ", theme.dim).right_aligned());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let info = scan_lines::lines(app, screen, usize::from(inner.width), theme);
    let info_height = u16::try_from(info.len()).unwrap_or(u16::MAX);
    let [info_area, body] = inner.layout(&Layout::vertical([
        Constraint::Length(info_height),
        Constraint::Min(0),
    ]));
    frame.render_widget(Paragraph::new(inert::lines(info)), info_area);
    if screen.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(empty_message(app, screen), theme.dim))
                .alignment(HorizontalAlignment::Center)
                .wrap(Wrap { trim: true })
                .block(Block::default().padding(Padding::top(1))),
            body,
        );
        return;
    }
    let offset = screen.offset(rows);
    let lines = match screen.tab() {
        Tab::Passwords => passwords::lines(app, screen, offset, rows, body.width, theme),
        Tab::Contractors => contractors::lines(app, screen, offset, rows, body.width, theme),
    };
    frame.render_widget(Paragraph::new(lines), body);
}

fn render_detail(frame: &mut Frame, area: Rect, app: &App, screen: &ExpiriesView, theme: &Theme) {
    let Some(lines) = detail_lines(app, screen, area.width, theme) else {
        return;
    };
    let who = screen
        .selected_user()
        .map(|u| format!(" {} ", inert(&u.label)))
        .unwrap_or_default();
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Span::styled(format!(" Detail ·{who}"), theme.block_title))
        .title_bottom(
            Line::styled(
                if app.options.read_only {
                    " Enter/Esc close · o user "
                } else {
                    " Enter/Esc close · o user · r reset link "
                },
                theme.dim,
            )
            .right_aligned(),
        )
        .padding(Padding::horizontal(1));
    frame.render_widget(Paragraph::new(inert::lines(lines)).block(block), area);
}

/// The one-line filter editor under the pane while typing.
fn render_filter_input(frame: &mut Frame, area: Rect, screen: &ExpiriesView, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let prompt_width = u16::try_from(FILTER_PROMPT.chars().count()).unwrap_or(0);
    let [prompt, text] = area.layout(&Layout::horizontal([
        Constraint::Length(prompt_width),
        Constraint::Fill(1),
    ]));
    frame.render_widget(
        Paragraph::new(Span::styled(FILTER_PROMPT, theme.key)),
        prompt,
    );
    super::text_input(frame, text, screen.filter_input(), theme.filter);
}
