//! Render snapshots of the dashboard: a fixed clock, fixed data, `TestBackend` + insta.
//! Accept changes with `INSTA_UPDATE=always cargo test --test tui_snapshots` (or
//! `cargo insta review`), then read the `.snap` files.

use accessdesk::model::{
    ActivityEvent, ActivityKind, Factor, FactorKind, Lockout, LockoutKind, RateLimit, User,
    UserStatus,
};
use accessdesk::policy::BurstRules;
use accessdesk::services::user_profile::UserProfile;
use accessdesk::services::{FeedEvent, PollHealth};
use accessdesk::tui::audit_view::AuditSnapshot;
use accessdesk::tui::msg::ActionReport;
use accessdesk::tui::{App, DashboardOptions, Effect, Msg, view};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use std::time::Duration;

const WIDTH: u16 = 120;
const HEIGHT: u16 = 35;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 14, 30, 0).unwrap()
}

struct Who {
    login: &'static str,
    name: Option<&'static str>,
    ip: Option<&'static str>,
    city: Option<&'static str>,
    country: Option<&'static str>,
    browser: Option<&'static str>,
    os: Option<&'static str>,
}

const ADA: Who = Who {
    login: "ada.lovelace@acme.example",
    name: Some("Ada Lovelace"),
    ip: Some("198.51.100.23"),
    city: Some("Lyon"),
    country: Some("France"),
    browser: Some("Firefox"),
    os: Some("Windows"),
};
const GRACE: Who = Who {
    login: "grace.hopper@acme.example",
    name: Some("Grace Hopper"),
    ip: Some("192.0.2.44"),
    city: Some("Arlington"),
    country: Some("United States"),
    browser: Some("Safari"),
    os: Some("macOS"),
};
const ALAN: Who = Who {
    login: "alan.turing@acme.example",
    name: Some("Alan Turing"),
    ip: Some("203.0.113.77"),
    city: Some("Manchester"),
    country: Some("United Kingdom"),
    browser: Some("Chrome"),
    os: Some("Android"),
};
const KATHERINE: Who = Who {
    login: "katherine.johnson@acme.example",
    name: Some("Katherine Johnson"),
    ip: Some("198.51.100.8"),
    city: Some("Hampton"),
    country: Some("United States"),
    browser: Some("Edge"),
    os: Some("Windows"),
};
const LINUS: Who = Who {
    login: "linus@acme.example",
    name: Some("Linus Torvalds"),
    ip: Some("2001:db8::7"),
    city: Some("Portland"),
    country: Some("United States"),
    browser: None,
    os: Some("Linux"),
};
const MARGARET: Who = Who {
    login: "margaret.hamilton@acme.example",
    name: Some("Margaret Hamilton"),
    ip: None,
    city: None,
    country: None,
    browser: None,
    os: None,
};
const CONTRACTOR: Who = Who {
    login: "x.contractor@partner.example",
    name: None,
    ip: Some("192.0.2.200"),
    city: Some("Pune"),
    country: Some("India"),
    browser: Some("Chrome"),
    os: Some("Windows"),
};

fn lockout(n: u32, who: &Who, kind: LockoutKind, secs_ago: i64) -> Lockout {
    let published = now() - TimeDelta::seconds(secs_ago);
    let (event_type, reason) = match kind {
        LockoutKind::AccountLocked => ("user.account.lock", "Max sign in attempts exceeded"),
        LockoutKind::SignInWhileLocked => ("user.session.start", "Sign-in refused: LOCKED_OUT"),
        LockoutKind::LockedFromNewDevices => (
            "user.account.lock",
            "Account Locked from New Devices - Max sign-in attempts exceeded.",
        ),
    };
    Lockout {
        uuid: format!("9f0c1e2a-0000-4000-8000-{n:012}"),
        published,
        detected_at: published + TimeDelta::seconds(1),
        kind,
        event_type: event_type.into(),
        reason: reason.into(),
        user_id: Some(format!("00u{n:04}{}", &who.login[..3])),
        login: who.login.into(),
        display_name: who.name.map(str::to_string),
        ip: who.ip.map(str::to_string),
        city: who.city.map(str::to_string),
        state: None,
        country: who.country.map(str::to_string),
        browser: who.browser.map(str::to_string),
        os: who.os.map(str::to_string),
        raw_user_agent: None,
        request_id: Some(format!("aZ{n:04}xQ7kLmN")),
    }
}

/// Ten lockouts over three hours, oldest first, with repeats for Ada (×3) and Grace (×2).
fn sample_lockouts() -> Vec<Lockout> {
    use LockoutKind::{AccountLocked as Locked, SignInWhileLocked as Refused};
    let mut lockouts = vec![
        lockout(1, &CONTRACTOR, Locked, 3 * 3600),
        lockout(2, &GRACE, Locked, 80 * 60),
        lockout(3, &MARGARET, Locked, 48 * 60),
        lockout(4, &LINUS, Locked, 25 * 60),
        lockout(5, &ADA, Locked, 12 * 60),
        lockout(6, &KATHERINE, Locked, 7 * 60),
        lockout(7, &ALAN, Locked, 3 * 60 + 5),
        lockout(8, &ADA, Refused, 2 * 60 + 10),
        lockout(9, &GRACE, Refused, 37),
        lockout(10, &ADA, Refused, 4),
    ];
    lockouts[3].raw_user_agent = Some("curl/8.5.0".into());
    lockouts
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

fn options() -> DashboardOptions {
    DashboardOptions {
        org_label: "acme.okta.com".into(),
        simulator: false,
        color: true,
        bursts: BurstRules::default(),
        poll_interval: Duration::from_secs(30),
        lookback: Duration::from_secs(60 * 60),
        ..DashboardOptions::default()
    }
}

/// A dashboard started 5 minutes ago on a 120×35 terminal, clock at `now()`.
fn app_with(options: DashboardOptions) -> App {
    let mut app = App::new(options, now() - TimeDelta::minutes(5));
    app.update(Msg::Resize {
        width: WIDTH,
        height: HEIGHT,
    });
    app.update(Msg::Tick(now()));
    app
}

fn app_with_feed(options: DashboardOptions) -> App {
    let mut app = app_with(options);
    app.update(Msg::Feed(FeedEvent::Lockouts {
        lockouts: sample_lockouts(),
        health: healthy(),
    }));
    app
}

fn press(app: &mut App, code: KeyCode) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

/// Type a feed filter that matches no one in the directory, and keep it with Enter.
fn keep_filter(app: &mut App, text: &str) {
    press(app, KeyCode::Char('/'));
    let mut last_search = None;
    for c in text.chars() {
        let effects = app.update(Msg::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )));
        for effect in effects {
            if let Effect::SearchUsers { seq, .. } = effect {
                last_search = Some(seq);
            }
        }
    }
    press(app, KeyCode::Enter);
    if let Some(seq) = last_search {
        app.update(Msg::SearchResults {
            seq,
            result: Ok(Vec::new()),
        });
    }
}

fn draw(app: &App) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
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

#[test]
fn feed_with_events() {
    let app = app_with_feed(options());
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    let text = screen_text(&terminal);
    assert!(text.contains("Lockouts (10)"));
    assert!(text.contains("×3"), "Ada's repeats");
    assert!(text.contains("polled 3s ago"));
    assert!(text.contains("rate 97/120"));
}

#[test]
fn empty_feed_waiting_for_first_poll() {
    let app = app_with(options());
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    let text = screen_text(&terminal);
    // Started at 14:25 with the poller looking back an hour.
    assert!(text.contains("No lockouts since 13:25:00 UTC."));
    assert!(text.contains("Polling every 30s; waiting for the first poll."));
}

#[test]
fn empty_feed_after_a_quiet_poll() {
    let mut app = app_with(options());
    app.update(Msg::Feed(FeedEvent::Lockouts {
        lockouts: Vec::new(),
        health: healthy(),
    }));
    let text = screen_text(&draw(&app));
    assert!(text.contains("No lockouts since 13:25:00 UTC."));
    assert!(text.contains("Polling every 30s; last poll 3s ago."));
}

#[test]
fn idp_error_in_the_status_bar() {
    let mut app = app_with_feed(options());
    let mut health = healthy();
    health.last_attempt = Some(now());
    health.last_success = Some(now() - TimeDelta::seconds(95));
    health.consecutive_errors = 3;
    health.effective_interval = Duration::from_secs(60);
    health.rate_limit = Some(RateLimit {
        limit: 120,
        remaining: 4,
        reset: now() + TimeDelta::seconds(20),
    });
    health.last_error = Some(
        "Invalid token provided (E0000011, HTTP 401) — check the API token (OKTA_CLIENT_TOKEN): \
         it may be wrong, expired or revoked"
            .into(),
    );
    app.update(Msg::Feed(FeedEvent::Failed { health }));
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    let text = screen_text(&terminal);
    assert!(text.contains("IdP error: Invalid token provided (E0000011, HTTP 401)"));
    assert!(text.contains("3 failed polls"));
    assert!(text.contains("stretched to 1m"));
    assert_eq!(style_of(&terminal, "IdP error").1, Color::Red);
    assert_eq!(style_of(&terminal, "rate 4/120").1, Color::Red);
}

#[test]
fn feed_stopped_is_shown() {
    let mut app = app_with_feed(options());
    app.update(Msg::FeedClosed);
    let text = screen_text(&draw(&app));
    assert!(text.contains("Lockout feed stopped"));
}

#[test]
fn help_overlay() {
    let mut app = app_with_feed(options());
    press(&mut app, KeyCode::Char('?'));
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    let text = screen_text(&terminal);
    for heading in ["Lockout feed", "Filter input"] {
        assert!(text.contains(heading), "{heading}");
    }
    assert!(text.contains("any other key closes"));
    // The rest is a scroll away.
    press(&mut app, KeyCode::End);
    let text = screen_text(&draw(&app));
    for heading in ["Everywhere", "Feed columns"] {
        assert!(text.contains(heading), "{heading}");
    }
    press(&mut app, KeyCode::PageUp);
    assert!(screen_text(&draw(&app)).contains("This help"));
}

#[test]
fn burst_banner() {
    let mut app = app_with(options());
    let mut lockouts = sample_lockouts();
    let sprayed = ["ops", "finance", "hr", "ceo", "it", "legal", "sales"];
    for (i, who) in sprayed.iter().enumerate() {
        let mut l = lockout(
            100 + i as u32,
            &CONTRACTOR,
            LockoutKind::AccountLocked,
            20 + 30 * i as i64,
        );
        l.login = format!("{who}@acme.example");
        l.display_name = None;
        l.ip = Some("203.0.113.9".into());
        l.city = Some("Moscow".into());
        l.country = Some("Russia".into());
        l.browser = Some("python-requests".into());
        l.os = None;
        lockouts.push(l);
    }
    app.update(Msg::Feed(FeedEvent::Lockouts {
        lockouts,
        health: healthy(),
    }));
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    let text = screen_text(&terminal);
    assert!(text.contains(
        "Possible password spraying: 7 lockouts from 203.0.113.9 (Moscow, Russia) in 5 min, 7 users"
    ));
    assert_eq!(
        style_of(&terminal, "Possible password spraying").1,
        Color::Red
    );
}

#[test]
fn rate_burst_banner() {
    let mut app = app_with(options());
    let lockouts: Vec<Lockout> = (0..12)
        .map(|i| {
            let mut l = lockout(
                200 + i,
                &KATHERINE,
                LockoutKind::AccountLocked,
                5 * i64::from(i),
            );
            l.login = format!("user{i}@acme.example");
            l.ip = Some(format!("198.51.100.{}", 100 + i % 6));
            l
        })
        .collect();
    app.update(Msg::Feed(FeedEvent::Lockouts {
        lockouts,
        health: healthy(),
    }));
    let text = screen_text(&draw(&app));
    assert!(text.contains("Lockout surge: 12 lockouts in the last minute from 6 IPs, 12 users"));
}

fn ada_user() -> User {
    User {
        id: "00u0010ada".into(),
        status: UserStatus::LockedOut,
        login: ADA.login.into(),
        email: Some("ada.lovelace@acme.example".into()),
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
        status_changed: Some(now() - TimeDelta::seconds(4)),
        last_login: Some(now() - TimeDelta::hours(26)),
        password_changed: Some(now() - TimeDelta::days(51)),
    }
}

#[test]
fn detail_loaded() {
    let mut app = app_with_feed(options());
    press(&mut app, KeyCode::Enter);
    let user_id = app.selected_lockout().unwrap().user_id.clone().unwrap();
    app.update(Msg::UserLoaded {
        user_id,
        result: Ok(ada_user()),
    });
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    assert_eq!(style_of(&terminal, "LOCKED_OUT").0, Color::Red);
}

#[test]
fn detail_active_user_is_green() {
    let mut app = app_with_feed(options());
    press(&mut app, KeyCode::Enter);
    let user_id = app.selected_lockout().unwrap().user_id.clone().unwrap();
    let mut user = ada_user();
    user.status = UserStatus::Active;
    app.update(Msg::UserLoaded {
        user_id,
        result: Ok(user),
    });
    let terminal = draw(&app);
    assert_eq!(style_of(&terminal, "ACTIVE").0, Color::Green);
}

/// Identity Engine's lock of new devices only: the user stays ACTIVE, and the detail says what
/// that means for the call instead of offering an unlock that would be refused.
#[test]
fn detail_of_a_lock_of_new_devices_only() {
    let mut app = app_with(options());
    let mut lockouts = sample_lockouts();
    lockouts.push(lockout(11, &ADA, LockoutKind::LockedFromNewDevices, 2));
    app.update(Msg::Feed(FeedEvent::Lockouts {
        lockouts,
        health: healthy(),
    }));
    press(&mut app, KeyCode::Enter);
    let selected = app.selected_lockout().unwrap();
    assert_eq!(selected.kind, LockoutKind::LockedFromNewDevices);
    let user_id = selected.user_id.clone().unwrap();
    let mut user = ada_user();
    user.id = user_id.clone();
    user.status = UserStatus::Active;
    app.update(Msg::UserLoaded {
        user_id,
        result: Ok(user),
    });
    let terminal = draw(&app);
    let text = screen_text(&terminal);
    assert!(
        text.contains("locked from new devices · user.account.lock"),
        "{text}"
    );
    assert!(
        text.contains("user stays ACTIVE: known devices still sign in"),
        "{text}"
    );
    assert!(
        text.contains("u refuses an ACTIVE user; Okta admin can clear"),
        "{text}"
    );
    // The row says what the fetch showed: ACTIVE, yet still locked for new devices.
    assert!(text.contains("ACTIVE, new devices locked"), "{text}");
    assert!(!text.contains("now ACTIVE"), "{text}");
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn detail_loading_then_failed() {
    let mut app = app_with_feed(options());
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    let text = screen_text(&draw(&app));
    assert!(text.contains("Loading 00u0009gra from the IdP…"));

    app.update(Msg::UserLoaded {
        user_id: "00u0009gra".into(),
        result: Err("User not found (E0000007, HTTP 404) — check the login or id".into()),
    });
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    let text = screen_text(&terminal);
    assert!(text.contains("Could not load the user:"));
    assert!(text.contains("User not found (E0000007, HTTP 404)"));
}

#[test]
fn filter_being_typed() {
    let mut app = app_with_feed(options());
    press(&mut app, KeyCode::Char('/'));
    for c in "ADA".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    let mut terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    let text = screen_text(&terminal);
    assert!(text.contains("filter \"ADA\" (3 of 10)"));
    assert!(text.contains("Filter: ADA"));
    terminal.backend_mut().assert_cursor_position((12, 32));
}

#[test]
fn filter_kept() {
    let mut app = app_with_feed(options());
    keep_filter(&mut app, "united states");
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    assert!(screen_text(&terminal).contains("filter \"united states\" (4 of 10)"));
}

#[test]
fn filter_without_matches() {
    let mut app = app_with_feed(options());
    keep_filter(&mut app, "tokyo");
    let text = screen_text(&draw(&app));
    assert!(text.contains("No lockouts match \"tokyo\" (10 in the feed)."));
    assert!(text.contains("Esc clears the filter."));
}

#[test]
fn no_color_sets_no_colours_anywhere() {
    let mut options = options();
    options.color = false;
    options.simulator = true;
    let mut app = app_with(options);
    let mut lockouts = sample_lockouts();
    for i in 0..6 {
        let mut l = lockout(300 + i, &CONTRACTOR, LockoutKind::AccountLocked, 10);
        l.login = format!("u{i}@acme.example");
        l.ip = Some("203.0.113.9".into());
        lockouts.push(l);
    }
    app.update(Msg::Feed(FeedEvent::Lockouts {
        lockouts,
        health: healthy(),
    }));
    let mut failing = healthy();
    failing.consecutive_errors = 1;
    failing.last_error = Some("network error: connection refused — check the network".into());
    app.update(Msg::Feed(FeedEvent::Failed { health: failing }));
    press(&mut app, KeyCode::Enter);
    let user_id = app.selected_lockout().unwrap().user_id.clone().unwrap();
    let mut user = ada_user();
    user.id = user_id.clone();
    app.update(Msg::UserLoaded {
        user_id,
        result: Ok(user),
    });

    let mut screens = vec![draw(&app)];
    press(&mut app, KeyCode::Char('?'));
    screens.push(draw(&app));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('/'));
    press(&mut app, KeyCode::Char('u'));
    screens.push(draw(&app));

    insta::assert_snapshot!(screens[0].backend());
    for terminal in &screens {
        let text = screen_text(terminal);
        for cell in terminal.backend().buffer().content() {
            assert_eq!(
                cell.fg,
                Color::Reset,
                "fg of {:?} in\n{text}",
                cell.symbol()
            );
            assert_eq!(
                cell.bg,
                Color::Reset,
                "bg of {:?} in\n{text}",
                cell.symbol()
            );
        }
    }
    let text = screen_text(&screens[0]);
    assert!(text.contains("SIMULATOR"));
    assert!(text.contains("Possible password spraying"));
    assert!(text.contains("IdP error"));
}

#[test]
fn simulator_marker_in_the_title() {
    let mut options = options();
    options.simulator = true;
    options.org_label = "127.0.0.1:41873".into();
    let app = app_with_feed(options);
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    let title: String = screen_text(&terminal).lines().next().unwrap().to_string();
    assert!(title.contains("SIMULATOR"), "{title}");
    assert_eq!(style_of(&terminal, "SIMULATOR").1, Color::Yellow);

    let plain = draw(&app_with_feed(self::options()));
    assert!(!screen_text(&plain).contains("SIMULATOR"));
}

#[test]
fn read_only_marker_in_the_title() {
    let mut options = options();
    options.read_only = true;
    let terminal = draw(&app_with_feed(options));
    insta::assert_snapshot!(terminal.backend());
    let title: String = screen_text(&terminal).lines().next().unwrap().to_string();
    assert!(title.contains("READ-ONLY"), "{title}");

    let plain = draw(&app_with_feed(self::options()));
    assert!(!screen_text(&plain).contains("READ-ONLY"));
}

#[test]
fn scrolled_feed_on_a_small_terminal() {
    let mut app = App::new(options(), now() - TimeDelta::hours(1));
    app.update(Msg::Resize {
        width: 80,
        height: 12,
    });
    app.update(Msg::Tick(now() + TimeDelta::hours(4)));
    app.update(Msg::Feed(FeedEvent::Lockouts {
        lockouts: sample_lockouts(),
        health: healthy(),
    }));
    press(&mut app, KeyCode::End);
    let mut terminal = Terminal::new(TestBackend::new(80, 12)).unwrap();
    terminal.draw(|frame| view::draw(frame, &app)).unwrap();
    insta::assert_snapshot!(terminal.backend());
    let text = screen_text(&terminal);
    assert!(text.contains("▶"), "the selected row is on screen");
    assert!(text.contains("192.0.2.200"), "the oldest row is shown");
    assert!(
        !text.contains("Client"),
        "narrow terminals drop the client column"
    );
}

#[test]
fn every_state_draws_at_any_size_without_panicking() {
    let mut states = Vec::new();
    let mut app = app_with_feed(options());
    states.push(app_with(options()));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('/'));
    press(&mut app, KeyCode::Char('a'));
    let mut failing = healthy();
    failing.consecutive_errors = 2;
    failing.last_error = Some("network error: connection reset by peer — check the network".into());
    app.update(Msg::Feed(FeedEvent::Failed { health: failing }));
    states.push(app);
    let mut help = app_with_feed(options());
    press(&mut help, KeyCode::Char('?'));
    states.push(help);
    let mut user = user_screen();
    let key = ada_key(&user);
    user.update(Msg::ProfileLoaded {
        key,
        result: Ok(Box::new(ada_profile())),
    });
    states.push(user);
    let mut matches = app_with_feed(options());
    press(&mut matches, KeyCode::Char('/'));
    press(&mut matches, KeyCode::Char('a'));
    press(&mut matches, KeyCode::Char('d'));
    matches.update(Msg::SearchResults {
        seq: 2,
        result: Ok(vec![ada_user()]),
    });
    states.push(matches);
    let mut bursts = busy_feed();
    press(&mut bursts, KeyCode::Char('b'));
    states.push(bursts);
    let mut finding = long_user_screen();
    press(&mut finding, KeyCode::Char('/'));
    press(&mut finding, KeyCode::Char('g'));
    states.push(finding);
    let mut expanded = busy_feed();
    press(&mut expanded, KeyCode::Down);
    press(&mut expanded, KeyCode::Char('x'));
    press(&mut expanded, KeyCode::Enter);
    self::failing(&mut expanded);
    states.push(expanded);

    for app in &mut states {
        for (width, height) in [(1, 1), (5, 3), (20, 6), (40, 10), (99, 12), (100, 30)] {
            app.update(Msg::Resize { width, height });
            let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
            terminal.draw(|frame| view::draw(frame, app)).unwrap();
        }
    }
}

// ---- the user screen ----

fn factor(id: &str, kind: FactorKind, device: Option<&str>, contact: Option<&str>) -> Factor {
    Factor {
        id: id.into(),
        kind,
        factor_type: String::new(),
        provider: "OKTA".into(),
        status: "ACTIVE".into(),
        device_name: device.map(str::to_string),
        contact: contact.map(str::to_string),
        created: Some(now() - TimeDelta::days(400)),
        last_updated: Some(now() - TimeDelta::days(30)),
    }
}

fn event(
    n: u32,
    secs_ago: i64,
    kind: ActivityKind,
    message: &str,
    result: (&str, &str),
) -> ActivityEvent {
    ActivityEvent {
        uuid: format!("evt-{n}"),
        published: now() - TimeDelta::seconds(secs_ago),
        kind,
        event_type: String::new(),
        message: message.into(),
        result: Some(result.0.into()),
        reason: Some(result.1.into()).filter(|r: &String| !r.is_empty()),
        actor: None,
        ip: Some("198.51.100.23".into()),
        location: Some("Lyon, France".into()),
    }
}

fn ada_profile() -> UserProfile {
    let mut sms = factor("sms1", FactorKind::Sms, None, Some("•••-1337"));
    sms.provider = "OKTA".into();
    let mut key = factor("wa1", FactorKind::WebAuthn, Some("YubiKey 5C"), None);
    key.provider = "FIDO".into();
    UserProfile {
        user: ada_user(),
        factors: vec![
            factor("push1", FactorKind::Push, Some("Ada's iPhone"), None),
            sms,
            key,
        ],
        password_policy: Some("Default Policy".into()),
        password_expires_at: Some(now() + TimeDelta::days(8)),
        password_warn_from: Some(now() - TimeDelta::days(6)),
        activity: vec![
            event(
                5,
                4,
                ActivityKind::Lockout,
                "User login to Okta",
                ("DENY", "LOCKED_OUT"),
            ),
            event(
                4,
                2 * 60 + 10,
                ActivityKind::Lockout,
                "User login to Okta",
                ("DENY", "LOCKED_OUT"),
            ),
            event(
                3,
                12 * 60,
                ActivityKind::Lockout,
                "Max sign in attempts exceeded",
                ("FAILURE", ""),
            ),
            event(
                2,
                12 * 60 + 5,
                ActivityKind::FailedSignIn,
                "User login to Okta",
                ("FAILURE", "INVALID_CREDENTIALS"),
            ),
            event(
                1,
                23 * 3600,
                ActivityKind::SignIn,
                "User login to Okta",
                ("SUCCESS", ""),
            ),
        ],
        unreadable: Vec::new(),
    }
}

/// The feed with the user screen open on Ada (the newest lockout).
fn user_screen() -> App {
    let mut app = app_with_feed(options());
    press(&mut app, KeyCode::Char('o'));
    app
}

fn ada_key(app: &App) -> String {
    app.open_user_view().unwrap().key.clone()
}

#[test]
fn user_screen_loaded() {
    let mut app = user_screen();
    let key = ada_key(&app);
    app.update(Msg::ProfileLoaded {
        key,
        result: Ok(Box::new(ada_profile())),
    });
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    let text = screen_text(&terminal);
    assert!(text.contains("Verify the caller, then unlock. ▸ v verify → u unlock"));
    assert!(text.contains("2026-03-10 (in 8 days) · Default Policy"));
    assert!(text.contains("YubiKey 5C"));
    assert!(text.contains("•••-1337"));
    assert!(text.contains("DENY · LOCKED_OUT"));
    assert!(
        !text.contains("Lockouts (10)"),
        "the user screen replaces the feed"
    );
    assert!(text.contains("Esc back"));
    assert_eq!(style_of(&terminal, "LOCKED_OUT").0, Color::Red);
    // Newest activity first.
    let newest = text.find("14:29:56").unwrap();
    let oldest = text.find("14:17:55").unwrap();
    assert!(newest < oldest, "{text}");
}

/// Ada ACTIVE after Identity Engine locked her out of new devices only: the diagnosis says so
/// and what works, and offers no unlock (it would be refused for an ACTIVE user).
#[test]
fn user_screen_after_a_lock_of_new_devices_only() {
    let mut app = user_screen();
    let key = ada_key(&app);
    let mut profile = ada_profile();
    profile.user.status = UserStatus::Active;
    profile.activity = vec![event(
        7,
        90,
        ActivityKind::Lockout,
        "Account Locked from New Devices - Max sign-in attempts exceeded.",
        ("FAILURE", "LOCKED_OUT"),
    )];
    app.update(Msg::ProfileLoaded {
        key,
        result: Ok(Box::new(profile)),
    });
    app.update(Msg::Resize {
        width: WIDTH,
        height: 45,
    });
    let terminal = Terminal::new(TestBackend::new(WIDTH, 45))
        .map(|mut t| {
            t.draw(|frame| view::draw(frame, &app)).unwrap();
            t
        })
        .unwrap();
    // The diagnosis's two lines, joined as one text.
    let text = lines_of(&terminal)
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.contains("Locked out of new devices only, 1 min ago: the account is ACTIVE, so the user can still sign in from a device they used before. Unlock here is for LOCKED_OUT accounts only; an Okta admin can clear this lock in the Admin Console."),
        "{text}"
    );
    assert!(
        !text.contains("→ u unlock") && !text.contains("then unlock."),
        "no unlock is suggested: {text}"
    );
    assert!(!text.contains("nothing wrong"), "{text}");
}

#[test]
fn user_screen_loading() {
    let app = user_screen();
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    assert!(screen_text(&terminal).contains("Loading ada.lovelace@acme.example from the IdP…"));
}

#[test]
fn user_screen_failed() {
    let mut app = user_screen();
    let key = ada_key(&app);
    app.update(Msg::ProfileLoaded {
        key,
        result: Err(
            "IdP unreachable: connection refused — check the network or the org URL".into(),
        ),
    });
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    let text = screen_text(&terminal);
    assert!(text.contains("Could not load the user:"));
    assert!(text.contains("check the network or the org URL"));
}

#[test]
fn user_screen_without_factors_or_activity() {
    let mut app = user_screen();
    let key = ada_key(&app);
    let mut profile = ada_profile();
    profile.factors.clear();
    profile.activity.clear();
    profile.user.status = UserStatus::Active;
    profile.user.user_type = Some("contractor".into());
    profile.user.contract_end_date = Some((now() + TimeDelta::days(20)).date_naive());
    profile.password_expires_at = Some(now() - TimeDelta::days(3));
    app.update(Msg::ProfileLoaded {
        key,
        result: Ok(Box::new(profile)),
    });
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    let text = screen_text(&terminal);
    assert!(text.contains("No factors enrolled"));
    assert!(text.contains("expired 3 days ago · Default Policy"));
    assert!(text.contains("ends 2026-03-22 (in 20 days)"));
    assert_eq!(style_of(&terminal, "ACTIVE").0, Color::Green);
}

#[test]
fn directory_matches_under_the_filter_box() {
    let mut app = app_with_feed(options());
    press(&mut app, KeyCode::Char('/'));
    for c in "ada".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    let mut adam = ada_user();
    adam.id = "00u0042ada".into();
    adam.login = "adam.smith@acme.example".into();
    adam.first_name = Some("Adam".into());
    adam.last_name = Some("Smith".into());
    adam.status = UserStatus::Active;
    app.update(Msg::SearchResults {
        seq: 3,
        result: Ok(vec![ada_user(), adam]),
    });
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    let text = screen_text(&terminal);
    assert!(text.contains("Filter: ada"));
    assert!(text.contains("Directory"));
    assert!(text.contains("▶ adam.smith@acme.example"));
    assert!(
        text.contains("filter \"ada\" (3 of 10)"),
        "the feed is still filtered"
    );
}

// ---- the verification dialog (its states: tests/dialog_snapshots.rs) ----

/// Ada's user screen, loaded, with `key` pressed to open an action.
fn ada_dialog(options: DashboardOptions, key: char) -> App {
    let mut app = app_with_feed(options);
    press(&mut app, KeyCode::Char('o'));
    let user_key = ada_key(&app);
    app.update(Msg::ProfileLoaded {
        key: user_key,
        result: Ok(Box::new(ada_profile())),
    });
    press(&mut app, KeyCode::Char(key));
    app
}

#[test]
fn dialog_done() {
    let mut app = ada_dialog(options(), 'u');
    let key = ada_key(&app);
    app.update(Msg::ActionDone {
        key: key.clone(),
        report: ActionReport {
            action: accessdesk::model::Action::Unlock,
            user_id: key,
            login: "ada.lovelace@acme.example".into(),
            at: app.now,
            result: Ok("ada.lovelace@acme.example: done, status now ACTIVE (audit #7)".into()),
            audit_seq: Some(7),
            removed: Vec::new(),
        },
    });
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    let text = screen_text(&terminal);
    assert!(app.dialog().is_none());
    assert!(text.contains("done, status now ACTIVE (audit #7)"));
}

#[test]
fn dialog_read_only_message() {
    let mut options = options();
    options.read_only = true;
    let app = ada_dialog(options, 'u');
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    let text = screen_text(&terminal);
    assert!(app.dialog().is_none());
    assert!(text.contains("Read-only mode"));
    assert!(text.contains("READ-ONLY"));
}

/// A real audit log with the records a shift produces: a check of the caller, the unlock it
/// allowed, a refused MFA reset after a rejected push and a failed reset link.
fn audit_snapshot() -> AuditSnapshot {
    use accessdesk::audit::{AuditEntry, AuditLog, Evidence, Outcome};
    let dir = tempfile::tempdir().unwrap();
    let mut log = AuditLog::open(&AuditLog::default_path(dir.path())).unwrap();
    let push = |result: &str, minutes: i64| Evidence {
        kind: "push".into(),
        subject_login: Some("ada.lovelace@acme.example".into()),
        factor_id: Some("opf1".into()),
        transaction_id: Some("v2mst.tx1".into()),
        result: result.into(),
        at: Some(now() - TimeDelta::minutes(minutes)),
    };
    let entry = |minutes: i64, action: &str, outcome: Outcome| {
        let mut e = AuditEntry::new(
            now() - TimeDelta::minutes(minutes),
            "agent.smith",
            action,
            outcome,
        );
        e.target_id = Some("00u1ada".into());
        e.target_login = Some("ada.lovelace@acme.example".into());
        e.ticket = Some("INC0012345".into());
        e
    };
    let mut check = entry(12, "verify_caller", Outcome::Succeeded);
    check.evidence = vec![push("SUCCESS", 12)];
    check.note = Some("for unlock".into());
    let mut unlock = entry(11, "unlock", Outcome::Succeeded);
    unlock.checklist = vec![
        "identity".into(),
        "callback".into(),
        "directory".into(),
        "no_pressure".into(),
    ];
    unlock.evidence = vec![push("SUCCESS", 12)];
    unlock.idp_request_id = Some("reqUNLOCK42".into());
    let mut refused = entry(5, "reset_factors", Outcome::Refused);
    refused.evidence = vec![push("REJECTED", 5)];
    refused.error = Some("the push was REJECTED on the device: possible social engineering".into());
    let mut failed = entry(1, "reset_password", Outcome::Failed);
    failed.error = Some("the IdP answered 500 — try again in a minute".into());
    for e in [check, unlock, refused, failed] {
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

#[test]
fn audit_pane_with_a_record_open() {
    let mut app = app_with_feed(options());
    press(&mut app, KeyCode::Char('a'));
    app.update(Msg::AuditLoaded(Ok(audit_snapshot())));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    let text = screen_text(&terminal);
    assert!(
        text.contains("Audit log · 4 records · chain intact ✓"),
        "{text}"
    );
    assert!(text.contains("verify_caller"));
    assert!(text.contains("push SUCCESS by ada.lovelace@acme.example"));
    assert!(text.contains("identity, callback, directory, no_pressure"));
    assert!(text.contains("reqUNLOCK42"));
    assert!(text.contains("Esc back"));
    assert_eq!(style_of(&terminal, "refused").0, Color::Yellow);
    assert_eq!(style_of(&terminal, "failed").0, Color::Red);
}

#[test]
fn audit_pane_says_when_the_chain_is_broken() {
    let mut app = app_with_feed(options());
    press(&mut app, KeyCode::Char('a'));
    let mut snapshot = audit_snapshot();
    snapshot.chain = Err("record 2 was edited (stored hash does not match its contents)".into());
    app.update(Msg::AuditLoaded(Ok(snapshot)));
    let text = screen_text(&draw(&app));
    assert!(
        text.contains("⚠ CHAIN BROKEN: record 2 was edited"),
        "{text}"
    );
}

#[test]
fn audit_pane_before_anything_was_recorded() {
    let mut app = app_with_feed(options());
    press(&mut app, KeyCode::Char('a'));
    let text = screen_text(&draw(&app));
    assert!(text.contains("Reading the audit log…"), "{text}");
    app.update(Msg::AuditLoaded(Ok(AuditSnapshot {
        place: "/tmp/a.sqlite3".into(),
        records: Vec::new(),
        total: 0,
        chain: Ok(()),
        checked_before: None,
    })));
    let text = screen_text(&draw(&app));
    assert!(text.contains("No actions recorded yet"), "{text}");
}

#[test]
fn help_over_the_user_screen_and_the_audit_log_shows_their_keys() {
    let mut app = ada_dialog(options(), 'v');
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('?'));
    let terminal = draw(&app);
    insta::assert_snapshot!(terminal.backend());
    let text = screen_text(&terminal);
    assert!(text.contains("User screen"));
    press(&mut app, KeyCode::End);
    let text = screen_text(&draw(&app));
    for heading in ["Verification dialog", "Everywhere"] {
        assert!(text.contains(heading), "{heading}");
    }
    assert!(!text.contains("Filter input") && !text.contains("Feed columns"));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('a'));
    press(&mut app, KeyCode::Char('?'));
    let text = screen_text(&draw(&app));
    assert!(
        text.contains("Audit log")
            && text.contains("Read the log again and check the records added since")
            && text.contains("Check every record of the chain"),
        "{text}"
    );
    assert!(!text.contains("Verification dialog"));
}

#[test]
fn dialog_sending_a_push_to_the_manager() {
    let mut app = ada_dialog(options(), 'u');
    press(&mut app, KeyCode::Char('M'));
    let text = screen_text(&draw(&app));
    assert!(
        text.contains("Push: sending to the manager's device…"),
        "{text}"
    );
}

#[test]
fn audit_pane_on_an_80_column_terminal_keeps_who_what_and_outcome() {
    let mut app = app_with_feed(options());
    app.update(Msg::Resize {
        width: 80,
        height: 16,
    });
    press(&mut app, KeyCode::Char('a'));
    app.update(Msg::AuditLoaded(Ok(audit_snapshot())));
    let mut terminal = Terminal::new(TestBackend::new(80, 16)).unwrap();
    terminal.draw(|frame| view::draw(frame, &app)).unwrap();
    insta::assert_snapshot!(terminal.backend());
    let text = screen_text(&terminal);
    assert!(text.contains("ada.lovelace@acme.example"), "{text}");
    assert!(text.contains("reset_factors") && text.contains("refused"));
    assert!(
        !text.contains("Evidence"),
        "narrow terminals drop the evidence column"
    );
}

// ---- layouts that keep what matters: 80×24, 120×30, 200×50 ----

const SIZES: [(u16, u16); 3] = [(80, 24), (120, 30), (200, 50)];

fn draw_at(app: &mut App, (width, height): (u16, u16)) -> Terminal<TestBackend> {
    app.update(Msg::Resize { width, height });
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| view::draw(frame, app)).unwrap();
    terminal
}

fn lines_of(terminal: &Terminal<TestBackend>) -> Vec<String> {
    let buffer = terminal.backend().buffer();
    let area = buffer.area;
    (area.top()..area.bottom())
        .map(|y| {
            (area.left()..area.right())
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect()
        })
        .collect()
}

/// Every hint on the footer's lines is a whole "keys word" pair from the keymap.
fn assert_whole_hints(terminal: &Terminal<TestBackend>, footer_lines: usize) {
    use accessdesk::tui::keymap::KEYMAP;
    let known: Vec<String> = KEYMAP
        .iter()
        .filter_map(|b| b.hint.map(|h| format!("{} {h}", b.label)))
        .collect();
    let lines = lines_of(terminal);
    for line in &lines[lines.len() - footer_lines..] {
        for hint in line.trim().split("  ").filter(|h| !h.is_empty()) {
            assert!(
                known.contains(&hint.to_string()),
                "cut hint {hint:?} in {line:?}"
            );
        }
    }
}

/// Seven users locked out from one foreign IP in the last two minutes, one with a long login.
fn spray() -> Vec<Lockout> {
    let logins = [
        "alexandra.konstantinopoulou@example.com",
        "ops@acme.example",
        "finance@acme.example",
        "hr@acme.example",
        "ceo@acme.example",
        "it@acme.example",
        "legal@acme.example",
    ];
    logins
        .iter()
        .enumerate()
        .map(|(i, login)| {
            let mut l = lockout(
                300 + i as u32,
                &CONTRACTOR,
                LockoutKind::AccountLocked,
                2 + 15 * i as i64,
            );
            l.login = (*login).into();
            l.user_id = Some(format!("00u03{i:02}spr"));
            l.display_name = None;
            l.ip = Some("203.0.113.17".into());
            l.city = Some("Bucharest".into());
            l.country = Some("Romania".into());
            l.browser = Some("python-requests".into());
            l.os = None;
            l
        })
        .collect()
}

fn report(
    user_id: &str,
    login: &str,
    action: accessdesk::model::Action,
    ok: bool,
    seq: i64,
) -> Msg {
    Msg::ActionDone {
        key: user_id.into(),
        report: ActionReport {
            action,
            user_id: user_id.into(),
            login: login.into(),
            at: now(),
            result: if ok {
                Ok(format!("{login}: done (audit #{seq})"))
            } else {
                Err(format!("the IdP answered 500 (audit #{seq})"))
            },
            audit_seq: Some(seq),
            removed: Vec::new(),
        },
    }
}

fn fetched(user_id: &str, login: &str, status: UserStatus) -> Msg {
    let mut user = ada_user();
    user.id = user_id.into();
    user.login = login.into();
    user.status = status;
    Msg::UserLoaded {
        user_id: user_id.into(),
        result: Ok(user),
    }
}

/// The demo's feed in a busy minute: a spraying burst, Ada unlocked by alice, a failed unlock,
/// a reset link, Grace known to be still locked and Linus known to be active again.
fn busy_feed() -> App {
    use accessdesk::model::Action as IdpAction;
    let mut app = app_with(DashboardOptions {
        simulator: true,
        agent_name: "alice".into(),
        org_label: "127.0.0.1:38955".into(),
        ..options()
    });
    let mut lockouts = sample_lockouts();
    lockouts.extend(spray());
    app.update(Msg::Feed(FeedEvent::Lockouts {
        lockouts,
        health: healthy(),
    }));
    app.update(report("00u0010ada", ADA.login, IdpAction::Unlock, true, 7));
    app.update(report(
        "00u0007ala",
        ALAN.login,
        IdpAction::Unlock,
        false,
        8,
    ));
    app.update(report(
        "00u0006kat",
        KATHERINE.login,
        IdpAction::ResetPassword,
        true,
        9,
    ));
    app.update(fetched("00u0009gra", GRACE.login, UserStatus::LockedOut));
    app.update(fetched("00u0004lin", LINUS.login, UserStatus::Active));
    app
}

fn failing(app: &mut App) {
    let mut health = healthy();
    health.last_attempt = Some(now() - TimeDelta::seconds(65));
    health.consecutive_errors = 1;
    health.last_error = Some(
        "network error: connection refused (http://127.0.0.1:38955/api/v1/logs) — check the network and the org URL"
            .into(),
    );
    app.update(Msg::Feed(FeedEvent::Failed {
        health: health.clone(),
    }));
    health.last_attempt = Some(now());
    health.consecutive_errors = 3;
    app.update(Msg::Feed(FeedEvent::Failed { health }));
}

#[test]
fn busy_feed_at_three_sizes() {
    for size in SIZES {
        let mut app = busy_feed();
        let terminal = draw_at(&mut app, size);
        insta::assert_snapshot!(
            format!("busy_feed_{}x{}", size.0, size.1),
            terminal.backend()
        );
        let lines = lines_of(&terminal);
        let text = lines.join("\n");
        assert!(lines[0].contains("SIMULATOR"), "{}", lines[0]);
        assert!(
            text.contains("7 lockouts") && text.contains("7 users"),
            "burst counts at {size:?}"
        );
        assert!(text.contains("⚠"), "burst rows are marked");
        assert!(text.contains("✓ unlocked 14:30"), "Ada's handled mark");
        assert!(text.contains("still locked"), "Grace");
        assert!(text.contains("now ACTIVE"), "Linus");
        assert!(text.contains("✗ unlock failed"), "Alan");
        assert!(text.contains("alexandra."), "the login's start");
        assert!(
            lines.last().unwrap().trim_end().ends_with("q quit"),
            "the last key survives: {:?}",
            lines.last()
        );
        assert_whole_hints(&terminal, 1);
        if size.0 == 80 {
            assert!(
                text.contains("…@example.com"),
                "elided in the middle:\n{text}"
            );
            for key in ["u unlock", "r reset link", "m reset MFA", "v verify"] {
                assert!(text.contains(key), "{key} is live, so it is shown");
            }
        } else {
            assert!(text.contains("alexandra.konstantinopoulou@example.com"));
        }
        if size.0 == 200 {
            assert!(text.contains("Max sign in attempts exceeded"));
            assert!(text.contains("✓ unlocked 14:30 by alice (audit #7)"));
            assert!(text.contains("✓ reset link sent 14:30 by alice (audit #9)"));
        }
    }
}

#[test]
fn at_160_columns_reason_takes_the_room_user_does_not_need() {
    let mut app = app_with_feed(options());
    let terminal = draw_at(&mut app, (160, 30));
    let lines = lines_of(&terminal);
    let text = lines.join("\n");
    assert!(text.contains("Max sign in attempts exceeded"));
    assert!(text.contains("Sign-in refused: LOCKED_OUT"));
    let header = &lines[2];
    let user = header.find("User").unwrap();
    let reason = header.find("Reason").unwrap();
    // The longest login on screen and the longest name, no more.
    let wanted = "katherine.johnson@acme.example".len() + " Katherine Johnson".len();
    assert!(reason - user <= wanted + 2, "{header}");
}

#[test]
fn not_receiving_is_the_headline_at_three_sizes() {
    for size in SIZES {
        let mut app = busy_feed();
        failing(&mut app);
        let terminal = draw_at(&mut app, size);
        insta::assert_snapshot!(
            format!("not_receiving_{}x{}", size.0, size.1),
            terminal.backend()
        );
        let lines = lines_of(&terminal);
        let title = lines.iter().find(|l| l.contains("Lockouts")).unwrap();
        assert!(
            title.contains("NOT RECEIVING since 14:28:55 UTC"),
            "the table's title at {size:?}: {title}"
        );
    }
    // An empty feed never says a bare "no lockouts" while nothing can arrive.
    let mut empty = app_with(options());
    failing(&mut empty);
    let text = screen_text(&draw_at(&mut empty, (120, 30)));
    assert!(text.contains("NOT RECEIVING since 14:28:55 UTC (3 failed polls): network error"));
    assert!(!text.contains("No lockouts since"), "{text}");
    assert!(text.contains("No lockouts received since"));
    // Back to normal once a poll succeeds.
    empty.update(Msg::Feed(FeedEvent::Lockouts {
        lockouts: Vec::new(),
        health: healthy(),
    }));
    let text = screen_text(&draw_at(&mut empty, (120, 30)));
    assert!(!text.contains("NOT RECEIVING"));
}

#[test]
fn read_only_hides_the_action_keys_it_would_refuse() {
    let mut app = busy_feed();
    app.options.read_only = true;
    press(&mut app, KeyCode::Enter);
    let terminal = draw_at(&mut app, (120, 30));
    let text = screen_text(&terminal);
    for key in ["u unlock", "r reset link", "m reset MFA", "v verify"] {
        assert!(
            !text.contains(key),
            "{key} advertised in read-only mode:\n{text}"
        );
    }
    assert!(text.contains("Read-only: no actions"));
    // The key still says why.
    press(&mut app, KeyCode::Char('u'));
    assert!(app.message().unwrap().starts_with("Read-only mode"));
    assert!(app.open_user_view().is_none(), "nothing opened");
}

#[test]
fn the_selected_rows_detail_names_its_action_keys() {
    let mut app = busy_feed();
    press(&mut app, KeyCode::Enter);
    let text = screen_text(&draw_at(&mut app, (160, 30)));
    assert!(text.contains("Actions: u unlock · r reset link · m reset MFA · v verify"));
    // Narrower, the word goes first, then the names: never a cut key.
    let text = screen_text(&draw_at(&mut app, (120, 30)));
    assert!(text.contains(" u unlock · r reset link · m reset MFA · v verify "));
    let text = screen_text(&draw_at(&mut app, (80, 30)));
    assert!(text.contains(" Actions: u · r · m · v "), "{text}");
}

/// Ada's profile with six factors and forty events, so both lists scroll.
fn ada_long_profile() -> UserProfile {
    let mut profile = ada_profile();
    for n in 0..3 {
        profile.factors.push(factor(
            &format!("em{n}"),
            FactorKind::Email,
            None,
            Some("a•••@acme.example"),
        ));
    }
    profile.activity = (0..40)
        .map(|n| {
            event(
                100 + n,
                30 + 60 * i64::from(n),
                ActivityKind::FailedSignIn,
                &format!("User login to Okta (attempt {})", 40 - n),
                ("FAILURE", "INVALID_CREDENTIALS"),
            )
        })
        .collect();
    profile
}

fn long_user_screen() -> App {
    let mut app = user_screen();
    let key = ada_key(&app);
    app.update(Msg::ProfileLoaded {
        key,
        result: Ok(Box::new(ada_long_profile())),
    });
    app
}

#[test]
fn user_screen_scrolls_at_three_sizes() {
    for size in SIZES {
        let mut app = long_user_screen();
        app.update(Msg::Resize {
            width: size.0,
            height: size.1,
        });
        for _ in 0..3 {
            press(&mut app, KeyCode::Char('j'));
        }
        let terminal = draw_at(&mut app, size);
        insta::assert_snapshot!(
            format!("user_screen_{}x{}", size.0, size.1),
            terminal.backend()
        );
        let text = screen_text(&terminal);
        assert!(
            text.contains("▸ Last 24 h (40)"),
            "the activity has the keys"
        );
        if size.1 < 50 {
            assert!(text.contains("4–"), "scrolled by three: {text}");
            assert!(text.contains("of 40"));
            assert!(
                !text.contains("(attempt 40)"),
                "the first rows scrolled off"
            );
        }
        assert_whole_hints(&terminal, 1);
    }
}

#[test]
fn tab_moves_the_scrolling_to_the_factors_and_keys_stop_at_the_ends() {
    let mut app = long_user_screen();
    app.update(Msg::Resize {
        width: 120,
        height: 30,
    });
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::End);
    let factors = app.user_scroll().factors;
    assert!(factors > 0, "six factors do not fit in 30 lines");
    press(&mut app, KeyCode::Down);
    assert_eq!(app.user_scroll().factors, factors, "stops at the end");
    assert_eq!(app.user_scroll().activity, 0, "the activity did not move");
    let text = screen_text(&draw_at(&mut app, (120, 30)));
    assert!(text.contains("▸ Factors (6)"));
    assert!(text.contains("of 6"));
    press(&mut app, KeyCode::PageUp);
    assert_eq!(app.user_scroll().factors, 0);
}

#[test]
fn help_scrolls_at_three_sizes_and_explains_every_column() {
    for size in SIZES {
        let mut app = busy_feed();
        app.update(Msg::Resize {
            width: size.0,
            height: size.1,
        });
        press(&mut app, KeyCode::Char('?'));
        let terminal = draw_at(&mut app, size);
        insta::assert_snapshot!(format!("help_{}x{}", size.0, size.1), terminal.backend());
        let mut seen = screen_text(&terminal);
        for _ in 0..40 {
            press(&mut app, KeyCode::PageDown);
            seen.push_str(&screen_text(&draw_at(&mut app, size)));
        }
        for column in [
            "When ",
            "User ",
            "Reason ",
            "IP ",
            "Location ",
            "Client ",
            "Since ",
            "× ",
            "⚠ ",
        ] {
            assert!(
                seen.contains(&format!("  {column}")),
                "{column:?} explained at {size:?}"
            );
        }
        assert!(seen.contains("How many lockouts") || seen.contains("Lockouts of this user"));
    }
}

#[test]
fn the_burst_list_opens_from_the_banner_and_goes_to_the_row() {
    let mut app = busy_feed();
    press(&mut app, KeyCode::Char('b'));
    let terminal = draw_at(&mut app, (120, 30));
    insta::assert_snapshot!(terminal.backend());
    let text = screen_text(&terminal);
    assert!(text.contains("Bursts (1)"));
    assert!(text.contains("Enter go to row"));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert!(app.burst_list().is_none());
    assert_eq!(app.selected_lockout().unwrap().login, "ops@acme.example");
}

#[test]
fn still_locked_only_hides_the_handled_and_says_how_many() {
    let mut app = busy_feed();
    press(&mut app, KeyCode::Char('l'));
    let text = screen_text(&draw_at(&mut app, (120, 30)));
    assert!(
        text.contains("still locked only, 3 handled hidden (l shows all)"),
        "{text}"
    );
    assert!(!text.contains("✓ unlocked"));
    assert!(!text.contains("now ACTIVE"));
    assert!(text.contains("still locked") && text.contains("✗ unlock failed"));
    press(&mut app, KeyCode::Char('l'));
    assert!(screen_text(&draw_at(&mut app, (120, 30))).contains("✓ unlocked"));
}

#[test]
fn slash_starts_a_fresh_filter_showing_the_old_one_until_you_type() {
    let mut app = app_with_feed(options());
    keep_filter(&mut app, "lyon");
    press(&mut app, KeyCode::Char('/'));
    let terminal = draw_at(&mut app, (120, 30));
    insta::assert_snapshot!(terminal.backend());
    let text = screen_text(&terminal);
    assert!(text.contains("was \"lyon\": type to replace it, Enter keeps it, Esc clears it"));
    assert!(text.contains("filter \"lyon\""), "still in force");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.filter(), Some("lyon"), "Enter kept it");
    press(&mut app, KeyCode::Char('/'));
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(app.filter(), Some("x"), "typing replaced it");
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.filter(), None);
    keep_filter(&mut app, "lyon");
    press(&mut app, KeyCode::Char('/'));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.filter(), None, "Esc clears, restoring nothing");
}

#[test]
fn slash_on_the_user_screen_finds_another_user_and_esc_comes_back() {
    let mut app = long_user_screen();
    press(&mut app, KeyCode::Char('/'));
    for c in "gra".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    let terminal = draw_at(&mut app, (120, 30));
    insta::assert_snapshot!(terminal.backend());
    let text = screen_text(&terminal);
    assert!(text.contains("Find user: gra"));
    assert!(
        text.contains("User · ada.lovelace@acme.example"),
        "over Ada's screen"
    );
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.open_user_view().unwrap().label, ADA.login);
    assert!(!app.is_editing_filter());
    assert_eq!(app.filter(), None, "the feed's filter is untouched");
}

#[test]
fn after_an_action_esc_lands_on_the_users_row_wherever_it_moved() {
    use accessdesk::model::Action as IdpAction;
    let mut app = app_with_feed(options());
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('j'));
    let alan = app.selected_lockout().unwrap().clone();
    assert_eq!(alan.login, ALAN.login);
    press(&mut app, KeyCode::Char('o'));
    // New lockouts arrive above; Alan is unlocked meanwhile.
    app.update(Msg::Feed(FeedEvent::Lockouts {
        lockouts: spray(),
        health: healthy(),
    }));
    app.update(report(
        "00u0007ala",
        ALAN.login,
        IdpAction::Unlock,
        true,
        12,
    ));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.selected_lockout().unwrap().login, ALAN.login);
    assert!(app.selected().unwrap() > 2, "it moved down");
    let text = screen_text(&draw_at(&mut app, (120, 30)));
    assert!(text.contains("✓ unlocked 14:30"));
}

// ---- the demo's training panel ----

use accessdesk::sim::training::{
    CodeSource, Phone, PhoneOwner, PushOutcome, PushPrompt, ShownCode,
};

fn phones(code: Option<&str>) -> Vec<Phone> {
    let mut caller = Phone {
        owner: PhoneOwner::Caller,
        user_id: "00u0010ada".into(),
        login: ADA.login.into(),
        name: "Ada Lovelace".into(),
        prompts: vec![PushPrompt {
            transaction_id: "v2mst.training1".into(),
            device: "Ada's iPhone 15".into(),
            sent_at: now() - TimeDelta::seconds(3),
            expires_at: now() + TimeDelta::seconds(57),
            choices: Some([15, 72, 48]),
        }],
        last_push: None,
        codes: Vec::new(),
    };
    if let Some(code) = code {
        caller.codes.push(ShownCode {
            factor_id: "sms1".into(),
            source: CodeSource::Sms,
            label: "SMS to •••-1337".into(),
            code: code.into(),
            sent_at: Some(now() - TimeDelta::seconds(20)),
            expires_at: now() + TimeDelta::seconds(280),
            used: false,
        });
    }
    let manager = Phone {
        owner: PhoneOwner::Manager,
        user_id: "00u0001cha".into(),
        login: "charles.babbage@acme.example".into(),
        name: "Charles Babbage".into(),
        prompts: Vec::new(),
        last_push: Some((PushOutcome::Rejected, now() - TimeDelta::minutes(2))),
        codes: Vec::new(),
    };
    vec![caller, manager]
}

/// The demo (a real in-process simulator behind the panel's handle) with the panel open on
/// Ada's phone.
async fn training_app(code: Option<&str>) -> (App, accessdesk::sim::SimHandle) {
    let mut config = accessdesk::sim::SimConfig::new("snapshot-training-token");
    config.users = 10;
    config.lockouts_per_minute = 0.0;
    config.history = false;
    let sim = accessdesk::sim::start(config, ([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    let mut app = app_with_feed(DashboardOptions {
        simulator: true,
        training: Some(sim.training()),
        ..options()
    });
    let effects = app.update(Msg::Key(KeyEvent::new(KeyCode::F(2), KeyModifiers::NONE)));
    assert_eq!(effects, [Effect::TrainingHold(true)]);
    let subject = app.training_subject().unwrap();
    app.update(Msg::Training {
        subject,
        phones: Ok(phones(code)),
    });
    (app, sim)
}

#[tokio::test]
async fn training_panel_shows_the_push_and_its_numbers() {
    let (mut app, sim) = training_app(None).await;
    let terminal = draw_at(&mut app, (120, 30));
    insta::assert_snapshot!(terminal.backend());
    let text = screen_text(&terminal);
    assert!(text.contains("Training · simulated phone"));
    assert!(text.contains("[1] 15") && text.contains("[2] 72") && text.contains("[3] 48"));
    assert!(text.contains("Their manager's phone"));
    assert!(text.contains("last one denied 2m"));
    // A push that asks for a number is answered with a number: `a` is not offered for it.
    assert!(
        text.contains("1-3 tap number") && text.contains("Esc back"),
        "the panel's keys"
    );
    assert!(!text.contains("a approve"), "{text}");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_sent_code_shows_on_the_panel_and_nowhere_else() {
    let (mut app, sim) = training_app(Some("482913")).await;
    let terminal = draw_at(&mut app, (120, 30));
    let lines = lines_of(&terminal);
    let column =
        |line: &str, needle: &str| line.find(needle).map(|byte| line[..byte].chars().count());
    let panel_x = lines
        .iter()
        .find_map(|l| column(l, "┌ Training"))
        .expect("the panel's frame");
    let holding: Vec<&String> = lines.iter().filter(|l| l.contains("482913")).collect();
    assert_eq!(holding.len(), 1, "{lines:#?}");
    assert!(
        column(holding[0], "482913").unwrap() > panel_x,
        "inside the panel"
    );
    assert!(app.message().is_none_or(|m| !m.contains("482913")));
    // Closed, the panel and its codes are gone.
    press(&mut app, KeyCode::F(2));
    let text = screen_text(&draw_at(&mut app, (120, 30)));
    assert!(!text.contains("482913") && !text.contains("Training"));
    sim.shutdown().await;
}

#[test]
fn outside_demo_no_phone_is_offered() {
    let mut app = app_with_feed(options());
    let text = screen_text(&draw_at(&mut app, (200, 50)));
    assert!(!text.contains("F2"), "{text}");
    press(&mut app, KeyCode::F(2));
    assert!(!screen_text(&draw_at(&mut app, (200, 50))).contains("Training"));
    press(&mut app, KeyCode::Char('?'));
    for _ in 0..10 {
        press(&mut app, KeyCode::PageDown);
        assert!(!screen_text(&draw_at(&mut app, (200, 50))).contains("Training panel"));
    }
}
