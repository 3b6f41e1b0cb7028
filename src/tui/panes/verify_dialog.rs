//! The verification dialog, centred over the user screen: what will happen, the checklist, the
//! ticket and note, the push, what the gate still misses, and the confirm control.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph, Wrap};

use crate::model::ChallengeResult;
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::tui::verify_dialog::{Approver, Focus, PushState, Step, VerifyDialog, describe};

/// Shown when a device rejects the push.
pub const REJECTED_WARNING: &str = "⚠ The push was REJECTED on the device: possible social engineering. Do not proceed; escalate to security.";

fn focus_style(dialog: &VerifyDialog, focus: Focus, theme: &Theme) -> Style {
    if dialog.focus() == focus {
        theme.selected
    } else {
        theme.label
    }
}

fn input_line(label: &str, value: &str, focused: bool, style: Style) -> Line<'static> {
    let cursor = if focused { "▏" } else { "" };
    Line::from(vec![
        Span::styled(format!("{label:<8}"), style),
        Span::raw(format!("[{value}{cursor}]")),
    ])
}

fn push_line(now: DateTime<Utc>, push: &PushState, theme: &Theme) -> Line<'static> {
    let whose = |a: &Approver| match a {
        Approver::User => "the user's",
        Approver::Manager => "the manager's",
    };
    match push {
        PushState::Idle => Line::styled(
            "Push: none sent — p: to the user's Okta Verify · M: to the manager's",
            theme.dim,
        ),
        PushState::Sending(a) => Line::raw(format!("Push: sending to {} device…", whose(a))),
        PushState::Waiting {
            approver,
            since,
            correct_answer,
        } => {
            let waited = (now - *since).num_seconds().max(0);
            let left = 120 - waited.min(120);
            let mut text = format!(
                "Push: waiting for {} device — {waited}s, gives up in {left}s",
                whose(approver)
            );
            if let Some(n) = correct_answer {
                text.push_str(&format!(" — the caller must pick {n}"));
            }
            Line::styled(text, theme.warn)
        }
        PushState::Done(ChallengeResult::Success) => Line::styled("Push: APPROVED ✓", theme.title),
        PushState::Done(ChallengeResult::Rejected) => Line::styled(
            REJECTED_WARNING,
            theme
                .error
                .add_modifier(Modifier::BOLD | Modifier::REVERSED),
        ),
        PushState::Done(other) => Line::styled(
            format!("Push: {} — p or M sends another", other.as_str()),
            theme.warn,
        ),
    }
}

fn lines(app: &App, dialog: &VerifyDialog, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(dialog.preview(), theme.header), Line::raw("")];
    if let Step::ChooseFactors { chosen, cursor } = dialog.step() {
        lines.push(Line::styled(
            "Which factors go? Space toggles, Enter continues, Esc cancels",
            theme.label,
        ));
        for (i, factor) in dialog.factors().iter().enumerate() {
            let mark = if chosen.contains(&factor.id) {
                "[x]"
            } else {
                "[ ]"
            };
            let style = if i == *cursor {
                theme.selected
            } else {
                Style::default()
            };
            lines.push(Line::styled(format!(" {mark} {}", describe(factor)), style));
        }
        return lines;
    }

    lines.push(Line::styled(
        "Checklist (1-9 toggle)",
        focus_style(dialog, Focus::Checklist, theme),
    ));
    for (i, item) in app.options.gate.checklist.iter().enumerate() {
        let mark = if dialog.confirmed().contains(&item.id) {
            "[x]"
        } else {
            "[ ]"
        };
        lines.push(Line::raw(format!(" {} {mark} {}", i + 1, item.text)));
    }
    lines.push(Line::raw(""));
    lines.push(input_line(
        "Ticket",
        dialog.ticket().value(),
        dialog.focus() == Focus::Ticket,
        focus_style(dialog, Focus::Ticket, theme),
    ));
    lines.push(input_line(
        "Note",
        dialog.note().value(),
        dialog.focus() == Focus::Note,
        focus_style(dialog, Focus::Note, theme),
    ));
    lines.push(Line::raw(""));
    lines.push(push_line(app.now, dialog.push(), theme));
    lines.push(Line::raw(""));
    if dialog.missing().is_empty() {
        lines.push(Line::styled(
            "Nothing missing: the gate passes",
            theme.title,
        ));
    } else {
        lines.push(Line::styled("Still missing:", theme.warn));
        for refusal in dialog.missing() {
            lines.push(Line::raw(format!(" • {refusal}")));
        }
    }
    lines.push(Line::raw(""));
    let confirm = if app.is_running() {
        " Running… ".to_string()
    } else if dialog.ready() {
        " [ Confirm: Enter ] ".to_string()
    } else {
        " [ Confirm: blocked ] ".to_string()
    };
    let style = match (dialog.focus() == Focus::Confirm, dialog.ready()) {
        (true, true) => theme.selected.add_modifier(Modifier::BOLD),
        (true, false) => theme.selected,
        (false, _) => theme.dim,
    };
    lines.push(Line::styled(confirm, style));
    lines
}

fn footer(dialog: &VerifyDialog) -> &'static str {
    match dialog.step() {
        Step::ChooseFactors { .. } => " Space toggle · Enter continue · Esc cancel ",
        Step::Verify => " Tab next field · Esc cancel ",
    }
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(dialog) = app.dialog() else {
        return;
    };
    let lines = lines(app, dialog, theme);
    let width = area.width.saturating_sub(4).min(100);
    // Borders and padding take 4 columns; long lines wrap.
    let inner = usize::from(width.saturating_sub(4)).max(1);
    let rows: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner)).sum();
    let height = (rows as u16 + 2).min(area.height);
    let popup = area.centered(Constraint::Length(width), Constraint::Length(height));
    let title = format!(" Verify {} ", dialog.target().login);
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Span::styled(title, theme.block_title))
        .title_bottom(Line::styled(footer(dialog), theme.dim).right_aligned())
        .padding(Padding::horizontal(1));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        popup,
    );
}
