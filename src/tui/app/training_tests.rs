//! The demo's training panel through `update`: F2, its keys, whose phone it shows, and that it
//! does nothing (and is not offered) outside `demo`.

use super::*;
use crate::model::{LockoutKind, UserStatus};
use crate::services::user_profile::UserProfile;
use crate::sim::training::{Phone, PhoneAnswer, PhoneOwner, PushPrompt};
use crate::sim::{SimConfig, SimHandle};
use chrono::TimeZone;
use crossterm::event::{KeyCode, KeyModifiers};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 14, 0, 0).unwrap()
}

fn lockout(n: u32, login: &str) -> Lockout {
    Lockout {
        uuid: format!("uuid-{n}"),
        published: t0(),
        detected_at: t0(),
        kind: LockoutKind::AccountLocked,
        event_type: "user.account.lock".into(),
        reason: "Max sign in attempts exceeded".into(),
        user_id: Some(format!("00u-{login}")),
        login: login.into(),
        display_name: None,
        ip: None,
        city: None,
        state: None,
        country: None,
        browser: None,
        os: None,
        raw_user_agent: None,
        request_id: None,
    }
}

async fn simulator() -> SimHandle {
    let mut config = SimConfig::new("training-test-token");
    config.users = 20;
    config.lockouts_per_minute = 0.0;
    config.history = false;
    crate::sim::start(config, ([127, 0, 0, 1], 0).into())
        .await
        .unwrap()
}

fn app(training: Option<crate::sim::TrainingHandle>) -> App {
    let mut app = App::new(
        DashboardOptions {
            training,
            ..DashboardOptions::default()
        },
        t0(),
    );
    app.update(Msg::Resize {
        width: 140,
        height: 40,
    });
    app.update(Msg::Feed(FeedEvent::Lockouts {
        lockouts: vec![lockout(1, "ada@example.com"), lockout(2, "bob@example.com")],
        health: PollHealth::new(std::time::Duration::from_secs(2)),
    }));
    app
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn phone(choices: Option<[u32; 3]>) -> Vec<Phone> {
    vec![Phone {
        owner: PhoneOwner::Caller,
        user_id: "00u-bob@example.com".into(),
        login: "bob@example.com".into(),
        name: "Bob Smith".into(),
        prompts: vec![PushPrompt {
            transaction_id: "v2mst.abc".into(),
            device: "Bob's Pixel".into(),
            sent_at: t0(),
            expires_at: t0() + chrono::TimeDelta::minutes(1),
            choices,
        }],
        last_push: None,
        codes: Vec::new(),
    }]
}

#[test]
fn outside_demo_f2_does_nothing_and_is_not_offered() {
    let mut app = app(None);
    assert!(press(&mut app, KeyCode::F(2)).is_empty());
    assert!(!app.training().is_open());
    assert_eq!(app.context(), Context::Feed);
    assert!(!app.offers(Action::ToggleTraining));
    assert_eq!(app.training_subject(), None);
}

#[tokio::test]
async fn f2_opens_the_phone_of_the_selected_user_holds_pushes_and_closes_again() {
    let sim = simulator().await;
    let mut app = app(Some(sim.training()));
    assert!(app.offers(Action::ToggleTraining));
    assert_eq!(press(&mut app, KeyCode::F(2)), [Effect::TrainingHold(true)]);
    assert_eq!(app.context(), Context::Training);
    assert_eq!(
        app.training_subject().as_deref(),
        Some("00u-bob@example.com")
    );
    // Esc gives the keys back; the phone follows the selection.
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert_eq!(app.context(), Context::Feed);
    assert!(app.training().is_open());
    press(&mut app, KeyCode::Down);
    assert_eq!(
        app.training_subject().as_deref(),
        Some("00u-ada@example.com")
    );
    // F2 focuses the open panel, then closes it and lets the simulated people answer again.
    assert!(press(&mut app, KeyCode::F(2)).is_empty());
    assert_eq!(app.context(), Context::Training);
    assert_eq!(
        press(&mut app, KeyCode::F(2)),
        [Effect::TrainingHold(false)]
    );
    assert!(!app.training().is_open());
    sim.shutdown().await;
}

#[tokio::test]
async fn panel_keys_answer_the_waiting_push_or_say_why_not() {
    let sim = simulator().await;
    let mut app = app(Some(sim.training()));
    press(&mut app, KeyCode::F(2));
    // Nothing read yet: a says so on the panel.
    assert!(press(&mut app, KeyCode::Char('a')).is_empty());
    assert!(app.training().notice().unwrap().contains("No push"));

    app.update(Msg::Training {
        subject: "00u-bob@example.com".into(),
        phones: Ok(phone(Some([15, 72, 48]))),
    });
    assert!(
        press(&mut app, KeyCode::Char('a')).is_empty(),
        "a number push needs a number"
    );
    // So the footer offers the numbers, not `a`; a plain push the other way round.
    assert!(app.offers(Action::PhonePick) && !app.offers(Action::PhoneApprove));
    app.update(Msg::Training {
        subject: "00u-bob@example.com".into(),
        phones: Ok(phone(None)),
    });
    assert!(app.offers(Action::PhoneApprove) && !app.offers(Action::PhonePick));
    app.update(Msg::Training {
        subject: "00u-bob@example.com".into(),
        phones: Ok(phone(Some([15, 72, 48]))),
    });
    assert_eq!(
        press(&mut app, KeyCode::Char('2')),
        [Effect::AnswerPush {
            transaction_id: "v2mst.abc".into(),
            answer: PhoneAnswer::Pick(72),
        }]
    );
    assert_eq!(
        press(&mut app, KeyCode::Char('r')),
        [Effect::AnswerPush {
            transaction_id: "v2mst.abc".into(),
            answer: PhoneAnswer::Reject,
        }]
    );
    // Letters the feed would take (r: reset link) belong to the panel while it has the keys.
    assert!(app.open_user_view().is_none());
    app.update(Msg::TrainingAnswered(Ok(
        crate::sim::training::PushOutcome::Rejected,
    )));
    assert_eq!(
        app.training().notice(),
        Some("You denied the push on the phone")
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn the_panel_shows_the_phone_of_the_user_whose_dialog_is_open() {
    let sim = simulator().await;
    let mut app = app(Some(sim.training()));
    press(&mut app, KeyCode::Char('o'));
    let profile = UserProfile {
        user: User::sample(
            "00u-bob@example.com",
            "bob@example.com",
            UserStatus::LockedOut,
        ),
        factors: vec![crate::model::Factor {
            id: "opf1".into(),
            kind: crate::model::FactorKind::Push,
            factor_type: "push".into(),
            provider: "OKTA".into(),
            status: "ACTIVE".into(),
            device_name: Some("Bob's Pixel".into()),
            contact: None,
            created: None,
            last_updated: None,
        }],
        password_policy: None,
        password_expires_at: None,
        password_warn_from: None,
        activity: Vec::new(),
        unreadable: Vec::new(),
    };
    app.update(Msg::ProfileLoaded {
        key: "00u-bob@example.com".into(),
        result: Ok(Box::new(profile)),
    });
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(app.context(), Context::DialogChecklist);
    // F2 works from the dialog, whose fields take letters as text.
    assert_eq!(press(&mut app, KeyCode::F(2)), [Effect::TrainingHold(true)]);
    assert_eq!(
        app.training_subject().as_deref(),
        Some("00u-bob@example.com")
    );
    assert_eq!(app.context(), Context::Training);
    press(&mut app, KeyCode::Esc);
    assert_eq!(
        app.context(),
        Context::DialogChecklist,
        "Esc leaves the panel, not the dialog"
    );
    sim.shutdown().await;
}
