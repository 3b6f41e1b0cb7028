//! Render snapshots of every verification dialog state at 80×24, 120×30 and 200×50: a fixed
//! clock, fixed data, `TestBackend` + insta. Each state is reached through `App::update` with
//! the keys an agent presses. Accept changes with
//! `INSTA_UPDATE=always cargo test --test dialog_snapshots`, then read the `.snap` files.

use accessdesk::model::{
    Action, ChallengeResult, Factor, FactorKind, Lockout, LockoutKind, RateLimit, User, UserStatus,
};
use accessdesk::policy::gate::{EvidenceKind, PossessionEvidence};
use accessdesk::services::user_profile::UserProfile;
use accessdesk::services::{FeedEvent, PollHealth};
use accessdesk::tickets::{Ticket, TicketPerson, TicketProvider};
use accessdesk::tui::keymap;
use accessdesk::tui::msg::ActionReport;
use accessdesk::tui::{App, DashboardOptions, Effect, Msg, view};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use std::time::Duration;

const SIZES: [(u16, u16); 3] = [(80, 24), (120, 30), (200, 50)];
const ADA: &str = "ada.lovelace@acme.example";
const ADA_ID: &str = "00u0010ada";
/// A code the caller reads out: it must never be on screen.
const CODE: &str = "493817";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 14, 30, 0).unwrap()
}

fn lockout() -> Lockout {
    let published = now() - TimeDelta::minutes(12);
    Lockout {
        uuid: "9f0c1e2a-0000-4000-8000-000000000005".into(),
        published,
        detected_at: published + TimeDelta::seconds(1),
        kind: LockoutKind::AccountLocked,
        event_type: "user.account.lock".into(),
        reason: "Max sign in attempts exceeded".into(),
        user_id: Some(ADA_ID.into()),
        login: ADA.into(),
        display_name: Some("Ada Lovelace".into()),
        ip: Some("198.51.100.23".into()),
        city: Some("Lyon".into()),
        state: None,
        country: Some("France".into()),
        browser: Some("Firefox".into()),
        os: Some("Windows".into()),
        raw_user_agent: None,
        request_id: Some("aZ0005xQ7kLmN".into()),
    }
}

fn healthy() -> PollHealth {
    let mut health = PollHealth::new(Duration::from_secs(30));
    health.last_attempt = Some(now() - TimeDelta::seconds(3));
    health.last_success = Some(now() - TimeDelta::seconds(3));
    health.rate_limit = Some(RateLimit {
        limit: 120,
        remaining: 97,
        reset: now() + TimeDelta::seconds(41),
    });
    health
}

fn factor(id: &str, kind: FactorKind, provider: &str, device: Option<&str>) -> Factor {
    Factor {
        id: id.into(),
        kind,
        factor_type: String::new(),
        provider: provider.into(),
        status: "ACTIVE".into(),
        device_name: device.map(str::to_string),
        contact: None,
        created: Some(now() - TimeDelta::days(60)),
        last_updated: None,
    }
}

/// Ada's factors: Okta Verify (push and its code), an SMS, two Google Authenticator apps
/// enrolled on different days, and a security key.
fn ada_factors() -> Vec<Factor> {
    let mut sms = factor("sms1", FactorKind::Sms, "OKTA", None);
    sms.contact = Some("•••-1337".into());
    let mut old_app = factor("gtotp1", FactorKind::Totp, "GOOGLE", None);
    old_app.created = Some(Utc.with_ymd_and_hms(2024, 5, 2, 9, 0, 0).unwrap());
    let mut new_app = factor("gtotp2", FactorKind::Totp, "GOOGLE", None);
    new_app.created = Some(Utc.with_ymd_and_hms(2026, 1, 20, 9, 0, 0).unwrap());
    vec![
        factor("push1", FactorKind::Push, "OKTA", Some("Ada's iPhone")),
        factor("ost1", FactorKind::Totp, "OKTA", None),
        sms,
        old_app,
        new_app,
        factor("wa1", FactorKind::WebAuthn, "FIDO", Some("YubiKey 5C")),
    ]
}

fn ada_user() -> User {
    User {
        id: ADA_ID.into(),
        status: UserStatus::LockedOut,
        login: ADA.into(),
        email: Some(ADA.into()),
        second_email: None,
        first_name: Some("Ada".into()),
        last_name: Some("Lovelace".into()),
        display_name: Some("Ada Lovelace".into()),
        department: Some("Analytical Engines".into()),
        title: Some("Principal Engineer".into()),
        user_type: Some("employee".into()),
        manager: Some("Charles Babbage".into()),
        manager_id: Some("00u0001cha".into()),
        contract_end_date: None,
        created: Some(now() - TimeDelta::days(900)),
        status_changed: Some(now() - TimeDelta::minutes(12)),
        last_login: Some(now() - TimeDelta::hours(26)),
        password_changed: Some(now() - TimeDelta::days(51)),
    }
}

fn ada_profile() -> UserProfile {
    UserProfile {
        user: ada_user(),
        factors: ada_factors(),
        password_policy: Some("Default Policy".into()),
        password_expires_at: Some(now() + TimeDelta::days(8)),
        password_warn_from: Some(now() - TimeDelta::days(6)),
        activity: Vec::new(),
        unreadable: Vec::new(),
    }
}

fn options() -> DashboardOptions {
    DashboardOptions {
        org_label: "acme.okta.com".into(),
        agent_name: "agent.smith".into(),
        ..DashboardOptions::default()
    }
}

fn key(app: &mut App, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, modifiers)))
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    key(app, code, KeyModifiers::NONE)
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// Ada's lockout selected in the feed, `action` pressed (her user screen opens) and her
/// profile loaded: the dialog is open.
fn dialog(action: char) -> App {
    dialog_with(options(), action)
}

fn dialog_with(options: DashboardOptions, action: char) -> App {
    let mut app = App::new(options, now() - TimeDelta::minutes(5));
    app.update(Msg::Tick(now()));
    app.update(Msg::Feed(FeedEvent::Lockouts {
        lockouts: vec![lockout()],
        health: healthy(),
    }));
    let effects = press(&mut app, KeyCode::Char(action));
    assert!(
        effects.contains(&Effect::LoadProfile(ADA_ID.into())),
        "{effects:?}"
    );
    app.update(Msg::ProfileLoaded {
        key: ADA_ID.into(),
        result: Ok(Box::new(ada_profile())),
    });
    assert!(app.dialog().is_some(), "the dialog is open");
    app
}

/// Tick the whole checklist and type a valid ticket; Enter leaves the focus on the button.
fn fill_in(app: &mut App) {
    for i in 1..=app.options.gate.checklist.len() {
        press(app, KeyCode::Char(char::from_digit(i as u32, 10).unwrap()));
    }
    press(app, KeyCode::Enter);
    type_text(app, "INC0012345");
    press(app, KeyCode::Enter);
}

fn push_answer(app: &mut App, result: ChallengeResult, manager: bool) {
    let (kind, approver_id, approver_login) = if manager {
        (
            EvidenceKind::ManagerPush,
            "00u0001cha",
            "charles.babbage@acme.example",
        )
    } else {
        (EvidenceKind::UserPush, ADA_ID, ADA)
    };
    app.update(Msg::PushDone {
        evidence: Some(PossessionEvidence {
            kind,
            for_user_id: ADA_ID.into(),
            approver_id: approver_id.into(),
            approver_login: approver_login.into(),
            factor_id: "push1".into(),
            transaction_id: Some("v2mst.tx".into()),
            result: result.clone(),
            at: now(),
        }),
        result,
        message: None,
    });
}

fn draw(app: &mut App, (width, height): (u16, u16)) -> Terminal<TestBackend> {
    app.update(Msg::Resize { width, height });
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| view::draw(frame, app)).unwrap();
    terminal
}

fn screen_text(terminal: &Terminal<TestBackend>) -> String {
    terminal.backend().to_string()
}

/// The style of the first cell of `needle` on screen.
fn style_of(terminal: &Terminal<TestBackend>, needle: &str) -> (Color, Color) {
    let buffer = terminal.backend().buffer();
    let area = buffer.area;
    for y in area.top()..area.bottom() {
        let line: String = (area.left()..area.right())
            .map(|x| buffer[(x, y)].symbol().to_string())
            .collect();
        if let Some(byte) = line.find(needle) {
            let x = line[..byte].chars().count() as u16;
            let cell = &buffer[(x, y)];
            return (cell.fg, cell.bg);
        }
    }
    panic!("{needle:?} not on screen:\n{}", screen_text(terminal));
}

/// What must hold on every dialog screen: the status bar names every key of the focused
/// context in full, the dialog's bottom border only whole hints, no code digit shows, and
/// (outside the chooser) the button is on screen.
fn check_screen(app: &App, terminal: &Terminal<TestBackend>, name: &str) {
    let text = screen_text(terminal);
    let rows: Vec<&str> = text.lines().collect();
    let status = rows.last().unwrap();
    let dialog_keys = app.context().is_dialog() || app.quit_prompt_open();
    for (keys, word) in keymap::hints(app.context())
        .into_iter()
        .filter(|_| dialog_keys)
    {
        assert!(
            status.contains(&format!("{keys} {word}")),
            "{name}: the status bar cut \"{keys} {word}\":\n{text}"
        );
    }
    if let Some(footer) = dialog_footer(&rows) {
        assert!(
            !footer.trim_matches('─').is_empty(),
            "{name}: no keys on the dialog"
        );
        for (keys, word) in keymap::hints(app.context()) {
            if footer.contains(&format!(" {keys} ")) {
                assert!(
                    footer.contains(&format!(" {keys} {word} ")),
                    "{name}: the dialog's footer cut \"{keys} {word}\":\n{text}"
                );
            }
        }
    }
    assert!(!text.contains(CODE), "{name}: a code on screen:\n{text}");
    if let Some(dialog) = app.dialog()
        && dialog.action() != Some(&Action::ResetFactors { factor_ids: vec![] })
        && !app.quit_prompt_open()
        && !dialog.is_escalating()
        && !app.help_open()
    {
        assert!(
            ["[ Confirm", "[ Done", "Running…", "Recording"]
                .iter()
                .any(|b| text.contains(b)),
            "{name}: the button is not on screen:\n{text}"
        );
    }
}

/// The dialog's bottom border, between its corners: the row below its title whose cell in
/// the title's corner column is `└`.
fn dialog_footer(rows: &[&str]) -> Option<String> {
    let grid: Vec<Vec<char>> = rows
        .iter()
        .map(|r| r.trim_matches('"').chars().collect())
        .collect();
    let (top, left) = grid.iter().enumerate().find_map(|(y, row)| {
        let title: Vec<char> = "┌ Verify ".chars().collect();
        row.windows(title.len())
            .position(|w| w == title.as_slice())
            .map(|x| (y, x))
    })?;
    let bottom = (top + 1..grid.len()).find(|y| grid[*y].get(left) == Some(&'└'))?;
    let row = &grid[bottom];
    let right = (left + 1..row.len()).find(|x| row[*x] == '┘')?;
    Some(row[left + 1..right].iter().collect())
}

/// Snapshot `app` at every size, checking each screen; returns the 80×24 text.
fn snapshot_all(app: &mut App, name: &str) -> String {
    let mut small = String::new();
    for size in SIZES {
        let terminal = draw(app, size);
        let shot = format!("{name}_{}x{}", size.0, size.1);
        check_screen(app, &terminal, &shot);
        insta::assert_snapshot!(shot, terminal.backend());
        if size == SIZES[0] {
            small = screen_text(&terminal);
        }
    }
    small
}

/// Every size's screen text.
fn texts(app: &mut App) -> Vec<String> {
    SIZES
        .iter()
        .map(|size| screen_text(&draw(app, *size)))
        .collect()
}

#[test]
fn chooser_tells_same_type_factors_apart_and_shows_what_goes_along() {
    let mut app = dialog('m');
    assert_eq!(app.context(), keymap::Context::DialogChooser);
    press(&mut app, KeyCode::Char(' '));
    snapshot_all(&mut app, "chooser");
    for text in texts(&mut app) {
        assert!(
            text.contains("[x] Okta Verify push (Ada's iPhone)"),
            "{text}"
        );
        assert!(
            text.contains("[+] Okta Verify code — goes with Okta Verify push"),
            "{text}"
        );
        assert!(
            text.contains("Authenticator code (enrolled 2024-05-02)"),
            "{text}"
        );
        assert!(
            text.contains("Authenticator code (enrolled 2026-01-20)"),
            "{text}"
        );
        assert!(text.contains("Space toggle") && text.contains("Enter continue"));
        assert!(text.contains("Removing Okta Verify push (Ada's iPhone) also removes"));
    }
}

#[test]
fn chooser_with_nothing_ticked_says_so_on_enter() {
    let mut app = dialog('m');
    press(&mut app, KeyCode::Enter);
    let text = snapshot_all(&mut app, "chooser_nothing_ticked");
    assert!(
        text.contains("Nothing is ticked: Space ticks the factor under the cursor"),
        "{text}"
    );
}

#[test]
fn checklist_focus() {
    let mut app = dialog('u');
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Char('3'));
    snapshot_all(&mut app, "checklist_focus");
    for text in texts(&mut app) {
        assert!(text.contains("Checklist — 1-9 ticks an item"), "{text}");
        assert!(
            text.contains("p: the user's Okta Verify push (Ada's iPhone)"),
            "{text}"
        );
        assert!(text.contains("[ Confirm: blocked ]"));
    }
}

#[test]
fn ticket_focus_names_the_alt_keys_and_the_expected_form() {
    let mut app = dialog('u');
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "inc12");
    snapshot_all(&mut app, "ticket_focus");
    for text in texts(&mut app) {
        assert!(text.contains("[inc12▏]"), "{text}");
        assert!(text.contains("Alt-p push"), "the footer says how: {text}");
        assert!(
            text.contains("Alt-p: the user's Okta Verify push"),
            "{text}"
        );
        assert!(text.contains("Checklist — Alt-1-9 ticks an item"), "{text}");
        // The gate's own words for the ticket, under the field.
        assert!(
            text.contains("does not match") || text.contains("INC"),
            "{text}"
        );
        assert!(
            !text.contains(" p: the user's"),
            "no plain p where p is text"
        );
    }
}

#[test]
fn code_entry_shows_bullets_only() {
    let mut app = dialog('u');
    fill_in(&mut app);
    press(&mut app, KeyCode::Char('c'));
    app.update(Msg::CodeSent { error: None });
    type_text(&mut app, CODE);
    let text = snapshot_all(&mut app, "code_entry");
    assert!(text.contains("[••••••▏]"), "{text}");
    assert!(text.contains("Enter check"), "{text}");
}

#[test]
fn push_waiting_with_number_match() {
    let mut app = dialog('u');
    fill_in(&mut app);
    press(&mut app, KeyCode::Char('p'));
    app.update(Msg::PushWaiting {
        since: now() - TimeDelta::seconds(14),
        correct_answer: Some(37),
    });
    let text = snapshot_all(&mut app, "push_waiting");
    assert!(
        text.contains("waiting for the user's device — 14s, gives up in 106s"),
        "{text}"
    );
    assert!(text.contains("The caller must pick 37"), "{text}");
}

#[test]
fn approved_with_the_focus_on_the_checklist() {
    let mut app = dialog('u');
    press(&mut app, KeyCode::Char('p'));
    push_answer(&mut app, ChallengeResult::Success, false);
    let text = snapshot_all(&mut app, "approved");
    assert!(
        text.contains("Push: APPROVED ✓ on the USER's device"),
        "{text}"
    );
    assert!(text.contains("Possession proven now"), "{text}");
}

#[test]
fn rejected_by_the_manager() {
    let mut app = dialog('u');
    fill_in(&mut app);
    press(&mut app, KeyCode::Char('M'));
    push_answer(&mut app, ChallengeResult::Rejected, true);
    let mut terminal = draw(&mut app, (120, 30));
    let text = screen_text(&terminal);
    assert!(
        text.contains("The MANAGER's push (charles.babbage@acme.example) was REJECTED"),
        "{text}"
    );
    assert_eq!(style_of(&terminal, "The MANAGER's push").1, Color::Red);
    terminal = draw(&mut app, (80, 24));
    assert!(screen_text(&terminal).contains("escalate"));
    snapshot_all(&mut app, "rejected_by_manager");
}

#[test]
fn blocked_confirm_says_why_on_the_dialog() {
    let mut app = dialog('u');
    press(&mut app, KeyCode::Char('1'));
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab);
    }
    press(&mut app, KeyCode::Enter);
    let text = snapshot_all(&mut app, "blocked_confirm");
    assert!(
        text.contains("Confirm is blocked — still missing:"),
        "{text}"
    );
    assert!(text.contains("[ Confirm: blocked ]"));
}

#[test]
fn ready() {
    let mut app = dialog('u');
    fill_in(&mut app);
    key(&mut app, KeyCode::Char('p'), KeyModifiers::NONE);
    push_answer(&mut app, ChallengeResult::Success, false);
    let text = snapshot_all(&mut app, "ready");
    assert!(text.contains("Nothing missing: the gate passes"), "{text}");
    assert!(text.contains("[ Confirm: Enter ]"), "{text}");
}

#[test]
fn reset_preview_says_what_goes_along() {
    let mut app = dialog('m');
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Enter);
    let text = snapshot_all(&mut app, "reset_preview");
    assert!(
        text.contains("Remove 2 factors: Okta Verify push (Ada's iPhone), Okta Verify code"),
        "{text}"
    );
    assert!(text.contains("also removes: Okta Verify code"), "{text}");
}

#[test]
fn running() {
    let mut app = dialog('u');
    fill_in(&mut app);
    press(&mut app, KeyCode::Char('p'));
    push_answer(&mut app, ChallengeResult::Success, false);
    let effects = press(&mut app, KeyCode::Enter);
    assert!(matches!(effects.as_slice(), [Effect::RunAction(_)]));
    press(&mut app, KeyCode::Char('x'));
    let text = snapshot_all(&mut app, "running");
    assert!(text.contains("Running…"), "{text}");
    assert!(text.contains("on its way to the IdP"), "{text}");
}

#[test]
fn escalation_prompt_then_recorded() {
    let mut app = dialog('u');
    press(&mut app, KeyCode::Char('p'));
    push_answer(&mut app, ChallengeResult::Rejected, false);
    press(&mut app, KeyCode::Char('e'));
    let text = snapshot_all(&mut app, "escalate_prompt");
    assert!(text.contains("Escalate to security"), "{text}");
    assert!(text.contains("Enter record"), "{text}");
    let effects = press(&mut app, KeyCode::Enter);
    assert!(matches!(
        effects.as_slice(),
        [Effect::RecordEscalation { .. }]
    ));
    app.update(Msg::EscalationRecorded {
        user_id: ADA_ID.into(),
        result: Ok(9),
    });
    assert!(app.dialog().is_none());
    let text = snapshot_all(&mut app, "escalate_recorded");
    assert!(
        text.contains(&format!(
            "Escalation to security recorded for {ADA} (audit #9)"
        )),
        "{text}"
    );
}

#[test]
fn quit_confirm_while_a_push_waits() {
    let mut app = dialog('u');
    press(&mut app, KeyCode::Char('p'));
    app.update(Msg::PushWaiting {
        since: now(),
        correct_answer: None,
    });
    assert!(press(&mut app, KeyCode::Char('q')).is_empty());
    let text = snapshot_all(&mut app, "quit_confirm");
    assert!(text.contains("quit anyway?"), "{text}");
    assert!(
        text.contains("y quit") && text.contains("n/Esc stay"),
        "{text}"
    );
}

#[test]
fn verify_caller_done() {
    let mut app = dialog('v');
    press(&mut app, KeyCode::Char('p'));
    push_answer(&mut app, ChallengeResult::Success, false);
    press(&mut app, KeyCode::Enter);
    let text = snapshot_all(&mut app, "verify_done");
    assert!(text.contains("[ Done: Enter ]"), "{text}");
    assert!(text.contains("The caller is verified"), "{text}");
}

#[test]
fn cannot_be_verified_remotely() {
    let mut app = App::new(options(), now() - TimeDelta::minutes(5));
    app.update(Msg::Tick(now()));
    app.update(Msg::Feed(FeedEvent::Lockouts {
        lockouts: vec![lockout()],
        health: healthy(),
    }));
    press(&mut app, KeyCode::Char('v'));
    let mut profile = ada_profile();
    profile.user.manager_id = None;
    profile.factors = vec![factor(
        "wa1",
        FactorKind::WebAuthn,
        "FIDO",
        Some("YubiKey 5C"),
    )];
    app.update(Msg::ProfileLoaded {
        key: ADA_ID.into(),
        result: Ok(Box::new(profile)),
    });
    let text = snapshot_all(&mut app, "cannot_verify_remotely");
    assert!(text.contains("cannot be verified remotely"), "{text}");
    assert!(text.contains("e escalate"), "{text}");
}

#[test]
fn outcome_names_what_was_removed() {
    let mut app = dialog('m');
    let report = ActionReport {
        action: Action::ResetFactors {
            factor_ids: vec!["push1".into()],
        },
        user_id: ADA_ID.into(),
        login: ADA.into(),
        at: now(),
        result: Ok(format!("{ADA}: done, factors now 4 (audit #7)")),
        audit_seq: Some(7),
        removed: ada_factors()[..2].to_vec(),
    };
    app.update(Msg::ActionDone {
        key: ADA_ID.into(),
        report,
    });
    let text = screen_text(&draw(&mut app, (120, 30)));
    assert!(
        text.contains("removed: Okta Verify push (Ada's iPhone), Okta Verify code"),
        "{text}"
    );
}

#[test]
fn help_in_the_dialog_lists_the_focus_keys_first() {
    let mut app = dialog('u');
    press(&mut app, KeyCode::Char('?'));
    assert!(app.help_open());
    let text = snapshot_all(&mut app, "help_over_checklist");
    assert!(text.contains("Verification dialog · checklist"), "{text}");
    press(&mut app, KeyCode::Esc);
    assert!(!app.help_open());
    assert_eq!(
        app.context(),
        keymap::Context::DialogChecklist,
        "back where it was"
    );
}

fn ticket(number: &str, summary: &str, hours_ago: i64) -> Ticket {
    Ticket {
        provider: TicketProvider::ServiceNow,
        system_id: format!("9d385017c611228701d22104cc95c3{:02}", hours_ago),
        number: number.into(),
        kind: "incident".into(),
        state: "New".into(),
        open: true,
        caller: Some(TicketPerson {
            id: "5137153cc611227c000bbd1bd8cd2005".into(),
            email: Some(ADA.into()),
            name: Some("Ada Lovelace".into()),
        }),
        summary: summary.into(),
        created: Some(now() - TimeDelta::hours(hours_ago)),
        web_url: None,
    }
}

/// With ServiceNow configured: the dialog asks for Ada's open tickets on opening, lists them
/// newest first where the ticket goes, shows a hostile summary inert, and Enter takes the
/// newest.
#[test]
fn the_users_open_tickets_are_listed_inert_and_enter_takes_the_newest() {
    let mut options = options();
    options.gate.ticket_system = Some(TicketProvider::ServiceNow);
    let mut app = App::new(options, now() - TimeDelta::minutes(5));
    app.update(Msg::Tick(now()));
    app.update(Msg::Feed(FeedEvent::Lockouts {
        lockouts: vec![lockout()],
        health: healthy(),
    }));
    press(&mut app, KeyCode::Char('u'));
    let effects = app.update(Msg::ProfileLoaded {
        key: ADA_ID.into(),
        result: Ok(Box::new(ada_profile())),
    });
    assert!(
        effects.contains(&Effect::LoadOpenTickets {
            user_id: ADA_ID.into(),
            email: ADA.into()
        }),
        "{effects:?}"
    );
    app.update(Msg::OpenTickets {
        user_id: ADA_ID.into(),
        result: Ok(vec![
            ticket("INC0010042", "Locked out \u{1b}[2J\u{202e}again", 1),
            ticket("INC0010007", "VPN asks for MFA twice", 30),
        ]),
    });
    for i in 1..=app.options.gate.checklist.len() {
        press(
            &mut app,
            KeyCode::Char(char::from_digit(i as u32, 10).unwrap()),
        );
    }
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.context(), keymap::Context::DialogTicketPick);
    let text = snapshot_all(&mut app, "ticket_pick");
    assert!(text.contains("▸ INC0010042"), "{text}");
    for text in texts(&mut app) {
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{202e}'),
            "{text:?}"
        );
        assert!(
            text.contains("Enter take") && text.contains("n new"),
            "{text}"
        );
    }
    press(&mut app, KeyCode::Enter);
    let text = snapshot_all(&mut app, "ticket_taken");
    assert!(text.contains("[INC0010042]"), "{text}");
    assert!(
        text.contains("✓ INC0010042 · New · caller Ada Lovelace"),
        "{text}"
    );
}
