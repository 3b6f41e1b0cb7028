//! End to end: the real binary in a pseudo-terminal, driven by keys, read through vt100.

use portable_pty::{CommandBuilder, NativePtySystem, PtySize, PtySystem};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ROWS: u16 = 40;
const COLS: u16 = 140;

/// Generous on a loaded 2-core CI machine; each wait returns as soon as its text shows.
fn deadline() -> Duration {
    Duration::from_secs(if std::env::var_os("CI").is_some() {
        90
    } else {
        45
    })
}

struct Session {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    _home: tempfile::TempDir,
}

impl Session {
    fn start(args: &[&str]) -> Session {
        Self::start_with_env(args, &[])
    }

    fn start_with_env(args: &[&str], env: &[(&str, &str)]) -> Session {
        let home = tempfile::tempdir().unwrap();
        let pty = NativePtySystem::default()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_accessdesk"));
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("NO_COLOR", "1");
        // Hermetic: no user config, logs into the temp dir, no real org.
        cmd.env("HOME", home.path());
        cmd.env("XDG_CONFIG_HOME", home.path().join("config"));
        cmd.env("ACCESSDESK_DATA_DIR", home.path().join("data"));
        cmd.env_remove("OKTA_CLIENT_ORGURL");
        cmd.env_remove("OKTA_CLIENT_TOKEN");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            ROWS.try_into().unwrap(),
            COLS.try_into().unwrap(),
            0,
        )));
        // Drain output on a thread, or the child blocks on a full PTY buffer.
        let mut reader = pty.master.try_clone_reader().unwrap();
        let sink = parser.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().process(&buf[..n]);
            }
        });
        let writer = pty.master.take_writer().unwrap();
        // Keep the master alive as long as the session: dropping it hangs up the child.
        std::mem::forget(pty.master);
        Session {
            child,
            writer,
            parser,
            _home: home,
        }
    }

    fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() < deadline(),
                "timed out waiting for {what}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn keys(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                start.elapsed() < deadline(),
                "the program did not exit; screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A lockout row shows a seeded user's login.
fn has_lockout_row(screen: &str) -> bool {
    screen
        .lines()
        .any(|l| l.contains("@example.com") && l.contains(" ago"))
}

#[test]
fn demo_shows_lockouts_help_and_exits_cleanly() {
    let mut s = Session::start(&["demo", "--interval", "1", "--lockouts-per-minute", "30"]);
    let screen = s.wait_for("a lockout row", has_lockout_row);
    assert!(
        screen.contains("SIMULATOR"),
        "marked as the simulator:\n{screen}"
    );

    s.keys(b"?");
    let help = s.wait_for("the help overlay", |sc| sc.contains("Close the help"));
    assert!(
        help.contains("Quit") && help.contains("Filter by"),
        "help lists the keymap:\n{help}"
    );
    s.keys(b"\x1b");
    s.wait_for("help to close", |sc| {
        !sc.contains("Close the help") && has_lockout_row(sc)
    });

    s.keys(b"q");
    let status = s.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    let parser = s.parser.lock().unwrap();
    assert!(
        !parser.screen().alternate_screen(),
        "left the alternate screen"
    );
}

#[test]
fn plain_accessdesk_without_an_org_says_how_to_configure_one() {
    let mut s = Session::start(&[]);
    let status = s.wait_exit();
    assert!(!status.success());
    let screen = s.wait_for("the message", |sc| sc.contains("accessdesk demo"));
    assert!(screen.contains("OKTA_CLIENT_ORGURL"), "{screen}");
    assert!(!s.parser.lock().unwrap().screen().alternate_screen());
}

#[test]
fn a_panic_restores_the_terminal_and_reports() {
    // Test builds are debug builds, where this switch panics after the first frame.
    let mut s = Session::start_with_env(
        &["demo"],
        &[("ACCESSDESK_DEBUG_PANIC", "1"), ("RUST_BACKTRACE", "0")],
    );
    let status = s.wait_exit();
    assert!(!status.success(), "a panic is a failure exit");
    let screen = s.wait_for("the panic message", |sc| sc.contains("forced panic"));
    assert!(
        !s.parser.lock().unwrap().screen().alternate_screen(),
        "left the alternate screen:\n{screen}"
    );
}

#[test]
fn an_unreachable_org_is_shown_as_an_error_and_the_dashboard_keeps_running() {
    // A loopback port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let org = format!("http://127.0.0.1:{port}");
    let mut s = Session::start_with_env(
        &["--org-url", &org, "dashboard"],
        &[
            ("OKTA_CLIENT_TOKEN", "pty-secret-token"),
            ("ACCESSDESK_POLL_INTERVAL", "1"),
        ],
    );
    let screen = s.wait_for("the IdP error", |sc| {
        sc.contains("IdP error") && sc.contains("could not connect")
    });
    assert!(
        screen.contains("check the network"),
        "the error says how to fix it:\n{screen}"
    );
    assert!(!screen.contains("pty-secret-token"));
    s.keys(b"q");
    assert!(s.wait_exit().success());
    assert!(!s.parser.lock().unwrap().screen().alternate_screen());
}
