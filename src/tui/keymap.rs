//! Key bindings as data. The same table drives dispatch ([`lookup`]), the help overlay
//! ([`bindings`]) and the status bar's key hints ([`hints`]).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where a binding applies. [`Context::Global`] bindings are checked first, everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    Global,
    /// Only in `demo`: the training panel's toggle, checked right after the global keys.
    Demo,
    Feed,
    Filter,
    /// Focus in the directory matches under the filter input.
    Results,
    /// The find-a-user box over the user screen (`/` there).
    Find,
    /// The burst list over the feed (`b`).
    Bursts,
    /// The user screen.
    User,
    /// The verification dialog over the user screen.
    Dialog,
    /// The audit log screen.
    Audit,
    /// The demo's training panel has the focus.
    Training,
    Help,
}

impl Context {
    /// The help overlay's heading for this group.
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Demo => "Demo (training)",
            Context::Feed => "Lockout feed",
            Context::Filter => "Filter input",
            Context::Results => "Directory matches",
            Context::Find => "Find a user (from the user screen)",
            Context::Bursts => "Burst list",
            Context::User => "User screen",
            Context::Dialog => "Verification dialog",
            Context::Audit => "Audit log",
            Context::Training => "Training panel (the caller's phone)",
            Context::Help => "This help",
        }
    }

    /// Help overlay order.
    pub const ALL: [Context; 12] = [
        Context::Feed,
        Context::Filter,
        Context::Results,
        Context::Bursts,
        Context::User,
        Context::Find,
        Context::Dialog,
        Context::Audit,
        Context::Training,
        Context::Demo,
        Context::Help,
        Context::Global,
    ];
}

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    ToggleDetail,
    ReloadUser,
    /// Open the user screen for the selected lockout's user.
    OpenUser,
    /// Move from the filter text into the directory matches.
    FocusResults,
    /// Open the user screen for the selected directory match.
    OpenMatch,
    /// Move from the directory matches back to the filter text.
    BackToInput,
    /// Leave the user screen for the feed.
    CloseUser,
    /// Fetch the open user's profile again.
    ReloadProfile,
    /// Open the verification dialog to unlock the open user.
    StartUnlock,
    /// Open the verification dialog to e-mail the open user a password reset link.
    StartResetPassword,
    /// Open the verification dialog to reset the open user's MFA factors.
    StartResetMfa,
    /// Open the verification dialog to check the caller is the user, changing nothing.
    StartVerify,
    /// Hand the key to the verification dialog.
    DialogKey,
    /// Show the audit log of actions taken.
    OpenAudit,
    /// Read the audit log again.
    ReloadAudit,
    /// Leave the audit log for the screen it was opened from.
    CloseAudit,
    StartFilter,
    /// Open the first directory match (once the search answers); with none, keep the filter.
    SubmitFilter,
    ClearFilter,
    /// Hand the key to the filter's text input.
    EditFilter,
    ShowHelp,
    CloseHelp,
    /// Close the detail pane, else clear the filter.
    CloseOverlay,
    /// Show only users still locked (hide the handled ones), or everyone again.
    ToggleStillLocked,
    /// List the selected user's older lockouts under their row, or fold them back.
    ToggleRepeats,
    /// Open the list of the active bursts and their lockouts.
    OpenBursts,
    /// Close the burst list.
    CloseBursts,
    /// Select the chosen burst lockout's row in the feed.
    GoToBurstRow,
    /// Leave the find-a-user box for the user screen it was opened on.
    CloseFind,
    /// Move the user screen's scrolling between its factors and its activity.
    SwitchPane,
    /// Close the help and pass the key to the screen below (its `/`).
    PassThroughHelp,
    /// Open (and focus) the training panel, focus it, or close it.
    ToggleTraining,
    /// Give the keys back to the screen; the panel stays open.
    LeaveTraining,
    /// Approve the push on the simulated phone.
    PhoneApprove,
    /// Deny the push on the simulated phone.
    PhoneReject,
    /// Tap one of a number-matching push's numbers (by its place, 1–3).
    PhonePick,
    Quit,
}

impl Action {
    /// Actions that change the user at the IdP or send a challenge: off in read-only mode.
    pub fn writes(self) -> bool {
        matches!(
            self,
            Action::StartUnlock
                | Action::StartResetPassword
                | Action::StartResetMfa
                | Action::StartVerify
        )
    }
}

/// One key, or any key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Press(KeyCode, KeyModifiers),
    Any,
}

impl Key {
    const fn plain(code: KeyCode) -> Self {
        Key::Press(code, KeyModifiers::NONE)
    }

    const fn ch(c: char) -> Self {
        Key::Press(KeyCode::Char(c), KeyModifiers::NONE)
    }

    /// Does this binding key match the event? Shift is ignored for characters, because
    /// terminals report `G` or `?` with or without it.
    pub fn matches(&self, event: &KeyEvent) -> bool {
        match self {
            Key::Any => true,
            Key::Press(code, modifiers) => {
                let mut pressed = event.modifiers;
                if matches!(event.code, KeyCode::Char(_)) {
                    pressed.remove(KeyModifiers::SHIFT);
                }
                *code == event.code && *modifiers == pressed
            }
        }
    }
}

/// A row of the keymap.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub context: Context,
    pub keys: &'static [Key],
    /// How the keys are written in help and hints, e.g. "↑/k".
    pub label: &'static str,
    pub action: Action,
    /// What the help overlay says.
    pub description: &'static str,
    /// The status bar's short word for it, when it earns a place there.
    pub hint: Option<&'static str>,
}

const fn bind(
    context: Context,
    keys: &'static [Key],
    label: &'static str,
    action: Action,
    description: &'static str,
    hint: Option<&'static str>,
) -> Binding {
    Binding {
        context,
        keys,
        label,
        action,
        description,
        hint,
    }
}

/// The dashboard's bindings. Within a context the first matching row wins.
pub const KEYMAP: &[Binding] = &[
    bind(
        Context::Global,
        &[Key::Press(KeyCode::Char('c'), KeyModifiers::CONTROL)],
        "Ctrl-C",
        Action::Quit,
        "Quit",
        None,
    ),
    bind(
        Context::Feed,
        &[Key::plain(KeyCode::Up), Key::ch('k')],
        "↑/k",
        Action::Up,
        "Select the newer lockout",
        Some("up"),
    ),
    bind(
        Context::Feed,
        &[Key::plain(KeyCode::Down), Key::ch('j')],
        "↓/j",
        Action::Down,
        "Select the older lockout",
        Some("down"),
    ),
    bind(
        Context::Feed,
        &[Key::plain(KeyCode::PageUp)],
        "PgUp",
        Action::PageUp,
        "One page up",
        None,
    ),
    bind(
        Context::Feed,
        &[Key::plain(KeyCode::PageDown)],
        "PgDn",
        Action::PageDown,
        "One page down",
        None,
    ),
    bind(
        Context::Feed,
        &[Key::ch('g'), Key::plain(KeyCode::Home)],
        "g/Home",
        Action::Top,
        "Newest lockout (the list then follows new arrivals)",
        None,
    ),
    bind(
        Context::Feed,
        &[Key::ch('G'), Key::plain(KeyCode::End)],
        "G/End",
        Action::Bottom,
        "Oldest lockout",
        None,
    ),
    bind(
        Context::Feed,
        &[Key::plain(KeyCode::Enter)],
        "Enter",
        Action::ToggleDetail,
        "Open or close the detail of the selected lockout and its user",
        Some("detail"),
    ),
    bind(
        Context::Feed,
        &[Key::ch('o')],
        "o",
        Action::OpenUser,
        "Open the user screen of the selected lockout's user",
        Some("user"),
    ),
    bind(
        Context::Feed,
        &[Key::ch('R')],
        "R",
        Action::ReloadUser,
        "Reload the selected lockout's user from the IdP",
        None,
    ),
    bind(
        Context::Feed,
        &[Key::ch('u')],
        "u",
        Action::StartUnlock,
        "Unlock its user, after verifying",
        Some("unlock"),
    ),
    bind(
        Context::Feed,
        &[Key::ch('r')],
        "r",
        Action::StartResetPassword,
        "Reset link for its user, after verifying",
        Some("reset link"),
    ),
    bind(
        Context::Feed,
        &[Key::ch('m')],
        "m",
        Action::StartResetMfa,
        "Reset MFA for its user, after verifying",
        Some("reset MFA"),
    ),
    bind(
        Context::Feed,
        &[Key::ch('v')],
        "v",
        Action::StartVerify,
        "Verify its user is the caller, audited",
        Some("verify"),
    ),
    bind(
        Context::Feed,
        &[Key::ch('e')],
        "e",
        Action::ToggleRepeats,
        "List the user's older lockouts under their row (again: fold them)",
        Some("expand"),
    ),
    bind(
        Context::Feed,
        &[Key::ch('l')],
        "l",
        Action::ToggleStillLocked,
        "Still locked only: hide users handled since (or known unlocked); again: show all",
        Some("still locked"),
    ),
    bind(
        Context::Feed,
        &[Key::ch('b')],
        "b",
        Action::OpenBursts,
        "List the active bursts and their lockouts (Enter goes to a row)",
        Some("bursts"),
    ),
    bind(
        Context::Feed,
        &[Key::ch('a')],
        "a",
        Action::OpenAudit,
        "The audit log of actions taken, newest first",
        Some("audit"),
    ),
    bind(
        Context::Feed,
        &[Key::ch('/')],
        "/",
        Action::StartFilter,
        "A new filter by login, name, IP, city, country or reason (Enter keeps the old one)",
        Some("filter"),
    ),
    bind(
        Context::Feed,
        &[Key::ch('?')],
        "?",
        Action::ShowHelp,
        "Show this help",
        Some("help"),
    ),
    bind(
        Context::Feed,
        &[Key::plain(KeyCode::Esc)],
        "Esc",
        Action::CloseOverlay,
        "Close the detail, else clear the filter",
        None,
    ),
    bind(
        Context::Feed,
        &[Key::ch('q')],
        "q",
        Action::Quit,
        "Quit",
        Some("quit"),
    ),
    bind(
        Context::Filter,
        &[Key::plain(KeyCode::Enter)],
        "Enter",
        Action::SubmitFilter,
        "Open the first directory match, else keep the filter",
        Some("open user"),
    ),
    bind(
        Context::Filter,
        &[Key::plain(KeyCode::Esc)],
        "Esc",
        Action::ClearFilter,
        "Clear the filter",
        Some("clear"),
    ),
    bind(
        Context::Filter,
        &[Key::plain(KeyCode::Down), Key::plain(KeyCode::Tab)],
        "↓/Tab",
        Action::FocusResults,
        "Move into the directory matches (from 2 characters)",
        None,
    ),
    bind(
        Context::Filter,
        &[Key::Any],
        "text",
        Action::EditFilter,
        "Edit the filter (←/→, Backspace, Ctrl-U); matches as you type",
        None,
    ),
    bind(
        Context::Results,
        &[Key::plain(KeyCode::Up), Key::ch('k')],
        "↑/k",
        Action::Up,
        "The match above, or the text",
        None,
    ),
    bind(
        Context::Results,
        &[Key::plain(KeyCode::Down), Key::ch('j')],
        "↓/j",
        Action::Down,
        "The match below",
        None,
    ),
    bind(
        Context::Results,
        &[Key::plain(KeyCode::Enter)],
        "Enter",
        Action::OpenMatch,
        "Open the match's user screen",
        Some("open user"),
    ),
    bind(
        Context::Results,
        &[Key::plain(KeyCode::Esc), Key::plain(KeyCode::Tab)],
        "Esc/Tab",
        Action::BackToInput,
        "Back to the filter text",
        Some("back"),
    ),
    bind(
        Context::Find,
        &[Key::plain(KeyCode::Enter)],
        "Enter",
        Action::SubmitFilter,
        "Open the first (or chosen) directory match's user screen",
        Some("open user"),
    ),
    bind(
        Context::Find,
        &[Key::plain(KeyCode::Esc)],
        "Esc",
        Action::CloseFind,
        "Back to the user screen you were on",
        Some("back"),
    ),
    bind(
        Context::Find,
        &[Key::plain(KeyCode::Down), Key::plain(KeyCode::Tab)],
        "↓/Tab",
        Action::FocusResults,
        "Move into the directory matches (from 2 characters)",
        None,
    ),
    bind(
        Context::Find,
        &[Key::Any],
        "text",
        Action::EditFilter,
        "Login, e-mail or name (←/→, Backspace, Ctrl-U); searched as you type",
        None,
    ),
    bind(
        Context::Bursts,
        &[Key::plain(KeyCode::Up), Key::ch('k')],
        "↑/k",
        Action::Up,
        "The lockout above",
        Some("up"),
    ),
    bind(
        Context::Bursts,
        &[Key::plain(KeyCode::Down), Key::ch('j')],
        "↓/j",
        Action::Down,
        "The lockout below",
        Some("down"),
    ),
    bind(
        Context::Bursts,
        &[Key::plain(KeyCode::Enter)],
        "Enter",
        Action::GoToBurstRow,
        "Close the list and select that lockout's row in the feed",
        Some("go to row"),
    ),
    bind(
        Context::Bursts,
        &[Key::plain(KeyCode::Esc), Key::ch('b')],
        "Esc/b",
        Action::CloseBursts,
        "Close the list",
        Some("close"),
    ),
    bind(
        Context::Bursts,
        &[Key::ch('?')],
        "?",
        Action::ShowHelp,
        "Show this help",
        Some("help"),
    ),
    bind(
        Context::User,
        &[Key::plain(KeyCode::Esc)],
        "Esc",
        Action::CloseUser,
        "Back to the lockout feed (on this user's row)",
        Some("back"),
    ),
    bind(
        Context::User,
        &[Key::plain(KeyCode::Up), Key::ch('k')],
        "↑/k",
        Action::Up,
        "Scroll the focused list (factors or activity) up",
        None,
    ),
    bind(
        Context::User,
        &[Key::plain(KeyCode::Down), Key::ch('j')],
        "↓/j",
        Action::Down,
        "Scroll the focused list down",
        Some("scroll"),
    ),
    bind(
        Context::User,
        &[Key::plain(KeyCode::PageUp)],
        "PgUp",
        Action::PageUp,
        "A page up in the focused list",
        None,
    ),
    bind(
        Context::User,
        &[Key::plain(KeyCode::PageDown)],
        "PgDn",
        Action::PageDown,
        "A page down in the focused list",
        None,
    ),
    bind(
        Context::User,
        &[Key::ch('g'), Key::plain(KeyCode::Home)],
        "g/Home",
        Action::Top,
        "Top of the focused list",
        None,
    ),
    bind(
        Context::User,
        &[Key::ch('G'), Key::plain(KeyCode::End)],
        "G/End",
        Action::Bottom,
        "End of the focused list",
        None,
    ),
    bind(
        Context::User,
        &[Key::plain(KeyCode::Tab)],
        "Tab",
        Action::SwitchPane,
        "Scroll the other list (factors ↔ activity)",
        Some("factors/activity"),
    ),
    bind(
        Context::User,
        &[Key::ch('R')],
        "R",
        Action::ReloadProfile,
        "Reload profile and activity",
        Some("reload"),
    ),
    bind(
        Context::User,
        &[Key::ch('u')],
        "u",
        Action::StartUnlock,
        "Unlock, after verifying",
        Some("unlock"),
    ),
    bind(
        Context::User,
        &[Key::ch('r')],
        "r",
        Action::StartResetPassword,
        "Reset link, after verifying",
        Some("reset link"),
    ),
    bind(
        Context::User,
        &[Key::ch('m')],
        "m",
        Action::StartResetMfa,
        "Reset MFA, after verifying",
        Some("reset MFA"),
    ),
    bind(
        Context::User,
        &[Key::ch('v')],
        "v",
        Action::StartVerify,
        "Verify the caller only, audited",
        Some("verify"),
    ),
    bind(
        Context::User,
        &[Key::ch('a')],
        "a",
        Action::OpenAudit,
        "The audit log of actions taken",
        None,
    ),
    bind(
        Context::User,
        &[Key::ch('/')],
        "/",
        Action::StartFilter,
        "Find another user in the directory (Esc comes back here)",
        Some("find user"),
    ),
    bind(
        Context::User,
        &[Key::ch('?')],
        "?",
        Action::ShowHelp,
        "Show this help",
        Some("help"),
    ),
    bind(
        Context::User,
        &[Key::ch('q')],
        "q",
        Action::Quit,
        "Quit",
        Some("quit"),
    ),
    bind(
        Context::Dialog,
        &[Key::plain(KeyCode::Tab)],
        "Tab",
        Action::DialogKey,
        "Next field (checklist, ticket…)",
        Some("next field"),
    ),
    bind(
        Context::Dialog,
        &[Key::ch('p')],
        "p",
        Action::DialogKey,
        "Push to the user's device",
        Some("push"),
    ),
    bind(
        Context::Dialog,
        &[Key::ch('M')],
        "M",
        Action::DialogKey,
        "Push to the manager's device",
        Some("manager push"),
    ),
    bind(
        Context::Dialog,
        &[Key::ch('c')],
        "c",
        Action::DialogKey,
        "One-time code (again: the next factor)",
        Some("code"),
    ),
    bind(
        Context::Dialog,
        &[Key::plain(KeyCode::Enter)],
        "Enter",
        Action::DialogKey,
        "Run, once nothing is missing",
        Some("confirm"),
    ),
    bind(
        Context::Dialog,
        &[Key::plain(KeyCode::Esc)],
        "Esc",
        Action::DialogKey,
        "Cancel; withdraws the push",
        Some("cancel"),
    ),
    bind(
        Context::Dialog,
        &[Key::Any],
        "1-9",
        Action::DialogKey,
        "Tick item; type in a field",
        Some("tick"),
    ),
    bind(
        Context::Audit,
        &[Key::plain(KeyCode::Up), Key::ch('k')],
        "↑/k",
        Action::Up,
        "The newer record",
        Some("up"),
    ),
    bind(
        Context::Audit,
        &[Key::plain(KeyCode::Down), Key::ch('j')],
        "↓/j",
        Action::Down,
        "The older record",
        Some("down"),
    ),
    bind(
        Context::Audit,
        &[Key::plain(KeyCode::PageUp)],
        "PgUp",
        Action::PageUp,
        "One page up",
        None,
    ),
    bind(
        Context::Audit,
        &[Key::plain(KeyCode::PageDown)],
        "PgDn",
        Action::PageDown,
        "One page down",
        None,
    ),
    bind(
        Context::Audit,
        &[Key::ch('g'), Key::plain(KeyCode::Home)],
        "g/Home",
        Action::Top,
        "Newest record",
        None,
    ),
    bind(
        Context::Audit,
        &[Key::ch('G'), Key::plain(KeyCode::End)],
        "G/End",
        Action::Bottom,
        "Oldest record shown",
        None,
    ),
    bind(
        Context::Audit,
        &[Key::plain(KeyCode::Enter)],
        "Enter",
        Action::ToggleDetail,
        "Show or hide the whole record",
        Some("detail"),
    ),
    bind(
        Context::Audit,
        &[Key::ch('R')],
        "R",
        Action::ReloadAudit,
        "Read the log and check its chain again",
        Some("reload"),
    ),
    bind(
        Context::Audit,
        &[Key::plain(KeyCode::Esc)],
        "Esc",
        Action::CloseAudit,
        "Back",
        Some("back"),
    ),
    bind(
        Context::Audit,
        &[Key::ch('?')],
        "?",
        Action::ShowHelp,
        "Show this help",
        Some("help"),
    ),
    bind(
        Context::Audit,
        &[Key::ch('q')],
        "q",
        Action::Quit,
        "Quit",
        Some("quit"),
    ),
    bind(
        Context::Training,
        &[Key::ch('a')],
        "a",
        Action::PhoneApprove,
        "Approve the push, as the caller would (\"Yes, it's me\")",
        Some("approve"),
    ),
    bind(
        Context::Training,
        &[Key::ch('r')],
        "r",
        Action::PhoneReject,
        "Deny the push (\"No, it's not me\")",
        Some("deny"),
    ),
    bind(
        Context::Training,
        &[Key::ch('1'), Key::ch('2'), Key::ch('3')],
        "1-3",
        Action::PhonePick,
        "Number matching: tap the first, second or third number",
        Some("tap number"),
    ),
    bind(
        Context::Training,
        &[Key::plain(KeyCode::Esc)],
        "Esc",
        Action::LeaveTraining,
        "Back to the screen (the panel stays open)",
        Some("back"),
    ),
    bind(
        Context::Training,
        &[Key::ch('?')],
        "?",
        Action::ShowHelp,
        "Show this help",
        Some("help"),
    ),
    bind(
        Context::Demo,
        &[Key::plain(KeyCode::F(2))],
        "F2",
        Action::ToggleTraining,
        "Training panel: the caller's phone (pushes, codes); F2 again focuses, then closes it",
        Some("phone"),
    ),
    bind(
        Context::Help,
        &[Key::plain(KeyCode::Up), Key::ch('k')],
        "↑/k",
        Action::Up,
        "Scroll up",
        Some("scroll"),
    ),
    bind(
        Context::Help,
        &[Key::plain(KeyCode::Down), Key::ch('j')],
        "↓/j",
        Action::Down,
        "Scroll down",
        None,
    ),
    bind(
        Context::Help,
        &[Key::plain(KeyCode::PageUp)],
        "PgUp",
        Action::PageUp,
        "A page up",
        None,
    ),
    bind(
        Context::Help,
        &[Key::plain(KeyCode::PageDown)],
        "PgDn",
        Action::PageDown,
        "A page down",
        None,
    ),
    bind(
        Context::Help,
        &[Key::ch('g'), Key::plain(KeyCode::Home)],
        "g/Home",
        Action::Top,
        "Top",
        None,
    ),
    bind(
        Context::Help,
        &[Key::ch('G'), Key::plain(KeyCode::End)],
        "G/End",
        Action::Bottom,
        "End",
        None,
    ),
    bind(
        Context::Help,
        &[Key::ch('/')],
        "/",
        Action::PassThroughHelp,
        "Close the help and search from the screen below",
        Some("search"),
    ),
    bind(
        Context::Help,
        &[Key::Any],
        "any other key",
        Action::CloseHelp,
        "Close the help (the key does nothing else)",
        Some("closes help"),
    ),
];

/// The bindings of one context, in table order.
pub fn bindings(context: Context) -> impl Iterator<Item = &'static Binding> {
    KEYMAP.iter().filter(move |b| b.context == context)
}

fn find(context: Context, key: &KeyEvent) -> Option<Action> {
    bindings(context)
        .find(|b| b.keys.iter().any(|k| k.matches(key)))
        .map(|b| b.action)
}

/// The action for a key pressed in `context`: global bindings first, then the demo's (the
/// app ignores them outside `demo`), then the context's.
pub fn lookup(context: Context, key: &KeyEvent) -> Option<Action> {
    find(Context::Global, key)
        .or_else(|| find(Context::Demo, key))
        .or_else(|| find(context, key))
}

/// `(keys, word)` pairs for the status bar in `context`.
pub fn hints(context: Context) -> Vec<(&'static str, &'static str)> {
    bindings(context)
        .chain(bindings(Context::Global))
        .filter_map(|b| b.hint.map(|hint| (b.label, hint)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    #[test]
    fn feed_keys_map_to_their_actions() {
        let cases = [
            (key(KeyCode::Up), Action::Up),
            (key(KeyCode::Char('k')), Action::Up),
            (key(KeyCode::Down), Action::Down),
            (key(KeyCode::Char('j')), Action::Down),
            (key(KeyCode::PageUp), Action::PageUp),
            (key(KeyCode::PageDown), Action::PageDown),
            (key(KeyCode::Char('g')), Action::Top),
            (key(KeyCode::Home), Action::Top),
            (key(KeyCode::End), Action::Bottom),
            (key(KeyCode::Enter), Action::ToggleDetail),
            (key(KeyCode::Char('/')), Action::StartFilter),
            (key(KeyCode::Char('?')), Action::ShowHelp),
            (key(KeyCode::Esc), Action::CloseOverlay),
            (key(KeyCode::Char('q')), Action::Quit),
            (ctrl('c'), Action::Quit),
        ];
        for (event, action) in cases {
            assert_eq!(lookup(Context::Feed, &event), Some(action), "{event:?}");
        }
        assert_eq!(lookup(Context::Feed, &key(KeyCode::Char('x'))), None);
        assert_eq!(lookup(Context::Feed, &ctrl('q')), None);
    }

    #[test]
    fn shifted_characters_match_with_or_without_the_shift_flag() {
        let shifted_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(lookup(Context::Feed, &shifted_g), Some(Action::Bottom));
        let bare_g = key(KeyCode::Char('G'));
        assert_eq!(lookup(Context::Feed, &bare_g), Some(Action::Bottom));
        let question = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(lookup(Context::Feed, &question), Some(Action::ShowHelp));
    }

    #[test]
    fn filter_input_takes_plain_letters_including_q() {
        assert_eq!(
            lookup(Context::Filter, &key(KeyCode::Char('q'))),
            Some(Action::EditFilter)
        );
        assert_eq!(
            lookup(Context::Filter, &key(KeyCode::Enter)),
            Some(Action::SubmitFilter)
        );
        assert_eq!(
            lookup(Context::Filter, &key(KeyCode::Esc)),
            Some(Action::ClearFilter)
        );
        assert_eq!(lookup(Context::Filter, &ctrl('c')), Some(Action::Quit));
    }

    #[test]
    fn any_other_key_closes_help_but_ctrl_c_still_quits() {
        for code in [
            KeyCode::Char('q'),
            KeyCode::Esc,
            KeyCode::Enter,
            KeyCode::F(5),
        ] {
            assert_eq!(lookup(Context::Help, &key(code)), Some(Action::CloseHelp));
        }
        assert_eq!(lookup(Context::Help, &ctrl('c')), Some(Action::Quit));
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for context in Context::ALL
            .into_iter()
            .filter(|c| !matches!(c, Context::Global | Context::Demo))
        {
            let keys: Vec<Key> = bindings(context)
                .chain(bindings(Context::Global))
                .chain(bindings(Context::Demo))
                .flat_map(|b| b.keys.iter().copied())
                .collect();
            for (i, a) in keys.iter().enumerate() {
                assert!(
                    !keys[i + 1..].contains(a),
                    "{a:?} bound twice in {context:?}"
                );
            }
        }
    }

    #[test]
    fn every_context_has_a_documented_binding_and_help_lists_them_all() {
        for context in Context::ALL {
            assert!(bindings(context).count() > 0, "{context:?}");
        }
        let listed: usize = Context::ALL.iter().map(|c| bindings(*c).count()).sum();
        assert_eq!(listed, KEYMAP.len());
        assert!(
            KEYMAP
                .iter()
                .all(|b| !b.description.is_empty() && !b.label.is_empty())
        );
    }

    #[test]
    fn hints_come_from_the_table() {
        assert_eq!(
            hints(Context::Feed),
            vec![
                ("↑/k", "up"),
                ("↓/j", "down"),
                ("Enter", "detail"),
                ("o", "user"),
                ("u", "unlock"),
                ("r", "reset link"),
                ("m", "reset MFA"),
                ("v", "verify"),
                ("e", "expand"),
                ("l", "still locked"),
                ("b", "bursts"),
                ("a", "audit"),
                ("/", "filter"),
                ("?", "help"),
                ("q", "quit"),
            ]
        );
        assert_eq!(
            hints(Context::Filter),
            vec![("Enter", "open user"), ("Esc", "clear")]
        );
        assert_eq!(
            hints(Context::User),
            vec![
                ("Esc", "back"),
                ("↓/j", "scroll"),
                ("Tab", "factors/activity"),
                ("R", "reload"),
                ("u", "unlock"),
                ("r", "reset link"),
                ("m", "reset MFA"),
                ("v", "verify"),
                ("/", "find user"),
                ("?", "help"),
                ("q", "quit")
            ]
        );
        assert_eq!(
            hints(Context::Results),
            vec![("Enter", "open user"), ("Esc/Tab", "back")]
        );
        assert_eq!(
            hints(Context::Find),
            vec![("Enter", "open user"), ("Esc", "back")]
        );
    }

    #[test]
    fn every_letter_that_starts_a_dialog_on_the_feed_or_user_screen_is_a_hint() {
        for context in [Context::Feed, Context::User] {
            for binding in bindings(context).filter(|b| b.action.writes()) {
                assert!(binding.hint.is_some(), "{} in {context:?}", binding.label);
            }
        }
    }

    #[test]
    fn f2_toggles_the_training_panel_in_every_context_even_text_fields() {
        let f2 = key(KeyCode::F(2));
        for context in Context::ALL {
            assert_eq!(
                lookup(context, &f2),
                Some(Action::ToggleTraining),
                "{context:?}"
            );
        }
        // Not in the contexts' own hints: the status bar adds it only in demo.
        assert!(!hints(Context::Dialog).iter().any(|(k, _)| *k == "F2"));
    }

    #[test]
    fn the_help_scrolls_passes_slash_and_closes_on_anything_else() {
        assert_eq!(
            lookup(Context::Help, &key(KeyCode::Char('j'))),
            Some(Action::Down)
        );
        assert_eq!(
            lookup(Context::Help, &key(KeyCode::PageDown)),
            Some(Action::PageDown)
        );
        assert_eq!(
            lookup(Context::Help, &key(KeyCode::Char('G'))),
            Some(Action::Bottom)
        );
        assert_eq!(
            lookup(Context::Help, &key(KeyCode::Char('/'))),
            Some(Action::PassThroughHelp)
        );
        assert_eq!(
            lookup(Context::Help, &key(KeyCode::Char('x'))),
            Some(Action::CloseHelp)
        );
    }

    #[test]
    fn user_screen_and_directory_keys() {
        assert_eq!(
            lookup(Context::Feed, &key(KeyCode::Char('o'))),
            Some(Action::OpenUser)
        );
        assert_eq!(
            lookup(Context::User, &key(KeyCode::Esc)),
            Some(Action::CloseUser)
        );
        assert_eq!(
            lookup(Context::User, &key(KeyCode::Char('R'))),
            Some(Action::ReloadProfile)
        );
        assert_eq!(
            lookup(Context::User, &key(KeyCode::Char('j'))),
            Some(Action::Down)
        );
        assert_eq!(
            lookup(Context::User, &key(KeyCode::Char('/'))),
            Some(Action::StartFilter)
        );
        for code in [KeyCode::Down, KeyCode::Tab] {
            assert_eq!(
                lookup(Context::Filter, &key(code)),
                Some(Action::FocusResults)
            );
        }
        assert_eq!(
            lookup(Context::Results, &key(KeyCode::Enter)),
            Some(Action::OpenMatch)
        );
        assert_eq!(
            lookup(Context::Results, &key(KeyCode::Tab)),
            Some(Action::BackToInput)
        );
    }
}
