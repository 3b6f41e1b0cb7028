//! The `?` overlay: the keys of the screen it was opened on, from the keymap table, grouped by
//! context, over a cleared box.

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

/// The groups shown over a screen: the left column (the long descriptions) and the right.
fn groups(screen: Context) -> (&'static [Context], &'static [Context]) {
    const TAIL: [Context; 2] = [Context::Help, Context::Global];
    match screen {
        Context::User => (
            &[Context::User],
            &[Context::DialogKeys, Context::Help, Context::Global],
        ),
        // In the dialog: the focus's own keys, then those it shares.
        Context::DialogChooser => (&[Context::DialogChooser], &TAIL),
        Context::DialogChecklist => (&[Context::DialogChecklist, Context::DialogKeys], &TAIL),
        Context::DialogConfirm => (&[Context::DialogConfirm, Context::DialogKeys], &TAIL),
        Context::DialogDone => (&[Context::DialogDone, Context::DialogKeys], &TAIL),
        Context::DialogField | Context::DialogCode | Context::DialogTextKeys => (
            &[Context::DialogField, Context::DialogCode],
            &[Context::DialogTextKeys, Context::Global],
        ),
        Context::DialogKeys => (&[Context::DialogKeys], &TAIL),
        Context::DialogEscalate | Context::DialogBusy | Context::QuitConfirm => (
            &[Context::DialogEscalate, Context::DialogBusy],
            &[Context::QuitConfirm, Context::Global],
        ),
        Context::Audit | Context::AuditFilter => (&[Context::Audit, Context::AuditFilter], &TAIL),
        _ => (
            &[Context::Feed, Context::Filter],
            &[Context::Results, Context::Help, Context::Global],
        ),
    }
}

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
    let (left, right) = groups(app.screen_context());
    let left = group_lines(left.iter().copied(), theme);
    let right = group_lines(right.iter().copied(), theme);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_context_is_in_the_help_of_some_screen() {
        let shown: Vec<Context> = [Context::Feed, Context::User, Context::Audit]
            .into_iter()
            .chain(Context::DIALOG)
            .flat_map(|screen| {
                let (left, right) = groups(screen);
                left.iter().chain(right).copied().collect::<Vec<_>>()
            })
            .collect();
        for context in Context::ALL {
            assert!(shown.contains(&context), "{context:?} is in no help");
        }
    }
}
