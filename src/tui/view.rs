//! Drawing: a pure function of [`App`]. No I/O and no clock reads (times come from `app.now`).
//!
//! ```text
//!  accessdesk · acme.okta.com  SIMULATOR                    2026-03-02 14:03:27 UTC   title      1
//!  ⚠ Possible password spraying: 7 lockouts from 203.0.113.9 (Moscow, Russia) …       banner  0..3
//! ┌ Lockouts (42) · filter "moscow" (7 of 42) ─────────────────────────────────────┐
//! │ When (UTC)        User             Reason      IP        Location   Client  × │
//! │▶ 12s ago 14:03:15 Ada Lovelace ada@…                                        ×3 │  table    fill
//! │  3m ago 14:00:02  …                                                            │
//! └────────────────────────────────────────────────────────────────────────────────┘
//!  Filter: moscow▏                                                                     filter   0/1
//! ┌ Directory · "moscow" ──────────────────────────────────────────────────────────┐  matches 0/3+
//! └────────────────────────────────────────────────────────────────────────────────┘
//! ┌ Lockout ───────────────────────────────┐┌ User ─────────────────────────────────┐
//! │ When, seen, kind, reason, IP, place,  ││ Name, status, type, department, title, │  detail  0/11
//! │ client, request id, repeats            ││ manager, last login, password changed  │  (Enter)
//! └────────────────────────────────────────┘└────────────────────────────────────────┘
//!  acme.okta.com · every 30s · polled 3s ago · rate 97/120 · 0 errors                  status      1
//!  IdP error: … — hint (3 failed polls in a row)                                        error     0/1
//!  ↑/k up  ↓/j down  Enter detail  / filter  ? help  q quit                             hints       1
//! ```
//!
//! The user screen (`o`, or Enter on a directory match) takes the place of the table and the
//! detail (its find-a-user box uses the filter and matches lines); the expiries screen (`e`)
//! takes the place of either (a user screen opened from it covers it in turn); the audit
//! screen (`a`) takes the place of any. In `demo` the training panel (F2) takes the right of everything between
//! the banner and the status bar. The burst list, the instructions overlay (`i`) and the help
//! overlay are drawn last, centred.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

use super::app::App;
use super::inert;
use super::panes::{
    audit, burst_banner, burst_list, detail, directory, expiries, help, instructions, lockouts,
    status_bar, title_bar, training, user_view, verify_dialog,
};
use super::theme::Theme;
use super::user_view::ProfileState;

pub const TITLE_HEIGHT: u16 = 1;
pub const FILTER_HEIGHT: u16 = 1;
pub const DETAIL_HEIGHT: u16 = 12;
/// The table keeps at least its borders, header and one row.
pub const TABLE_MIN_HEIGHT: u16 = 4;

/// The screen's vertical split: title, banner, table (or user screen), filter input,
/// directory matches, detail, status bar.
fn screen_constraints(app: &App) -> [Constraint; 7] {
    let feed = app.open_user_view().is_none() && app.audit().is_none() && app.expiries().is_none();
    let editing = app.is_editing_filter();
    [
        Constraint::Length(TITLE_HEIGHT),
        Constraint::Length(burst_banner::height(app)),
        Constraint::Min(TABLE_MIN_HEIGHT),
        Constraint::Length(if editing { FILTER_HEIGHT } else { 0 }),
        Constraint::Length(directory::height(app)),
        Constraint::Length(if feed && app.detail_open() {
            detail::height(app)
        } else {
            0
        }),
        Constraint::Length(status_bar::height(app)),
    ]
}

/// Where each part of the screen goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub title: Rect,
    pub banner: Rect,
    pub table: Rect,
    pub filter: Rect,
    pub directory: Rect,
    pub detail: Rect,
    pub status: Rect,
    /// Demo only: the training panel (zero-sized while it is closed).
    pub training: Rect,
}

pub fn areas(area: Rect, app: &App) -> Areas {
    let [
        title,
        banner,
        mut table,
        mut filter,
        mut directory,
        mut detail,
        status,
    ] = area.layout(&Layout::vertical(screen_constraints(app)));
    let mut training = Rect::new(area.x, table.y, 0, 0);
    if app.training().is_open() {
        let width = training::width(area.width);
        let bottom = status.y;
        training = Rect::new(
            area.right().saturating_sub(width),
            table.y,
            width,
            bottom.saturating_sub(table.y),
        );
        for part in [&mut table, &mut filter, &mut directory, &mut detail] {
            part.width = part.width.saturating_sub(width);
        }
    }
    Areas {
        title,
        banner,
        table,
        filter,
        directory,
        detail,
        status,
        training,
    }
}

/// How many lockout rows the table shows at the terminal size the app last heard of.
pub fn feed_rows(app: &App) -> usize {
    let (width, height) = app.size();
    lockouts::body_rows(areas(Rect::new(0, 0, width, height), app).table)
}

/// How many audit records the audit screen shows at the terminal size the app last heard of.
pub fn audit_rows(app: &App) -> usize {
    let (width, height) = app.size();
    let table = areas(Rect::new(0, 0, width, height), app).table;
    match app.audit() {
        Some(view) => audit::body_rows(audit::split(table, view).0),
        None => 0,
    }
}

/// How many lines of its open tab the expiries screen shows, at the terminal size the app
/// last heard of.
pub fn expiries_rows(app: &App) -> usize {
    let (width, height) = app.size();
    let table = areas(Rect::new(0, 0, width, height), app).table;
    match app.visible_expiries() {
        Some(screen) => expiries::body_rows(table, app, screen),
        None => 0,
    }
}

/// How many of the user screen's factors and activity rows show, at the terminal size the
/// app last heard of.
pub fn user_list_rows(app: &App) -> (usize, usize) {
    let (width, height) = app.size();
    let table = areas(Rect::new(0, 0, width, height), app).table;
    match app.open_profile() {
        Some(ProfileState::Loaded(profile)) => {
            let layout = user_view::layout(table, app, profile);
            (
                user_view::list_rows(layout.factors),
                user_view::list_rows(layout.activity),
            )
        }
        _ => (0, 0),
    }
}

/// Lines of help on screen.
pub fn help_rows(app: &App) -> usize {
    help::scroll_range(app).0
}

/// How far the help scrolls.
pub fn help_max_scroll(app: &App) -> usize {
    help::scroll_range(app).1
}

/// Draw the whole dashboard.
pub fn draw(frame: &mut Frame, app: &App) {
    let theme = Theme::new(app.options.color);
    let areas = areas(frame.area(), app);
    title_bar::render(frame, areas.title, app, &theme);
    burst_banner::render(frame, areas.banner, app, &theme);
    if app.audit().is_some() {
        audit::render(frame, areas.table, app, &theme);
    } else if app.visible_expiries().is_some() {
        expiries::render(frame, areas.table, app, &theme);
    } else if app.open_user_view().is_some() {
        user_view::render(frame, areas.table, app, &theme);
    } else {
        lockouts::render(frame, areas.table, app, &theme);
    }
    if app.is_editing_filter() {
        lockouts::render_filter_input(frame, areas.filter, app, &theme);
        directory::render(frame, areas.directory, app, &theme);
    }
    if areas.detail.height > 0 {
        detail::render(frame, areas.detail, app, &theme);
    }
    status_bar::render(frame, areas.status, app, &theme);
    if app.open_user_view().is_some() && app.audit().is_none() && app.visible_expiries().is_none() {
        verify_dialog::render(frame, areas.table, app, &theme);
    }
    if app.training().is_open() {
        training::render(frame, areas.training, app, &theme);
    }
    if app.burst_list().is_some() {
        burst_list::render(frame, frame.area(), app, &theme);
    }
    if app.picker().is_some() {
        instructions::render(frame, frame.area(), app, &theme);
    }
    if app.help_open() {
        help::render(frame, frame.area(), app, &theme);
    }
    // The panes show IdP text through `inert`; this catches whatever one forgot.
    inert::scrub_buffer(frame.buffer_mut());
}
