//! The Passwords tab: one line per user whose password expires, expired users first and
//! marked; the reminder stage reached and the next reminder due, from the schedule.

use ratatui::style::Style;
use ratatui::text::Line;

use super::columns::{Need, plan};
use super::table::{self, Cell, MARKER_WIDTH, SPACING, widest};
use super::when;
use crate::model::{ExpiryScan, PasswordExpiryRow, UserStatus};
use crate::policy::schedule::{Due, ReminderKind, current_stage, next_password_reminder};
use crate::tui::app::App;
use crate::tui::expiries::ExpiriesView;
use crate::tui::expiries::schedule::{NO_HISTORY, cycle};
use crate::tui::format;
use crate::tui::panes::UNKNOWN;
use crate::tui::theme::Theme;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    User,
    Status,
    Expires,
    Days,
    Policy,
    Stage,
    Next,
}

/// Kept from first to last as the width shrinks: who, when, what state, what comes next.
const KEEP: [Column; 7] = [
    Column::User,
    Column::Expires,
    Column::Status,
    Column::Next,
    Column::Stage,
    Column::Policy,
    Column::Days,
];

/// A row's cells in their long and short forms.
struct Cells {
    name: String,
    login: String,
    status: UserStatus,
    expires: String,
    expires_short: String,
    days: String,
    policy: String,
    stage: String,
    stage_short: String,
    next: String,
    next_short: String,
    expired: bool,
}

/// "PW EXPIRED" where "PASSWORD_EXPIRED" does not fit.
fn short_status(status: &UserStatus) -> &str {
    match status {
        UserStatus::PasswordExpired => "PW EXPIRED",
        UserStatus::LockedOut => "LOCKED",
        UserStatus::Deprovisioned => "DEPROV",
        other => other.as_str(),
    }
}

/// "—" before the first reminder, "7 d" for a stage, "expired notice" after expiry.
pub fn stage_text(due: Option<&Due>) -> (String, String) {
    match due {
        None => (UNKNOWN.to_string(), UNKNOWN.to_string()),
        Some(d) if d.kind == ReminderKind::PasswordExpired => {
            ("expired notice".to_string(), "expired".to_string())
        }
        Some(d) => {
            let stage = d.stage.map_or_else(|| UNKNOWN.to_string(), |s| format!("{s} d"));
            (stage.clone(), stage)
        }
    }
}

fn cells(app: &App, scan: &ExpiryScan, row: &PasswordExpiryRow) -> Cells {
    let now = app.now;
    let rules = &app.options.schedule;
    let local = app.options.local_zone;
    let cycle = cycle(row, scan, now, &NO_HISTORY);
    let (stage, stage_short) = stage_text(current_stage(&cycle, rules, now).as_ref());
    let next = next_password_reminder(&cycle, rules, now);
    let (expires, expires_short, days) = match row.expires_at {
        Some(at) => {
            let relative = when::relative(now, at);
            let day = when::date(now, at.with_timezone(&local).date_naive());
            (
                format!("{} ({relative})", when::local(now, at, local)),
                format!("{day} ({relative})"),
                (at - now).num_days().to_string(),
            )
        }
        None => (
            "expired (no date)".to_string(),
            "expired".to_string(),
            UNKNOWN.to_string(),
        ),
    };
    Cells {
        name: row.name.clone(),
        login: row.login.clone(),
        status: row.status.clone(),
        expires,
        expires_short,
        days,
        policy: row.policy_name.clone(),
        stage,
        stage_short,
        next: next.as_ref().map_or_else(
            || UNKNOWN.to_string(),
            |d| when::both(now, d.send_at, rules.zone, local),
        ),
        next_short: next.as_ref().map_or_else(
            || UNKNOWN.to_string(),
            |d| when::zoned(now, d.send_at, rules.zone),
        ),
        expired: row.is_expired(now),
    }
}

fn needs(shown: &[&Cells]) -> Vec<Need<Column>> {
    let want = |f: fn(&Cells) -> &str, header: &str| {
        widest(shown.iter().map(|c| f(c)).chain(std::iter::once(header)))
    };
    let user = shown
        .iter()
        .map(|c| c.name.chars().count() + 1 + c.login.chars().count())
        .max()
        .unwrap_or(4);
    let n = |column, min: u16, want: u16| Need {
        column,
        min: min.min(want.max(1)),
        want,
    };
    vec![
        n(Column::User, 18, u16::try_from(user).unwrap_or(u16::MAX)),
        n(Column::Status, 8, want(|c| c.status.as_str(), "Status")),
        n(Column::Expires, want(|c| &c.expires_short, "Expires"), want(|c| &c.expires, "Expires")),
        n(Column::Days, 4, want(|c| &c.days, "Days")),
        n(Column::Policy, 8, want(|c| &c.policy, "Policy").min(24)),
        n(Column::Stage, want(|c| &c.stage_short, "Stage"), want(|c| &c.stage, "Stage")),
        n(Column::Next, want(|c| &c.next_short, "Next reminder"), want(|c| &c.next, "Next reminder")),
    ]
}

fn header(column: Column) -> &'static str {
    match column {
        Column::User => "User",
        Column::Status => "Status",
        Column::Expires => "Expires",
        Column::Days => "Days",
        Column::Policy => "Policy",
        Column::Stage => "Stage",
        Column::Next => "Next reminder",
    }
}

/// The long form where it fits, else the short one.
fn pick(long: &str, short: &str, width: u16) -> String {
    if long.chars().count() <= usize::from(width) {
        long.to_string()
    } else {
        short.to_string()
    }
}

fn cell(column: Column, c: &Cells, width: u16, theme: &Theme) -> Cell {
    match column {
        Column::User => {
            let both = c.name.chars().count() + 1 + c.login.chars().count();
            if both <= usize::from(width) {
                Cell::new(format!("{} {}", c.name, c.login))
            } else {
                Cell::new(format::elide_login(&c.login, usize::from(width)))
            }
        }
        Column::Status => Cell::styled(
            pick(c.status.as_str(), short_status(&c.status), width),
            theme.user_status(&c.status),
        ),
        Column::Expires => Cell::new(pick(&c.expires, &c.expires_short, width)),
        Column::Days => Cell::new(format!("{:>w$}", c.days, w = usize::from(width))),
        Column::Policy => Cell::new(c.policy.clone()),
        Column::Stage => Cell::new(pick(&c.stage, &c.stage_short, width)),
        Column::Next => Cell::new(pick(&c.next, &c.next_short, width)),
    }
}

/// The header and the rows from `offset`, `rows` of them, in `width` columns.
pub fn lines(
    app: &App,
    screen: &ExpiriesView,
    offset: usize,
    rows: usize,
    width: u16,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let Some(scan) = screen.scan() else {
        return Vec::new();
    };
    let shown: Vec<(usize, Cells)> = screen
        .password_rows()
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(line, &i)| (line, cells(app, scan, &scan.passwords[i])))
        .collect();
    let visible: Vec<&Cells> = shown.iter().map(|(_, c)| c).collect();
    let needs = needs(&visible);
    let widths = plan(width.saturating_sub(MARKER_WIDTH), SPACING, &needs, &KEEP);
    let mut out = vec![table::line(
        widths
            .iter()
            .map(|&(c, w)| (Cell::new(header(c)), w))
            .collect(),
        false,
        theme.header,
    )];
    for (line, c) in &shown {
        let selected = *line == screen.selected();
        let mut style = if c.expired { theme.repeat } else { Style::default() };
        if selected {
            style = style.patch(theme.selected);
        }
        out.push(table::line(
            widths
                .iter()
                .map(|&(column, w)| (cell(column, c, w, theme), w))
                .collect(),
            selected,
            style,
        ));
    }
    out
}
