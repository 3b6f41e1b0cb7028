//! The verification dialog, centred over the user screen: what will happen, the checklist, the
//! ticket and note, the push and the one-time code, the evidence so far, what the gate still
//! misses, and the confirm control. A typed code is drawn as bullets, never as digits.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph, Wrap};

use crate::model::{ChallengeResult, FactorKind};
use crate::policy::gate::{self, EvidenceKind, GatePolicy};
use crate::services::verification::PushWait;
use crate::tui::app::App;
use crate::tui::format::relative;
use crate::tui::theme::Theme;
use crate::tui::verify_dialog::{
    Approver, CodeState, Focus, MAX_WRONG_CODES, Purpose, PushState, Step, VerifyDialog, describe,
};

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
            let limit = PushWait::default().give_up_after.as_secs() as i64;
            let left = (limit - waited).max(0);
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

fn code_lines(dialog: &VerifyDialog, theme: &Theme) -> Vec<Line<'static>> {
    let from = |factor: &crate::model::Factor| describe(factor);
    match dialog.otp() {
        CodeState::Idle => match dialog.code_factors().next() {
            Some(first) => vec![Line::styled(
                format!("Code: none asked — c: a one-time code from {}", from(first)),
                theme.dim,
            )],
            None => vec![Line::styled(
                "Code: the user has no SMS, e-mail or authenticator factor",
                theme.dim,
            )],
        },
        CodeState::Sending(factor) => vec![Line::raw(format!(
            "Code: asking the IdP to send one to {}…",
            from(factor)
        ))],
        CodeState::Entering(factor) => {
            let ask = if factor.kind == FactorKind::Totp {
                "Ask the caller for the code their authenticator app shows now; Enter checks it"
                    .to_string()
            } else {
                format!(
                    "Ask the caller to read out the code sent to {}; Enter checks it",
                    from(factor)
                )
            };
            // Bullets only: a one-time code never appears on screen.
            let bullets = "•".repeat(dialog.code().value().chars().count());
            vec![
                Line::styled(ask, theme.warn),
                input_line(
                    "Code",
                    &bullets,
                    dialog.focus() == Focus::Code,
                    focus_style(dialog, Focus::Code, theme),
                ),
            ]
        }
        CodeState::Checking(factor) => vec![Line::raw(format!(
            "Code: checking the code from {}…",
            from(factor)
        ))],
        CodeState::Done {
            factor,
            result: ChallengeResult::Success,
        } => vec![Line::styled(
            format!("Code: CORRECT ✓ ({})", from(factor)),
            theme.title,
        )],
        CodeState::Done { factor, result } => vec![Line::styled(
            format!(
                "Code from {}: {} — c asks for another",
                from(factor),
                match result {
                    ChallengeResult::Failed => "WRONG or expired",
                    other => other.as_str(),
                }
            ),
            theme.warn,
        )],
        CodeState::Locked => vec![Line::styled(
            format!(
                "⚠ {MAX_WRONG_CODES} wrong codes: no more codes in this dialog. Treat the caller as unverified; escalate."
            ),
            theme.error.add_modifier(Modifier::BOLD),
        )],
    }
}

/// The evidence that counts now, and for how much longer.
fn evidence_line(
    dialog: &VerifyDialog,
    policy: &GatePolicy,
    now: DateTime<Utc>,
    theme: &Theme,
) -> Option<Line<'static>> {
    let evidence = gate::possession(policy, dialog.target(), dialog.evidence(), now).ok()?;
    let how = match evidence.kind {
        EvidenceKind::UserPush => "push approved on the user's device".to_string(),
        EvidenceKind::UserOtp => "one-time code from the user's factor".to_string(),
        EvidenceKind::ManagerPush => format!(
            "push approved on the manager's device ({})",
            evidence.approver_login
        ),
    };
    // Whole minutes, rounded up: "valid 10 more min" just after the challenge.
    let left = ((policy.evidence_max_age - (now - evidence.at)).num_seconds() + 59).max(0) / 60;
    Some(Line::styled(
        format!(
            "✓ Possession proven {}: {how} — valid {left} more min",
            relative(now, evidence.at)
        ),
        theme.title,
    ))
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
    lines.extend(code_lines(dialog, theme));
    if let Some(notice) = dialog.notice() {
        lines.push(Line::styled(format!("⚠ {notice}"), theme.warn));
    }
    lines.extend(evidence_line(dialog, &app.options.gate, app.now, theme));
    lines.push(Line::raw(""));
    let verify_only = *dialog.purpose() == Purpose::VerifyCaller;
    if dialog.missing().is_empty() && verify_only {
        lines.push(Line::styled(
            "The caller is verified: u, r or m within the time above use this evidence",
            theme.title,
        ));
    } else if dialog.missing().is_empty() {
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
    } else if verify_only && dialog.push_in_flight() {
        " [ Done: once the push is answered · Esc withdraws it ] ".to_string()
    } else if verify_only {
        " [ Done: Enter ] ".to_string()
    } else if dialog.ready() {
        " [ Confirm: Enter ] ".to_string()
    } else {
        " [ Confirm: blocked ] ".to_string()
    };
    let style = match (
        dialog.focus() == Focus::Confirm,
        dialog.ready() || verify_only,
    ) {
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

fn wrapped_rows(line: &Line, width: usize) -> usize {
    line.width().max(1).div_ceil(width)
}

/// Make the lines fit `room` rows of `width`: on a small terminal the blank spacers go first,
/// then lines above the last, so the confirm control (the last line) always stays on screen.
fn fit(mut lines: Vec<Line<'static>>, width: usize, room: usize) -> Vec<Line<'static>> {
    let rows = |lines: &[Line]| -> usize { lines.iter().map(|l| wrapped_rows(l, width)).sum() };
    if rows(&lines) > room {
        lines.retain(|l| l.width() > 0);
    }
    if rows(&lines) > room
        && let Some(last) = lines.pop()
    {
        let keep = room.saturating_sub(wrapped_rows(&last, width));
        while rows(&lines) > keep {
            lines.pop();
        }
        lines.push(last);
    }
    lines
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(dialog) = app.dialog() else {
        return;
    };
    let width = area.width.saturating_sub(4).min(100);
    // Borders and padding take 4 columns; long lines wrap.
    let inner = usize::from(width.saturating_sub(4)).max(1);
    let lines = fit(
        lines(app, dialog, theme),
        inner,
        usize::from(area.height.saturating_sub(2)),
    );
    let rows: usize = lines.iter().map(|l| wrapped_rows(l, inner)).sum();
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
