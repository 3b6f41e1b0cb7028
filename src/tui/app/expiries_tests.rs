//! The expiries screen through `App::update`: `e` opens it from the feed and the user screen,
//! rows open the user screen (`o`) and the reset dialog (`r`, the same gate), Esc comes back,
//! read-only says why, and every key the screen offers does something visible.

use super::*;
use crate::model::{ContractorExpiryRow, ExpiryScan, PasswordExpiryRow, UserStatus};
use crate::services::expiry_scanner::ScanEvent;
use crate::services::user_profile::UserProfile;
use crate::tui::expiries::SortBy;
use crate::tui::keymap::Key;
use chrono::{NaiveDate, TimeDelta, TimeZone};
use crossterm::event::{KeyCode, KeyModifiers};
use std::sync::Arc;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 17, 0, 0).unwrap()
}

fn password(login: &str, name: &str, department: &str, days: i64) -> PasswordExpiryRow {
    let expires = now() + TimeDelta::days(days) + TimeDelta::hours(1);
    PasswordExpiryRow {
        user_id: format!("00u-{login}"),
        login: format!("{login}@example.com"),
        name: name.into(),
        status: UserStatus::Active,
        department: Some(department.into()),
        email: format!("{login}@example.com"),
        policy_id: "pol".into(),
        policy_name: "Standard".into(),
        password_changed: Some(expires - TimeDelta::days(90)),
        expires_at: Some(expires),
    }
}

fn contractor(login: &str, manager: Option<&str>, days: u64) -> ContractorExpiryRow {
    ContractorExpiryRow {
        user_id: format!("00u-{login}"),
        login: format!("{login}@example.com"),
        name: login.to_uppercase(),
        status: UserStatus::Active,
        department: None,
        user_type: "contractor".into(),
        ends_on: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap() + chrono::Days::new(days),
        manager_id: manager.map(|m| format!("00u-{m}")),
        manager_login: manager.map(|m| format!("{m}@example.com")),
        manager_name: manager.map(str::to_uppercase),
        manager_email: None,
    }
}

fn scan() -> ExpiryScan {
    ExpiryScan {
        passwords: vec![
            password("eve", "Eve Zed", "Sales", -2),
            password("bob", "Bob Young", "Support", 1),
            password("ada", "Ada Xu", "Engineering", 5),
            password("cy", "Cy Best", "Sales", 12),
            password("dee", "Dee Able", "Engineering", 30),
        ],
        contractors: vec![
            contractor("kim", Some("grace"), 3),
            contractor("lee", None, 6),
            contractor("max", Some("grace"), 9),
        ],
        as_of: Some(now() - TimeDelta::hours(1)),
        full_scan_at: Some(now() - TimeDelta::hours(1)),
        users_seen: 40,
        ..ExpiryScan::default()
    }
}

fn options(read_only: bool) -> DashboardOptions {
    DashboardOptions {
        read_only,
        local_zone: chrono_tz::Europe::Berlin,
        ..DashboardOptions::default()
    }
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

/// The expiries screen open over the feed with the scan in.
fn expiries(read_only: bool) -> App {
    let mut app = App::new(options(read_only), now());
    app.update(Msg::Expiries(ScanEvent::Finished(Arc::new(scan()))));
    assert!(press(&mut app, KeyCode::Char('e')).is_empty());
    assert_eq!(app.context(), Context::Expiries);
    app
}

fn selected_login(app: &App) -> String {
    let screen = app.expiries().unwrap();
    match screen.tab() {
        Tab::Passwords => screen.selected_password().unwrap().login.clone(),
        Tab::Contractors => screen.selected_contractor().unwrap().login.clone(),
    }
}

fn profile(login: &str, status: UserStatus) -> Box<UserProfile> {
    Box::new(UserProfile {
        user: crate::model::User {
            email: Some(login.into()),
            ..crate::model::User::sample(
                &format!("00u-{}", login.split('@').next().unwrap()),
                login,
                status,
            )
        },
        factors: Vec::new(),
        password_policy: None,
        password_expires_at: None,
        password_warn_from: None,
        activity: Vec::new(),
        unreadable: Vec::new(),
    })
}

#[test]
fn e_opens_the_screen_from_the_feed_and_esc_or_q_come_back() {
    let mut app = expiries(false);
    assert_eq!(selected_login(&app), "eve@example.com", "expired first");
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert_eq!(app.context(), Context::Feed);
    assert!(app.expiries().is_none());
    press(&mut app, KeyCode::Char('e'));
    assert_eq!(
        press(&mut app, KeyCode::Char('q')),
        [],
        "q goes back, it does not quit"
    );
    assert_eq!(app.context(), Context::Feed);
}

#[test]
fn s_sorts_slash_filters_and_tab_switches() {
    let mut app = expiries(false);
    press(&mut app, KeyCode::Char('s'));
    assert_eq!(app.expiries().unwrap().sort(), SortBy::Name);
    press(&mut app, KeyCode::Down);
    // Eve (expired) first, then by name: Ada, Bob, Cy, Dee.
    assert_eq!(selected_login(&app), "ada@example.com");
    press(&mut app, KeyCode::Char('/'));
    assert_eq!(app.context(), Context::ExpiriesFilter);
    for c in "sales".chars() {
        assert!(press(&mut app, KeyCode::Char(c)).is_empty());
    }
    let screen = app.expiries().unwrap();
    assert_eq!(screen.len(), 2, "eve and cy");
    assert_eq!(
        selected_login(&app),
        "eve@example.com",
        "ada is no longer shown"
    );
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.context(), Context::Expiries);
    assert_eq!(app.expiries().unwrap().filter(), Some("sales"));
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.expiries().unwrap().tab(), Tab::Contractors);
    assert!(app.expiries().unwrap().is_empty(), "no contractor in sales");
    press(&mut app, KeyCode::BackTab);
    assert_eq!(app.expiries().unwrap().tab(), Tab::Passwords);
    press(&mut app, KeyCode::Char('/'));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.expiries().unwrap().len(), 5);
    press(&mut app, KeyCode::Char('2'));
    assert_eq!(
        selected_login(&app),
        "lee@example.com",
        "the no-manager group first"
    );
    press(&mut app, KeyCode::Char('s'));
    assert!(app.message().unwrap().contains("grouped by manager"));
}

#[test]
fn o_opens_the_rows_user_and_esc_comes_back_to_the_screen() {
    let mut app = expiries(false);
    press(&mut app, KeyCode::Down);
    assert_eq!(
        press(&mut app, KeyCode::Char('o')),
        [Effect::LoadProfile("00u-bob".into())]
    );
    assert_eq!(app.context(), Context::User);
    assert_eq!(app.open_user_view().unwrap().label, "bob@example.com");
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert_eq!(app.context(), Context::Expiries);
    assert_eq!(selected_login(&app), "bob@example.com", "on the same row");
}

#[test]
fn r_opens_the_reset_dialog_once_the_profile_is_in() {
    let mut app = expiries(false);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Down);
    assert_eq!(selected_login(&app), "kim@example.com");
    assert_eq!(
        press(&mut app, KeyCode::Char('r')),
        [Effect::LoadProfile("00u-kim".into())]
    );
    assert_eq!(app.context(), Context::User, "its user screen first");
    assert!(app.dialog().is_none());
    app.update(Msg::ProfileLoaded {
        key: "00u-kim".into(),
        result: Ok(profile("kim@example.com", UserStatus::Active)),
    });
    let dialog = app.dialog().expect("the verification dialog");
    assert_eq!(dialog.action(), Some(&IdpAction::ResetPassword));
    assert!(app.context().is_dialog());
    // Closing the dialog and the user screen lands on the expiries screen again.
    press(&mut app, KeyCode::Esc);
    assert!(app.dialog().is_none());
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.context(), Context::Expiries);
    assert_eq!(app.expiries().unwrap().tab(), Tab::Contractors);
}

#[test]
fn r_for_a_user_the_gate_refuses_says_why() {
    let mut app = expiries(false);
    press(&mut app, KeyCode::Char('r'));
    app.update(Msg::ProfileLoaded {
        key: "00u-eve".into(),
        result: Ok(profile("eve@example.com", UserStatus::Suspended)),
    });
    assert!(app.dialog().is_none());
    assert!(
        app.message().unwrap().contains("reactivate"),
        "{:?}",
        app.message()
    );
}

#[test]
fn read_only_sees_the_screen_and_r_says_why_without_opening_anything() {
    let mut app = expiries(true);
    assert!(!app.offers(Action::StartResetPassword));
    assert!(press(&mut app, KeyCode::Char('r')).is_empty());
    assert_eq!(app.message(), Some(READ_ONLY_MESSAGE));
    assert!(app.open_user_view().is_none() && app.dialog().is_none());
    assert_eq!(app.context(), Context::Expiries);
    // o still opens the user screen to look.
    assert_eq!(
        press(&mut app, KeyCode::Char('o')),
        [Effect::LoadProfile("00u-eve".into())]
    );
}

#[test]
fn e_from_the_user_screen_opens_the_screen_over_it_and_esc_returns() {
    let mut app = expiries(false);
    press(&mut app, KeyCode::Esc);
    app.update(Msg::Feed(crate::services::FeedEvent::Lockouts {
        lockouts: vec![Lockout {
            uuid: "uuid-1".into(),
            published: now(),
            detected_at: now(),
            kind: crate::model::LockoutKind::AccountLocked,
            event_type: "user.account.lock".into(),
            reason: "Max sign in attempts exceeded".into(),
            user_id: Some("00u-zoe".into()),
            login: "zoe@example.com".into(),
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
        health: PollHealth::new(std::time::Duration::from_secs(30)),
    }));
    press(&mut app, KeyCode::Char('o'));
    assert_eq!(app.context(), Context::User);
    press(&mut app, KeyCode::Char('e'));
    assert_eq!(app.context(), Context::Expiries);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.context(), Context::User);
    assert_eq!(app.open_user_view().unwrap().label, "zoe@example.com");
}

#[test]
fn enter_opens_the_detail_and_a_new_scan_keeps_the_row() {
    let mut app = expiries(false);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert!(app.expiries().unwrap().detail_open());
    let mut next = scan();
    next.passwords
        .insert(0, password("abe", "Abe Ant", "Sales", -1));
    app.update(Msg::Expiries(ScanEvent::Finished(Arc::new(next))));
    assert_eq!(selected_login(&app), "ada@example.com");
    assert!(app.expiries().unwrap().detail_open());
    // The scan's progress and results arrive with the screen closed too.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    app.update(Msg::Expiries(ScanEvent::Failed {
        at: now(),
        error: "timeout".into(),
    }));
    assert_eq!(app.scan_data().failure().unwrap().error, "timeout");
    press(&mut app, KeyCode::Char('e'));
    assert_eq!(app.expiries().unwrap().len(), 6);
}

/// What a key could change, through the public API.
fn seen(app: &App) -> String {
    let screen = app.expiries().map(|s| {
        (
            s.tab(),
            s.sort(),
            s.selected(),
            s.detail_open(),
            s.filter().map(str::to_string),
            s.filter_input().value().to_string(),
            s.is_editing_filter(),
        )
    });
    format!(
        "{:?} {screen:?} {} {:?} {:?}",
        app.context(),
        app.help_open(),
        app.message(),
        app.open_user_view()
    )
}

fn presses(keys: &[Key]) -> Vec<KeyEvent> {
    keys.iter()
        .filter_map(|k| match *k {
            Key::Press(code, modifiers) => Some(KeyEvent::new(code, modifiers)),
            Key::Digits(_) => None,
            Key::Any => Some(KeyEvent::new(KeyCode::Char('z'), KeyModifiers::NONE)),
        })
        .collect()
}

#[test]
fn every_key_the_expiries_screen_offers_does_something_visible() {
    // On each tab, in the middle of the rows, with and without the filter box, read-write
    // and read-only.
    let mut pressed = 0;
    for read_only in [false, true] {
        for tab in ['1', '2'] {
            for filter in [false, true] {
                let build = || {
                    let mut app = expiries(read_only);
                    press(&mut app, KeyCode::Char(tab));
                    // Off the top and the bottom, so every move moves.
                    press(&mut app, KeyCode::Down);
                    if filter {
                        press(&mut app, KeyCode::Char('/'));
                    }
                    app
                };
                let app = build();
                let context = app.context();
                for binding in keymap::applicable(context).filter(|b| app.offers(b.action)) {
                    for event in presses(binding.keys) {
                        if keymap::binding_for(context, &event).map(|b| b.label)
                            != Some(binding.label)
                        {
                            continue;
                        }
                        let mut app = build();
                        let before = seen(&app);
                        let effects = app.update(Msg::Key(event));
                        pressed += 1;
                        assert!(
                            !effects.is_empty() || seen(&app) != before,
                            "{} ({}) in {context:?}, tab {tab}, read-only {read_only}: nothing happened",
                            binding.label,
                            binding.description
                        );
                    }
                }
            }
        }
    }
    assert!(pressed > 60, "only {pressed} keys pressed");
}
