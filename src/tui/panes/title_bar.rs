//! The top line: product, org, the READ-ONLY and SIMULATOR markers, and the time. On a narrow
//! terminal the markers are what stays: the clock shortens, then "live lockouts", the org and
//! the marker's explanation go, in that order.

use crate::tui::inert;
use ratatui::Frame;
use ratatui::layout::{Constraint, HorizontalAlignment, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::app::App;
use crate::tui::theme::Theme;

/// Shown when no write request can be made (supervisor role or `--read-only`).
pub const READ_ONLY_MARKER: &str = " READ-ONLY ";

pub const SIMULATOR_MARKER: &str = " SIMULATOR · practice org, not real users ";
/// The marker where the whole one does not fit.
pub const SIMULATOR_SHORT: &str = " SIMULATOR ";

/// One way to write the title, from the fullest to the barest.
#[derive(Debug, Clone, Copy)]
struct Variant {
    org: bool,
    live: bool,
    long_marker: bool,
    date: bool,
}

const VARIANTS: [Variant; 5] = [
    Variant {
        org: true,
        live: true,
        long_marker: true,
        date: true,
    },
    Variant {
        org: true,
        live: true,
        long_marker: true,
        date: false,
    },
    Variant {
        org: true,
        live: false,
        long_marker: true,
        date: false,
    },
    Variant {
        org: true,
        live: false,
        long_marker: false,
        date: false,
    },
    Variant {
        org: false,
        live: false,
        long_marker: false,
        date: false,
    },
];

fn left<'a>(app: &'a App, v: Variant, theme: &Theme) -> Line<'a> {
    let mut spans = vec![Span::styled(" accessdesk", theme.title)];
    if v.org && !app.options.org_label.is_empty() {
        spans.push(Span::styled(" · ", theme.dim));
        spans.push(Span::raw(app.options.org_label.as_str()));
    }
    if v.live {
        spans.push(Span::styled(" · live lockouts", theme.dim));
    }
    if app.options.read_only {
        spans.push(Span::raw("  "));
        spans.push(Span::styled(READ_ONLY_MARKER, theme.warn));
    }
    if app.options.simulator {
        spans.push(Span::raw("  "));
        let marker = if v.long_marker {
            SIMULATOR_MARKER
        } else {
            SIMULATOR_SHORT
        };
        spans.push(Span::styled(marker, theme.simulator));
    }
    Line::from(spans)
}

fn clock(app: &App, date: bool) -> String {
    let format = if date {
        "%Y-%m-%d %H:%M:%S UTC "
    } else {
        "%H:%M:%S UTC "
    };
    app.now.format(format).to_string()
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let width = usize::from(area.width);
    let fits = |v: &Variant| left(app, *v, theme).width() + 1 + clock(app, v.date).len() <= width;
    let variant = VARIANTS
        .iter()
        .find(|v| fits(v))
        .copied()
        .unwrap_or(VARIANTS[VARIANTS.len() - 1]);
    let clock = clock(app, variant.date);
    let [left_area, right_area] = area.layout(&Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(u16::try_from(clock.len()).unwrap_or(0)),
    ]));
    frame.render_widget(
        Paragraph::new(inert::line(left(app, variant, theme))),
        left_area,
    );
    frame.render_widget(
        Paragraph::new(Line::styled(clock, theme.status)).alignment(HorizontalAlignment::Right),
        right_area,
    );
}
