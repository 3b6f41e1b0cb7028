//! The dashboard loop: terminal keys, poller reports, effect results and a 1 Hz tick become
//! [`Msg`]s for [`App::update`]; the screen is redrawn only when something changed, at most
//! about 30 times a second.

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use crossterm::event::{Event, EventStream, KeyEventKind};
use futures::{Stream, StreamExt};
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::{self, Instant, MissedTickBehavior};

use super::app::{App, Effect};
use super::audit_view::{AUDIT_SHOWN, AuditSnapshot};
use super::claim_tasks;
use super::debounce::{Debounce, SEARCH_DEBOUNCE};
use super::msg::{ActionReport, Msg};
use super::notice_board;
use super::options::DashboardOptions;
use super::search::MAX_MATCHES;
use super::terminal::{TerminalGuard, Tui};
use super::ticket_tasks;
use super::verify_dialog::Challenge;
use super::view;
use crate::audit::{AuditLocation, AuditRecord, AuditTrail};
use crate::idp::{Directory, PushChallenge};
use crate::model::{ChallengeResult, OneTimeCode};
use crate::notify::{Instruction, Recipient};
use crate::outbox::OutboxLocation;
use crate::policy::gate::{PossessionEvidence, Verified};
use crate::services::FeedEvent;
use crate::services::action_notices;
use crate::services::action_runner::{self, Agent};
use crate::services::escalation::{Escalation, escalation_alert, record_escalation};
use crate::services::expiry_scanner::ScanEvent;
use crate::services::notice_desk::NoticeDesk;
use crate::services::ticket_notes;
use crate::services::user_profile;
use crate::services::verification::{
    PushWait, await_push, code_evidence, push_evidence, push_factor,
};
use crate::sim::TrainingHandle;
use crate::tickets::AnyTickets;

/// The clock that refreshes relative times and burst windows.
const TICK: Duration = Duration::from_secs(1);
/// The shortest time between two frames (about 30 fps).
const FRAME: Duration = Duration::from_millis(33);
/// How often the open training panel reads the simulated phones (demo only).
const TRAINING_POLL: Duration = Duration::from_millis(500);
/// In debug builds, makes the dashboard panic after its first frame (see `run`).
pub const FORCED_PANIC_ENV: &str = "ACCESSDESK_DEBUG_PANIC";

/// Run the dashboard on this terminal until the agent quits (q or Ctrl-C). The terminal is
/// restored however this returns, and on panic.
pub async fn run<D: Directory>(
    directory: Arc<D>,
    feed: mpsc::Receiver<FeedEvent>,
    scans: mpsc::Receiver<ScanEvent>,
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
        (feed, scans),
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
    (mut feed, mut scans): (mpsc::Receiver<FeedEvent>, mpsc::Receiver<ScanEvent>),
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
    let data_dir = options.data_dir.clone();
    let audit = options.audit_location();
    let training = options.training.clone();
    let tickets = options.tickets.clone();
    let resolve_tickets = options.resolve_tickets;
    let claims = match (&options.claims, &options.team_db) {
        (Some(settings), Some(db)) => Some(claim_tasks::TeamClaims {
            db: db.clone(),
            ttl: settings.ttl,
        }),
        _ => None,
    };
    let lookback = chrono::Duration::from_std(options.lookback).unwrap_or(chrono::Duration::zero());
    // One data directory for the audit log and the outbox (a default-built desk names none).
    let mut desk = options.notices.clone();
    desk.data_dir = options.data_dir.clone();
    // Team mode: notices go to the desk's outbox, through this dashboard's connection.
    let desk = match &options.team_db {
        Some(db) => desk.with_team(db.clone()),
        None => desk,
    };
    let outbox_at = match &options.team_db {
        Some(db) => OutboxLocation::Team(db.clone()),
        None => OutboxLocation::local(&data_dir),
    };
    let agent = Agent {
        name: options.agent_name.clone(),
        org: options.org_url.clone(),
    };
    let mut app = App::new(options, clock());
    // The push in flight, so Esc can withdraw it.
    let mut push: Option<PushTask> = None;
    app.update(Msg::Resize { width, height });

    let (results_tx, mut results) = mpsc::channel::<Msg>(64);
    if let Some(team) = &claims {
        claim_tasks::follow(team, clock() - lookback, results_tx.clone());
    }
    let mut tick = time::interval(TICK);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut feed_open = true;
    let mut scans_open = true;
    let mut next_frame = Instant::now();
    // Directory searches wait for a pause in the typing.
    let mut searches: Debounce<(String, u64)> = Debounce::new(SEARCH_DEBOUNCE);
    let mut training_tick = time::interval(TRAINING_POLL);
    training_tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    // The outbox is read in the background every few seconds, one read at a time; a
    // dashboard without a data directory (some tests) has no outbox to read.
    let mut outbox_tick = time::interval(notice_board::READ_EVERY);
    outbox_tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut outbox_reading = false;
    let reads_outbox =
        matches!(outbox_at, OutboxLocation::Team(_)) || !data_dir.as_os_str().is_empty();

    loop {
        if app.is_dirty() && Instant::now() >= next_frame {
            app.take_dirty();
            draw(&app)?;
            next_frame = Instant::now() + FRAME;
        }

        let search_due = searches.deadline();
        let training_open = training.is_some() && app.training().is_open();
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
            report = scans.recv(), if scans_open => match report {
                Some(report) => Msg::Expiries(report),
                // The scanner stopped (or none runs): the screen keeps what it has.
                None => {
                    scans_open = false;
                    continue;
                }
            },
            Some(msg) = results.recv() => {
                if matches!(msg, Msg::Outbox(_)) {
                    outbox_reading = false;
                }
                restamp(msg, clock())
            }
            _ = outbox_tick.tick(), if reads_outbox && !outbox_reading => {
                outbox_reading = true;
                read_outbox(&outbox_at, app.notice_subjects(), clock(), results_tx.clone());
                continue;
            }
            _ = tick.tick() => Msg::Tick(clock()),
            _ = training_tick.tick(), if training_open => match read_phones(training.as_ref(), &app) {
                Some(msg) => msg,
                None => continue,
            },
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
                Effect::Quit => {
                    // The agent said yes to withdrawing it: do so before the runtime goes.
                    if let Some(push) = push.take() {
                        push.withdraw_now(Arc::clone(&directory)).await;
                    }
                    if let (Some(team), Some(key)) = (&claims, app.claim_held()) {
                        claim_tasks::release(team, key, None).await;
                    }
                    return Ok(());
                }
                Effect::Claim { key, user_id } => {
                    if let Some(team) = &claims {
                        claim_tasks::claim(team, key, user_id, results_tx.clone());
                    }
                }
                Effect::ReleaseClaim { key, outcome } => {
                    if let Some(team) = claims.clone() {
                        tokio::spawn(async move {
                            claim_tasks::release(&team, &key, outcome.as_deref()).await;
                        });
                    }
                }
                Effect::LoadOpenTickets { user_id, email } => {
                    if let Some(t) = &tickets {
                        ticket_tasks::load_open_tickets(
                            Arc::clone(t),
                            user_id,
                            email,
                            results_tx.clone(),
                        );
                    }
                }
                Effect::LookupTicket { user_id, number } => {
                    if let Some(t) = &tickets {
                        ticket_tasks::lookup_ticket(
                            Arc::clone(t),
                            user_id,
                            number,
                            results_tx.clone(),
                        );
                    }
                }
                Effect::CreateTicket { user_id, new } => {
                    if let Some(t) = &tickets {
                        ticket_tasks::create_ticket(
                            Arc::clone(t),
                            user_id,
                            new,
                            results_tx.clone(),
                        );
                    }
                }
                Effect::LoadUser(user_id) => {
                    load_user(Arc::clone(&directory), user_id, results_tx.clone());
                }
                Effect::LoadProfile(key) => {
                    load_profile(Arc::clone(&directory), key, results_tx.clone());
                }
                Effect::SearchUsers { query, seq } => searches.push((query, seq), Instant::now()),
                Effect::Challenge(Challenge::SendPush {
                    user_id,
                    approver_id,
                    factor_id,
                }) => {
                    if let Some(old) = push.take() {
                        old.cancel(Arc::clone(&directory));
                    }
                    push = Some(send_push(
                        Arc::clone(&directory),
                        (user_id, approver_id, factor_id),
                        results_tx.clone(),
                    ));
                }
                Effect::Challenge(Challenge::CancelPush) => {
                    if let Some(old) = push.take() {
                        old.cancel(Arc::clone(&directory));
                    }
                }
                Effect::Challenge(Challenge::SendCode { user_id, factor_id }) => {
                    send_code(
                        Arc::clone(&directory),
                        user_id,
                        factor_id,
                        results_tx.clone(),
                    );
                }
                Effect::Challenge(Challenge::CheckCode {
                    user_id,
                    login,
                    factor_id,
                    code,
                }) => check_code(
                    Arc::clone(&directory),
                    (user_id, login, factor_id),
                    code,
                    results_tx.clone(),
                ),
                Effect::RecordVerification {
                    target,
                    ticket,
                    evidence,
                    note,
                } => audit_now(&audit, &results_tx, "The check of the caller", |log| {
                    action_runner::record_verification(
                        log,
                        &agent,
                        &target,
                        ticket.as_deref(),
                        &evidence,
                        note.as_deref(),
                    )
                }),
                Effect::LoadAudit { full } => load_audit(audit.clone(), full, results_tx.clone()),
                Effect::RunAction(verified) => run_action(
                    Arc::clone(&directory),
                    ActionContext {
                        audit: audit.clone(),
                        desk: desk.clone(),
                        tickets: tickets.clone(),
                        resolve_tickets,
                    },
                    agent.clone(),
                    *verified,
                    results_tx.clone(),
                ),
                Effect::SendInstructions { instruction, to } => {
                    send_instructions(desk.clone(), *instruction, to, results_tx.clone());
                }
                Effect::TrainingHold(held) => {
                    if let Some(training) = &training {
                        training.hold(held);
                    }
                    if let Some(msg) = read_phones(training.as_ref(), &app) {
                        let _ = results_tx.try_send(msg);
                    }
                }
                Effect::AnswerPush {
                    transaction_id,
                    answer,
                } => {
                    if let Some(trainer) = &training {
                        let result = trainer.answer(&transaction_id, answer);
                        let _ = results_tx.try_send(Msg::TrainingAnswered(result));
                    }
                    if let Some(msg) = read_phones(training.as_ref(), &app) {
                        let _ = results_tx.try_send(msg);
                    }
                }
                Effect::RecordRefusal {
                    action,
                    target,
                    attestation,
                    reasons,
                } => {
                    let written = write_audit(&audit, "The refusal", |log| {
                        action_runner::record_refusal(
                            log,
                            &agent,
                            &action,
                            &target,
                            &attestation,
                            &reasons,
                        )
                    });
                    match (written, &tickets) {
                        (Err(e), _) => {
                            let _ = results_tx.try_send(Msg::AuditFailed(format!(
                                "The refusal was NOT written to the audit log: {e}"
                            )));
                        }
                        // The refused attempt's ticket hears of it too.
                        (Ok(record), Some(t)) => {
                            ticket_tasks::note_refusal(
                                Arc::clone(t),
                                outbox_at.clone(),
                                record,
                                results_tx.clone(),
                            );
                        }
                        (Ok(_), None) => {}
                    }
                }
                Effect::RecordEscalation {
                    target,
                    ticket,
                    reason,
                    evidence,
                    note,
                } => {
                    let escalation = Escalation {
                        target: &target,
                        ticket: ticket.as_deref(),
                        reason: &reason,
                        evidence: &evidence,
                        note: note.as_deref(),
                    };
                    let result = write_audit(&audit, "The escalation", |log| {
                        record_escalation(log, &agent, &escalation)
                    })
                    .map(|record| record.seq);
                    if let Ok(seq) = result {
                        alert_escalation(
                            desk.clone(),
                            escalation_alert(&escalation, seq, &agent.name),
                        );
                    }
                    let answer = Msg::EscalationRecorded {
                        user_id: target.user_id.clone(),
                        result,
                    };
                    // The dialog waits for this answer: never drop it, and never wait here
                    // for room in the channel this loop itself drains.
                    let results = results_tx.clone();
                    tokio::spawn(async move {
                        let _ = results.send(answer).await;
                    });
                }
            }
        }
    }
}

/// Demo only: the simulated phones of the training panel's user, read from the in-process
/// simulator (a lock on its state, no network), as [`Msg::Training`].
fn read_phones(training: Option<&TrainingHandle>, app: &App) -> Option<Msg> {
    let training = training?;
    let subject = app.training_subject()?;
    let phones = training.phones(&subject).map_err(|e| e.to_string());
    Some(Msg::Training { subject, phones })
}

/// Fetch a user in the background and report back as [`Msg::UserLoaded`].
fn load_user<D: Directory>(directory: Arc<D>, user_id: String, results: mpsc::Sender<Msg>) {
    tokio::spawn(async move {
        let result = match directory.get_user(&user_id).await {
            Ok(mut user) => {
                let manager = user_profile::manager_name(directory.as_ref(), &user).await;
                user.manager = user.manager.take().or(manager);
                Ok(user)
            }
            Err(e) => Err(directory.explain(&e)),
        };
        // The dashboard may have quit meanwhile; then nobody needs the answer.
        let _ = results.send(Msg::UserLoaded { user_id, result }).await;
    });
}

/// Read the newest audit records and check the chain on a blocking thread (SQLite), from the
/// stored checkpoint so that opening costs the same at any size, or every record when
/// `full`; report back as [`Msg::AuditLoaded`].
fn load_audit(location: AuditLocation, full: bool, results: mpsc::Sender<Msg>) {
    tokio::spawn(async move {
        let read = tokio::task::spawn_blocking(move || {
            let log = location.open()?;
            let report = if full {
                log.verify()?
            } else {
                log.verify_from_checkpoint()?
            };
            let records = log.newest(AUDIT_SHOWN)?;
            let chain = match (&report.first_bad, report.missing_triggers.as_slice()) {
                (Some(breach), _) => Err(breach.to_string()),
                (None, []) => Ok(()),
                (None, missing) => Err(format!(
                    "append-only triggers removed: {}",
                    missing.join(", ")
                )),
            };
            Ok::<_, crate::audit::AuditError>(AuditSnapshot {
                place: log.describe(),
                records,
                // Counted by the walk: a COUNT(*) would read the whole table again.
                total: report.records,
                checked_before: report.checkpoint.map(|c| c.through_seq.unsigned_abs()),
                chain,
            })
        })
        .await;
        let result = match read {
            Ok(Ok(snapshot)) => Ok(snapshot),
            Ok(Err(e)) => Err(e.to_string()),
            Err(e) => Err(format!("the audit reader stopped: {e}")),
        };
        let _ = results.send(Msg::AuditLoaded(result)).await;
    });
}

/// Fetch a user's whole profile in the background and report back as [`Msg::ProfileLoaded`].
fn load_profile<D: Directory>(directory: Arc<D>, key: String, results: mpsc::Sender<Msg>) {
    tokio::spawn(async move {
        let result = user_profile::load(directory.as_ref(), &key)
            .await
            .map(Box::new)
            .map_err(|e| directory.explain(&e));
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
            .map_err(|e| directory.explain(&e));
        let _ = results.send(Msg::SearchResults { seq, result }).await;
    });
}

/// Push times are the dashboard's clock, like every other time `update` sees: the background
/// task's stamps are replaced when its report arrives (at most a poll interval later).
fn restamp(msg: Msg, now: DateTime<Utc>) -> Msg {
    match msg {
        Msg::PushWaiting { correct_answer, .. } => Msg::PushWaiting {
            since: now,
            correct_answer,
        },
        Msg::PushDone {
            result,
            evidence,
            message,
        } => Msg::PushDone {
            result,
            evidence: evidence.map(|e| PossessionEvidence { at: now, ..e }),
            message,
        },
        Msg::CodeChecked {
            result,
            evidence,
            message,
        } => Msg::CodeChecked {
            result,
            evidence: evidence.map(|e| PossessionEvidence { at: now, ..e }),
            message,
        },
        other => other,
    }
}

/// A push being sent or awaited in the background.
struct PushTask {
    task: tokio::task::JoinHandle<()>,
    challenge: Arc<Mutex<Option<PushChallenge>>>,
}

impl PushTask {
    /// Stop waiting and withdraw the push from the device now, giving the IdP a few seconds
    /// (best effort: the dashboard is about to go).
    async fn withdraw_now<D: Directory>(self, directory: Arc<D>) {
        self.task.abort();
        let challenge = self.challenge.lock().ok().and_then(|mut c| c.take());
        if let Some(challenge) = challenge {
            let _ = time::timeout(Duration::from_secs(3), directory.cancel_push(&challenge)).await;
        }
    }

    /// Stop waiting and withdraw the push from the device (best effort).
    fn cancel<D: Directory>(self, directory: Arc<D>) {
        self.task.abort();
        let challenge = self.challenge.lock().ok().and_then(|mut c| c.take());
        if let Some(challenge) = challenge {
            tokio::spawn(async move {
                let _ = directory.cancel_push(&challenge).await;
            });
        }
    }
}

/// Send a push to the approver's Okta Verify and poll it every 2 s until it ends, reporting
/// [`Msg::PushWaiting`] and then [`Msg::PushDone`] with the evidence, or [`Msg::PushNotSent`].
fn send_push<D: Directory>(
    directory: Arc<D>,
    (user_id, approver_id, factor_id): (String, String, Option<String>),
    results: mpsc::Sender<Msg>,
) -> PushTask {
    let slot = Arc::new(Mutex::new(None));
    let challenge_slot = Arc::clone(&slot);
    let task = tokio::spawn(async move {
        let hint = |e: crate::idp::IdpError| NotSent::Failed(directory.explain(&e));
        let outcome = async {
            let user = directory.get_user(&user_id).await.map_err(hint)?;
            let approver = if approver_id == user.id {
                user.clone()
            } else {
                directory.get_user(&approver_id).await.map_err(hint)?
            };
            let factor_id = match factor_id {
                Some(id) => id,
                None => {
                    let factors = directory.list_factors(&approver.id).await.map_err(hint)?;
                    push_factor(&factors).map(|f| f.id.clone()).ok_or_else(|| {
                        NotSent::NoPushFactor {
                            login: approver.login.clone(),
                            manager: approver.id != user.id,
                        }
                    })?
                }
            };
            let challenge = directory
                .send_push(&approver.id, &factor_id)
                .await
                .map_err(hint)?;
            if let Ok(mut c) = challenge_slot.lock() {
                *c = Some(challenge.clone());
            }
            let waiting = Msg::PushWaiting {
                since: Utc::now(),
                correct_answer: challenge.correct_answer,
            };
            let _ = results.send(waiting).await;
            let result = await_push(directory.as_ref(), &challenge, PushWait::default(), |_| {})
                .await
                .map_err(hint)?;
            Ok::<_, NotSent>(push_evidence(
                &user,
                &approver,
                &challenge,
                result,
                Utc::now(),
            ))
        }
        .await;
        let msg = match outcome {
            Ok(evidence) => Msg::PushDone {
                result: evidence.result.clone(),
                evidence: Some(evidence),
                message: None,
            },
            Err(NotSent::Failed(reason)) => Msg::PushNotSent {
                reason,
                no_push_factor: None,
            },
            Err(NotSent::NoPushFactor { login, manager }) => Msg::PushNotSent {
                reason: format!(
                    "{} ({login}) has no active {} push, so they cannot vouch",
                    if manager { "the manager" } else { "the user" },
                    directory.provider().push_app()
                ),
                no_push_factor: Some(login),
            },
        };
        let _ = results.send(msg).await;
    });
    PushTask {
        task,
        challenge: slot,
    }
}

/// Why a push was not sent.
enum NotSent {
    /// The approver has no active Okta Verify push (for the manager, learnt only now).
    NoPushFactor { login: String, manager: bool },
    /// The IdP or the network failed; phrased for a person.
    Failed(String),
}

/// Have the IdP send a one-time code and report back as [`Msg::CodeSent`].
fn send_code<D: Directory>(
    directory: Arc<D>,
    user_id: String,
    factor_id: String,
    results: mpsc::Sender<Msg>,
) {
    tokio::spawn(async move {
        let error = directory
            .send_code(&user_id, &factor_id)
            .await
            .err()
            .map(|e| directory.explain(&e));
        let _ = results.send(Msg::CodeSent { error }).await;
    });
}

/// Check the code the caller read out and report back as [`Msg::CodeChecked`]. The code lives
/// only in this task and the request body.
fn check_code<D: Directory>(
    directory: Arc<D>,
    (user_id, login, factor_id): (String, String, String),
    code: OneTimeCode,
    results: mpsc::Sender<Msg>,
) {
    tokio::spawn(async move {
        let msg = match directory
            .check_code(&user_id, &factor_id, code.secret())
            .await
        {
            Ok(result) => Msg::CodeChecked {
                evidence: Some(code_evidence(
                    &user_id,
                    &login,
                    &factor_id,
                    result.clone(),
                    Utc::now(),
                )),
                message: (result != ChallengeResult::Success)
                    .then(|| "The code was wrong or has expired".to_string()),
                result,
            },
            Err(e) => Msg::CodeChecked {
                result: ChallengeResult::Failed,
                evidence: None,
                message: Some(format!("Code not checked: {}", directory.explain(&e))),
            },
        };
        let _ = results.send(msg).await;
    });
}

/// What an action needs besides the directory: where it is audited and its notices queued,
/// and the ticket system that hears of it.
struct ActionContext {
    audit: AuditLocation,
    desk: NoticeDesk,
    tickets: Option<Arc<AnyTickets>>,
    resolve_tickets: bool,
}

/// Run a verified action, audited, and report the outcome as [`Msg::ActionDone`].
fn run_action<D: Directory>(
    directory: Arc<D>,
    context: ActionContext,
    agent: Agent,
    verified: Verified,
    results: mpsc::Sender<Msg>,
) {
    let ActionContext {
        audit: location,
        desk,
        tickets,
        resolve_tickets,
    } = context;
    tokio::spawn(async move {
        let target = verified.target();
        let key = target.user_id.clone();
        let mut report = ActionReport {
            action: verified.action().clone(),
            user_id: target.user_id.clone(),
            login: target.login.clone(),
            at: Utc::now(),
            result: Err(String::new()),
            audit_seq: None,
            removed: Vec::new(),
        };
        report.result = match location.open() {
            // No audit log, no action: the record must be possible before the change is made.
            Err(e) => Err(format!(
                "the audit log cannot be opened, nothing was done: {e}"
            )),
            Ok(mut audit) => {
                let outcome =
                    action_runner::run(directory.as_ref(), &mut audit, &agent, &verified).await;
                let audit_note = match &outcome.audit {
                    Ok(record) => {
                        report.audit_seq = Some(record.seq);
                        format!(" (audit #{})", record.seq)
                    }
                    Err(e) => format!(" (NOT in the audit log: {e})"),
                };
                report.removed = outcome.removed.clone();
                // After the action, never before; whatever happens here, it stands.
                let notices = action_notices::after_action(
                    directory.as_ref(),
                    &desk,
                    &verified,
                    &outcome,
                    Utc::now(),
                )
                .await
                .one_line();
                let ticket_note = match (&tickets, &outcome.audit) {
                    (Some(t), Ok(record)) => {
                        let outbox = desk.outbox_location();
                        match outbox {
                            Ok(outbox) => {
                                ticket_notes::note_outcome(t, &outbox, record, resolve_tickets)
                                    .await
                            }
                            Err(e) => Some(format!("the ticket was not noted: {e}")),
                        }
                    }
                    _ => None,
                };
                let notices: String = [Some(notices), ticket_note]
                    .into_iter()
                    .flatten()
                    .filter(|s| !s.is_empty())
                    .map(|s| format!("; {s}"))
                    .collect();
                report.at = Utc::now();
                match outcome.result {
                    Ok(_) => Ok(format!(
                        "{}: done{}{audit_note}{notices}",
                        target.login,
                        after(&outcome.user_after, &outcome.factors_after)
                    )),
                    Err(failure) => Err(format!(
                        "{}{audit_note}{notices}",
                        directory.explain(&failure.error)
                    )),
                }
            }
        };
        let _ = results.send(Msg::ActionDone { key, report }).await;
    });
}

/// Read the outbox on a blocking thread (SQLite) and report back as [`Msg::Outbox`].
fn read_outbox(
    outbox_at: &OutboxLocation,
    users: Vec<String>,
    now: DateTime<Utc>,
    results: mpsc::Sender<Msg>,
) {
    let outbox_at = outbox_at.clone();
    tokio::spawn(async move {
        let read =
            tokio::task::spawn_blocking(move || notice_board::read(&outbox_at, &users, now)).await;
        let result = match read {
            Ok(Ok(snapshot)) => Ok(snapshot),
            Ok(Err(e)) => Err(e.to_string()),
            Err(e) => Err(format!("the outbox reader stopped: {e}")),
        };
        let _ = results.send(Msg::Outbox(result)).await;
    });
}

/// Queue the help-desk channel's alert about an escalation; the audit record is what counts,
/// so a failure here is logged, not shown over the dialog's answer.
fn alert_escalation(desk: NoticeDesk, alert: crate::notify::compose::Alert) {
    tokio::task::spawn_blocking(move || {
        let queued = desk.composer().and_then(|composer| {
            let now = Utc::now();
            action_notices::enqueue_all(&desk, vec![composer.alert(&alert, now)], now)
        });
        if let Err(e) = queued {
            tracing::warn!(error = %e, "the escalation alert was not queued");
        }
    });
}

/// Compose the instructions for the user and queue them, reporting back as
/// [`Msg::InstructionsSent`].
fn send_instructions(
    desk: NoticeDesk,
    instruction: Instruction,
    to: Recipient,
    results: mpsc::Sender<Msg>,
) {
    tokio::spawn(async move {
        let queued = tokio::task::spawn_blocking(move || {
            let composer = desk.composer()?;
            let now = Utc::now();
            let notice = composer.instructions_notice(&instruction, &to, now);
            action_notices::enqueue_all(&desk, vec![notice], now)?;
            Ok::<_, String>(format!(
                "Instructions \"{}\" queued to {} at {} (`accessdesk watch` delivers them)",
                instruction.title,
                to.name,
                to.addresses.join(", ")
            ))
        })
        .await
        .unwrap_or_else(|e| Err(format!("the outbox writer stopped: {e}")));
        let _ = results.send(Msg::InstructionsSent(queued)).await;
    });
}

/// ", status now ACTIVE, factors now 1" from what the IdP shows after the action.
fn after(user: &Option<crate::model::User>, factors: &Option<Vec<crate::model::Factor>>) -> String {
    let mut text = String::new();
    if let Some(user) = user {
        text.push_str(&format!(", status now {}", user.status));
    }
    if let Some(factors) = factors {
        text.push_str(&format!(", factors now {}", factors.len()));
    }
    text
}

/// Write one record to the audit log, in order with the loop's other work (records are small
/// and this keeps a check's record ahead of the action it allows). The agent hears when the
/// record could not be written.
fn audit_now(
    location: &AuditLocation,
    results: &mpsc::Sender<Msg>,
    what: &str,
    write: impl FnOnce(&mut AuditTrail) -> Result<AuditRecord, String>,
) {
    if let Err(e) = write_audit(location, what, write) {
        let _ = results.try_send(Msg::AuditFailed(format!(
            "{what} was NOT written to the audit log: {e}"
        )));
    }
}

/// Open the audit log and write one record; a failure goes to the log file too.
fn write_audit(
    location: &AuditLocation,
    what: &str,
    write: impl FnOnce(&mut AuditTrail) -> Result<AuditRecord, String>,
) -> Result<AuditRecord, String> {
    let written = location
        .open()
        .map_err(|e| e.to_string())
        .and_then(|mut log| write(&mut log));
    if let Err(e) = &written {
        tracing::warn!("{what} was not written to the audit log: {e}");
    }
    written
}
