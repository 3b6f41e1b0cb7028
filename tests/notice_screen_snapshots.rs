//! The dashboard's notice side, drawn with a fixed clock and fixed data: the outbox's counts
//! in the status bar, whether a lockout's user was notified and how many notices remain
//! today, the *This wasn't me* marker, and the instructions overlay from `i` to the queued
//! notice. Accept changes with `INSTA_UPDATE=always cargo test --test notice_screen_snapshots`.

use std::collections::HashMap;
use std::time::Duration;

use accessdesk::model::{Lockout, LockoutKind, User};
use accessdesk::notify::{AnswerChoice, IdempotencyKey, Instruction, NoticeKind, Problem};
use accessdesk::outbox::{AnswerRecord, OutboxCounts, OutboxState};
use accessdesk::services::notice_desk::NoticeDesk;
use accessdesk::services::{FeedEvent, PollHealth};
use accessdesk::tui::notice_board::{LockoutNoticeSeen, OutboxSnapshot, UserNotices};
use accessdesk::tui::{App, DashboardOptions, Effect, Msg, view};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 14, 30, 0).unwrap()
}

fn lockout(n: u32, login: &str, mins_ago: i64) -> Lockout {
    let published = now() - TimeDelta::minutes(mins_ago);
    Lockout {
        uuid: format!("9f0c1e2a-0000-4000-8000-{n:012}"),
        published,
        detected_at: published + TimeDelta::seconds(1),
        kind: LockoutKind::AccountLocked,
        event_type: "user.account.lock".into(),
        reason: "Max sign in attempts exceeded".into(),
        user_id: Some(format!("00u{n:04}")),
        login: login.into(),
        display_name: None,
        ip: Some(format!("198.51.100.{n}")),
        city: Some("Lyon".into()),
        state: None,
        country: Some("France".into()),
        browser: Some("Firefox".into()),
        os: Some("Windows".into()),
        raw_user_agent: None,
        request_id: Some(format!("req{n:04}")),
    }
}

fn instruction(id: &str, system: &str, problem: Problem, title: &str) -> Instruction {
    Instruction {
        id: id.into(),
        system: system.into(),
        problem,
        title: title.into(),
        steps: vec![
            "Open the sign-in page and choose Unlock account.".into(),
            "Approve the push on your phone.".into(),
        ],
        kb_url: Some("https://kb.example.com/KB0001".into()),
    }
}

fn options(instructions: Vec<Instruction>) -> DashboardOptions {
    DashboardOptions {
        org_label: "acme.okta.com".into(),
        color: false,
        poll_interval: Duration::from_secs(30),
        notices: NoticeDesk {
            instructions,
            ..NoticeDesk::default()
        },
        ..DashboardOptions::default()
    }
}

fn app(options: DashboardOptions, size: (u16, u16), lockouts: Vec<Lockout>) -> App {
    let mut app = App::new(options, now() - TimeDelta::minutes(5));
    app.update(Msg::Resize {
        width: size.0,
        height: size.1,
    });
    app.update(Msg::Tick(now()));
    let mut health = PollHealth::new(Duration::from_secs(30));
    health.last_success = Some(now() - TimeDelta::seconds(3));
    app.update(Msg::Feed(FeedEvent::Lockouts { lockouts, health }));
    app
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn screen(app: &App, (w, h): (u16, u16)) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|frame| view::draw(frame, app)).unwrap();
    terminal
}

fn user(id: &str, login: &str) -> User {
    serde_json::from_value(serde_json::json!({
        "id": id, "status": "LOCKED_OUT", "login": login, "email": login,
        "first_name": "Ada", "last_name": "Lovelace", "display_name": null, "department": null,
        "title": null, "user_type": null, "manager": null, "manager_id": null,
        "contract_end_date": null, "created": null, "status_changed": null, "last_login": null,
        "password_changed": null,
    }))
    .unwrap()
}

#[test]
fn the_outbox_shows_in_the_status_bar_the_detail_and_the_feed() {
    let lockouts = vec![
        lockout(1, "grace.hopper@acme.example", 90),
        lockout(2, "ada.lovelace@acme.example", 12),
    ];
    let mut app = app(options(Vec::new()), (120, 30), lockouts.clone());
    let text = screen(&app, (120, 30)).backend().to_string();
    assert!(!text.contains("outbox"), "nothing until the outbox is read");
    let notices = UserNotices {
        lockout_notices: vec![LockoutNoticeSeen {
            lockout_uuid: lockouts[1].uuid.clone(),
            state: OutboxState::Sent,
            at: now() - TimeDelta::minutes(11),
        }],
        last_24h: 3,
    };
    app.update(Msg::Outbox(Ok(OutboxSnapshot {
        read_at: now(),
        counts: OutboxCounts {
            queued: 2,
            sent: 40,
            failed: 1,
            oldest_queued: Some(now() - TimeDelta::minutes(1)),
        },
        users: HashMap::from([
            ("00u0002".to_string(), notices),
            ("00u0001".to_string(), UserNotices::default()),
        ]),
        not_me: vec![AnswerRecord {
            at: now() - TimeDelta::minutes(4),
            key: IdempotencyKey::new("00u0002", NoticeKind::LockoutNotice, "", &lockouts[1].uuid),
            choice: AnswerChoice::NotMe,
            user_id: "00u0002".into(),
        }],
    })));
    press(&mut app, KeyCode::Enter);
    let terminal = screen(&app, (120, 30));
    insta::assert_snapshot!("outbox_in_the_detail_120x30", terminal.backend());
    let text = terminal.backend().to_string();
    assert!(text.contains("outbox 2 queued, 1 failed"));
    assert!(text.contains("Notified  sent 11m ago · 1 of 4 left today"));
    assert!(text.contains("This wasn't me"));
    assert_eq!(text.matches('⚑').count(), 2, "the row and the detail");

    // Grace was notified of nothing yet: all four left.
    press(&mut app, KeyCode::Down);
    let text = screen(&app, (120, 30)).backend().to_string();
    assert!(
        text.contains("Notified  not yet · 4 of 4 left today"),
        "{text}"
    );
}

#[test]
fn i_sends_the_chosen_instruction_after_a_confirm_naming_the_address() {
    let set = vec![
        instruction(
            "okta-unlock",
            "Okta",
            Problem::Unlock,
            "Unlock your account yourself",
        ),
        instruction(
            "vpn-unlock",
            "VPN",
            Problem::Unlock,
            "Get back onto the VPN",
        ),
    ];
    let size = (80, 24);
    let mut app = app(
        options(set),
        size,
        vec![lockout(2, "ada.lovelace@acme.example", 12)],
    );
    let effects = press(&mut app, KeyCode::Char('i'));
    assert_eq!(
        effects,
        [Effect::LoadUser("00u0002".into())],
        "the address is read"
    );
    for c in "vpn".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    let text = screen(&app, size).backend().to_string();
    assert!(text.contains("still reading the user's address"), "{text}");
    app.update(Msg::UserLoaded {
        user_id: "00u0002".into(),
        result: Ok(user("00u0002", "ada.lovelace@acme.example")),
    });
    assert!(
        press(&mut app, KeyCode::Enter).is_empty(),
        "a confirm first"
    );
    let terminal = screen(&app, size);
    insta::assert_snapshot!("instructions_confirm_80x24", terminal.backend());
    let text = terminal.backend().to_string();
    assert!(
        text.contains("Send \"Get back onto the VPN\" to Ada Lovelace at"),
        "{text}"
    );

    let effects = press(&mut app, KeyCode::Enter);
    let [Effect::SendInstructions { instruction, to }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(instruction.id, "vpn-unlock");
    assert_eq!(to.addresses, ["ada.lovelace@acme.example"]);
    assert!(press(&mut app, KeyCode::Enter).is_empty(), "sent once");
    app.update(Msg::InstructionsSent(Ok("Instructions queued".into())));
    assert!(app.picker().is_none());
    assert_eq!(app.message(), Some("Instructions queued"));

    // Esc backs out of the confirm line, then closes without sending.
    press(&mut app, KeyCode::Char('i'));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Esc);
    assert!(app.picker().is_some());
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert!(app.picker().is_none());
}

#[test]
fn i_says_why_it_cannot_act() {
    let mut none_configured = app(options(Vec::new()), (80, 24), vec![lockout(2, "a@b.c", 1)]);
    press(&mut none_configured, KeyCode::Char('i'));
    assert!(none_configured.picker().is_none());
    assert!(
        none_configured
            .message()
            .unwrap()
            .contains("No instructions are configured")
    );

    let set = vec![instruction(
        "okta-unlock",
        "Okta",
        Problem::Unlock,
        "Unlock",
    )];
    let mut empty_feed = app(options(set), (80, 24), Vec::new());
    press(&mut empty_feed, KeyCode::Char('i'));
    assert!(empty_feed.picker().is_none());
    assert!(
        empty_feed
            .message()
            .unwrap()
            .starts_with("No user selected")
    );
}
