//! The tabs' lines drawn by hand (a group line spans every column, which a `Table` cannot):
//! each cell cut or padded to its column, one space between columns, the selection marked.

use crate::tui::inert::inert;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// The selection marker and the gap the others keep.
pub const SELECTED: &str = "▶ ";
pub const UNSELECTED: &str = "  ";
/// Marker width, counted out of the tab's width.
pub const MARKER_WIDTH: u16 = 2;
pub const SPACING: u16 = 1;

/// One cell: its text and style.
#[derive(Debug, Clone)]
pub struct Cell {
    pub text: String,
    pub style: Style,
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            style: Style::default(),
        }
    }

    pub fn styled(text: impl Into<String>, style: Style) -> Self {
        Self {
            text: text.into(),
            style,
        }
    }
}

/// `text` in exactly `width` columns: cut with "…" when longer, padded when shorter.
pub fn fit(text: &str, width: usize) -> String {
    let count = text.chars().count();
    if count <= width {
        return format!("{text:<width$}");
    }
    if width == 0 {
        return String::new();
    }
    let mut cut: String = text.chars().take(width - 1).collect();
    cut.push('…');
    cut
}

/// A line of cells in their widths, marked when selected. Cells hold IdP text (names,
/// logins, departments, policy names): each is made [`inert`] before it is cut.
pub fn line(cells: Vec<(Cell, u16)>, selected: bool, style: Style) -> Line<'static> {
    let mut spans = vec![Span::raw(if selected { SELECTED } else { UNSELECTED })];
    let last = cells.len().saturating_sub(1);
    for (n, (cell, width)) in cells.into_iter().enumerate() {
        spans.push(Span::styled(
            fit(&inert(&cell.text), usize::from(width)),
            cell.style,
        ));
        if n < last {
            spans.push(Span::raw(" "));
        }
    }
    Line::from(spans).style(style)
}

/// A line that spans every column (a group's header, a message).
pub fn spanning(text: String, selected: bool, width: u16, style: Style) -> Line<'static> {
    let room = usize::from(width.saturating_sub(MARKER_WIDTH));
    Line::from(vec![
        Span::raw(if selected { SELECTED } else { UNSELECTED }),
        Span::styled(fit(&inert(&text), room), style),
    ])
}

/// The widest of `texts`, as a column width.
pub fn widest<'a>(texts: impl IntoIterator<Item = &'a str>) -> u16 {
    texts
        .into_iter()
        .map(|t| t.chars().count())
        .max()
        .map_or(0, |w| u16::try_from(w).unwrap_or(u16::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_cut_with_an_ellipsis_or_padded() {
        assert_eq!(fit("abc", 5), "abc  ");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 0), "");
        let line = line(
            vec![(Cell::new("ada"), 5), (Cell::new("13"), 3)],
            true,
            Style::default(),
        );
        assert_eq!(line.to_string(), "▶ ada   13 ");
    }
}
