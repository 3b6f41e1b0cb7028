//! The feed's issue-7 behaviour through `update`: what the footer may offer, when the feed
//! says NOT RECEIVING, handled marks and "still locked only", and the find-a-user box.

use super::*;
use crate::model::{LockoutKind, UserStatus};
use crate::tui::msg::ActionReport;
use chrono::{TimeDelta, TimeZone};
use crossterm::event::{KeyCode, KeyModifiers};
use std::time::Duration;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 14, 0, 0).unwrap()
}

fn lockout(n: u32, login: &str, ip: &str, secs: i64) -> Lockout {
    let published = t0() + TimeDelta::seconds(secs);
    Lockout {
        uuid: format!("uuid-{n}"),
        published,
        detected_at: published,
        kind: LockoutKind::AccountLocked,
        event_type: "user.account.lock".into(),
        reason: "Max sign in attempts exceeded".into(),
        user_id: Some(format!("00u-{login}")),
        login: login.into(),
        display_name: None,
        ip: Some(ip.into()),
        city: None,
        state: None,
        country: None,
        browser: None,
        os: None,
        raw_user_agent: None,
        request_id: None,
    }
}

fn health(errors: u32, attempt: DateTime<Utc>) -> PollHealth {
    let mut health = PollHealth::new(Duration::from_secs(30));
    health.last_attempt = Some(attempt);
    health.consecutive_errors = errors;
    health.last_error = (errors > 0).then(|| "network error: timed out".to_string());
    health
}

fn app_at(now: DateTime<Utc>, options: DashboardOptions, lockouts: Vec<Lockout>) -> App {
    let mut app = App::new(options, now);
    app.update(Msg::Resize {
        width: 120,
        height: 35,
    });
    app.update(Msg::Feed(FeedEvent::Lockouts {
        lockouts,
        health: health(0, now),
    }));
    app
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

#[test]
fn not_receiving_starts_at_the_first_failed_poll_and_ends_with_a_good_one() {
    let mut app = app_at(t0(), DashboardOptions::default(), Vec::new());
    assert_eq!(app.failing_since(), None);
    let first = t0() + TimeDelta::seconds(30);
    app.update(Msg::Feed(FeedEvent::Failed {
        health: health(1, first),
    }));
    app.update(Msg::Feed(FeedEvent::Failed {
        health: health(2, first + TimeDelta::seconds(60)),
    }));
    assert_eq!(app.failing_since(), Some(first), "since the first failure");
    app.update(Msg::Feed(FeedEvent::Lockouts {
        lockouts: Vec::new(),
        health: health(0, first + TimeDelta::seconds(90)),
    }));
    assert_eq!(app.failing_since(), None);
}

#[test]
fn the_footer_offers_only_keys_that_act_here() {
    let now = t0() + TimeDelta::minutes(1);
    let empty = app_at(now, DashboardOptions::default(), Vec::new());
    for action in [Action::StartUnlock, Action::OpenUser, Action::ToggleDetail] {
        assert!(!empty.offers(action), "{action:?} with no row");
    }
    assert!(!empty.offers(Action::OpenBursts), "no burst");

    // Five users from one IP: a burst; alice twice: something to expand.
    let mut lockouts: Vec<Lockout> = (0..5)
        .map(|n| lockout(n, &format!("u{n}@example.com"), "203.0.113.9", i64::from(n)))
        .collect();
    lockouts.push(lockout(9, "alice@example.com", "198.51.100.1", 10));
    lockouts.push(lockout(10, "alice@example.com", "198.51.100.1", 20));
    let mut app = app_at(now, DashboardOptions::default(), lockouts);
    assert!(app.offers(Action::OpenBursts));
    assert!(app.offers(Action::StartUnlock));
    assert!(
        app.offers(Action::ToggleRepeats),
        "alice's row has two lockouts"
    );
    press(&mut app, KeyCode::Down);
    assert!(!app.offers(Action::ToggleRepeats), "u4 has one");

    let read_only = app_at(
        now,
        DashboardOptions {
            read_only: true,
            ..DashboardOptions::default()
        },
        vec![lockout(1, "alice@example.com", "198.51.100.1", 0)],
    );
    for action in [
        Action::StartUnlock,
        Action::StartResetPassword,
        Action::StartResetMfa,
        Action::StartVerify,
    ] {
        assert!(!read_only.offers(action), "{action:?} in read-only mode");
    }
    assert!(read_only.offers(Action::OpenUser));
}

#[test]
fn handled_users_leave_the_table_under_still_locked_only_and_failed_tries_stay() {
    let now = t0() + TimeDelta::minutes(1);
    let mut app = app_at(
        now,
        DashboardOptions::default(),
        vec![
            lockout(1, "alice@example.com", "198.51.100.1", 0),
            lockout(2, "bob@example.com", "198.51.100.2", 1),
            lockout(3, "carol@example.com", "198.51.100.3", 2),
        ],
    );
    let done = |user: &str, ok: bool| Msg::ActionDone {
        key: format!("00u-{user}"),
        report: ActionReport {
            action: IdpAction::Unlock,
            user_id: format!("00u-{user}"),
            login: user.into(),
            at: now,
            result: if ok {
                Ok("done".into())
            } else {
                Err("500".into())
            },
            audit_seq: Some(3),
            removed: Vec::new(),
        },
    };
    app.update(done("alice@example.com", true));
    app.update(done("bob@example.com", false));
    let alice = app.row(2).unwrap().clone();
    assert!(matches!(app.mark(&alice), RowMark::Handled(_)));
    press(&mut app, KeyCode::Char('l'));
    let logins: Vec<String> = app.rows(0, app.len()).map(|l| l.login.clone()).collect();
    assert_eq!(logins, ["carol@example.com", "bob@example.com"]);
    assert_eq!(app.hidden_users(), 1);
    // A fetch that finds carol ACTIVE again settles her too.
    let mut carol = User::sample(
        "00u-carol@example.com",
        "carol@example.com",
        UserStatus::Active,
    );
    carol.email = None;
    app.update(Msg::UserLoaded {
        user_id: "00u-carol@example.com".into(),
        result: Ok(carol),
    });
    assert_eq!(app.len(), 1);
    assert_eq!(app.selected_lockout().unwrap().login, "bob@example.com");
    // A new lockout of alice after her unlock brings her back.
    app.update(Msg::Feed(FeedEvent::Lockouts {
        lockouts: vec![lockout(4, "alice@example.com", "198.51.100.1", 90)],
        health: health(0, now),
    }));
    assert_eq!(app.len(), 2);
    press(&mut app, KeyCode::Char('l'));
    assert_eq!(app.len(), 3);
}

#[test]
fn the_find_box_over_the_user_screen_never_touches_the_feed_and_says_when_no_one_matches() {
    let now = t0() + TimeDelta::minutes(1);
    let mut app = app_at(
        now,
        DashboardOptions::default(),
        vec![lockout(1, "alice@example.com", "198.51.100.1", 0)],
    );
    press(&mut app, KeyCode::Char('o'));
    press(&mut app, KeyCode::Char('/'));
    assert_eq!(app.context(), Context::Find);
    assert!(app.is_finding() && app.is_editing_filter());
    let effects: Vec<Effect> = "zed"
        .chars()
        .flat_map(|c| press(&mut app, KeyCode::Char(c)))
        .collect();
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::SearchUsers { query, .. } if query == "zed"))
    );
    assert_eq!(app.filter(), None, "the feed's filter is not the find box");
    assert_eq!(app.len(), 1);
    let seq = match effects.last() {
        Some(Effect::SearchUsers { seq, .. }) => *seq,
        _ => panic!("a search"),
    };
    app.update(Msg::SearchResults {
        seq,
        result: Ok(Vec::new()),
    });
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    assert_eq!(app.context(), Context::Find, "stays to try another name");
    assert!(app.message().unwrap().contains("No user matches \"zed\""));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.context(), Context::User);
    assert_eq!(app.open_user_view().unwrap().label, "alice@example.com");
}

#[test]
fn the_burst_list_skips_headings_and_closes_with_esc() {
    let now = t0() + TimeDelta::minutes(1);
    let lockouts: Vec<Lockout> = (0..5)
        .map(|n| lockout(n, &format!("u{n}@example.com"), "203.0.113.9", i64::from(n)))
        .collect();
    let mut app = app_at(now, DashboardOptions::default(), lockouts);
    press(&mut app, KeyCode::Char('b'));
    assert_eq!(app.context(), Context::Bursts);
    assert_eq!(
        app.burst_list(),
        Some(1),
        "the first lockout, under the heading"
    );
    press(&mut app, KeyCode::Up);
    assert_eq!(app.burst_list(), Some(1), "headings are not chosen");
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(app.burst_list(), Some(2));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.context(), Context::Feed);
    // The burst ends: b says so instead of opening an empty list.
    app.update(Msg::Tick(now + TimeDelta::minutes(10)));
    press(&mut app, KeyCode::Char('b'));
    assert_eq!(app.burst_list(), None);
    assert_eq!(app.message(), Some("No burst is active"));
}
