//! The dashboard loop: terminal keys, poller reports, effect results and a 1 Hz tick become
//! [`Msg`]s for [`App::update`]; the screen is redrawn only when something changed, at most
//! about 30 times a second.

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use crossterm::event::{Event, EventStream, KeyEventKind};
use futures::{Stream, StreamExt};
use std::io;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::{self, Instant, MissedTickBehavior};

use super::app::{App, Effect};
use super::debounce::{Debounce, SEARCH_DEBOUNCE};
use super::msg::Msg;
use super::options::DashboardOptions;
use super::search::MAX_MATCHES;
use super::terminal::{TerminalGuard, Tui};
use super::view;
use crate::idp::Directory;
use crate::services::FeedEvent;
use crate::services::user_profile;

/// The clock that refreshes relative times and burst windows.
const TICK: Duration = Duration::from_secs(1);
/// The shortest time between two frames (about 30 fps).
const FRAME: Duration = Duration::from_millis(33);
/// In debug builds, makes the dashboard panic after its first frame (see `run`).
pub const FORCED_PANIC_ENV: &str = "ACCESSDESK_DEBUG_PANIC";

/// Run the dashboard on this terminal until the agent quits (q or Ctrl-C). The terminal is
/// restored however this returns, and on panic.
pub async fn run<D: Directory>(
    directory: Arc<D>,
    feed: mpsc::Receiver<FeedEvent>,
    options: DashboardOptions,
) -> anyhow::Result<()> {
    let mut guard = TerminalGuard::enter().context("cannot set up the terminal")?;
    let terminal: &mut Tui = guard.terminal();
    let size = terminal.size().context("cannot read the terminal size")?;
    // Debug builds only: a forced panic after the first frame, so the end-to-end tests can
    // prove the panic hook restores the terminal.
    let forced_panic = cfg!(debug_assertions) && std::env::var_os(FORCED_PANIC_ENV).is_some();
    let draw = |app: &App| -> anyhow::Result<()> {
        terminal
            .draw(|frame| view::draw(frame, app))
            .context("cannot draw on the terminal")?;
        if forced_panic {
            panic!("{FORCED_PANIC_ENV} is set: forced panic after the first frame");
        }
        Ok(())
    };
    let result = event_loop(
        directory,
        feed,
        options,
        EventStream::new(),
        draw,
        (size.width, size.height),
        Utc::now,
    )
    .await;
    drop(guard);
    result
}

/// The loop behind [`run`], with its surroundings passed in so it can be driven without a
/// terminal: `events` are the terminal's events, `draw` puts a frame on screen, `size` is the
/// initial terminal size and `clock` is read once per tick.
pub async fn event_loop<D, E, F, C>(
    directory: Arc<D>,
    mut feed: mpsc::Receiver<FeedEvent>,
    options: DashboardOptions,
    mut events: E,
    mut draw: F,
    (width, height): (u16, u16),
    clock: C,
) -> anyhow::Result<()>
where
    D: Directory,
    E: Stream<Item = io::Result<Event>> + Unpin,
    F: FnMut(&App) -> anyhow::Result<()>,
    C: Fn() -> DateTime<Utc>,
{
    let mut app = App::new(options, clock());
    app.update(Msg::Resize { width, height });

    let (results_tx, mut results) = mpsc::channel::<Msg>(64);
    let mut tick = time::interval(TICK);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut feed_open = true;
    let mut next_frame = Instant::now();
    // Directory searches wait for a pause in the typing.
    let mut searches: Debounce<(String, u64)> = Debounce::new(SEARCH_DEBOUNCE);

    loop {
        if app.is_dirty() && Instant::now() >= next_frame {
            app.take_dirty();
            draw(&app)?;
            next_frame = Instant::now() + FRAME;
        }

        let search_due = searches.deadline();
        let msg = tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) if key.kind == KeyEventKind::Press => Msg::Key(key),
                Some(Ok(Event::Resize(width, height))) => Msg::Resize { width, height },
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(e).context("cannot read keys from the terminal"),
                // The terminal went away: nothing more to show.
                None => return Ok(()),
            },
            report = feed.recv(), if feed_open => match report {
                Some(report) => Msg::Feed(report),
                None => {
                    feed_open = false;
                    Msg::FeedClosed
                }
            },
            Some(msg) = results.recv() => msg,
            _ = tick.tick() => Msg::Tick(clock()),
            () = time::sleep_until(next_frame), if app.is_dirty() => continue,
            () = time::sleep_until(search_due.unwrap_or_else(Instant::now)), if search_due.is_some() => {
                if let Some((query, seq)) = searches.take_due(Instant::now()) {
                    search_users(Arc::clone(&directory), query, seq, results_tx.clone());
                }
                continue;
            }
        };

        for effect in app.update(msg) {
            match effect {
                Effect::Quit => return Ok(()),
                Effect::LoadUser(user_id) => {
                    load_user(Arc::clone(&directory), user_id, results_tx.clone());
                }
                Effect::LoadProfile(key) => {
                    load_profile(Arc::clone(&directory), key, results_tx.clone());
                }
                Effect::SearchUsers { query, seq } => searches.push((query, seq), Instant::now()),
            }
        }
    }
}

/// Fetch a user in the background and report back as [`Msg::UserLoaded`].
fn load_user<D: Directory>(directory: Arc<D>, user_id: String, results: mpsc::Sender<Msg>) {
    tokio::spawn(async move {
        let result = directory
            .get_user(&user_id)
            .await
            .map_err(|e| format!("{e} — {}", e.hint()));
        // The dashboard may have quit meanwhile; then nobody needs the answer.
        let _ = results.send(Msg::UserLoaded { user_id, result }).await;
    });
}

/// Fetch a user's whole profile in the background and report back as [`Msg::ProfileLoaded`].
fn load_profile<D: Directory>(directory: Arc<D>, key: String, results: mpsc::Sender<Msg>) {
    tokio::spawn(async move {
        let result = user_profile::load(directory.as_ref(), &key)
            .await
            .map(Box::new)
            .map_err(|e| format!("{e} — {}", e.hint()));
        let _ = results.send(Msg::ProfileLoaded { key, result }).await;
    });
}

/// Search the directory in the background and report back as [`Msg::SearchResults`].
fn search_users<D: Directory>(
    directory: Arc<D>,
    query: String,
    seq: u64,
    results: mpsc::Sender<Msg>,
) {
    tokio::spawn(async move {
        let result = directory
            .search_users(&query, MAX_MATCHES)
            .await
            .map_err(|e| format!("{e} — {}", e.hint()));
        let _ = results.send(Msg::SearchResults { seq, result }).await;
    });
}
