use super::*;
use crate::model::{LockoutKind, UserStatus};
use crate::policy::BurstRules;
use crate::services::user_profile::UserProfile;
use crate::tui::msg::ActionReport;
use chrono::{TimeDelta, TimeZone};
use crossterm::event::{KeyCode, KeyModifiers};
use proptest::prelude::*;
use std::time::Duration;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 14, 0, 0).unwrap()
}

fn lockout(n: u32, login: &str, secs_after_t0: i64) -> Lockout {
    let published = t0() + TimeDelta::seconds(secs_after_t0);
    Lockout {
        uuid: format!("uuid-{n}"),
        published,
        detected_at: published + TimeDelta::seconds(1),
        kind: LockoutKind::AccountLocked,
        event_type: "user.account.lock".into(),
        reason: "Max sign in attempts exceeded".into(),
        user_id: Some(format!("00u-{}", login.to_lowercase())),
        login: login.into(),
        display_name: None,
        ip: Some(format!("198.51.100.{n}")),
        city: Some("Lyon".into()),
        state: None,
        country: Some("France".into()),
        browser: Some("Firefox".into()),
        os: Some("Linux".into()),
        raw_user_agent: None,
        request_id: Some(format!("req-{n}")),
    }
}

fn health() -> PollHealth {
    let mut health = PollHealth::new(Duration::from_secs(30));
    health.last_success = Some(t0());
    health
}

/// An hour after the lockouts, so no burst banner changes the layout.
fn app() -> App {
    let mut app = App::new(DashboardOptions::default(), t0() + TimeDelta::hours(1));
    app.update(Msg::Resize {
        width: 120,
        height: 35,
    });
    app
}

fn feed(app: &mut App, lockouts: Vec<Lockout>) -> Vec<Effect> {
    app.update(Msg::Feed(FeedEvent::Lockouts {
        lockouts,
        health: health(),
    }))
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn uuids(app: &App) -> Vec<String> {
    app.rows(0, app.len()).map(|l| l.uuid.clone()).collect()
}

fn selected_uuid(app: &App) -> Option<String> {
    app.selected_lockout().map(|l| l.uuid.clone())
}

fn loaded(login: &str) -> User {
    User {
        email: Some(login.into()),
        ..User::sample(&format!("00u-{login}"), login, UserStatus::LockedOut)
    }
}

/// Three lockouts: uuid-1 (oldest, alice), uuid-2 (bob), uuid-3 (newest, alice).
fn three() -> App {
    let mut app = app();
    feed(
        &mut app,
        vec![
            lockout(1, "alice@example.com", 10),
            lockout(2, "bob@example.com", 20),
            lockout(3, "alice@example.com", 30),
        ],
    );
    app
}

// ---- the feed ----

/// Lockouts of three different users, oldest first.
fn three_users() -> App {
    let mut app = app();
    feed(
        &mut app,
        vec![
            lockout(1, "alice@example.com", 10),
            lockout(2, "bob@example.com", 20),
            lockout(3, "carol@example.com", 30),
        ],
    );
    app
}

#[test]
fn feed_is_one_row_per_user_newest_first_even_when_a_batch_is_out_of_order() {
    let mut app = three();
    assert_eq!(
        uuids(&app),
        ["uuid-3", "uuid-2"],
        "alice's two lockouts are one row"
    );
    feed(
        &mut app,
        vec![
            lockout(4, "carol@example.com", 15),
            lockout(5, "dan@example.com", 40),
        ],
    );
    assert_eq!(uuids(&app), ["uuid-5", "uuid-3", "uuid-2", "uuid-4"]);
    assert_eq!(app.total(), 5);
    // x lists alice's older lockout under her row, and folds it back.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(
        uuids(&app),
        ["uuid-5", "uuid-3", "uuid-1", "uuid-2", "uuid-4"]
    );
    assert_eq!(app.feed_row(2).unwrap().kind, RowKind::Older);
    assert_eq!(selected_uuid(&app).as_deref(), Some("uuid-3"));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(uuids(&app), ["uuid-5", "uuid-3", "uuid-2", "uuid-4"]);
    assert_eq!(
        selected_uuid(&app).as_deref(),
        Some("uuid-3"),
        "folding from an older row lands on the user's row"
    );
    // A user with one lockout has nothing to expand: said, not silently ignored.
    press(&mut app, KeyCode::Char('G'));
    press(&mut app, KeyCode::Char('x'));
    assert!(app.message().unwrap().contains("nothing to expand"));
}

#[test]
fn duplicate_uuids_are_dropped_within_and_across_batches() {
    let mut app = three();
    feed(
        &mut app,
        vec![
            lockout(2, "bob@example.com", 20),
            lockout(6, "erin@example.com", 50),
            lockout(6, "erin@example.com", 50),
        ],
    );
    assert_eq!(uuids(&app), ["uuid-6", "uuid-3", "uuid-2"]);
    let bob = app.row(2).unwrap().clone();
    assert_eq!(app.repeats(&bob), 1);
}

#[test]
fn feed_keeps_only_the_newest_up_to_its_capacity() {
    let mut app = App::with_capacity(DashboardOptions::default(), t0(), 3);
    feed(
        &mut app,
        (1..=5)
            .map(|n| lockout(n, "alice@example.com", i64::from(n)))
            .collect(),
    );
    assert_eq!(uuids(&app), ["uuid-5"]);
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(uuids(&app), ["uuid-5", "uuid-4", "uuid-3"]);
    let newest = app.row(0).unwrap().clone();
    assert_eq!(app.repeats(&newest), 3, "evicted lockouts no longer count");
}

#[test]
fn repeats_count_lockouts_per_login_case_insensitively() {
    let mut app = three();
    feed(&mut app, vec![lockout(7, "ALICE@example.com", 60)]);
    let newest = app.row(0).unwrap().clone();
    let bob = app.row(1).unwrap().clone();
    assert_eq!(app.repeats(&newest), 3);
    assert_eq!(
        app.feed_row(0).unwrap().kind,
        RowKind::User {
            lockouts: 3,
            expanded: false
        }
    );
    assert_eq!(app.repeats(&bob), 1);
}

#[test]
fn failed_polls_update_health_and_a_closed_feed_is_remembered() {
    let mut app = three();
    assert!(app.has_polled());
    let mut failing = health();
    failing.consecutive_errors = 2;
    failing.last_error = Some("network error: timed out — check the network".into());
    app.update(Msg::Feed(FeedEvent::Failed {
        health: failing.clone(),
    }));
    assert_eq!(app.health(), &failing);
    assert_eq!(app.total(), 3, "a failed poll keeps the feed");
    assert!(!app.feed_closed());
    app.update(Msg::FeedClosed);
    assert!(app.feed_closed());
}

// ---- navigation ----

#[test]
fn arrows_and_vi_keys_move_within_bounds() {
    let mut app = three_users();
    assert_eq!(app.selected(), Some(0));
    press(&mut app, KeyCode::Up);
    assert_eq!(app.selected(), Some(0), "already at the top");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(app.selected(), Some(2));
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(app.selected(), Some(2), "already at the bottom");
    press(&mut app, KeyCode::Char('k'));
    assert_eq!(app.selected(), Some(1));
    press(&mut app, KeyCode::Char('g'));
    assert_eq!(app.selected(), Some(0));
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('G'),
        KeyModifiers::SHIFT,
    )));
    assert_eq!(app.selected(), Some(2));
}

#[test]
fn an_empty_feed_has_no_selection_and_keys_are_harmless() {
    let mut app = app();
    for code in [KeyCode::Down, KeyCode::PageDown, KeyCode::End, KeyCode::Up] {
        assert!(press(&mut app, code).is_empty());
    }
    assert_eq!(app.selected(), None);
    assert_eq!(app.selected_lockout(), None);
    assert!(
        press(&mut app, KeyCode::Enter).is_empty(),
        "nothing to load"
    );
}

#[test]
fn page_keys_move_by_a_screenful_and_scroll_the_view() {
    let mut app = app();
    feed(
        &mut app,
        (0..100)
            .map(|n| lockout(n, &format!("u{n}@example.com"), i64::from(n)))
            .collect(),
    );
    // 35 lines: title 1, status 2, table borders and header 3 → 29 rows.
    let page = app.page_rows();
    assert_eq!(page, 29);
    press(&mut app, KeyCode::PageDown);
    assert_eq!(app.selected(), Some(29));
    assert_eq!(app.offset(), 1, "the selection is the last visible row");
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    assert_eq!(app.selected(), Some(99));
    assert_eq!(app.offset(), 71);
    press(&mut app, KeyCode::PageUp);
    assert_eq!(app.selected(), Some(70));
    assert_eq!(app.offset(), 70);
    press(&mut app, KeyCode::Home);
    assert_eq!((app.selected(), app.offset()), (Some(0), 0));
}

#[test]
fn resizing_keeps_the_selection_visible() {
    let mut app = app();
    feed(
        &mut app,
        (0..50)
            .map(|n| lockout(n, &format!("u{n}@example.com"), i64::from(n)))
            .collect(),
    );
    press(&mut app, KeyCode::End);
    app.update(Msg::Resize {
        width: 80,
        height: 10,
    });
    let rows = app.page_rows();
    assert_eq!(rows, 4);
    assert_eq!(app.offset(), 49 + 1 - rows);
}

#[test]
fn until_the_agent_moves_the_selection_it_follows_new_arrivals() {
    let mut app = three();
    feed(&mut app, vec![lockout(8, "frank@example.com", 70)]);
    assert_eq!(app.selected(), Some(0));
    assert_eq!(selected_uuid(&app).as_deref(), Some("uuid-8"));
    // g goes back to following after a move.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('g'));
    feed(&mut app, vec![lockout(9, "gina@example.com", 80)]);
    assert_eq!(selected_uuid(&app).as_deref(), Some("uuid-9"));
}

#[test]
fn a_moved_selection_stays_on_its_lockout_when_new_ones_arrive() {
    let mut app = three();
    press(&mut app, KeyCode::Down);
    assert_eq!(selected_uuid(&app).as_deref(), Some("uuid-2"));
    feed(
        &mut app,
        vec![
            lockout(8, "frank@example.com", 70),
            lockout(9, "gina@example.com", 80),
        ],
    );
    assert_eq!(selected_uuid(&app).as_deref(), Some("uuid-2"));
    assert_eq!(app.selected(), Some(3));
}

#[test]
fn a_selection_moved_back_to_the_top_is_anchored_too() {
    // At row 0 after a navigation key, the chosen row stays chosen (the agent is on a call
    // about it); only a selection never moved follows the newest.
    let mut app = three();
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Up);
    assert_eq!(selected_uuid(&app).as_deref(), Some("uuid-3"));
    feed(&mut app, vec![lockout(8, "frank@example.com", 70)]);
    assert_eq!(selected_uuid(&app).as_deref(), Some("uuid-3"));
    assert_eq!(app.selected(), Some(1));
}

#[test]
fn a_new_lockout_of_the_selected_user_keeps_the_selection_on_that_user() {
    let mut app = three();
    press(&mut app, KeyCode::Down);
    assert_eq!(selected_uuid(&app).as_deref(), Some("uuid-2"));
    feed(
        &mut app,
        vec![
            lockout(8, "frank@example.com", 70),
            lockout(9, "bob@example.com", 80),
        ],
    );
    assert_eq!(
        selected_uuid(&app).as_deref(),
        Some("uuid-9"),
        "bob's row now shows his newest lockout"
    );
    assert_eq!(app.selected(), Some(0));
}

// ---- filter ----

#[test]
fn filter_matches_login_name_ip_city_and_reason_case_insensitively() {
    let mut app = three();
    let mut special = lockout(4, "dave@example.com", 40);
    special.display_name = Some("Dave Moscowitz".into());
    special.ip = Some("203.0.113.9".into());
    special.city = Some("Kazan".into());
    special.reason = "Account locked by admin".into();
    feed(&mut app, vec![special]);

    let cases = [
        ("BOB", vec!["uuid-2"]),
        ("moscow", vec!["uuid-4"]),
        ("203.0.113", vec!["uuid-4"]),
        ("kazan", vec!["uuid-4"]),
        ("by admin", vec!["uuid-4"]),
        ("lyon", vec!["uuid-3", "uuid-2"]),
        ("alice", vec!["uuid-3"]),
        ("nobody", vec![]),
    ];
    for (text, expected) in cases {
        press(&mut app, KeyCode::Char('/'));
        assert!(app.is_editing_filter());
        type_text(&mut app, text);
        assert_eq!(uuids(&app), expected, "filter {text:?}");
        assert_eq!(app.len(), expected.len());
        assert_eq!(app.total(), 4);
        press(&mut app, KeyCode::Esc);
        assert_eq!(app.filter(), None);
        assert_eq!(app.len(), 3);
    }
}

#[test]
fn enter_keeps_the_filter_and_esc_in_the_feed_clears_it() {
    let mut app = three();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "alice");
    press(&mut app, KeyCode::Enter);
    assert!(app.is_editing_filter(), "waits for the directory search");
    no_directory_match(&mut app, 5);
    assert!(!app.is_editing_filter());
    assert_eq!(app.filter(), Some("alice"));
    assert_eq!(uuids(&app), ["uuid-3"]);

    // New lockouts are filtered too.
    feed(
        &mut app,
        vec![
            lockout(10, "bob@example.com", 90),
            lockout(11, "Alice@example.com", 95),
        ],
    );
    assert_eq!(uuids(&app), ["uuid-11"]);
    assert_eq!(app.total(), 5);

    // Keys now move within the matches.
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(uuids(&app), ["uuid-11", "uuid-3", "uuid-1"]);
    press(&mut app, KeyCode::End);
    assert_eq!(selected_uuid(&app).as_deref(), Some("uuid-1"));

    press(&mut app, KeyCode::Esc);
    assert_eq!(app.filter(), None);
    assert_eq!(app.len(), 4, "alice expanded (3 rows) and bob");
    assert_eq!(
        selected_uuid(&app).as_deref(),
        Some("uuid-1"),
        "clearing keeps the selected lockout"
    );
}

#[test]
fn typing_q_in_the_filter_types_it_and_backspace_edits() {
    let mut app = three();
    press(&mut app, KeyCode::Char('/'));
    assert!(press(&mut app, KeyCode::Char('q')).is_empty());
    assert_eq!(app.filter(), Some("q"));
    assert!(app.is_empty());
    press(&mut app, KeyCode::Backspace);
    assert_eq!(app.filter(), None);
    assert_eq!(app.len(), 2);
    let quit = app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    )));
    assert_eq!(quit, vec![Effect::Quit], "Ctrl-C quits even while typing");
}

#[test]
fn a_whitespace_filter_is_no_filter() {
    let mut app = three();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "  ");
    assert_eq!(app.filter(), None);
    assert_eq!(app.len(), 2);
}

// ---- detail and the user cache ----

#[test]
fn users_load_only_with_the_detail_open_and_once_per_user() {
    let mut app = three();
    assert!(press(&mut app, KeyCode::Down).is_empty(), "detail closed");
    assert!(press(&mut app, KeyCode::Up).is_empty());

    assert_eq!(
        press(&mut app, KeyCode::Enter),
        vec![Effect::LoadUser("00u-alice@example.com".into())]
    );
    assert!(app.detail_open());
    assert_eq!(
        app.user(app.selected_lockout().unwrap()),
        Some(&UserState::Loading)
    );
    assert_eq!(
        press(&mut app, KeyCode::Down),
        vec![Effect::LoadUser("00u-bob@example.com".into())]
    );
    assert!(
        press(&mut app, KeyCode::Down).is_empty(),
        "alice is already loading"
    );
    assert!(press(&mut app, KeyCode::Up).is_empty(), "bob is loading");
}

#[test]
fn a_loaded_user_is_a_cache_hit() {
    let mut app = three();
    press(&mut app, KeyCode::Enter);
    app.update(Msg::UserLoaded {
        user_id: "00u-alice@example.com".into(),
        result: Ok(loaded("alice@example.com")),
    });
    let selected = app.selected_lockout().unwrap().clone();
    assert!(matches!(
        app.user(&selected),
        Some(UserState::Loaded(user)) if user.login == "alice@example.com"
    ));
    press(&mut app, KeyCode::Enter);
    assert!(!app.detail_open());
    assert!(press(&mut app, KeyCode::Enter).is_empty(), "cached");
    press(&mut app, KeyCode::End);
    assert!(app.user(app.selected_lockout().unwrap()).is_some());
}

#[test]
fn a_failed_load_is_kept_until_the_agent_reloads() {
    let mut app = three();
    press(&mut app, KeyCode::Enter);
    app.update(Msg::UserLoaded {
        user_id: "00u-alice@example.com".into(),
        result: Err("network error: refused — check the network and the org URL".into()),
    });
    let selected = app.selected_lockout().unwrap().clone();
    assert!(matches!(app.user(&selected), Some(UserState::Failed(e)) if e.contains("refused")));
    press(&mut app, KeyCode::Down);
    assert!(press(&mut app, KeyCode::Up).is_empty(), "failure cached");
    assert_eq!(
        press(&mut app, KeyCode::Char('R')),
        vec![Effect::LoadUser("00u-alice@example.com".into())]
    );
    assert!(
        press(&mut app, KeyCode::Char('R')).is_empty(),
        "no second request while loading"
    );
}

#[test]
fn the_login_is_the_key_when_the_event_has_no_user_id() {
    let mut app = app();
    let mut anonymous = lockout(1, "ghost@example.com", 1);
    anonymous.user_id = None;
    feed(&mut app, vec![anonymous]);
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        vec![Effect::LoadUser("ghost@example.com".into())]
    );
}

#[test]
fn esc_closes_the_detail_before_clearing_the_filter() {
    let mut app = three();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "alice");
    press(&mut app, KeyCode::Enter);
    no_directory_match(&mut app, 5);
    press(&mut app, KeyCode::Enter);
    assert!(app.detail_open());
    press(&mut app, KeyCode::Esc);
    assert!(!app.detail_open());
    assert_eq!(app.filter(), Some("alice"));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.filter(), None);
}

#[test]
fn opening_the_detail_shrinks_the_table() {
    let mut app = three();
    let before = app.page_rows();
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.page_rows(), before - usize::from(view::DETAIL_HEIGHT));
}

// ---- help, quit, clock, redraws ----

#[test]
fn help_opens_with_question_mark_scrolls_and_any_other_key_closes_it_without_acting() {
    let mut app = three_users();
    app.update(Msg::Resize {
        width: 80,
        height: 12,
    });
    press(&mut app, KeyCode::Char('?'));
    assert!(app.help_open());
    assert_eq!(app.context(), Context::Help);
    assert!(
        press(&mut app, KeyCode::Char('q')).is_empty(),
        "q closes help, no quit"
    );
    assert!(!app.help_open());
    press(&mut app, KeyCode::Char('?'));
    press(&mut app, KeyCode::Char('j'));
    assert!(app.help_open(), "j scrolls the help");
    assert_eq!(app.help_scroll(), 1);
    press(&mut app, KeyCode::PageDown);
    assert!(app.help_scroll() > 1);
    press(&mut app, KeyCode::End);
    let last = app.help_scroll();
    assert!(last > 0);
    press(&mut app, KeyCode::Down);
    assert_eq!(app.help_scroll(), last, "stops at the end");
    press(&mut app, KeyCode::Char('g'));
    assert_eq!(app.help_scroll(), 0);
    press(&mut app, KeyCode::Char('x'));
    assert!(!app.help_open());
    assert_eq!(app.selected(), Some(0), "the closing key does not move");
    // `/` closes the help and starts the screen's search.
    press(&mut app, KeyCode::Char('?'));
    press(&mut app, KeyCode::Char('/'));
    assert!(!app.help_open());
    assert_eq!(app.context(), Context::Filter);
}

#[test]
fn q_ctrl_c_and_the_quit_message_quit() {
    let mut app = three();
    assert_eq!(press(&mut app, KeyCode::Char('q')), vec![Effect::Quit]);
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(app.update(Msg::Key(ctrl_c)), vec![Effect::Quit]);
    assert_eq!(app.update(Msg::Quit), vec![Effect::Quit]);
}

#[test]
fn ticks_move_the_clock_and_expire_bursts() {
    let mut app = App::new(
        DashboardOptions {
            bursts: BurstRules::default(),
            ..DashboardOptions::default()
        },
        t0(),
    );
    let spray: Vec<Lockout> = (0..5)
        .map(|n| {
            let mut l = lockout(n, &format!("user{n}@example.com"), 0);
            l.ip = Some("203.0.113.9".into());
            l
        })
        .collect();
    feed(&mut app, spray);
    assert_eq!(app.bursts().len(), 1);
    app.update(Msg::Tick(t0() + TimeDelta::minutes(5)));
    assert_eq!(app.now, t0() + TimeDelta::minutes(5));
    assert_eq!(app.bursts().len(), 1, "the window's edge still counts");
    app.update(Msg::Tick(
        t0() + TimeDelta::minutes(5) + TimeDelta::seconds(1),
    ));
    assert!(app.bursts().is_empty());
}

#[test]
fn only_changes_ask_for_a_redraw() {
    let mut app = three();
    assert!(app.take_dirty());
    assert!(!app.take_dirty());
    press(&mut app, KeyCode::Char('z'));
    assert!(!app.is_dirty(), "an unbound key changes nothing");
    press(&mut app, KeyCode::Down);
    assert!(app.take_dirty());
    app.update(Msg::Tick(t0() + TimeDelta::seconds(1)));
    assert!(app.take_dirty(), "relative times moved");
    app.update(Msg::UserLoaded {
        user_id: "x".into(),
        result: Err("gone".into()),
    });
    assert!(app.take_dirty());
}

#[test]
fn scroll_offset_moves_as_little_as_possible() {
    assert_eq!(scroll_offset(0, 0, 100, 10), 0);
    assert_eq!(scroll_offset(9, 0, 100, 10), 0);
    assert_eq!(scroll_offset(10, 0, 100, 10), 1);
    assert_eq!(scroll_offset(5, 8, 100, 10), 5);
    assert_eq!(
        scroll_offset(95, 95, 100, 10),
        90,
        "no empty rows at the end"
    );
    assert_eq!(scroll_offset(3, 50, 5, 10), 0);
    assert_eq!(scroll_offset(0, 0, 0, 0), 0);
}

proptest! {
    /// Whatever arrives, in whatever order and with whatever duplicates, the feed stays
    /// de-duplicated, sorted newest first, bounded, with repeats that add up and a selection
    /// on screen.
    #[test]
    fn feed_invariants_hold(
        batches in prop::collection::vec(
            prop::collection::vec((0u32..40, 0usize..5, 0i64..600), 0..12),
            1..8,
        ),
        moves in prop::collection::vec(0u8..4, 0..10),
    ) {
        let logins = ["a@x.io", "b@x.io", "c@x.io", "A@x.io", "d@x.io"];
        let mut app = App::with_capacity(DashboardOptions::default(), t0(), 25);
        app.update(Msg::Resize { width: 100, height: 20 });
        for batch in batches {
            let lockouts = batch
                .into_iter()
                .map(|(n, who, secs)| lockout(n, logins[who], i64::from(n) * 7 + secs % 7))
                .collect();
            feed(&mut app, lockouts);
            for m in &moves {
                let code = [KeyCode::Down, KeyCode::Up, KeyCode::PageDown, KeyCode::End][usize::from(*m)];
                press(&mut app, code);
            }
        }
        // One row per user (case-insensitive login), newest user first, counts that add up
        // to the lockouts held, which stay bounded.
        let rows: Vec<Lockout> = app.rows(0, app.len()).cloned().collect();
        prop_assert!(app.total() <= 25);
        let mut seen = std::collections::HashSet::new();
        prop_assert!(rows.iter().all(|l| seen.insert(l.login.to_lowercase())));
        prop_assert!(rows.windows(2).all(|w| w[0].published >= w[1].published));
        let mut counted = 0;
        for (n, l) in rows.iter().enumerate() {
            let RowKind::User { lockouts, expanded } = app.feed_row(n).unwrap().kind else {
                panic!("no user is expanded");
            };
            prop_assert!(!expanded);
            prop_assert_eq!(app.repeats(l), lockouts);
            counted += lockouts;
        }
        prop_assert_eq!(counted, app.total());
        if let Some(selected) = app.selected() {
            prop_assert!(selected < app.len());
            prop_assert!(selected >= app.offset());
            prop_assert!(selected < app.offset() + app.page_rows());
        }
    }
}

// ---- the user screen ----

fn profile(login: &str) -> Box<UserProfile> {
    Box::new(UserProfile {
        user: loaded(login),
        factors: Vec::new(),
        password_policy: None,
        password_expires_at: None,
        password_warn_from: None,
        activity: Vec::new(),
        unreadable: Vec::new(),
    })
}

fn profile_loaded(app: &mut App, key: &str, login: &str) -> Vec<Effect> {
    app.update(Msg::ProfileLoaded {
        key: key.into(),
        result: Ok(profile(login)),
    })
}

#[test]
fn o_opens_the_user_screen_for_the_selected_lockout_and_esc_returns_to_the_feed() {
    let mut app = three();
    press(&mut app, KeyCode::Down);
    assert_eq!(
        press(&mut app, KeyCode::Char('o')),
        [Effect::LoadProfile("00u-bob@example.com".into())]
    );
    assert_eq!(app.context(), Context::User);
    let open = app.open_user_view().unwrap();
    assert_eq!(open.label, "bob@example.com");
    assert_eq!(app.open_profile(), Some(&ProfileState::Loading));

    // Feed keys do nothing on the user screen; q still quits.
    assert!(press(&mut app, KeyCode::Char('j')).is_empty());
    assert_eq!(selected_uuid(&app).as_deref(), Some("uuid-2"));

    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert_eq!(app.context(), Context::Feed);
    assert!(app.open_user_view().is_none());
    assert_eq!(selected_uuid(&app).as_deref(), Some("uuid-2"));
    assert_eq!(
        press(&mut app, KeyCode::Char('o')),
        [],
        "still loading: not asked twice"
    );
    assert_eq!(press(&mut app, KeyCode::Char('q')), [Effect::Quit]);
}

#[test]
fn a_loaded_profile_is_a_cache_hit_and_r_reloads_it_once() {
    let mut app = three();
    assert_eq!(
        press(&mut app, KeyCode::Char('o')),
        [Effect::LoadProfile("00u-alice@example.com".into())]
    );
    profile_loaded(&mut app, "00u-alice@example.com", "alice@example.com");
    assert!(matches!(app.open_profile(), Some(ProfileState::Loaded(_))));
    press(&mut app, KeyCode::Esc);

    // Alice again (her older lockout, listed under her row): cached.
    press(&mut app, KeyCode::Char('x'));
    press(&mut app, KeyCode::Down);
    assert_eq!(selected_uuid(&app).as_deref(), Some("uuid-1"));
    assert!(press(&mut app, KeyCode::Char('o')).is_empty());
    assert!(matches!(app.open_profile(), Some(ProfileState::Loaded(_))));

    assert_eq!(
        press(&mut app, KeyCode::Char('R')),
        [Effect::LoadProfile("00u-alice@example.com".into())]
    );
    assert_eq!(app.open_profile(), Some(&ProfileState::Loading));
    assert!(
        press(&mut app, KeyCode::Char('R')).is_empty(),
        "already on its way"
    );

    app.update(Msg::ProfileLoaded {
        key: "00u-alice@example.com".into(),
        result: Err("IdP unreachable — check the network".into()),
    });
    assert_eq!(
        app.open_profile(),
        Some(&ProfileState::Failed(
            "IdP unreachable — check the network".into()
        ))
    );
}

#[test]
fn profile_answers_nobody_waits_for_are_dropped() {
    let mut app = three();
    press(&mut app, KeyCode::Char('o'));
    // An answer for a user never asked for.
    profile_loaded(&mut app, "00u-mallory", "mallory@example.com");
    assert_eq!(app.profile("00u-mallory"), None);
    assert_eq!(app.open_profile(), Some(&ProfileState::Loading));

    profile_loaded(&mut app, "00u-alice@example.com", "alice@example.com");
    // A late duplicate answer does not overwrite the loaded profile.
    app.update(Msg::ProfileLoaded {
        key: "00u-alice@example.com".into(),
        result: Err("late".into()),
    });
    assert!(matches!(app.open_profile(), Some(ProfileState::Loaded(_))));
}

#[test]
fn an_answer_for_another_user_is_cached_but_not_shown() {
    let mut app = three();
    press(&mut app, KeyCode::Char('o'));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('o'));
    profile_loaded(&mut app, "00u-alice@example.com", "alice@example.com");
    assert_eq!(app.open_user_view().unwrap().label, "bob@example.com");
    assert_eq!(app.open_profile(), Some(&ProfileState::Loading));
    assert!(matches!(
        app.profile("00u-alice@example.com"),
        Some(ProfileState::Loaded(_))
    ));
}

// ---- directory search from the filter box ----

fn search_effects(effects: &[Effect]) -> Vec<(String, u64)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::SearchUsers { query, seq } => Some((query.clone(), *seq)),
            _ => None,
        })
        .collect()
}

fn matches(logins: &[&str]) -> Result<Vec<User>, String> {
    Ok(logins
        .iter()
        .map(|l| User::sample(&format!("00u-{l}"), l, UserStatus::Active))
        .collect())
}

#[test]
fn typing_two_characters_searches_the_directory_and_stale_answers_are_dropped() {
    let mut app = three();
    press(&mut app, KeyCode::Char('/'));
    assert!(search_effects(&press(&mut app, KeyCode::Char('a'))).is_empty());
    let first = search_effects(&press(&mut app, KeyCode::Char('l')));
    assert_eq!(first, [("al".to_string(), 2)]);
    let second = search_effects(&press(&mut app, KeyCode::Char('i')));
    assert_eq!(second, [("ali".to_string(), 3)]);
    // The feed filter works as before.
    assert_eq!(app.filter(), Some("ali"));
    assert_eq!(uuids(&app), ["uuid-3"]);

    // The answer to "al" comes late: dropped.
    app.update(Msg::SearchResults {
        seq: 2,
        result: matches(&["alan@example.com"]),
    });
    assert_eq!(app.search().latest(), None);
    app.update(Msg::SearchResults {
        seq: 3,
        result: matches(&["alice@example.com", "alicia@example.com"]),
    });
    assert_eq!(app.search().matches().len(), 2);

    // Back under two characters: no search, no list.
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    assert_eq!(app.search().latest(), None);
    // Esc clears the filter and the search with it.
    let effects = press(&mut app, KeyCode::Esc);
    assert!(search_effects(&effects).is_empty());
    assert_eq!(app.filter(), None);
}

#[test]
fn keys_in_the_directory_list_move_open_and_go_back() {
    let mut app = three();
    press(&mut app, KeyCode::Char('/'));
    // Nothing to move into before the directory answers.
    type_text(&mut app, "ali");
    press(&mut app, KeyCode::Down);
    assert_eq!(app.context(), Context::Filter);
    app.update(Msg::SearchResults {
        seq: 3,
        result: matches(&["alice@example.com", "alicia@example.com"]),
    });

    press(&mut app, KeyCode::Tab);
    assert_eq!(app.context(), Context::Results);
    assert!(app.is_editing_filter());
    // Letters are list keys now, not text.
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(app.filter(), Some("ali"));
    assert_eq!(app.search().selected(), 1);
    press(&mut app, KeyCode::Down);
    assert_eq!(app.search().selected(), 1, "stops at the last match");
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Up);
    assert_eq!(app.context(), Context::Filter, "up from the first match");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.context(), Context::Filter, "Esc goes back to the text");
    assert_eq!(app.filter(), Some("ali"));

    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        [Effect::LoadProfile("00u-alicia@example.com".into())]
    );
    assert_eq!(app.context(), Context::User);
    assert_eq!(app.open_user_view().unwrap().label, "alicia@example.com");
    assert!(!app.is_editing_filter());
    // Back to the feed, still filtered.
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.context(), Context::Feed);
    assert_eq!(app.filter(), Some("ali"));
}

#[test]
fn enter_in_the_filter_text_opens_the_first_directory_match() {
    let mut app = three();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "bob");
    app.update(Msg::SearchResults {
        seq: 3,
        result: matches(&["bob@example.com", "bobby@example.com"]),
    });
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        [Effect::LoadProfile("00u-bob@example.com".into())]
    );
    assert_eq!(app.context(), Context::User);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.filter(), Some("bob"), "the filter stays for the feed");
}

#[test]
fn enter_before_the_search_answers_opens_the_match_when_it_comes() {
    let mut app = three();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "bob");
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    assert_eq!(app.context(), Context::Filter);
    // A late answer to an older query does not count.
    assert!(
        app.update(Msg::SearchResults {
            seq: 2,
            result: matches(&["bo@example.com"]),
        })
        .is_empty()
    );
    assert_eq!(
        app.update(Msg::SearchResults {
            seq: 3,
            result: matches(&["bob@example.com"]),
        }),
        [Effect::LoadProfile("00u-bob@example.com".into())]
    );
    assert_eq!(app.open_user_view().unwrap().label, "bob@example.com");
}

#[test]
fn typing_after_enter_cancels_the_wait_for_a_match() {
    let mut app = three();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "bob");
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "b");
    app.update(Msg::SearchResults {
        seq: 4,
        result: matches(&["bobb@example.com"]),
    });
    assert_eq!(app.context(), Context::Filter);
    assert!(app.open_user_view().is_none());
}

#[test]
fn enter_with_no_directory_match_keeps_the_filter() {
    let mut app = three();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "bob");
    no_directory_match(&mut app, 3);
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    assert_eq!(app.context(), Context::Feed);
    assert_eq!(uuids(&app), ["uuid-2"]);
    assert!(app.open_user_view().is_none());
}

fn no_directory_match(app: &mut App, seq: u64) {
    app.update(Msg::SearchResults {
        seq,
        result: Ok(Vec::new()),
    });
}

// ---- the verification dialog ----

fn push_factor() -> crate::model::Factor {
    crate::model::Factor {
        id: "push1".into(),
        kind: crate::model::FactorKind::Push,
        factor_type: "push".into(),
        provider: "OKTA".into(),
        status: "ACTIVE".into(),
        device_name: Some("Alice's iPhone".into()),
        contact: None,
        created: None,
        last_updated: None,
    }
}

fn sms_factor() -> crate::model::Factor {
    crate::model::Factor {
        id: "sms1".into(),
        kind: crate::model::FactorKind::Sms,
        factor_type: "sms".into(),
        contact: Some("•••-1337".into()),
        device_name: None,
        ..push_factor()
    }
}

/// The feed's first lockout (alice) open on the user screen with a push factor loaded.
fn alice_screen(options: DashboardOptions) -> App {
    let mut app = App::new(options, t0() + TimeDelta::hours(1));
    feed(&mut app, vec![lockout(1, "alice@example.com", 0)]);
    press(&mut app, KeyCode::Char('o'));
    let mut profile = profile("alice@example.com");
    profile.factors = vec![push_factor()];
    app.update(Msg::ProfileLoaded {
        key: "00u-alice@example.com".into(),
        result: Ok(profile),
    });
    assert_eq!(app.context(), Context::User);
    app
}

#[test]
fn an_action_key_on_the_feed_opens_the_user_and_the_dialog_once_loaded() {
    let mut app = App::new(DashboardOptions::default(), t0() + TimeDelta::hours(1));
    feed(&mut app, vec![lockout(1, "alice@example.com", 0)]);
    // A profile cached earlier is stale once a new lockout arrives: it is fetched again.
    press(&mut app, KeyCode::Char('o'));
    profile_loaded(&mut app, "00u-alice@example.com", "alice@example.com");
    press(&mut app, KeyCode::Esc);
    assert_eq!(
        press(&mut app, KeyCode::Char('u')),
        [Effect::LoadProfile("00u-alice@example.com".into())]
    );
    assert_eq!(app.context(), Context::User);
    assert!(app.dialog().is_none(), "waits for the profile");
    let mut profile = profile("alice@example.com");
    profile.factors = vec![push_factor()];
    app.update(Msg::ProfileLoaded {
        key: "00u-alice@example.com".into(),
        result: Ok(profile),
    });
    assert_eq!(app.context(), Context::DialogChecklist);
    assert_eq!(app.dialog().unwrap().action(), Some(&IdpAction::Unlock));
}

#[test]
fn leaving_the_user_screen_drops_the_action_waiting_for_it() {
    let mut app = App::new(DashboardOptions::default(), t0() + TimeDelta::hours(1));
    feed(&mut app, vec![lockout(1, "alice@example.com", 0)]);
    press(&mut app, KeyCode::Char('m'));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('o'));
    profile_loaded(&mut app, "00u-alice@example.com", "alice@example.com");
    assert_eq!(app.context(), Context::User);
    assert!(app.dialog().is_none());
}

#[test]
fn read_only_action_keys_say_why_they_are_off() {
    let mut app = alice_screen(DashboardOptions {
        read_only: true,
        ..DashboardOptions::default()
    });
    for key in ['u', 'r', 'm', 'v'] {
        assert!(press(&mut app, KeyCode::Char(key)).is_empty());
        assert!(app.dialog().is_none());
        assert_eq!(app.message(), Some(READ_ONLY_MESSAGE));
    }
}

#[test]
fn a_wrong_state_action_is_explained_not_opened() {
    let mut app = alice_screen(DashboardOptions::default());
    // Alice has a push factor but the "All" mode needs factors: fine; unlock of an ACTIVE
    // user is not.
    let mut profile = profile("alice@example.com");
    profile.user.status = UserStatus::Active;
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('R'),
        KeyModifiers::NONE,
    )));
    app.update(Msg::ProfileLoaded {
        key: "00u-alice@example.com".into(),
        result: Ok(profile),
    });
    press(&mut app, KeyCode::Char('u'));
    assert!(app.dialog().is_none());
    assert!(
        app.message().unwrap().contains("not locked out"),
        "{:?}",
        app.message()
    );
    press(&mut app, KeyCode::Char('m'));
    assert!(app.dialog().is_none());
    assert!(app.message().unwrap().contains("no enrolled factors"));
}

#[test]
fn unlock_dialog_pushes_and_runs_only_after_the_gate_passes_then_reloads() {
    let mut app = alice_screen(DashboardOptions::default());
    assert!(press(&mut app, KeyCode::Char('u')).is_empty());
    assert_eq!(app.context(), Context::DialogChecklist);
    assert_eq!(app.dialog().unwrap().action(), Some(&IdpAction::Unlock));
    // Every checklist item, a ticket, then the confirm control.
    for i in 1..=app.options.gate.checklist.len() {
        press(
            &mut app,
            KeyCode::Char(char::from_digit(i as u32, 10).unwrap()),
        );
    }
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "INC0012345");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    assert!(press(&mut app, KeyCode::Enter).is_empty(), "no push yet");
    assert_eq!(
        press(&mut app, KeyCode::Char('p')),
        [Effect::Challenge(Challenge::SendPush {
            user_id: "00u-alice@example.com".into(),
            approver_id: "00u-alice@example.com".into(),
            factor_id: Some("push1".into()),
        })]
    );
    app.update(Msg::PushWaiting {
        since: app.now,
        correct_answer: None,
    });
    let evidence = crate::policy::gate::PossessionEvidence {
        kind: crate::policy::gate::EvidenceKind::UserPush,
        for_user_id: "00u-alice@example.com".into(),
        approver_id: "00u-alice@example.com".into(),
        approver_login: "login@example.com".into(),
        factor_id: "push1".into(),
        transaction_id: None,
        result: crate::model::ChallengeResult::Success,
        at: app.now,
    };
    let effects = app.update(Msg::PushDone {
        result: crate::model::ChallengeResult::Success,
        evidence: Some(evidence.clone()),
        message: None,
    });
    // Every challenge is audited as it ends, before any action.
    assert_eq!(
        effects,
        [Effect::RecordVerification {
            target: app.dialog().unwrap().target().clone(),
            ticket: Some("INC0012345".into()),
            evidence,
            note: Some("for unlock".into()),
        }]
    );
    assert!(app.dialog().unwrap().ready());
    let effects = press(&mut app, KeyCode::Enter);
    let [Effect::RunAction(verified)] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(verified.target().user_id, "00u-alice@example.com");
    assert!(app.is_running());
    assert!(press(&mut app, KeyCode::Enter).is_empty(), "runs once");

    let effects = app.update(Msg::ActionDone {
        key: "00u-alice@example.com".into(),
        report: ActionReport {
            action: IdpAction::Unlock,
            user_id: "00u-alice@example.com".into(),
            login: "alice@example.com".into(),
            at: app.now,
            result: Ok("alice@example.com: done, status now ACTIVE".into()),
            audit_seq: None,
            removed: Vec::new(),
        },
    });
    assert_eq!(
        effects,
        [Effect::LoadProfile("00u-alice@example.com".into())]
    );
    assert!(app.dialog().is_none());
    assert_eq!(app.context(), Context::User);
    assert!(app.message().unwrap().contains("status now ACTIVE"));
    let mark = app.handled("00u-alice@example.com").unwrap();
    assert_eq!(mark.kind, crate::tui::handled::HandledKind::Unlocked);
}

#[test]
fn cancelling_after_a_rejected_push_is_audited_and_withdraws_a_waiting_push() {
    let mut app = alice_screen(DashboardOptions::default());
    press(&mut app, KeyCode::Char('u'));
    press(&mut app, KeyCode::Char('p'));
    app.update(Msg::PushWaiting {
        since: app.now,
        correct_answer: None,
    });
    assert_eq!(
        press(&mut app, KeyCode::Esc),
        [Effect::Challenge(Challenge::CancelPush)]
    );
    assert!(app.dialog().is_none());

    press(&mut app, KeyCode::Char('u'));
    press(&mut app, KeyCode::Char('p'));
    app.update(alice_push(crate::model::ChallengeResult::Rejected, app.now));
    assert!(app.dialog().unwrap().rejected());
    let effects = press(&mut app, KeyCode::Esc);
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::RecordRefusal {
                action: IdpAction::Unlock,
                ..
            }]
        ),
        "{effects:?}"
    );
}

fn alice_push(result: crate::model::ChallengeResult, at: DateTime<Utc>) -> Msg {
    Msg::PushDone {
        evidence: Some(random_evidence(&result, true, at)),
        result,
        message: None,
    }
}

#[test]
fn v_checks_the_caller_audits_it_and_the_next_action_reuses_the_evidence() {
    let mut app = alice_screen(DashboardOptions::default());
    press(&mut app, KeyCode::Char('v'));
    assert_eq!(app.context(), Context::DialogChecklist);
    assert_eq!(app.dialog().unwrap().action(), None);
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "INC0012345");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    assert!(matches!(
        press(&mut app, KeyCode::Char('p')).as_slice(),
        [Effect::Challenge(Challenge::SendPush { .. })]
    ));
    let effects = app.update(alice_push(crate::model::ChallengeResult::Success, app.now));
    let [
        Effect::RecordVerification {
            target,
            ticket,
            evidence,
            note: None,
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(target.login, "alice@example.com");
    assert_eq!(ticket.as_deref(), Some("INC0012345"));
    assert_eq!(evidence.result, crate::model::ChallengeResult::Success);
    // Done: Enter closes; nothing ran.
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    assert!(app.dialog().is_none());

    // Unlock a minute later: the ticket and the approved push carry over.
    app.update(Msg::Tick(app.now + TimeDelta::minutes(1)));
    press(&mut app, KeyCode::Char('u'));
    let dialog = app.dialog().unwrap();
    assert_eq!(dialog.ticket().value(), "INC0012345");
    assert!(
        dialog
            .missing()
            .iter()
            .all(|r| matches!(r, crate::policy::gate::Refusal::ChecklistIncomplete(_))),
        "{:?}",
        dialog.missing()
    );
    for i in 1..=app.options.gate.checklist.len() {
        press(
            &mut app,
            KeyCode::Char(char::from_digit(i as u32, 10).unwrap()),
        );
    }
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab);
    }
    assert!(matches!(
        press(&mut app, KeyCode::Enter).as_slice(),
        [Effect::RunAction(v)] if v.evidence().is_some()
    ));
}

#[test]
fn a_rejected_check_of_the_caller_blocks_the_next_action_too() {
    let mut app = alice_screen(DashboardOptions::default());
    press(&mut app, KeyCode::Char('v'));
    press(&mut app, KeyCode::Char('p'));
    let effects = app.update(alice_push(crate::model::ChallengeResult::Rejected, app.now));
    assert!(
        matches!(effects.as_slice(), [Effect::RecordVerification { .. }]),
        "a rejection is audited at once: {effects:?}"
    );
    assert!(
        press(&mut app, KeyCode::Esc).is_empty(),
        "no refusal: no action was asked for"
    );
    press(&mut app, KeyCode::Char('u'));
    assert!(
        app.dialog()
            .unwrap()
            .missing()
            .contains(&crate::policy::gate::Refusal::PushRejected)
    );
}

#[test]
fn c_asks_for_a_code_and_the_checked_code_is_audited() {
    let mut app = alice_screen(DashboardOptions::default());
    let mut profile = profile("alice@example.com");
    profile.factors = vec![push_factor(), sms_factor()];
    press(&mut app, KeyCode::Char('R'));
    app.update(Msg::ProfileLoaded {
        key: "00u-alice@example.com".into(),
        result: Ok(profile),
    });
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(
        press(&mut app, KeyCode::Char('c')),
        [Effect::Challenge(Challenge::SendCode {
            user_id: "00u-alice@example.com".into(),
            factor_id: "sms1".into(),
        })]
    );
    app.update(Msg::CodeSent { error: None });
    type_text(&mut app, "493817");
    let effects = press(&mut app, KeyCode::Enter);
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Challenge(Challenge::CheckCode { factor_id, .. })] if factor_id == "sms1"
        ),
        "{effects:?}"
    );
    let evidence = crate::services::verification::code_evidence(
        "00u-alice@example.com",
        "alice@example.com",
        "sms1",
        crate::model::ChallengeResult::Success,
        app.now,
    );
    let effects = app.update(Msg::CodeChecked {
        result: crate::model::ChallengeResult::Success,
        evidence: Some(evidence),
        message: None,
    });
    assert!(matches!(
        effects.as_slice(),
        [Effect::RecordVerification { note: Some(n), .. }] if n == "for unlock"
    ));
}

#[test]
fn a_code_that_could_not_be_sent_says_why() {
    let mut app = alice_screen(DashboardOptions::default());
    let mut profile = profile("alice@example.com");
    profile.factors = vec![sms_factor()];
    press(&mut app, KeyCode::Char('R'));
    app.update(Msg::ProfileLoaded {
        key: "00u-alice@example.com".into(),
        result: Ok(profile),
    });
    press(&mut app, KeyCode::Char('v'));
    press(&mut app, KeyCode::Char('c'));
    app.update(Msg::CodeSent {
        error: Some("rate limited — wait a minute".into()),
    });
    assert_eq!(
        app.message(),
        Some("Code not sent: rate limited — wait a minute")
    );
}

#[test]
fn mfa_reset_follows_the_configured_mode() {
    let mut app = alice_screen(DashboardOptions {
        mfa_reset_mode: MfaResetMode::All,
        ..DashboardOptions::default()
    });
    press(&mut app, KeyCode::Char('m'));
    assert_eq!(
        app.dialog().unwrap().action(),
        Some(&IdpAction::ResetAllFactors)
    );

    let mut app = alice_screen(DashboardOptions::default());
    press(&mut app, KeyCode::Char('m'));
    assert!(matches!(
        app.dialog().unwrap().step(),
        crate::tui::verify_dialog::Step::ChooseFactors { .. }
    ));
}

/// Evidence from a random challenge: for alice, or for someone else.
fn random_evidence(
    result: &crate::model::ChallengeResult,
    for_alice: bool,
    at: DateTime<Utc>,
) -> crate::policy::gate::PossessionEvidence {
    let for_user_id = if for_alice {
        "00u-alice@example.com"
    } else {
        "00u-mallory"
    };
    crate::policy::gate::PossessionEvidence {
        kind: crate::policy::gate::EvidenceKind::UserPush,
        for_user_id: for_user_id.into(),
        approver_id: for_user_id.into(),
        approver_login: "login@example.com".into(),
        factor_id: "push1".into(),
        transaction_id: None,
        result: result.clone(),
        at,
    }
}

/// One step of a random dialog session at the `App` level.
#[derive(Debug, Clone)]
enum Step {
    Key(KeyEvent),
    Push(crate::model::ChallengeResult, bool),
    CodeSent,
    Code(crate::model::ChallengeResult, bool),
    Tick,
}

fn dialog_steps() -> impl Strategy<Value = Step> {
    use crate::model::ChallengeResult::{Rejected, Success, Timeout};
    // Weighted so that sessions do reach an approved push and a confirm, not only noise.
    let keys = prop_oneof![
        4 => Just(KeyCode::Enter),
        4 => Just(KeyCode::Char('p')),
        1 => Just(KeyCode::Esc),
        1 => Just(KeyCode::Tab),
        1 => Just(KeyCode::Down),
        1 => Just(KeyCode::Char(' ')),
        1 => Just(KeyCode::Char('M')),
        1 => Just(KeyCode::Char('u')),
        1 => Just(KeyCode::Char('r')),
        1 => Just(KeyCode::Char('m')),
        1 => Just(KeyCode::Char('v')),
        2 => Just(KeyCode::Char('c')),
        1 => (b'0'..=b'9').prop_map(|b| KeyCode::Char(char::from(b))),
        1 => prop::sample::select(vec!['I', 'N', 'C', 'x', 'q', 'e', 'y', 'n']).prop_map(KeyCode::Char),
        1 => Just(KeyCode::BackTab),
    ];
    let alt = prop::sample::select(vec!['p', 'm', 'c', 'e', '1', '2'])
        .prop_map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT));
    prop_oneof![
        8 => keys.prop_map(|code| Step::Key(KeyEvent::new(code, KeyModifiers::NONE))),
        2 => alt.prop_map(Step::Key),
        3 => (
            prop::sample::select(vec![Success, Success, Rejected, Timeout]),
            prop::bool::weighted(0.8),
        )
            .prop_map(|(r, for_alice)| Step::Push(r, for_alice)),
        1 => Just(Step::CodeSent),
        2 => (
            prop::sample::select(vec![Success, crate::model::ChallengeResult::Failed]),
            prop::bool::weighted(0.8),
        )
            .prop_map(|(r, for_alice)| Step::Code(r, for_alice)),
        1 => Just(Step::Tick),
    ]
}

proptest! {
    /// Random keys and push answers through `update`: every `RunAction` carries a `Verified`
    /// for the dialog's own user and action, and the gate passed on the dialog's attestation
    /// at that moment.
    #[test]
    fn update_emits_run_action_only_when_the_gate_passed(
        prefilled in any::<bool>(),
        steps in prop::collection::vec(dialog_steps(), 0..150),
    ) {
        let mut app = alice_screen(DashboardOptions::default());
        if prefilled {
            press(&mut app, KeyCode::Char('u'));
            for i in 1..=app.options.gate.checklist.len() {
                press(&mut app, KeyCode::Char(char::from_digit(i as u32, 10).unwrap()));
            }
            press(&mut app, KeyCode::Tab);
            type_text(&mut app, "INC0012345");
            press(&mut app, KeyCode::Tab);
            press(&mut app, KeyCode::Tab);
        }
        for step in steps {
            let msg = match step {
                Step::Key(event) => Msg::Key(event),
                Step::Tick => Msg::Tick(app.now + TimeDelta::seconds(30)),
                Step::Push(result, for_alice) => Msg::PushDone {
                    evidence: Some(random_evidence(&result, for_alice, app.now)),
                    result,
                    message: None,
                },
                Step::CodeSent => Msg::CodeSent { error: None },
                Step::Code(result, for_alice) => Msg::CodeChecked {
                    evidence: Some(random_evidence(&result, for_alice, app.now)),
                    result,
                    message: None,
                },
            };
            let before = app
                .dialog()
                .map(|d| (d.target().clone(), d.action().cloned(), d.attestation()));
            let now = app.now;
            for effect in app.update(msg) {
                // A quit would end the session: the loop would stop here.
                if effect == Effect::Quit {
                    return Ok(());
                }
                if let Effect::RunAction(verified) = effect {
                    let (target, action, attestation) = before.clone().expect("a dialog was open");
                    let action = action.expect("an action dialog, not a caller check");
                    prop_assert_eq!(verified.target(), &target);
                    prop_assert_eq!(verified.target().user_id.as_str(), "00u-alice@example.com");
                    prop_assert_eq!(verified.action(), &action);
                    prop_assert!(crate::policy::gate::check(
                        &app.options.gate, &target, &action, &attestation, now
                    ).is_ok());
                }
            }
        }
    }
}

fn key(app: &mut App, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, modifiers)))
}

/// Alice's unlock dialog with a push waiting for her device.
fn alice_push_waiting() -> App {
    let mut app = alice_screen(DashboardOptions::default());
    press(&mut app, KeyCode::Char('u'));
    press(&mut app, KeyCode::Char('p'));
    app.update(Msg::PushWaiting {
        since: app.now,
        correct_answer: Some(42),
    });
    app
}

#[test]
fn the_context_follows_the_focus_and_the_push_goes_from_the_ticket_field_with_alt_p() {
    let mut app = alice_screen(DashboardOptions::default());
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(app.context(), Context::DialogChecklist);
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.context(), Context::DialogField);
    assert!(
        keymap::hints(app.context()).contains(&("Alt-p", "push")),
        "the footer says how"
    );
    type_text(&mut app, "INC0012345 p");
    assert_eq!(app.dialog().unwrap().ticket().value(), "INC0012345 p");
    assert!(matches!(
        key(&mut app, KeyCode::Char('p'), KeyModifiers::ALT).as_slice(),
        [Effect::Challenge(Challenge::SendPush { .. })]
    ));
    assert_eq!(app.dialog().unwrap().ticket().value(), "INC0012345 p");
    // Ctrl-C in a text field still quits, asking first: the push waits.
    assert!(key(&mut app, KeyCode::Char('c'), KeyModifiers::CONTROL).is_empty());
    assert_eq!(app.context(), Context::QuitConfirm);
}

#[test]
fn quitting_while_a_push_waits_asks_and_yes_withdraws_it() {
    let mut app = alice_push_waiting();
    assert!(press(&mut app, KeyCode::Char('q')).is_empty(), "asks first");
    assert!(app.quit_prompt_open());
    assert!(
        app.in_flight()
            .unwrap()
            .starts_with("A push is waiting for the user's")
    );
    assert!(press(&mut app, KeyCode::Char('n')).is_empty());
    assert!(!app.quit_prompt_open());
    assert!(app.dialog().unwrap().push_in_flight(), "nothing changed");
    press(&mut app, KeyCode::Char('q'));
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert!(app.dialog().is_some(), "Esc backs out of the prompt only");
    press(&mut app, KeyCode::Char('q'));
    assert_eq!(
        press(&mut app, KeyCode::Char('y')),
        [Effect::Challenge(Challenge::CancelPush), Effect::Quit]
    );
    // Asked twice, Ctrl-C quits.
    let mut app = alice_push_waiting();
    key(&mut app, KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(
        key(&mut app, KeyCode::Char('c'), KeyModifiers::CONTROL),
        [Effect::Challenge(Challenge::CancelPush), Effect::Quit]
    );
    // With nothing in flight, q quits at once from the dialog's checklist.
    let mut app = alice_screen(DashboardOptions::default());
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(press(&mut app, KeyCode::Char('q')), [Effect::Quit]);
}

/// Alice's unlock, approved and confirmed: the action runs.
fn alice_running() -> App {
    let mut app = alice_screen(DashboardOptions::default());
    press(&mut app, KeyCode::Char('u'));
    for i in 1..=app.options.gate.checklist.len() {
        press(
            &mut app,
            KeyCode::Char(char::from_digit(i as u32, 10).unwrap()),
        );
    }
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "INC0012345");
    key(&mut app, KeyCode::Char('p'), KeyModifiers::ALT);
    app.update(alice_push(crate::model::ChallengeResult::Success, app.now));
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.dialog().unwrap().focus(),
        crate::tui::verify_dialog::Focus::Button
    );
    let effects = press(&mut app, KeyCode::Enter);
    assert!(
        matches!(effects.as_slice(), [Effect::RunAction(_)]),
        "{effects:?}"
    );
    app
}

fn alice_done(app: &mut App, removed: Vec<crate::model::Factor>) -> Vec<Effect> {
    app.update(Msg::ActionDone {
        key: "00u-alice@example.com".into(),
        report: ActionReport {
            action: IdpAction::Unlock,
            user_id: "00u-alice@example.com".into(),
            login: "alice@example.com".into(),
            at: app.now,
            result: Ok("alice@example.com: done, status now ACTIVE (audit #3)".into()),
            audit_seq: Some(3),
            removed,
        },
    })
}

#[test]
fn while_the_action_runs_keys_say_so_and_quitting_waits_for_its_outcome() {
    let mut app = alice_running();
    assert_eq!(app.context(), Context::DialogBusy);
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert!(
        app.dialog()
            .unwrap()
            .notice()
            .unwrap()
            .starts_with("The unlock of alice@example.com is on its way to the IdP"),
        "{:?}",
        app.dialog().unwrap().notice()
    );
    assert!(press(&mut app, KeyCode::Char('q')).is_empty());
    assert_eq!(app.context(), Context::QuitConfirm);
    assert!(press(&mut app, KeyCode::Char('y')).is_empty(), "not yet");
    let effects = alice_done(&mut app, Vec::new());
    assert_eq!(effects.last(), Some(&Effect::Quit), "{effects:?}");
}

#[test]
fn the_outcome_line_names_every_factor_that_went() {
    let mut app = alice_running();
    let mut code = push_factor();
    code.id = "ost1".into();
    code.kind = crate::model::FactorKind::Totp;
    code.device_name = None;
    alice_done(&mut app, vec![push_factor(), code]);
    assert_eq!(
        app.message(),
        Some(
            "alice@example.com: done, status now ACTIVE (audit #3) — removed: Okta Verify push (Alice's iPhone), Okta Verify code"
        )
    );
}

#[test]
fn an_escalation_asks_is_audited_marks_the_user_and_closes_the_dialog() {
    let mut app = alice_screen(DashboardOptions {
        agent_name: "agent.smith".into(),
        ..DashboardOptions::default()
    });
    press(&mut app, KeyCode::Char('u'));
    press(&mut app, KeyCode::Char('p'));
    app.update(alice_push(crate::model::ChallengeResult::Rejected, app.now));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "caller rushed me");
    // From the note field Alt-e opens the prompt; nothing is written yet.
    assert!(key(&mut app, KeyCode::Char('e'), KeyModifiers::ALT).is_empty());
    assert_eq!(app.context(), Context::DialogEscalate);
    let effects = press(&mut app, KeyCode::Enter);
    let [
        Effect::RecordEscalation {
            target,
            ticket: None,
            reason,
            evidence,
            note,
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(target.login, "alice@example.com");
    assert!(
        reason.starts_with("the USER's push (login@example.com) was REJECTED"),
        "{reason}"
    );
    assert_eq!(evidence.len(), 1);
    assert_eq!(note.as_deref(), Some("caller rushed me"));
    assert_eq!(
        app.context(),
        Context::DialogBusy,
        "no key acts while it is written"
    );

    // It could not be written: the dialog says so and Enter tries again.
    app.update(Msg::EscalationRecorded {
        user_id: "00u-alice@example.com".into(),
        result: Err("disk full".into()),
    });
    assert!(
        app.dialog()
            .unwrap()
            .notice()
            .unwrap()
            .contains("NOT written")
    );
    assert_eq!(app.context(), Context::DialogEscalate);
    assert!(matches!(
        press(&mut app, KeyCode::Enter).as_slice(),
        [Effect::RecordEscalation { .. }]
    ));
    let effects = app.update(Msg::EscalationRecorded {
        user_id: "00u-alice@example.com".into(),
        result: Ok(12),
    });
    assert!(effects.is_empty(), "no refusal on top: {effects:?}");
    assert!(app.dialog().is_none());
    assert!(app.message().unwrap().starts_with(
        "Escalation to security recorded for alice@example.com (audit #12): the USER's push"
    ));
    let mark = app.handled("00u-alice@example.com").unwrap();
    assert_eq!(mark.kind, crate::tui::handled::HandledKind::Escalated);
    assert_eq!(
        (mark.agent.as_str(), mark.audit_seq),
        ("agent.smith", Some(12))
    );
}

#[test]
fn a_caller_with_nothing_to_verify_gets_the_dialog_that_says_so() {
    let mut app = alice_screen(DashboardOptions::default());
    let mut profile = profile("alice@example.com");
    profile.user.manager_id = None;
    press(&mut app, KeyCode::Char('R'));
    app.update(Msg::ProfileLoaded {
        key: "00u-alice@example.com".into(),
        result: Ok(profile),
    });
    press(&mut app, KeyCode::Char('v'));
    let dialog = app.dialog().expect("the dialog opens: no dead end");
    assert!(
        dialog
            .dead_end()
            .unwrap()
            .starts_with("This caller cannot be verified remotely")
    );
    assert!(keymap::hints(app.context()).contains(&("e", "escalate")));
}

#[test]
fn a_manager_push_the_manager_cannot_answer_is_said_on_the_dialog() {
    let mut app = alice_screen(DashboardOptions::default());
    let mut profile = profile("alice@example.com");
    profile.factors = vec![push_factor()];
    profile.user.manager_id = Some("00u-deepa".into());
    press(&mut app, KeyCode::Char('R'));
    app.update(Msg::ProfileLoaded {
        key: "00u-alice@example.com".into(),
        result: Ok(profile),
    });
    press(&mut app, KeyCode::Char('u'));
    press(&mut app, KeyCode::Char('M'));
    app.update(Msg::PushNotSent {
        reason: "the manager (deepa.chen@example.com) has no active Okta Verify push, so they cannot vouch".into(),
        no_push_factor: Some("deepa.chen@example.com".into()),
    });
    let dialog = app.dialog().unwrap();
    assert_eq!(
        dialog.manager_without_push(),
        Some("deepa.chen@example.com")
    );
    assert!(matches!(
        dialog.push(),
        crate::tui::verify_dialog::PushState::NotSent { .. }
    ));
    assert!(press(&mut app, KeyCode::Char('M')).is_empty());
    assert!(
        app.dialog()
            .unwrap()
            .notice()
            .unwrap()
            .contains("has no Okta Verify push: p: push to the user's")
    );
}

// ---- the audit screen ----

fn audit_record(seq: i64, action: &str) -> crate::audit::AuditRecord {
    let mut entry = crate::audit::AuditEntry::new(
        t0(),
        "agent.smith",
        action,
        crate::audit::Outcome::Succeeded,
    );
    entry.target_login = Some("alice@example.com".into());
    crate::audit::AuditRecord {
        seq,
        entry,
        prev_hash: "0".repeat(64),
        hash: "f".repeat(64),
    }
}

fn audit_snapshot(count: i64) -> crate::tui::audit_view::AuditSnapshot {
    crate::tui::audit_view::AuditSnapshot {
        place: "/tmp/audit.sqlite3".into(),
        records: (1..=count)
            .rev()
            .map(|n| audit_record(n, "unlock"))
            .collect(),
        total: count as u64,
        chain: Ok(()),
        checked_before: None,
    }
}

#[test]
fn a_opens_the_audit_log_over_the_user_screen_and_esc_goes_back() {
    let mut app = alice_screen(DashboardOptions::default());
    assert_eq!(
        press(&mut app, KeyCode::Char('a')),
        [Effect::LoadAudit { full: false }]
    );
    assert_eq!(app.context(), Context::Audit);
    assert!(
        press(&mut app, KeyCode::Char('R')).is_empty(),
        "already reading"
    );
    app.update(Msg::AuditLoaded(Ok(audit_snapshot(3))));
    assert_eq!(app.audit().unwrap().selected_record().unwrap().seq, 3);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    assert_eq!(app.audit().unwrap().selected_record().unwrap().seq, 1);
    press(&mut app, KeyCode::Enter);
    assert!(app.audit().unwrap().detail_open());

    // A reload keeps the selection on the same record.
    assert_eq!(
        press(&mut app, KeyCode::Char('R')),
        [Effect::LoadAudit { full: false }]
    );
    app.update(Msg::AuditLoaded(Ok(audit_snapshot(5))));
    assert_eq!(app.audit().unwrap().selected_record().unwrap().seq, 1);
    assert_eq!(app.audit().unwrap().selected(), 4);

    // Keys that mean something elsewhere do nothing here.
    assert!(press(&mut app, KeyCode::Char('u')).is_empty());
    assert!(app.dialog().is_none());
    press(&mut app, KeyCode::Esc);
    assert!(app.audit().is_none());
    assert_eq!(app.context(), Context::User);
}

#[test]
fn an_audit_answer_after_the_screen_closed_is_dropped_and_errors_are_shown() {
    let mut app = three();
    press(&mut app, KeyCode::Char('a'));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.context(), Context::Feed);
    app.update(Msg::AuditLoaded(Ok(audit_snapshot(2))));
    assert!(app.audit().is_none());

    press(&mut app, KeyCode::Char('a'));
    app.update(Msg::AuditLoaded(Err("disk I/O error".into())));
    assert_eq!(
        app.audit().unwrap().state,
        crate::tui::audit_view::AuditState::Failed("disk I/O error".into())
    );
    // Help opens over it and closes back to it.
    press(&mut app, KeyCode::Char('?'));
    assert_eq!(app.context(), Context::Help);
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(app.context(), Context::Audit);
    assert_eq!(press(&mut app, KeyCode::Char('q')), [Effect::Quit]);
}

// ---- team mode: claims ----

fn team_options() -> DashboardOptions {
    DashboardOptions {
        claims: Some(crate::tui::ClaimSettings {
            role: "alice".into(),
            ttl: Duration::from_secs(15 * 60),
        }),
        ..DashboardOptions::default()
    }
}

const ALICE_ID: &str = "00u-alice@example.com";
const ALICE_KEY: &str = "user:00u-alice@example.com";

fn desk_claim(agent: &str, claimed_at: DateTime<Utc>) -> crate::team::claims::Claim {
    crate::team::claims::Claim {
        lockout_uuid: ALICE_KEY.into(),
        user_id: Some(ALICE_ID.into()),
        agent: agent.into(),
        claimed_at,
        expires_at: claimed_at + TimeDelta::minutes(15),
        released_at: None,
        outcome: None,
    }
}

#[test]
fn in_team_mode_an_action_claims_the_user_and_hands_the_claim_back_with_what_was_done() {
    let mut app = alice_screen(team_options());
    let claim = Effect::Claim {
        key: ALICE_KEY.into(),
        user_id: ALICE_ID.into(),
    };
    assert_eq!(
        press(&mut app, KeyCode::Char('u')),
        std::slice::from_ref(&claim)
    );
    assert_eq!(app.claim_held(), Some(ALICE_KEY));
    // Given up: handed back untouched.
    assert_eq!(
        press(&mut app, KeyCode::Esc),
        [Effect::ReleaseClaim {
            key: ALICE_KEY.into(),
            outcome: None
        }]
    );
    assert_eq!(app.claim_held(), None);

    assert_eq!(press(&mut app, KeyCode::Char('u')), [claim]);
    let effects = app.update(Msg::ActionDone {
        key: ALICE_ID.into(),
        report: ActionReport {
            action: IdpAction::Unlock,
            user_id: ALICE_ID.into(),
            login: "alice@example.com".into(),
            at: app.now,
            result: Ok("alice@example.com: done, status now ACTIVE".into()),
            audit_seq: Some(9),
            removed: Vec::new(),
        },
    });
    assert_eq!(
        effects,
        [
            Effect::ReleaseClaim {
                key: ALICE_KEY.into(),
                outcome: Some("unlocked".into())
            },
            Effect::LoadProfile(ALICE_ID.into())
        ]
    );
    assert_eq!(app.claim_held(), None);
}

#[test]
fn a_colleagues_claim_shows_on_the_row_turns_the_action_down_and_its_outcome_marks_the_row() {
    let mut app = alice_screen(team_options());
    let row = lockout(1, "alice@example.com", 0);
    let since = app.now - TimeDelta::minutes(1);
    app.update(Msg::Claims(vec![desk_claim("bob", since)]));
    assert_eq!(app.mark(&row).text(false), "☎ bob on the call since 14:59");
    assert_eq!(app.mark(&row).text(true), "☎ bob");
    assert!(!app.mark(&row).settled());

    assert!(
        press(&mut app, KeyCode::Char('u')).is_empty(),
        "no claim tried"
    );
    assert!(app.dialog().is_none());
    assert_eq!(
        app.message(),
        Some(
            "bob is on a call with alice@example.com (since 14:59, claim ends 15:14 UTC): ask them before acting"
        )
    );

    // Bob unlocks her and releases the claim: every dashboard marks the row as his.
    let mut done = desk_claim("bob", since);
    done.released_at = Some(app.now);
    done.outcome = Some("unlocked".into());
    app.update(Msg::Claims(vec![done]));
    assert_eq!(app.mark(&row).text(false), "✓ unlocked 15:00 by bob");
    assert!(app.mark(&row).settled());
    // Released: nobody holds her now, so this agent may act (and claims her in turn).
    assert_eq!(press(&mut app, KeyCode::Char('u')).len(), 1);
    assert!(app.dialog().is_some());
}

#[test]
fn my_own_claim_never_turns_me_down_and_an_expired_one_is_nobodys() {
    let mut app = alice_screen(team_options());
    let row = lockout(1, "alice@example.com", 0);
    app.update(Msg::Claims(vec![desk_claim("alice", app.now)]));
    assert!(!matches!(app.mark(&row), RowMark::OnCall(_)));
    assert_eq!(press(&mut app, KeyCode::Char('u')).len(), 1);
    press(&mut app, KeyCode::Esc);

    app.update(Msg::Claims(vec![desk_claim(
        "bob",
        app.now - TimeDelta::minutes(20),
    )]));
    assert!(!matches!(app.mark(&row), RowMark::OnCall(_)), "expired");
    assert_eq!(press(&mut app, KeyCode::Char('u')).len(), 1);
}

#[test]
fn a_claim_lost_to_a_colleague_closes_the_dialog_and_a_desk_failure_only_says_so() {
    let mut app = alice_screen(team_options());
    press(&mut app, KeyCode::Char('u'));
    let effects = app.update(Msg::ClaimNotTaken {
        key: ALICE_KEY.into(),
        holder: None,
        error: "the team database cannot be reached".into(),
    });
    assert!(effects.is_empty());
    assert!(app.dialog().is_some(), "the call goes on");
    assert_eq!(
        app.message(),
        Some(
            "Not claimed on the desk (the team database cannot be reached): colleagues do not see you are on this call"
        )
    );

    let holder = desk_claim("bob", app.now);
    let effects = app.update(Msg::ClaimNotTaken {
        key: ALICE_KEY.into(),
        holder: Some(holder),
        error: String::new(),
    });
    assert!(app.dialog().is_none());
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::ReleaseClaim { .. })),
        "bob's claim is not ours to release: {effects:?}"
    );
    assert!(
        app.message()
            .unwrap()
            .starts_with("bob is on a call with alice@example.com")
    );

    // A stale answer about a claim this dialog no longer holds changes nothing.
    press(&mut app, KeyCode::Char('u'));
    app.update(Msg::ClaimNotTaken {
        key: "user:someone-else".into(),
        holder: Some(desk_claim("carol", app.now)),
        error: String::new(),
    });
    assert!(app.dialog().is_some());
}

#[test]
fn a_long_call_renews_its_claim_halfway_through_the_timeout() {
    let mut app = alice_screen(team_options());
    let claim = Effect::Claim {
        key: ALICE_KEY.into(),
        user_id: ALICE_ID.into(),
    };
    press(&mut app, KeyCode::Char('u'));
    let start = app.now;
    assert!(
        app.update(Msg::Tick(start + TimeDelta::minutes(7)))
            .is_empty()
    );
    assert_eq!(
        app.update(Msg::Tick(start + TimeDelta::minutes(8))),
        std::slice::from_ref(&claim),
        "renewed at half of 15 minutes"
    );
    assert!(
        app.update(Msg::Tick(start + TimeDelta::minutes(9)))
            .is_empty()
    );
    assert_eq!(
        app.update(Msg::Tick(start + TimeDelta::minutes(16))),
        std::slice::from_ref(&claim)
    );
    // Handed back: nothing more to renew.
    press(&mut app, KeyCode::Esc);
    assert!(
        app.update(Msg::Tick(start + TimeDelta::hours(1)))
            .is_empty()
    );
}
