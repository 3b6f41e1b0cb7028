//! Random key sequences into `update`, from every screen: the feed, the detail, the filter and
//! the directory matches, the user screen, every dialog and its fields, the audit screen and
//! its filter, the expiries screen, help, the burst list, the instructions picker. Resizes
//! (down to nothing) and clock ticks come between the keys, and the loads the app asks for are
//! answered. None panics, and every state on the way draws at its size.

use std::sync::OnceLock;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::*;
use crate::audit::{AuditEntry, AuditLog, Outcome};
use crate::model::{Factor, FactorKind, LockoutKind, UserProfile, UserStatus};
use crate::services::{FeedEvent, PollHealth};
use crate::tui::audit_view::AuditSnapshot;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 14, 0, 0).unwrap()
}

fn lockout(n: u32) -> Lockout {
    let published = t0() + TimeDelta::seconds(i64::from(n) * 13);
    let login = format!("user{}@example.com", n % 4);
    Lockout {
        uuid: format!("uuid-{n}"),
        published,
        detected_at: published + TimeDelta::seconds(1),
        kind: LockoutKind::AccountLocked,
        event_type: "user.account.lock".into(),
        reason: "Max sign in attempts exceeded".into(),
        user_id: Some(format!("00u-{login}")),
        login,
        display_name: Some("Ünïcødé Nâme".into()),
        ip: Some(format!("203.0.113.{}", n % 2)),
        city: Some("Lyon".into()),
        state: None,
        country: Some("France".into()),
        browser: Some("Firefox".into()),
        os: Some("Linux".into()),
        raw_user_agent: None,
        request_id: Some(format!("req-{n}")),
    }
}

fn user(key: &str) -> crate::model::User {
    let login = key.trim_start_matches("00u-");
    let mut user =
        crate::model::User::sample(&format!("00u-{login}"), login, UserStatus::LockedOut);
    user.manager_id = Some("00u-manager".into());
    user.password_changed = Some(t0() - TimeDelta::days(80));
    user
}

fn profile(key: &str) -> Box<UserProfile> {
    let factor =
        |id: &str, kind, factor_type: &str| Factor::active_for_test(id, kind, factor_type, "OKTA");
    Box::new(UserProfile {
        user: user(key),
        factors: vec![
            factor("push", FactorKind::Push, "push"),
            factor("sms", FactorKind::Sms, "sms"),
            factor("totp", FactorKind::Totp, "token:software:totp"),
        ],
        password_policy: Some("Default Policy".into()),
        password_expires_at: Some(t0() + TimeDelta::days(3)),
        password_warn_from: Some(t0() - TimeDelta::days(4)),
        activity: Vec::new(),
        unreadable: vec!["1 factor could not be read".into()],
    })
}

fn audit() -> &'static AuditSnapshot {
    static SNAPSHOT: OnceLock<AuditSnapshot> = OnceLock::new();
    SNAPSHOT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = AuditLog::default_path(dir.path());
        let mut log = AuditLog::open(&path).unwrap();
        for n in 0..6 {
            let mut e = AuditEntry::new(t0(), "agent", "unlock", Outcome::Succeeded);
            e.target_login = Some(format!("user{n}@example.com"));
            e.ticket = Some(format!("INC00{n}"));
            log.append(&e).unwrap();
        }
        let (records, total) = log.recent(50).unwrap();
        AuditSnapshot {
            place: path.display().to_string(),
            records,
            total,
            chain: Ok(()),
            checked_before: None,
        }
    })
}

#[derive(Debug, Clone)]
enum Step {
    Key(KeyEvent),
    Resize(u16, u16),
    Tick,
}

fn key() -> impl Strategy<Value = KeyEvent> {
    let code = prop_oneof![
        4 => proptest::sample::select(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/?:.@ -_é👩"
                .chars()
                .collect::<Vec<_>>()
        )
        .prop_map(KeyCode::Char),
        3 => proptest::sample::select(vec![
            KeyCode::Enter,
            KeyCode::Esc,
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::PageUp,
            KeyCode::PageDown,
            KeyCode::Home,
            KeyCode::End,
            KeyCode::Backspace,
            KeyCode::Delete,
            KeyCode::F(2),
            KeyCode::F(1),
        ]),
    ];
    let modifiers = prop_oneof![
        6 => Just(KeyModifiers::NONE),
        1 => Just(KeyModifiers::ALT),
        1 => Just(KeyModifiers::SHIFT),
        // Ctrl-C asks or quits; the keys after it still go through `update`.
        1 => Just(KeyModifiers::CONTROL),
    ];
    (code, modifiers).prop_map(|(code, modifiers)| KeyEvent::new(code, modifiers))
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        20 => key().prop_map(Step::Key),
        1 => (0u16..220, 0u16..70).prop_map(|(w, h)| Step::Resize(w, h)),
        2 => Just(Step::Tick),
    ]
}

/// The answers the run loop would give to what `update` asked for.
fn answer(app: &mut App, effects: Vec<Effect>, depth: usize) {
    if depth > 3 {
        return;
    }
    for effect in effects {
        let next = match effect {
            Effect::LoadProfile(key) => app.update(Msg::ProfileLoaded {
                result: Ok(profile(&key)),
                key,
            }),
            Effect::LoadUser(user_id) => app.update(Msg::UserLoaded {
                result: Ok(user(&user_id)),
                user_id,
            }),
            Effect::SearchUsers { query, seq } => app.update(Msg::SearchResults {
                seq,
                result: Ok(vec![user(&query), user("found@example.com")]),
            }),
            Effect::LoadAudit { .. } => app.update(Msg::AuditLoaded(Ok(audit().clone()))),
            _ => Vec::new(),
        };
        answer(app, next, depth + 1);
    }
}

/// A feed of lockouts (a burst among them), started from one of the screens.
fn start(screen: u8) -> App {
    let mut app = App::new(DashboardOptions::default(), t0() + TimeDelta::minutes(2));
    app.update(Msg::Resize {
        width: 120,
        height: 35,
    });
    let mut health = PollHealth::new(std::time::Duration::from_secs(30));
    health.last_success = Some(t0());
    app.update(Msg::Feed(FeedEvent::Lockouts {
        lockouts: (0..12).map(lockout).collect(),
        health,
    }));
    let keys: &[KeyCode] = match screen {
        0 => &[],
        1 => &[KeyCode::Enter],
        2 => &[KeyCode::Char('o')],
        3 => &[KeyCode::Char('u')],
        4 => &[KeyCode::Char('m')],
        5 => &[KeyCode::Char('r')],
        6 => &[KeyCode::Char('v'), KeyCode::Tab],
        7 => &[KeyCode::Char('a')],
        8 => &[KeyCode::Char('e')],
        9 => &[KeyCode::Char('b')],
        10 => &[KeyCode::Char('?')],
        11 => &[KeyCode::Char('/'), KeyCode::Char('u'), KeyCode::Char('s')],
        _ => &[KeyCode::Char('o'), KeyCode::Char('i')],
    };
    for &code in keys {
        let effects = app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        answer(&mut app, effects, 0);
    }
    app
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn random_keys_on_every_screen_never_panic(
        screen in 0u8..13,
        steps in prop::collection::vec(step(), 0..80),
    ) {
        let mut app = start(screen);
        let (mut width, mut height) = (120u16, 35u16);
        let mut minutes = 2;
        for step in steps {
            let effects = match step {
                Step::Key(event) => app.update(Msg::Key(event)),
                Step::Resize(w, h) => {
                    (width, height) = (w, h);
                    app.update(Msg::Resize { width: w, height: h })
                }
                Step::Tick => {
                    minutes += 1;
                    app.update(Msg::Tick(t0() + TimeDelta::minutes(minutes)))
                }
            };
            answer(&mut app, effects, 0);
            let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
            terminal.draw(|frame| crate::tui::view::draw(frame, &app)).unwrap();
        }
    }
}
