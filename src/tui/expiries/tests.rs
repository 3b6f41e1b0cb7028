//! The expiries screen's state: order, filter, tabs, selection across rebuilds.

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::sync::Arc;

use super::keys::{Outcome, on_key};
use super::order::{ContractorLine, SortBy};
use super::summary::summarize;
use super::{ExpiriesView, ScanData, Tab};
use crate::model::{ContractorExpiryRow, ExpiryScan, PasswordExpiryRow, UserStatus};
use crate::services::expiry_scanner::ScanEvent;
use crate::tui::keymap::Action;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 17, 0, 0).unwrap()
}

fn password(login: &str, name: &str, dept: Option<&str>, days: i64) -> PasswordExpiryRow {
    let expires = now() + TimeDelta::days(days) + TimeDelta::hours(1);
    PasswordExpiryRow {
        user_id: format!("00u{login}"),
        login: format!("{login}@acme.example"),
        name: name.into(),
        status: UserStatus::Active,
        department: dept.map(str::to_string),
        email: format!("{login}@acme.example"),
        policy_id: "pol1".into(),
        policy_name: "Standard".into(),
        password_changed: Some(expires - TimeDelta::days(90)),
        expires_at: Some(expires),
    }
}

fn contractor(login: &str, manager: Option<&str>, ends_in: u64) -> ContractorExpiryRow {
    ContractorExpiryRow {
        user_id: format!("00u{login}"),
        login: format!("{login}@acme.example"),
        name: login.to_uppercase(),
        status: UserStatus::Active,
        department: Some("Field".into()),
        user_type: "contractor".into(),
        ends_on: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap() + chrono::Days::new(ends_in),
        manager_id: manager.map(|m| format!("00u{m}")),
        manager_login: manager.map(|m| format!("{m}@acme.example")),
        manager_name: manager.map(str::to_uppercase),
        manager_email: None,
    }
}

fn scan() -> ExpiryScan {
    let mut expired = password("eve", "Eve Adams", Some("Sales"), -3);
    expired.status = UserStatus::PasswordExpired;
    let mut undated = password("zed", "Zed Young", None, 0);
    undated.status = UserStatus::PasswordExpired;
    undated.expires_at = None;
    undated.password_changed = None;
    let mut orphan = contractor("olga", None, 9);
    orphan.manager_id = Some("00ugone".into());
    ExpiryScan {
        passwords: vec![
            undated,
            expired,
            password("bob", "Bob Brown", Some("Sales"), 0),
            password("ada", "Ada Lovelace", Some("Engineering"), 6),
            password("cy", "Cy Young", None, 13),
            password("dee", "Dee Dee", Some("Engineering"), 40),
        ],
        contractors: vec![
            contractor("kim", Some("grace"), 3),
            orphan,
            contractor("lee", Some("alan"), 5),
            contractor("max", Some("grace"), 20),
            contractor("nia", None, 30),
        ],
        as_of: Some(now() - TimeDelta::hours(3)),
        full_scan_at: Some(now() - TimeDelta::hours(8)),
        users_seen: 5000,
        ..ExpiryScan::default()
    }
}

fn data() -> ScanData {
    let mut data = ScanData::default();
    data.apply(ScanEvent::Finished(Arc::new(scan())));
    data
}

fn logins(view: &ExpiriesView) -> Vec<String> {
    let scan = view.scan().unwrap();
    view.password_rows()
        .iter()
        .map(|&i| {
            scan.passwords[i]
                .login
                .split('@')
                .next()
                .unwrap()
                .to_string()
        })
        .collect()
}

fn press(view: &mut ExpiriesView, data: &ScanData, action: Action) -> Outcome {
    let outcome = on_key(
        view,
        action,
        KeyEvent::new(KeyCode::Null, KeyModifiers::NONE),
        10,
    );
    view.refresh(data, now());
    outcome
}

fn type_text(view: &mut ExpiriesView, data: &ScanData, text: &str) {
    view.start_filter();
    for c in text.chars() {
        on_key(
            view,
            Action::EditFilter,
            KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
            10,
        );
    }
    view.refresh(data, now());
}

#[test]
fn expired_users_come_first_whatever_the_sort() {
    let data = data();
    let mut view = ExpiriesView::new(&data, now());
    assert_eq!(logins(&view), ["zed", "eve", "bob", "ada", "cy", "dee"]);
    assert_eq!(press(&mut view, &data, Action::CycleSort), Outcome::Stay);
    assert_eq!(view.sort(), SortBy::Name);
    assert_eq!(logins(&view), ["eve", "zed", "ada", "bob", "cy", "dee"]);
    press(&mut view, &data, Action::CycleSort);
    assert_eq!(view.sort(), SortBy::Department);
    // Engineering, Sales, then no department; names within.
    assert_eq!(logins(&view), ["eve", "zed", "ada", "dee", "bob", "cy"]);
    press(&mut view, &data, Action::CycleSort);
    assert_eq!(view.sort(), SortBy::Expiry);
}

#[test]
fn a_password_that_expires_moves_to_the_top_on_the_next_tick() {
    let data = data();
    let mut view = ExpiriesView::new(&data, now());
    press(&mut view, &data, Action::CycleSort);
    assert_eq!(logins(&view)[2], "ada");
    view.refresh(&data, now() + TimeDelta::hours(2));
    assert_eq!(
        logins(&view)[..3],
        ["bob", "eve", "zed"],
        "bob expired: by name among the expired"
    );
}

#[test]
fn the_filter_matches_every_word_in_login_name_or_department() {
    let data = data();
    let mut view = ExpiriesView::new(&data, now());
    type_text(&mut view, &data, "engineering");
    assert_eq!(logins(&view), ["ada", "dee"]);
    type_text(&mut view, &data, " lov");
    assert_eq!(view.filter(), Some("engineering lov"));
    assert_eq!(logins(&view), ["ada"]);
    // Contractors: the manager's name counts too.
    view.clear_filter();
    type_text(&mut view, &data, "GRACE");
    view.set_tab(Tab::Contractors);
    assert_eq!(view.len(), 3, "one group and its two contractors");
    assert_eq!(press(&mut view, &data, Action::ClearFilter), Outcome::Stay);
    assert!(!view.is_editing_filter());
    assert_eq!(view.filter(), None);
    assert_eq!(view.len(), 8);
}

#[test]
fn contractors_are_grouped_by_manager_and_the_no_manager_group_comes_first() {
    let data = data();
    let mut view = ExpiriesView::new(&data, now());
    assert_eq!(press(&mut view, &data, Action::NextTab), Outcome::Stay);
    assert_eq!(view.tab(), Tab::Contractors);
    let scan = view.scan().unwrap();
    let shape: Vec<String> = view
        .contractor_lines()
        .iter()
        .map(|line| match line {
            ContractorLine::Group(g) => format!(
                "[{} {}]",
                g.manager_login.as_deref().unwrap_or("none"),
                g.count
            ),
            ContractorLine::Contractor(i) => scan.contractors[*i].name.clone(),
        })
        .collect();
    assert_eq!(
        shape,
        [
            "[none 2]",
            "OLGA",
            "NIA",
            "[alan@acme.example 1]",
            "LEE",
            "[grace@acme.example 2]",
            "KIM",
            "MAX"
        ]
    );
    // The selection starts on a contractor and skips the group lines both ways.
    assert_eq!(view.selected(), 1);
    press(&mut view, &data, Action::Down);
    press(&mut view, &data, Action::Down);
    assert_eq!(view.selected_contractor().unwrap().name, "LEE");
    press(&mut view, &data, Action::Up);
    assert_eq!(view.selected_contractor().unwrap().name, "NIA");
    press(&mut view, &data, Action::Top);
    assert_eq!(view.selected(), 1);
    press(&mut view, &data, Action::Bottom);
    assert_eq!(view.selected_contractor().unwrap().name, "MAX");
    assert_eq!(
        press(&mut view, &data, Action::CycleSort),
        Outcome::Say("Contractors are grouped by manager: s sorts the Passwords tab".into())
    );
}

#[test]
fn tabs_keep_their_own_selection_and_rows_open_their_user() {
    let data = data();
    let mut view = ExpiriesView::new(&data, now());
    press(&mut view, &data, Action::Down);
    press(&mut view, &data, Action::Down);
    press(&mut view, &data, Action::ShowContractors);
    press(&mut view, &data, Action::Bottom);
    press(&mut view, &data, Action::ShowPasswords);
    let user = match press(&mut view, &data, Action::OpenUser) {
        Outcome::OpenUser(user) => user,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        (user.key.as_str(), user.label.as_str()),
        ("00ubob", "bob@acme.example")
    );
    match press(&mut view, &data, Action::StartResetPassword) {
        Outcome::ResetPassword(user) => assert_eq!(user.key, "00ubob"),
        other => panic!("{other:?}"),
    }
    press(&mut view, &data, Action::NextTab);
    match press(&mut view, &data, Action::OpenUser) {
        Outcome::OpenUser(user) => assert_eq!(user.key, "00umax"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn enter_toggles_the_detail_and_esc_closes_it_before_leaving() {
    let data = data();
    let mut view = ExpiriesView::new(&data, now());
    press(&mut view, &data, Action::ToggleDetail);
    assert!(view.detail_open());
    assert_eq!(
        press(&mut view, &data, Action::CloseExpiries),
        Outcome::Stay
    );
    assert!(!view.detail_open());
    assert_eq!(
        press(&mut view, &data, Action::CloseExpiries),
        Outcome::Close
    );
    assert_eq!(press(&mut view, &data, Action::ShowHelp), Outcome::Help);
}

#[test]
fn with_nothing_shown_row_keys_say_why() {
    let data = ScanData::default();
    let mut view = ExpiriesView::new(&data, now());
    assert!(view.is_empty());
    for action in [
        Action::OpenUser,
        Action::StartResetPassword,
        Action::ToggleDetail,
    ] {
        assert!(
            matches!(press(&mut view, &data, action), Outcome::Say(ref s) if s.starts_with("No user selected")),
            "{action:?}"
        );
    }
    assert!(!view.detail_open());
}

#[test]
fn a_new_scan_keeps_the_selection_on_its_user() {
    let mut data = data();
    let mut view = ExpiriesView::new(&data, now());
    for _ in 0..3 {
        press(&mut view, &data, Action::Down);
    }
    assert_eq!(view.selected_password().unwrap().login, "ada@acme.example");
    let mut next = scan();
    next.passwords
        .insert(0, password("abe", "Abe Ant", None, -1));
    data.apply(ScanEvent::Finished(Arc::new(next)));
    view.refresh(&data, now());
    assert_eq!(view.selected_password().unwrap().login, "ada@acme.example");
    assert_eq!(view.selected(), 4);
}

#[test]
fn the_summary_counts_the_rows_shown() {
    let data = data();
    let mut view = ExpiriesView::new(&data, now());
    let summary = summarize(&view, now(), chrono_tz::America::Los_Angeles);
    // bob in 1 h; ada in 6 d; cy in 13 d; dee in 40 d; zed and eve expired.
    assert_eq!(
        (
            summary.within_1,
            summary.within_7,
            summary.within_14,
            summary.expired
        ),
        (1, 2, 3, 2)
    );
    // Contracts ending within 14 days: kim (3), lee (5), olga (9).
    assert_eq!(summary.contracts_14, 3);
    type_text(&mut view, &data, "sales");
    let summary = summarize(&view, now(), chrono_tz::America::Los_Angeles);
    assert_eq!(
        (summary.within_1, summary.expired, summary.contracts_14),
        (1, 1, 0)
    );
}
