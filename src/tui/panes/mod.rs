//! One module per region of the screen. Each has `render(frame, area, app, theme)` and reads
//! the state without changing it.

pub mod audit;
pub mod burst_banner;
pub mod burst_list;
pub mod columns;
pub mod detail;
pub mod directory;
pub mod help;
pub mod lockouts;
pub mod status_bar;
pub mod title_bar;
pub mod training;
pub mod user_view;
pub mod verify_dialog;

use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// The placeholder for an unknown value.
pub const UNKNOWN: &str = "—";

/// "Label     value" with the label padded to `width`.
pub fn field<'a>(label: &'a str, width: usize, value: Span<'a>, label_style: Style) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{label:<width$}"), label_style),
        value,
    ])
}

/// The value, or the unknown marker.
pub fn or_unknown(value: Option<&str>) -> &str {
    value.filter(|v| !v.is_empty()).unwrap_or(UNKNOWN)
}
