//! Drawing cost with a full feed: a 200×50 frame of an App holding 10,000 lockouts, plus
//! burst detection and filtering over the same feed.
//!
//! `cargo bench --bench render -- --quick`

use accessdesk::model::{Lockout, LockoutKind, RateLimit};
use accessdesk::policy::{BurstRules, detect_bursts};
use accessdesk::services::{FeedEvent, PollHealth};
use accessdesk::tui::{App, DashboardOptions, Msg, view};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;
use std::time::Duration;

const FEED: u32 = 10_000;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 14, 30, 0).unwrap()
}

/// 10,000 lockouts over the last ~28 hours, 300 users, one spraying IP in the last minutes.
fn lockouts() -> Vec<Lockout> {
    const CITIES: [(&str, &str); 5] = [
        ("Lyon", "France"),
        ("Arlington", "United States"),
        ("Pune", "India"),
        ("Manchester", "United Kingdom"),
        ("Moscow", "Russia"),
    ];
    (0..FEED)
        .map(|n| {
            let published = now() - TimeDelta::seconds(i64::from(FEED - n) * 10);
            let user = n % 300;
            let (city, country) = CITIES[(n % 5) as usize];
            let ip = if n > FEED - 20 {
                "203.0.113.9".to_string()
            } else {
                format!("198.51.{}.{}", n % 200, n % 250)
            };
            Lockout {
                uuid: format!("uuid-{n}"),
                published,
                detected_at: published + TimeDelta::seconds(1),
                kind: if n % 3 == 0 {
                    LockoutKind::SignInWhileLocked
                } else {
                    LockoutKind::AccountLocked
                },
                event_type: "user.account.lock".into(),
                reason: "Max sign in attempts exceeded".into(),
                user_id: Some(format!("00u{user:06}")),
                login: format!("user{user}@acme.example"),
                display_name: Some(format!("User Number{user}")),
                ip: Some(ip),
                city: Some(city.into()),
                state: None,
                country: Some(country.into()),
                browser: Some("Firefox".into()),
                os: Some("Windows".into()),
                raw_user_agent: None,
                request_id: Some(format!("req{n}")),
            }
        })
        .collect()
}

fn full_app() -> App {
    let mut app = App::new(DashboardOptions::default(), now());
    app.update(Msg::Resize {
        width: 200,
        height: 50,
    });
    let mut health = PollHealth::new(Duration::from_secs(30));
    health.last_success = Some(now());
    health.rate_limit = Some(RateLimit {
        limit: 120,
        remaining: 97,
        reset: now(),
    });
    app.update(Msg::Feed(FeedEvent::Lockouts {
        lockouts: lockouts(),
        health,
    }));
    app.update(Msg::Tick(now()));
    assert_eq!(app.total(), FEED as usize);
    app
}

fn press(app: &mut App, code: KeyCode) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn render(c: &mut Criterion) {
    let mut app = full_app();
    assert!(!app.bursts().is_empty(), "the fixture has a spraying IP");
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
    c.bench_function("draw 200x50, 10k lockouts", |b| {
        b.iter(|| {
            terminal
                .draw(|frame| view::draw(frame, black_box(&app)))
                .unwrap();
        })
    });

    // Scrolled to the middle, with the detail pane open.
    for _ in 0..100 {
        press(&mut app, KeyCode::PageDown);
    }
    press(&mut app, KeyCode::Enter);
    c.bench_function("draw 200x50, 10k lockouts, scrolled, detail open", |b| {
        b.iter(|| {
            terminal
                .draw(|frame| view::draw(frame, black_box(&app)))
                .unwrap();
        })
    });
}

fn bursts(c: &mut Criterion) {
    let lockouts = lockouts();
    let rules = BurstRules::default();
    c.bench_function("detect_bursts over 10k lockouts", |b| {
        b.iter(|| detect_bursts(black_box(&lockouts), now(), &rules))
    });
}

fn update(c: &mut Criterion) {
    let mut app = full_app();
    c.bench_function("filter keystroke over 10k lockouts", |b| {
        b.iter(|| {
            press(&mut app, KeyCode::Char('/'));
            press(&mut app, KeyCode::Char('7'));
            press(&mut app, KeyCode::Esc);
        })
    });
    c.bench_function("tick (bursts over the window) with 10k lockouts", |b| {
        b.iter(|| app.update(Msg::Tick(black_box(now()))))
    });
}

criterion_group!(benches, render, bursts, update);
criterion_main!(benches);
