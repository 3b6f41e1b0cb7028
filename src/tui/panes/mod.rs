//! One module per region of the screen. Each has `render(frame, area, app, theme)` and reads
//! the state without changing it.

pub mod audit;
pub mod burst_banner;
pub mod burst_list;
pub mod columns;
pub mod detail;
pub mod directory;
pub mod expiries;
pub mod help;
pub mod instructions;
pub mod lockouts;
pub mod status_bar;
pub mod title_bar;
pub mod training;
pub mod user_view;
pub mod verify_dialog;

use std::borrow::Cow;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tui_input::Input;

use crate::tui::inert::inert;

/// The placeholder for an unknown value.
pub const UNKNOWN: &str = "—";

/// "Label     value" with the label padded to `width`.
pub fn field<'a>(label: &'a str, width: usize, value: Span<'a>, label_style: Style) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{label:<width$}"), label_style),
        value,
    ])
}

/// The value made [`inert`], or the unknown marker: values shown this way come from the IdP.
pub fn or_unknown(value: Option<&str>) -> Cow<'_, str> {
    inert(value.filter(|v| !v.is_empty()).unwrap_or(UNKNOWN))
}

/// A one-line text input in `area`, scrolled so the cursor stays visible, with the terminal
/// cursor placed on it.
pub fn text_input(frame: &mut Frame, area: Rect, input: &Input, style: Style) {
    let width = usize::from(area.width.max(1) - 1);
    let scroll = input.visual_scroll(width);
    frame.render_widget(
        Paragraph::new(Span::styled(input.value(), style))
            .scroll((0, u16::try_from(scroll).unwrap_or(u16::MAX))),
        area,
    );
    let cursor = input.visual_cursor().saturating_sub(scroll);
    frame.set_cursor_position((
        area.x
            + u16::try_from(cursor)
                .unwrap_or(0)
                .min(area.width.saturating_sub(1)),
        area.y,
    ));
}
