//! The bottom lines: poll health, the IdP error when there is one, and key hints from the
//! keymap.

use crate::tui::inert;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::app::App;
use crate::tui::expiries::Tab;
use crate::tui::format;
use crate::tui::keymap::{self, Action, Context};
use crate::tui::panes::expiries::scan_lines;
use crate::tui::theme::Theme;

/// The red line under the health line, when the feed is in trouble.
pub fn error_line(app: &App) -> Option<String> {
    if app.feed_closed() {
        return Some(
            "Lockout feed stopped: the poller ended, so no new lockouts will arrive — restart accessdesk"
                .to_string(),
        );
    }
    let health = app.health();
    if health.consecutive_errors == 0 {
        return None;
    }
    let error = health
        .last_error
        .as_deref()
        .unwrap_or("the last poll failed");
    Some(format!("IdP error: {error}"))
}

/// At most this many lines of error text.
const MAX_ERROR_LINES: usize = 3;

/// The error text wrapped to the terminal's width.
fn error_lines(app: &App) -> Vec<String> {
    let Some(error) = error_line(app) else {
        return Vec::new();
    };
    // One column of margin on the left.
    let width = usize::from(app.size().0.saturating_sub(1));
    let mut lines = format::wrap(&error, width);
    lines.truncate(MAX_ERROR_LINES);
    lines
}

/// Lines the status bar needs: health, the error (0 to 3 lines), the message, key hints (one
/// line, two when the keys that must show do not fit in one).
pub fn height(app: &App) -> u16 {
    let hints = hint_lines(&hints(app), usize::from(app.size().0))
        .len()
        .max(1);
    1 + error_lines(app).len() as u16 + u16::from(app.message().is_some()) + hints as u16
}

/// A key the footer offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hint {
    pub keys: &'static str,
    pub word: &'static str,
    /// 0 is never dropped; higher goes first when the line is too short.
    pub importance: u8,
}

impl Hint {
    fn width(&self) -> usize {
        self.keys.chars().count() + 1 + self.word.chars().count()
    }
}

/// How much a key must stay in the footer. Quitting and help always stay, and so does every
/// key that starts an action or leaves where the agent is: a letter never does something the
/// screen did not say.
fn importance(action: Action) -> u8 {
    match action {
        Action::Quit => 0,
        Action::ShowHelp
        | Action::StartUnlock
        | Action::StartResetPassword
        | Action::StartResetMfa
        | Action::StartVerify
        | Action::Dialog(_)
        | Action::Wait
        | Action::ConfirmQuit
        | Action::CancelQuit
        | Action::CloseUser
        | Action::CloseAudit
        | Action::CloseExpiries
        | Action::CloseFind
        | Action::CloseBursts
        | Action::CloseHelp
        | Action::ClearFilter
        | Action::SubmitFilter
        | Action::OpenMatch
        | Action::BackToInput
        | Action::GoToBurstRow
        | Action::LeaveTraining
        | Action::PhoneApprove
        | Action::PhoneReject
        | Action::PhonePick
        | Action::PassThroughHelp => 1,
        // In demo the phone matters more than the filter's hint (`/` works all the same).
        Action::ToggleTraining => 1,
        Action::StartFilter | Action::NextTab => 2,
        Action::OpenUser | Action::ToggleDetail | Action::OpenBursts => 3,
        Action::ToggleStillLocked
        | Action::ToggleRepeats
        | Action::OpenAudit
        | Action::OpenExpiries
        | Action::CycleSort
        | Action::ReloadProfile
        | Action::ReloadAudit
        | Action::SwitchPane => 4,
        _ => 5,
    }
}

/// On the expiries screen Tab names the tab it goes to.
fn tab_word(app: &App, action: Action) -> Option<&'static str> {
    if action != Action::NextTab {
        return None;
    }
    app.visible_expiries()
        .map(|screen| match screen.tab().other() {
            Tab::Passwords => "passwords",
            Tab::Contractors => "contractors",
        })
}

/// The footer's keys now, from the keymap: the focused context's (and those it inherits),
/// then the demo's (in `demo`), only those the screen offers.
pub fn hints(app: &App) -> Vec<Hint> {
    let context = app.context();
    let mut hints: Vec<Hint> = context
        .chain()
        .flat_map(keymap::bindings)
        .chain(keymap::bindings(Context::Global))
        .chain(keymap::bindings(Context::Demo))
        .filter(|b| app.offers(b.action))
        .filter_map(|b| {
            b.hint.map(|word| Hint {
                keys: b.label,
                word: tab_word(app, b.action).unwrap_or(word),
                importance: importance(b.action),
            })
        })
        .collect();
    // Quit is always the last key on the line.
    hints.sort_by_key(|h| h.importance == 0);
    hints
}

/// Hints on lines of `width` columns: the least important are dropped whole (never cut) until
/// they fit one line; if even the ones that must stay do not, they go on two.
pub fn hint_lines(hints: &[Hint], width: usize) -> Vec<Vec<Hint>> {
    // A leading space, then "keys word" with two spaces after each.
    let line_width = |hints: &[Hint]| 1 + hints.iter().map(|h| h.width() + 2).sum::<usize>();
    let mut kept: Vec<Hint> = hints.to_vec();
    while line_width(&kept) > width + 2 {
        let Some(least) = kept.iter().map(|h| h.importance).filter(|&i| i > 1).max() else {
            break;
        };
        let Some(at) = kept.iter().rposition(|h| h.importance == least) else {
            break;
        };
        kept.remove(at);
    }
    if line_width(&kept) <= width + 2 {
        return vec![kept];
    }
    let mut lines: Vec<Vec<Hint>> = vec![Vec::new()];
    for hint in kept {
        let line = lines.last_mut().expect("one line at least");
        if !line.is_empty() && line_width(line) + hint.width() + 2 > width + 2 {
            lines.push(vec![hint]);
        } else {
            line.push(hint);
        }
    }
    lines
}

fn health_line(app: &App, theme: &Theme) -> Line<'static> {
    let health = app.health();
    let sep = || Span::styled(" · ", theme.dim);
    let mut spans = vec![Span::raw(" ")];
    if !app.options.org_label.is_empty() {
        spans.push(Span::raw(app.options.org_label.clone()));
        spans.push(sep());
    }
    // Every screen says an expiry scan is under way (or failed), early enough to stay on an
    // 80-column line: its data is what `e` shows.
    if let Some((item, failed)) = scan_lines::status_item(app.scan_data()) {
        spans.push(Span::styled(
            item,
            if failed { theme.warn } else { theme.status },
        ));
        spans.push(sep());
    }
    spans.push(Span::raw(format!(
        "every {}",
        format::duration(health.interval)
    )));
    if health.effective_interval != health.interval {
        spans.push(Span::styled(
            format!(
                " (stretched to {})",
                format::duration(health.effective_interval)
            ),
            theme.warn,
        ));
    }
    spans.push(sep());
    spans.push(match health.last_success {
        Some(t) => Span::raw(format!("polled {}", format::relative(app.now, t))),
        None if app.has_polled() => Span::styled("no successful poll yet", theme.warn),
        None => Span::raw("waiting for the first poll"),
    });
    if let Some(rate) = &health.rate_limit {
        spans.push(sep());
        spans.push(Span::styled(
            format!("rate {}/{}", rate.remaining, rate.limit),
            theme.rate_limit(rate),
        ));
    }
    spans.push(sep());
    spans.push(match health.consecutive_errors {
        0 => Span::raw("no errors"),
        1 => Span::styled("1 failed poll", theme.error),
        n => Span::styled(format!("{n} failed polls"), theme.error),
    });
    // Last: on a narrow line the poll's health stays in view.
    if let Some(item) = outbox_item(app, theme) {
        spans.push(sep());
        spans.push(item);
    }
    Line::from(spans).style(theme.status)
}

/// "outbox 2 queued, 1 failed" once the outbox was read (failures in the error colour, an
/// unreadable outbox in the warning colour).
fn outbox_item(app: &App, theme: &Theme) -> Option<Span<'static>> {
    let board = app.notice_board();
    let Some(snapshot) = board.snapshot() else {
        return board
            .error()
            .map(|_| Span::styled("outbox unreadable", theme.warn));
    };
    let counts = snapshot.counts;
    // At 80 columns the health line has room for the numbers, not the words.
    let narrow = app.size().0 < 110;
    let text = match (counts.failed, narrow) {
        (0, false) => format!("outbox {} queued", counts.queued),
        (0, true) => format!("outbox {}", counts.queued),
        (n, false) => format!("outbox {} queued, {n} failed", counts.queued),
        (n, true) => format!("outbox {}, {n} failed", counts.queued),
    };
    Some(if board.error().is_some() {
        Span::styled(format!("{text} (read failed)"), theme.warn)
    } else if counts.failed > 0 {
        Span::styled(text, theme.error)
    } else {
        Span::raw(text)
    })
}

fn hints_lines(app: &App, theme: &Theme) -> Vec<Line<'static>> {
    hint_lines(&hints(app), usize::from(app.size().0))
        .into_iter()
        .map(|line| {
            let mut spans = vec![Span::raw(" ")];
            for (n, hint) in line.iter().enumerate() {
                spans.push(Span::styled(hint.keys, theme.key));
                let gap = if n + 1 == line.len() { "" } else { "  " };
                spans.push(Span::raw(format!(" {}{gap}", hint.word)));
            }
            Line::from(spans).style(theme.status)
        })
        .collect()
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let mut lines = vec![health_line(app, theme)];
    for error in error_lines(app) {
        let padding = usize::from(area.width.saturating_sub(1));
        lines.push(Line::styled(format!(" {error:<padding$}"), theme.error));
    }
    if let Some(message) = app.message() {
        lines.push(Line::styled(format!(" {message}"), theme.warn));
    }
    lines.extend(hints_lines(app, theme));
    // Errors and messages quote the IdP (error summaries, names of users acted on).
    frame.render_widget(Paragraph::new(inert::lines(lines)), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hint(keys: &'static str, word: &'static str, importance: u8) -> Hint {
        Hint {
            keys,
            word,
            importance,
        }
    }

    fn words(lines: &[Vec<Hint>]) -> Vec<Vec<&str>> {
        lines
            .iter()
            .map(|l| l.iter().map(|h| h.word).collect())
            .collect()
    }

    #[test]
    fn the_least_important_hints_go_whole_and_quit_stays_last() {
        let hints = [
            hint("↑/k", "up", 5),
            hint("Enter", "detail", 3),
            hint("u", "unlock", 1),
            hint("a", "audit", 4),
            hint("?", "help", 1),
            hint("q", "quit", 0),
        ];
        assert_eq!(words(&hint_lines(&hints, 200)).len(), 1);
        assert_eq!(
            words(&hint_lines(&hints, 40)),
            [vec!["detail", "unlock", "help", "quit"]]
        );
        assert_eq!(
            words(&hint_lines(&hints, 30)),
            [vec!["unlock", "help", "quit"]]
        );
    }

    #[test]
    fn keys_that_must_show_wrap_to_a_second_line_by_whole_hints() {
        let hints = [
            hint("u", "unlock", 1),
            hint("r", "reset link", 1),
            hint("m", "reset MFA", 1),
            hint("q", "quit", 0),
        ];
        let lines = hint_lines(&hints, 24);
        assert_eq!(
            words(&lines),
            [vec!["unlock", "reset link"], vec!["reset MFA", "quit"]]
        );
    }
}
