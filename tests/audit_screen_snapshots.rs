//! The audit screen (`a`) with its `/` filter and escalation records, rendered at 80×24 and
//! 120×30 from a real audit log (fixed clock, `TestBackend` + insta). Accept intended
//! changes with `INSTA_UPDATE=always cargo test --test audit_screen_snapshots`, then read the
//! `.snap` files.

use accessdesk::audit::{AuditEntry, AuditLog, ESCALATION_ACTION, Evidence, Outcome};
use accessdesk::tui::audit_view::AuditSnapshot;
use accessdesk::tui::keymap::Context;
use accessdesk::tui::{App, DashboardOptions, Effect, Msg, view};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 14, 30, 0).unwrap()
}

const ORG: &str = "https://acme.okta.com/";

/// A shift's records, written through the real log: a rejected check of the caller and its
/// escalation, an MFA reset that took the Okta Verify code along, an unlock by a colleague,
/// and a failed reset link.
fn snapshot() -> AuditSnapshot {
    let dir = tempfile::tempdir().unwrap();
    let mut log = AuditLog::open(&AuditLog::default_path(dir.path())).unwrap();
    let push = |login: &str, result: &str, minutes: i64| Evidence {
        kind: "push".into(),
        subject_login: Some(login.into()),
        factor_id: Some("opf1".into()),
        transaction_id: Some("v2mst.tx1".into()),
        result: result.into(),
        at: Some(now() - TimeDelta::minutes(minutes)),
    };
    let entry = |minutes: i64, agent: &str, action: &str, login: &str, outcome: Outcome| {
        let mut e = AuditEntry::new(now() - TimeDelta::minutes(minutes), agent, action, outcome);
        e.target_id = Some(format!("00u{}", &login[..3]));
        e.target_login = Some(login.into());
        e.ticket = Some("INC0012345".into());
        e.org = Some(ORG.into());
        e
    };
    let grace = "grace.hopper@acme.example";
    let ada = "ada.lovelace@acme.example";
    let mut unlock = entry(40, "bob.jones", "unlock", grace, Outcome::Succeeded);
    unlock.ticket = Some("INC0012001".into());
    unlock.evidence = vec![push(grace, "SUCCESS", 41)];
    let mut check = entry(20, "agent.smith", "verify_caller", ada, Outcome::Refused);
    check.evidence = vec![push(ada, "REJECTED", 20)];
    let mut escalation = entry(19, "agent.smith", ESCALATION_ACTION, ada, Outcome::Refused);
    escalation.evidence = vec![push(ada, "REJECTED", 20)];
    escalation.error = Some(
        "the user's push (ada.lovelace@acme.example) was REJECTED: possible social engineering"
            .into(),
    );
    let mut reset = entry(8, "agent.smith", "reset_factor", grace, Outcome::Succeeded);
    reset.ticket = Some("INC0012002".into());
    reset.evidence = vec![push(grace, "SUCCESS", 9)];
    reset.note = Some("factors: opf1".into());
    reset.factors_removed = vec![
        "Okta Verify push [opf1]".into(),
        "Okta Verify code [ost1]".into(),
    ];
    let mut link = entry(2, "bob.jones", "reset_password", ada, Outcome::Failed);
    link.error = Some("the IdP answered 500 — try again in a minute".into());
    for e in [unlock, check, escalation, reset, link] {
        log.append(&e).unwrap();
    }
    let (records, total) = log.recent(500).unwrap();
    assert!(log.verify().unwrap().is_intact());
    AuditSnapshot {
        place: "/home/agent/.local/share/accessdesk/audit.sqlite3".into(),
        records,
        total,
        chain: Ok(()),
        checked_before: None,
    }
}

/// The audit screen open and loaded on a `width`×`height` terminal.
fn audit_screen(width: u16, height: u16) -> App {
    let options = DashboardOptions {
        org_label: "acme.okta.com".into(),
        org_url: Some(ORG.into()),
        ..DashboardOptions::default()
    };
    let mut app = App::new(options, now());
    app.update(Msg::Resize { width, height });
    assert_eq!(
        press(&mut app, KeyCode::Char('a')),
        [Effect::LoadAudit { full: false }]
    );
    app.update(Msg::AuditLoaded(Ok(snapshot())));
    app
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        assert_eq!(press(app, KeyCode::Char(c)), [], "{c:?} is text");
    }
}

fn draw(app: &App) -> Terminal<TestBackend> {
    let (width, height) = app.size();
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| view::draw(frame, app)).unwrap();
    terminal
}

fn text(terminal: &Terminal<TestBackend>) -> String {
    terminal.backend().to_string()
}

/// The foreground of the first cell of `needle` on screen.
fn fg_of(terminal: &Terminal<TestBackend>, needle: &str) -> Color {
    let buffer = terminal.backend().buffer();
    let area = buffer.area;
    for y in area.top()..area.bottom() {
        let line: String = (area.left()..area.right())
            .map(|x| buffer[(x, y)].symbol().to_string())
            .collect();
        if let Some(byte) = line.find(needle) {
            let x = line[..byte].chars().count() as u16;
            return buffer[(x, y)].fg;
        }
    }
    panic!("{needle:?} not on screen:\n{}", text(terminal));
}

/// The selected record's seq.
fn selected(app: &App) -> i64 {
    app.audit().unwrap().selected_record().unwrap().seq
}

#[test]
fn escalations_are_marked_and_the_detail_gives_the_org_and_the_reason_120x30() {
    let mut app = audit_screen(120, 30);
    // Newest first: 5 link, 4 reset, 3 escalation.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    assert_eq!(selected(&app), 3);
    press(&mut app, KeyCode::Enter);
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    let screen = text(&terminal);
    assert!(screen.contains("⚠ escalate"), "{screen}");
    assert!(
        screen.contains("⚠ escalate · refused · a security escalation"),
        "{screen}"
    );
    assert!(screen.contains("Reason"), "{screen}");
    assert!(screen.contains("possible social engineering"), "{screen}");
    assert!(screen.contains(&format!("Org         {ORG}")), "{screen}");
    assert!(screen.contains("/ filter"), "the footer offers the filter");
    // Only the escalation's row is a warning; other refusals keep their outcome colour.
    assert_eq!(fg_of(&terminal, "⚠ escalate"), Color::Yellow);
    assert_eq!(fg_of(&terminal, "verify_caller"), Color::Reset);
}

#[test]
fn the_detail_lists_every_factor_a_reset_removed() {
    let mut app = audit_screen(120, 30);
    press(&mut app, KeyCode::Down);
    assert_eq!(selected(&app), 4);
    press(&mut app, KeyCode::Enter);
    let screen = text(&draw(&app));
    assert!(
        screen.contains("Removed     Okta Verify push [opf1], Okta Verify code [ost1]"),
        "{screen}"
    );
}

#[test]
fn typing_a_filter_at_80x24_narrows_the_list_and_the_title_counts_the_matches() {
    let mut app = audit_screen(80, 24);
    press(&mut app, KeyCode::Char('/'));
    assert_eq!(app.context(), Context::AuditFilter);
    type_text(&mut app, "outcome:refused");
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    let screen = text(&terminal);
    assert!(
        screen.contains("filter \"outcome:refused\" matches 2"),
        "{screen}"
    );
    assert!(screen.contains(" Filter: outcome:refused"), "{screen}");
    assert!(screen.contains("⚠ escalate") && screen.contains("verify_caller"));
    assert!(!screen.contains("reset_password") && !screen.contains("unlock"));
    assert!(screen.contains("Enter keep") && screen.contains("Esc clear"));
}

#[test]
fn a_kept_filter_at_120x30_stays_in_the_title_and_slash_changes_it() {
    let mut app = audit_screen(120, 30);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "grace");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.context(), Context::Audit);
    press(&mut app, KeyCode::Enter);
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    let screen = text(&terminal);
    assert!(
        screen.contains("filter \"grace\" matches 2 · / changes it"),
        "{screen}"
    );
    assert!(!screen.contains(" Filter: "), "the input line is gone");
    assert!(screen.contains("Okta Verify code [ost1]"), "{screen}");
    assert!(!screen.contains("ada.lovelace@acme.example"), "{screen}");
}

#[test]
fn a_filter_that_matches_nothing_says_so_and_esc_clears_it() {
    let mut app = audit_screen(120, 30);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "agent:nobody");
    let screen = text(&draw(&app));
    assert!(screen.contains("matches none"), "{screen}");
    assert!(
        screen.contains("No record matches \"agent:nobody\" (of 5 shown)"),
        "{screen}"
    );
    assert_eq!(press(&mut app, KeyCode::Esc), []);
    assert_eq!(app.context(), Context::Audit);
    let screen = text(&draw(&app));
    assert!(!screen.contains("filter \""), "{screen}");
    assert_eq!(app.audit().unwrap().len(), 5);
}

#[test]
fn in_the_filter_letters_are_text_and_outside_it_the_screen_keys_work() {
    let mut app = audit_screen(120, 30);
    press(&mut app, KeyCode::Char('/'));
    // q, R, j and ? are text here: no quit, no reload, no move, no help.
    type_text(&mut app, "qRj?");
    assert_eq!(app.audit().unwrap().filter(), Some("qRj?"));
    assert!(!app.help_open());
    for _ in 0..4 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "agent.smith");
    assert_eq!(app.audit().unwrap().len(), 3);
    // ↓ moves through the matches while typing.
    assert_eq!(selected(&app), 4);
    press(&mut app, KeyCode::Down);
    assert_eq!(selected(&app), 3);
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        press(&mut app, KeyCode::Char('R')),
        [Effect::LoadAudit { full: false }]
    );
    assert_eq!(press(&mut app, KeyCode::Char('q')), [Effect::Quit]);
    press(&mut app, KeyCode::Esc);
    assert!(app.audit().is_none(), "Esc on the list goes back");
}

#[test]
fn help_on_the_audit_screen_explains_the_filter() {
    let mut app = audit_screen(120, 30);
    press(&mut app, KeyCode::Char('?'));
    let screen = text(&draw(&app));
    assert!(screen.contains("Audit filter input"), "{screen}");
    assert!(
        screen.contains("Filter by agent, user, ticket, action or outcome"),
        "{screen}"
    );
}
