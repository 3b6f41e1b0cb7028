//! Demo only: the training panel on the right — what the simulated caller's phone shows (the
//! push with its number challenge, the codes the simulator "sent", the authenticator codes),
//! and the manager's phone once a push went there. The codes are simulated ones and appear
//! nowhere else: not in the status line, the log or the audit record.

use crate::tui::inert;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph, Wrap};

use crate::sim::training::{CodeSource, Phone, PhoneOwner};
use crate::tui::app::App;
use crate::tui::format;
use crate::tui::theme::Theme;

/// The panel's width on a terminal `width` columns wide.
pub fn width(width: u16) -> u16 {
    (width / 3).clamp(32, 46).min(width)
}

/// "57s", "4m12s", or "expired".
fn left(now: DateTime<Utc>, until: DateTime<Utc>) -> String {
    match (until - now).to_std() {
        Ok(d) if d.as_secs() > 0 => format::duration(std::time::Duration::from_secs(d.as_secs())),
        _ => "expired".to_string(),
    }
}

fn phone_lines(app: &App, phone: &Phone, theme: &Theme) -> Vec<Line<'static>> {
    let owner = match phone.owner {
        PhoneOwner::Caller => "The caller's phone",
        PhoneOwner::Manager => "Their manager's phone",
    };
    let mut lines = vec![
        Line::from(Span::styled(owner, theme.header)),
        Line::from(format!("{} ({})", phone.login, phone.name)),
    ];
    match phone.prompts.first() {
        Some(prompt) => {
            lines.push(Line::raw(""));
            lines.push(Line::from(vec![
                Span::styled(app.provider().push_app(), theme.training),
                Span::raw(format!(" · {}", prompt.device)),
            ]));
            lines.push(Line::from("\"Are you trying to sign in?\""));
            match prompt.choices {
                Some(choices) => {
                    lines.push(Line::from("Tap the number the agent reads out:"));
                    let mut spans = vec![Span::raw(" ")];
                    for (n, number) in choices.iter().enumerate() {
                        spans.push(Span::styled(format!("[{}]", n + 1), theme.key));
                        spans.push(Span::styled(format!(" {number}   "), theme.code));
                    }
                    lines.push(Line::from(spans));
                    lines.push(Line::styled("1-3 tap · r deny", theme.dim));
                }
                None => lines.push(Line::styled(
                    "a Yes, it's me · r No, it's not me",
                    theme.dim,
                )),
            }
            lines.push(Line::styled(
                format!(
                    "sent {} · expires in {}",
                    format::relative(app.now, prompt.sent_at),
                    left(app.now, prompt.expires_at)
                ),
                theme.dim,
            ));
            if phone.prompts.len() > 1 {
                lines.push(Line::styled(
                    format!("and {} older push(es) waiting", phone.prompts.len() - 1),
                    theme.dim,
                ));
            }
        }
        None => {
            let last = match phone.last_push {
                Some((outcome, at)) => format!(
                    "No push waiting (last one {} {})",
                    outcome.describe(),
                    format::relative(app.now, at)
                ),
                None => "No push waiting".to_string(),
            };
            lines.push(Line::styled(last, theme.dim));
        }
    }
    if phone.owner == PhoneOwner::Caller || !phone.codes.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled("Codes", theme.header)));
        if phone.codes.is_empty() {
            lines.push(Line::styled(
                "No code sent yet: SMS and e-mail codes show here once sent",
                theme.dim,
            ));
        }
        for code in &phone.codes {
            let state = if code.used {
                "used".to_string()
            } else {
                match code.source {
                    CodeSource::Authenticator => format!("{} left", left(app.now, code.expires_at)),
                    CodeSource::Sms | CodeSource::Email => {
                        let sent = code
                            .sent_at
                            .map(|t| format::relative(app.now, t))
                            .unwrap_or_default();
                        format!("sent {sent}, {} left", left(app.now, code.expires_at))
                    }
                }
            };
            lines.push(Line::from(vec![
                Span::raw(format!("{} ", code.label)),
                Span::styled(code.code.clone(), theme.code),
            ]));
            lines.push(Line::styled(format!("  {state}"), theme.dim));
        }
    }
    lines
}

fn lines(app: &App, theme: &Theme) -> Vec<Line<'static>> {
    let panel = app.training();
    let Some(subject) = app.training_subject() else {
        return vec![Line::styled(
            "Select a lockout or open a user: this panel shows their phone.",
            theme.dim,
        )];
    };
    // Why the last tap did nothing comes first, so a short panel never hides it.
    let mut lines: Vec<Line<'static>> = panel
        .notice()
        .map(|notice| vec![Line::styled(notice.to_string(), theme.warn), Line::raw("")])
        .unwrap_or_default();
    lines.extend(match panel.phones_for(&subject) {
        None => vec![Line::styled("Reading the phone…", theme.dim)],
        Some(Err(error)) => vec![Line::styled(
            format!("Cannot read the phone: {error}"),
            theme.warn,
        )],
        Some(Ok(phones)) => {
            let mut lines = Vec::new();
            for phone in phones {
                if !lines.is_empty() {
                    lines.push(Line::raw(""));
                }
                lines.extend(phone_lines(app, phone, theme));
            }
            lines
        }
    });
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "While this panel is open, pushes wait for your tap here.",
        theme.dim,
    ));
    lines
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let focused = app.training().is_focused();
    let bottom = if focused {
        " Esc back · F2 closes "
    } else {
        " F2 to use the phone "
    };
    let block = Block::bordered()
        .border_style(if focused {
            theme.training
        } else {
            theme.border
        })
        .padding(Padding::horizontal(1))
        .title(Span::styled(" Training · simulated phone ", theme.training))
        .title_bottom(Line::styled(bottom, theme.dim).right_aligned());
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(inert::lines(lines(app, theme)))
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}
