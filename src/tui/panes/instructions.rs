//! The instructions overlay (`i`): the search line, the matching instructions, the chosen
//! one's steps, and the confirm line naming the user and the address.

use crate::tui::inert;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::text_input;
use crate::notify::ChannelKind;
use crate::tui::app::{App, scroll_offset};
use crate::tui::format;
use crate::tui::instruction_picker::PickerStage;
use crate::tui::theme::Theme;

/// The list's share of the overlay; the chosen instruction's steps get the rest.
const LIST_ROWS: u16 = 6;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(picker) = app.picker() else {
        return;
    };
    let all = &app.options.notices.instructions;
    let matching = picker.matching(all);
    let chosen = picker.chosen(all);
    let width = area.width.saturating_sub(4).min(96);
    let height = area.height.saturating_sub(2).min(22);
    let popup = area.centered(Constraint::Length(width), Constraint::Length(height));
    let inner_width = usize::from(width.saturating_sub(2));
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Span::styled(
            format!(
                " Instructions for {} ",
                format::elide_login(&picker.target.login, inner_width.saturating_sub(20))
            ),
            theme.block_title,
        ))
        .title_bottom(
            Line::styled(
                " type to search · ↑/↓ choose · Enter send · Esc close ",
                theme.dim,
            )
            .right_aligned(),
        );
    frame.render_widget(Clear, popup);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [search, list, steps, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(LIST_ROWS.min(inner.height.saturating_sub(4))),
        Constraint::Min(0),
        Constraint::Length(2),
    ])
    .areas(inner);

    let [label, input] =
        Layout::horizontal([Constraint::Length(8), Constraint::Min(1)]).areas(search);
    frame.render_widget(Paragraph::new(Span::styled("Search ", theme.label)), label);
    text_input(frame, input, &picker.query, theme.filter);

    let selected = picker.selected.min(matching.len().saturating_sub(1));
    let rows = usize::from(list.height);
    let offset = scroll_offset(selected, 0, matching.len(), rows);
    let mut lines: Vec<Line> = matching
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(n, i)| {
            let marker = if n == selected { "▶ " } else { "  " };
            let text = format!(
                "{marker}{:<8} {:<18} {}",
                format::elide_middle(&i.system, 8),
                i.problem.as_str(),
                i.title
            );
            let line = Line::raw(format::elide_middle(&text, inner_width));
            if n == selected {
                line.style(theme.selected)
            } else {
                line
            }
        })
        .collect();
    if matching.is_empty() {
        lines.push(Line::styled(
            format!(
                "  No instruction matches \"{}\" ({} configured)",
                picker.query.value(),
                all.len()
            ),
            theme.dim,
        ));
    }
    frame.render_widget(Paragraph::new(inert::lines(lines)), list);

    if let Some(chosen) = chosen {
        let mut text: Vec<Line> = vec![Line::styled(
            format!("{} · {}", chosen.id, chosen.title),
            theme.header,
        )];
        text.extend(
            chosen
                .steps
                .iter()
                .enumerate()
                .map(|(n, s)| Line::raw(format!("{}. {s}", n + 1))),
        );
        if let Some(kb) = &chosen.kb_url {
            text.push(Line::styled(format!("More: {kb}"), theme.dim));
        }
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), steps);
    }

    let bottom_line = match (picker.stage, &picker.note) {
        (PickerStage::Sending, _) => Line::styled("Queueing in the outbox…", theme.status),
        (_, Some(note)) => Line::styled(note.clone(), theme.warn),
        (PickerStage::Confirming, None) => {
            let to = app.picker_recipient();
            let (name, address) = to
                .map(|r| (r.name, r.addresses.first().cloned().unwrap_or_default()))
                .unwrap_or_default();
            Line::styled(
                format!(
                    "Send \"{}\" to {name} at {address}? Enter sends · Esc back",
                    chosen.map(|c| c.title.as_str()).unwrap_or_default()
                ),
                theme.warn,
            )
        }
        (PickerStage::Choosing, None) => Line::styled(
            match app.options.notices.settings.user_channel {
                ChannelKind::Email => {
                    "Goes by e-mail through the outbox (`accessdesk watch` delivers it)"
                }
                // No [smtp]: `watch` prints it as a JSON line for a script to deliver.
                _ => {
                    "Goes to the outbox; with no [smtp] configured, `accessdesk watch` prints it as a JSON line"
                }
            },
            theme.dim,
        ),
    };
    frame.render_widget(
        Paragraph::new(inert::line(bottom_line)).wrap(Wrap { trim: true }),
        bottom,
    );
}
