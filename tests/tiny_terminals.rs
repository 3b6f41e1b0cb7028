//! Tiny terminals and resizes never panic: every screen, with its dialogs and overlays open,
//! drawn at sizes down to nothing and through a run of resizes, the app told of each size the
//! way the run loop tells it.

use accessdesk::audit::{AuditEntry, AuditLog, Outcome};
use accessdesk::model::{
    ActivityEvent, ActivityKind, Factor, FactorKind, Lockout, LockoutKind, User, UserStatus,
};
use accessdesk::services::user_profile::UserProfile;
use accessdesk::services::{FeedEvent, PollHealth};
use accessdesk::tui::audit_view::AuditSnapshot;
use accessdesk::tui::{App, DashboardOptions, Msg, view};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::Duration;

const SIZES: [(u16, u16); 12] = [
    (20, 5),
    (1, 1),
    (0, 0),
    (80, 0),
    (0, 24),
    (1, 24),
    (80, 1),
    (80, 2),
    (2, 2),
    (5, 20),
    (12, 7),
    (30, 10),
];

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 14, 30, 0).unwrap()
}

fn lockout(n: u32) -> Lockout {
    let published = now() - TimeDelta::seconds(10 + i64::from(n) * 7);
    Lockout {
        uuid: format!("uuid-{n}"),
        published,
        detected_at: published + TimeDelta::seconds(1),
        kind: LockoutKind::AccountLocked,
        event_type: "user.account.lock".into(),
        reason: "Max sign in attempts exceeded".into(),
        user_id: Some(format!("00u{}", n % 5)),
        login: format!("user{}.{}@example.com", n % 5, "x".repeat(n as usize)),
        display_name: Some("名前 👩‍👩‍👧 Ünïcødé".repeat(1 + n as usize % 3)),
        ip: Some("203.0.113.9".into()),
        city: Some("Bucharest".into()),
        state: None,
        country: Some("Romania".into()),
        browser: Some("CHROME".into()),
        os: Some("Windows".into()),
        raw_user_agent: None,
        request_id: Some("req".into()),
    }
}

fn user(id: &str) -> User {
    User {
        id: id.into(),
        status: UserStatus::LockedOut,
        login: format!("{id}@example.com"),
        email: Some(format!("{id}@example.com")),
        second_email: None,
        first_name: Some("Ada".into()),
        last_name: Some("L".repeat(300)),
        display_name: None,
        department: Some("Engines".into()),
        title: Some("Engineer".into()),
        user_type: Some("employee".into()),
        manager: Some("Charles".into()),
        manager_id: Some("00umgr".into()),
        contract_end_date: None,
        created: Some(now() - TimeDelta::days(900)),
        status_changed: Some(now() - TimeDelta::minutes(2)),
        last_login: Some(now() - TimeDelta::hours(26)),
        password_changed: Some(now() - TimeDelta::days(51)),
    }
}

fn profile(id: &str) -> UserProfile {
    let factor = |n: usize| Factor {
        id: format!("f{n}"),
        kind: if n == 0 {
            FactorKind::Push
        } else {
            FactorKind::Sms
        },
        factor_type: "push".into(),
        provider: "OKTA".into(),
        status: "ACTIVE".into(),
        device_name: Some("Phone".into()),
        contact: None,
        created: Some(now() - TimeDelta::days(60)),
        last_updated: None,
    };
    UserProfile {
        user: user(id),
        factors: (0..12).map(factor).collect(),
        password_policy: Some("Default Policy".into()),
        password_expires_at: Some(now() + TimeDelta::days(8)),
        password_warn_from: Some(now() - TimeDelta::days(6)),
        activity: (0..30)
            .map(|n| ActivityEvent {
                uuid: format!("e{n}"),
                published: now() - TimeDelta::minutes(n),
                kind: ActivityKind::FailedSignIn,
                event_type: "user.session.start".into(),
                message: "User login to Okta".into(),
                result: Some("FAILURE".into()),
                reason: Some("INVALID_CREDENTIALS".into()),
                actor: None,
                ip: Some("198.51.100.7".into()),
                location: Some("Austin".into()),
            })
            .collect(),
        unreadable: vec![
            "1 password policy could not be read (the expiry may differ)".into(),
            "1 factor could not be read".into(),
        ],
    }
}

fn press(app: &mut App, code: KeyCode) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn feed() -> App {
    let options = DashboardOptions {
        org_label: "acme.okta.com".into(),
        agent_name: "agent.smith".into(),
        ..DashboardOptions::default()
    };
    let mut app = App::new(options, now() - TimeDelta::minutes(5));
    app.update(Msg::Resize {
        width: 120,
        height: 30,
    });
    app.update(Msg::Tick(now()));
    let mut health = PollHealth::new(Duration::from_secs(30));
    health.last_success = Some(now());
    app.update(Msg::Feed(FeedEvent::Lockouts {
        lockouts: (0..40).map(lockout).collect(),
        health: health.clone(),
    }));
    health.consecutive_errors = 3;
    health.last_error = Some("network error: connection refused — check the network".into());
    app.update(Msg::Feed(FeedEvent::Failed { health }));
    app
}

fn user_screen() -> App {
    let mut app = feed();
    press(&mut app, KeyCode::Char('o'));
    let key = app.selected_lockout().unwrap().user_id.clone().unwrap();
    app.update(Msg::ProfileLoaded {
        key: key.clone(),
        result: Ok(Box::new(profile(&key))),
    });
    app
}

fn audit() -> App {
    let dir = tempfile::tempdir().unwrap();
    let mut log = AuditLog::open(&AuditLog::default_path(dir.path())).unwrap();
    for n in 0..20 {
        let mut e = AuditEntry::new(now(), "agent.smith", "unlock", Outcome::Succeeded);
        e.target_login = Some(format!("user{n}@example.com"));
        e.note = Some("n".repeat(200));
        log.append(&e).unwrap();
    }
    let (records, total) = log.recent(50).unwrap();
    let mut app = feed();
    press(&mut app, KeyCode::Char('a'));
    app.update(Msg::AuditLoaded(Ok(AuditSnapshot {
        place: dir.path().join("audit.sqlite3").display().to_string(),
        records,
        total,
        chain: Ok(()),
        checked_before: None,
    })));
    app
}

/// Every screen and overlay, by name.
fn states() -> Vec<(&'static str, App)> {
    let mut states = vec![("empty", {
        let mut app = App::new(DashboardOptions::default(), now());
        app.update(Msg::Tick(now()));
        app
    })];
    states.push(("feed", feed()));
    let mut detail = feed();
    press(&mut detail, KeyCode::Enter);
    detail.update(Msg::UserLoaded {
        user_id: "00u0".into(),
        result: Ok(user("00u0")),
    });
    states.push(("detail", detail));
    let mut expanded = feed();
    press(&mut expanded, KeyCode::Char('x'));
    states.push(("expanded", expanded));
    let mut filter = feed();
    press(&mut filter, KeyCode::Char('/'));
    for c in "user1".chars() {
        press(&mut filter, KeyCode::Char(c));
    }
    states.push(("filter", filter));
    let mut bursts = feed();
    press(&mut bursts, KeyCode::Char('b'));
    states.push(("burst list", bursts));
    let mut help = feed();
    press(&mut help, KeyCode::Char('?'));
    states.push(("help", help));
    states.push(("user screen", user_screen()));
    for (name, key) in [
        ("verify dialog", 'v'),
        ("unlock dialog", 'u'),
        ("reset MFA dialog", 'm'),
        ("reset link dialog", 'r'),
    ] {
        let mut app = user_screen();
        press(&mut app, KeyCode::Char(key));
        states.push((name, app));
    }
    let mut escalating = user_screen();
    press(&mut escalating, KeyCode::Char('v'));
    press(&mut escalating, KeyCode::Char('e'));
    states.push(("escalation prompt", escalating));
    let mut quitting = user_screen();
    press(&mut quitting, KeyCode::Char('v'));
    press(&mut quitting, KeyCode::Char('p'));
    press(&mut quitting, KeyCode::Char('q'));
    states.push(("quit prompt", quitting));
    let mut find = user_screen();
    press(&mut find, KeyCode::Char('/'));
    states.push(("find a user", find));
    let mut instructions = user_screen();
    press(&mut instructions, KeyCode::Char('i'));
    states.push(("instructions", instructions));
    let mut expiries = feed();
    press(&mut expiries, KeyCode::Char('e'));
    states.push(("expiries", expiries));
    states.push(("audit", audit()));
    let mut record = audit();
    press(&mut record, KeyCode::Enter);
    states.push(("audit record", record));
    states
}

fn draw(app: &mut App, width: u16, height: u16, what: &str) {
    app.update(Msg::Resize { width, height });
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| view::draw(frame, app))
        .unwrap_or_else(|e| panic!("{what} at {width}×{height}: {e}"));
}

#[test]
fn every_screen_draws_at_tiny_sizes() {
    for (what, mut app) in states() {
        for (width, height) in SIZES {
            draw(&mut app, width, height, what);
            // The keys that scroll and move still work at that size.
            for code in [KeyCode::Down, KeyCode::PageDown, KeyCode::End, KeyCode::Up] {
                press(&mut app, code);
                draw(&mut app, width, height, what);
            }
        }
    }
}

#[test]
fn every_screen_survives_a_run_of_resizes() {
    let run: Vec<(u16, u16)> = (0..60u16)
        .map(|i| ((i * 37) % 230, (i * 11) % 70))
        .chain([(200, 60), (0, 0), (200, 60), (1, 1), (120, 30)])
        .collect();
    for (what, mut app) in states() {
        for &(width, height) in &run {
            draw(&mut app, width, height, what);
        }
    }
}
