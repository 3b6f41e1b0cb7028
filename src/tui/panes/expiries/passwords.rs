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

/// Kept as the width shrinks: who, when, the state, what comes next and the stage reached.
const ESSENTIAL: [Column; 5] = [
    Column::User,
    Column::Expires,
    Column::Status,
    Column::Next,
    Column::Stage,
];
/// Then, while they fit.
const OPTIONAL: [Column; 2] = [Column::Policy, Column::Days];

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
            let stage = d
                .stage
                .map_or_else(|| UNKNOWN.to_string(), |s| format!("{s} d"));
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
            // The relative time tells the year apart: the short form leaves it out.
            let day = at.with_timezone(&local).format("%b %-d");
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
            |d| when::short(d.send_at, rules.zone),
        ),
        expired: row.is_expired(now),
    }
}

fn needs(shown: &[&Cells]) -> Vec<Need<Column>> {
    let want = |f: fn(&Cells) -> &str, header: &str| {
        widest(shown.iter().map(|c| f(c)).chain(std::iter::once(header)))
    };
    let login = want(|c| &c.login, "User");
    let name = widest(shown.iter().map(|c| c.name.as_str()));
    vec![
        Need::new(Column::User, 18, login).extra(name + 1),
        Need::new(
            Column::Status,
            want(|c| short_status(&c.status), "Status"),
            want(|c| c.status.as_str(), "Status"),
        )
        .whole(),
        Need::new(
            Column::Expires,
            want(|c| &c.expires_short, "Expires"),
            want(|c| &c.expires, "Expires"),
        )
        .whole(),
        Need::new(Column::Days, 4, want(|c| &c.days, "Days")),
        Need::new(Column::Policy, 8, want(|c| &c.policy, "Policy").min(24)),
        Need::new(
            Column::Stage,
            want(|c| &c.stage_short, "Stage"),
            want(|c| &c.stage, "Stage"),
        )
        .whole(),
        Need::new(
            Column::Next,
            want(|c| &c.next_short, "Next reminder"),
            want(|c| &c.next, "Next reminder"),
        )
        .whole(),
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

/// `names`: the column is wide enough for every visible name and login (else logins only).
fn cell(column: Column, c: &Cells, width: u16, names: bool, theme: &Theme) -> Cell {
    match column {
        Column::User if names => Cell::new(format!("{} {}", c.name, c.login)),
        Column::User => Cell::new(format::elide_login(&c.login, usize::from(width))),
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
    let widths = plan(
        width.saturating_sub(MARKER_WIDTH),
        SPACING,
        &needs,
        &ESSENTIAL,
        &OPTIONAL,
    );
    let mut out = vec![table::line(
        widths
            .iter()
            .map(|&(c, w)| (Cell::new(header(c)), w))
            .collect(),
        false,
        theme.header,
    )];
    let user_width = widths
        .iter()
        .find(|(c, _)| *c == Column::User)
        .map_or(0, |(_, w)| usize::from(*w));
    let names = visible
        .iter()
        .all(|c| c.name.chars().count() + 1 + c.login.chars().count() <= user_width);
    for (line, c) in &shown {
        let selected = *line == screen.selected();
        let mut style = if c.expired {
            theme.repeat
        } else {
            Style::default()
        };
        if selected {
            style = style.patch(theme.selected);
        }
        out.push(table::line(
            widths
                .iter()
                .map(|&(column, w)| (cell(column, c, w, names, theme), w))
                .collect(),
            selected,
            style,
        ));
    }
    out
}
