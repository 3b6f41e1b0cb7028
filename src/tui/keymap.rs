//! Key bindings as data. The same table drives dispatch ([`lookup`]), the help overlay
//! ([`bindings`]), the status bar's key hints ([`hints`]) and the keys a dialog names in its
//! own text ([`label_for`]). Each focus of a dialog is a context of its own, so a key is shown
//! only where it works (see the focus model in [`crate::tui::verify_dialog`]).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::verify_dialog::DialogAction;

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
    /// The instructions overlay (`i`): search, choose, confirm, send.
    Instructions,
    /// The user screen.
    User,
    /// The verification dialog's factor chooser (MFA reset, "choose" mode).
    DialogChooser,
    /// The verification dialog with the focus on the checklist.
    DialogChecklist,
    /// The verification dialog with the focus in the ticket or the note field.
    DialogField,
    /// The verification dialog with the focus on the user's open tickets (a ticketing system
    /// is configured): pick one, open one, or type a number.
    DialogTicketPick,
    /// The verification dialog with the focus in the one-time code field.
    DialogCode,
    /// The verification dialog with the focus on the Confirm button (an action).
    DialogConfirm,
    /// The verification dialog with the focus on the Done button (a check of the caller).
    DialogDone,
    /// Keys shared by the dialog's checklist and buttons (where letters are not text).
    DialogKeys,
    /// Keys shared by the dialog's text fields (ticket, note, code): Alt reaches the actions.
    DialogTextKeys,
    /// The dialog's escalation prompt.
    DialogEscalate,
    /// The dialog while its action runs or its escalation is written.
    DialogBusy,
    /// "A push is waiting — quit anyway?"
    QuitConfirm,
    /// The audit log screen.
    Audit,
    /// Typing the audit screen's filter.
    AuditFilter,
    /// The expiries screen (passwords and contractors).
    Expiries,
    /// Typing the expiries screen's filter.
    ExpiriesFilter,
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
            Context::Instructions => "Instructions (send self-service steps to the user)",
            Context::User => "User screen",
            Context::DialogChooser => "Verification dialog · choosing factors",
            Context::DialogChecklist => "Verification dialog · checklist",
            Context::DialogField => "Verification dialog · ticket and note fields",
            Context::DialogTicketPick => "Verification dialog · the user's open tickets",
            Context::DialogCode => "Verification dialog · code field",
            Context::DialogConfirm => "Verification dialog · Confirm button",
            Context::DialogDone => "Verification dialog · Done button",
            Context::DialogKeys => "Verification dialog · outside the text fields",
            Context::DialogTextKeys => "Verification dialog · in the text fields",
            Context::DialogEscalate => "Verification dialog · escalation prompt",
            Context::DialogBusy => "Verification dialog · while it runs",
            Context::QuitConfirm => "Quit prompt",
            Context::Audit => "Audit log",
            Context::AuditFilter => "Audit filter input",
            Context::Expiries => "Expiries screen",
            Context::ExpiriesFilter => "Expiries filter input",
            Context::Training => "Training panel (the caller's phone)",
            Context::Help => "This help",
        }
    }

    /// Help overlay order.
    pub const ALL: [Context; 27] = [
        Context::Feed,
        Context::Filter,
        Context::Results,
        Context::Bursts,
        Context::Instructions,
        Context::User,
        Context::Find,
        Context::DialogChooser,
        Context::DialogChecklist,
        Context::DialogField,
        Context::DialogTicketPick,
        Context::DialogCode,
        Context::DialogConfirm,
        Context::DialogDone,
        Context::DialogKeys,
        Context::DialogTextKeys,
        Context::DialogEscalate,
        Context::DialogBusy,
        Context::QuitConfirm,
        Context::Audit,
        Context::AuditFilter,
        Context::Expiries,
        Context::ExpiriesFilter,
        Context::Training,
        Context::Demo,
        Context::Help,
        Context::Global,
    ];

    /// The contexts of the verification dialog (one per focus, and its prompt and busy state).
    pub const DIALOG: [Context; 11] = [
        Context::DialogChooser,
        Context::DialogChecklist,
        Context::DialogField,
        Context::DialogTicketPick,
        Context::DialogCode,
        Context::DialogConfirm,
        Context::DialogDone,
        Context::DialogKeys,
        Context::DialogTextKeys,
        Context::DialogEscalate,
        Context::DialogBusy,
    ];

    /// One of the verification dialog's contexts.
    pub fn is_dialog(self) -> bool {
        Context::DIALOG.contains(&self)
    }

    /// The context whose rows also apply here, after this one's: a focus's own keys first,
    /// then the keys it shares with the other focuses of its kind.
    pub fn parent(self) -> Option<Context> {
        match self {
            Context::DialogChecklist
            | Context::DialogTicketPick
            | Context::DialogConfirm
            | Context::DialogDone => Some(Context::DialogKeys),
            Context::DialogField | Context::DialogCode => Some(Context::DialogTextKeys),
            _ => None,
        }
    }

    /// This context and the one it inherits from, in lookup order (global rows aside).
    pub fn chain(self) -> impl Iterator<Item = Context> {
        std::iter::once(self).chain(self.parent())
    }
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
    /// One of the verification dialog's actions (text editing included: the key goes to the
    /// focused field).
    Dialog(DialogAction),
    /// A key while the dialog's action runs: the dialog says what it waits for.
    Wait,
    /// In the quit prompt: quit (withdrawing the push in flight).
    ConfirmQuit,
    /// In the quit prompt: stay.
    CancelQuit,
    /// Show the audit log of actions taken.
    OpenAudit,
    /// Read the audit log again, checking the records added since the last check.
    ReloadAudit,
    /// Read the audit log again and check every record of its chain.
    VerifyAuditFully,
    /// Leave the audit log for the screen it was opened from.
    CloseAudit,
    /// Show the expiries screen: passwords about to expire, contracts about to end.
    OpenExpiries,
    /// Close the expiries screen's detail, else leave the screen.
    CloseExpiries,
    /// The expiries screen's other tab.
    NextTab,
    /// The expiries screen's Passwords tab.
    ShowPasswords,
    /// The expiries screen's Contractors tab.
    ShowContractors,
    /// Sort the Passwords tab by the next key (expiry, name, department).
    CycleSort,
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
    /// Open the instructions overlay for the selected (or open) user.
    OpenInstructions,
    /// In the instructions overlay: confirm the chosen one, then send it.
    SendInstruction,
    /// Leave the confirm line, else close the instructions overlay.
    CloseInstructions,
    /// Hand the key to the instructions search.
    EditInstructionSearch,
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

/// One key, any digit 1-9 with these modifiers, or any key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Press(KeyCode, KeyModifiers),
    /// `1` to `9`: the binding's [`DialogAction::Tick`] takes the digit's item.
    Digits(KeyModifiers),
    Any,
}

impl Key {
    const fn plain(code: KeyCode) -> Self {
        Key::Press(code, KeyModifiers::NONE)
    }

    const fn ch(c: char) -> Self {
        Key::Press(KeyCode::Char(c), KeyModifiers::NONE)
    }

    /// Alt and a character (terminals send it as ESC and the character; crossterm reports ALT).
    const fn alt(c: char) -> Self {
        Key::Press(KeyCode::Char(c), KeyModifiers::ALT)
    }

    /// Does this binding key match the event? Shift is ignored for characters and Shift-Tab,
    /// because terminals report `G`, `?` or BackTab with or without it.
    pub fn matches(&self, event: &KeyEvent) -> bool {
        let mut pressed = event.modifiers;
        if matches!(event.code, KeyCode::Char(_) | KeyCode::BackTab) {
            pressed.remove(KeyModifiers::SHIFT);
        }
        match self {
            Key::Any => true,
            Key::Digits(modifiers) => digit(event).is_some() && *modifiers == pressed,
            Key::Press(code, modifiers) => *code == event.code && *modifiers == pressed,
        }
    }
}

/// The checklist item (0-based) a digit key `1`-`9` names.
fn digit(event: &KeyEvent) -> Option<u8> {
    match event.code {
        KeyCode::Char(c @ '1'..='9') => Some(c as u8 - b'1'),
        _ => None,
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

impl Binding {
    /// What pressing `event` on this row does: a `1`-`9` row ticks the item its digit names.
    pub fn action_for(&self, event: &KeyEvent) -> Action {
        match (self.action, digit(event)) {
            (Action::Dialog(DialogAction::Tick(_)), Some(item)) => {
                Action::Dialog(DialogAction::Tick(item))
            }
            (action, _) => action,
        }
    }
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
        &[Key::ch('x')],
        "x",
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
        &[Key::ch('i')],
        "i",
        Action::OpenInstructions,
        "Send self-service instructions to its user (through the outbox)",
        Some("instructions"),
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
        &[Key::ch('e')],
        "e",
        Action::OpenExpiries,
        "Expiries: passwords about to expire (expired first) and contracts about to end",
        Some("expiries"),
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
        Context::Instructions,
        &[Key::plain(KeyCode::Up)],
        "↑",
        Action::Up,
        "The instruction above",
        Some("up"),
    ),
    bind(
        Context::Instructions,
        &[Key::plain(KeyCode::Down)],
        "↓",
        Action::Down,
        "The instruction below",
        Some("down"),
    ),
    bind(
        Context::Instructions,
        &[Key::plain(KeyCode::Enter)],
        "Enter",
        Action::SendInstruction,
        "Confirm (names the user and address), then send",
        Some("send"),
    ),
    bind(
        Context::Instructions,
        &[Key::plain(KeyCode::Esc)],
        "Esc",
        Action::CloseInstructions,
        "Back from the confirm line, else close (sends nothing)",
        Some("close"),
    ),
    bind(
        Context::Instructions,
        &[Key::Any],
        "text",
        Action::EditInstructionSearch,
        "Search words (←/→, Backspace, Ctrl-U)",
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
        &[Key::ch('e')],
        "e",
        Action::OpenExpiries,
        "Expiries: passwords about to expire and contracts about to end (Esc comes back here)",
        None,
    ),
    bind(
        Context::User,
        &[Key::ch('i')],
        "i",
        Action::OpenInstructions,
        "Send self-service instructions to this user (through the outbox)",
        Some("instructions"),
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
    // ---- the verification dialog: one context per focus ----
    bind(
        Context::DialogChooser,
        &[Key::ch(' ')],
        "Space",
        Action::Dialog(DialogAction::ToggleFactor),
        "Tick or untick the factor (shows what goes along)",
        Some("toggle"),
    ),
    bind(
        Context::DialogChooser,
        &[Key::plain(KeyCode::Enter)],
        "Enter",
        Action::Dialog(DialogAction::ChooserContinue),
        "Continue with the ticked factors",
        Some("continue"),
    ),
    bind(
        Context::DialogChooser,
        &[Key::plain(KeyCode::Esc)],
        "Esc",
        Action::Dialog(DialogAction::Close),
        "Cancel: nothing is removed",
        Some("cancel"),
    ),
    bind(
        Context::DialogChooser,
        &[Key::plain(KeyCode::Up), Key::ch('k')],
        "↑/k",
        Action::Dialog(DialogAction::ChooserUp),
        "The factor above",
        None,
    ),
    bind(
        Context::DialogChooser,
        &[Key::plain(KeyCode::Down), Key::ch('j')],
        "↓/j",
        Action::Dialog(DialogAction::ChooserDown),
        "The factor below",
        None,
    ),
    bind(
        Context::DialogChooser,
        &[Key::ch('e')],
        "e",
        Action::Dialog(DialogAction::Escalate),
        "Escalate to security (asks first)",
        None,
    ),
    bind(
        Context::DialogChooser,
        &[Key::ch('?')],
        "?",
        Action::ShowHelp,
        "Show this help",
        None,
    ),
    bind(
        Context::DialogChooser,
        &[Key::ch('q')],
        "q",
        Action::Quit,
        "Quit",
        None,
    ),
    bind(
        Context::DialogChecklist,
        &[Key::plain(KeyCode::Enter)],
        "Enter",
        Action::Dialog(DialogAction::Continue),
        "On to what is still missing, else the button",
        Some("next"),
    ),
    bind(
        Context::DialogTicketPick,
        &[Key::plain(KeyCode::Enter)],
        "Enter",
        Action::Dialog(DialogAction::TakeTicket),
        "Take the highlighted ticket (the newest), then on",
        Some("take"),
    ),
    bind(
        Context::DialogTicketPick,
        &[Key::plain(KeyCode::Up), Key::ch('k')],
        "↑/k",
        Action::Dialog(DialogAction::TicketUp),
        "Highlight the previous open ticket",
        None,
    ),
    bind(
        Context::DialogTicketPick,
        &[Key::plain(KeyCode::Down), Key::ch('j')],
        "↓/j",
        Action::Dialog(DialogAction::TicketDown),
        "Highlight the next open ticket",
        None,
    ),
    bind(
        Context::DialogTicketPick,
        &[Key::ch('n')],
        "n",
        Action::Dialog(DialogAction::NewTicket),
        "Open a ticket for this call (the user as caller)",
        Some("new"),
    ),
    bind(
        Context::DialogTicketPick,
        &[Key::ch('t')],
        "t",
        Action::Dialog(DialogAction::TypeTicket),
        "Type a ticket number instead",
        None,
    ),
    bind(
        Context::DialogConfirm,
        &[Key::plain(KeyCode::Enter)],
        "Enter",
        Action::Dialog(DialogAction::Confirm),
        "Run it once nothing is missing",
        Some("confirm"),
    ),
    bind(
        Context::DialogDone,
        &[Key::plain(KeyCode::Enter)],
        "Enter",
        Action::Dialog(DialogAction::Confirm),
        "Close the check (nothing changes)",
        Some("done"),
    ),
    bind(
        Context::DialogKeys,
        &[Key::Digits(KeyModifiers::NONE)],
        "1-9",
        Action::Dialog(DialogAction::Tick(0)),
        "Tick or untick a checklist item",
        Some("tick"),
    ),
    bind(
        Context::DialogKeys,
        &[Key::ch('p')],
        "p",
        Action::Dialog(DialogAction::Push),
        "Push to the user's Okta Verify",
        Some("push"),
    ),
    bind(
        Context::DialogKeys,
        &[Key::ch('M')],
        "M",
        Action::Dialog(DialogAction::ManagerPush),
        "Push to the manager's Okta Verify",
        Some("manager"),
    ),
    bind(
        Context::DialogKeys,
        &[Key::ch('c')],
        "c",
        Action::Dialog(DialogAction::Code),
        "One-time code (again: the next factor)",
        Some("code"),
    ),
    bind(
        Context::DialogKeys,
        &[Key::ch('e')],
        "e",
        Action::Dialog(DialogAction::Escalate),
        "Escalate to security (asks first)",
        Some("escalate"),
    ),
    bind(
        Context::DialogKeys,
        &[Key::plain(KeyCode::Tab)],
        "Tab",
        Action::Dialog(DialogAction::NextField),
        "Next field, every one in turn",
        None,
    ),
    bind(
        Context::DialogKeys,
        &[Key::plain(KeyCode::BackTab)],
        "S-Tab",
        Action::Dialog(DialogAction::PrevField),
        "Previous field",
        None,
    ),
    bind(
        Context::DialogKeys,
        &[Key::plain(KeyCode::Esc)],
        "Esc",
        Action::Dialog(DialogAction::Close),
        "Close; withdraws a push in flight",
        Some("close"),
    ),
    bind(
        Context::DialogKeys,
        &[Key::ch('?')],
        "?",
        Action::ShowHelp,
        "Show this help",
        None,
    ),
    bind(
        Context::DialogKeys,
        &[Key::ch('q')],
        "q",
        Action::Quit,
        "Quit (asks while a push waits)",
        None,
    ),
    bind(
        Context::DialogField,
        &[Key::plain(KeyCode::Enter)],
        "Enter",
        Action::Dialog(DialogAction::Continue),
        "On to what is still missing, else the button",
        Some("next"),
    ),
    bind(
        Context::DialogField,
        &[Key::alt('c')],
        "Alt-c",
        Action::Dialog(DialogAction::Code),
        "One-time code (again: the next factor)",
        Some("code"),
    ),
    bind(
        Context::DialogCode,
        &[Key::plain(KeyCode::Enter)],
        "Enter",
        Action::Dialog(DialogAction::CheckCode),
        "Check the code the caller read out",
        Some("check"),
    ),
    bind(
        Context::DialogCode,
        &[Key::alt('c')],
        "Alt-c",
        Action::Dialog(DialogAction::Code),
        "A code from the next factor instead",
        Some("next factor"),
    ),
    bind(
        Context::DialogTextKeys,
        &[Key::Digits(KeyModifiers::ALT)],
        "Alt-1-9",
        Action::Dialog(DialogAction::Tick(0)),
        "Tick an item (digits alone are text)",
        None,
    ),
    bind(
        Context::DialogTextKeys,
        &[Key::alt('p')],
        "Alt-p",
        Action::Dialog(DialogAction::Push),
        "Push to the user's Okta Verify",
        Some("push"),
    ),
    bind(
        Context::DialogTextKeys,
        &[Key::alt('m'), Key::alt('M')],
        "Alt-m",
        Action::Dialog(DialogAction::ManagerPush),
        "Push to the manager's Okta Verify",
        Some("manager"),
    ),
    bind(
        Context::DialogTextKeys,
        &[Key::alt('e')],
        "Alt-e",
        Action::Dialog(DialogAction::Escalate),
        "Escalate to security (asks first)",
        None,
    ),
    bind(
        Context::DialogTextKeys,
        &[Key::plain(KeyCode::Tab)],
        "Tab",
        Action::Dialog(DialogAction::NextField),
        "Next field, every one in turn",
        None,
    ),
    bind(
        Context::DialogTextKeys,
        &[Key::plain(KeyCode::BackTab)],
        "S-Tab",
        Action::Dialog(DialogAction::PrevField),
        "Previous field",
        None,
    ),
    bind(
        Context::DialogTextKeys,
        &[Key::plain(KeyCode::Esc)],
        "Esc",
        Action::Dialog(DialogAction::Close),
        "Close; withdraws a push in flight",
        Some("close"),
    ),
    bind(
        Context::DialogTextKeys,
        &[Key::Any],
        "text",
        Action::Dialog(DialogAction::Text),
        "Type (a code shows as bullets); ←/→, Ctrl-U",
        None,
    ),
    bind(
        Context::DialogEscalate,
        &[Key::plain(KeyCode::Enter)],
        "Enter",
        Action::Dialog(DialogAction::RecordEscalation),
        "Write it to the audit log and close",
        Some("record"),
    ),
    bind(
        Context::DialogEscalate,
        &[Key::plain(KeyCode::Esc)],
        "Esc",
        Action::Dialog(DialogAction::CancelEscalation),
        "Back to the dialog, nothing written",
        Some("back"),
    ),
    bind(
        Context::DialogBusy,
        &[Key::ch('q')],
        "q",
        Action::Quit,
        "Quit once it is done (asks first)",
        Some("quit"),
    ),
    bind(
        Context::DialogBusy,
        &[Key::Any],
        "any key",
        Action::Wait,
        "Says what the dialog waits for",
        None,
    ),
    bind(
        Context::QuitConfirm,
        &[Key::ch('y')],
        "y",
        Action::ConfirmQuit,
        "Quit (withdraws the push)",
        Some("quit"),
    ),
    bind(
        Context::QuitConfirm,
        &[Key::ch('n'), Key::plain(KeyCode::Esc)],
        "n/Esc",
        Action::CancelQuit,
        "Stay",
        Some("stay"),
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
        &[Key::ch('/')],
        "/",
        Action::StartFilter,
        "Filter by agent, user, ticket, action or outcome",
        Some("filter"),
    ),
    bind(
        Context::Audit,
        &[Key::ch('R')],
        "R",
        Action::ReloadAudit,
        "Read the log again and check the records added since",
        Some("reload"),
    ),
    bind(
        Context::Audit,
        &[Key::ch('V')],
        "V",
        Action::VerifyAuditFully,
        "Check every record of the chain, from the first",
        Some("check all"),
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
        Context::AuditFilter,
        &[Key::plain(KeyCode::Enter)],
        "Enter",
        Action::SubmitFilter,
        "Keep the filter and go back to the records",
        Some("keep"),
    ),
    bind(
        Context::AuditFilter,
        &[Key::plain(KeyCode::Esc)],
        "Esc",
        Action::ClearFilter,
        "Clear the filter",
        Some("clear"),
    ),
    bind(
        Context::AuditFilter,
        &[Key::plain(KeyCode::Up)],
        "↑",
        Action::Up,
        "The newer matching record",
        None,
    ),
    bind(
        Context::AuditFilter,
        &[Key::plain(KeyCode::Down)],
        "↓",
        Action::Down,
        "The older matching record",
        None,
    ),
    bind(
        Context::AuditFilter,
        &[Key::Any],
        "text",
        Action::EditFilter,
        "Each word must match the agent, user, ticket, action or outcome; \
         agent:, user:, ticket:, action:, outcome: look in one (e.g. outcome:refused)",
        None,
    ),
    bind(
        Context::Expiries,
        &[Key::plain(KeyCode::Up), Key::ch('k')],
        "↑/k",
        Action::Up,
        "The row above",
        Some("up"),
    ),
    bind(
        Context::Expiries,
        &[Key::plain(KeyCode::Down), Key::ch('j')],
        "↓/j",
        Action::Down,
        "The row below",
        Some("down"),
    ),
    bind(
        Context::Expiries,
        &[Key::plain(KeyCode::PageUp)],
        "PgUp",
        Action::PageUp,
        "One page up",
        None,
    ),
    bind(
        Context::Expiries,
        &[Key::plain(KeyCode::PageDown)],
        "PgDn",
        Action::PageDown,
        "One page down",
        None,
    ),
    bind(
        Context::Expiries,
        &[Key::ch('g'), Key::plain(KeyCode::Home)],
        "g/Home",
        Action::Top,
        "First row",
        None,
    ),
    bind(
        Context::Expiries,
        &[Key::ch('G'), Key::plain(KeyCode::End)],
        "G/End",
        Action::Bottom,
        "Last row",
        None,
    ),
    bind(
        Context::Expiries,
        &[Key::plain(KeyCode::Tab), Key::plain(KeyCode::BackTab)],
        "Tab",
        Action::NextTab,
        "The other tab: Passwords ↔ Contractors (Shift-Tab too)",
        Some("other tab"),
    ),
    bind(
        Context::Expiries,
        &[Key::ch('1')],
        "1",
        Action::ShowPasswords,
        "The Passwords tab",
        None,
    ),
    bind(
        Context::Expiries,
        &[Key::ch('2')],
        "2",
        Action::ShowContractors,
        "The Contractors tab",
        None,
    ),
    bind(
        Context::Expiries,
        &[Key::ch('s')],
        "s",
        Action::CycleSort,
        "Sort passwords by expiry, name or department (expired users stay first)",
        Some("sort"),
    ),
    bind(
        Context::Expiries,
        &[Key::plain(KeyCode::Enter)],
        "Enter",
        Action::ToggleDetail,
        "Show or hide the row's detail: how the expiry is computed, its whole reminder or digest schedule",
        Some("detail"),
    ),
    bind(
        Context::Expiries,
        &[Key::ch('o')],
        "o",
        Action::OpenUser,
        "Open the row's user screen (Esc comes back here)",
        Some("user"),
    ),
    bind(
        Context::Expiries,
        &[Key::ch('r')],
        "r",
        Action::StartResetPassword,
        "Reset link for the row's user, after verifying",
        Some("reset link"),
    ),
    bind(
        Context::Expiries,
        &[Key::ch('/')],
        "/",
        Action::StartFilter,
        "Filter by login, name or department (a contractor's manager too)",
        Some("filter"),
    ),
    bind(
        Context::Expiries,
        &[Key::ch('?')],
        "?",
        Action::ShowHelp,
        "Show this help",
        Some("help"),
    ),
    bind(
        Context::Expiries,
        &[Key::plain(KeyCode::Esc), Key::ch('q')],
        "Esc/q",
        Action::CloseExpiries,
        "Close the detail, else back to the screen you came from (Ctrl-C quits)",
        Some("back"),
    ),
    bind(
        Context::ExpiriesFilter,
        &[Key::plain(KeyCode::Enter)],
        "Enter",
        Action::SubmitFilter,
        "Keep the filter and go back to the rows",
        Some("keep"),
    ),
    bind(
        Context::ExpiriesFilter,
        &[Key::plain(KeyCode::Esc)],
        "Esc",
        Action::ClearFilter,
        "Clear the filter",
        Some("clear"),
    ),
    bind(
        Context::ExpiriesFilter,
        &[Key::plain(KeyCode::Up)],
        "↑",
        Action::Up,
        "The matching row above",
        None,
    ),
    bind(
        Context::ExpiriesFilter,
        &[Key::plain(KeyCode::Down)],
        "↓",
        Action::Down,
        "The matching row below",
        None,
    ),
    bind(
        Context::ExpiriesFilter,
        &[Key::Any],
        "text",
        Action::EditFilter,
        "Each word must appear in the login, name or department (or a contractor's manager); rows follow as you type",
        None,
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

/// Every row that applies in `context`, in lookup order: global rows first, then the
/// context's own, then those it inherits ([`Context::parent`]).
pub fn applicable(context: Context) -> impl Iterator<Item = &'static Binding> {
    bindings(Context::Global)
        .chain(bindings(Context::Demo))
        .chain(context.chain().flat_map(bindings))
}

/// The row a key pressed in `context` hits, if any.
pub fn binding_for(context: Context, key: &KeyEvent) -> Option<&'static Binding> {
    applicable(context).find(|b| b.keys.iter().any(|k| k.matches(key)))
}

/// The action for a key pressed in `context`: global bindings first, then the demo's (the
/// app ignores them outside `demo`), then the context's.
pub fn lookup(context: Context, key: &KeyEvent) -> Option<Action> {
    binding_for(context, key).map(|b| b.action_for(key))
}

/// `(keys, word)` pairs for the status bar in `context`.
pub fn hints(context: Context) -> Vec<(&'static str, &'static str)> {
    context
        .chain()
        .flat_map(bindings)
        .chain(bindings(Context::Global))
        .filter_map(|b| b.hint.map(|hint| (b.label, hint)))
        .collect()
}

/// How the key for `action` is written in `context` ("p", "Alt-p"), when one is bound there:
/// a dialog names a key in its text only through this, so it names only keys that work.
/// Any [`DialogAction::Tick`] asks for the `1-9` row.
pub fn label_for(context: Context, action: Action) -> Option<&'static str> {
    let same = |b: &&Binding| match (b.action, action) {
        (Action::Dialog(DialogAction::Tick(_)), Action::Dialog(DialogAction::Tick(_))) => true,
        (bound, wanted) => bound == wanted,
    };
    context
        .chain()
        .flat_map(bindings)
        .chain(bindings(Context::Global))
        .find(same)
        .map(|b| b.label)
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
        assert_eq!(
            lookup(Context::Feed, &key(KeyCode::Char('x'))),
            Some(Action::ToggleRepeats)
        );
        assert_eq!(
            lookup(Context::Feed, &key(KeyCode::Char('e'))),
            Some(Action::OpenExpiries)
        );
        assert_eq!(lookup(Context::Feed, &key(KeyCode::Char('z'))), None);
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
            let keys: Vec<Key> = applicable(context)
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
                ("x", "expand"),
                ("l", "still locked"),
                ("b", "bursts"),
                ("i", "instructions"),
                ("a", "audit"),
                ("e", "expiries"),
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
                ("i", "instructions"),
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
            hints(Context::Audit),
            vec![
                ("↑/k", "up"),
                ("↓/j", "down"),
                ("Enter", "detail"),
                ("/", "filter"),
                ("R", "reload"),
                ("V", "check all"),
                ("Esc", "back"),
                ("?", "help"),
                ("q", "quit")
            ]
        );
        assert_eq!(
            hints(Context::AuditFilter),
            vec![("Enter", "keep"), ("Esc", "clear")]
        );
        assert_eq!(
            hints(Context::Find),
            vec![("Enter", "open user"), ("Esc", "back")]
        );
        assert_eq!(
            hints(Context::Expiries),
            vec![
                ("↑/k", "up"),
                ("↓/j", "down"),
                ("Tab", "other tab"),
                ("s", "sort"),
                ("Enter", "detail"),
                ("o", "user"),
                ("r", "reset link"),
                ("/", "filter"),
                ("?", "help"),
                ("Esc/q", "back")
            ]
        );
        assert_eq!(
            hints(Context::ExpiriesFilter),
            vec![("Enter", "keep"), ("Esc", "clear")]
        );
    }

    #[test]
    fn the_expiries_screen_switches_tabs_with_tab_shift_tab_and_digits() {
        let back_tab = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        for event in [key(KeyCode::Tab), key(KeyCode::BackTab), back_tab] {
            assert_eq!(
                lookup(Context::Expiries, &event),
                Some(Action::NextTab),
                "{event:?}"
            );
        }
        assert_eq!(
            lookup(Context::Expiries, &key(KeyCode::Char('1'))),
            Some(Action::ShowPasswords)
        );
        assert_eq!(
            lookup(Context::Expiries, &key(KeyCode::Char('2'))),
            Some(Action::ShowContractors)
        );
        for code in [KeyCode::Esc, KeyCode::Char('q')] {
            assert_eq!(
                lookup(Context::Expiries, &key(code)),
                Some(Action::CloseExpiries)
            );
        }
        assert_eq!(lookup(Context::Expiries, &ctrl('c')), Some(Action::Quit));
        assert_eq!(
            lookup(Context::User, &key(KeyCode::Char('e'))),
            Some(Action::OpenExpiries)
        );
        // In the filter every letter is text, `q` and `s` included.
        for c in ['q', 's', 'o', 'r', '1', '/'] {
            assert_eq!(
                lookup(Context::ExpiriesFilter, &key(KeyCode::Char(c))),
                Some(Action::EditFilter),
                "{c}"
            );
        }
    }

    #[test]
    fn the_audit_filter_takes_letters_as_text_and_slash_opens_it() {
        assert_eq!(
            lookup(Context::Audit, &key(KeyCode::Char('/'))),
            Some(Action::StartFilter)
        );
        for c in ['q', 'j', 'k', 'R', 'a', '/', ':', '?'] {
            assert_eq!(
                lookup(Context::AuditFilter, &key(KeyCode::Char(c))),
                Some(Action::EditFilter),
                "{c}"
            );
        }
        assert_eq!(
            lookup(Context::AuditFilter, &key(KeyCode::Esc)),
            Some(Action::ClearFilter)
        );
        assert_eq!(
            lookup(Context::AuditFilter, &key(KeyCode::Enter)),
            Some(Action::SubmitFilter)
        );
        assert_eq!(lookup(Context::AuditFilter, &ctrl('c')), Some(Action::Quit));
    }

    #[test]
    fn every_letter_that_starts_a_dialog_on_the_feed_or_user_screen_is_a_hint() {
        for context in [Context::Feed, Context::User, Context::Expiries] {
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
        assert!(!hints(Context::DialogField).iter().any(|(k, _)| *k == "F2"));
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

    fn alt(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT)
    }

    fn dialog(action: DialogAction) -> Option<Action> {
        Some(Action::Dialog(action))
    }

    #[test]
    fn outside_the_text_fields_letters_and_digits_are_dialog_actions() {
        for context in [
            Context::DialogChecklist,
            Context::DialogConfirm,
            Context::DialogDone,
        ] {
            let on = |event: KeyEvent| lookup(context, &event);
            assert_eq!(on(key(KeyCode::Char('p'))), dialog(DialogAction::Push));
            assert_eq!(
                on(key(KeyCode::Char('M'))),
                dialog(DialogAction::ManagerPush)
            );
            assert_eq!(on(key(KeyCode::Char('c'))), dialog(DialogAction::Code));
            assert_eq!(on(key(KeyCode::Char('e'))), dialog(DialogAction::Escalate));
            assert_eq!(on(key(KeyCode::Char('3'))), dialog(DialogAction::Tick(2)));
            assert_eq!(on(key(KeyCode::Char('9'))), dialog(DialogAction::Tick(8)));
            assert_eq!(on(key(KeyCode::Char('0'))), None);
            assert_eq!(on(key(KeyCode::Tab)), dialog(DialogAction::NextField));
            let shift_tab = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
            assert_eq!(on(shift_tab), dialog(DialogAction::PrevField));
            assert_eq!(on(key(KeyCode::Esc)), dialog(DialogAction::Close));
            assert_eq!(on(key(KeyCode::Char('q'))), Some(Action::Quit));
            assert_eq!(on(ctrl('c')), Some(Action::Quit));
        }
        let enter = key(KeyCode::Enter);
        assert_eq!(
            lookup(Context::DialogChecklist, &enter),
            dialog(DialogAction::Continue)
        );
        assert_eq!(
            lookup(Context::DialogConfirm, &enter),
            dialog(DialogAction::Confirm)
        );
        assert_eq!(
            lookup(Context::DialogDone, &enter),
            dialog(DialogAction::Confirm)
        );
    }

    #[test]
    fn in_a_text_field_letters_are_text_and_alt_reaches_the_actions() {
        for context in [Context::DialogField, Context::DialogCode] {
            let on = |event: KeyEvent| lookup(context, &event);
            for c in ['p', 'M', 'c', 'e', 'q', '1', ' ', '?'] {
                assert_eq!(on(key(KeyCode::Char(c))), dialog(DialogAction::Text), "{c}");
            }
            assert_eq!(on(alt('p')), dialog(DialogAction::Push));
            assert_eq!(on(alt('m')), dialog(DialogAction::ManagerPush));
            // Alt-Shift-m arrives as Alt and a capital M.
            let alt_shift_m =
                KeyEvent::new(KeyCode::Char('M'), KeyModifiers::ALT | KeyModifiers::SHIFT);
            assert_eq!(on(alt_shift_m), dialog(DialogAction::ManagerPush));
            assert_eq!(on(alt('c')), dialog(DialogAction::Code));
            assert_eq!(on(alt('e')), dialog(DialogAction::Escalate));
            assert_eq!(on(alt('4')), dialog(DialogAction::Tick(3)));
            assert_eq!(on(ctrl('c')), Some(Action::Quit), "Ctrl-C still quits");
            assert_eq!(on(key(KeyCode::Esc)), dialog(DialogAction::Close));
        }
        assert_eq!(
            lookup(Context::DialogField, &key(KeyCode::Enter)),
            dialog(DialogAction::Continue)
        );
        assert_eq!(
            lookup(Context::DialogCode, &key(KeyCode::Enter)),
            dialog(DialogAction::CheckCode)
        );
    }

    #[test]
    fn the_dialog_hints_name_only_keys_of_the_focus() {
        assert_eq!(
            hints(Context::DialogField),
            vec![
                ("Enter", "next"),
                ("Alt-c", "code"),
                ("Alt-p", "push"),
                ("Alt-m", "manager"),
                ("Esc", "close"),
            ]
        );
        assert_eq!(
            hints(Context::DialogChecklist),
            vec![
                ("Enter", "next"),
                ("1-9", "tick"),
                ("p", "push"),
                ("M", "manager"),
                ("c", "code"),
                ("e", "escalate"),
                ("Esc", "close"),
            ]
        );
        assert_eq!(
            hints(Context::DialogChooser),
            vec![
                ("Space", "toggle"),
                ("Enter", "continue"),
                ("Esc", "cancel")
            ]
        );
        assert_eq!(
            hints(Context::QuitConfirm),
            vec![("y", "quit"), ("n/Esc", "stay")]
        );
        // The status bar has 80 columns at the least: every dialog focus's hints fit.
        for context in Context::DIALOG {
            // As the status bar draws them: " key word  key word  …".
            let width: usize = 1 + hints(context)
                .iter()
                .map(|(k, w)| k.chars().count() + w.chars().count() + 3)
                .sum::<usize>();
            assert!(width <= 80, "{context:?}: {width} columns");
        }
    }

    #[test]
    fn a_dialog_names_a_key_only_where_it_is_bound() {
        let push = Action::Dialog(DialogAction::Push);
        assert_eq!(label_for(Context::DialogChecklist, push), Some("p"));
        assert_eq!(label_for(Context::DialogField, push), Some("Alt-p"));
        assert_eq!(label_for(Context::DialogChooser, push), None);
        let tick = Action::Dialog(DialogAction::Tick(5));
        assert_eq!(label_for(Context::DialogConfirm, tick), Some("1-9"));
        assert_eq!(label_for(Context::DialogCode, tick), Some("Alt-1-9"));
        assert_eq!(
            label_for(Context::DialogDone, Action::Dialog(DialogAction::Confirm)),
            Some("Enter")
        );
        assert_eq!(
            label_for(
                Context::DialogChecklist,
                Action::Dialog(DialogAction::Confirm)
            ),
            None
        );
    }
}
