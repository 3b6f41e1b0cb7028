//! The `?` overlay: the keymap table, grouped by context, over a cleared box.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::policy::bursts::describe_window;
use crate::tui::app::App;
use crate::tui::keymap::{Context, bindings};
use crate::tui::theme::Theme;

const KEY_WIDTH: usize = 9;
/// Space between the two columns.
const GUTTER: usize = 3;

/// The contexts in the left column (the long descriptions); the others go on the right, so the
/// help fits 35 lines.
const LEFT: [Context; 2] = [Context::Feed, Context::Filter];

fn group_lines(contexts: impl Iterator<Item = Context>, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for context in contexts {
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::from(Span::styled(context.title(), theme.header)));
        for binding in bindings(context) {
            lines.push(Line::from(vec![
                Span::raw("  "),
                Span::styled(format!("{:<KEY_WIDTH$}", binding.label), theme.key),
                Span::raw(binding.description),
            ]));
        }
    }
    lines
}

fn lines(app: &App, theme: &Theme) -> Vec<Line<'static>> {
    let left = group_lines(LEFT.into_iter(), theme);
    let right = group_lines(
        Context::ALL.into_iter().filter(|c| !LEFT.contains(c)),
        theme,
    );
    let left_width = left.iter().map(Line::width).max().unwrap_or(0) + GUTTER;
    let rows = left.len().max(right.len());
    let mut left = left.into_iter();
    let mut right = right.into_iter();
    let mut lines: Vec<Line<'static>> = (0..rows)
        .map(|_| {
            let mut line = left.next().unwrap_or_default();
            if let Some(other) = right.next() {
                let pad = left_width - line.width();
                line.spans.push(Span::raw(" ".repeat(pad)));
                line.spans.extend(other.spans);
            }
            line
        })
        .collect();
    let rules = &app.options.bursts;
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!(
            "Times are UTC. Burst warning: {} lockouts from one IP in {}, or {} in a minute.",
            rules.per_ip_threshold,
            describe_window(rules.per_ip_window),
            rules.per_minute_threshold
        ),
        theme.dim,
    ));
    lines
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let lines = lines(app, theme);
    let width = lines.iter().map(Line::width).max().unwrap_or(0) as u16 + 4;
    let height = lines.len() as u16 + 2;
    let popup = area.centered(
        Constraint::Length(width.min(area.width)),
        Constraint::Length(height.min(area.height)),
    );
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Span::styled(" Keys ", theme.block_title))
        .title_bottom(Line::styled(" any key closes ", theme.dim).right_aligned());
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(block.padding(ratatui::widgets::Padding::horizontal(1))),
        popup,
    );
}
