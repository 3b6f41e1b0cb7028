//! The loud banner above the table while a burst is active.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::policy::Burst;
use crate::tui::app::App;
use crate::tui::format;
use crate::tui::theme::Theme;

/// At most this many lines; the last one says how many more bursts there are.
pub const MAX_LINES: usize = 3;

/// Lines the banner needs (0 without a burst).
pub fn height(app: &App) -> u16 {
    app.bursts().len().min(MAX_LINES) as u16
}

fn sentence(app: &App, burst: &Burst) -> String {
    match burst {
        Burst::SameIp { latest, .. } => {
            format!(" ⚠ {burst} — latest {}", format::relative(app.now, *latest))
        }
        Burst::Rate { .. } => format!(" ⚠ {burst}"),
    }
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let bursts = app.bursts();
    if bursts.is_empty() || area.height == 0 {
        return;
    }
    let shown = if bursts.len() > MAX_LINES {
        MAX_LINES - 1
    } else {
        bursts.len()
    };
    let mut lines: Vec<Line> = bursts[..shown]
        .iter()
        .map(|burst| Line::from(sentence(app, burst)))
        .collect();
    if bursts.len() > shown {
        lines.push(Line::from(format!(
            " ⚠ … and {} more bursts (see the feed)",
            bursts.len() - shown
        )));
    }
    frame.render_widget(Paragraph::new(lines).style(theme.banner), area);
}
