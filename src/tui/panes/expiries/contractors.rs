//! The Contractors tab: one group per manager (name, login, how many), its contractors under
//! it with the end date, the days left and the next digest; the group of contractors without
//! a manager on record first, in the warning colour: their digest cannot be sent.

use ratatui::style::Style;
use ratatui::text::Line;

use super::columns::{Need, plan};
use super::table::{self, Cell, MARKER_WIDTH, SPACING, widest};
use super::when;
use crate::model::{ContractorExpiryRow, UserStatus};
use crate::policy::schedule::next_digest;
use crate::tui::app::App;
use crate::tui::expiries::summary::contract_days_left;
use crate::tui::expiries::{ContractorLine, ExpiriesView, Group};
use crate::tui::format;
use crate::tui::panes::UNKNOWN;
use crate::tui::theme::Theme;

/// The no-manager group's line.
pub const NO_MANAGER: &str = "⚠ No manager on record — digest cannot be sent";
/// Contractors sit under their group's line.
const INDENT: &str = "  ";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Contractor,
    Status,
    Ends,
    Days,
    Digest,
    Department,
}

/// Kept as the width shrinks: who, the last day, the next digest, the days left.
const ESSENTIAL: [Column; 4] = [
    Column::Contractor,
    Column::Ends,
    Column::Digest,
    Column::Days,
];
/// Then, while they fit.
const OPTIONAL: [Column; 2] = [Column::Status, Column::Department];

struct Cells {
    name: String,
    login: String,
    status: UserStatus,
    ends: String,
    days: String,
    digest: String,
    digest_short: String,
    department: String,
    ended: bool,
}

fn cells(app: &App, row: &ContractorExpiryRow) -> Cells {
    let now = app.now;
    let rules = &app.options.schedule;
    let days = contract_days_left(row, now, rules.zone);
    let (digest, digest_short) = if row.has_manager_on_record() {
        match next_digest(row, rules, now) {
            Some(due) => (
                when::both(now, due.send_at, rules.zone, app.options.local_zone),
                when::short(due.send_at, rules.zone),
            ),
            None => (UNKNOWN.to_string(), UNKNOWN.to_string()),
        }
    } else {
        ("cannot be sent".to_string(), "none".to_string())
    };
    Cells {
        name: row.name.clone(),
        login: row.login.clone(),
        status: row.status.clone(),
        ends: format!(
            "{} ({})",
            when::date(now, row.ends_on),
            when::relative_days(days)
        ),
        days: days.to_string(),
        digest,
        digest_short,
        department: row.department.clone().unwrap_or_default(),
        ended: days < 0,
    }
}

fn needs(shown: &[&Cells]) -> Vec<Need<Column>> {
    let want = |f: fn(&Cells) -> &str, header: &str| {
        widest(shown.iter().map(|c| f(c)).chain(std::iter::once(header)))
    };
    let indent = u16::try_from(INDENT.len()).unwrap_or(0);
    let login = indent + widest(shown.iter().map(|c| c.login.as_str()));
    let name = widest(shown.iter().map(|c| c.name.as_str()));
    vec![
        Need::new(Column::Contractor, 20, login.max(10)).extra(name + 1),
        Need::new(Column::Status, 6, want(|c| c.status.as_str(), "Status")),
        Need::new(
            Column::Ends,
            want(|c| &c.ends, "Last day"),
            want(|c| &c.ends, "Last day"),
        ),
        Need::new(Column::Days, 4, want(|c| &c.days, "Days")),
        Need::new(
            Column::Digest,
            want(|c| &c.digest_short, "Next digest"),
            want(|c| &c.digest, "Next digest"),
        )
        .whole(),
        Need::new(
            Column::Department,
            8,
            want(|c| &c.department, "Department").min(20),
        ),
    ]
}

fn header(column: Column) -> &'static str {
    match column {
        Column::Contractor => "Contractor",
        Column::Status => "Status",
        Column::Ends => "Last day",
        Column::Days => "Days",
        Column::Digest => "Next digest",
        Column::Department => "Department",
    }
}

/// `names`: the column is wide enough for every visible name and login (else logins only).
fn cell(column: Column, c: &Cells, width: u16, names: bool, theme: &Theme) -> Cell {
    let room = usize::from(width);
    match column {
        Column::Contractor if names => Cell::new(format!("{INDENT}{} {}", c.name, c.login)),
        Column::Contractor => {
            let login = format::elide_login(&c.login, room.saturating_sub(INDENT.len()));
            Cell::new(format!("{INDENT}{login}"))
        }
        Column::Status => Cell::styled(c.status.as_str(), theme.user_status(&c.status)),
        Column::Ends => Cell::new(c.ends.clone()),
        Column::Days => Cell::new(format!("{:>room$}", c.days)),
        Column::Digest if c.digest.chars().count() <= room => Cell::new(c.digest.clone()),
        Column::Digest => Cell::new(c.digest_short.clone()),
        Column::Department => Cell::new(c.department.clone()),
    }
}

/// "Grace Hopper · grace@acme.example · 3 contractors", or the no-manager warning.
pub fn group_text(group: &Group) -> String {
    let count = match group.count {
        1 => "1 contractor".to_string(),
        n => format!("{n} contractors"),
    };
    match (&group.manager_login, &group.manager_name) {
        (Some(login), Some(name)) => format!("{name} · {login} · {count}"),
        (Some(login), None) => format!("{login} · {count}"),
        _ => format!("{NO_MANAGER} · {count}"),
    }
}

/// The header and the lines from `offset`, `rows` of them, in `width` columns.
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
    let shown: Vec<(usize, &ContractorLine, Option<Cells>)> = screen
        .contractor_lines()
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(n, line)| {
            let cells = match line {
                ContractorLine::Contractor(i) => Some(cells(app, &scan.contractors[*i])),
                ContractorLine::Group(_) => None,
            };
            (n, line, cells)
        })
        .collect();
    let visible: Vec<&Cells> = shown.iter().filter_map(|(_, _, c)| c.as_ref()).collect();
    let widths = plan(
        width.saturating_sub(MARKER_WIDTH),
        SPACING,
        &needs(&visible),
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
    let who_width = widths
        .iter()
        .find(|(c, _)| *c == Column::Contractor)
        .map_or(0, |(_, w)| usize::from(*w));
    let names = visible
        .iter()
        .all(|c| INDENT.len() + c.name.chars().count() + 1 + c.login.chars().count() <= who_width);
    for (n, line, cells) in &shown {
        let selected = *n == screen.selected();
        match (line, cells) {
            (ContractorLine::Group(group), _) => {
                let style = if group.manager_login.is_some() {
                    theme.block_title
                } else {
                    theme.warn
                };
                out.push(table::spanning(group_text(group), false, width, style));
            }
            (ContractorLine::Contractor(_), Some(c)) => {
                let mut style = if c.ended {
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
            (ContractorLine::Contractor(_), None) => {}
        }
    }
    out
}
