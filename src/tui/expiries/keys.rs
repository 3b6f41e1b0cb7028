//! Keys on the expiries screen and in its filter. The screen moves its own selection, tabs,
//! sort, filter and detail; what leaves it (the user screen, the reset dialog, the help, back)
//! is an [`Outcome`] the app carries out.

use crossterm::event::KeyEvent;

use super::state::{ExpiriesView, Tab};
use crate::tui::keymap::Action;
use crate::tui::user_view::OpenUser;

/// What a key on the expiries screen asks of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Handled on the screen.
    Stay,
    /// Back to the screen it was opened from.
    Close,
    /// The user screen of this user.
    OpenUser(OpenUser),
    /// The password-reset dialog for this user (through its user screen, like everywhere).
    ResetPassword(OpenUser),
    Help,
    /// The key cannot act here: the sentence for the status bar.
    Say(String),
}

/// Say that the key needs a row, on the tab it was pressed on.
fn no_row(view: &ExpiriesView) -> Outcome {
    Outcome::Say(match view.tab() {
        Tab::Passwords => "No user selected: no password expiry is shown".to_string(),
        Tab::Contractors => "No contractor selected: no contract end is shown".to_string(),
    })
}

/// Apply `action` (pressed as `key`) with `rows` lines on screen.
pub fn on_key(view: &mut ExpiriesView, action: Action, key: KeyEvent, rows: usize) -> Outcome {
    let at = view.selected();
    let rows = rows.max(1);
    match action {
        Action::Up => view.select(at.saturating_sub(1), false, rows),
        Action::Down => view.select(at.saturating_add(1), true, rows),
        Action::PageUp => view.select(at.saturating_sub(rows), false, rows),
        Action::PageDown => view.select(at.saturating_add(rows), true, rows),
        Action::Top => view.select(0, true, rows),
        Action::Bottom => view.select(usize::MAX, false, rows),
        Action::NextTab => view.set_tab(view.tab().other()),
        Action::ShowPasswords => view.set_tab(Tab::Passwords),
        Action::ShowContractors => view.set_tab(Tab::Contractors),
        Action::CycleSort if view.tab() == Tab::Passwords => view.cycle_sort(),
        Action::CycleSort => {
            return Outcome::Say(
                "Contractors are grouped by manager: s sorts the Passwords tab".to_string(),
            );
        }
        Action::ToggleDetail if view.selected_user().is_some() || view.detail_open() => {
            view.toggle_detail();
        }
        Action::OpenUser => {
            return view
                .selected_user()
                .map_or_else(|| no_row(view), Outcome::OpenUser);
        }
        Action::StartResetPassword => {
            return view
                .selected_user()
                .map_or_else(|| no_row(view), Outcome::ResetPassword);
        }
        Action::StartFilter => view.start_filter(),
        Action::SubmitFilter => view.keep_filter(),
        Action::ClearFilter => view.clear_filter(),
        Action::EditFilter => view.edit_filter(key),
        Action::CloseExpiries if view.detail_open() => view.close_detail(),
        Action::CloseExpiries => return Outcome::Close,
        Action::ShowHelp => return Outcome::Help,
        Action::ToggleDetail => return no_row(view),
        _ => {}
    }
    Outcome::Stay
}
