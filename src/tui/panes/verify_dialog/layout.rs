//! Fitting the dialog's text into its box: lines are wrapped here at word boundaries (so the
//! height is known exactly and nothing wraps mid-word), and on a small terminal whole items
//! give way — blank spacers first, then the least needed — so the notice and the button at the
//! bottom always stay on screen.

use crate::tui::inert;
use ratatui::text::{Line, Span};

/// One thing the dialog says, on one or more rows.
#[derive(Debug, Clone)]
pub struct Item {
    pub rows: Vec<Line<'static>>,
    /// 0: never dropped; higher numbers go first when space runs out.
    pub drop_order: u8,
}

/// Blank spacers go first.
pub const SPACER: u8 = 9;

impl Item {
    /// `line` wrapped to `width`, continuation rows indented by `indent` columns.
    pub fn wrapped(line: Line<'static>, width: usize, indent: usize, drop_order: u8) -> Item {
        Item {
            rows: wrap(line, width, indent),
            drop_order,
        }
    }

    pub fn spacer() -> Item {
        Item {
            rows: vec![Line::raw("")],
            drop_order: SPACER,
        }
    }
}

/// Word-wrap `line` to `width` columns. Spans keep their style; continuation rows start with
/// `indent` spaces; a word longer than a row is split.
pub fn wrap(line: Line<'static>, width: usize, indent: usize) -> Vec<Line<'static>> {
    // Names, factors and the manager come from the IdP: escaped before they are measured.
    let line = inert::line(line);
    let width = width.max(1);
    let indent = indent.min(width / 2);
    if line.width() <= width {
        return vec![line];
    }
    let style = line.style;
    let mut rows: Vec<Vec<Span<'static>>> = vec![Vec::new()];
    let mut used = 0;
    for span in &line.spans {
        for (i, word) in span.content.split(' ').enumerate() {
            let piece = if i == 0 {
                word.to_string()
            } else {
                format!(" {word}")
            };
            let mut piece_width = Span::raw(piece.as_str()).width();
            if used + piece_width > width && used > indent {
                rows.push(vec![Span::raw(" ".repeat(indent))]);
                used = indent;
                // A new row starts with the word, not with the space before it.
                let word = piece.trim_start().to_string();
                piece_width = Span::raw(word.as_str()).width();
                push_long(
                    &mut rows,
                    &mut used,
                    word,
                    piece_width,
                    span.style,
                    width,
                    indent,
                );
                continue;
            }
            push_long(
                &mut rows,
                &mut used,
                piece,
                piece_width,
                span.style,
                width,
                indent,
            );
        }
    }
    rows.into_iter()
        .map(|spans| Line::from(spans).style(style))
        .collect()
}

/// Put `piece` on the current row, splitting it across rows when it is longer than one.
fn push_long(
    rows: &mut Vec<Vec<Span<'static>>>,
    used: &mut usize,
    piece: String,
    piece_width: usize,
    style: ratatui::style::Style,
    width: usize,
    indent: usize,
) {
    if *used + piece_width <= width {
        *used += piece_width;
        rows.last_mut()
            .expect("there is always a row")
            .push(Span::styled(piece, style));
        return;
    }
    let mut chunk = String::new();
    for c in piece.chars() {
        let w = Span::raw(c.to_string()).width();
        if *used + w > width {
            rows.last_mut()
                .expect("there is always a row")
                .push(Span::styled(std::mem::take(&mut chunk), style));
            rows.push(vec![Span::raw(" ".repeat(indent))]);
            *used = indent;
        }
        chunk.push(c);
        *used += w;
    }
    rows.last_mut()
        .expect("there is always a row")
        .push(Span::styled(chunk, style));
}

/// The rows of `body` and then `tail` that fit in `room` rows: whole items of `body` give way,
/// highest drop order first and the lower one first among equals; `tail` always stays (it is
/// cut from the top only when it alone is taller than the room).
pub fn fit(mut body: Vec<Item>, tail: Vec<Item>, room: usize) -> Vec<Line<'static>> {
    let height = |items: &[Item]| items.iter().map(|i| i.rows.len()).sum::<usize>();
    let tail_rows: Vec<Line<'static>> = tail.into_iter().flat_map(|i| i.rows).collect();
    let room_for_body = room.saturating_sub(tail_rows.len());
    while height(&body) > room_for_body {
        let Some(max) = body.iter().map(|i| i.drop_order).max() else {
            break;
        };
        if max == 0 {
            break;
        }
        let last = body
            .iter()
            .rposition(|i| i.drop_order == max)
            .expect("an item has that order");
        body.remove(last);
    }
    let mut rows: Vec<Line<'static>> = body.into_iter().flat_map(|i| i.rows).collect();
    rows.truncate(room_for_body);
    rows.extend(tail_rows);
    let skip = rows.len().saturating_sub(room);
    rows.drain(..skip);
    // Rows not built through `wrap` too (a no-op on the others).
    inert::lines(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(rows: &[Line]) -> Vec<String> {
        rows.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn wrapping_breaks_between_words_and_indents_the_rest() {
        let rows = wrap(Line::raw(" 4 [ ] Caller did not press urgency"), 16, 7);
        assert_eq!(
            text(&rows),
            [
                " 4 [ ] Caller",
                "       did not",
                "       press",
                "       urgency"
            ]
        );
        for row in &rows {
            assert!(row.width() <= 16);
        }
        let long = wrap(Line::raw("abcdefghij"), 4, 0);
        assert_eq!(text(&long), ["abcd", "efgh", "ij"]);
    }

    #[test]
    fn spacers_then_the_least_needed_go_and_the_tail_stays() {
        let item = |t: &str, order| Item {
            rows: vec![Line::raw(t.to_string())],
            drop_order: order,
        };
        let body = vec![
            item("keep", 0),
            Item::spacer(),
            item("evidence", 3),
            item("hint", 4),
            Item::spacer(),
        ];
        let tail = vec![item("[ Confirm ]", 0)];
        assert_eq!(
            text(&fit(body.clone(), tail.clone(), 4)),
            ["keep", "evidence", "hint", "[ Confirm ]"]
        );
        assert_eq!(
            text(&fit(body.clone(), tail.clone(), 3)),
            ["keep", "evidence", "[ Confirm ]"]
        );
        assert_eq!(text(&fit(body, tail, 1)), ["[ Confirm ]"]);
    }
}
