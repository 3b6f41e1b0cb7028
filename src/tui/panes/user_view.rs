//! The user screen, opened with `o` or from a directory match: the diagnosis first, then the
//! profile, the enrolled factors and the last 24 hours of activity. It replaces the feed. The
//! factors and the activity scroll (the focused one is marked ▸ and says which rows show).

use crate::tui::inert::{self, inert};
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Padding, Paragraph, Row, Table, Wrap};

use super::{UNKNOWN, field, or_unknown};
use crate::model::{ActivityEvent, Factor, User};
use crate::policy::diagnosis::{Fix, diagnose};
use crate::services::user_profile::UserProfile;
use crate::tui::app::App;
use crate::tui::format;
use crate::tui::keymap::{self, Action, Context};
use crate::tui::theme::Theme;
use crate::tui::user_view::{OpenUser, ProfileState, UserPane, position};

const LABEL_WIDTH: usize = 11;
/// The diagnosis takes at most this many lines.
const MAX_DIAGNOSIS_LINES: usize = 2;
/// Seven fields a side, plus the borders.
const USER_BLOCK_HEIGHT: u16 = 9;
const USER_COLUMNS: [Constraint; 2] = [Constraint::Percentage(50), Constraint::Percentage(50)];

const FACTOR_HEADER: [&str; 6] = [
    "Type",
    "Provider",
    "Device / contact",
    "Status",
    "Enrolled",
    "Updated",
];
const FACTOR_COLUMNS: [Constraint; 6] = [
    Constraint::Length(22),
    Constraint::Length(8),
    Constraint::Fill(1),
    Constraint::Length(10),
    Constraint::Length(10),
    Constraint::Length(10),
];

const ACTIVITY_HEADER: [&str; 5] = ["Time (UTC)", "Event", "Result", "IP", "Location"];
const ACTIVITY_COLUMNS: [Constraint; 5] = [
    Constraint::Length(18),
    Constraint::Fill(2),
    Constraint::Length(30),
    Constraint::Length(15),
    Constraint::Fill(1),
];

fn when(now: DateTime<Utc>, t: Option<DateTime<Utc>>) -> String {
    t.map_or_else(|| "never".to_string(), |t| format::date_time_ago(now, t))
}

fn date(t: Option<DateTime<Utc>>) -> String {
    t.map_or_else(|| UNKNOWN.to_string(), |t| t.format("%Y-%m-%d").to_string())
}

/// "2026-12-01 (in 8 days) · Default Policy", "expired 3 days ago · …", or "never".
fn password_expiry(now: DateTime<Utc>, profile: &UserProfile) -> String {
    let Some(at) = profile.password_expires_at else {
        return "never".to_string();
    };
    match &profile.password_policy {
        Some(policy) => format!("{} · {policy}", format::expiry(now, at)),
        None => format::expiry(now, at),
    }
}

fn identity_lines<'a>(user: &'a User, theme: &Theme) -> Vec<Line<'a>> {
    let text = |value: Option<&'a str>| Span::raw(or_unknown(value));
    let (w, l) = (LABEL_WIDTH, theme.label);
    vec![
        field("Name", w, Span::raw(user.name()), l),
        field("Login", w, Span::raw(user.login.as_str()), l),
        field("Email", w, text(user.email.as_deref()), l),
        field(
            "Status",
            w,
            Span::styled(user.status.as_str(), theme.user_status(&user.status)),
            l,
        ),
        field("Department", w, text(user.department.as_deref()), l),
        field("Title", w, text(user.title.as_deref()), l),
        field("User type", w, text(user.user_type.as_deref()), l),
    ]
}

fn history_lines<'a>(now: DateTime<Utc>, profile: &'a UserProfile, theme: &Theme) -> Vec<Line<'a>> {
    let user = &profile.user;
    let (w, l) = (LABEL_WIDTH, theme.label);
    let mut lines = vec![
        field(
            "Manager",
            w,
            Span::raw(or_unknown(user.manager.as_deref())),
            l,
        ),
        field("Created", w, Span::raw(when(now, user.created)), l),
        field("Last login", w, Span::raw(when(now, user.last_login)), l),
        field(
            "Password",
            w,
            Span::raw(match user.password_changed {
                Some(t) => format!("changed {}", format::date_time_ago(now, t)),
                None => "never changed".to_string(),
            }),
            l,
        ),
        field("Expires", w, Span::raw(password_expiry(now, profile)), l),
    ];
    // What the IdP sent that could not be read, where that detail would be.
    for note in &profile.unreadable {
        lines.push(field(
            "Not read",
            w,
            Span::styled(format!("⚠ {note}"), theme.warn),
            l,
        ));
    }
    if let Some(end) = user.contract_end_date {
        let days = (end - now.date_naive()).num_days();
        let left = match days {
            ..0 => format!("ended {} days ago", -days),
            0 => "ends today".to_string(),
            n => format!("in {n} days"),
        };
        lines.push(field(
            "Contract",
            w,
            Span::raw(format!("ends {end} ({left})")),
            l,
        ));
    }
    lines
}

fn render_user_block(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    profile: &UserProfile,
    theme: &Theme,
) {
    let block = Block::bordered()
        .border_style(theme.border)
        .padding(Padding::horizontal(1))
        .title(Line::from(vec![
            Span::styled(" User ", theme.block_title),
            Span::raw(format!("· {} ", inert(&profile.user.login))),
        ]));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [left, right] = inner.layout(&Layout::horizontal(USER_COLUMNS));
    frame.render_widget(
        Paragraph::new(inert::lines(identity_lines(&profile.user, theme))),
        left,
    );
    frame.render_widget(
        Paragraph::new(inert::lines(history_lines(app.now, profile, theme))),
        right,
    );
}

fn factor_row(factor: &Factor) -> Row<'static> {
    let device = factor
        .device_name
        .as_deref()
        .or(factor.contact.as_deref())
        .unwrap_or(UNKNOWN);
    Row::new([
        Cell::from(inert(factor.label()).into_owned()),
        Cell::from(inert(&factor.provider).into_owned()),
        Cell::from(inert(device).into_owned()),
        Cell::from(inert(&factor.status).into_owned()),
        Cell::from(date(factor.created)),
        Cell::from(date(factor.last_updated)),
    ])
}

/// Where the user screen's parts go, and the diagnosis lines that fit.
pub struct UserLayout {
    pub diagnosis: Vec<String>,
    pub diagnosis_area: Rect,
    pub user: Rect,
    pub factors: Rect,
    pub activity: Rect,
}

/// Table rows that fit in a list's area (less borders and header).
pub fn list_rows(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(3))
}

/// The diagnosis, the profile, then the factors and the activity sharing what is left: each
/// gets its rows when both fit, else the factors at most half (they scroll).
pub fn layout(area: Rect, app: &App, profile: &UserProfile) -> UserLayout {
    // The same profile the screen shows: the diagnosis never contradicts it.
    let found = diagnose(profile, &app.options.gate, app.options.read_only, app.now);
    let keys = fix_keys(&found.fixes);
    let text = if keys.is_empty() {
        found.text
    } else {
        format!("{}  ▸ {keys}", found.text)
    };
    let mut diagnosis = format::wrap(&inert(&text), usize::from(area.width.saturating_sub(2)));
    diagnosis.truncate(MAX_DIAGNOSIS_LINES);
    let diagnosis_height = u16::try_from(diagnosis.len()).unwrap_or(1);
    let lists = area
        .height
        .saturating_sub(diagnosis_height + USER_BLOCK_HEIGHT + 6);
    let wanted = |n: usize| u16::try_from(n.max(1)).unwrap_or(u16::MAX);
    let (factors, activity) = (
        wanted(profile.factors.len()),
        wanted(profile.activity.len()),
    );
    let factor_rows = if factors + activity <= lists {
        factors
    } else {
        factors
            .min((lists / 2).max(lists.saturating_sub(activity)))
            .max(1)
    };
    let [diagnosis_area, user, factors, activity] = area.layout(&Layout::vertical([
        Constraint::Length(diagnosis_height),
        Constraint::Length(USER_BLOCK_HEIGHT),
        Constraint::Length(3 + factor_rows),
        Constraint::Min(0),
    ]));
    UserLayout {
        diagnosis,
        diagnosis_area,
        user,
        factors,
        activity,
    }
}

/// A scrolled list's title: " ▸ Factors (6) · 1–3 of 6 " (▸ when it has the keys).
fn list_title(
    app: &App,
    pane: UserPane,
    name: String,
    offset: usize,
    visible: usize,
    rows: usize,
    theme: &Theme,
) -> Line<'static> {
    let focused = app.user_scroll().focus == pane;
    let mut spans = vec![Span::styled(
        format!(" {}{name} ", if focused { "▸ " } else { "" }),
        theme.block_title,
    )];
    if rows > visible {
        spans.push(Span::raw(format!("· {} ", position(offset, visible, rows))));
        spans.push(Span::styled(
            if focused {
                "· j/k scroll "
            } else {
                "· Tab to scroll "
            },
            theme.dim,
        ));
    }
    Line::from(spans)
}

fn list_border(app: &App, pane: UserPane, theme: &Theme) -> ratatui::style::Style {
    if app.user_scroll().focus == pane {
        theme.key
    } else {
        theme.border
    }
}

fn render_factors(frame: &mut Frame, area: Rect, app: &App, profile: &UserProfile, theme: &Theme) {
    let visible = list_rows(area);
    let rows = profile.factors.len();
    let offset = app
        .user_scroll()
        .factors
        .min(rows.saturating_sub(visible.max(1)));
    let block = Block::bordered()
        .border_style(list_border(app, UserPane::Factors, theme))
        .title(list_title(
            app,
            UserPane::Factors,
            format!("Factors ({rows})"),
            offset,
            visible,
            rows,
            theme,
        ));
    if profile.factors.is_empty() {
        frame.render_widget(
            Paragraph::new(vec![
                Line::raw(""),
                Line::styled(" No factors enrolled", theme.warn),
            ])
            .block(block),
            area,
        );
        return;
    }
    let table = Table::new(
        profile
            .factors
            .iter()
            .skip(offset)
            .take(visible)
            .map(factor_row),
        FACTOR_COLUMNS,
    )
    .header(Row::new(FACTOR_HEADER).style(theme.header))
    .column_spacing(1)
    .block(block);
    frame.render_widget(table, area);
}

fn result_text(event: &ActivityEvent) -> String {
    match (event.result.as_deref(), event.reason.as_deref()) {
        (Some(result), Some(reason)) => format!("{result} · {reason}"),
        (Some(one), None) | (None, Some(one)) => one.to_string(),
        (None, None) => UNKNOWN.to_string(),
    }
}

fn activity_row(now: DateTime<Utc>, event: &ActivityEvent) -> Row<'static> {
    Row::new([
        Cell::from(format!(
            "{} {:>8}",
            format::clock(event.published),
            format::relative(now, event.published)
        )),
        Cell::from(inert(&event.message).into_owned()),
        Cell::from(inert(&result_text(event)).into_owned()),
        Cell::from(or_unknown(event.ip.as_deref()).to_string()),
        Cell::from(or_unknown(event.location.as_deref()).to_string()),
    ])
}

fn render_activity(frame: &mut Frame, area: Rect, app: &App, profile: &UserProfile, theme: &Theme) {
    let visible = list_rows(area);
    let rows = profile.activity.len();
    let offset = app
        .user_scroll()
        .activity
        .min(rows.saturating_sub(visible.max(1)));
    let block = Block::bordered()
        .border_style(list_border(app, UserPane::Activity, theme))
        .title(list_title(
            app,
            UserPane::Activity,
            format!("Last 24 h ({rows}) · newest first"),
            offset,
            visible,
            rows,
            theme,
        ));
    if profile.activity.is_empty() {
        frame.render_widget(
            Paragraph::new(vec![
                Line::raw(""),
                Line::styled(" No activity in the last 24 hours", theme.dim),
            ])
            .block(block),
            area,
        );
        return;
    }
    // Only the rows that fit are built.
    let table = Table::new(
        profile
            .activity
            .iter()
            .skip(offset)
            .take(visible)
            .map(|e| activity_row(app.now, e)),
        ACTIVITY_COLUMNS,
    )
    .header(Row::new(ACTIVITY_HEADER).style(theme.header))
    .column_spacing(1)
    .block(block);
    frame.render_widget(table, area);
}

/// "v verify → u unlock": the suggested fixes as the keys that start them, from the keymap
/// (`diagnose` suggests none in read-only mode, where those keys only say they are off).
fn fix_keys(fixes: &[Fix]) -> String {
    let keys: Vec<String> = fixes
        .iter()
        .filter_map(|fix| {
            let action = match fix {
                Fix::VerifyCaller => Action::StartVerify,
                Fix::Unlock => Action::StartUnlock,
                Fix::ResetPassword => Action::StartResetPassword,
                Fix::ResetMfa => Action::StartResetMfa,
            };
            keymap::bindings(Context::User)
                .find(|b| b.action == action)
                .map(|b| format!("{} {}", b.label, b.hint.unwrap_or(fix.describe())))
        })
        .collect();
    keys.join(" → ")
}

fn render_loaded(frame: &mut Frame, area: Rect, app: &App, profile: &UserProfile, theme: &Theme) {
    let layout = layout(area, app, profile);
    let padding = usize::from(area.width.saturating_sub(1));
    let lines: Vec<Line> = layout
        .diagnosis
        .iter()
        .map(|line| Line::styled(format!(" {line:<padding$}"), theme.banner))
        .collect();
    frame.render_widget(Paragraph::new(lines), layout.diagnosis_area);
    render_user_block(frame, layout.user, app, profile, theme);
    render_factors(frame, layout.factors, app, profile, theme);
    render_activity(frame, layout.activity, app, profile, theme);
}

fn render_message(frame: &mut Frame, area: Rect, open: &OpenUser, lines: Vec<Line>, theme: &Theme) {
    let block = Block::bordered()
        .border_style(theme.border)
        .padding(Padding::horizontal(1))
        .title(Line::from(vec![
            Span::styled(" User ", theme.block_title),
            Span::raw(format!("· {} ", inert(&open.label))),
        ]));
    frame.render_widget(
        Paragraph::new(inert::lines(lines))
            .wrap(Wrap { trim: true })
            .block(block),
        area,
    );
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(open) = app.open_user_view() else {
        return;
    };
    match app.open_profile() {
        Some(ProfileState::Loaded(profile)) => render_loaded(frame, area, app, profile, theme),
        Some(ProfileState::Failed(error)) => render_message(
            frame,
            area,
            open,
            vec![
                Line::styled("Could not load the user:", theme.error),
                Line::from(error.as_str()),
                Line::styled("Press R to try again, Esc to go back.", theme.dim),
            ],
            theme,
        ),
        Some(ProfileState::Loading) | None => render_message(
            frame,
            area,
            open,
            vec![Line::from(format!("Loading {} from the IdP…", open.label))],
            theme,
        ),
    }
}
