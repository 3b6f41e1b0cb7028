//! The top line: product, org, the READ-ONLY and SIMULATOR markers, and the time.

use ratatui::Frame;
use ratatui::layout::{Constraint, HorizontalAlignment, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::app::App;
use crate::tui::theme::Theme;

/// Title on the left, clock on the right.
const TITLE_COLUMNS: [Constraint; 2] = [Constraint::Fill(1), Constraint::Length(25)];

/// Shown when no write request can be made (supervisor role or `--read-only`).
pub const READ_ONLY_MARKER: &str = " READ-ONLY ";

pub const SIMULATOR_MARKER: &str = " SIMULATOR · practice org, not real users ";

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let [left, right] = area.layout(&Layout::horizontal(TITLE_COLUMNS));
    let mut spans = vec![Span::styled(" accessdesk", theme.title)];
    if !app.options.org_label.is_empty() {
        spans.push(Span::styled(" · ", theme.dim));
        spans.push(Span::raw(app.options.org_label.as_str()));
    }
    spans.push(Span::styled(" · live lockouts", theme.dim));
    if app.options.read_only {
        spans.push(Span::raw("  "));
        spans.push(Span::styled(READ_ONLY_MARKER, theme.warn));
    }
    if app.options.simulator {
        spans.push(Span::raw("  "));
        spans.push(Span::styled(SIMULATOR_MARKER, theme.simulator));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), left);
    let clock = format!("{} ", app.now.format("%Y-%m-%d %H:%M:%S UTC"));
    frame.render_widget(
        Paragraph::new(Line::styled(clock, theme.status)).alignment(HorizontalAlignment::Right),
        right,
    );
}
