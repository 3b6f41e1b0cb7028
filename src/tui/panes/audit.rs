//! The audit screen (`a`): the newest records of the local audit log in a table, whether the
//! hash chain holds and the `/` filter in the title, the filter input under the table while
//! typing, and the selected record in full underneath (Enter). Escalations stand out (⚠).

use crate::tui::inert::{self, inert};
use ratatui::Frame;
use ratatui::layout::{Constraint, HorizontalAlignment, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Cell, HighlightSpacing, Padding, Paragraph, Row, Table, TableState, Wrap,
};

use super::{field, or_unknown};
use crate::audit::{AuditRecord, describe_evidence};
use crate::tui::app::{App, scroll_offset};
use crate::tui::audit_view::{AuditSnapshot, AuditState, AuditView};
use crate::tui::format;
use crate::tui::theme::Theme;

/// Rows the record detail takes under the table.
pub const DETAIL_HEIGHT: u16 = 13;
const FILTER_PROMPT: &str = " Filter: ";
/// Marks a security escalation.
const ESCALATION_MARK: &str = "⚠";
const LABEL_WIDTH: usize = 12;

const HEADERS: [&str; 8] = [
    "#",
    "When (UTC)",
    "Agent",
    "Action",
    "User",
    "Ticket",
    "Evidence",
    "Outcome",
];
const WIDTHS: [Constraint; 8] = [
    Constraint::Length(5),
    Constraint::Length(14),
    Constraint::Max(12),
    Constraint::Length(14),
    Constraint::Fill(1),
    Constraint::Length(11),
    Constraint::Length(21),
    Constraint::Length(9),
];

/// Below this width the agent, ticket and evidence columns go (the detail shows them).
const NARROW_BELOW: u16 = 110;
const WIDE: [usize; 8] = [0, 1, 2, 3, 4, 5, 6, 7];
const NARROW: [usize; 5] = [0, 1, 3, 4, 7];

/// Which of the columns fit `width`.
fn columns(width: u16) -> &'static [usize] {
    if width < NARROW_BELOW { &NARROW } else { &WIDE }
}

/// The table's area, the filter input's and the detail's (empty when not shown).
fn layout(area: Rect, audit: &AuditView) -> [Rect; 3] {
    let detail = if audit.detail_open() {
        DETAIL_HEIGHT
    } else {
        0
    };
    area.layout(&Layout::vertical([
        Constraint::Min(4),
        Constraint::Length(u16::from(audit.is_editing_filter())),
        Constraint::Length(detail),
    ]))
}

/// The table's area and the detail's (empty when closed).
pub fn split(area: Rect, audit: &AuditView) -> (Rect, Rect) {
    let [table, _, detail] = layout(area, audit);
    (table, detail)
}

/// Table rows that fit in `area` (less borders and header).
pub fn body_rows(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(3))
}

fn title(audit: &AuditView, theme: &Theme, width: u16) -> Line<'static> {
    let mut spans = vec![Span::styled(" Audit log ", theme.block_title)];
    if let AuditState::Loaded(AuditSnapshot {
        total,
        chain,
        checked_before,
        ..
    }) = &audit.state
    {
        let loaded = audit.loaded_len() as u64;
        spans.push(Span::raw(if loaded < *total {
            format!("· newest {loaded} of {total} records ")
        } else {
            format!("· {total} record{} ", if *total == 1 { "" } else { "s" })
        }));
        if let Some(filter) = audit.filter() {
            spans.push(Span::raw("· filter "));
            spans.push(Span::styled(format!("\"{filter}\""), theme.filter));
            spans.push(Span::raw(match audit.len() {
                0 => " matches none ".to_string(),
                n => format!(" matches {n} "),
            }));
            if !audit.is_editing_filter() {
                spans.push(Span::styled("· / changes it ", theme.dim));
            }
        }
        match chain {
            Ok(()) => {
                spans.push(Span::styled("· chain intact ✓ ", theme.title));
                let how = match checked_before {
                    Some(n) if n < total => {
                        format!("(1–{n} checked before, the newer now; V checks all) ")
                    }
                    Some(_) => "(checked before; V checks all again) ".to_string(),
                    None => "(every record checked) ".to_string(),
                };
                // Only when it fits between the corners: a cut-off "(1–" says nothing.
                let used: usize = spans.iter().map(Span::width).sum();
                if used + how.chars().count() + 2 <= usize::from(width) {
                    spans.push(Span::styled(how, theme.dim));
                }
            }
            Err(breach) => spans.push(Span::styled(
                format!(" ⚠ CHAIN BROKEN: {breach} "),
                theme.error,
            )),
        }
    }
    if audit.is_pending() {
        spans.push(Span::styled("· reading… ", theme.dim));
    }
    Line::from(spans)
}

/// "push SUCCESS", "manager_push REJECTED +1": the first challenge, and how many more.
fn evidence_cell(record: &AuditRecord) -> String {
    let evidence = &record.entry.evidence;
    match evidence.first() {
        None => String::new(),
        Some(first) => {
            let more = evidence.len() - 1;
            let more = if more > 0 {
                format!(" +{more}")
            } else {
                String::new()
            };
            format!("{} {}{more}", first.kind, first.result)
        }
    }
}

fn row(record: &AuditRecord, columns: &[usize], theme: &Theme) -> Row<'static> {
    let e = &record.entry;
    let action = if e.is_escalation() {
        format!("{ESCALATION_MARK} {}", e.action)
    } else {
        e.action.clone()
    };
    let mut cells = [
        Cell::from(record.seq.to_string()),
        // Month and day too: the log spans shifts.
        Cell::from(e.time.format("%m-%d %H:%M:%S").to_string()),
        Cell::from(inert(&e.agent).into_owned()),
        Cell::from(inert(&action).into_owned()),
        Cell::from(or_unknown(e.target_login.as_deref()).into_owned()),
        Cell::from(inert(e.ticket.as_deref().unwrap_or_default()).into_owned()),
        Cell::from(inert(&evidence_cell(record)).into_owned()),
        Cell::from(Span::styled(e.outcome.as_str(), theme.outcome(e.outcome))),
    ]
    .map(Some);
    let style = if e.is_escalation() {
        theme.warn
    } else {
        Style::default()
    };
    Row::new(columns.iter().filter_map(|&i| cells[i].take())).style(style)
}

fn detail_lines(app: &App, record: &AuditRecord, theme: &Theme) -> Vec<Line<'static>> {
    let e = &record.entry;
    let line = |label: &'static str, value: String| {
        field(label, LABEL_WIDTH, Span::raw(value), theme.label)
    };
    let mut lines = vec![line(
        "Record",
        format!(
            "#{} · {} · by {}",
            record.seq,
            format::date_time_ago(app.now, e.time),
            e.agent
        ),
    )];
    if let Some(org) = &e.org {
        lines.push(line("Org", org.clone()));
    }
    let action = if e.is_escalation() {
        Span::styled(
            format!(
                "{ESCALATION_MARK} {} · {} · a security escalation",
                e.action,
                e.outcome.as_str()
            ),
            theme.warn,
        )
    } else {
        Span::styled(
            format!("{} · {}", e.action, e.outcome.as_str()),
            theme.outcome(e.outcome),
        )
    };
    lines.extend([
        field("Action", LABEL_WIDTH, action, theme.label),
        line(
            "User",
            format!(
                "{} ({})",
                or_unknown(e.target_login.as_deref()),
                or_unknown(e.target_id.as_deref())
            ),
        ),
        line(
            "Ticket",
            format!(
                "{} · checklist: {}",
                or_unknown(e.ticket.as_deref()),
                if e.checklist.is_empty() {
                    super::UNKNOWN.to_string()
                } else {
                    e.checklist.join(", ")
                }
            ),
        ),
    ]);
    if e.evidence.is_empty() {
        lines.push(line("Evidence", super::UNKNOWN.to_string()));
    }
    for (i, ev) in e.evidence.iter().enumerate() {
        lines.push(line(
            if i == 0 { "Evidence" } else { "" },
            describe_evidence(ev),
        ));
    }
    if !e.factors_removed.is_empty() {
        lines.push(line("Removed", e.factors_removed.join(", ")));
    }
    lines.push(line(
        "IdP request",
        or_unknown(e.idp_request_id.as_deref()).to_string(),
    ));
    if let Some(error) = &e.error {
        lines.push(field(
            if e.is_escalation() { "Reason" } else { "Error" },
            LABEL_WIDTH,
            Span::styled(error.clone(), theme.warn),
            theme.label,
        ));
    }
    if let Some(note) = &e.note {
        lines.push(line("Note", note.clone()));
    }
    lines.push(line(
        "Hash",
        format!("{} ← {}", short(&record.hash), short(&record.prev_hash)),
    ));
    lines
}

/// The first 16 hex digits: enough to compare by eye with `accessdesk audit list --json`.
fn short(hash: &str) -> String {
    format!("{}…", hash.get(..16).unwrap_or(hash))
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(audit) = app.audit() else {
        return;
    };
    let [table_area, filter_area, detail_area] = layout(area, audit);
    if audit.is_editing_filter() {
        render_filter_input(frame, filter_area, audit, theme);
    }
    let mut block = Block::bordered()
        .border_style(theme.border)
        .title(title(audit, theme, area.width));
    if let AuditState::Loaded(snapshot) = &audit.state {
        block = block
            .title_bottom(Line::styled(format!(" {} ", snapshot.place), theme.dim).right_aligned());
    }
    let message = match &audit.state {
        AuditState::Loading => Some(Line::styled("Reading the audit log…", theme.dim)),
        AuditState::Failed(error) => Some(Line::styled(
            format!("The audit log cannot be read: {error}"),
            theme.error,
        )),
        AuditState::Loaded(snapshot) if snapshot.records.is_empty() => Some(Line::styled(
            "No actions recorded yet: unlocks, resets and caller checks appear here.",
            theme.dim,
        )),
        AuditState::Loaded(_) if audit.is_empty() => Some(Line::styled(
            format!(
                "No record matches \"{}\" (of {} shown). / to change the filter, Esc in it to clear.",
                audit.filter().unwrap_or_default(),
                audit.loaded_len()
            ),
            theme.dim,
        )),
        AuditState::Loaded(_) => None,
    };
    if let Some(message) = message {
        frame.render_widget(
            Paragraph::new(inert::line(message))
                .alignment(HorizontalAlignment::Center)
                .wrap(Wrap { trim: true })
                .block(block),
            table_area,
        );
        return;
    }
    let visible = body_rows(table_area);
    let offset = scroll_offset(audit.selected(), audit.offset(), audit.len(), visible);
    let columns = columns(table_area.width);
    let rows: Vec<Row> = audit
        .records_from(offset)
        .take(visible)
        .map(|r| row(r, columns, theme))
        .collect();
    let table = Table::new(rows, columns.iter().map(|&i| WIDTHS[i]))
        .header(Row::new(columns.iter().map(|&i| HEADERS[i])).style(theme.header))
        .block(block)
        .column_spacing(1)
        .row_highlight_style(theme.selected)
        .highlight_symbol("▶ ")
        .highlight_spacing(HighlightSpacing::Always);
    let mut state = TableState::default().with_selected(Some(audit.selected() - offset));
    frame.render_stateful_widget(table, table_area, &mut state);

    if let Some(record) = audit.selected_record().filter(|_| audit.detail_open()) {
        let block = Block::bordered()
            .border_style(theme.border)
            .title(Span::styled(" Record ", theme.block_title))
            .padding(Padding::horizontal(1));
        frame.render_widget(
            Paragraph::new(inert::lines(detail_lines(app, record, theme)))
                .wrap(Wrap { trim: false })
                .block(block),
            detail_area,
        );
    }
}

/// The one-line filter editor under the table while typing.
fn render_filter_input(frame: &mut Frame, area: Rect, audit: &AuditView, theme: &Theme) {
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
    let input = audit.filter_input();
    super::text_input(frame, text, input, theme.filter);
}
