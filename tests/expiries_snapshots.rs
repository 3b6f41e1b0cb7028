//! The expiries screen (`e`) rendered at 80×24 and 200×50 from a fixed scan, a fixed clock
//! (Dec 1 2026 09:00 Pacific) and a fixed local zone (Europe/Berlin): both tabs during a
//! scan, expired users first, contractors grouped by manager (with the no-manager group),
//! the detail, the first scan, a failed scan, read-only. Accept intended changes with
//! `INSTA_UPDATE=always cargo test --test expiries_snapshots`, then read the `.snap` files.

use accessdesk::services::expiry_scanner::ScanEvent;
use accessdesk::tui::keymap::Context;
use accessdesk::tui::{App, DashboardOptions, Effect, Msg, view};
use chrono::TimeDelta;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use std::sync::Arc;

#[path = "expiries_fixtures/mod.rs"]
mod fixtures;

use fixtures::{now, progress, scan};

fn options() -> DashboardOptions {
    DashboardOptions {
        org_label: "acme.okta.com".into(),
        local_zone: chrono_tz::Europe::Berlin,
        ..DashboardOptions::default()
    }
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

/// The expiries screen open on a `width`×`height` terminal with the scan loaded.
fn screen(options: DashboardOptions, width: u16, height: u16) -> App {
    let mut app = App::new(options, now());
    app.update(Msg::Resize { width, height });
    app.update(Msg::Expiries(ScanEvent::Loaded(Arc::new(scan()))));
    assert_eq!(press(&mut app, KeyCode::Char('e')), []);
    assert_eq!(app.context(), Context::Expiries);
    app
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

/// The last line of the screen holding `needle` (the detail's, under the table's).
fn line_with<'a>(screen: &'a str, needle: &str) -> &'a str {
    screen
        .lines()
        .rfind(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not on screen:\n{screen}"))
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

#[test]
fn passwords_during_a_scan_200x50() {
    let mut app = screen(options(), 200, 50);
    app.update(Msg::Expiries(ScanEvent::Progress(progress())));
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    let screen = text(&terminal);
    // Expired first, the undated one at the top; then by expiry.
    let order: Vec<usize> = [
        "zoe.quinn",
        "eve.adams",
        "bob.brown",
        "ada.lovelace",
        "fay.wray",
    ]
    .iter()
    .map(|login| screen.find(login).unwrap())
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{screen}");
    assert!(screen.contains(
        "Full scan running: 1,200 of ~5,000 users · 7 requests · waiting for the rate-limit window until 18:00:40 CET"
    ));
    assert!(
        screen.contains(
            "Data from 3 h ago (full scan Dec 1 09:00 CET) · 5,000 users · from the store"
        )
    );
    assert!(
        screen.contains("expiry scan 24%, waiting"),
        "status bar item"
    );
    assert!(screen.contains(
        "Expiring in 1 d: 1 · 7 d: 2 · 14 d: 3 · expired: 3 │ contracts ending in 14 d: 5"
    ));
    // Dee's password: Dec 14 19:23 CET, in 13 d; reminded 14 d before (past), next 7 d.
    let dee = line_with(&screen, "dee.dee");
    assert!(dee.contains("Dec 14 19:23 (in 13 d)"), "{dee}");
    assert!(dee.contains("Dec 7 10:00 PST · 19:00 CET"), "{dee}");
    assert!(dee.contains("14 d"), "{dee}");
    // Fay's is 40 days out: no reminder yet, the first one 14 days before.
    let fay = line_with(&screen, "fay.wray");
    assert!(fay.contains("—"), "{fay}");
    assert!(fay.contains("Dec 27 10:00 PST · 19:00 CET"), "{fay}");
    // Expired users are marked in colour.
    assert_eq!(fg_of(&terminal, "Eve Adams"), Color::LightRed);
    assert_eq!(fg_of(&terminal, "Fay Wray"), Color::Reset);
}

#[test]
fn passwords_during_a_scan_80x24() {
    let mut app = screen(options(), 80, 24);
    app.update(Msg::Expiries(ScanEvent::Progress(progress())));
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    let screen = text(&terminal);
    assert!(screen.contains("Full scan running: 1,200 of ~5,000 users"));
    assert!(screen.contains("expiry scan 24%"));
    // Narrow: the login (its domain kept), the expiry, the stage and the next reminder stay;
    // the names, policy and days go.
    assert!(screen.contains("ada.love…@acme.example"), "{screen}");
    assert!(!screen.contains("Ada Lovelace"));
    assert!(line_with(&screen, "dee.dee@").contains("Dec 14 (in 13 d)  14 d    Dec 7 10:00 PST"));
    assert!(
        screen.contains("contracts 14 d: 5"),
        "the summary, shortened"
    );
    assert!(!screen.contains("Policy"));
    assert!(screen.contains("Next reminder"));
    assert!(
        screen.contains("Tab contractors"),
        "the footer says where Tab goes"
    );
}

#[test]
fn contractors_grouped_by_manager_200x50() {
    let mut app = screen(options(), 200, 50);
    app.update(Msg::Expiries(ScanEvent::Progress(progress())));
    press(&mut app, KeyCode::Tab);
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    let screen = text(&terminal);
    let warning = screen
        .find("⚠ No manager on record — digest cannot be sent · 2 contractors")
        .expect("the no-manager group");
    let alan = screen
        .find("Alan Turing · alan.turing@acme.example · 1 contractor")
        .unwrap();
    let grace = screen
        .find("Grace Hopper · grace.hopper@acme.example · 3 contractors")
        .unwrap();
    assert!(warning < alan && alan < grace, "{screen}");
    // Kim's contract ends Dec 4: the next digest is the 2-day one, on Dec 2.
    let kim = line_with(&screen, "kim.lee");
    assert!(kim.contains("Dec 4 (in 3 d)"), "{kim}");
    assert!(kim.contains("Dec 2 11:00 PST · 20:00 CET"), "{kim}");
    assert!(line_with(&screen, "olga.petrova").contains("cannot be sent"));
    assert!(screen.contains("Tab passwords"));
    assert_eq!(fg_of(&terminal, "⚠ No manager"), Color::Yellow);
}

#[test]
fn contractors_grouped_by_manager_80x24() {
    let mut app = screen(options(), 80, 24);
    press(&mut app, KeyCode::Char('2'));
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    let screen = text(&terminal);
    assert!(screen.contains("⚠ No manager on record"));
    assert!(screen.contains("Grace Hopper"));
    assert!(screen.contains("pat.kerr@acme.example"));
}

#[test]
fn the_first_scan_says_so_never_an_empty_list_80x24() {
    let mut app = App::new(options(), now());
    app.update(Msg::Resize {
        width: 80,
        height: 24,
    });
    press(&mut app, KeyCode::Char('e'));
    let waiting = text(&draw(&app));
    assert!(
        waiting.contains("Waiting for the expiry scanner: no data yet"),
        "{waiting}"
    );
    let mut first = progress();
    first.users_expected = None;
    first.waiting_until = None;
    app.update(Msg::Expiries(ScanEvent::Progress(first)));
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    let screen = text(&terminal);
    assert!(screen.contains("Scanning… (first scan): 1,200 users · 7 requests"));
    assert!(screen.contains("the rows appear when it finishes"));
    assert!(screen.contains("expiry scan 1,200 users"));
}

#[test]
fn a_failed_scan_shows_its_error_over_the_last_good_data_80x24() {
    let mut app = screen(options(), 80, 24);
    app.update(Msg::Expiries(ScanEvent::Failed {
        at: now() - TimeDelta::minutes(2),
        error: "the IdP answered 503 — try again in a minute".into(),
    }));
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    let screen = text(&terminal);
    assert!(screen.contains("⚠ The last scan failed 2m ago: the IdP answered 503"));
    assert!(screen.contains("the rows are from the last good scan"));
    assert!(screen.contains("expiry scan failed"), "status bar");
    assert!(screen.contains("zoe.quinn"), "the data stays");
}

#[test]
fn the_password_detail_shows_the_computation_and_the_whole_schedule_200x50() {
    let mut app = screen(options(), 200, 50);
    // zoe, eve, bob, ada, cy, dee: the sixth row.
    for _ in 0..5 {
        press(&mut app, KeyCode::Down);
    }
    assert_eq!(press(&mut app, KeyCode::Enter), []);
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    let screen = text(&terminal);
    assert!(screen.contains("Detail · dee.dee@acme.example"));
    assert!(screen.contains(
        "passwordChanged 2026-09-15 18:23 UTC + maxAgeDays 90 of policy \"Standard 90 days\" = 2026-12-14 18:23 UTC"
    ), "{screen}");
    for (stage, when, mark) in [
        ("14 d", "Nov 30 10:00 PST · 19:00 CET", "past"),
        ("7 d", "Dec 7 10:00 PST · 19:00 CET", "▸ next"),
        ("4 d", "Dec 10 10:00 PST · 19:00 CET", ""),
        ("1 d", "Dec 13 10:00 PST · 19:00 CET", ""),
        ("expired notice", "Dec 15 10:00 PST · 19:00 CET", ""),
    ] {
        let line = line_with(&screen, when);
        assert!(line.contains(stage) && line.contains(mark), "{line}");
    }
    // The table is still there above it.
    assert!(screen.contains("zoe.quinn"));
}

#[test]
fn the_password_detail_takes_the_tab_at_80x24_and_esc_closes_it() {
    let mut app = screen(options(), 80, 24);
    press(&mut app, KeyCode::Char('s'));
    press(&mut app, KeyCode::Char('s'));
    assert!(text(&draw(&app)).contains("sorted by department"));
    press(&mut app, KeyCode::Char('s'));
    // gus.grissom expires Mar 31 2027 (after the spring change): PDT.
    press(&mut app, KeyCode::Char('G'));
    press(&mut app, KeyCode::Enter);
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    let screen = text(&terminal);
    assert!(screen.contains("Detail · gus.grissom@acme.example"));
    assert!(screen.contains("Mar 17 2027 10:00 PDT"), "{screen}");
    press(&mut app, KeyCode::Esc);
    assert!(!text(&draw(&app)).contains("Detail ·"));
    assert_eq!(app.context(), Context::Expiries);
}

#[test]
fn the_contractor_detail_lists_every_digest_200x50() {
    let mut app = screen(options(), 200, 50);
    press(&mut app, KeyCode::Tab);
    // olga (no manager on record), nia, then Alan's lee.
    press(&mut app, KeyCode::Enter);
    let orphan = text(&draw(&app));
    assert!(orphan.contains(
        "⚠ none on record: managerId 00uleft is not a user the scan saw — digests cannot be sent"
    ));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    let screen = text(&terminal);
    assert!(screen.contains("Detail · lee.chan@acme.example"));
    assert!(screen.contains(
        "Alan Turing · alan.turing@acme.example · digests to alan.turing@mail.acme.example"
    ));
    assert!(line_with(&screen, "Nov 23 11:00 PST").contains("past"));
    assert!(line_with(&screen, "Dec 3 11:00 PST").contains("▸ next"));
    assert!(line_with(&screen, "Dec 6 11:00 PST").contains("1 d"));
}

#[test]
fn read_only_sees_the_same_screen_and_r_says_why_80x24() {
    let mut options = options();
    options.read_only = true;
    let mut app = screen(options, 80, 24);
    press(&mut app, KeyCode::Down);
    assert_eq!(press(&mut app, KeyCode::Char('r')), [], "nothing opens");
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    let screen = text(&terminal);
    assert!(screen.contains("READ-ONLY"));
    assert!(screen.contains("Read-only mode"));
    assert!(!screen.contains("reset link"), "r is not offered");
    assert!(app.dialog().is_none() && app.open_user_view().is_none());
    assert!(screen.contains("eve.adams"));
}

#[test]
fn typing_a_filter_narrows_both_tabs_and_the_summary_80x24() {
    let mut app = screen(options(), 80, 24);
    press(&mut app, KeyCode::Char('/'));
    assert_eq!(app.context(), Context::ExpiriesFilter);
    for c in "engin".chars() {
        assert_eq!(press(&mut app, KeyCode::Char(c)), []);
    }
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    let screen = text(&terminal);
    assert!(screen.contains("filter \"engin\""));
    assert!(screen.contains("Shown: 1 d: 1 · 7 d: 1 · 14 d: 2 · expired: 0 │ contracts 14 d: 0"));
    assert!(!screen.contains("eve.adams"));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Tab);
    assert!(text(&draw(&app)).contains("No row matches \"engin\""));
}

#[test]
fn no_color_sets_no_colours_on_the_expiries_screen() {
    let mut options = options();
    options.color = false;
    let mut app = screen(options, 200, 50);
    app.update(Msg::Expiries(ScanEvent::Progress(progress())));
    let mut screens = vec![draw(&app)];
    press(&mut app, KeyCode::Enter);
    screens.push(draw(&app));
    press(&mut app, KeyCode::Tab);
    screens.push(draw(&app));
    for terminal in &screens {
        for cell in terminal.backend().buffer().content() {
            assert_eq!(cell.fg, Color::Reset, "{:?}", cell.symbol());
            assert_eq!(cell.bg, Color::Reset, "{:?}", cell.symbol());
        }
    }
}
