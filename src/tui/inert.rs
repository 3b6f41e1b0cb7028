//! IdP text made inert for a terminal. Names, titles, user agents, cities and messages come
//! from the identity provider, where anyone who can edit a profile (or send a crafted
//! User-Agent) controls them. A terminal interprets control characters (ESC starts CSI and
//! OSC sequences: colours, window titles, OSC 8 hyperlinks, OSC 52 clipboard writes) and bidi
//! controls reorder what the agent reads. Every such character is shown as a visible escape
//! (`\u{1b}`) instead; ordinary text, any script and emoji (with their joiners) stays as it is.
//!
//! ratatui already drops graphemes containing C0/C1 controls, but silently (the rest of an
//! escape sequence shows as if it were data), and it passes bidi controls through: so the panes
//! call [`inert`] on IdP text, and [`scrub_buffer`] removes whatever a pane forgot before a
//! frame reaches the terminal.

use std::borrow::Cow;
use std::fmt::Write;

use ratatui::buffer::Buffer;
use ratatui::text::{Line, Span};

/// Whether `c` would act on the terminal or on the text's direction rather than show.
pub fn is_hostile(c: char) -> bool {
    c.is_control() // C0, DEL, C1
        || matches!(
            c,
            '\u{061C}'              // Arabic letter mark
            | '\u{200E}' | '\u{200F}' // LRM, RLM
            | '\u{202A}'..='\u{202E}' // LRE, RLE, PDF, LRO, RLO
            | '\u{2066}'..='\u{2069}' // LRI, RLI, FSI, PDI
            | '\u{2028}' | '\u{2029}' // line and paragraph separators
        )
}

/// `s` with every hostile character written as `\u{..}`; borrowed when there is none.
pub fn inert(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_hostile) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_hostile(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`inert`] for an optional value.
pub fn inert_opt(s: Option<&str>) -> Option<Cow<'_, str>> {
    s.map(inert)
}

/// A span whose text is [`inert`] (its style kept).
pub fn span(span: Span<'_>) -> Span<'_> {
    if !span.content.chars().any(is_hostile) {
        return span;
    }
    let content = inert(&span.content).into_owned();
    Span {
        content: Cow::Owned(content),
        ..span
    }
}

/// A line whose every span is [`inert`]: for lines that mix our labels with IdP values.
pub fn line(mut line: Line<'_>) -> Line<'_> {
    line.spans = line.spans.into_iter().map(span).collect();
    line
}

/// [`line`] for each of `lines`.
pub fn lines(lines: Vec<Line<'_>>) -> Vec<Line<'_>> {
    lines.into_iter().map(line).collect()
}

/// The last line of defence, run on every frame: hostile characters still in a cell (a pane
/// that forgot [`inert`], or a widget that writes symbols directly) are removed, so the
/// terminal never receives them. The cell keeps its width.
pub fn scrub_buffer(buffer: &mut Buffer) {
    for cell in &mut buffer.content {
        let symbol = cell.symbol();
        if symbol.chars().any(is_hostile) {
            let kept: String = symbol.chars().filter(|c| !is_hostile(*c)).collect();
            cell.set_symbol(if kept.is_empty() { " " } else { &kept });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::widgets::{Paragraph, Widget};

    #[test]
    fn ordinary_text_is_borrowed_untouched() {
        for s in [
            "Ada Lovelace",
            "Zoë Ångström-Ñúñez",
            "Владимир Иванов",
            "محمد علي",
            "王小明",
            "👩‍👩‍👧 family ✓ ⚠ —",
            "tab-free \\u{1b} literal",
            "",
        ] {
            assert!(matches!(inert(s), Cow::Borrowed(b) if b == s), "{s:?}");
        }
    }

    #[test]
    fn controls_and_bidi_become_visible_escapes() {
        assert_eq!(inert("a\u{1b}[31mred"), "a\\u{1b}[31mred");
        assert_eq!(
            inert("\u{1b}]8;;http://evil\u{7}x\u{1b}]8;;\u{7}"),
            "\\u{1b}]8;;http://evil\\u{7}x\\u{1b}]8;;\\u{7}"
        );
        assert_eq!(
            inert("\u{1b}]52;c;aGk=\u{1b}\\"),
            "\\u{1b}]52;c;aGk=\\u{1b}\\"
        );
        assert_eq!(inert("del\u{7f} c1\u{9b}"), "del\\u{7f} c1\\u{9b}");
        assert_eq!(inert("line\nbreak\r\t"), "line\\u{a}break\\u{d}\\u{9}");
        assert_eq!(inert("abc\u{202e}fdp.exe"), "abc\\u{202e}fdp.exe");
        for c in [
            '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}', '\u{200e}', '\u{200f}', '\u{061c}', '\u{2028}', '\u{2029}',
        ] {
            let shown = inert(&c.to_string()).into_owned();
            assert_eq!(shown, format!("\\u{{{:x}}}", u32::from(c)));
        }
        assert_eq!(inert_opt(Some("\u{0}")).as_deref(), Some("\\u{0}"));
        assert_eq!(inert_opt(None), None);
    }

    /// What ratatui 0.30 does on its own, asserted so an upgrade that changes it is noticed:
    /// C0/C1 controls are dropped silently (the sequence's tail shows as text); a bidi override
    /// in a line or a table cell goes into a cell and would reach the terminal.
    #[test]
    fn ratatui_drops_controls_but_passes_bidi() {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 20, 1));
        buffer.set_string(0, 0, "a\u{1b}[1mb\u{9b}c", ratatui::style::Style::default());
        assert_eq!(buffer[(0, 0)].symbol(), "a");
        assert_eq!(buffer[(1, 0)].symbol(), "[");
        let symbols =
            |buffer: &Buffer| -> String { buffer.content.iter().map(|c| c.symbol()).collect() };
        // A paragraph drops zero-width graphemes; a line (as in a table cell) or a span
        // appends them to the cell before, and so sends them to the terminal.
        let mut buffer = Buffer::empty(Rect::new(0, 0, 20, 1));
        Paragraph::new(Line::from(Span::raw("ab\u{202e}cd"))).render(buffer.area, &mut buffer);
        assert!(symbols(&buffer).starts_with("abcd"));
        let mut buffer = Buffer::empty(Rect::new(0, 0, 20, 1));
        Span::raw("ab\u{202e}cd").render(buffer.area, &mut buffer);
        assert!(symbols(&buffer).contains('\u{202e}'));
        let mut buffer = Buffer::empty(Rect::new(0, 0, 20, 1));
        Line::from(Span::raw("ab\u{202e}cd")).render(buffer.area, &mut buffer);
        let joined = symbols(&buffer);
        assert!(joined.contains('\u{202e}'), "{joined:?}");
        scrub_buffer(&mut buffer);
        let joined: String = buffer.content.iter().map(|c| c.symbol()).collect();
        assert!(!joined.chars().any(is_hostile), "{joined:?}");
        assert!(joined.starts_with("abcd"), "{joined:?}");
    }
}
