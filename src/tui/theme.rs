//! Every style in one place. With colours off (`NO_COLOR`) no style sets a foreground or
//! background colour; emphasis falls back to bold, reverse and dim.

use ratatui::style::{Color, Modifier, Style};

use crate::audit::Outcome;
use crate::model::{RateLimit, UserStatus};

/// The styles the panes use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    pub title: Style,
    pub simulator: Style,
    pub border: Style,
    pub block_title: Style,
    pub header: Style,
    pub selected: Style,
    pub dim: Style,
    pub label: Style,
    pub banner: Style,
    pub status: Style,
    pub error: Style,
    pub warn: Style,
    pub key: Style,
    pub repeat: Style,
    pub filter: Style,
    /// Something was done (a handled mark, an approved push).
    pub done: Style,
    /// The training panel's frame: it is not part of the real product.
    pub training: Style,
    /// A one-time code on the simulated phone.
    pub code: Style,
}

const BOLD: Modifier = Modifier::BOLD;

impl Theme {
    pub fn new(color: bool) -> Self {
        let plain = Style::new();
        if color {
            Self {
                color,
                title: plain.fg(Color::Cyan).add_modifier(BOLD),
                simulator: plain.fg(Color::Black).bg(Color::Yellow).add_modifier(BOLD),
                border: plain.fg(Color::DarkGray),
                block_title: plain.fg(Color::Cyan).add_modifier(BOLD),
                header: plain.fg(Color::Yellow).add_modifier(BOLD),
                selected: plain.bg(Color::DarkGray).add_modifier(BOLD),
                dim: plain.fg(Color::DarkGray),
                label: plain.fg(Color::Gray),
                banner: plain.fg(Color::White).bg(Color::Red).add_modifier(BOLD),
                status: plain.fg(Color::Gray),
                error: plain.fg(Color::White).bg(Color::Red).add_modifier(BOLD),
                warn: plain.fg(Color::Yellow),
                key: plain.fg(Color::Cyan).add_modifier(BOLD),
                repeat: plain.fg(Color::LightRed).add_modifier(BOLD),
                filter: plain.fg(Color::LightYellow).add_modifier(BOLD),
                done: plain.fg(Color::Green),
                training: plain.fg(Color::Magenta).add_modifier(BOLD),
                code: plain.fg(Color::LightGreen).add_modifier(BOLD),
            }
        } else {
            let reversed = plain.add_modifier(Modifier::REVERSED | BOLD);
            Self {
                color,
                title: plain.add_modifier(BOLD),
                simulator: reversed,
                border: plain,
                block_title: plain.add_modifier(BOLD),
                header: plain.add_modifier(BOLD | Modifier::UNDERLINED),
                selected: plain.add_modifier(Modifier::REVERSED),
                dim: plain.add_modifier(Modifier::DIM),
                label: plain,
                banner: reversed,
                status: plain,
                error: reversed,
                warn: plain.add_modifier(BOLD),
                key: plain.add_modifier(BOLD),
                repeat: plain.add_modifier(BOLD),
                filter: plain.add_modifier(BOLD),
                done: plain,
                training: plain.add_modifier(BOLD),
                code: plain.add_modifier(BOLD),
            }
        }
    }

    /// A user's lifecycle status: locked red, active green, in-between yellow.
    pub fn user_status(&self, status: &UserStatus) -> Style {
        let plain = Style::new().add_modifier(BOLD);
        if !self.color {
            return match status {
                UserStatus::LockedOut | UserStatus::Suspended | UserStatus::Deprovisioned => {
                    plain.add_modifier(Modifier::REVERSED)
                }
                _ => plain,
            };
        }
        let color = match status {
            UserStatus::Active => Color::Green,
            UserStatus::LockedOut | UserStatus::Suspended | UserStatus::Deprovisioned => Color::Red,
            UserStatus::PasswordExpired | UserStatus::Recovery => Color::Yellow,
            UserStatus::Staged | UserStatus::Provisioned => Color::Blue,
            UserStatus::Other(_) => Color::Gray,
        };
        plain.fg(color)
    }

    /// An audit record's outcome: succeeded green, refused yellow, failed red.
    pub fn outcome(&self, outcome: Outcome) -> Style {
        let plain = Style::new().add_modifier(BOLD);
        match (self.color, outcome) {
            (false, Outcome::Failed) => plain.add_modifier(Modifier::REVERSED),
            (false, _) => plain,
            (true, Outcome::Succeeded) => plain.fg(Color::Green),
            (true, Outcome::Refused) => plain.fg(Color::Yellow),
            (true, Outcome::Failed) => plain.fg(Color::Red),
        }
    }

    /// The rate-limit figure: warn below a quarter left, error below a tenth.
    pub fn rate_limit(&self, rate: &RateLimit) -> Style {
        let left = rate.remaining_fraction();
        if left < 0.10 {
            self.error
        } else if left < 0.25 {
            self.warn
        } else {
            self.status
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn styles(theme: &Theme) -> Vec<Style> {
        vec![
            theme.title,
            theme.simulator,
            theme.border,
            theme.block_title,
            theme.header,
            theme.selected,
            theme.dim,
            theme.label,
            theme.banner,
            theme.status,
            theme.error,
            theme.warn,
            theme.key,
            theme.repeat,
            theme.filter,
            theme.done,
            theme.training,
            theme.code,
            theme.user_status(&UserStatus::LockedOut),
            theme.user_status(&UserStatus::Active),
            theme.user_status(&UserStatus::Other("X".into())),
        ]
    }

    #[test]
    fn no_color_theme_sets_no_colours() {
        for style in styles(&Theme::new(false)) {
            assert_eq!(style.fg, None, "{style:?}");
            assert_eq!(style.bg, None, "{style:?}");
        }
    }

    #[test]
    fn colour_theme_marks_locked_red_and_active_green() {
        let theme = Theme::new(true);
        assert_eq!(
            theme.user_status(&UserStatus::LockedOut).fg,
            Some(Color::Red)
        );
        assert_eq!(
            theme.user_status(&UserStatus::Active).fg,
            Some(Color::Green)
        );
        assert_eq!(theme.error.bg, Some(Color::Red));
    }
}
