//! The one message type through [`App::update`](super::App::update).

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

use super::audit_view::AuditSnapshot;
use super::notice_board::OutboxSnapshot;
use crate::model::{Action, ChallengeResult, Factor, User};
use crate::policy::gate::PossessionEvidence;
use crate::services::FeedEvent;
use crate::services::expiry_scanner::ScanEvent;
use crate::services::user_profile::UserProfile;
use crate::sim::training::{Phone, PushOutcome};

/// How a verified action ended, for the status line and the feed's handled marks.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionReport {
    pub action: Action,
    pub user_id: String,
    pub login: String,
    /// When it finished (the loop's clock).
    pub at: DateTime<Utc>,
    /// What happened, in a sentence (`Err`: the IdP's error, with its request id).
    pub result: Result<String, String>,
    /// The audit record's number, when it was written.
    pub audit_seq: Option<i64>,
    /// Every factor the action removed (chosen, and taken along by the IdP).
    pub removed: Vec<Factor>,
}

/// Everything that can change the dashboard's state.
#[derive(Debug, Clone)]
#[allow(
    clippy::large_enum_variant,
    reason = "messages are transient (moved once through a small channel); boxing the user \
              would only add an allocation"
)]
pub enum Msg {
    /// A key press (only presses; releases are dropped by the loop).
    Key(KeyEvent),
    /// The terminal's new size.
    Resize {
        width: u16,
        height: u16,
    },
    /// The 1 Hz clock; sets `app.now`.
    Tick(DateTime<Utc>),
    /// A report from the lockout poller.
    Feed(FeedEvent),
    /// The poller's channel closed: no more lockouts will arrive.
    FeedClosed,
    /// The answer to [`Effect::LoadUser`](super::Effect::LoadUser); the error is already
    /// phrased for a person.
    UserLoaded {
        user_id: String,
        result: Result<User, String>,
    },
    /// The answer to [`Effect::LoadProfile`](super::Effect::LoadProfile) for `key`; the error
    /// is already phrased for a person.
    ProfileLoaded {
        key: String,
        result: Result<Box<UserProfile>, String>,
    },
    /// The answer to [`Effect::SearchUsers`](super::Effect::SearchUsers) number `seq`.
    SearchResults {
        seq: u64,
        result: Result<Vec<User>, String>,
    },
    /// The push asked for with [`Effect::Challenge`](super::Effect::Challenge) reached the
    /// device at `since` and waits for an answer; with number matching, the caller must pick
    /// `correct_answer`.
    PushWaiting {
        since: DateTime<Utc>,
        correct_answer: Option<u32>,
    },
    /// The push ended; `evidence` is `None` when it could not be sent (the error is in
    /// `message`).
    PushDone {
        result: ChallengeResult,
        evidence: Option<PossessionEvidence>,
        message: Option<String>,
    },
    /// The push could not be sent: `reason` says why, for the agent. `no_push_factor` names
    /// the approver (user or manager) who has no active Okta Verify push, when that was why —
    /// the manager's factors are known only once the loop looks for them.
    PushNotSent {
        reason: String,
        no_push_factor: Option<String>,
    },
    /// The IdP sent the one-time code asked for (`error`: it could not, phrased for a person).
    CodeSent {
        error: Option<String>,
    },
    /// The IdP checked the code the caller read out; `evidence` is `None` when it could not
    /// (the error is in `message`).
    CodeChecked {
        result: ChallengeResult,
        evidence: Option<PossessionEvidence>,
        message: Option<String>,
    },
    /// The answer to [`Effect::RunAction`](super::Effect::RunAction) on the user cached under
    /// `key`.
    ActionDone {
        key: String,
        report: ActionReport,
    },
    /// The answer to [`Effect::LoadAudit`](super::Effect::LoadAudit); the error is already
    /// phrased for a person.
    AuditLoaded(Result<AuditSnapshot, String>),
    /// The answer to [`Effect::RecordEscalation`](super::Effect::RecordEscalation) for
    /// `user_id`: the audit record's number, or why it could not be written.
    EscalationRecorded {
        user_id: String,
        result: Result<i64, String>,
    },
    /// An audit record could not be written: the sentence for the agent.
    AuditFailed(String),
    /// A report from the expiry scanner (stored data at start, progress, a result, a failure).
    Expiries(ScanEvent),
    /// Demo only: the simulated phones of `subject` (the training panel's user) as they are
    /// now; the error is phrased for a person.
    Training {
        subject: String,
        phones: Result<Vec<Phone>, String>,
    },
    /// Demo only: how the trainee's tap on the simulated phone went.
    TrainingAnswered(Result<PushOutcome, String>),
    /// A read of the outbox (every few seconds); the error is phrased for a person.
    Outbox(Result<OutboxSnapshot, String>),
    /// The answer to [`Effect::SendInstructions`](super::Effect::SendInstructions): what was
    /// queued, or why nothing was, in a sentence.
    InstructionsSent(Result<String, String>),
    /// The answer to [`Effect::LoadOpenTickets`](super::Effect::LoadOpenTickets) for the
    /// dialog on `user_id`: newest first, or why not.
    OpenTickets {
        user_id: String,
        result: Result<Vec<crate::tickets::Ticket>, String>,
    },
    /// The answer to [`Effect::LookupTicket`](super::Effect::LookupTicket).
    TicketLooked {
        user_id: String,
        lookup: crate::policy::gate::TicketLookup,
    },
    /// The answer to [`Effect::CreateTicket`](super::Effect::CreateTicket): the new ticket,
    /// or why it could not be opened.
    TicketCreated {
        user_id: String,
        result: Result<crate::tickets::Ticket, String>,
    },
    /// What became of a work note written after the dialog closed, for the status line.
    TicketNoted(String),
    /// Team mode: the desk's claims as they are now (at start, on every change, and every few
    /// seconds).
    Claims(Vec<crate::team::claims::Claim>),
    /// Team mode: the answer to [`Effect::Claim`](super::Effect::Claim) on `key` when it did
    /// not succeed: a colleague holds it (`holder`), or the desk could not be asked (`error`,
    /// phrased for a person).
    ClaimNotTaken {
        key: String,
        holder: Option<crate::team::claims::Claim>,
        error: String,
    },
    Quit,
}
