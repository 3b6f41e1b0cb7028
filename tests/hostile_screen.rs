//! Hostile IdP text on every pane, drawn the way a real terminal receives it: the frames go
//! through ratatui's crossterm backend into bytes, and the bytes into a `vt100` terminal. The
//! screen must show the escapes as text (`\u{1b}]0;…`), and the terminal must be left as it
//! was: no title, no clipboard write, no hyperlink, no alternate screen or charset, no mode,
//! colour or cursor change, no bell.

use accessdesk::audit::{AuditEntry, AuditLog, Outcome};
use accessdesk::model::{
    ActivityEvent, ActivityKind, Factor, FactorKind, Lockout, LockoutKind, User, UserStatus,
};
use accessdesk::services::user_profile::UserProfile;
use accessdesk::services::{FeedEvent, PollHealth};
use accessdesk::tui::audit_view::AuditSnapshot;
use accessdesk::tui::inert::is_hostile;
use accessdesk::tui::{App, DashboardOptions, Effect, Msg, view};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend, TestBackend};
use ratatui::buffer::Buffer;
use std::time::Duration;

const WIDTH: u16 = 200;
const HEIGHT: u16 = 50;

/// Window title, OSC 8 hyperlink, OSC 52 clipboard write, colours, alternate screen and DEC
/// line drawing, cursor hiding, C1 CSI, DEL, bidi override and isolates, a terminal query.
const NAME: &str = "Eve \u{1b}]0;PWNED\u{7}\u{1b}[31mRed";
const LOGIN: &str = "eve\u{202e}lmth.exe@acme.example";
const TITLE: &str = "\u{1b}]8;;https://evil.example/\u{1b}\\click\u{1b}]8;;\u{1b}\\";
const DEPARTMENT: &str = "\u{1b}]52;c;cm0gLXJmIH4=\u{7}Ops";
const CITY: &str = "\u{1b}[?1049h\u{1b}(0Lyon";
const AGENT: &str = "curl\u{1b}[2J\u{1b}[H\u{1b}[?25l";
const REASON: &str = "\u{9b}7mC1 reason\u{7f}";
const MANAGER: &str = "\u{2066}Mallory\u{2069} \u{200f}\u{061c}";
const DEVICE: &str = "\u{1b}[5mPhone\u{1b}[6n";
const MESSAGE: &str = "\u{1b}P+q544e\u{1b}\\ event \u{202a}x\u{202c}";
const LONG: usize = 5_000;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 14, 30, 0).unwrap()
}

fn lockout(n: u32) -> Lockout {
    let published = now() - TimeDelta::seconds(30 + i64::from(n));
    Lockout {
        uuid: format!("uuid-{n}"),
        published,
        detected_at: published + TimeDelta::seconds(1),
        kind: LockoutKind::AccountLocked,
        event_type: "user.account.lock\u{1b}[1m".into(),
        reason: REASON.into(),
        user_id: Some("00ueve".into()),
        login: LOGIN.into(),
        display_name: Some(NAME.into()),
        ip: Some("203.0.113.9".into()),
        city: Some(CITY.into()),
        state: Some("\u{1b}]2;state\u{7}".into()),
        country: Some("X".repeat(LONG)),
        browser: Some(AGENT.into()),
        os: Some("\u{1b}[?1000h".into()),
        raw_user_agent: Some(AGENT.into()),
        request_id: Some("req\u{1b}[0m".into()),
    }
}

fn user() -> User {
    User {
        id: "00ueve".into(),
        status: UserStatus::LockedOut,
        login: LOGIN.into(),
        email: Some(LOGIN.into()),
        second_email: None,
        first_name: Some(NAME.into()),
        last_name: Some("N".repeat(LONG)),
        display_name: Some(NAME.into()),
        department: Some(DEPARTMENT.into()),
        title: Some(TITLE.into()),
        user_type: Some("\u{1b}[7memployee".into()),
        manager: Some(MANAGER.into()),
        manager_id: Some("00umal".into()),
        contract_end_date: None,
        created: Some(now() - TimeDelta::days(900)),
        status_changed: Some(now() - TimeDelta::minutes(2)),
        last_login: Some(now() - TimeDelta::hours(26)),
        password_changed: Some(now() - TimeDelta::days(51)),
    }
}

fn profile() -> UserProfile {
    let factor = |id: &str, kind| Factor {
        id: id.into(),
        kind,
        factor_type: "push\u{1b}[1m".into(),
        provider: "OKTA\u{1b}]0;t\u{7}".into(),
        status: "ACTIVE\u{202e}".into(),
        device_name: Some(DEVICE.into()),
        contact: Some("\u{1b}[8m+1 555".into()),
        created: Some(now() - TimeDelta::days(60)),
        last_updated: None,
    };
    UserProfile {
        user: user(),
        factors: vec![
            factor("push1", FactorKind::Push),
            factor("sms1", FactorKind::Sms),
        ],
        password_policy: Some("Policy \u{1b}]0;p\u{7}".into()),
        password_expires_at: Some(now() + TimeDelta::days(8)),
        password_warn_from: Some(now() - TimeDelta::days(6)),
        activity: vec![ActivityEvent {
            uuid: "ev1".into(),
            published: now() - TimeDelta::minutes(3),
            kind: ActivityKind::Lockout,
            event_type: "user.account.lock".into(),
            message: MESSAGE.into(),
            result: Some("FAILURE\u{1b}[31m".into()),
            reason: Some(REASON.into()),
            actor: Some(NAME.into()),
            ip: Some("\u{1b}[6n".into()),
            location: Some(CITY.into()),
        }],
        unreadable: vec!["1 factor could not be read".into()],
    }
}

fn health(error: Option<&str>) -> PollHealth {
    let mut health = PollHealth::new(Duration::from_secs(30));
    health.last_attempt = Some(now());
    health.last_success = Some(now() - TimeDelta::seconds(3));
    if let Some(error) = error {
        health.consecutive_errors = 2;
        health.last_error = Some(error.into());
    }
    health
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

/// A feed of hostile lockouts, a spraying burst from one IP among them, and an IdP error
/// quoting hostile text.
fn app() -> App {
    let options = DashboardOptions {
        org_label: "acme.okta.com".into(),
        agent_name: "agent.smith".into(),
        ..DashboardOptions::default()
    };
    let mut app = App::new(options, now() - TimeDelta::minutes(5));
    app.update(Msg::Resize {
        width: WIDTH,
        height: HEIGHT,
    });
    app.update(Msg::Tick(now()));
    app.update(Msg::Feed(FeedEvent::Lockouts {
        lockouts: (0..8)
            .map(|n| {
                let mut l = lockout(n);
                l.user_id = Some(format!("00ueve{n}"));
                l.login = format!("{LOGIN}{n}");
                l
            })
            .collect(),
        health: health(None),
    }));
    app.update(Msg::Feed(FeedEvent::Failed {
        health: health(Some("Bad \u{1b}]0;error title\u{7} (E0000011, HTTP 401)")),
    }));
    app
}

/// What the terminal was asked to do besides drawing text.
#[derive(Default, Debug)]
struct Recorder {
    events: Vec<String>,
}

impl vt100::Callbacks for Recorder {
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.events.push("bell".into());
    }
    fn visual_bell(&mut self, _: &mut vt100::Screen) {
        self.events.push("visual bell".into());
    }
    fn resize(&mut self, _: &mut vt100::Screen, request: (u16, u16)) {
        self.events.push(format!("resize {request:?}"));
    }
    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, name: &[u8]) {
        self.events.push(format!("icon {name:?}"));
    }
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.events.push(format!("title {title:?}"));
    }
    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, _: &[u8], data: &[u8]) {
        self.events.push(format!("clipboard {data:?}"));
    }
    fn paste_from_clipboard(&mut self, _: &mut vt100::Screen, _: &[u8]) {
        self.events.push("paste".into());
    }
    fn unhandled_char(&mut self, _: &mut vt100::Screen, c: char) {
        self.events.push(format!("char {c:?}"));
    }
    fn unhandled_control(&mut self, _: &mut vt100::Screen, b: u8) {
        self.events.push(format!("control {b}"));
    }
    fn unhandled_escape(&mut self, _: &mut vt100::Screen, _: Option<u8>, _: Option<u8>, b: u8) {
        self.events.push(format!("escape {b}"));
    }
    fn unhandled_csi(
        &mut self,
        _: &mut vt100::Screen,
        _: Option<u8>,
        _: Option<u8>,
        params: &[&[u16]],
        c: char,
    ) {
        self.events.push(format!("csi {params:?} {c}"));
    }
    fn unhandled_osc(&mut self, _: &mut vt100::Screen, params: &[&[u8]]) {
        self.events.push(format!("osc {params:?}"));
    }
}

/// The frame as the bytes crossterm writes for it.
fn bytes(buffer: &Buffer) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut backend = CrosstermBackend::new(&mut out);
        let area = buffer.area;
        let cells: Vec<(u16, u16, &ratatui::buffer::Cell)> = (area.top()..area.bottom())
            .flat_map(|y| (area.left()..area.right()).map(move |x| (x, y)))
            .map(|(x, y)| (x, y, &buffer[(x, y)]))
            .collect();
        backend.draw(cells.into_iter()).unwrap();
        Backend::flush(&mut backend).unwrap();
    }
    out
}

struct Shown {
    screen: String,
    events: Vec<String>,
}

/// Draw `app`, send the frame through a vt100 terminal and check the terminal is untouched.
fn show(app: &App, what: &str) -> Shown {
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
    terminal.draw(|frame| view::draw(frame, app)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    for cell in &buffer.content {
        assert!(
            !cell.symbol().chars().any(is_hostile),
            "{what}: a hostile character reached a cell: {:?}",
            cell.symbol()
        );
    }
    let bytes = bytes(&buffer);
    // Only what crossterm itself writes: cursor moves and SGR colours, never OSC/DCS/BEL.
    for bad in [&b"\x1b]"[..], b"\x1bP", b"\x07", b"\x1b(", b"\x1b[?"] {
        assert!(
            !bytes.windows(bad.len()).any(|w| w == bad),
            "{what}: {bad:?} in the bytes"
        );
    }
    let mut parser = vt100::Parser::new_with_callbacks(
        HEIGHT.try_into().unwrap(),
        WIDTH.try_into().unwrap(),
        0,
        Recorder::default(),
    );
    let before = parser.screen().clone();
    parser.process(&bytes);
    // Reset the pen as the run loop's next frame would, then compare the modes.
    parser.process(b"\x1b[0m");
    let screen = parser.screen();
    // The title, icon name and clipboard go to the recorder: checked below.
    assert!(!screen.alternate_screen(), "{what}: alternate screen");
    assert!(!screen.hide_cursor(), "{what}: cursor hidden");
    assert!(!screen.application_keypad(), "{what}");
    assert!(!screen.application_cursor(), "{what}");
    assert!(!screen.bracketed_paste(), "{what}");
    assert_eq!(
        screen.mouse_protocol_mode(),
        vt100::MouseProtocolMode::None,
        "{what}"
    );
    assert_eq!(screen.input_mode_formatted(), before.input_mode_formatted());
    assert_eq!(screen.attributes_formatted(), before.attributes_formatted());
    assert!(!screen.inverse() && !screen.bold(), "{what}");
    // SGR 59 (default underline colour) is crossterm's own reset, which vt100 does not model.
    let events: Vec<String> = parser
        .callbacks()
        .events
        .iter()
        .filter(|e| *e != "csi [[59]] m")
        .cloned()
        .collect();
    assert!(
        events.is_empty(),
        "{what}: the terminal was asked {events:?}"
    );
    Shown {
        screen: parser.screen().contents(),
        events,
    }
}

fn assert_shows(shown: &Shown, what: &str, needles: &[&str]) {
    for needle in needles {
        assert!(
            shown.screen.contains(needle),
            "{what}: {needle:?} not on screen:\n{}",
            shown.screen
        );
    }
    assert!(shown.events.is_empty());
}

#[test]
fn feed_and_detail_show_hostile_text_inert() {
    let mut app = app();
    let shown = show(&app, "feed");
    assert_shows(
        &shown,
        "feed",
        &[
            "eve\\u{202e}…@acme.example0",
            "\\u{9b}7mC1",
            "\\u{1b}[?1049h\\u{1b}(0Lyon",
            "\\u{1b}]0;error title\\u{7}",
        ],
    );
    press(&mut app, KeyCode::Enter);
    app.update(Msg::UserLoaded {
        user_id: "00ueve0".into(),
        result: Ok(user()),
    });
    let shown = show(&app, "detail");
    assert_shows(
        &shown,
        "detail",
        &[
            "\\u{1b}]0;PWNED\\u{7}\\u{1b}[31mRed",
            "\\u{1b}]8;;https://evil",
            "\\u{1b}]52;c;cm0gLXJmIH4=\\u{7}Ops",
            "\\u{2066}Mallory\\u{2069}",
            "curl\\u{1b}[2J",
            "\\u{1b}]2;state\\u{7}",
        ],
    );
    press(&mut app, KeyCode::Char('b'));
    show(&app, "burst list");
}

#[test]
fn user_screen_dialog_and_search_show_hostile_text_inert() {
    let mut app = app();
    let effects = press(&mut app, KeyCode::Char('o'));
    assert!(
        effects.contains(&Effect::LoadProfile("00ueve0".into())),
        "{effects:?}"
    );
    app.update(Msg::ProfileLoaded {
        key: "00ueve0".into(),
        result: Ok(Box::new(profile())),
    });
    let shown = show(&app, "user screen");
    assert_shows(
        &shown,
        "user screen",
        &[
            "\\u{1b}]8;;https://evil",
            "\\u{1b}]52;c;",
            "\\u{1b}[5mPhone\\u{1b}[6n",
            "\\u{1b}P+q544e\\u{1b}\\ event \\u{202a}x\\u{202c}",
            "Policy \\u{1b}]0;p\\u{7}",
            "ACTIVE\\u{2",
            "Not read   ⚠ 1 factor could not be read",
        ],
    );

    press(&mut app, KeyCode::Char('v'));
    assert!(app.dialog().is_some(), "the dialog is open");
    let shown = show(&app, "verify dialog");
    assert_shows(&shown, "verify dialog", &["Verify eve\\u{202e}lmth"]);
    press(&mut app, KeyCode::Esc);

    // Find another user: the directory answers with hostile users.
    press(&mut app, KeyCode::Char('/'));
    let mut seq = None;
    for c in "eve".chars() {
        for effect in press(&mut app, KeyCode::Char(c)) {
            if let Effect::SearchUsers { seq: s, .. } = effect {
                seq = Some(s);
            }
        }
    }
    if let Some(seq) = seq {
        app.update(Msg::SearchResults {
            seq,
            result: Ok(vec![user()]),
        });
    }
    let shown = show(&app, "directory");
    assert_shows(&shown, "directory", &["eve\\u{202e}lmth.exe@acme.example"]);
}

#[test]
fn audit_screen_shows_hostile_records_inert() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = AuditLog::open(&AuditLog::default_path(dir.path())).unwrap();
    let mut entry = AuditEntry::new(now(), "agent\u{1b}[31m", "unlock", Outcome::Failed);
    entry.target_login = Some(LOGIN.into());
    entry.ticket = Some("INC\u{1b}]0;t\u{7}1".into());
    entry.error = Some(NAME.into());
    entry.note = Some(TITLE.into());
    log.append(&entry).unwrap();
    let (records, total) = log.recent(10).unwrap();
    let mut app = app();
    assert_eq!(
        press(&mut app, KeyCode::Char('a')),
        [Effect::LoadAudit { full: false }]
    );
    app.update(Msg::AuditLoaded(Ok(AuditSnapshot {
        place: dir.path().join("audit.sqlite3").display().to_string(),
        records,
        total,
        chain: Ok(()),
        checked_before: None,
    })));
    let shown = show(&app, "audit");
    assert_shows(
        &shown,
        "audit",
        &["eve\\u{202e}lmth", "agent\\u{1b}[", "INC\\u{1b}]0"],
    );
    press(&mut app, KeyCode::Enter);
    let shown = show(&app, "audit record");
    assert_shows(&shown, "audit record", &["\\u{1b}]0;PWNED"]);
}
