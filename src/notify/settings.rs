//! How notices are sent (`[notices]`, `[smtp]`, `[webhook]`, `[[instructions]]`), as the
//! configuration resolves them. Secrets (the SMTP password, the webhook URL, which for Slack
//! and Teams is itself the credential) come from the environment and are never printed.

use chrono::{Duration, NaiveTime};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use url::Url;

use super::ChannelKind;

/// `[notices]`: who the notices come from and how they read.
#[derive(Debug, Clone)]
pub struct NoticeSettings {
    /// Signs every notice: "IT Service Desk".
    pub desk_name: String,
    /// How to reach the desk: "+1 555 0100, helpdesk@example.com".
    pub desk_contact: String,
    /// The From of every e-mail: "IT Service Desk <helpdesk@example.com>".
    pub from: String,
    /// The right-hand side of every Message-ID (the From's domain unless set).
    pub message_id_domain: String,
    /// The base of answer links (`watch --listen`'s address as the users reach it, e.g. behind
    /// a reverse proxy); links are `{public_url}/answer/{token}`.
    pub public_url: Option<Url>,
    /// Where the user self-service unlock and reset lives (named in lockout notices).
    pub self_service_url: Option<Url>,
    /// Answer links expire after this long.
    pub link_valid_for: Duration,
    /// Reminders with answer buttons, or carrying only the self-service instructions.
    pub reminder_style: ReminderStyle,
    /// Where user-facing notices go: e-mail when `[smtp]` is configured, else JSON lines.
    pub user_channel: ChannelKind,
    /// Where alerts go: the webhook when `[webhook]` is configured, else JSON lines.
    pub alert_channel: ChannelKind,
    /// A folder of template overrides (`lockout_notice.txt`, `lockout_notice.html`, …);
    /// missing files fall back to the built-in templates.
    pub templates_dir: Option<std::path::PathBuf>,
    /// After this many failed attempts the help-desk channel is told a notice is still being
    /// retried (retries go on for `delivery::GIVE_UP_AFTER`).
    pub max_attempts: u32,
    /// When the help-desk channel gets the daily summary (in the reminders' zone).
    pub daily_summary_at: Option<NaiveTime>,
}

impl Default for NoticeSettings {
    fn default() -> Self {
        Self {
            desk_name: "IT Service Desk".into(),
            desk_contact: "your IT service desk".into(),
            from: "IT Service Desk <helpdesk@localhost>".into(),
            message_id_domain: "localhost".into(),
            public_url: None,
            self_service_url: None,
            link_valid_for: Duration::days(14),
            reminder_style: ReminderStyle::Answers,
            user_channel: ChannelKind::JsonLines,
            alert_channel: ChannelKind::JsonLines,
            templates_dir: None,
            max_attempts: 8,
            daily_summary_at: NaiveTime::from_hms_opt(17, 0, 0),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderStyle {
    /// Answer buttons (*Already updated*, *Remind me later*, …).
    Answers,
    /// Only the configured self-service instructions, no buttons (24 hours quiet after each).
    Instructions,
}

/// `[smtp]`: the mail relay.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    /// `ACCESSDESK_SMTP_USERNAME` (or `smtp.username`) and `ACCESSDESK_SMTP_PASSWORD`.
    pub username: Option<String>,
    pub password: Option<SecretString>,
    pub timeout: std::time::Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS (required), usually port 587.
    Starttls,
    /// TLS from the first byte, usually port 465.
    Tls,
    /// No TLS: allowed only to a loopback host (a local relay, tests).
    None,
}

/// `[webhook]`: the help-desk channel.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// `ACCESSDESK_WEBHOOK_URL` or `webhook.url` (a file holding it must be private).
    pub url: SecretString,
    pub format: WebhookFormat,
    pub timeout: std::time::Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WebhookFormat {
    /// Slack incoming webhook: `text` plus Block Kit `blocks`.
    Slack,
    /// Microsoft Teams Workflows webhook: a message with one Adaptive Card attachment.
    Teams,
}

/// What an instruction helps with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    Unlock,
    Password,
    Mfa,
    /// For managers: extending a contractor's access.
    ContractExtend,
    /// For managers: ending a contractor's access.
    ContractTerminate,
}

impl Problem {
    pub fn as_str(self) -> &'static str {
        match self {
            Problem::Unlock => "unlock",
            Problem::Password => "password",
            Problem::Mfa => "mfa",
            Problem::ContractExtend => "contract_extend",
            Problem::ContractTerminate => "contract_terminate",
        }
    }
}

/// One `[[instructions]]` entry: self-service steps for what the IdP cannot do for the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instruction {
    /// A short stable id (`vpn-unlock`), named by `--send` and in the outbox key.
    pub id: String,
    /// The system it is about: "Okta", "VPN", "SAP".
    pub system: String,
    pub problem: Problem,
    pub title: String,
    pub steps: Vec<String>,
    pub kb_url: Option<String>,
}

impl Instruction {
    /// Whether every word of `query` appears (case-insensitively) in the id, system, problem,
    /// title or steps.
    pub fn matches(&self, query: &str) -> bool {
        let haystack = format!(
            "{} {} {} {} {}",
            self.id,
            self.system,
            self.problem.as_str(),
            self.title,
            self.steps.join(" ")
        )
        .to_lowercase();
        query
            .split_whitespace()
            .all(|word| haystack.contains(&word.to_lowercase()))
    }
}
