//! The bottom lines: poll health, the IdP error when there is one, and key hints from the
//! keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::app::App;
use crate::tui::format;
use crate::tui::keymap;
use crate::tui::theme::Theme;

/// The red line under the health line, when the feed is in trouble.
pub fn error_line(app: &App) -> Option<String> {
    if app.feed_closed() {
        return Some(
            "Lockout feed stopped: the poller ended, so no new lockouts will arrive — restart accessdesk"
                .to_string(),
        );
    }
    let health = app.health();
    if health.consecutive_errors == 0 {
        return None;
    }
    let error = health
        .last_error
        .as_deref()
        .unwrap_or("the last poll failed");
    Some(format!("IdP error: {error}"))
}

/// At most this many lines of error text.
const MAX_ERROR_LINES: usize = 3;

/// The error text wrapped to the terminal's width.
fn error_lines(app: &App) -> Vec<String> {
    let Some(error) = error_line(app) else {
        return Vec::new();
    };
    // One column of margin on the left.
    let width = usize::from(app.size().0.saturating_sub(1));
    let mut lines = format::wrap(&error, width);
    lines.truncate(MAX_ERROR_LINES);
    lines
}

/// Lines the status bar needs: health, the error (0 to 3 lines), the message, key hints.
pub fn height(app: &App) -> u16 {
    2 + error_lines(app).len() as u16 + u16::from(app.message().is_some())
}

fn health_line(app: &App, theme: &Theme) -> Line<'static> {
    let health = app.health();
    let sep = || Span::styled(" · ", theme.dim);
    let mut spans = vec![Span::raw(" ")];
    if !app.options.org_label.is_empty() {
        spans.push(Span::raw(app.options.org_label.clone()));
        spans.push(sep());
    }
    spans.push(Span::raw(format!(
        "every {}",
        format::duration(health.interval)
    )));
    if health.effective_interval != health.interval {
        spans.push(Span::styled(
            format!(
                " (stretched to {})",
                format::duration(health.effective_interval)
            ),
            theme.warn,
        ));
    }
    spans.push(sep());
    spans.push(match health.last_success {
        Some(t) => Span::raw(format!("polled {}", format::relative(app.now, t))),
        None if app.has_polled() => Span::styled("no successful poll yet", theme.warn),
        None => Span::raw("waiting for the first poll"),
    });
    if let Some(rate) = &health.rate_limit {
        spans.push(sep());
        spans.push(Span::styled(
            format!("rate {}/{}", rate.remaining, rate.limit),
            theme.rate_limit(rate),
        ));
    }
    spans.push(sep());
    spans.push(match health.consecutive_errors {
        0 => Span::raw("no errors"),
        1 => Span::styled("1 failed poll", theme.error),
        n => Span::styled(format!("{n} failed polls"), theme.error),
    });
    Line::from(spans).style(theme.status)
}

fn hints_line(app: &App, theme: &Theme) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    for (keys, word) in keymap::hints(app.context()) {
        spans.push(Span::styled(keys, theme.key));
        spans.push(Span::raw(format!(" {word}  ")));
    }
    Line::from(spans).style(theme.status)
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let mut lines = vec![health_line(app, theme)];
    for error in error_lines(app) {
        let padding = usize::from(area.width.saturating_sub(1));
        lines.push(Line::styled(format!(" {error:<padding$}"), theme.error));
    }
    if let Some(message) = app.message() {
        lines.push(Line::styled(format!(" {message}"), theme.warn));
    }
    lines.push(hints_line(app, theme));
    frame.render_widget(Paragraph::new(lines), area);
}
