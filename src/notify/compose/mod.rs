//! Composing notices: subject, plain text and HTML from templates (built in, each overridable
//! by a file in `notices.templates_dir`), with the answer links each kind offers. Values from
//! the IdP are escaped in HTML and stripped of control characters in text.
//! Nothing secret can get in: a notice names what was done, never a token, URL or code.

mod action;
mod build;
mod desk;
mod digest;
mod lockout;
mod password;
mod render;
#[cfg(test)]
mod safety_tests;
mod secrets;
mod templates;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use desk::DESK;
pub use password::password_cycle;
pub use render::{clean_text, escape_html};
pub use secrets::find_secret_in;
use templates::Templates;
pub use templates::allowed as template_placeholders;

use super::links::AnswerKey;
use super::{Instruction, Notice, NoticeSettings, Recipient};
use crate::model::{Action, Lockout, PasswordExpiryRow};
use crate::policy::schedule::{Digest, Due};

/// What an agent's action did, for the notices after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionDone {
    pub action: Action,
    /// The audit record of the action (its seq is the notice's cycle).
    pub audit_seq: i64,
    pub at: DateTime<Utc>,
    /// The factors removed, as the agent recognises them ("Okta Verify push").
    pub factors_removed: Vec<String>,
    pub ticket: Option<String>,
}

/// What an alert to the help-desk channel is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    Burst,
    NotMe,
    Escalation,
    DeliveryFailure,
    DailySummary,
    TicketRequested,
}

impl AlertKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::Burst => "burst",
            AlertKind::NotMe => "not_me",
            AlertKind::Escalation => "escalation",
            AlertKind::DeliveryFailure => "delivery_failure",
            AlertKind::DailySummary => "daily_summary",
            AlertKind::TicketRequested => "ticket_requested",
        }
    }
}

/// One alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    pub kind: AlertKind,
    /// What makes it unique (the alert key's cycle): an event uuid, a date, a burst's start.
    pub about: String,
    pub title: String,
    pub user_id: Option<String>,
    pub login: Option<String>,
    pub facts: Vec<(String, String)>,
}

#[derive(Debug, Error)]
pub enum ComposeError {
    #[error("template {path} cannot be read: {message}")]
    Template {
        path: std::path::PathBuf,
        message: String,
    },
}

/// Builds every kind of notice with the desk's settings, templates and link key.
#[derive(Debug, Clone)]
pub struct Composer {
    settings: NoticeSettings,
    instructions: Vec<Instruction>,
    key: AnswerKey,
    templates: Templates,
    /// Where times and days are read (the reminders' zone; UTC unless `with_zone`).
    zone: Tz,
}

impl Composer {
    /// Reads the template overrides now, so a broken one is reported at start.
    pub fn new(
        settings: NoticeSettings,
        instructions: Vec<Instruction>,
        key: AnswerKey,
    ) -> Result<Composer, ComposeError> {
        let templates = Templates::load(settings.templates_dir.as_deref())?;
        Ok(Composer {
            settings,
            instructions,
            key,
            templates,
            zone: chrono_tz::UTC,
        })
    }

    /// Times and days read in `zone` (besides UTC): pass the schedule's zone
    /// (`ScheduleRules::zone`), so people read the hours their reminders are planned in.
    pub fn with_zone(mut self, zone: Tz) -> Composer {
        self.zone = zone;
        self
    }

    pub fn zone(&self) -> Tz {
        self.zone
    }

    pub fn settings(&self) -> &NoticeSettings {
        &self.settings
    }

    pub fn key(&self) -> &AnswerKey {
        &self.key
    }

    pub fn instructions(&self) -> &[Instruction] {
        &self.instructions
    }

    /// To the locked user: when, where from, how to unlock themselves, *This wasn't me*.
    pub fn lockout_notice(&self, lockout: &Lockout, to: &Recipient, now: DateTime<Utc>) -> Notice {
        lockout::notice(self, lockout, to, now)
    }

    /// A password reminder (`due.kind` PasswordReminder) or the expired notice
    /// (PasswordExpired), due at `due.send_at`.
    pub fn password_notice(
        &self,
        row: &PasswordExpiryRow,
        due: &Due,
        to: &Recipient,
        now: DateTime<Utc>,
    ) -> Notice {
        password::notice(self, row, due, to, now)
    }

    /// The day's digest to a manager.
    pub fn contractor_digest(
        &self,
        digest: &Digest,
        manager: &Recipient,
        now: DateTime<Utc>,
    ) -> Notice {
        digest::notice(self, digest, manager, now)
    }

    /// To the user, on every address of record, after an action done through accessdesk.
    pub fn action_notice(&self, done: &ActionDone, to: &Recipient, now: DateTime<Utc>) -> Notice {
        action::to_user(self, done, to, now)
    }

    /// To the manager after an MFA reset of `user`.
    pub fn manager_action_notice(
        &self,
        done: &ActionDone,
        user: &Recipient,
        manager: &Recipient,
        now: DateTime<Utc>,
    ) -> Notice {
        action::to_manager(self, done, user, manager, now)
    }

    /// Self-service instructions an agent sends to a user.
    pub fn instructions_notice(
        &self,
        instruction: &Instruction,
        to: &Recipient,
        now: DateTime<Utc>,
    ) -> Notice {
        desk::instructions(self, instruction, to, now)
    }

    /// An alert to the help-desk channel.
    pub fn alert(&self, alert: &Alert, now: DateTime<Utc>) -> Notice {
        desk::alert(self, alert, now)
    }
}
