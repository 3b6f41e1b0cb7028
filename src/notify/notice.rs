//! A notice as the outbox stores it: fully composed (subject, text, HTML, answer links) before
//! it is written, so what is delivered after a restart is exactly what was queued.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What a notice is about (the outbox's `kind` column and the metrics' `kind` label).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// To the locked user: when, where, how to unlock themselves, *This wasn't me*.
    LockoutNotice,
    PasswordReminder,
    PasswordExpired,
    /// To a manager: their contractors whose contracts end soon.
    ContractorDigest,
    /// To the user on every address of record after an unlock, password or MFA reset done
    /// through accessdesk.
    ActionNotice,
    /// To the manager after an MFA reset of one of their reports.
    ManagerActionNotice,
    /// Self-service instructions an agent sent to a user.
    Instructions,
    /// To the help-desk channel: bursts, *This wasn't me* reports, escalations, delivery
    /// failures, the daily summary.
    Alert,
    /// To the ticket an action was checked against: its outcome, as a work note (ServiceNow)
    /// or internal comment (Jira). Composed from the audit record, never from a template.
    TicketNote,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 9] = [
        NoticeKind::LockoutNotice,
        NoticeKind::PasswordReminder,
        NoticeKind::PasswordExpired,
        NoticeKind::ContractorDigest,
        NoticeKind::ActionNotice,
        NoticeKind::ManagerActionNotice,
        NoticeKind::Instructions,
        NoticeKind::Alert,
        NoticeKind::TicketNote,
    ];

    /// The kinds composed from templates (a ticket note is written from the audit record).
    pub const TEMPLATED: [NoticeKind; 8] = [
        NoticeKind::LockoutNotice,
        NoticeKind::PasswordReminder,
        NoticeKind::PasswordExpired,
        NoticeKind::ContractorDigest,
        NoticeKind::ActionNotice,
        NoticeKind::ManagerActionNotice,
        NoticeKind::Instructions,
        NoticeKind::Alert,
    ];

    /// The stable name (database, JSON, metrics label).
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::LockoutNotice => "lockout_notice",
            NoticeKind::PasswordReminder => "password_reminder",
            NoticeKind::PasswordExpired => "password_expired",
            NoticeKind::ContractorDigest => "contractor_digest",
            NoticeKind::ActionNotice => "action_notice",
            NoticeKind::ManagerActionNotice => "manager_action_notice",
            NoticeKind::Instructions => "instructions",
            NoticeKind::Alert => "alert",
            NoticeKind::TicketNote => "ticket_note",
        }
    }

    pub fn from_name(name: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// Whether it goes to a person (e-mail when configured) rather than the help-desk channel.
    pub fn is_user_facing(self) -> bool {
        !matches!(self, NoticeKind::Alert | NoticeKind::TicketNote)
    }
}

/// Where a notice is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    Email,
    Webhook,
    /// One JSON object per line on stdout (the default, for scripts and tests).
    JsonLines,
    /// The configured ticketing system (`[tickets]`): a note on the ticket named in `to`.
    Ticket,
}

impl ChannelKind {
    pub const ALL: [ChannelKind; 4] = [
        ChannelKind::Email,
        ChannelKind::Webhook,
        ChannelKind::JsonLines,
        ChannelKind::Ticket,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Email => "email",
            ChannelKind::Webhook => "webhook",
            ChannelKind::JsonLines => "jsonl",
            ChannelKind::Ticket => "ticket",
        }
    }

    pub fn from_name(name: &str) -> Option<ChannelKind> {
        ChannelKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// What makes a notice the same notice: (user, kind, stage, cycle). Writing a second notice
/// with an existing key is a no-op, which is what makes delivery exactly-once across restarts.
///
/// - lockout notice: (user id, lockout_notice, "", the lockout event's uuid)
/// - password reminder: (user id, password_reminder, days before expiry, passwordChanged)
/// - expired notice: (user id, password_expired, "", passwordChanged)
/// - contractor digest: (manager id, contractor_digest, "", the digest's date)
/// - after an action: (user id, action_notice / manager_action_notice, the audit action
///   name, the audit record's seq)
/// - instructions: (user id, instructions, instruction id, a fresh uuid)
/// - alert: ("desk", alert, the alert's kind, what it is about)
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub struct IdempotencyKey {
    pub user: String,
    pub kind: NoticeKind,
    pub stage: String,
    pub cycle: String,
}

impl IdempotencyKey {
    pub fn new(
        user: impl Into<String>,
        kind: NoticeKind,
        stage: impl Into<String>,
        cycle: impl Into<String>,
    ) -> Self {
        Self {
            user: user.into(),
            kind,
            stage: stage.into(),
            cycle: cycle.into(),
        }
    }

    /// The one-string form stored in the outbox's primary key: `user|kind|stage|cycle`.
    pub fn as_string(&self) -> String {
        format!(
            "{}|{}|{}|{}",
            self.user,
            self.kind.as_str(),
            self.stage,
            self.cycle
        )
    }

    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.splitn(4, '|');
        let user = parts.next()?;
        let kind = NoticeKind::from_name(parts.next()?)?;
        let stage = parts.next()?;
        let cycle = parts.next()?;
        Some(Self::new(user, kind, stage, cycle))
    }

    /// A stable RFC 5322 `Message-ID` for this key (without the angle brackets): a resend
    /// after a crash carries the same one, so mail systems and people can tell it is a repeat.
    pub fn message_id(&self, domain: &str) -> String {
        let digest = Sha256::digest(self.as_string().as_bytes());
        let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
        format!("{hex}.accessdesk@{domain}")
    }
}

impl std::fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.as_string())
    }
}

/// A person a notice goes to, with every address of record (the first is `profile.email`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub user_id: String,
    pub login: String,
    pub name: String,
    pub addresses: Vec<String>,
}

impl Recipient {
    /// `user` as a recipient: `profile.email` first, then (with `every_address`, for the
    /// notices that go to every address of record) `secondEmail` when it differs. `None`
    /// when the user has no e-mail address to send to.
    pub fn from_user(user: &crate::model::User, every_address: bool) -> Option<Recipient> {
        let email = user
            .email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())?;
        let mut addresses = vec![email.to_string()];
        if every_address
            && let Some(second) = user
                .second_email
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty() && !s.eq_ignore_ascii_case(email))
        {
            addresses.push(second.to_string());
        }
        Some(Recipient {
            user_id: user.id.clone(),
            login: user.login.clone(),
            name: user.name(),
            addresses,
        })
    }
}

/// One answer link in a notice (the URL holds a signed token: never log it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeLink {
    /// The button's label, e.g. "Already updated".
    pub label: String,
    pub url: String,
}

/// A composed notice, ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub key: IdempotencyKey,
    pub kind: NoticeKind,
    pub channel: ChannelKind,
    /// The user the notice is about (for an alert, the user concerned if any).
    pub user_id: Option<String>,
    pub login: Option<String>,
    /// E-mail addresses (empty for the help-desk channel).
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    /// Label/value pairs an alert shows as fields (Slack blocks, Adaptive Card facts).
    pub facts: Vec<(String, String)>,
    pub links: Vec<NoticeLink>,
    /// Not before this instant (a reminder's send slot; now for the others).
    pub due_at: DateTime<Utc>,
    /// A reminder that carried only self-service instructions (no answer buttons): the
    /// schedule keeps 24 hours quiet after it.
    pub instructions_only: bool,
}
