//! The `?` overlay: the keys of the screen it was opened on, from the keymap table, grouped by
//! context, over a cleared box — and, over the feed, what each column means. It scrolls
//! (↑/↓/j/k, PgUp/PgDn, g/G); `/` closes it and searches from the screen below; any other key
//! closes it. Two columns when they fit, else one, wrapped to the width.

use crate::idp::Provider;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph};

use crate::policy::bursts::describe_window;
use crate::tui::app::App;
use crate::tui::format;
use crate::tui::keymap::{Context, bindings};
use crate::tui::theme::Theme;
use crate::tui::user_view::position;

const KEY_WIDTH: usize = 9;
/// Space between the two columns.
const GUTTER: usize = 3;
/// Borders and padding around the text.
const FRAME: u16 = 4;

/// The groups shown over a screen: the left column (the long descriptions) and the right.
fn groups(screen: Context) -> (&'static [Context], &'static [Context]) {
    const TAIL: [Context; 2] = [Context::Help, Context::Global];
    match screen {
        Context::User | Context::Find => (
            &[Context::User, Context::Find],
            &[
                Context::Instructions,
                Context::DialogKeys,
                Context::Training,
                Context::Demo,
                Context::Help,
                Context::Global,
            ],
        ),
        // In the dialog: the focus's own keys, then those it shares.
        Context::DialogChooser => (&[Context::DialogChooser], &TAIL),
        Context::DialogChecklist => (&[Context::DialogChecklist, Context::DialogKeys], &TAIL),
        Context::DialogTicketPick => (&[Context::DialogTicketPick, Context::DialogKeys], &TAIL),
        Context::DialogConfirm => (&[Context::DialogConfirm, Context::DialogKeys], &TAIL),
        Context::DialogDone => (&[Context::DialogDone, Context::DialogKeys], &TAIL),
        Context::DialogField | Context::DialogCode | Context::DialogTextKeys => (
            &[Context::DialogField, Context::DialogCode],
            &[Context::DialogTextKeys, Context::Global],
        ),
        Context::DialogKeys => (&[Context::DialogKeys], &TAIL),
        Context::DialogEscalate | Context::DialogBusy | Context::QuitConfirm => (
            &[Context::DialogEscalate, Context::DialogBusy],
            &[Context::QuitConfirm, Context::Global],
        ),
        Context::Audit | Context::AuditFilter => (&[Context::Audit, Context::AuditFilter], &TAIL),
        Context::Expiries | Context::ExpiriesFilter => {
            (&[Context::Expiries, Context::ExpiriesFilter], &TAIL)
        }
        _ => (
            &[Context::Feed, Context::Filter],
            &[
                Context::Instructions,
                Context::Results,
                Context::Bursts,
                Context::Training,
                Context::Demo,
                Context::Help,
                Context::Global,
            ],
        ),
    }
}

/// What the feed's columns and marks mean.
const COLUMNS: [(&str, &str); 10] = [
    (
        "⚠",
        "The lockout comes from an IP that is spraying now (the banner counts them; b lists them)",
    ),
    (
        "⚑",
        "The user answered \"This wasn't me\" to a notice: treat it as an attack (Enter: when)",
    ),
    (
        "When",
        "How long ago the IdP logged it, and the time in UTC (only the first on narrow screens)",
    ),
    (
        "User",
        "The login (cut in the middle when narrow, the domain kept) and the name; └ marks an older lockout of the user above",
    ),
    (
        "Reason",
        "Why the IdP locked the account or refused the sign-in",
    ),
    ("IP", "Where the attempt came from"),
    ("Location", "The city and country of that IP"),
    (
        "Client",
        "Browser and operating system (or the raw user agent)",
    ),
    (
        "Since",
        "What happened after the lockout: ✓ done here (when, by whom, the audit record), ⚠ escalated, ✗ failed; \"still locked\" or \"now ACTIVE\" when the IdP said so on a fetch after it; empty when nothing is known",
    ),
    (
        "×",
        "Lockouts of this user the filter keeps, in one row (▾: listed below the row; x expands or folds)",
    ),
];

/// `text` after a `KEY_WIDTH` key column, wrapped to `width` with a hanging indent.
fn described(
    key: &str,
    text: &str,
    width: Option<usize>,
    key_style: ratatui::style::Style,
) -> Vec<Line<'static>> {
    let indent = 2 + KEY_WIDTH;
    let wrapped = match width {
        Some(w) => format::wrap(text, w.saturating_sub(indent).max(10)),
        None => vec![text.to_string()],
    };
    // A key too wide for its column ("any other key") gets a line of its own.
    let own_line = key.chars().count() >= KEY_WIDTH;
    let first = (own_line).then(|| {
        Line::from(vec![
            Span::raw("  "),
            Span::styled(key.to_string(), key_style),
        ])
    });
    first
        .into_iter()
        .chain(wrapped.into_iter().enumerate().map(|(n, part)| {
            let key = if n == 0 && !own_line { key } else { "" };
            Line::from(vec![
                Span::raw("  "),
                Span::styled(format!("{key:<KEY_WIDTH$}"), key_style),
                Span::raw(part),
            ])
        }))
        .collect()
}

fn group_lines(
    app: &App,
    contexts: &[Context],
    width: Option<usize>,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let demo = app.options.training.is_some();
    let mut lines = Vec::new();
    for &context in contexts {
        if matches!(context, Context::Demo | Context::Training) && !demo {
            continue;
        }
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::from(Span::styled(context.title(), theme.header)));
        for binding in bindings(context) {
            // The keymap speaks Okta's words; the help names this provider's push app.
            let mut text = binding
                .description
                .replace(Provider::Okta.push_app(), app.provider().push_app());
            if binding.action.writes() && app.options.read_only {
                text.push_str(" — off: read-only mode");
            }
            lines.extend(described(binding.label, &text, width, theme.key));
        }
    }
    lines
}

/// What the expiries screen's columns mean.
const EXPIRY_COLUMNS: [(&str, &str); 7] = [
    (
        "Expires",
        "passwordChanged + the maxAgeDays of the policy that applies, in your zone, and how long until (or since); expired users come first, marked",
    ),
    ("Days", "Whole days left (negative once expired)"),
    (
        "Stage",
        "The latest reminder stage whose time has passed (days before expiry); — before the first; \"expired notice\" after expiry",
    ),
    (
        "Next",
        "When the next reminder (or digest) goes, in the rules' zone (PST/PDT) · your zone",
    ),
    (
        "Last day",
        "A contract's last day and the calendar days to it in the rules' zone",
    ),
    (
        "Groups",
        "Contractors under their manager; ⚠ first: no manager on record, so no digest can be sent",
    ),
    (
        "Data",
        "How old the scan is; while a scan runs, its progress (also in the status bar on every screen)",
    ),
];

fn expiry_column_lines(width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::raw(""),
        Line::from(Span::styled("Expiries columns", theme.header)),
    ];
    for (column, meaning) in EXPIRY_COLUMNS {
        lines.extend(described(column, meaning, Some(width), theme.label));
    }
    lines
}

fn column_lines(width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::raw(""),
        Line::from(Span::styled("Feed columns", theme.header)),
    ];
    for (column, meaning) in COLUMNS {
        lines.extend(described(column, meaning, Some(width), theme.label));
    }
    lines
}

/// Everything the help says over the current screen, for a text `width`.
pub fn content(app: &App, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let screen = app.screen_context();
    let (left, right) = groups(screen);
    let left_natural = group_lines(app, left, None, theme);
    let right_natural = group_lines(app, right, None, theme);
    let left_width = left_natural.iter().map(Line::width).max().unwrap_or(0) + GUTTER;
    let right_width = right_natural.iter().map(Line::width).max().unwrap_or(0);
    let mut lines: Vec<Line<'static>> = if left_width + right_width <= width {
        let rows = left_natural.len().max(right_natural.len());
        let mut left = left_natural.into_iter();
        let mut right = right_natural.into_iter();
        (0..rows)
            .map(|_| {
                let mut line = left.next().unwrap_or_default();
                if let Some(other) = right.next() {
                    let pad = left_width - line.width();
                    line.spans.push(Span::raw(" ".repeat(pad)));
                    line.spans.extend(other.spans);
                }
                line
            })
            .collect()
    } else {
        let mut lines = group_lines(app, left, Some(width), theme);
        lines.push(Line::raw(""));
        lines.extend(group_lines(app, right, Some(width), theme));
        lines
    };
    let text_width = lines
        .iter()
        .map(Line::width)
        .max()
        .unwrap_or(width)
        .min(width);
    let expiries = matches!(screen, Context::Expiries | Context::ExpiriesFilter);
    if expiries {
        lines.extend(expiry_column_lines(text_width, theme));
    } else if !matches!(
        screen,
        Context::User | Context::Find | Context::Audit | Context::AuditFilter
    ) && !Context::DIALOG.contains(&screen)
    {
        lines.extend(column_lines(text_width, theme));
    }
    let rules = &app.options.bursts;
    lines.push(Line::raw(""));
    let note = if expiries {
        let schedule = &app.options.schedule;
        format!(
            "Times are in the rules' zone ({}) and yours ({}). Password reminders at {}, digests at {}.",
            schedule.zone.name(),
            app.options.local_zone.name(),
            schedule.password_send_at.format("%H:%M"),
            schedule.digest_send_at.format("%H:%M"),
        )
    } else {
        format!(
            "Times are UTC. Burst warning: {} lockouts from one IP in {}, or {} in a minute.",
            rules.per_ip_threshold,
            describe_window(rules.per_ip_window),
            rules.per_minute_threshold
        )
    };
    lines.extend(
        format::wrap(&note, text_width)
            .into_iter()
            .map(|l| Line::styled(l, theme.dim)),
    );
    lines
}

/// The box over `area` and the lines in it.
fn popup(area: Rect, app: &App, theme: &Theme) -> (Rect, Vec<Line<'static>>) {
    let lines = content(app, usize::from(area.width.saturating_sub(FRAME)), theme);
    let width = lines.iter().map(Line::width).max().unwrap_or(0) as u16 + FRAME;
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let rect = area.centered(
        Constraint::Length(width.min(area.width)),
        Constraint::Length(height.min(area.height)),
    );
    (rect, lines)
}

/// Lines of help on screen and how far it can scroll, at the terminal size the app last heard
/// of.
pub fn scroll_range(app: &App) -> (usize, usize) {
    let (w, h) = app.size();
    let (rect, lines) = popup(Rect::new(0, 0, w, h), app, &Theme::new(false));
    let visible = usize::from(rect.height.saturating_sub(2));
    (visible, lines.len().saturating_sub(visible))
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let (rect, lines) = popup(area, app, theme);
    let visible = usize::from(rect.height.saturating_sub(2));
    let offset = app.help_scroll().min(lines.len().saturating_sub(visible));
    let bottom = if lines.len() > visible {
        format!(
            " {} · j/k PgUp/PgDn scroll · / search · any other key closes ",
            position(offset, visible, lines.len())
        )
    } else {
        " / search · any other key closes ".to_string()
    };
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Span::styled(" Keys ", theme.block_title))
        .title_bottom(Line::styled(bottom, theme.dim).right_aligned());
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((u16::try_from(offset).unwrap_or(u16::MAX), 0))
            .block(block.padding(Padding::horizontal(1))),
        rect,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_context_is_in_the_help_of_some_screen() {
        let shown: Vec<Context> = [
            Context::Feed,
            Context::User,
            Context::Audit,
            Context::Expiries,
        ]
        .into_iter()
        .chain(Context::DIALOG)
        .flat_map(|screen| {
            let (left, right) = groups(screen);
            left.iter().chain(right).copied().collect::<Vec<_>>()
        })
        .collect();
        for context in Context::ALL {
            assert!(shown.contains(&context), "{context:?} is in no help");
        }
    }
}
