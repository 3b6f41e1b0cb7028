//! The dashboard loop driven in-process: a fake directory, a key channel instead of the
//! terminal, and frames drawn into a `TestBackend` that the test reads while the loop runs.
//! Every check waits for text on screen against a deadline; nothing sleeps and then asserts.

use accessdesk::idp::{
    ActionFailure, ActionReceipt, Directory, FeedCursor, FeedPage, IdpError, Provider,
    PushChallenge,
};
use accessdesk::model::{
    ActivityEvent, ActivityKind, ChallengeResult, Factor, FactorKind, Lockout, LockoutKind,
    PasswordPolicy, RateLimit, User, UserStatus,
};
use accessdesk::policy::gate::Verified;
use accessdesk::services::{FeedEvent, PollHealth};
use accessdesk::tui::run::event_loop;
use accessdesk::tui::{DashboardOptions, view};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use futures::channel::mpsc::{UnboundedSender, unbounded};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use secrecy::{ExposeSecret, SecretString};
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep, timeout};

const DEADLINE: Duration = Duration::from_secs(10);

/// The code the fake "sends" to Alice's phone.
const SMS_CODE: &str = "246810";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 14, 30, 0).unwrap()
}

/// Knows Alice; every other id is a 404. Every call is recorded (codes never). Pushes are
/// approved at the first poll (unless `push_answer` says otherwise); `perform` unlocks Alice;
/// the SMS code is [`SMS_CODE`].
#[derive(Default)]
struct FakeDirectory {
    calls: Mutex<Vec<String>>,
    unlocked: Mutex<bool>,
    /// What a push poll answers (None: SUCCESS).
    push_answer: Mutex<Option<ChallengeResult>>,
}

fn alice() -> User {
    User {
        id: "00ualice".into(),
        status: UserStatus::LockedOut,
        login: "alice@acme.example".into(),
        email: Some("alice@acme.example".into()),
        second_email: None,
        first_name: Some("Alice".into()),
        last_name: Some("Liddell".into()),
        display_name: None,
        department: Some("Wonderland Ops".into()),
        title: None,
        user_type: Some("employee".into()),
        manager: Some("Queen of Hearts".into()),
        manager_id: None,
        contract_end_date: None,
        created: None,
        status_changed: None,
        last_login: None,
        password_changed: None,
    }
}

impl Directory for FakeDirectory {
    fn label(&self) -> String {
        "fake.okta.test".into()
    }

    fn provider(&self) -> Provider {
        Provider::Okta
    }

    fn audit_org(&self) -> String {
        "https://fake.okta.test/".into()
    }

    async fn get_user(&self, id_or_login: &str) -> Result<User, IdpError> {
        self.calls.lock().unwrap().push(id_or_login.to_string());
        if id_or_login == "00ualice" {
            let mut alice = alice();
            if *self.unlocked.lock().unwrap() {
                alice.status = UserStatus::Active;
            }
            Ok(alice)
        } else {
            Err(IdpError::Api {
                status: 404,
                code: "E0000007".into(),
                summary: format!("Not found: Resource not found: {id_or_login} (User)"),
                error_id: None,
                causes: Vec::new(),
                request_id: Some("reqXYZ".into()),
            })
        }
    }

    async fn search_users(&self, query: &str, _limit: usize) -> Result<Vec<User>, IdpError> {
        self.calls.lock().unwrap().push(format!("search {query}"));
        let alice = alice();
        Ok(if alice.login.starts_with(query) {
            vec![alice]
        } else {
            Vec::new()
        })
    }

    async fn poll_lockouts(&self, _cursor: &mut FeedCursor) -> Result<FeedPage, IdpError> {
        Ok(FeedPage::default())
    }

    fn log_rate_limit(&self) -> Option<RateLimit> {
        None
    }

    async fn recent_activity(
        &self,
        user_id: &str,
        _since: DateTime<Utc>,
    ) -> Result<Vec<ActivityEvent>, IdpError> {
        self.get_user(user_id).await.map(|_| {
            vec![ActivityEvent {
                uuid: "evt-1".into(),
                published: now() - TimeDelta::seconds(40),
                kind: ActivityKind::Lockout,
                event_type: "user.account.lock".into(),
                message: "Max sign in attempts exceeded".into(),
                result: Some("FAILURE".into()),
                reason: None,
                actor: None,
                ip: Some("198.51.100.4".into()),
                location: Some("Oxford, United Kingdom".into()),
            }]
        })
    }

    async fn password_policies(&self) -> Result<Vec<PasswordPolicy>, IdpError> {
        Ok(Vec::new())
    }

    async fn group_ids(&self, user_id: &str) -> Result<Vec<String>, IdpError> {
        self.get_user(user_id).await.map(|_| Vec::new())
    }

    // The dashboard loop runs no expiry scan: an empty directory to scan.
    async fn scan_users(
        &self,
        _page: &accessdesk::idp::UserScanPage,
        _contract_end_attribute: &str,
    ) -> Result<accessdesk::idp::Page<accessdesk::idp::ScannedUser>, IdpError> {
        Ok(accessdesk::idp::Page {
            items: Vec::new(),
            next: None,
        })
    }

    async fn group_member_ids(
        &self,
        _group_id: &str,
        _next: Option<&accessdesk::idp::PageCursor>,
    ) -> Result<accessdesk::idp::Page<String>, IdpError> {
        Ok(accessdesk::idp::Page {
            items: Vec::new(),
            next: None,
        })
    }

    async fn groups_with_membership_changed_since(
        &self,
        _since: DateTime<Utc>,
    ) -> Result<Vec<String>, IdpError> {
        Ok(Vec::new())
    }

    fn scan_rate_limit(&self, _endpoint: accessdesk::idp::ScanEndpoint) -> Option<RateLimit> {
        None
    }

    async fn list_factors(&self, user_id: &str) -> Result<Vec<Factor>, IdpError> {
        self.get_user(user_id).await.map(|_| {
            vec![
                Factor {
                    id: "opf1".into(),
                    kind: FactorKind::Push,
                    factor_type: "push".into(),
                    provider: "OKTA".into(),
                    status: "ACTIVE".into(),
                    device_name: Some("Alice's Pixel".into()),
                    contact: None,
                    created: None,
                    last_updated: None,
                },
                Factor {
                    id: "sms1".into(),
                    kind: FactorKind::Sms,
                    factor_type: "sms".into(),
                    provider: "OKTA".into(),
                    status: "ACTIVE".into(),
                    device_name: None,
                    contact: Some("•••-0199".into()),
                    created: None,
                    last_updated: None,
                },
            ]
        })
    }

    async fn send_push(&self, user_id: &str, factor_id: &str) -> Result<PushChallenge, IdpError> {
        self.record(format!("send_push {user_id} {factor_id}"));
        Ok(PushChallenge {
            user_id: user_id.into(),
            factor_id: factor_id.into(),
            poll_url: "https://fake.okta.test/poll/tx1".into(),
            cancel_url: None,
            expires_at: None,
            correct_answer: None,
            transaction_id: Some("tx1".into()),
            request_id: Some("reqPUSH".into()),
        })
    }

    async fn poll_push(&self, challenge: &PushChallenge) -> Result<ChallengeResult, IdpError> {
        self.record(format!("poll_push {}", challenge.user_id));
        Ok(self
            .push_answer
            .lock()
            .unwrap()
            .clone()
            .unwrap_or(ChallengeResult::Success))
    }

    async fn cancel_push(&self, challenge: &PushChallenge) -> Result<(), IdpError> {
        self.record(format!("cancel_push {}", challenge.user_id));
        Ok(())
    }

    async fn send_code(&self, user_id: &str, factor_id: &str) -> Result<ChallengeResult, IdpError> {
        self.record(format!("send_code {user_id} {factor_id}"));
        Ok(ChallengeResult::Other("CHALLENGE".into()))
    }

    async fn check_code(
        &self,
        user_id: &str,
        factor_id: &str,
        code: &SecretString,
    ) -> Result<ChallengeResult, IdpError> {
        self.record(format!("check_code {user_id} {factor_id}"));
        Ok(if code.expose_secret() == SMS_CODE {
            ChallengeResult::Success
        } else {
            ChallengeResult::Failed
        })
    }

    async fn perform(&self, verified: &Verified) -> Result<ActionReceipt, ActionFailure> {
        let user_id = &verified.target().user_id;
        self.record(format!(
            "perform {} {user_id}",
            verified.action().audit_name()
        ));
        *self.unlocked.lock().unwrap() = true;
        Ok(ActionReceipt {
            request_ids: vec!["reqPERFORM".into()],
        })
    }
}

impl FakeDirectory {
    fn record(&self, call: String) {
        self.calls.lock().unwrap().push(call);
    }

    fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }
}

fn lockout(n: u32, login: &str, user_id: &str, secs_ago: i64) -> Lockout {
    let published = now() - TimeDelta::seconds(secs_ago);
    Lockout {
        uuid: format!("uuid-{n}"),
        published,
        detected_at: published,
        kind: LockoutKind::AccountLocked,
        event_type: "user.account.lock".into(),
        reason: "Max sign in attempts exceeded".into(),
        user_id: Some(user_id.into()),
        login: login.into(),
        display_name: None,
        ip: Some("198.51.100.4".into()),
        city: Some("Oxford".into()),
        state: None,
        country: Some("United Kingdom".into()),
        browser: None,
        os: None,
        raw_user_agent: None,
        request_id: None,
    }
}

type Screen = Arc<Mutex<Terminal<TestBackend>>>;

/// The org the harness's dashboard acts on, as its audit records must name it.
const FAKE_ORG: &str = "https://fake.okta.test/";

struct Harness {
    keys: UnboundedSender<io::Result<Event>>,
    feed: Option<mpsc::Sender<FeedEvent>>,
    screen: Screen,
    directory: Arc<FakeDirectory>,
    task: JoinHandle<anyhow::Result<()>>,
    /// Where the audit log goes.
    data_dir: tempfile::TempDir,
}

impl Harness {
    fn start() -> Self {
        Self::start_with_audit_at(|dir| dir.to_path_buf())
    }

    /// A harness whose pushes all end with `answer` (WAITING: they never end).
    fn start_with_push_answer(answer: ChallengeResult) -> Self {
        let harness = Self::start();
        *harness.directory.push_answer.lock().unwrap() = Some(answer);
        harness
    }

    fn alt(&self, c: char) {
        self.key(KeyCode::Char(c), KeyModifiers::ALT);
    }

    fn audit_records(&self) -> Vec<accessdesk::audit::AuditRecord> {
        let path = accessdesk::audit::AuditLog::default_path(self.data_dir.path());
        accessdesk::audit::AuditLog::open(&path)
            .unwrap()
            .list(None)
            .unwrap()
    }

    /// A harness whose data directory (for the audit log) is `data_dir(temp dir)`.
    fn start_with_audit_at(data_dir: impl FnOnce(&std::path::Path) -> std::path::PathBuf) -> Self {
        let (keys, events) = unbounded();
        let (feed, feed_rx) = mpsc::channel(8);
        let screen: Screen = Arc::new(Mutex::new(
            Terminal::new(TestBackend::new(120, 35)).unwrap(),
        ));
        let directory = Arc::new(FakeDirectory::default());
        let data_dir_of = data_dir;
        let data_dir = tempfile::tempdir().unwrap();
        let options = DashboardOptions {
            org_label: "fake.okta.test".into(),
            org_url: Some(FAKE_ORG.into()),
            agent_name: "agent.smith".into(),
            data_dir: data_dir_of(data_dir.path()),
            ..DashboardOptions::default()
        };
        let draw_screen = Arc::clone(&screen);
        // No expiry scanner here: its channel is closed from the start.
        let (_, scans_rx) = tokio::sync::mpsc::channel(1);
        let task = tokio::spawn(event_loop(
            Arc::clone(&directory),
            (feed_rx, scans_rx),
            options,
            events,
            move |app: &accessdesk::tui::App| -> anyhow::Result<()> {
                draw_screen
                    .lock()
                    .unwrap()
                    .draw(|frame| view::draw(frame, app))?;
                Ok(())
            },
            (120, 35),
            now,
        ));
        Self {
            keys,
            feed: Some(feed),
            screen,
            directory,
            task,
            data_dir,
        }
    }

    fn text(&self) -> String {
        self.screen.lock().unwrap().backend().to_string()
    }

    async fn wait_for(&self, needle: &str) {
        let deadline = Instant::now() + DEADLINE;
        loop {
            if self.text().contains(needle) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{needle:?} never appeared; the screen:\n{}",
                self.text()
            );
            sleep(Duration::from_millis(10)).await;
        }
    }

    fn key(&self, code: KeyCode, modifiers: KeyModifiers) {
        self.keys
            .unbounded_send(Ok(Event::Key(KeyEvent::new(code, modifiers))))
            .unwrap();
    }

    fn press(&self, code: KeyCode) {
        self.key(code, KeyModifiers::NONE);
    }

    /// The first poll comes in with one lockout: Alice's.
    async fn alice_locked_out(&self) {
        self.wait_for("waiting for the first poll").await;
        self.feed(vec![lockout(1, "alice@acme.example", "00ualice", 20)])
            .await;
        self.wait_for("alice@acme.example").await;
    }

    /// In the dialog, from the checklist: tick all four items, type a valid ticket and move to
    /// Confirm.
    fn tick_checklist_and_enter_ticket(&self) {
        for n in ['1', '2', '3', '4'] {
            self.press(KeyCode::Char(n));
        }
        self.press(KeyCode::Tab);
        for c in "INC0012345".chars() {
            self.press(KeyCode::Char(c));
        }
        self.press(KeyCode::Tab);
        self.press(KeyCode::Tab);
    }

    async fn feed(&self, lockouts: Vec<Lockout>) {
        let mut health = PollHealth::new(Duration::from_secs(30));
        health.last_success = Some(now());
        self.feed
            .as_ref()
            .unwrap()
            .send(FeedEvent::Lockouts { lockouts, health })
            .await
            .unwrap();
    }

    /// The loop must end by itself, cleanly.
    async fn finished(self) -> Arc<FakeDirectory> {
        let result = timeout(DEADLINE, self.task)
            .await
            .expect("the loop did not stop")
            .expect("the loop panicked");
        result.expect("the loop failed");
        self.directory
    }
}

#[tokio::test]
async fn lockouts_show_up_users_load_on_enter_and_q_quits() {
    let harness = Harness::start();
    harness.wait_for("2026-03-02 14:30:00 UTC").await;
    harness
        .wait_for("Polling every 30s; waiting for the first poll.")
        .await;

    harness
        .feed(vec![
            lockout(1, "bob@acme.example", "00ubob", 20),
            lockout(2, "alice@acme.example", "00ualice", 5),
        ])
        .await;
    harness.wait_for("alice@acme.example").await;
    harness.wait_for("Lockouts (2)").await;

    harness.press(KeyCode::Enter);
    harness.wait_for("Wonderland Ops").await;
    harness.wait_for("LOCKED_OUT").await;

    // Bob is unknown to the directory: the error and its hint reach the detail pane.
    harness.press(KeyCode::Down);
    harness.wait_for("Could not load the user:").await;
    harness.wait_for("check the login or id").await;

    // Back to Alice: cached, no second request.
    harness.press(KeyCode::Up);
    harness.wait_for("Queen of Hearts").await;

    harness.press(KeyCode::Char('q'));
    let directory = harness.finished().await;
    assert_eq!(*directory.calls.lock().unwrap(), ["00ualice", "00ubob"]);
}

#[tokio::test]
async fn a_closed_feed_is_reported_and_ctrl_c_quits() {
    let mut harness = Harness::start();
    harness.wait_for("waiting for the first poll").await;
    harness.feed = None;
    harness.wait_for("Lockout feed stopped").await;
    harness.key(KeyCode::Char('c'), KeyModifiers::CONTROL);
    harness.finished().await;
}

#[tokio::test]
async fn key_releases_are_ignored_and_help_opens_and_closes() {
    let harness = Harness::start();
    harness.wait_for("waiting for the first poll").await;
    let mut release = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
    release.kind = KeyEventKind::Release;
    harness
        .keys
        .unbounded_send(Ok(Event::Key(release)))
        .unwrap();

    harness.press(KeyCode::Char('?'));
    harness.wait_for("any other key closes").await;
    assert!(!harness.task.is_finished(), "a released q must not quit");
    harness.press(KeyCode::Char('q'));
    harness.wait_for("? help").await;
    assert!(!harness.text().contains("any other key closes"));
    harness.press(KeyCode::Char('q'));
    harness.finished().await;
}

#[tokio::test]
async fn the_loop_ends_when_the_terminal_goes_away_and_follows_resizes() {
    let harness = Harness::start();
    harness.wait_for("waiting for the first poll").await;
    harness.screen.lock().unwrap().backend_mut().resize(80, 20);
    harness
        .keys
        .unbounded_send(Ok(Event::Resize(80, 20)))
        .unwrap();
    harness
        .feed(vec![lockout(1, "bob@acme.example", "00ubob", 20)])
        .await;
    harness.wait_for("bob@acme.example").await;
    let text = harness.text();
    assert_eq!(text.lines().count(), 20, "{text}");
    assert!(
        !text.contains("Client"),
        "80 columns use the narrow table:\n{text}"
    );
    let Harness { keys, task, .. } = harness;
    drop(keys);
    timeout(DEADLINE, task)
        .await
        .expect("the loop did not stop")
        .expect("the loop panicked")
        .expect("the loop failed");
}

#[tokio::test]
async fn a_terminal_read_error_ends_the_loop_with_the_error() {
    let harness = Harness::start();
    harness.wait_for("waiting for the first poll").await;
    harness
        .keys
        .unbounded_send(Err(io::Error::other("tty vanished")))
        .unwrap();
    let error = timeout(DEADLINE, harness.task)
        .await
        .expect("the loop did not stop")
        .expect("the loop panicked")
        .expect_err("a read error must end the loop");
    assert!(format!("{error:#}").contains("tty vanished"), "{error:#}");
}

#[tokio::test]
async fn the_filter_searches_the_directory_and_opens_the_user_screen() {
    let harness = Harness::start();
    harness.wait_for("waiting for the first poll").await;
    harness
        .feed(vec![lockout(1, "bob@acme.example", "00ubob", 20)])
        .await;
    harness.wait_for("bob@acme.example").await;

    harness.press(KeyCode::Char('/'));
    for c in "ali".chars() {
        harness.press(KeyCode::Char(c));
    }
    // The feed filter still applies while the directory answers.
    harness.wait_for("No lockouts match \"ali\"").await;
    harness.wait_for("Directory · \"ali\"").await;
    harness.wait_for("Alice Liddell").await;

    harness.press(KeyCode::Down);
    harness.wait_for("Enter open user").await;
    harness.press(KeyCode::Enter);
    harness.wait_for("Wonderland Ops").await;
    harness.wait_for("Alice's Pixel").await;
    harness.wait_for("Max sign in attempts exceeded").await;
    harness.wait_for("Esc back").await;

    harness.press(KeyCode::Esc);
    harness.wait_for("Lockouts · filter").await;
    harness.press(KeyCode::Char('q'));
    let directory = harness.finished().await;
    let calls = directory.calls.lock().unwrap().clone();
    let searches: Vec<&String> = calls.iter().filter(|c| c.starts_with("search")).collect();
    assert_eq!(
        searches,
        ["search ali"],
        "one search after the typing paused"
    );
    assert!(calls.contains(&"00ualice".to_string()), "{calls:?}");
}

#[tokio::test]
async fn unlock_reaches_the_idp_only_after_the_gate_passes() {
    let harness = Harness::start();
    harness.alice_locked_out().await;
    harness.press(KeyCode::Char('o'));
    harness.wait_for("Alice's Pixel").await;

    harness.press(KeyCode::Char('u'));
    harness.wait_for("Still missing:").await;
    // Straight to Confirm and Enter: refused, nothing sent.
    for _ in 0..3 {
        harness.press(KeyCode::Tab);
    }
    harness.press(KeyCode::Enter);
    // The checklist and a ticket, back on Confirm: still no possession evidence.
    harness.press(KeyCode::Tab);
    harness.tick_checklist_and_enter_ticket();
    harness.press(KeyCode::Enter);
    harness.wait_for("[INC0012345]").await;
    harness
        .wait_for("Confirm is blocked — still missing: proof of possession")
        .await;
    let before_push = harness.directory.calls();
    assert!(
        !before_push
            .iter()
            .any(|c| c.starts_with("perform") || c.starts_with("send_push")),
        "{before_push:?}"
    );

    harness.press(KeyCode::Char('p'));
    harness.wait_for("Push: APPROVED").await;
    harness.wait_for("Nothing missing: the gate passes").await;
    assert!(
        !harness
            .directory
            .calls()
            .iter()
            .any(|c| c.starts_with("perform")),
        "approved is not confirmed"
    );

    harness.press(KeyCode::Enter);
    harness
        .wait_for("alice@acme.example: done, status now ACTIVE")
        .await;
    harness.wait_for("(audit #").await;
    // The record is written before the outcome is shown.
    let audit_path = accessdesk::audit::AuditLog::default_path(harness.data_dir.path());
    let records = accessdesk::audit::AuditLog::open(&audit_path)
        .unwrap()
        .list(None)
        .unwrap();
    let audit = serde_json::to_string(&records).unwrap();
    // The push as it ended, then the action it allowed.
    let actions: Vec<&str> = records.iter().map(|r| r.entry.action.as_str()).collect();
    assert_eq!(actions, ["verify_caller", "unlock"], "{audit}");
    assert_eq!(records[1].entry.ticket.as_deref(), Some("INC0012345"));
    assert_eq!(records[0].entry.note.as_deref(), Some("for unlock"));
    assert!(audit.contains("agent.smith"), "{audit}");
    // Both name the org the dashboard acted on.
    assert!(
        records
            .iter()
            .all(|r| r.entry.org.as_deref() == Some(FAKE_ORG)),
        "{audit}"
    );
    // The audit screen shows both, and that the chain holds.
    harness.press(KeyCode::Char('a'));
    harness.wait_for("2 records · chain intact ✓").await;
    harness.wait_for("verify_caller").await;
    harness.press(KeyCode::Enter);
    harness.wait_for("reqPERFORM").await;
    harness.press(KeyCode::Esc);
    harness.wait_for("v verify").await;
    harness.press(KeyCode::Char('q'));
    let directory = harness.finished().await;
    let calls = directory.calls();
    let performs: Vec<&String> = calls.iter().filter(|c| c.starts_with("perform")).collect();
    assert_eq!(performs, ["perform unlock 00ualice"]);
    let push = calls.iter().position(|c| c == "send_push 00ualice opf1");
    let poll = calls.iter().position(|c| c == "poll_push 00ualice");
    let perform = calls.iter().position(|c| c.starts_with("perform"));
    assert!(push < poll && poll < perform, "{calls:?}");
}

#[tokio::test]
async fn a_code_read_out_by_the_caller_verifies_them_and_is_audited_without_the_code() {
    let harness = Harness::start();
    harness.alice_locked_out().await;
    // From the feed: v opens Alice and the caller check once her profile is in.
    harness.press(KeyCode::Char('v'));
    harness
        .wait_for("Verify the caller is alice@acme.example")
        .await;
    harness.press(KeyCode::Char('c'));
    harness
        .wait_for("read out the code sent to SMS •••-0199")
        .await;
    // A wrong code first, then the right one.
    for c in "111111".chars() {
        harness.press(KeyCode::Char(c));
    }
    harness.press(KeyCode::Enter);
    harness.wait_for("WRONG or expired").await;
    harness.press(KeyCode::Char('c'));
    harness
        .wait_for("Ask the caller to read out the code sent to SMS •••-0199")
        .await;
    harness.wait_for("[▏]").await;
    for c in SMS_CODE.chars() {
        harness.press(KeyCode::Char(c));
    }
    harness.wait_for("[••••••▏]").await;
    harness.press(KeyCode::Enter);
    harness
        .wait_for("Possession proven now: one-time code from the user's factor")
        .await;
    assert!(!harness.text().contains(SMS_CODE));
    harness.press(KeyCode::Enter);
    harness.wait_for("v verify").await;

    // The audit log is written before the screen shows the result.
    let audit_path = accessdesk::audit::AuditLog::default_path(harness.data_dir.path());
    let records = accessdesk::audit::AuditLog::open(&audit_path)
        .unwrap()
        .list(None)
        .unwrap();
    let results: Vec<(&str, &str, &str)> = records
        .iter()
        .map(|r| {
            (
                r.entry.action.as_str(),
                r.entry.evidence[0].kind.as_str(),
                r.entry.evidence[0].result.as_str(),
            )
        })
        .collect();
    assert_eq!(
        results,
        [
            ("verify_caller", "otp", "FAILED"),
            ("verify_caller", "otp", "SUCCESS")
        ]
    );
    // Neither code is anywhere in the database file.
    let bytes = std::fs::read(&audit_path).unwrap();
    let raw = String::from_utf8_lossy(&bytes);
    assert!(!raw.contains(SMS_CODE) && !raw.contains("111111"));
    harness.press(KeyCode::Char('q'));
    let directory = harness.finished().await;
    assert_eq!(
        directory
            .calls()
            .iter()
            .filter(|c| c.starts_with("send_code") || c.starts_with("check_code"))
            .collect::<Vec<_>>(),
        [
            "send_code 00ualice sms1",
            "check_code 00ualice sms1",
            "send_code 00ualice sms1",
            "check_code 00ualice sms1"
        ]
    );
    assert!(!directory.calls().iter().any(|c| c.starts_with("perform")));
}

#[tokio::test]
async fn an_audit_log_that_cannot_be_written_is_said_and_stops_the_action() {
    // The data directory is a file: no audit log can be opened there.
    let harness = Harness::start_with_audit_at(|dir| {
        let file = dir.join("not-a-directory");
        std::fs::write(&file, b"").unwrap();
        file
    });
    harness.alice_locked_out().await;
    harness.press(KeyCode::Char('u'));
    harness.wait_for("Still missing:").await;
    harness.press(KeyCode::Char('p'));
    harness
        .wait_for("The check of the caller was NOT written to the audit log")
        .await;
    harness.tick_checklist_and_enter_ticket();
    harness.wait_for("Nothing missing").await;
    harness.press(KeyCode::Enter);
    harness
        .wait_for("the audit log cannot be opened, nothing was done")
        .await;
    harness.press(KeyCode::Char('q'));
    let directory = harness.finished().await;
    assert!(
        !directory.calls().iter().any(|c| c.starts_with("perform")),
        "no record, no action"
    );
}

/// The unlock the way the footer says, from a selected lockout: `u`, the checklist, Enter to
/// the ticket, the ticket, Alt-p from the ticket field, Enter to Confirm, Enter.
#[tokio::test]
async fn unlock_the_way_the_footer_says_with_the_push_from_the_ticket_field() {
    let harness = Harness::start();
    harness.alice_locked_out().await;
    harness.press(KeyCode::Char('u'));
    harness.wait_for("Enter next  1-9 tick  p push").await;
    for n in ['1', '2', '3', '4'] {
        harness.press(KeyCode::Char(n));
    }
    harness.press(KeyCode::Enter);
    harness.wait_for("Alt-p push").await;
    for c in "INC0012345".chars() {
        harness.press(KeyCode::Char(c));
    }
    harness.alt('p');
    harness
        .wait_for("Push: APPROVED ✓ on the USER's device")
        .await;
    harness.wait_for("[INC0012345▏]").await;
    harness.press(KeyCode::Enter);
    harness.wait_for("[ Confirm: Enter ]").await;
    harness.press(KeyCode::Enter);
    harness
        .wait_for("alice@acme.example: done, status now ACTIVE")
        .await;
    harness.press(KeyCode::Char('q'));
    let directory = harness.finished().await;
    assert!(
        directory
            .calls()
            .contains(&"perform unlock 00ualice".to_string())
    );
}

#[tokio::test]
async fn a_rejected_push_is_escalated_audited_and_the_dialog_closes() {
    let harness = Harness::start_with_push_answer(ChallengeResult::Rejected);
    harness.alice_locked_out().await;
    harness.press(KeyCode::Char('u'));
    harness.wait_for("Still missing:").await;
    harness.press(KeyCode::Char('p'));
    harness
        .wait_for("The USER's push (alice@acme.example) was REJECTED")
        .await;
    harness.press(KeyCode::Char('e'));
    harness.wait_for("Escalate to security").await;
    harness.wait_for("Enter record").await;
    harness.press(KeyCode::Enter);
    harness
        .wait_for("Escalation to security recorded for alice@acme.example (audit #2)")
        .await;
    assert!(
        !harness.text().contains("Verify alice@acme.example"),
        "closed"
    );
    let records = harness.audit_records();
    let actions: Vec<(&str, &str)> = records
        .iter()
        .map(|r| (r.entry.action.as_str(), r.entry.outcome.as_str()))
        .collect();
    assert_eq!(
        actions,
        [("verify_caller", "refused"), ("escalate", "refused")]
    );
    let escalation = &records[1].entry;
    assert!(
        escalation
            .error
            .as_deref()
            .unwrap()
            .starts_with("the USER's push (alice@acme.example) was REJECTED"),
        "{escalation:?}"
    );
    assert_eq!(escalation.evidence[0].result, "REJECTED");
    assert_eq!(escalation.agent, "agent.smith");
    // The help-desk channel hears of it through the outbox, keyed to the audit record.
    let outbox_path = accessdesk::outbox::Outbox::default_path(harness.data_dir.path());
    let key = accessdesk::notify::IdempotencyKey::new(
        "desk",
        accessdesk::notify::NoticeKind::Alert,
        "escalation",
        "2",
    );
    let mut alert = None;
    for _ in 0..100 {
        if outbox_path.exists() {
            alert = accessdesk::outbox::Outbox::open(&outbox_path)
                .unwrap()
                .get(&key)
                .unwrap();
        }
        if alert.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let alert = alert.expect("an escalation alert in the outbox").notice;
    assert!(alert.subject.contains("alice@acme.example"), "{alert:?}");
    assert!(
        alert
            .facts
            .iter()
            .any(|(label, value)| label == "Why" && value.contains("REJECTED")),
        "{alert:?}"
    );
    harness.press(KeyCode::Char('q'));
    let directory = harness.finished().await;
    assert!(!directory.calls().iter().any(|c| c.starts_with("perform")));
}

#[tokio::test]
async fn q_while_a_push_waits_asks_first_and_yes_withdraws_the_push() {
    let harness = Harness::start_with_push_answer(ChallengeResult::Waiting);
    harness.alice_locked_out().await;
    harness.press(KeyCode::Char('u'));
    harness.wait_for("Still missing:").await;
    harness.press(KeyCode::Char('p'));
    harness
        .wait_for("Push: waiting for the user's device")
        .await;
    harness.press(KeyCode::Char('q'));
    harness.wait_for("quit anyway?").await;
    harness.press(KeyCode::Char('n'));
    harness.wait_for("Enter next  1-9 tick").await;
    assert!(!harness.text().contains("quit anyway?"));
    assert!(!harness.task.is_finished(), "n stays");
    harness.press(KeyCode::Char('q'));
    harness.wait_for("y quit").await;
    harness.press(KeyCode::Char('y'));
    let directory = harness.finished().await;
    assert!(
        directory
            .calls()
            .contains(&"cancel_push 00ualice".to_string()),
        "y withdrew the push before quitting: {:?}",
        directory.calls()
    );
}
