//! The dialog focus model, enforced: walk every state the verification dialog can be in (each
//! step × focus × push state × code state × ready or blocked, plus its prompts and its busy
//! state), built through `App::update` with the keys and answers an agent would see; in each,
//! press every key the focused context binds — every key its footer advertises among them —
//! and check the key does what its label says, or says why not on the dialog itself. No key
//! is a silent no-op.

use accessdesk::model::{
    ChallengeResult, Factor, FactorKind, Lockout, LockoutKind, User, UserStatus,
};
use accessdesk::policy::gate::{EvidenceKind, PossessionEvidence};
use accessdesk::services::user_profile::UserProfile;
use accessdesk::services::{FeedEvent, PollHealth};
use accessdesk::tickets::{Ticket, TicketPerson, TicketProvider};
use accessdesk::tui::keymap::{self, Action, Context, Key};
use accessdesk::tui::verify_dialog::{Challenge, CodeState, DialogAction, Focus, PushState, Step};
use accessdesk::tui::{App, DashboardOptions, Effect, Msg, view};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::collections::BTreeSet;
use std::time::Duration;

const ALICE: &str = "alice@acme.example";
const ALICE_ID: &str = "00ualice";
const MANAGER_ID: &str = "00uqueen";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 14, 30, 0).unwrap()
}

fn factor(id: &str, kind: FactorKind, device: Option<&str>) -> Factor {
    Factor {
        id: id.into(),
        kind,
        factor_type: String::new(),
        provider: "OKTA".into(),
        status: "ACTIVE".into(),
        device_name: device.map(str::to_string),
        contact: None,
        created: None,
        last_updated: None,
    }
}

/// Whose profile the dialog opens on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    /// A push, an SMS (sent a code), an Okta Verify code (read from the app), a manager.
    Full,
    /// Only a security key and no manager: nothing can prove possession remotely.
    Bare,
}

fn profile(caller: Caller) -> UserProfile {
    let mut user = User {
        id: ALICE_ID.into(),
        status: UserStatus::LockedOut,
        login: ALICE.into(),
        email: Some(ALICE.into()),
        second_email: None,
        first_name: Some("Alice".into()),
        last_name: Some("Liddell".into()),
        display_name: None,
        department: None,
        title: None,
        user_type: None,
        manager: Some("Queen of Hearts".into()),
        manager_id: Some(MANAGER_ID.into()),
        contract_end_date: None,
        created: None,
        status_changed: None,
        last_login: None,
        password_changed: None,
    };
    let mut sms = factor("sms1", FactorKind::Sms, None);
    sms.contact = Some("•••-0199".into());
    let factors = match caller {
        Caller::Full => vec![
            factor("push1", FactorKind::Push, Some("Alice's Pixel")),
            sms,
            factor("ost1", FactorKind::Totp, None),
        ],
        Caller::Bare => {
            user.manager_id = None;
            vec![factor("wa1", FactorKind::WebAuthn, Some("YubiKey"))]
        }
    };
    UserProfile {
        user,
        factors,
        password_policy: None,
        password_expires_at: None,
        password_warn_from: None,
        activity: Vec::new(),
        unreadable: Vec::new(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Push {
    None,
    Sending,
    Waiting,
    Approved,
    ManagerApproved,
    ManagerRejected,
    TimedOut,
    ManagerHasNone,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Code {
    None,
    Sending,
    Entering,
    Checking,
    Wrong,
    Locked,
    Correct,
}

/// With a ticketing system: what its answer for the user's open tickets was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tickets {
    /// No ticketing system: the ticket is a plain field.
    Off,
    Loading,
    Open,
    NoneOpen,
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Overlay {
    None,
    Escalate,
    Quit,
    Running,
}

/// How to reach one dialog state.
#[derive(Debug, Clone, Copy)]
struct Recipe {
    /// The key that opens the dialog: u, r, m (choose factors) or v.
    opens: char,
    caller: Caller,
    /// In the chooser: how many factors are ticked (None: the chooser is left with Enter).
    chooser: Option<usize>,
    prefilled: bool,
    push: Push,
    code: Code,
    focus: Focus,
    overlay: Overlay,
    tickets: Tickets,
}

fn key(app: &mut App, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, modifiers)))
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    key(app, code, KeyModifiers::NONE)
}

fn push_evidence(result: ChallengeResult, manager: bool) -> PossessionEvidence {
    PossessionEvidence {
        kind: if manager {
            EvidenceKind::ManagerPush
        } else {
            EvidenceKind::UserPush
        },
        for_user_id: ALICE_ID.into(),
        approver_id: if manager { MANAGER_ID } else { ALICE_ID }.into(),
        approver_login: if manager { "queen@acme.example" } else { ALICE }.into(),
        factor_id: "push1".into(),
        transaction_id: Some("tx1".into()),
        result,
        at: now(),
    }
}

fn push_done(app: &mut App, result: ChallengeResult, manager: bool) {
    app.update(Msg::PushDone {
        evidence: Some(push_evidence(result.clone(), manager)),
        result,
        message: None,
    });
}

fn code_checked(app: &mut App, result: ChallengeResult) {
    app.update(Msg::CodeChecked {
        evidence: Some(PossessionEvidence {
            kind: EvidenceKind::UserOtp,
            for_user_id: ALICE_ID.into(),
            approver_id: ALICE_ID.into(),
            approver_login: ALICE.into(),
            factor_id: "sms1".into(),
            transaction_id: None,
            result: result.clone(),
            at: now(),
        }),
        result,
        message: None,
    });
}

fn dialog(app: &App) -> &accessdesk::tui::verify_dialog::VerifyDialog {
    app.dialog().expect("the dialog is open")
}

/// Press the key the focused context binds to `action`.
fn act(app: &mut App, action: DialogAction) -> Vec<Effect> {
    let context = app.context();
    let binding = keymap::applicable(context)
        .find(|b| b.action == Action::Dialog(action))
        .unwrap_or_else(|| panic!("{action:?} is not bound in {context:?}"));
    let event = presses(binding.keys)[0];
    app.update(Msg::Key(event))
}

/// Back to the checklist, whatever has the focus.
fn to_checklist(app: &mut App) {
    for _ in 0..6 {
        if dialog(app).focus() == Focus::Checklist {
            return;
        }
        press(app, KeyCode::Tab);
    }
    panic!("the checklist is in the Tab cycle");
}

/// Build the state, or `None` when the recipe does not lead to a distinct reachable state.
fn build(r: &Recipe) -> Option<App> {
    let mut options = DashboardOptions::default();
    if r.tickets != Tickets::Off {
        options.gate.ticket_system = Some(TicketProvider::ServiceNow);
    }
    let mut app = App::new(options, now() - TimeDelta::minutes(5));
    app.update(Msg::Resize {
        width: 120,
        height: 30,
    });
    app.update(Msg::Tick(now()));
    let mut health = PollHealth::new(Duration::from_secs(30));
    health.last_success = Some(now());
    app.update(Msg::Feed(FeedEvent::Lockouts {
        lockouts: vec![Lockout {
            uuid: "uuid-1".into(),
            published: now() - TimeDelta::minutes(1),
            detected_at: now() - TimeDelta::minutes(1),
            kind: LockoutKind::AccountLocked,
            event_type: "user.account.lock".into(),
            reason: "Max sign in attempts exceeded".into(),
            user_id: Some(ALICE_ID.into()),
            login: ALICE.into(),
            display_name: None,
            ip: None,
            city: None,
            state: None,
            country: None,
            browser: None,
            os: None,
            raw_user_agent: None,
            request_id: None,
        }],
        health,
    }));
    press(&mut app, KeyCode::Char(r.opens));
    app.update(Msg::ProfileLoaded {
        key: ALICE_ID.into(),
        result: Ok(Box::new(profile(r.caller))),
    });
    app.dialog()?;
    let open_tickets = match r.tickets {
        Tickets::Off | Tickets::Loading => None,
        Tickets::Open => Some(Ok(vec![ticket("INC0010009"), ticket("INC0010003")])),
        Tickets::NoneOpen => Some(Ok(Vec::new())),
        Tickets::Failed => Some(Err("cannot reach ServiceNow".to_string())),
    };
    if let Some(result) = open_tickets {
        app.update(Msg::OpenTickets {
            user_id: ALICE_ID.into(),
            result,
        });
    }
    if r.opens == 'm' {
        let ticked = r.chooser.unwrap_or(1);
        for _ in 0..ticked {
            press(&mut app, KeyCode::Char(' '));
            press(&mut app, KeyCode::Down);
        }
        if r.chooser.is_some() {
            // The chooser itself: nothing below applies.
            let plain = !r.prefilled
                && r.push == Push::None
                && r.code == Code::None
                && r.focus == Focus::Checklist;
            if !plain {
                return None;
            }
            return apply_overlay(app, r.overlay);
        }
        press(&mut app, KeyCode::Enter);
    }
    if r.prefilled {
        for i in 1..=app.options.gate.checklist.len() {
            press(
                &mut app,
                KeyCode::Char(char::from_digit(i as u32, 10).unwrap()),
            );
        }
        press(&mut app, KeyCode::Tab);
        for c in "INC0012345".chars() {
            press(&mut app, KeyCode::Char(c));
        }
        to_checklist(&mut app);
    }
    match r.push {
        Push::None => {}
        Push::Sending | Push::Waiting | Push::Approved | Push::TimedOut => {
            press(&mut app, KeyCode::Char('p'));
        }
        Push::ManagerApproved | Push::ManagerRejected | Push::ManagerHasNone => {
            press(&mut app, KeyCode::Char('M'));
        }
    }
    if r.push != Push::None && !dialog(&app).push_in_flight() {
        return None; // no device to push to (the notice case is walked from Push::None)
    }
    match r.push {
        Push::Waiting => {
            app.update(Msg::PushWaiting {
                since: now(),
                correct_answer: Some(42),
            });
        }
        Push::Approved => push_done(&mut app, ChallengeResult::Success, false),
        Push::ManagerApproved => push_done(&mut app, ChallengeResult::Success, true),
        Push::ManagerRejected => push_done(&mut app, ChallengeResult::Rejected, true),
        Push::TimedOut => push_done(&mut app, ChallengeResult::Timeout, false),
        Push::ManagerHasNone => {
            app.update(Msg::PushNotSent {
                reason: "the manager (queen@acme.example) has no active Okta Verify push".into(),
                no_push_factor: Some("queen@acme.example".into()),
            });
        }
        Push::None | Push::Sending => {}
    }
    if r.code != Code::None {
        press(&mut app, KeyCode::Char('c'));
        if dialog(&app).otp() == &CodeState::Idle {
            return None; // no code factor (the notice case is walked from Code::None)
        }
    }
    let wrong_codes = match r.code {
        Code::Wrong => 1,
        Code::Locked => 3,
        _ => 0,
    };
    for attempt in 0..wrong_codes {
        if attempt > 0 {
            act(&mut app, DialogAction::Code);
        }
        if matches!(dialog(&app).otp(), CodeState::Sending(_)) {
            app.update(Msg::CodeSent { error: None });
        }
        for c in "000000".chars() {
            press(&mut app, KeyCode::Char(c));
        }
        press(&mut app, KeyCode::Enter);
        code_checked(&mut app, ChallengeResult::Failed);
    }
    match r.code {
        Code::Entering | Code::Checking | Code::Correct => {
            app.update(Msg::CodeSent { error: None });
        }
        _ => {}
    }
    if matches!(r.code, Code::Checking | Code::Correct) {
        for c in "123456".chars() {
            press(&mut app, KeyCode::Char(c));
        }
        press(&mut app, KeyCode::Enter);
    }
    if r.code == Code::Correct {
        code_checked(&mut app, ChallengeResult::Success);
    }
    if r.code == Code::Locked && dialog(&app).otp() != &CodeState::Locked {
        return None;
    }
    // Then the focus, with Tab.
    for _ in 0..6 {
        if dialog(&app).focus() == r.focus {
            break;
        }
        press(&mut app, KeyCode::Tab);
    }
    if dialog(&app).focus() != r.focus {
        return None;
    }
    apply_overlay(app, r.overlay)
}

fn apply_overlay(mut app: App, overlay: Overlay) -> Option<App> {
    match overlay {
        Overlay::None => {}
        Overlay::Escalate => {
            let label = keymap::label_for(app.context(), Action::Dialog(DialogAction::Escalate))?;
            let event = match label.strip_prefix("Alt-") {
                Some(c) => KeyEvent::new(KeyCode::Char(c.chars().next()?), KeyModifiers::ALT),
                None => KeyEvent::new(KeyCode::Char(label.chars().next()?), KeyModifiers::NONE),
            };
            app.update(Msg::Key(event));
            assert_eq!(app.context(), Context::DialogEscalate);
        }
        Overlay::Quit => {
            app.in_flight()?;
            key(&mut app, KeyCode::Char('c'), KeyModifiers::CONTROL);
            assert_eq!(app.context(), Context::QuitConfirm);
        }
        Overlay::Running => {
            let ready = dialog(&app).ready() && dialog(&app).action().is_some();
            if !ready || dialog(&app).focus() != Focus::Button {
                return None;
            }
            let effects = press(&mut app, KeyCode::Enter);
            assert!(
                matches!(effects.as_slice(), [Effect::RunAction(_)]),
                "{effects:?}"
            );
            assert_eq!(app.context(), Context::DialogBusy);
        }
    }
    Some(app)
}

/// What a key could change, read through the public API.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    open: bool,
    context: Context,
    step: Option<Step>,
    focus: Option<Focus>,
    confirmed: BTreeSet<String>,
    fields: (String, String, usize),
    push: Option<PushState>,
    otp: Option<CodeState>,
    notice: Option<String>,
    escalating: bool,
    help: bool,
    quit_prompt: bool,
    message: Option<String>,
    /// The ticket picker: highlight, typing, the number answered for, a ticket being opened.
    tickets: Option<(usize, bool, Option<String>, bool)>,
}

fn seen(app: &App) -> Seen {
    let d = app.dialog();
    Seen {
        open: d.is_some(),
        context: app.context(),
        step: d.map(|d| d.step().clone()),
        focus: d.map(|d| d.focus()),
        confirmed: d.map(|d| d.confirmed().clone()).unwrap_or_default(),
        fields: d
            .map(|d| {
                (
                    d.ticket().value().to_string(),
                    d.note().value().to_string(),
                    d.code().value().chars().count(),
                )
            })
            .unwrap_or_default(),
        push: d.map(|d| d.push().clone()),
        otp: d.map(|d| d.otp().clone()),
        notice: d.and_then(|d| d.notice().map(str::to_string)),
        escalating: d.is_some_and(|d| d.is_escalating()),
        help: app.help_open(),
        quit_prompt: app.quit_prompt_open(),
        message: app.message().map(str::to_string),
        tickets: d.and_then(|d| d.tickets()).map(|t| {
            (
                t.cursor,
                t.typing,
                t.lookup.as_ref().map(|l| l.number().to_string()),
                t.creating,
            )
        }),
    }
}

/// The keys that press a binding's row: each of its keys, every digit of a digit row, and
/// for "any key" a letter and a digit.
fn presses(keys: &[Key]) -> Vec<KeyEvent> {
    keys.iter()
        .flat_map(|k| match *k {
            Key::Press(code, modifiers) => vec![KeyEvent::new(code, modifiers)],
            Key::Digits(modifiers) => ('1'..='9')
                .map(|c| KeyEvent::new(KeyCode::Char(c), modifiers))
                .collect(),
            Key::Any => vec![
                KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE),
                KeyEvent::new(KeyCode::Char('7'), KeyModifiers::NONE),
            ],
        })
        .collect()
}

/// Did the key do what `action` promises? `Err` says what it did instead.
fn kept_its_word(
    action: Action,
    before: &Seen,
    after: &Seen,
    effects: &[Effect],
    checklist_len: usize,
) -> Result<(), String> {
    let noticed = after.notice.is_some() && after.open;
    let effect = |f: &dyn Fn(&Effect) -> bool| effects.iter().any(f);
    let ok = match action {
        Action::Dialog(DialogAction::Tick(n)) => {
            if usize::from(n) < checklist_len {
                after.confirmed != before.confirmed
            } else {
                noticed
            }
        }
        Action::Dialog(DialogAction::Push) => {
            effect(
                &|e| matches!(e, Effect::Challenge(Challenge::SendPush { approver_id, .. }) if approver_id == ALICE_ID),
            ) || (noticed && after.push == before.push)
        }
        Action::Dialog(DialogAction::ManagerPush) => {
            effect(
                &|e| matches!(e, Effect::Challenge(Challenge::SendPush { approver_id, .. }) if approver_id == MANAGER_ID),
            ) || (noticed && after.push == before.push)
        }
        Action::Dialog(DialogAction::Code) => {
            effect(&|e| matches!(e, Effect::Challenge(Challenge::SendCode { .. })))
                || (matches!(after.otp, Some(CodeState::Entering(_)))
                    && after.otp != before.otp
                    && after.focus == Some(Focus::Code))
                || noticed
        }
        Action::Dialog(DialogAction::CheckCode) => {
            effect(&|e| matches!(e, Effect::Challenge(Challenge::CheckCode { .. }))) || noticed
        }
        Action::Dialog(DialogAction::Escalate) => after.escalating && !before.escalating,
        Action::Dialog(DialogAction::RecordEscalation) => {
            effect(&|e| matches!(e, Effect::RecordEscalation { .. }))
        }
        Action::Dialog(DialogAction::CancelEscalation) => before.escalating && !after.escalating,
        Action::Dialog(
            DialogAction::NextField | DialogAction::PrevField | DialogAction::Continue,
        ) => after.focus != before.focus,
        Action::Dialog(DialogAction::Confirm) => {
            effect(&|e| matches!(e, Effect::RunAction(_))) || !after.open || noticed
        }
        Action::Dialog(DialogAction::Close) => {
            let withdrew = !matches!(
                before.push,
                Some(PushState::Sending(_) | PushState::Waiting { .. })
            ) || effect(&|e| *e == Effect::Challenge(Challenge::CancelPush));
            !after.open && withdrew
        }
        Action::Dialog(DialogAction::Text) => after.fields != before.fields,
        Action::Dialog(
            DialogAction::ChooserUp | DialogAction::ChooserDown | DialogAction::ToggleFactor,
        ) => after.step != before.step || noticed,
        Action::Dialog(DialogAction::ChooserContinue) => {
            after.step == Some(Step::Verify) || noticed
        }
        Action::Dialog(DialogAction::TicketUp | DialogAction::TicketDown) => {
            after.tickets.as_ref().map(|t| t.0) != before.tickets.as_ref().map(|t| t.0) || noticed
        }
        Action::Dialog(DialogAction::TakeTicket) => after.fields.0 != before.fields.0 || noticed,
        Action::Dialog(DialogAction::NewTicket) => {
            effect(&|e| matches!(e, Effect::CreateTicket { .. })) || noticed
        }
        Action::Dialog(DialogAction::TypeTicket) => {
            before.context == Context::DialogTicketPick && after.context == Context::DialogField
        }
        Action::Wait => noticed,
        Action::ShowHelp => after.help,
        Action::Quit => {
            effect(&|e| *e == Effect::Quit) || (after.quit_prompt && !before.quit_prompt)
        }
        Action::ConfirmQuit => {
            effect(&|e| *e == Effect::Quit)
                || after
                    .message
                    .as_deref()
                    .is_some_and(|m| m.starts_with("Quitting once"))
        }
        Action::CancelQuit => before.quit_prompt && !after.quit_prompt,
        other => return Err(format!("{other:?} is not a dialog key")),
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "did not do what it says\n before: {before:?}\n after: {after:?}\n effects: {effects:?}"
        ))
    }
}

/// The notice is on the dialog itself, where the agent looks (80×24, the smallest screen).
fn notice_on_screen(app: &mut App, notice: &str) -> bool {
    app.update(Msg::Resize {
        width: 80,
        height: 24,
    });
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|frame| view::draw(frame, app)).unwrap();
    let text: String = terminal
        .backend()
        .to_string()
        .lines()
        .map(|l| l.trim_matches('"').trim_matches(|c| c == '│' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ");
    let words: Vec<&str> = notice.split_whitespace().take(6).collect();
    text.contains(&words.join(" "))
}

fn recipes() -> Vec<Recipe> {
    let mut all = Vec::new();
    let pushes = [
        Push::None,
        Push::Sending,
        Push::Waiting,
        Push::Approved,
        Push::ManagerApproved,
        Push::ManagerRejected,
        Push::TimedOut,
        Push::ManagerHasNone,
    ];
    let codes = [
        Code::None,
        Code::Sending,
        Code::Entering,
        Code::Checking,
        Code::Wrong,
        Code::Locked,
        Code::Correct,
    ];
    let focuses = [
        Focus::Checklist,
        Focus::Ticket,
        Focus::Note,
        Focus::Code,
        Focus::Button,
    ];
    let overlays = [
        Overlay::None,
        Overlay::Escalate,
        Overlay::Quit,
        Overlay::Running,
    ];
    for opens in ['u', 'r', 'm', 'v'] {
        for caller in [Caller::Full, Caller::Bare] {
            for chooser in [Some(0), Some(1), None] {
                if chooser.is_some() && opens != 'm' {
                    continue;
                }
                for prefilled in [false, true] {
                    for push in pushes {
                        for code in codes {
                            for focus in focuses {
                                for overlay in overlays {
                                    all.push(Recipe {
                                        opens,
                                        caller,
                                        chooser,
                                        prefilled,
                                        push,
                                        code,
                                        focus,
                                        overlay,
                                        tickets: Tickets::Off,
                                    });
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    // With a ticketing system, the ticket focus is the user's open tickets in each state of
    // the answer.
    for opens in ['u', 'v'] {
        for push in [Push::None, Push::Approved] {
            for tickets in [
                Tickets::Loading,
                Tickets::Open,
                Tickets::NoneOpen,
                Tickets::Failed,
            ] {
                for overlay in [Overlay::None, Overlay::Quit] {
                    all.push(Recipe {
                        opens,
                        caller: Caller::Full,
                        chooser: None,
                        prefilled: false,
                        push,
                        code: Code::None,
                        focus: Focus::Ticket,
                        overlay,
                        tickets,
                    });
                }
            }
        }
    }
    all
}

fn ticket(number: &str) -> Ticket {
    Ticket {
        provider: TicketProvider::ServiceNow,
        system_id: format!("sys-{number}"),
        number: number.into(),
        kind: "incident".into(),
        state: "New".into(),
        open: true,
        caller: Some(TicketPerson {
            id: "u1".into(),
            email: Some(ALICE.into()),
            name: None,
        }),
        summary: "Locked out".into(),
        created: Some(now() - TimeDelta::hours(1)),
        web_url: None,
    }
}

/// A state's kind: two recipes with the same kind are the same test.
type Kind = (
    Context,
    String,
    String,
    String,
    bool,
    bool,
    char,
    bool,
    String,
);

fn kind(app: &App, r: &Recipe) -> Kind {
    let d = dialog(app);
    let variant = |debug: String| {
        debug
            .split([' ', '(', '{'])
            .next()
            .unwrap_or("")
            .to_string()
    };
    (
        app.context(),
        format!("{:?}", d.focus()),
        variant(format!("{:?}", d.push())),
        variant(format!("{:?}", d.otp())),
        d.ready(),
        d.rejected(),
        r.opens,
        d.dead_end().is_some(),
        format!("{:?}", r.tickets),
    )
}

#[test]
fn every_key_a_dialog_state_binds_does_what_its_label_says_or_says_why_not() {
    let mut kinds = BTreeSet::new();
    let mut contexts = BTreeSet::new();
    let mut pressed = 0usize;
    let mut failures = Vec::new();
    for recipe in recipes() {
        let Some(app) = build(&recipe) else {
            continue;
        };
        if !kinds.insert(format!("{:?}", kind(&app, &recipe))) {
            continue;
        }
        let context = app.context();
        contexts.insert(format!("{context:?}"));
        let checklist_len = app.options.gate.checklist.len();
        let advertised = keymap::hints(context);
        // Every key the app offers here (the demo's F2 only exists in `demo`).
        for binding in keymap::applicable(context).filter(|b| app.offers(b.action)) {
            for event in presses(binding.keys) {
                // Only the key this row is the first match for (an earlier row takes it).
                if keymap::binding_for(context, &event).map(|b| b.label) != Some(binding.label) {
                    continue;
                }
                let mut app = build(&recipe).expect("the recipe is replayable");
                let before = seen(&app);
                let action = binding.action_for(&event);
                let effects = app.update(Msg::Key(event));
                let after = seen(&app);
                pressed += 1;
                let verdict = kept_its_word(action, &before, &after, &effects, checklist_len)
                    .and_then(|()| {
                        match (&after.notice, after.open && after.notice != before.notice) {
                            (Some(notice), true) if !notice_on_screen(&mut app, notice) => {
                                Err(format!("the notice {notice:?} is not on the dialog"))
                            }
                            _ => Ok(()),
                        }
                    });
                if let Err(why) = verdict {
                    let shown = advertised.iter().any(|(label, _)| *label == binding.label);
                    failures.push(format!(
                        "{recipe:?} in {context:?}: {} ({}{}) {why}",
                        binding.label,
                        binding.description,
                        if shown { ", advertised" } else { "" }
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {pressed} keys broke their word:\n{}",
        failures.len(),
        failures[..failures.len().min(12)].join("\n")
    );
    // The walk reached every dialog context a focus can be in.
    for context in [
        Context::DialogChooser,
        Context::DialogChecklist,
        Context::DialogField,
        Context::DialogTicketPick,
        Context::DialogCode,
        Context::DialogConfirm,
        Context::DialogDone,
        Context::DialogEscalate,
        Context::DialogBusy,
        Context::QuitConfirm,
    ] {
        assert!(
            contexts.contains(&format!("{context:?}")),
            "{context:?} never reached: {contexts:?}"
        );
    }
    assert!(kinds.len() > 300, "only {} distinct states", kinds.len());
    assert!(pressed > 3000, "only {pressed} keys pressed");
}

#[test]
fn the_walk_reaches_every_push_and_code_state_both_ready_and_blocked() {
    let mut push_states = BTreeSet::new();
    let mut code_states = BTreeSet::new();
    let mut readiness = BTreeSet::new();
    for recipe in recipes().into_iter().filter(|r| r.overlay == Overlay::None) {
        let Some(app) = build(&recipe) else {
            continue;
        };
        let (_, focus, push, code, ready, ..) = kind(&app, &recipe);
        push_states.insert(push);
        code_states.insert(code);
        readiness.insert((focus, ready));
    }
    for push in ["Idle", "Sending", "Waiting", "Answered", "NotSent"] {
        assert!(push_states.contains(push), "{push}: {push_states:?}");
    }
    for code in ["Idle", "Sending", "Entering", "Checking", "Done", "Locked"] {
        assert!(code_states.contains(code), "{code}: {code_states:?}");
    }
    for focus in ["Checklist", "Ticket", "Note", "Code", "Button"] {
        for ready in [false, true] {
            assert!(
                readiness.contains(&(focus.to_string(), ready)),
                "{focus} ready={ready}: {readiness:?}"
            );
        }
    }
}
