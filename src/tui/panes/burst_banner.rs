//! The loud banner above the table while a burst is active. Each burst gets the fullest
//! sentence that fits the width, counts first, so a narrow screen keeps how many lockouts and
//! users; `b` opens the list of their lockouts.

use crate::tui::inert;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::policy::Burst;
use crate::policy::bursts::{describe_window, plural};
use crate::tui::app::App;
use crate::tui::format;
use crate::tui::theme::Theme;

/// At most this many lines; the last one says how many more bursts there are.
pub const MAX_LINES: usize = 3;

/// Lines the banner needs (0 without a burst).
pub fn height(app: &App) -> u16 {
    app.bursts().len().min(MAX_LINES) as u16
}

/// The ways to say it, fullest first.
fn sentences(app: &App, burst: &Burst) -> Vec<String> {
    match burst {
        Burst::SameIp {
            ip,
            location,
            lockouts,
            users,
            window,
            latest,
        } => {
            let counts = format!(
                "{}, {}",
                plural(*lockouts, "lockout", "lockouts"),
                plural(*users, "user", "users")
            );
            let what = if *users > 1 { "Spraying" } else { "Repeats" };
            let place = location
                .as_deref()
                .map(|l| format!(" ({l})"))
                .unwrap_or_default();
            let window = describe_window(*window);
            vec![
                format!(" ⚠ {burst} — latest {}", format::relative(app.now, *latest)),
                format!(" ⚠ {burst}"),
                format!(" ⚠ {what}: {counts} from {ip}{place} in {window}"),
                format!(" ⚠ {what}: {counts} from {ip} in {window}"),
                format!(" ⚠ {counts} from {ip}"),
            ]
        }
        Burst::Rate {
            lockouts,
            ips,
            users,
        } => vec![
            format!(" ⚠ {burst}"),
            format!(
                " ⚠ Surge: {}, {}, {} in 1 min",
                plural(*lockouts, "lockout", "lockouts"),
                plural(*users, "user", "users"),
                plural(*ips, "IP", "IPs")
            ),
            format!(
                " ⚠ Surge: {}, {}",
                plural(*lockouts, "lockout", "lockouts"),
                plural(*users, "user", "users")
            ),
        ],
    }
}

/// The fullest sentence that fits `width` (the barest one when none does).
fn fitting(sentences: Vec<String>, width: usize) -> String {
    let last = sentences.last().cloned().unwrap_or_default();
    sentences
        .into_iter()
        .find(|s| s.chars().count() <= width)
        .unwrap_or(last)
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let bursts = app.bursts();
    if bursts.is_empty() || area.height == 0 {
        return;
    }
    let width = usize::from(area.width);
    let shown = if bursts.len() > MAX_LINES {
        MAX_LINES - 1
    } else {
        bursts.len()
    };
    let mut lines: Vec<String> = bursts[..shown]
        .iter()
        .map(|burst| fitting(sentences(app, burst), width))
        .collect();
    if bursts.len() > shown {
        lines.push(fitting(
            vec![
                format!(
                    " ⚠ … and {} more — b lists every burst and its lockouts",
                    bursts.len() - shown
                ),
                format!(" ⚠ … and {} more (b lists them)", bursts.len() - shown),
            ],
            width,
        ));
    } else if let Some(last) = lines.last_mut() {
        // Where there is room, say how to see the lockouts behind the counts.
        let hint = "  (b lists them)";
        if last.chars().count() + hint.len() <= width {
            last.push_str(hint);
        }
    }
    frame.render_widget(
        Paragraph::new(
            lines
                .into_iter()
                .map(|l| inert::line(Line::from(l)))
                .collect::<Vec<_>>(),
        )
        .style(theme.banner),
        area,
    );
}
