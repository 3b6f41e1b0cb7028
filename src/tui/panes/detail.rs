//! The detail of the selected lockout (left) and its user (right), opened with Enter.

use crate::tui::inert::{self, inert};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph, Wrap};

use super::{field, or_unknown};
use crate::model::{Lockout, LockoutKind, User};
use crate::tui::app::{App, UserState, user_key};
use crate::tui::feed::marks::RowMark;
use crate::tui::format;
use crate::tui::keymap::{self, Context};
use crate::tui::notice_board::Notified;
use crate::tui::theme::Theme;

/// Lockout on the left, user on the right.
const DETAIL_COLUMNS: [Constraint; 2] = [Constraint::Percentage(50), Constraint::Percentage(50)];

const LABEL_WIDTH: usize = 10;
const USER_LABEL_WIDTH: usize = 12;

fn kind(kind: LockoutKind) -> &'static str {
    match kind {
        LockoutKind::AccountLocked => "account locked",
        LockoutKind::SignInWhileLocked => "sign-in while locked",
        LockoutKind::LockedFromNewDevices => "locked from new devices",
    }
}

/// What a lock of new devices only means for the call: the user is not LOCKED_OUT, so the
/// desk's unlock refuses them (Okta's Admin Console can still clear the lock).
pub const NEW_DEVICES_MEANING: [&str; 2] = [
    "user stays ACTIVE: known devices still sign in",
    "u refuses an ACTIVE user; Okta admin can clear",
];

fn full_location(lockout: &Lockout) -> String {
    let parts: Vec<&str> = [
        lockout.city.as_deref(),
        lockout.state.as_deref(),
        lockout.country.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.is_empty())
    .collect();
    if parts.is_empty() {
        super::UNKNOWN.to_string()
    } else {
        parts.join(", ")
    }
}

fn lockout_lines<'a>(app: &App, lockout: &'a Lockout, theme: &Theme) -> Vec<Line<'a>> {
    let published = lockout.published;
    let seen_after = (lockout.detected_at - published).num_seconds().max(0);
    let repeats = app.repeats(lockout);
    let mut lines = vec![
        field(
            "When",
            LABEL_WIDTH,
            Span::raw(format!(
                "{} ({})",
                format::clock_or_date(app.now, published),
                format::relative(app.now, published)
            )),
            theme.label,
        ),
        field(
            "Seen",
            LABEL_WIDTH,
            Span::raw(format!(
                "{}, {seen_after}s after the IdP logged it",
                format::clock(lockout.detected_at)
            )),
            theme.label,
        ),
        field(
            "Kind",
            LABEL_WIDTH,
            Span::raw(format!("{} · {}", kind(lockout.kind), lockout.event_type)),
            theme.label,
        ),
        field(
            "Reason",
            LABEL_WIDTH,
            Span::raw(lockout.reason.as_str()),
            theme.label,
        ),
    ];
    if lockout.kind == LockoutKind::LockedFromNewDevices {
        lines.push(field(
            "Means",
            LABEL_WIDTH,
            Span::styled(NEW_DEVICES_MEANING[0], theme.warn),
            theme.label,
        ));
        lines.push(field(
            "",
            LABEL_WIDTH,
            Span::styled(NEW_DEVICES_MEANING[1], theme.warn),
            theme.label,
        ));
    }
    lines.extend([
        field(
            "IP",
            LABEL_WIDTH,
            Span::raw(or_unknown(lockout.ip.as_deref())),
            theme.label,
        ),
        field(
            "Location",
            LABEL_WIDTH,
            Span::raw(full_location(lockout)),
            theme.label,
        ),
        field(
            "Client",
            LABEL_WIDTH,
            Span::raw(lockout.client().unwrap_or_else(|| super::UNKNOWN.into())),
            theme.label,
        ),
        field(
            "Request",
            LABEL_WIDTH,
            Span::raw(or_unknown(lockout.request_id.as_deref())),
            theme.label,
        ),
        field(
            "Repeats",
            LABEL_WIDTH,
            Span::raw(if repeats == 1 {
                "first lockout of this user in the feed".to_string()
            } else {
                format!("{repeats} lockouts of this user in the feed")
            }),
            theme.label,
        ),
        field(
            "Since",
            LABEL_WIDTH,
            since(app, lockout, theme),
            theme.label,
        ),
    ]);
    // What the outbox says, once it has been read.
    if app.notice_board().snapshot().is_some() {
        lines.push(field(
            "Notified",
            LABEL_WIDTH,
            notified(app, lockout, theme),
            theme.label,
        ));
    }
    if let Some(report) = app.notice_board().not_me(lockout.user_id.as_deref()) {
        lines.push(field(
            "Reported",
            LABEL_WIDTH,
            Span::styled(
                format!(
                    "⚑ \"This wasn't me\" {}: suspicious",
                    format::relative(app.now, report.at)
                ),
                theme.error,
            ),
            theme.label,
        ));
    }
    lines
}

/// The pane's height: the lockout's lines and borders, and the outbox's lines once it was
/// read.
pub fn height(app: &App) -> u16 {
    let board = app.notice_board();
    let reported = app
        .selected_lockout()
        .and_then(|l| board.not_me(l.user_id.as_deref()))
        .is_some();
    let new_devices = app
        .selected_lockout()
        .is_some_and(|l| l.kind == LockoutKind::LockedFromNewDevices);
    crate::tui::view::DETAIL_HEIGHT
        + u16::from(board.snapshot().is_some())
        + u16::from(reported)
        + 2 * u16::from(new_devices)
}

/// Whether and when the user heard of this lockout, and how many notices today's cap leaves.
fn notified(app: &App, lockout: &Lockout, theme: &Theme) -> Span<'static> {
    let board = app.notice_board();
    let cap = app.options.schedule.lockout_daily_cap;
    let left = match board.left_today(lockout, cap) {
        Some(n) => format!(" · {n} of {cap} left today"),
        None => String::new(),
    };
    let ago = |t| format::relative(app.now, t);
    match board.notified(lockout) {
        Notified::Sent(t) => Span::styled(format!("sent {}{left}", ago(t)), theme.done),
        Notified::Queued(t) => Span::raw(format!("queued for {}{left}", format::clock(t))),
        Notified::Failed(t) => Span::styled(format!("FAILED {}{left}", ago(t)), theme.error),
        Notified::No => Span::raw(format!("not yet{left}")),
        Notified::Unknown if lockout.user_id.is_some() => {
            Span::styled("reading the outbox…", theme.dim)
        }
        Notified::Unknown => Span::styled("not known (the event names no user id)", theme.dim),
    }
}

/// What happened since the lockout, with when it was learnt.
fn since(app: &App, lockout: &Lockout, theme: &Theme) -> Span<'static> {
    let mark = app.mark(lockout);
    match mark {
        RowMark::Handled(_) => Span::styled(mark.text(false), theme.done),
        RowMark::OnCall(claim) => Span::styled(
            format!(
                "{} (claim ends {} UTC)",
                mark.text(false),
                claim.expires_at.format("%H:%M")
            ),
            theme.warn,
        ),
        RowMark::StillLocked { checked }
        | RowMark::NewDevicesLocked { checked }
        | RowMark::NowStatus { checked, .. } => Span::raw(format!(
            "{} (checked {})",
            mark.text(false),
            format::clock(checked)
        )),
        RowMark::Unknown => Span::styled(
            "nothing known since the lockout (R fetches the user)",
            theme.dim,
        ),
    }
}

/// "Actions: u unlock · r reset link · m reset MFA · v verify", from the keymap: the letters
/// that start a dialog on this lockout's user, said where the agent is looking — shorter when
/// the frame is narrow ("u unlock · r reset link · …"), never cut.
pub fn actions_line(app: &App, width: usize) -> String {
    let keys: Vec<(&str, &str)> = keymap::bindings(Context::Feed)
        .filter(|b| b.action.writes() && app.offers(b.action))
        .filter_map(|b| b.hint.map(|hint| (b.label, hint)))
        .collect();
    if keys.is_empty() {
        return if app.options.read_only {
            " Read-only: no actions ".to_string()
        } else {
            String::new()
        };
    }
    let named = keys
        .iter()
        .map(|(key, hint)| format!("{key} {hint}"))
        .collect::<Vec<_>>()
        .join(" · ");
    let bare = keys
        .iter()
        .map(|(key, _)| *key)
        .collect::<Vec<_>>()
        .join(" · ");
    [
        format!(" Actions: {named} "),
        format!(" {named} "),
        format!(" Actions: {bare} "),
    ]
    .into_iter()
    .find(|line| line.chars().count() <= width)
    .unwrap_or_default()
}

fn when(app: &App, t: Option<chrono::DateTime<chrono::Utc>>) -> Span<'static> {
    Span::raw(t.map_or_else(
        || "never".to_string(),
        |t| format::date_time_ago(app.now, t),
    ))
}

fn user_lines<'a>(app: &App, user: &'a User, theme: &Theme) -> Vec<Line<'a>> {
    let text = |value: Option<&'a str>| Span::raw(or_unknown(value));
    let w = USER_LABEL_WIDTH;
    let l = theme.label;
    vec![
        field("Name", w, Span::raw(user.name()), l),
        field(
            "Status",
            w,
            Span::styled(user.status.as_str(), theme.user_status(&user.status)),
            l,
        ),
        field("User type", w, text(user.user_type.as_deref()), l),
        field("Department", w, text(user.department.as_deref()), l),
        field("Title", w, text(user.title.as_deref()), l),
        field("Manager", w, text(user.manager.as_deref()), l),
        field("Last login", w, when(app, user.last_login), l),
        field(
            "Password",
            w,
            {
                let mut span = when(app, user.password_changed);
                if user.password_changed.is_some() {
                    span.content = format!("changed {}", span.content).into();
                }
                span
            },
            l,
        ),
        field("Email", w, text(user.email.as_deref()), l),
    ]
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let [left, right] = area.layout(&Layout::horizontal(DETAIL_COLUMNS));
    let Some(lockout) = app.selected_lockout() else {
        let block = Block::bordered()
            .border_style(theme.border)
            .title(Span::styled(" Detail ", theme.block_title));
        frame.render_widget(
            Paragraph::new("No lockout selected yet: the detail follows the selection.")
                .style(theme.dim)
                .block(block),
            area,
        );
        return;
    };

    let event_block = Block::bordered()
        .border_style(theme.border)
        .padding(Padding::horizontal(1))
        .title(Span::styled(" Lockout ", theme.block_title))
        .title_bottom(Line::styled(
            actions_line(app, usize::from(left.width.saturating_sub(2))),
            theme.key,
        ));
    frame.render_widget(
        Paragraph::new(inert::lines(lockout_lines(app, lockout, theme))).block(event_block),
        left,
    );

    let user_block = Block::bordered()
        .border_style(theme.border)
        .padding(Padding::horizontal(1))
        .title(Line::from(vec![
            Span::styled(" User ", theme.block_title),
            Span::raw(format!("· {} ", inert(&lockout.login))),
        ]));
    let body = match app.user(lockout) {
        Some(UserState::Loaded(user)) => Paragraph::new(inert::lines(user_lines(app, user, theme))),
        Some(UserState::Loading) => Paragraph::new(vec![Line::from(format!(
            "Loading {} from the IdP…",
            inert(user_key(lockout))
        ))]),
        Some(UserState::Failed(error)) => Paragraph::new(vec![
            Line::styled("Could not load the user:", theme.error),
            Line::from(inert(error)),
            Line::styled("Press R to try again.", theme.dim),
        ])
        .wrap(Wrap { trim: true }),
        None => Paragraph::new(Line::styled("Press R to load the user.", theme.dim)),
    };
    frame.render_widget(body.block(user_block), right);
}
