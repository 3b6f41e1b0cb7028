//! The dashboard's state and its one way to change: [`App::update`]. No I/O and no clock reads:
//! time comes in with [`Msg::Tick`], work goes out as [`Effect`]s.

use chrono::{DateTime, Utc};
use crossterm::event::{Event, KeyCode, KeyEvent};
use std::collections::{HashMap, HashSet};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::audit_view::{AuditState, AuditView};
use super::expiries::{self, ExpiriesView, Outcome, ScanData, Tab};
use super::feed::bursts::{self as burst_rows, ListLine};
use super::feed::claims::{self as desk_claims, DeskClaims};
use super::feed::marks::{KnownStatuses, RowMark};
use super::feed::rows::{FeedRow, FeedRows, RowKind};
use super::feed::{Feed, repeat_key};
use super::handled::{Handled, HandledKind, HandledLog, action_word};
use super::instruction_picker::InstructionPicker;
use super::keymap::{self, Action, Context};
use super::msg::{ActionReport, Msg};
use super::notice_board::NoticeBoard;
use super::options::DashboardOptions;
use super::search::DirectorySearch;
use super::training::{Tap, Toggled, TrainingPanel};
use super::user_view::{OpenUser, ProfileState, UserScroll};
use super::verify_dialog::{Carried, Challenge, DialogAction, Purpose, Request, VerifyDialog};
use super::view;
use crate::config::MfaResetMode;
use crate::model::{Action as IdpAction, Lockout, User, describe_distinct};
use crate::notify::{Instruction, Recipient};
use crate::policy::gate::{Attestation, PossessionEvidence, Target, Verified};
use crate::policy::preconditions;
use crate::policy::{Burst, detect_bursts};
use crate::services::{FeedEvent, PollHealth};

/// How many lockouts the feed keeps (the newest).
pub const FEED_CAPACITY: usize = 10_000;

/// What `update` asks the loop to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Fetch this user (id or login) and answer with [`Msg::UserLoaded`].
    LoadUser(String),
    /// Fetch this user's whole profile (id or login) and answer with [`Msg::ProfileLoaded`].
    LoadProfile(String),
    /// Search the directory once the typing pauses; answer with [`Msg::SearchResults`].
    SearchUsers {
        query: String,
        seq: u64,
    },
    /// A push or code challenge: answer a push with [`Msg::PushWaiting`] and [`Msg::PushDone`],
    /// a sent code with [`Msg::CodeSent`], a checked one with [`Msg::CodeChecked`].
    Challenge(Challenge),
    /// A challenge ended with evidence: write it to the audit log as a check of the caller.
    RecordVerification {
        target: Target,
        ticket: Option<String>,
        evidence: PossessionEvidence,
        /// What the check was for, when it was part of an action's dialog.
        note: Option<String>,
    },
    /// Read the newest audit records and check the chain (from the stored checkpoint, or
    /// every record when `full`); answer with [`Msg::AuditLoaded`].
    LoadAudit {
        full: bool,
    },
    /// The gate passed: run the action, audit it, answer with [`Msg::ActionDone`].
    RunAction(Box<Verified>),
    /// The agent gave up after a REJECTED push: write the refusal to the audit log.
    RecordRefusal {
        action: IdpAction,
        target: Target,
        attestation: Attestation,
        reasons: Vec<String>,
    },
    /// The agent escalated the call to security: write it to the audit log (action
    /// `escalate`, outcome refused, `reason` as the error, `note` as the note) and answer
    /// with [`Msg::EscalationRecorded`].
    RecordEscalation {
        target: Target,
        ticket: Option<String>,
        reason: String,
        evidence: Vec<PossessionEvidence>,
        note: Option<String>,
    },
    /// Ask the ticketing system for the open tickets whose caller has this address; answer
    /// with [`Msg::OpenTickets`].
    LoadOpenTickets {
        user_id: String,
        email: String,
    },
    /// Ask the ticketing system about this number; answer with [`Msg::TicketLooked`].
    LookupTicket {
        user_id: String,
        number: String,
    },
    /// Open a ticket for the call; answer with [`Msg::TicketCreated`].
    CreateTicket {
        user_id: String,
        new: crate::tickets::NewTicket,
    },
    /// Demo only: the training panel opened (`true`: the simulator holds pushes for the
    /// trainee) or closed (`false`: the simulated people answer on their own again). Answer
    /// with a fresh [`Msg::Training`].
    TrainingHold(bool),
    /// Demo only: tap this on the push waiting on the simulated phone; answer with
    /// [`Msg::TrainingAnswered`] and a fresh [`Msg::Training`].
    AnswerPush {
        transaction_id: String,
        answer: crate::sim::training::PhoneAnswer,
    },
    /// Compose these instructions for this user (at their primary address) and queue them
    /// in the outbox; answer with [`Msg::InstructionsSent`].
    SendInstructions {
        instruction: Box<Instruction>,
        to: Recipient,
    },
    /// Team mode: claim this user for the call (key from [`desk_claims::user_key`]); answer
    /// with [`Msg::ClaimNotTaken`] when that fails.
    Claim {
        key: String,
        user_id: String,
    },
    /// Team mode: hand this claim back, saying what was done (`None`: nothing).
    ReleaseClaim {
        key: String,
        outcome: Option<String>,
    },
    Quit,
}

/// What the status bar says when read-only mode turns an action key down.
pub const READ_ONLY_MESSAGE: &str = "Read-only mode (supervisor role or --read-only): unlock, resets and verification pushes are off";

/// A cached user lookup.
#[derive(Debug, Clone, PartialEq)]
pub enum UserState {
    Loading,
    Loaded(Box<User>),
    /// The error, phrased for a person.
    Failed(String),
}

/// The key a lockout's user is fetched and cached under: the IdP's id, else the login.
pub fn user_key(lockout: &Lockout) -> &str {
    lockout.user_id.as_deref().unwrap_or(&lockout.login)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum InputMode {
    Feed,
    Filter,
    /// In the directory matches under the filter text.
    Results,
}

/// The open dialog, when it is on this user (an answer for an earlier dialog is stale).
fn dialog_on<'a>(
    dialog: &'a mut Option<VerifyDialog>,
    user_id: &str,
) -> Option<&'a mut VerifyDialog> {
    dialog.as_mut().filter(|d| d.target().user_id == user_id)
}

/// The address a ticket's caller is matched by: the user's e-mail, else the login.
fn caller_address(user: &User) -> String {
    user.email.clone().unwrap_or_else(|| user.login.clone())
}

/// The ticket opened for the call in `dialog`: the user as caller, the action as summary.
fn new_ticket_for(dialog: &VerifyDialog) -> crate::tickets::NewTicket {
    let what = match dialog.action() {
        Some(action) => format!("{} requested by phone", action_word(action)),
        None => "caller verification by phone".to_string(),
    };
    crate::tickets::NewTicket::for_call(dialog.user(), &what)
}

/// The lockout line of the burst list at `at` or after it, else the nearest before it.
fn nearest_lockout_line(lines: &[ListLine], at: usize) -> Option<usize> {
    (at..lines.len())
        .chain((0..at.min(lines.len())).rev())
        .find(|&i| matches!(lines[i], ListLine::Lockout(_)))
}

/// The first row to show so that `selected` is visible in a window of `rows` rows over `len`
/// rows, moving `offset` as little as possible.
pub fn scroll_offset(selected: usize, offset: usize, len: usize, rows: usize) -> usize {
    let rows = rows.max(1);
    let mut offset = offset.min(len.saturating_sub(rows));
    if selected < offset {
        offset = selected;
    } else if selected >= offset + rows {
        offset = selected + 1 - rows;
    }
    offset
}

/// All dashboard state.
#[derive(Debug)]
pub struct App {
    pub options: DashboardOptions,
    /// The injected clock: set by [`Msg::Tick`].
    pub now: DateTime<Utc>,
    started_at: DateTime<Utc>,
    feed: Feed,
    /// The rows the table shows (one per user), rebuilt when their inputs change.
    rows: FeedRows,
    /// The feed, handled-mark and known-status generations and the view's own the rows were
    /// built from.
    rows_built: (u64, u64, u64, u64),
    /// Bumped when the agent expands a user or toggles "still locked only".
    view_generation: u64,
    /// Users (by [`repeat_key`]) whose older lockouts are listed under their row.
    expanded: HashSet<String>,
    /// Hide users whose newest lockout is settled (handled since, or known unlocked).
    still_locked_only: bool,
    /// Row on screen (0 = newest shown).
    selected: usize,
    /// The selected row's lockout uuid and user, so the selection stays on it as rows move.
    anchor: Option<(String, String)>,
    /// No navigation key since the start or the last `g`: the selection follows the newest
    /// lockout (the wall-screen case).
    follow_newest: bool,
    offset: usize,
    detail_open: bool,
    help_open: bool,
    mode: InputMode,
    filter: Input,
    /// The filter `/` is replacing: in force until the first key is typed (Enter keeps it).
    filter_was: Option<String>,
    /// The find-a-user box over the user screen: its own text, so the feed's filter stays.
    find: Input,
    health: PollHealth,
    /// When the poller started failing; `None` while it receives.
    failing_since: Option<DateTime<Utc>>,
    /// What each fetched user's status was, for the feed's "still locked".
    known: KnownStatuses,
    polled: bool,
    feed_closed: bool,
    users: HashMap<String, UserState>,
    /// Profiles for the user screen, by user id (else login).
    profiles: HashMap<String, ProfileState>,
    /// The user screen, when open: it replaces the feed.
    user_view: Option<OpenUser>,
    search: DirectorySearch,
    /// The verification dialog over the user screen, when open.
    dialog: Option<VerifyDialog>,
    /// The audit screen, when open: it covers the feed or the user screen.
    audit: Option<AuditView>,
    /// What the expiry scanner reported (kept with the screen closed: the status bar shows it).
    scan: ScanData,
    /// The expiries screen, when open.
    expiries: Option<ExpiriesView>,
    /// The expiries screen is over the user screen (opened from it with `e`); otherwise an
    /// open user screen is over it (opened from a row with `o` or `r`).
    expiries_on_top: bool,
    /// The verified action is on its way to the IdP: the dialog takes no more keys.
    running: bool,
    /// The escalation being written (its reason): the dialog takes no more keys.
    escalation: Option<String>,
    /// "A push is waiting — quit anyway?" is on screen.
    quit_prompt: bool,
    /// The agent chose to quit while the action ran: quit once its outcome is in.
    quit_after_action: bool,
    /// An action key pressed on the feed, waiting for its user's profile.
    pending_action: Option<Purpose>,
    /// Per user id: the ticket and evidence of earlier dialogs on this call.
    carried: HashMap<String, Carried>,
    /// Enter was pressed while the directory search ran: open its first match.
    open_first_match: bool,
    /// A sentence for the agent in the status bar (an action turned down or its outcome).
    message: Option<String>,
    /// What was done about each user this session, for the feed's marks (a colleague's
    /// released claims included, in team mode).
    handled: HandledLog,
    /// Team mode: the desk's claims as last read.
    claims: DeskClaims,
    /// Team mode: the claim this dashboard took for the open dialog, until it is released.
    claim_held: Option<String>,
    /// When the held claim is renewed (halfway through its timeout), so a long call keeps it.
    claim_renew_at: Option<DateTime<Utc>>,
    bursts: Vec<Burst>,
    /// The burst list (`b`), when open: the selected line of [`App::burst_lines`].
    burst_list: Option<usize>,
    /// The help's first line on screen.
    help_scroll: usize,
    /// The user screen's scrolled lists.
    user_scroll: UserScroll,
    /// Demo only: the training panel (the simulated caller's phone).
    training: TrainingPanel,
    /// The latest read of the outbox.
    notice_board: NoticeBoard,
    /// The instructions overlay (`i`), when open.
    picker: Option<InstructionPicker>,
    size: (u16, u16),
    dirty: bool,
}

impl App {
    /// A dashboard that started at `now` and keeps the newest [`FEED_CAPACITY`] lockouts.
    /// The identity provider the dashboard talks to.
    pub fn provider(&self) -> crate::idp::Provider {
        self.options.provider
    }

    pub fn new(options: DashboardOptions, now: DateTime<Utc>) -> Self {
        Self::with_capacity(options, now, FEED_CAPACITY)
    }

    /// Like [`App::new`], keeping the newest `capacity` lockouts (at least one).
    pub fn with_capacity(options: DashboardOptions, now: DateTime<Utc>, capacity: usize) -> Self {
        let health = PollHealth::new(options.poll_interval);
        let claims = DeskClaims::new(options.claims.as_ref().map_or("", |c| c.role.as_str()));
        Self {
            options,
            now,
            started_at: now,
            feed: Feed::new(capacity),
            rows: FeedRows::default(),
            rows_built: (0, 0, 0, 0),
            view_generation: 0,
            expanded: HashSet::new(),
            still_locked_only: false,
            selected: 0,
            anchor: None,
            follow_newest: true,
            offset: 0,
            detail_open: false,
            help_open: false,
            mode: InputMode::Feed,
            filter: Input::default(),
            filter_was: None,
            find: Input::default(),
            health,
            failing_since: None,
            known: KnownStatuses::default(),
            polled: false,
            feed_closed: false,
            users: HashMap::new(),
            profiles: HashMap::new(),
            user_view: None,
            search: DirectorySearch::default(),
            dialog: None,
            audit: None,
            scan: ScanData::default(),
            expiries: None,
            expiries_on_top: false,
            running: false,
            escalation: None,
            quit_prompt: false,
            quit_after_action: false,
            pending_action: None,
            carried: HashMap::new(),
            open_first_match: false,
            message: None,
            handled: HandledLog::default(),
            claims,
            claim_held: None,
            claim_renew_at: None,
            bursts: Vec::new(),
            burst_list: None,
            help_scroll: 0,
            user_scroll: UserScroll::default(),
            training: TrainingPanel::default(),
            notice_board: NoticeBoard::default(),
            picker: None,
            size: (80, 24),
            dirty: true,
        }
    }

    /// Apply one message; returns the work the loop must do.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        let mut effects = Vec::new();
        match msg {
            Msg::Key(key) => self.on_key(key, &mut effects),
            Msg::Resize { width, height } => {
                self.size = (width, height);
                self.scroll_into_view();
                self.dirty = true;
            }
            Msg::Tick(now) => {
                self.now = now;
                self.renew_claim(&mut effects);
                if let Some(dialog) = &mut self.dialog {
                    dialog.refresh(&self.options.gate, now);
                }
                self.refresh_bursts();
                self.scroll_into_view();
                // A password that expires now moves to the top.
                if let Some(view) = &mut self.expiries {
                    view.refresh(&self.scan, now);
                }
                // Relative times ("12s ago") change every second.
                self.dirty = true;
            }
            Msg::Feed(event) => self.on_feed(event),
            Msg::Expiries(event) => {
                self.scan.apply(event);
                if let Some(view) = &mut self.expiries {
                    view.refresh(&self.scan, self.now);
                }
                self.dirty = true;
            }
            Msg::FeedClosed => {
                self.feed_closed = true;
                self.dirty = true;
            }
            Msg::UserLoaded { user_id, result } => {
                if let Ok(user) = &result {
                    self.known.record(&user_id, user, self.now);
                }
                let state = match result {
                    Ok(user) => UserState::Loaded(Box::new(user)),
                    Err(message) => UserState::Failed(message),
                };
                self.users.insert(user_id, state);
                self.dirty = true;
            }
            Msg::ProfileLoaded { key, result } => {
                // Only an answer someone is waiting for; anything else is stale.
                if self.profiles.get(&key) == Some(&ProfileState::Loading) {
                    if let Ok(profile) = &result {
                        self.known.record(&key, &profile.user, self.now);
                    }
                    let state = match result {
                        Ok(profile) => ProfileState::Loaded(profile),
                        Err(message) => ProfileState::Failed(message),
                    };
                    self.profiles.insert(key.clone(), state);
                    self.dirty = true;
                    // An action asked for from the feed starts once its user is on screen.
                    if self.user_view.as_ref().is_some_and(|u| u.key == key)
                        && let Some(purpose) = self.pending_action.take()
                    {
                        self.start_action(purpose, &mut effects);
                    }
                }
            }
            Msg::SearchResults { seq, result } => {
                if self.search.answer(seq, result) {
                    self.dirty = true;
                    if std::mem::take(&mut self.open_first_match) {
                        self.submit_filter(&mut effects);
                    }
                }
            }
            Msg::PushWaiting {
                since,
                correct_answer,
            } => {
                if let Some(dialog) = &mut self.dialog {
                    dialog.on_push_waiting(since, correct_answer);
                    self.dirty = true;
                }
            }
            Msg::PushDone {
                result,
                evidence,
                message,
            } => {
                if let Some(dialog) = &mut self.dialog {
                    let taken = dialog.on_push_done(
                        result,
                        evidence,
                        message.as_deref(),
                        &self.options.gate,
                        self.now,
                    );
                    self.message = message;
                    self.dirty = true;
                    self.record_challenge(taken, &mut effects);
                }
            }
            Msg::PushNotSent {
                reason,
                no_push_factor,
            } => {
                if let Some(dialog) = &mut self.dialog {
                    dialog.on_push_not_sent(
                        &reason,
                        no_push_factor.as_deref(),
                        &self.options.gate,
                        self.now,
                    );
                    self.message = Some(format!("Push not sent: {reason}"));
                    self.dirty = true;
                }
            }
            Msg::OpenTickets { user_id, result } => {
                if let Some(dialog) = dialog_on(&mut self.dialog, &user_id) {
                    dialog.on_open_tickets(result, &self.options.gate, self.now);
                    self.dirty = true;
                }
            }
            Msg::TicketLooked { user_id, lookup } => {
                if let Some(dialog) = dialog_on(&mut self.dialog, &user_id) {
                    dialog.on_ticket_looked(lookup, &self.options.gate, self.now);
                    self.dirty = true;
                }
            }
            Msg::TicketCreated { user_id, result } => {
                if let Some(dialog) = dialog_on(&mut self.dialog, &user_id) {
                    dialog.on_ticket_created(result, &self.options.gate, self.now);
                    self.dirty = true;
                }
            }
            Msg::TicketNoted(line) => {
                self.message = Some(format!("Ticket: {line}"));
                self.dirty = true;
            }
            Msg::Claims(claims) => {
                for (user_id, mark) in self.claims.update(claims) {
                    self.handled.record(&user_id, mark);
                }
                self.dirty = true;
            }
            Msg::ClaimNotTaken { key, holder, error } => {
                if self.claim_held.as_deref() != Some(key.as_str()) {
                    return effects;
                }
                self.dirty = true;
                match holder {
                    // A colleague got there first: this dialog must not go on.
                    Some(holder) => {
                        self.claim_held = None;
                        let login = self
                            .dialog
                            .as_ref()
                            .map(|d| d.target().login.clone())
                            .unwrap_or_default();
                        if !self.running {
                            self.close_dialog(&mut effects);
                        }
                        self.message = Some(desk_claims::held_message(&holder, &login));
                    }
                    None => {
                        self.message = Some(format!(
                            "Not claimed on the desk ({error}): colleagues do not see you are on this call"
                        ));
                    }
                }
            }
            Msg::CodeSent { error } => {
                if let Some(dialog) = &mut self.dialog {
                    self.message = error.as_ref().map(|e| format!("Code not sent: {e}"));
                    dialog.on_code_sent(error, &self.options.gate, self.now);
                    self.dirty = true;
                }
            }
            Msg::CodeChecked {
                result,
                evidence,
                message,
            } => {
                if let Some(dialog) = &mut self.dialog {
                    let taken =
                        dialog.on_code_checked(result, evidence, &self.options.gate, self.now);
                    self.message = message;
                    self.dirty = true;
                    self.record_challenge(taken, &mut effects);
                }
            }
            Msg::ActionDone { key, report } => {
                self.running = false;
                let mark = Handled::from_report(&report, &self.options.agent_name);
                self.release_claim(Some(mark.kind.outcome()), &mut effects);
                self.close_dialog(&mut effects);
                self.handled.record(&report.user_id, mark);
                self.message = Some(outcome_line(&report));
                if self.profiles.get(&key) != Some(&ProfileState::Loading) {
                    self.profiles.insert(key.clone(), ProfileState::Loading);
                    effects.push(Effect::LoadProfile(key));
                }
                self.dirty = true;
                if std::mem::take(&mut self.quit_after_action) {
                    effects.push(Effect::Quit);
                }
            }
            Msg::EscalationRecorded { user_id, result } => {
                let Some(reason) = self.escalation.take() else {
                    return effects;
                };
                self.dirty = true;
                match result {
                    Ok(seq) => {
                        self.release_claim(Some(HandledKind::Escalated.outcome()), &mut effects);
                        self.handled.record(
                            &user_id,
                            Handled {
                                kind: HandledKind::Escalated,
                                at: self.now,
                                agent: self.options.agent_name.clone(),
                                audit_seq: Some(seq),
                            },
                        );
                        let login = self
                            .dialog
                            .as_ref()
                            .map(|d| d.target().login.clone())
                            .unwrap_or(user_id);
                        self.close_dialog(&mut effects);
                        self.message = Some(format!(
                            "Escalation to security recorded for {login} (audit #{seq}): {reason}"
                        ));
                        if std::mem::take(&mut self.quit_after_action) {
                            effects.push(Effect::Quit);
                        }
                    }
                    Err(error) => {
                        let text = format!(
                            "The escalation was NOT written to the audit log: {error} — Enter tries again"
                        );
                        if let Some(dialog) = &mut self.dialog {
                            dialog.tell(text.clone());
                        }
                        self.message = Some(text);
                    }
                }
            }
            Msg::AuditLoaded(result) => {
                if let Some(audit) = self.audit.as_mut().filter(|a| a.is_pending()) {
                    audit.loaded(match result {
                        Ok(snapshot) => AuditState::Loaded(snapshot),
                        Err(message) => AuditState::Failed(message),
                    });
                    self.dirty = true;
                }
            }
            Msg::AuditFailed(message) => {
                self.message = Some(message);
                self.dirty = true;
            }
            Msg::Training { subject, phones } => {
                self.training.phones_read(subject, phones);
                self.dirty = true;
            }
            Msg::TrainingAnswered(result) => {
                self.training.answered(result);
                self.dirty = true;
            }
            Msg::Outbox(result) => {
                if self.notice_board.snapshot().is_none() || result.is_err() {
                    self.dirty = true;
                }
                if let (Ok(new), Some(old)) = (&result, self.notice_board.snapshot())
                    && (new.counts != old.counts
                        || new.users != old.users
                        || new.not_me != old.not_me)
                {
                    self.dirty = true;
                }
                self.notice_board.loaded(result);
            }
            Msg::InstructionsSent(result) => self.instructions_sent(result),
            Msg::Quit => effects.push(Effect::Quit),
        }
        if self.rows_key() != self.rows_built {
            self.rebuild_rows(&mut effects);
        }
        effects
    }

    /// Keys on the audit screen and in its filter.
    fn on_audit_key(&mut self, action: Action, key: KeyEvent, effects: &mut Vec<Effect>) {
        let rows = view::audit_rows(self);
        let Some(audit) = &mut self.audit else {
            return;
        };
        let selected = audit.selected();
        match action {
            Action::Up => audit.select(selected.saturating_sub(1), rows),
            Action::Down => audit.select(selected.saturating_add(1), rows),
            Action::PageUp => audit.select(selected.saturating_sub(rows), rows),
            Action::PageDown => audit.select(selected.saturating_add(rows), rows),
            Action::Top => audit.select(0, rows),
            Action::Bottom => audit.select(usize::MAX, rows),
            Action::ToggleDetail => {
                audit.toggle_detail();
                let rows = view::audit_rows(self);
                if let Some(audit) = &mut self.audit {
                    audit.select(selected, rows);
                }
            }
            Action::ReloadAudit if audit.reload() => {
                effects.push(Effect::LoadAudit { full: false })
            }
            Action::VerifyAuditFully if audit.reload() => {
                effects.push(Effect::LoadAudit { full: true })
            }
            Action::CloseAudit => self.audit = None,
            Action::StartFilter => audit.start_filter(),
            Action::SubmitFilter => audit.keep_filter(),
            Action::ClearFilter => audit.clear_filter(),
            Action::EditFilter => audit.edit_filter(key),
            Action::ShowHelp => self.show_help(),
            _ => {}
        }
    }

    /// Enter in the filter box: open the selected directory match, waiting for the search in
    /// flight if there is one; with no match, keep the filter and go back to the feed (from
    /// the user screen: stay in the box and say so). Enter before typing keeps the filter `/`
    /// was about to replace.
    fn submit_filter(&mut self, effects: &mut Vec<Effect>) {
        if !self.is_finding()
            && self.filter.value().is_empty()
            && let Some(was) = self.filter_was.take()
        {
            self.filter = Input::new(was);
            self.mode = InputMode::Feed;
            return;
        }
        if self.search.is_searching() {
            self.open_first_match = true;
            return;
        }
        if self.open_selected_match(effects) {
            return;
        }
        if self.is_finding() {
            self.message = Some(match self.find.value().trim() {
                "" => "Type a login, e-mail or name to find a user".to_string(),
                text => format!("No user matches \"{text}\" in the directory"),
            });
        } else {
            self.mode = InputMode::Feed;
        }
    }

    /// Open the user screen of the selected directory match; `false` when there is none.
    fn open_selected_match(&mut self, effects: &mut Vec<Effect>) -> bool {
        let Some(user) = self.search.selected_match() else {
            return false;
        };
        let user = OpenUser {
            key: user.id.clone(),
            label: user.login.clone(),
        };
        if self.is_finding() {
            self.close_find();
        }
        self.mode = InputMode::Feed;
        self.open_user(user, effects);
        true
    }

    /// Leave the find-a-user box: its text and matches go, the feed's filter is as it was.
    fn close_find(&mut self) {
        self.mode = InputMode::Feed;
        self.open_first_match = false;
        self.find.reset();
        self.search.set_query("");
    }

    /// An action key: on the feed it opens the selected lockout's user first, and the dialog
    /// follows once the profile is loaded.
    fn begin(&mut self, purpose: Purpose, effects: &mut Vec<Effect>) {
        // Said where the agent is, without opening anything.
        if self.options.read_only {
            self.message = Some(READ_ONLY_MESSAGE.to_string());
            return;
        }
        if self.user_view.is_none() {
            let Some(lockout) = self.selected_lockout() else {
                return;
            };
            let user = OpenUser {
                key: user_key(lockout).to_string(),
                label: lockout.login.clone(),
            };
            return self.begin_for(user, purpose, effects);
        }
        self.begin_on_open_user(purpose, effects);
    }

    /// An action key on a row that names a user (a lockout, an expiry): open that user's
    /// screen, fetched afresh, and the dialog once the profile is in.
    fn begin_for(&mut self, user: OpenUser, purpose: Purpose, effects: &mut Vec<Effect>) {
        if self.options.read_only {
            self.message = Some(READ_ONLY_MESSAGE.to_string());
            return;
        }
        // The row may be older than the user's state: act on the user as they are now.
        if self.profiles.get(&user.key) != Some(&ProfileState::Loading) {
            self.profiles.remove(&user.key);
        }
        self.expiries_on_top = false;
        self.open_user(user, effects);
        self.begin_on_open_user(purpose, effects);
    }

    /// Open the dialog on the open user now, or once its profile is loaded.
    fn begin_on_open_user(&mut self, purpose: Purpose, effects: &mut Vec<Effect>) {
        if self.open_profile() == Some(&ProfileState::Loading) {
            self.pending_action = Some(purpose);
        } else {
            self.start_action(purpose, effects);
        }
    }

    /// Open the verification dialog for `purpose` on the open user, or say why not; with a
    /// ticketing system, ask it for the user's open tickets.
    fn start_action(&mut self, purpose: Purpose, effects: &mut Vec<Effect>) {
        if self.options.read_only {
            self.message = Some(READ_ONLY_MESSAGE.to_string());
            return;
        }
        let Some(ProfileState::Loaded(profile)) = self.open_profile() else {
            self.message = Some("Wait for the user's profile to load first".to_string());
            return;
        };
        let ready = match &purpose {
            // Choosing factors starts with none chosen: what must hold is that there are some.
            Purpose::Act(IdpAction::ResetFactors { .. }) => {
                preconditions::check(&IdpAction::ResetAllFactors, &profile.user, &profile.factors)
            }
            Purpose::Act(action) => preconditions::check(action, &profile.user, &profile.factors),
            // With nothing that can prove possession the dialog says so itself, and offers
            // escalation: no dead end.
            Purpose::VerifyCaller => Ok(()),
        };
        if let Err(why) = ready {
            self.message = Some(why);
            return;
        }
        if let Some(holder) = self.claims.held_by_other(&profile.user.id, self.now) {
            self.message = Some(desk_claims::held_message(holder, &profile.user.login));
            return;
        }
        let user_id = profile.user.id.clone();
        let carried = self
            .carried
            .get(&profile.user.id)
            .cloned()
            .unwrap_or_default();
        let dialog = VerifyDialog::new(
            purpose,
            &profile.user,
            &profile.factors,
            &self.options.gate,
            self.now,
            &carried,
        )
        .for_provider(self.options.provider);
        if dialog.tickets().is_some() {
            effects.push(Effect::LoadOpenTickets {
                user_id: profile.user.id.clone(),
                email: caller_address(&profile.user),
            });
        }
        self.message = None;
        self.dialog = Some(dialog);
        // The desk sees this agent is on the call; a colleague who got there first closes
        // the dialog again (`Msg::ClaimNotTaken`).
        if self.options.claims.is_some() {
            let key = desk_claims::user_key(&user_id);
            effects.push(Effect::Claim {
                key: key.clone(),
                user_id,
            });
            self.claim_held = Some(key);
            self.claim_renew_at = self.next_renewal();
        }
    }

    /// Halfway through the claim's timeout from now.
    fn next_renewal(&self) -> Option<DateTime<Utc>> {
        let ttl = self.options.claims.as_ref()?.ttl;
        chrono::Duration::from_std(ttl / 2)
            .ok()
            .map(|half| self.now + half)
    }

    /// A call longer than half the claim's timeout renews it (the same agent's claim again).
    fn renew_claim(&mut self, effects: &mut Vec<Effect>) {
        let (Some(key), Some(due), Some(dialog)) =
            (&self.claim_held, self.claim_renew_at, &self.dialog)
        else {
            return;
        };
        if due > self.now {
            return;
        }
        effects.push(Effect::Claim {
            key: key.clone(),
            user_id: dialog.target().user_id.clone(),
        });
        self.claim_renew_at = self.next_renewal();
    }

    /// Close the dialog, withdrawing a push still in flight and keeping its ticket and
    /// evidence for the next one on the same user.
    fn close_dialog(&mut self, effects: &mut Vec<Effect>) {
        self.release_claim(None, effects);
        if let Some(dialog) = self.dialog.take() {
            if dialog.push_in_flight() {
                effects.push(Effect::Challenge(Challenge::CancelPush));
            }
            self.carried
                .insert(dialog.target().user_id.clone(), dialog.carry());
        }
        self.quit_prompt = false;
    }

    /// Team mode: the claim this dashboard holds for the open dialog, if any.
    pub fn claim_held(&self) -> Option<&str> {
        self.claim_held.as_deref()
    }

    /// Hand back the claim taken for the dialog, if any, with what was done.
    fn release_claim(&mut self, outcome: Option<String>, effects: &mut Vec<Effect>) {
        if let Some(key) = self.claim_held.take() {
            effects.push(Effect::ReleaseClaim { key, outcome });
        }
    }

    /// Every challenge that ended with evidence is audited as a check of the caller, whatever
    /// the agent does next: a REJECTED push stays on record even if a later one is approved.
    fn record_challenge(&self, taken: Option<PossessionEvidence>, effects: &mut Vec<Effect>) {
        let (Some(evidence), Some(dialog)) = (taken, &self.dialog) else {
            return;
        };
        effects.push(Effect::RecordVerification {
            target: dialog.target().clone(),
            ticket: dialog.ticket_number(),
            evidence,
            note: dialog
                .action()
                .map(|action| format!("for {}", action.audit_name())),
        });
    }

    /// A dialog key, as the focused context's keymap row names it.
    fn on_dialog_action(&mut self, action: DialogAction, key: KeyEvent, effects: &mut Vec<Effect>) {
        if self.running || self.escalation.is_some() {
            return;
        }
        let Some(dialog) = &mut self.dialog else {
            return;
        };
        let policy = &self.options.gate;
        if action == DialogAction::Text {
            dialog.on_text(key, policy, self.now);
            return;
        }
        for request in dialog.on_action(action, policy, self.now) {
            match request {
                Request::Challenge(challenge) => effects.push(Effect::Challenge(challenge)),
                Request::Run(verified) => {
                    self.running = true;
                    self.message = Some(format!("Running: {}", dialog.preview()));
                    effects.push(Effect::RunAction(verified));
                }
                Request::Escalate { reason } => {
                    effects.push(Effect::RecordEscalation {
                        target: dialog.target().clone(),
                        ticket: dialog.ticket_number(),
                        reason: reason.clone(),
                        evidence: dialog.evidence().to_vec(),
                        note: dialog.agent_note(),
                    });
                    self.escalation = Some(reason);
                }
                Request::LookupTicket { number } => effects.push(Effect::LookupTicket {
                    user_id: dialog.target().user_id.clone(),
                    number,
                }),
                Request::CreateTicket => effects.push(Effect::CreateTicket {
                    user_id: dialog.target().user_id.clone(),
                    new: new_ticket_for(dialog),
                }),
                Request::Close => {
                    if let Some(action) = dialog.action()
                        && dialog.rejected()
                    {
                        effects.push(Effect::RecordRefusal {
                            action: action.clone(),
                            target: dialog.target().clone(),
                            attestation: dialog.attestation(),
                            reasons: dialog.missing().iter().map(ToString::to_string).collect(),
                        });
                    }
                    self.close_dialog(effects);
                    return;
                }
            }
        }
    }

    /// What the dialog waits for while it takes no keys.
    fn waiting_for(&self) -> String {
        match self.in_flight() {
            Some(what) if self.running => {
                format!("{what}: wait for its answer (q quits once it is audited)")
            }
            Some(what) => format!("{what}: a moment"),
            None => "Waiting for the IdP".into(),
        }
    }

    /// What is in flight that quitting would cut short, in a sentence for the quit prompt.
    pub fn in_flight(&self) -> Option<String> {
        let dialog = self.dialog.as_ref()?;
        let login = &dialog.target().login;
        if self.running {
            let what = dialog.action().map_or("action", action_word);
            return Some(format!("The {what} of {login} is on its way to the IdP"));
        }
        if self.escalation.is_some() {
            return Some(format!(
                "The escalation for {login} is being written to the audit log"
            ));
        }
        dialog
            .push_in_flight()
            .then(|| format!("A push is waiting for {} ({login})", dialog.push_target()))
    }

    /// `q` or Ctrl-C: quit, asking first while something is in flight. Asked twice, it quits.
    fn quit(&mut self, effects: &mut Vec<Effect>) {
        if self.in_flight().is_some() && !self.quit_prompt && !self.quit_after_action {
            self.quit_prompt = true;
            self.help_open = false;
        } else {
            self.withdraw_push(effects);
            effects.push(Effect::Quit);
        }
    }

    /// `y` in the quit prompt: withdraw the push and quit; while the action runs or an
    /// escalation is written, quit once its outcome is in (so it is audited and shown).
    fn confirm_quit(&mut self, effects: &mut Vec<Effect>) {
        self.quit_prompt = false;
        if self.running || self.escalation.is_some() {
            self.quit_after_action = true;
            self.message = Some("Quitting once the outcome is in and audited…".into());
            return;
        }
        self.withdraw_push(effects);
        effects.push(Effect::Quit);
    }

    fn withdraw_push(&self, effects: &mut Vec<Effect>) {
        if self
            .dialog
            .as_ref()
            .is_some_and(VerifyDialog::push_in_flight)
        {
            effects.push(Effect::Challenge(Challenge::CancelPush));
        }
    }

    fn on_key(&mut self, key: KeyEvent, effects: &mut Vec<Effect>) {
        let context = self.context();
        let Some(action) = keymap::lookup(context, &key) else {
            return;
        };
        self.dirty = true;
        match action {
            Action::Quit => return self.quit(effects),
            Action::ToggleTraining => return self.toggle_training(effects),
            _ => {}
        }
        match context {
            Context::Help => return self.on_help_key(action, key, effects),
            Context::Training => return self.on_training_key(action, key, effects),
            Context::Bursts => return self.on_burst_list_key(action, effects),
            Context::Instructions => return self.on_picker_key(action, key, effects),
            Context::Expiries | Context::ExpiriesFilter => {
                return self.on_expiries_key(action, key, effects);
            }
            Context::User if self.on_user_scroll_key(action) => return,
            _ => {}
        }
        if self.audit.is_some() {
            self.on_audit_key(action, key, effects);
            // The filter input line comes and goes: keep the selection in view.
            let rows = view::audit_rows(self);
            if let Some(audit) = &mut self.audit {
                audit.select(audit.selected(), rows);
            }
            return;
        }
        let page = self.page_rows();
        match action {
            Action::Up if self.mode == InputMode::Results => {
                if self.search.selected() == 0 {
                    self.mode = InputMode::Filter;
                } else {
                    self.search.select(self.search.selected() - 1);
                }
            }
            Action::Down if self.mode == InputMode::Results => {
                self.search.select(self.search.selected() + 1);
            }
            Action::Up => self.navigate(self.selected.saturating_sub(1), effects),
            Action::Down => self.navigate(self.selected.saturating_add(1), effects),
            Action::PageUp => self.navigate(self.selected.saturating_sub(page), effects),
            Action::PageDown => self.navigate(self.selected.saturating_add(page), effects),
            Action::Top => {
                self.follow_newest = true;
                self.select(0, effects);
            }
            Action::Bottom => self.navigate(self.len().saturating_sub(1), effects),
            Action::ToggleDetail => {
                self.detail_open = !self.detail_open;
                self.scroll_into_view();
                self.request_selected_user(effects);
            }
            Action::ReloadUser => {
                if let Some(key) = self.selected_lockout().map(|l| user_key(l).to_string())
                    && self.users.get(&key) != Some(&UserState::Loading)
                {
                    self.users.insert(key.clone(), UserState::Loading);
                    effects.push(Effect::LoadUser(key));
                    self.detail_open = true;
                    self.scroll_into_view();
                }
            }
            Action::OpenUser => {
                if let Some(lockout) = self.selected_lockout() {
                    let user = OpenUser {
                        key: user_key(lockout).to_string(),
                        label: lockout.login.clone(),
                    };
                    self.open_user(user, effects);
                }
            }
            Action::FocusResults => {
                if !self.search.matches().is_empty() {
                    self.mode = InputMode::Results;
                }
            }
            Action::OpenMatch => {
                self.open_selected_match(effects);
            }
            Action::BackToInput => self.mode = InputMode::Filter,
            Action::CloseUser => {
                if let Some(user) = self.user_view.take() {
                    self.land_on_user(&user, effects);
                }
                self.pending_action = None;
                self.message = None;
            }
            Action::StartUnlock => self.begin(Purpose::Act(IdpAction::Unlock), effects),
            Action::StartResetPassword => {
                self.begin(Purpose::Act(IdpAction::ResetPassword), effects);
            }
            Action::StartResetMfa => {
                let action = match self.options.mfa_reset_mode {
                    MfaResetMode::All => IdpAction::ResetAllFactors,
                    MfaResetMode::Choose => IdpAction::ResetFactors {
                        factor_ids: Vec::new(),
                    },
                };
                self.begin(Purpose::Act(action), effects);
            }
            Action::StartVerify => self.begin(Purpose::VerifyCaller, effects),
            Action::Dialog(action) => self.on_dialog_action(action, key, effects),
            Action::Wait => {
                let why = self.waiting_for();
                if let Some(dialog) = &mut self.dialog {
                    dialog.tell(why);
                }
            }
            Action::ConfirmQuit => self.confirm_quit(effects),
            Action::CancelQuit => self.quit_prompt = false,
            Action::OpenAudit => {
                self.audit = Some(AuditView::default());
                effects.push(Effect::LoadAudit { full: false });
            }
            Action::OpenExpiries => self.open_expiries(),
            Action::ReloadProfile => {
                if let Some(key) = self.user_view.as_ref().map(|u| u.key.clone())
                    && self.profiles.get(&key) != Some(&ProfileState::Loading)
                {
                    self.profiles.insert(key.clone(), ProfileState::Loading);
                    effects.push(Effect::LoadProfile(key));
                }
            }
            Action::StartFilter if self.user_view.is_some() => {
                self.pending_action = None;
                self.find.reset();
                self.search.set_query("");
                self.mode = InputMode::Filter;
            }
            Action::StartFilter => {
                // A fresh filter: the old one stays in force (and on screen) until a key is
                // typed, Enter keeps it, Esc clears it.
                self.filter_was = self.filter().map(str::to_string);
                self.filter.reset();
                self.search.set_query("");
                self.mode = InputMode::Filter;
            }
            Action::SubmitFilter => self.submit_filter(effects),
            Action::ClearFilter => {
                self.mode = InputMode::Feed;
                self.open_first_match = false;
                self.clear_filter(effects);
            }
            Action::CloseFind => self.close_find(),
            Action::EditFilter if self.is_finding() => {
                let changed = self.find.handle_event(&Event::Key(key));
                if changed.is_some_and(|c| c.value) {
                    self.open_first_match = false;
                    self.message = None;
                    if let Some((query, seq)) = self.search.set_query(self.find.value()) {
                        effects.push(Effect::SearchUsers { query, seq });
                    }
                }
            }
            Action::EditFilter => {
                let changed = self.filter.handle_event(&Event::Key(key));
                if changed.is_some_and(|c| c.value) {
                    self.filter_was = None;
                    self.open_first_match = false;
                    self.refilter();
                    self.refresh_search(effects);
                }
            }
            Action::ShowHelp => self.show_help(),
            Action::CloseOverlay => {
                if self.detail_open {
                    self.detail_open = false;
                    self.scroll_into_view();
                } else if self.filter().is_some() {
                    self.clear_filter(effects);
                }
            }
            Action::ToggleRepeats => self.toggle_repeats(effects),
            Action::ToggleStillLocked => {
                self.still_locked_only = !self.still_locked_only;
                self.view_generation += 1;
            }
            Action::OpenBursts => match nearest_lockout_line(&self.burst_lines(), 0) {
                Some(line) => self.burst_list = Some(line),
                None => self.message = Some("No burst is active".to_string()),
            },
            Action::OpenInstructions => self.open_picker(effects),
            // Handled before the screen's keys, or only in their own context.
            Action::Quit
            | Action::ToggleTraining
            | Action::ReloadAudit
            | Action::VerifyAuditFully
            | Action::CloseAudit
            | Action::CloseExpiries
            | Action::NextTab
            | Action::ShowPasswords
            | Action::ShowContractors
            | Action::CycleSort
            | Action::CloseHelp
            | Action::PassThroughHelp
            | Action::CloseBursts
            | Action::GoToBurstRow
            | Action::SwitchPane
            | Action::LeaveTraining
            | Action::PhoneApprove
            | Action::PhoneReject
            | Action::PhonePick
            | Action::SendInstruction
            | Action::CloseInstructions
            | Action::EditInstructionSearch => {}
        }
    }

    /// `e`: the expiries screen, over the feed or the user screen (as it was left, when a
    /// user screen opened from it is what `e` is pressed on).
    fn open_expiries(&mut self) {
        if self.expiries.is_none() {
            self.expiries = Some(ExpiriesView::new(&self.scan, self.now));
        }
        self.expiries_on_top = true;
        self.message = None;
    }

    /// Keys on the expiries screen and in its filter.
    fn on_expiries_key(&mut self, action: Action, key: KeyEvent, effects: &mut Vec<Effect>) {
        let rows = view::expiries_rows(self);
        let Some(screen) = &mut self.expiries else {
            return;
        };
        let outcome = expiries::keys::on_key(screen, action, key, rows);
        screen.refresh(&self.scan, self.now);
        // The filter line and the detail come and go: keep the selection in view.
        let rows = view::expiries_rows(self);
        if let Some(screen) = &mut self.expiries {
            screen.select(screen.selected(), true, rows);
        }
        match outcome {
            Outcome::Stay => {}
            Outcome::Close => {
                self.expiries = None;
                self.expiries_on_top = false;
            }
            Outcome::OpenUser(user) => {
                self.expiries_on_top = false;
                self.message = None;
                self.open_user(user, effects);
            }
            Outcome::ResetPassword(user) => {
                self.begin_for(user, Purpose::Act(IdpAction::ResetPassword), effects);
            }
            Outcome::Help => self.show_help(),
            Outcome::Say(text) => self.message = Some(text),
        }
    }

    /// Open the help over the screen, from its top.
    fn show_help(&mut self) {
        self.help_open = true;
        self.help_scroll = 0;
    }

    /// Keys over the help: scroll it, pass `/` to the screen below, anything else closes it.
    fn on_help_key(&mut self, action: Action, key: KeyEvent, effects: &mut Vec<Effect>) {
        let page = view::help_rows(self);
        let last = view::help_max_scroll(self);
        let to = match action {
            Action::Up => self.help_scroll.saturating_sub(1),
            Action::Down => self.help_scroll.saturating_add(1),
            Action::PageUp => self.help_scroll.saturating_sub(page),
            Action::PageDown => self.help_scroll.saturating_add(page),
            Action::Top => 0,
            Action::Bottom => last,
            Action::PassThroughHelp => {
                self.help_open = false;
                self.on_key(key, effects);
                return;
            }
            _ => {
                self.help_open = false;
                return;
            }
        };
        self.help_scroll = to.min(last);
    }

    /// Scroll keys on the user screen move its focused list; `false` for any other key.
    fn on_user_scroll_key(&mut self, action: Action) -> bool {
        let Some(ProfileState::Loaded(profile)) = self.open_profile() else {
            return matches!(
                action,
                Action::Up
                    | Action::Down
                    | Action::PageUp
                    | Action::PageDown
                    | Action::Top
                    | Action::Bottom
                    | Action::SwitchPane
            );
        };
        let (factor_rows, activity_rows) = view::user_list_rows(self);
        let factors = (profile.factors.len(), factor_rows);
        let activity = (profile.activity.len(), activity_rows);
        let page = match self.user_scroll.focus {
            super::user_view::UserPane::Factors => factor_rows,
            super::user_view::UserPane::Activity => activity_rows,
        };
        let at = isize::try_from(self.user_scroll.offset()).unwrap_or(isize::MAX);
        let page = isize::try_from(page.max(1)).unwrap_or(1);
        let to = match action {
            Action::Up => at - 1,
            Action::Down => at + 1,
            Action::PageUp => at - page,
            Action::PageDown => at + page,
            Action::Top => 0,
            Action::Bottom => isize::MAX,
            Action::SwitchPane => {
                self.user_scroll.switch();
                return true;
            }
            _ => return false,
        };
        self.user_scroll.scroll_to(to, factors, activity);
        true
    }

    /// F2 (demo only): open the panel with the focus, focus it, or close it.
    fn toggle_training(&mut self, effects: &mut Vec<Effect>) {
        if self.options.training.is_none() {
            return;
        }
        match self.training.toggle() {
            Toggled::Opened => effects.push(Effect::TrainingHold(true)),
            Toggled::Focused => {}
            Toggled::Closed => effects.push(Effect::TrainingHold(false)),
        }
    }

    /// Keys while the training panel has the focus.
    fn on_training_key(&mut self, action: Action, key: KeyEvent, effects: &mut Vec<Effect>) {
        let tap = match action {
            Action::PhoneApprove => Tap::Approve,
            Action::PhoneReject => Tap::Reject,
            Action::PhonePick => match key.code {
                KeyCode::Char(c) => Tap::Pick(c.to_digit(10).unwrap_or(0) as usize),
                _ => return,
            },
            Action::LeaveTraining => return self.training.leave(),
            Action::ShowHelp => return self.show_help(),
            _ => return,
        };
        let Some(subject) = self.training_subject() else {
            return;
        };
        if let Some((transaction_id, answer)) = self.training.answer(&subject, tap) {
            effects.push(Effect::AnswerPush {
                transaction_id,
                answer,
            });
        }
    }

    /// Keys over the burst list: move between its lockouts, go to one's row, close.
    fn on_burst_list_key(&mut self, action: Action, effects: &mut Vec<Effect>) {
        let Some(at) = self.burst_list else {
            return;
        };
        let lines = self.burst_lines();
        let is_lockout = |i: &usize| matches!(lines.get(*i), Some(ListLine::Lockout(_)));
        match action {
            Action::Up => {
                if let Some(line) = (0..at).rev().find(is_lockout) {
                    self.burst_list = Some(line);
                }
            }
            Action::Down => {
                if let Some(line) = (at + 1..lines.len()).find(is_lockout) {
                    self.burst_list = Some(line);
                }
            }
            Action::GoToBurstRow => {
                let uuid = match lines.get(at) {
                    Some(ListLine::Lockout(lockout)) => lockout.uuid.clone(),
                    _ => return,
                };
                self.burst_list = None;
                self.go_to_lockout(&uuid, effects);
            }
            Action::CloseBursts => self.burst_list = None,
            Action::ShowHelp => self.show_help(),
            _ => {}
        }
    }

    /// Select the row of this lockout, showing it first if the filter, "still locked only"
    /// or a folded user hid it.
    fn go_to_lockout(&mut self, uuid: &str, effects: &mut Vec<Effect>) {
        let Some(index) = self.feed.index_of(uuid) else {
            self.message = Some("That lockout is no longer in the feed".to_string());
            return;
        };
        let lockout = self.feed.entry(index).clone();
        if self.row_of_uuid(uuid).is_none() {
            self.expanded.insert(repeat_key(&lockout));
            self.view_generation += 1;
            self.rebuild_rows(effects);
        }
        if self.row_of_uuid(uuid).is_none() {
            self.filter.reset();
            self.filter_was = None;
            self.still_locked_only = false;
            self.refilter();
            self.view_generation += 1;
            self.rebuild_rows(effects);
            self.message = Some("Filter cleared to show that lockout".to_string());
        }
        if let Some(row) = self.row_of_uuid(uuid) {
            self.navigate(row, effects);
        }
    }

    /// `e`: list the selected user's older lockouts under their row, or fold them back.
    fn toggle_repeats(&mut self, effects: &mut Vec<Effect>) {
        let Some(lockout) = self.selected_lockout() else {
            return;
        };
        let key = repeat_key(lockout);
        let login = lockout.login.clone();
        if !self.expanded.remove(&key) {
            if self.selected_user_lockouts().unwrap_or(1) < 2 {
                self.message = Some(format!("{login} has one lockout here: nothing to expand"));
                return;
            }
            self.expanded.insert(key.clone());
        }
        self.view_generation += 1;
        self.rebuild_rows(effects);
        if let Some(row) = self.rows.row_of_user(&self.feed, &key) {
            self.select(row, effects);
        }
    }

    /// Back from the user screen: select that user's row wherever it moved (after an action,
    /// the handled one).
    fn land_on_user(&mut self, user: &OpenUser, effects: &mut Vec<Effect>) {
        let by_login = self
            .rows
            .row_of_user(&self.feed, &user.label.to_lowercase());
        let by_key = || {
            (0..self.rows.len()).find(|&r| {
                self.row(r).is_some_and(|l| {
                    user_key(l) == user.key
                        && self
                            .rows
                            .get(r)
                            .is_some_and(|row| row.kind != RowKind::Older)
                })
            })
        };
        if let Some(row) = by_login.or_else(by_key) {
            self.navigate(row, effects);
        }
    }

    fn on_feed(&mut self, event: FeedEvent) {
        let (lockouts, health) = match event {
            FeedEvent::Lockouts { lockouts, health } => (lockouts, health),
            FeedEvent::Failed { health } => (Vec::new(), health),
        };
        if health.consecutive_errors == 0 {
            self.failing_since = None;
        } else if self.failing_since.is_none() {
            self.failing_since = Some(health.last_attempt.unwrap_or(self.now));
        }
        self.health = health;
        self.polled = true;
        self.dirty = true;
        if !lockouts.is_empty() {
            let filter = self.filter().map(str::to_string);
            self.feed.insert(lockouts, filter.as_deref());
        }
        self.refresh_bursts();
        // New lockouts regroup the rows at the end of `update`.
        self.scroll_into_view();
    }

    /// What the table's rows are built from; they are rebuilt when it changes.
    fn rows_key(&self) -> (u64, u64, u64, u64) {
        (
            self.feed.generation(),
            self.handled.generation(),
            self.known.generation(),
            self.view_generation,
        )
    }

    /// Rebuild the rows, keeping the selection on its lockout (or its user) unless it follows
    /// the newest.
    fn rebuild_rows(&mut self, effects: &mut Vec<Effect>) {
        let rows = FeedRows::build(&self.feed, &self.expanded, |lockout| {
            !self.still_locked_only || !self.mark(lockout).settled()
        });
        self.rows = rows;
        self.rows_built = self.rows_key();
        let row = if self.follows_newest() {
            Some(0)
        } else {
            self.anchor.as_ref().and_then(|(uuid, user)| {
                self.row_of_uuid(uuid)
                    .or_else(|| self.rows.row_of_user(&self.feed, user))
            })
        };
        self.select(row.unwrap_or(self.selected), effects);
    }

    /// The selection follows the newest lockout: the agent never moved it since the last
    /// `g`, and is not looking at one (detail, user screen or dialog open).
    fn follows_newest(&self) -> bool {
        self.follow_newest && !self.detail_open && self.user_view.is_none()
    }

    fn row_of_uuid(&self, uuid: &str) -> Option<usize> {
        self.feed
            .index_of(uuid)
            .and_then(|index| self.rows.row_of_entry(index))
    }

    /// Apply the filter text to the feed again (the rows follow at the end of `update`).
    fn refilter(&mut self) {
        let filter = self.filter().map(str::to_string);
        self.feed.set_filter(filter.as_deref());
    }

    fn clear_filter(&mut self, effects: &mut Vec<Effect>) {
        let was = self.filter_was.take();
        if self.filter.value().is_empty() && was.is_none() {
            return;
        }
        self.filter.reset();
        self.refilter();
        self.refresh_search(effects);
    }

    /// Follow the filter text with a directory search (debounced by the loop).
    fn refresh_search(&mut self, effects: &mut Vec<Effect>) {
        if let Some((query, seq)) = self.search.set_query(self.filter.value()) {
            effects.push(Effect::SearchUsers { query, seq });
        }
    }

    /// Show the user screen for `user`, fetching the profile unless it is cached or on its way.
    fn open_user(&mut self, user: OpenUser, effects: &mut Vec<Effect>) {
        if !self.profiles.contains_key(&user.key) {
            self.profiles
                .insert(user.key.clone(), ProfileState::Loading);
            effects.push(Effect::LoadProfile(user.key.clone()));
        }
        if self
            .user_view
            .as_ref()
            .is_none_or(|open| open.key != user.key)
        {
            self.user_scroll = UserScroll::default();
        }
        self.user_view = Some(user);
    }

    fn refresh_bursts(&mut self) {
        let horizon = self.options.bursts.horizon(self.now);
        self.bursts = detect_bursts(self.feed.since(horizon), self.now, &self.options.bursts);
        if let Some(at) = self.burst_list {
            // The list may have shrunk: stay on a lockout line, or close when none is left.
            let lines = self.burst_lines();
            self.burst_list = nearest_lockout_line(&lines, at.min(lines.len().saturating_sub(1)));
        }
    }

    /// How many lockouts the selected row's user has in the feed.
    fn selected_user_lockouts(&self) -> Option<usize> {
        let row = self.rows.user_row_of(self.selected()?)?;
        match self.rows.get(row)?.kind {
            RowKind::User { lockouts, .. } => Some(lockouts),
            RowKind::Older => None,
        }
    }

    /// A navigation key: the selection no longer follows the newest lockout.
    fn navigate(&mut self, row: usize, effects: &mut Vec<Effect>) {
        self.follow_newest = false;
        self.select(row, effects);
    }

    fn select(&mut self, row: usize, effects: &mut Vec<Effect>) {
        self.selected = row.min(self.len().saturating_sub(1));
        self.anchor = self
            .selected_lockout()
            .map(|l| (l.uuid.clone(), repeat_key(l)));
        self.scroll_into_view();
        self.request_selected_user(effects);
    }

    fn scroll_into_view(&mut self) {
        self.offset = scroll_offset(self.selected, self.offset, self.len(), self.page_rows());
    }

    /// With the detail open, make sure the selected lockout's user is cached or on its way.
    fn request_selected_user(&mut self, effects: &mut Vec<Effect>) {
        if !self.detail_open {
            return;
        }
        let Some(key) = self.selected_lockout().map(|l| user_key(l).to_string()) else {
            return;
        };
        if !self.users.contains_key(&key) {
            self.users.insert(key.clone(), UserState::Loading);
            effects.push(Effect::LoadUser(key));
        }
    }

    /// Table rows that fit on screen now.
    pub fn page_rows(&self) -> usize {
        view::feed_rows(self)
    }

    // ---- read access for the view and for tests ----

    /// Which bindings apply now.
    pub fn context(&self) -> Context {
        if self.quit_prompt {
            Context::QuitConfirm
        } else if self.help_open {
            Context::Help
        } else if self.training.is_focused() {
            Context::Training
        } else {
            self.screen_context()
        }
    }

    /// Which bindings apply to the screen under the help overlay and the training panel (or
    /// now, without them).
    pub fn screen_context(&self) -> Context {
        if self.quit_prompt {
            Context::QuitConfirm
        } else if self.burst_list.is_some() {
            Context::Bursts
        } else if self.picker.is_some() {
            Context::Instructions
        } else if let Some(audit) = &self.audit {
            if audit.is_editing_filter() {
                Context::AuditFilter
            } else {
                Context::Audit
            }
        } else if let Some(screen) = self.visible_expiries() {
            if screen.is_editing_filter() {
                Context::ExpiriesFilter
            } else {
                Context::Expiries
            }
        } else if let Some(dialog) = self.dialog.as_ref().filter(|_| self.user_view.is_some()) {
            if self.running || self.escalation.is_some() {
                Context::DialogBusy
            } else {
                dialog.context()
            }
        } else if self.user_view.is_some() {
            match self.mode {
                InputMode::Feed => Context::User,
                InputMode::Filter => Context::Find,
                InputMode::Results => Context::Results,
            }
        } else {
            match self.mode {
                InputMode::Feed => Context::Feed,
                InputMode::Filter => Context::Filter,
                InputMode::Results => Context::Results,
            }
        }
    }

    /// Whether the screen offers this key now: the footer and the help show only those.
    /// Read-only mode hides the keys that would change a user (they still say why if
    /// pressed), the training panel is only in `demo`, and the feed's row keys need a row.
    pub fn offers(&self, action: Action) -> bool {
        if action.writes() && self.options.read_only {
            return false;
        }
        let screen = self.screen_context();
        let feed = screen == Context::Feed;
        let on_expiries = screen == Context::Expiries;
        let expiries_row = || {
            self.visible_expiries()
                .is_some_and(|v| v.selected_user().is_some())
        };
        match action {
            Action::ToggleTraining => self.options.training.is_some(),
            // The waiting push asks for a number, or a plain yes: offer the keys that answer it.
            Action::PhoneApprove | Action::PhonePick => self
                .training_subject()
                .and_then(|subject| self.training.prompt(&subject).map(|p| p.choices.is_some()))
                .is_none_or(|numbers| numbers == (action == Action::PhonePick)),
            Action::OpenBursts => !self.bursts.is_empty(),
            Action::OpenInstructions => !self.options.notices.instructions.is_empty(),
            Action::ToggleRepeats => self.selected_user_lockouts().is_some_and(|n| n > 1),
            Action::ToggleDetail | Action::OpenUser | Action::ReloadUser if feed => {
                self.selected().is_some()
            }
            Action::ToggleDetail | Action::OpenUser | Action::StartResetPassword if on_expiries => {
                expiries_row()
            }
            Action::CycleSort => self
                .visible_expiries()
                .is_some_and(|v| v.tab() == Tab::Passwords),
            // The tab it is on already is no place to go.
            Action::ShowPasswords => self
                .visible_expiries()
                .is_some_and(|v| v.tab() != Tab::Passwords),
            Action::ShowContractors => self
                .visible_expiries()
                .is_some_and(|v| v.tab() != Tab::Contractors),
            a if a.writes() && feed => self.selected().is_some(),
            _ => true,
        }
    }

    /// Rows shown (one per user, plus the older lockouts of expanded users).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Lockouts held, filter or not.
    pub fn total(&self) -> usize {
        self.feed.total()
    }

    /// Lockouts the filter keeps (before grouping by user).
    pub fn matching(&self) -> usize {
        self.feed.len()
    }

    /// The lockout on screen row `row` (0 = newest shown).
    pub fn row(&self, row: usize) -> Option<&Lockout> {
        self.rows.get(row).map(|r| self.feed.entry(r.entry))
    }

    /// What screen row `row` stands for: a user's newest lockout, or an older one under it.
    pub fn feed_row(&self, row: usize) -> Option<&FeedRow> {
        self.rows.get(row)
    }

    /// Up to `count` rows from `start`, newest first; only these are ever touched by drawing.
    pub fn rows(&self, start: usize, count: usize) -> impl Iterator<Item = &Lockout> {
        (start..start.saturating_add(count).min(self.len())).filter_map(|row| self.row(row))
    }

    /// The selected row, when there is one.
    pub fn selected(&self) -> Option<usize> {
        (!self.is_empty()).then_some(self.selected)
    }

    pub fn selected_lockout(&self) -> Option<&Lockout> {
        self.row(self.selected)
    }

    /// The first row on screen.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// How many lockouts in the feed are for this lockout's login.
    pub fn repeats(&self, lockout: &Lockout) -> usize {
        self.feed.repeats(lockout)
    }

    /// What happened to this lockout since: a handled mark, or the user's status as fetched
    /// after it.
    pub fn mark(&self, lockout: &Lockout) -> RowMark<'_> {
        let handled = lockout
            .user_id
            .as_deref()
            .and_then(|id| self.handled.get(id));
        let mark = RowMark::of(lockout, handled, self.known.get(lockout));
        // A colleague on the call now says more than anything from before they took it.
        if let Some(claim) = lockout
            .user_id
            .as_deref()
            .and_then(|id| self.claims.held_by_other(id, self.now))
            && !matches!(mark, RowMark::Handled(h) if h.at >= claim.claimed_at)
        {
            return RowMark::OnCall(claim);
        }
        mark
    }

    /// Whether the row comes from an IP that is spraying now.
    pub fn in_burst(&self, lockout: &Lockout) -> bool {
        burst_rows::marked(lockout, &self.bursts, self.now)
    }

    /// "Still locked only" is on.
    pub fn still_locked_only(&self) -> bool {
        self.still_locked_only
    }

    /// Users "still locked only" leaves out.
    pub fn hidden_users(&self) -> usize {
        self.rows.hidden()
    }

    /// The burst list's lines: each burst, with its lockouts under it.
    pub fn burst_lines(&self) -> Vec<ListLine<'_>> {
        let horizon = self.options.bursts.horizon(self.now);
        burst_rows::list(&self.feed, &self.bursts, horizon, self.now)
    }

    /// The burst list's selected line, when it is open.
    pub fn burst_list(&self) -> Option<usize> {
        self.burst_list
    }

    /// The filter in force (trimmed), if any: until the first key after `/`, the old one.
    pub fn filter(&self) -> Option<&str> {
        let text = match (&self.filter_was, self.mode) {
            (Some(was), InputMode::Filter | InputMode::Results)
                if self.filter.value().is_empty() =>
            {
                was.as_str()
            }
            _ => self.filter.value(),
        };
        Some(text.trim()).filter(|f| !f.is_empty())
    }

    /// The filter `/` is replacing, shown dimmed in the empty box until a key is typed.
    pub fn filter_was(&self) -> Option<&str> {
        self.filter_was
            .as_deref()
            .filter(|_| self.filter.value().is_empty() && !self.is_finding())
    }

    /// The text box being edited: the find-a-user box over the user screen, else the filter.
    pub fn filter_input(&self) -> &Input {
        if self.is_finding() {
            &self.find
        } else {
            &self.filter
        }
    }

    /// The filter box (or the find-a-user box) is open: the text or its directory matches
    /// have the focus.
    pub fn is_editing_filter(&self) -> bool {
        self.mode != InputMode::Feed
            && self.audit.is_none()
            && self.visible_expiries().is_none()
            && (self.user_view.is_none() || self.dialog.is_none())
    }

    /// The find-a-user box over the user screen is open.
    pub fn is_finding(&self) -> bool {
        self.user_view.is_some() && self.mode != InputMode::Feed
    }

    /// When the poller started failing; `None` while the feed receives.
    pub fn failing_since(&self) -> Option<DateTime<Utc>> {
        self.failing_since
    }

    /// The help's first line on screen.
    pub fn help_scroll(&self) -> usize {
        self.help_scroll
    }

    /// The user screen's scrolled lists.
    pub fn user_scroll(&self) -> &UserScroll {
        &self.user_scroll
    }

    /// Demo only: the training panel.
    pub fn training(&self) -> &TrainingPanel {
        &self.training
    }

    /// Whose phone the open training panel shows: the dialog's user, else the user screen's,
    /// else the selected lockout's. `None` while the panel is closed.
    pub fn training_subject(&self) -> Option<String> {
        if !self.training.is_open() {
            return None;
        }
        if let Some(dialog) = &self.dialog {
            return Some(dialog.target().user_id.clone());
        }
        if let Some(open) = &self.user_view {
            return Some(open.key.clone());
        }
        self.selected_lockout().map(|l| user_key(l).to_string())
    }

    /// The directory matches have the focus.
    pub fn in_results(&self) -> bool {
        self.mode == InputMode::Results
    }

    /// The directory search behind the filter box.
    pub fn search(&self) -> &DirectorySearch {
        &self.search
    }

    /// The user screen's user, when it is open.
    pub fn open_user_view(&self) -> Option<&OpenUser> {
        self.user_view.as_ref()
    }

    /// The open user's profile, as far as it got.
    pub fn open_profile(&self) -> Option<&ProfileState> {
        self.profiles.get(&self.user_view.as_ref()?.key)
    }

    /// A cached profile.
    pub fn profile(&self, key: &str) -> Option<&ProfileState> {
        self.profiles.get(key)
    }

    /// The verification dialog, when open.
    pub fn dialog(&self) -> Option<&VerifyDialog> {
        self.dialog.as_ref()
    }

    /// The audit screen, when open.
    pub fn audit(&self) -> Option<&AuditView> {
        self.audit.as_ref()
    }

    /// The expiries screen, when open (on screen or under a user screen opened from it).
    pub fn expiries(&self) -> Option<&ExpiriesView> {
        self.expiries.as_ref()
    }

    /// The expiries screen, when it is the screen on view (the audit log aside).
    pub fn visible_expiries(&self) -> Option<&ExpiriesView> {
        self.expiries
            .as_ref()
            .filter(|_| self.user_view.is_none() || self.expiries_on_top)
    }

    /// What the expiry scanner reported so far.
    pub fn scan_data(&self) -> &ScanData {
        &self.scan
    }

    /// The verified action is on its way to the IdP.
    pub fn is_running(&self) -> bool {
        self.running
    }

    /// The escalation's reason, while it is being written to the audit log.
    pub fn escalation_pending(&self) -> Option<&str> {
        self.escalation.as_deref()
    }

    /// The quit prompt is open.
    pub fn quit_prompt_open(&self) -> bool {
        self.quit_prompt
    }

    /// What was done about this user (by id) this session, if anything.
    pub fn handled(&self, user_id: &str) -> Option<&Handled> {
        self.handled.get(user_id)
    }

    /// The sentence for the agent in the status bar, if any.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    pub fn help_open(&self) -> bool {
        self.help_open
    }

    pub fn detail_open(&self) -> bool {
        self.detail_open
    }

    /// The poller's latest health (its configured interval until the first report).
    pub fn health(&self) -> &PollHealth {
        &self.health
    }

    /// Whether the poller has reported at least once.
    pub fn has_polled(&self) -> bool {
        self.polled
    }

    pub fn feed_closed(&self) -> bool {
        self.feed_closed
    }

    /// The cached state of a lockout's user.
    pub fn user(&self, lockout: &Lockout) -> Option<&UserState> {
        self.users.get(user_key(lockout))
    }

    /// Bursts active at `now`.
    pub fn bursts(&self) -> &[Burst] {
        &self.bursts
    }

    /// Where the feed begins: the start less the poller's look-back.
    pub fn feed_since(&self) -> DateTime<Utc> {
        self.started_at - chrono::Duration::from_std(self.options.lookback).unwrap_or_default()
    }

    /// The terminal size last reported with [`Msg::Resize`].
    pub fn size(&self) -> (u16, u16) {
        self.size
    }

    /// Whether something changed since the last [`App::take_dirty`].
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// Whether to redraw; clears the flag.
    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }
}

/// The status line after an action: what the IdP did, and every factor that went (those
/// Okta took along included), from what the runner saw gone.
pub fn outcome_line(report: &ActionReport) -> String {
    let removed: Vec<String> = report
        .removed
        .iter()
        .map(|f| describe_distinct(f, &report.removed))
        .collect();
    match (&report.result, removed.is_empty()) {
        (Ok(done), true) => done.clone(),
        (Ok(done), false) => format!("{done} — removed: {}", removed.join(", ")),
        (Err(error), true) => format!("IdP error: {error}"),
        (Err(error), false) => format!(
            "IdP error: {error} — removed before it: {}",
            removed.join(", ")
        ),
    }
}

mod picker_keys;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod training_tests;

#[cfg(test)]
mod feed_tests;

#[cfg(test)]
mod expiries_tests;

#[cfg(test)]
mod keys_fuzz_tests;
