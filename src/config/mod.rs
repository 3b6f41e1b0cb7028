//! Configuration: defaults < file < environment < flags.
//!
//! The file is TOML in the platform's config directory (or `--config` / `ACCESSDESK_CONFIG`).
//! The API token comes from the environment (`OKTA_CLIENT_TOKEN`, the Okta SDKs' name, or
//! `ACCESSDESK_TOKEN`); a file holding one must be private to its owner or we warn.

use secrecy::SecretString;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;
use thiserror::Error;
use url::Url;

mod agent_name;
mod expiries;
mod instructions;
mod local_zone;
mod notices;
mod pingone;
mod plain_http;
mod source;
mod team;
mod tickets;
mod verification;

pub use local_zone::local_zone;
pub use pingone::PingOneConfig;
pub use plain_http::PlainHttpAllowance;
pub use source::{Source, Sources};
pub use verification::MfaResetMode;

use crate::notify::{Instruction, NoticeSettings, SmtpSettings, WebhookSettings};
use crate::policy::bursts::BurstRules;
use crate::policy::gate::GatePolicy;
use crate::policy::schedule::ScheduleRules;
use crate::services::expiry_scanner::ScanSettings;

/// Allowed range of the lockout poll interval, in seconds.
pub const POLL_INTERVAL_RANGE: std::ops::RangeInclusive<u64> = 1..=3600;
/// Allowed range of the first poll's look-back, in minutes (Okta rejects more than 180 days).
pub const LOOKBACK_RANGE: std::ops::RangeInclusive<u64> = 0..=7 * 24 * 60;

/// The effective configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the file came from, if one was read.
    pub source: Option<PathBuf>,
    /// Which identity provider to talk to (`idp`, `ACCESSDESK_IDP`, `--idp`).
    pub idp: crate::idp::Provider,
    /// `[pingone]` and `PINGONE_*`.
    pub pingone: PingOneConfig,
    pub org_url: Option<Url>,
    /// Never printed: `SecretString`'s `Debug` redacts it.
    pub token: Option<SecretString>,
    pub poll_interval: Duration,
    pub lookback: Duration,
    pub bursts: BurstRules,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// `http.allow_plain_http`: hosts other than this machine that may be plain http.
    pub plain_http: PlainHttpAllowance,
    /// `[tickets]`: the ticketing system tickets are checked against, if any.
    pub tickets: crate::tickets::TicketSettings,
    /// `[team]`: the desk's shared PostgreSQL; none: this agent's own SQLite files.
    pub team: Option<crate::team::TeamSettings>,
    pub data_dir: PathBuf,
    /// What the verification gate asks before each action.
    pub gate: GatePolicy,
    pub mfa_reset_mode: MfaResetMode,
    /// Supervisor role or `--read-only`: no write request can be made.
    pub read_only: bool,
    /// Who the audit log names as the agent: `agent.name`, else `$USER`, `$LOGNAME`, the OS
    /// account; `sources.get("agent.name")` says which.
    pub agent_name: String,
    /// How the expiry scanner runs (`[expiries]`).
    pub expiries: ScanSettings,
    /// When reminders and notices are due (`[reminders]`).
    pub reminders: ScheduleRules,
    /// How notices read and where they go (`[notices]`).
    pub notices: NoticeSettings,
    /// The mail relay (`[smtp]`); none: user notices go to JSON lines.
    pub smtp: Option<SmtpSettings>,
    /// The help-desk channel (`[webhook]`); none: alerts go to JSON lines.
    pub webhook: Option<WebhookSettings>,
    /// Self-service instructions (`[[instructions]]`).
    pub instructions: Vec<Instruction>,
    /// `[watch] listen`: where `watch` serves answer links, `/healthz` and `/metrics` when no
    /// `--listen` is given.
    pub watch_listen: Option<std::net::SocketAddr>,
    /// `ACCESSDESK_HOOK_SECRET`: the shared secret Okta sends with every event hook call;
    /// without it `watch` accepts no hooks.
    pub hook_secret: Option<SecretString>,
    /// `[watch] hook_backstop_secs`: the polling interval while hooks deliver.
    pub hook_backstop: Duration,
    /// `ACCESSDESK_ANSWER_KEY`, the answer links' HMAC key, when set (else a key file in the
    /// data directory).
    pub answer_key: Option<SecretString>,
    /// Where each setting came from.
    pub sources: Sources,
    /// Warnings to show the user (e.g. a token in a world-readable file).
    pub warnings: Vec<String>,
}

/// A configuration problem, phrased so the user can fix it.
#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("{key} = {value:?} is not allowed: {allowed}")]
    Invalid {
        key: String,
        value: String,
        allowed: String,
    },
    /// A value from the config file: the same, naming the file.
    #[error("{key} = {value:?} in {path} is not allowed: {allowed}")]
    InvalidInFile {
        path: PathBuf,
        key: String,
        value: String,
        allowed: String,
    },
    #[error(
        "config file {path} does not exist (named by {named_by}): create it, point {named_by} \
         at an existing file, or leave {named_by} out to use the default location"
    )]
    Missing {
        path: PathBuf,
        named_by: &'static str,
    },
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error(
        "no home directory found to place the config and data directories; pass --config and --data-dir"
    )]
    NoHome,
}

/// What the command line says, the highest layer.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub config_file: Option<PathBuf>,
    pub data_dir: Option<PathBuf>,
    /// `--idp okta|pingone`.
    pub idp: Option<String>,
    pub org_url: Option<String>,
    pub poll_interval_secs: Option<u64>,
    pub read_only: bool,
}

/// The file layer, exactly as written in TOML.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    idp: Option<String>,
    #[serde(default)]
    okta: FileOkta,
    #[serde(default)]
    pingone: pingone::FilePingOne,
    #[serde(default)]
    lockouts: FileLockouts,
    #[serde(default)]
    http: FileHttp,
    #[serde(default)]
    storage: FileStorage,
    #[serde(default)]
    verification: verification::FileVerification,
    #[serde(default)]
    actions: verification::FileActions,
    #[serde(default)]
    agent: FileAgent,
    #[serde(default)]
    expiries: expiries::FileExpiries,
    #[serde(default)]
    reminders: expiries::FileReminders,
    #[serde(default)]
    notices: notices::FileNotices,
    smtp: Option<notices::FileSmtp>,
    webhook: Option<notices::FileWebhook>,
    #[serde(default)]
    watch: notices::FileWatch,
    #[serde(default)]
    instructions: Vec<instructions::FileInstruction>,
    #[serde(default)]
    tickets: tickets::FileTickets,
    #[serde(default)]
    team: team::FileTeam,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileAgent {
    role: Option<Role>,
    name: Option<String>,
}

/// What the person at the keyboard may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Role {
    /// Looks up users and runs verified actions.
    Agent,
    /// Watches the feed: read-only.
    Supervisor,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileOkta {
    org_url: Option<String>,
    token: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLockouts {
    poll_interval_secs: Option<u64>,
    lookback_minutes: Option<u64>,
    burst_per_ip: Option<usize>,
    burst_window_minutes: Option<u64>,
    burst_per_minute: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileHttp {
    connect_timeout_secs: Option<u64>,
    request_timeout_secs: Option<u64>,
    allow_plain_http: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileStorage {
    data_dir: Option<PathBuf>,
}

/// Reads the environment; injected so tests do not touch the process environment.
pub trait Env {
    fn var(&self, key: &str) -> Option<String>;
}

/// The real process environment.
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, key: &str) -> Option<String> {
        std::env::var(key).ok().filter(|v| !v.is_empty())
    }
}

impl<const N: usize> Env for [(&str, &str); N] {
    fn var(&self, key: &str) -> Option<String> {
        self.iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.to_string())
    }
}

/// The platform's default config file (`~/.config/accessdesk/accessdesk.toml` on Linux).
pub fn default_config_file() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().join("accessdesk.toml"))
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "accessdesk")
}

impl Config {
    /// Load every layer: defaults, then the file, then the environment, then the flags.
    pub fn load(overrides: &Overrides, env: &dyn Env) -> Result<Self, ConfigError> {
        let mut sources = Sources::default();
        for key in std::iter::once("config_file").chain(FILE_KEYS) {
            sources.set(key, Source::Default);
        }
        let explicit_file = overrides
            .config_file
            .clone()
            .map(|p| (p, "--config"))
            .or_else(|| {
                env.var("ACCESSDESK_CONFIG")
                    .map(|p| (PathBuf::from(p), "ACCESSDESK_CONFIG"))
            });
        let (file, source) = match explicit_file {
            // A file the user named must exist.
            Some((path, named_by)) => {
                sources.set(
                    "config_file",
                    if named_by.starts_with("--") {
                        Source::Flag(named_by)
                    } else {
                        Source::Env(named_by)
                    },
                );
                (Some(read_file(&path, Some(named_by))?), Some(path))
            }
            None => match default_config_file().filter(|p| p.exists()) {
                Some(path) => (Some(read_file(&path, None)?), Some(path)),
                None => (None, None),
            },
        };
        let (file, keys) = file.unwrap_or_default();
        // A key written in the file came from it; any other value of the file layer is its
        // default.
        let from_file = |key: &'static str| -> Option<Source> {
            let path = source.as_ref()?;
            has_key(&keys, key).then(|| Source::File(path.clone()))
        };
        for key in FILE_KEYS {
            if let Some(origin) = from_file(key) {
                sources.set(key, origin);
            }
        }
        let in_file = |e: ConfigError| e.in_file(source.as_deref());
        let mut warnings = Vec::new();
        if env.var("ACCESSDESK_ALLOW_PLAIN_HTTP").is_some() {
            sources.set(
                "http.allow_plain_http",
                Source::Env("ACCESSDESK_ALLOW_PLAIN_HTTP"),
            );
        }
        let plain_http = PlainHttpAllowance::resolve(file.http.allow_plain_http.clone(), env);

        let idp = pingone::resolve_provider(
            overrides.idp.as_deref(),
            file.idp.as_deref(),
            env,
            &mut sources,
        )
        .map_err(in_file)?;
        let pingone = pingone::resolve(
            file.pingone,
            env,
            source.as_deref(),
            &plain_http,
            &mut sources,
            &mut warnings,
        )
        .map_err(in_file)?;

        // Org URL and token: file < OKTA_CLIENT_* < ACCESSDESK_* < flag.
        let org_url_raw = overrides
            .org_url
            .clone()
            .map(|v| ("--org-url", v))
            .or_else(|| {
                env.var("ACCESSDESK_ORG_URL")
                    .map(|v| ("ACCESSDESK_ORG_URL", v))
            })
            .or_else(|| {
                env.var("OKTA_CLIENT_ORGURL")
                    .map(|v| ("OKTA_CLIENT_ORGURL", v))
            })
            .or_else(|| file.okta.org_url.clone().map(|v| ("okta.org_url", v)));
        if let Some((key, _)) = &org_url_raw
            && let Some(origin) = layer(key)
        {
            sources.set("okta.org_url", origin);
        }
        let org_url = org_url_raw
            .map(|(key, value)| {
                parse_org_url(key, &value, &plain_http, &mut warnings)
                    .map_err(|e| if key == "okta.org_url" { in_file(e) } else { e })
            })
            .transpose()?;

        let env_token = ["ACCESSDESK_TOKEN", "OKTA_CLIENT_TOKEN"]
            .into_iter()
            .find_map(|name| env.var(name).map(|t| (name, t)));
        let token = match env_token {
            Some((name, t)) => {
                sources.set("okta.token", Source::Env(name));
                Some(SecretString::from(t))
            }
            None => match file.okta.token {
                Some(t) => {
                    if let Some(path) = &source
                        && let Some(w) = token_file_warning(path)
                    {
                        warnings.push(w);
                    }
                    Some(SecretString::from(t))
                }
                None => None,
            },
        };

        let poll_secs = match (
            overrides.poll_interval_secs,
            env.var("ACCESSDESK_POLL_INTERVAL"),
        ) {
            (Some(v), _) => {
                sources.set("lockouts.poll_interval_secs", Source::Flag("--interval"));
                checked_range("--interval", v, POLL_INTERVAL_RANGE, "seconds")?
            }
            (None, Some(raw)) => {
                sources.set(
                    "lockouts.poll_interval_secs",
                    Source::Env("ACCESSDESK_POLL_INTERVAL"),
                );
                checked_range(
                    "ACCESSDESK_POLL_INTERVAL",
                    parse_number("ACCESSDESK_POLL_INTERVAL", &raw)?,
                    POLL_INTERVAL_RANGE,
                    "seconds",
                )?
            }
            (None, None) => checked_range(
                "lockouts.poll_interval_secs",
                file.lockouts.poll_interval_secs.unwrap_or(30),
                POLL_INTERVAL_RANGE,
                "seconds",
            )
            .map_err(in_file)?,
        };
        let lookback_minutes = checked_range(
            "lockouts.lookback_minutes",
            file.lockouts.lookback_minutes.unwrap_or(60),
            LOOKBACK_RANGE,
            "minutes",
        )
        .map_err(in_file)?;

        let defaults = BurstRules::default();
        let bursts = BurstRules {
            per_ip_threshold: checked_range(
                "lockouts.burst_per_ip",
                file.lockouts
                    .burst_per_ip
                    .unwrap_or(defaults.per_ip_threshold),
                2..=1000,
                "lockouts",
            )
            .map_err(in_file)?,
            per_ip_window: chrono::Duration::minutes(
                checked_range(
                    "lockouts.burst_window_minutes",
                    file.lockouts
                        .burst_window_minutes
                        .unwrap_or(defaults.per_ip_window.num_minutes() as u64),
                    1..=1440,
                    "minutes",
                )
                .map_err(in_file)? as i64,
            ),
            per_minute_threshold: checked_range(
                "lockouts.burst_per_minute",
                file.lockouts
                    .burst_per_minute
                    .unwrap_or(defaults.per_minute_threshold),
                2..=100_000,
                "lockouts",
            )
            .map_err(in_file)?,
        };

        let connect_timeout = Duration::from_secs(
            checked_range(
                "http.connect_timeout_secs",
                file.http.connect_timeout_secs.unwrap_or(5),
                1..=120,
                "seconds",
            )
            .map_err(in_file)?,
        );
        let request_timeout = Duration::from_secs(
            checked_range(
                "http.request_timeout_secs",
                file.http.request_timeout_secs.unwrap_or(30),
                1..=600,
                "seconds",
            )
            .map_err(in_file)?,
        );

        let data_dir = match overrides
            .data_dir
            .clone()
            .map(|d| (d, Source::Flag("--data-dir")))
            .or_else(|| {
                env.var("ACCESSDESK_DATA_DIR")
                    .map(|d| (PathBuf::from(d), Source::Env("ACCESSDESK_DATA_DIR")))
            }) {
            Some((dir, origin)) => {
                sources.set("storage.data_dir", origin);
                dir
            }
            None => match file.storage.data_dir {
                Some(dir) => dir,
                None => project_dirs()
                    .ok_or(ConfigError::NoHome)?
                    .data_local_dir()
                    .to_path_buf(),
            },
        };

        let gate = file
            .verification
            .into_policy(&mut warnings)
            .map_err(in_file)?;
        if overrides.read_only {
            sources.set("agent.role", Source::Flag("--read-only"));
        }
        let read_only = overrides.read_only || file.agent.role == Some(Role::Supervisor);
        let configured_name = file
            .agent
            .name
            .zip(from_file("agent.name"))
            .filter(|(name, _)| !name.trim().is_empty());
        let scan_settings = file.expiries.into_settings().map_err(in_file)?;
        let reminders = file.reminders.into_rules().map_err(in_file)?;
        let delivery = notices::FileDelivery {
            notices: file.notices,
            smtp: file.smtp,
            webhook: file.webhook,
            watch: file.watch,
        }
        .resolve(env, source.as_deref(), &mut warnings)
        .map_err(in_file)?;
        let instructions = instructions::resolve(file.instructions).map_err(in_file)?;
        let tickets = file
            .tickets
            .resolve(env, &plain_http, &mut warnings)
            .map_err(in_file)?;
        let team = file
            .team
            .resolve(env, source.as_deref(), &mut sources, &mut warnings)
            .map_err(in_file)?;
        let gate = GatePolicy {
            ticket_system: tickets.provider,
            ticket_caller_must_match: tickets.require_caller,
            ..gate
        };
        let (agent_name, agent_source) =
            agent_name::resolve(configured_name, env, agent_name::os_account);
        sources.set("agent.name", agent_source);

        Ok(Config {
            source,
            idp,
            pingone,
            org_url,
            token,
            poll_interval: Duration::from_secs(poll_secs),
            lookback: Duration::from_secs(lookback_minutes * 60),
            bursts,
            connect_timeout,
            request_timeout,
            plain_http,
            tickets,
            team,
            data_dir,
            gate,
            mfa_reset_mode: file.actions.mfa_reset_mode.unwrap_or_default(),
            read_only,
            agent_name,
            expiries: scan_settings,
            reminders,
            notices: delivery.notices,
            smtp: delivery.smtp,
            webhook: delivery.webhook,
            instructions,
            watch_listen: delivery.listen,
            hook_secret: env.var("ACCESSDESK_HOOK_SECRET").map(SecretString::from),
            hook_backstop: delivery.hook_backstop,
            answer_key: env.var("ACCESSDESK_ANSWER_KEY").map(SecretString::from),
            sources,
            warnings,
        })
    }

    /// The tenant the audit log names, as the configured provider's client will
    /// ([`crate::idp::Directory::audit_org`]); `None` while it is not configured.
    pub fn audit_org(&self) -> Option<String> {
        match self.idp {
            crate::idp::Provider::Okta => self.org_url.as_ref().map(ToString::to_string),
            crate::idp::Provider::PingOne => self
                .pingone
                .settings()
                .ok()
                .and_then(|s| s.environment_url().ok())
                .map(|u| u.to_string()),
        }
    }

    /// A sentence for `accessdesk config` when the agent name is not the configured one, or
    /// `None` when it is.
    pub fn agent_name_warning(&self) -> Option<String> {
        let from = match self.sources.get("agent.name") {
            Source::Env(var) => format!("${var}"),
            Source::OsAccount => "the OS account".to_string(),
            _ => return None,
        };
        let file = self
            .source
            .clone()
            .or_else(default_config_file)
            .map_or_else(
                || "the config file".to_string(),
                |p| p.display().to_string(),
            );
        Some(format!(
            "agent.name is not set, so the audit log names you {:?} (from {from}); set \
             agent.name under [agent] in {file} to the name your colleagues know you by",
            self.agent_name
        ))
    }
}

impl Config {
    /// The HTTP tunables every client (IdP, ticketing system) takes from this configuration.
    pub fn client_options(&self) -> crate::idp::ClientOptions {
        crate::idp::ClientOptions {
            connect_timeout: self.connect_timeout,
            request_timeout: self.request_timeout,
            ..crate::idp::ClientOptions::default()
        }
    }
}

/// Whether `host` names this machine (plain HTTP and SMTP are allowed there only).
pub(crate) fn is_loopback_host(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Every key of the file layer, for [`Sources`]. The `[okta]` keys, `data_dir` and the poll
/// interval can also come from higher layers, which overwrite these.
const FILE_KEYS: [&str; 79] = [
    "idp",
    "okta.org_url",
    "okta.token",
    "pingone.environment_id",
    "pingone.client_id",
    "pingone.client_secret",
    "pingone.region",
    "pingone.api_url",
    "pingone.auth_url",
    "pingone.auth_method",
    "lockouts.poll_interval_secs",
    "lockouts.lookback_minutes",
    "lockouts.burst_per_ip",
    "lockouts.burst_window_minutes",
    "lockouts.burst_per_minute",
    "http.connect_timeout_secs",
    "http.request_timeout_secs",
    "http.allow_plain_http",
    "storage.data_dir",
    "agent.role",
    "agent.name",
    "actions.mfa_reset_mode",
    "verification.checklist",
    "verification.ticket_pattern",
    "verification.ticket_format",
    "verification.evidence_max_age_minutes",
    "verification.unlock",
    "verification.reset_password",
    "verification.reset_factors",
    "expiries.rate_limit_share_percent",
    "expiries.refresh_minutes",
    "expiries.full_rescan_hours",
    "expiries.contract_end_attribute",
    "expiries.contractor_user_types",
    "reminders.timezone",
    "reminders.password_first_days",
    "reminders.password_send_time",
    "reminders.skip_weekends",
    "reminders.digest_send_time",
    "reminders.digest_max_listed",
    "reminders.lockout_notices_per_day",
    "reminders.lockout_notice_gap_hours",
    "notices.desk_name",
    "notices.desk_contact",
    "notices.from",
    "notices.message_id_domain",
    "notices.public_url",
    "notices.self_service_url",
    "notices.link_valid_days",
    "notices.reminder_style",
    "notices.templates_dir",
    "notices.max_attempts",
    "notices.daily_summary_time",
    "smtp.host",
    "smtp.port",
    "smtp.security",
    "smtp.username",
    "smtp.timeout_secs",
    "webhook.url",
    "webhook.format",
    "webhook.timeout_secs",
    "watch.listen",
    "instructions",
    "tickets.provider",
    "tickets.require_caller",
    "tickets.resolve_on_success",
    "tickets.servicenow.url",
    "tickets.servicenow.username",
    "tickets.servicenow.oauth_client_id",
    "tickets.servicenow.open_states",
    "tickets.servicenow.category",
    "tickets.servicenow.assignment_group",
    "tickets.servicenow.close_code",
    "tickets.jira.url",
    "tickets.jira.user",
    "tickets.jira.service_desk_id",
    "tickets.jira.request_type_id",
    "tickets.jira.open_statuses",
    "tickets.jira.resolve_transition",
];

/// The layer a value of the org URL came from, by the key it was read under.
fn layer(key: &'static str) -> Option<Source> {
    match key {
        "--org-url" => Some(Source::Flag(key)),
        "okta.org_url" => None,
        _ => Some(Source::Env(key)),
    }
}

/// Whether the file sets the dotted `key` (e.g. `lockouts.burst_per_ip`).
fn has_key(table: &toml::Table, key: &str) -> bool {
    let mut parts = key.split('.');
    let Some(mut value) = parts.next().and_then(|first| table.get(first)) else {
        return false;
    };
    for part in parts {
        match value.get(part) {
            Some(inner) => value = inner,
            None => return false,
        }
    }
    true
}

impl ConfigError {
    /// A bad value read from the file at `path` names that file.
    fn in_file(self, path: Option<&Path>) -> ConfigError {
        match (self, path) {
            (
                ConfigError::Invalid {
                    key,
                    value,
                    allowed,
                },
                Some(path),
            ) => ConfigError::InvalidInFile {
                path: path.to_path_buf(),
                key,
                value,
                allowed,
            },
            (other, _) => other,
        }
    }
}

/// The file's settings, and its keys as written (to tell a set value from a default).
/// `named_by` is the flag or variable that named the file, if one did: then it must exist.
fn read_file(
    path: &Path,
    named_by: Option<&'static str>,
) -> Result<(FileConfig, toml::Table), ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| match named_by {
        Some(named_by) if source.kind() == std::io::ErrorKind::NotFound => ConfigError::Missing {
            path: path.to_path_buf(),
            named_by,
        },
        _ => ConfigError::Read {
            path: path.to_path_buf(),
            source,
        },
    })?;
    let parse_error = |message| ConfigError::Parse {
        path: path.to_path_buf(),
        message,
    };
    let config = parse_file(&text).map_err(parse_error)?;
    let keys = text
        .parse::<toml::Table>()
        .map_err(|e| parse_error(e.to_string().trim_end().to_string()))?;
    Ok((config, keys))
}

fn parse_file(text: &str) -> Result<FileConfig, String> {
    toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())
}

fn parse_org_url(
    key: &str,
    value: &str,
    plain_http: &PlainHttpAllowance,
    warnings: &mut Vec<String>,
) -> Result<Url, ConfigError> {
    let invalid = |allowed: &str| ConfigError::Invalid {
        key: key.to_string(),
        value: value.to_string(),
        allowed: allowed.to_string(),
    };
    let url = Url::parse(value.trim())
        .map_err(|e| invalid(&format!("an https URL like https://example.okta.com ({e})")))?;
    if !plain_http.permits(key, &url, warnings) {
        return Err(invalid(plain_http::HTTPS_ONLY));
    }
    if url.path() != "/" || url.query().is_some() {
        return Err(invalid(
            "the org's base URL only, like https://example.okta.com (no path or query)",
        ));
    }
    Ok(url)
}

fn parse_number(key: &str, raw: &str) -> Result<u64, ConfigError> {
    raw.trim().parse().map_err(|_| ConfigError::Invalid {
        key: key.to_string(),
        value: raw.to_string(),
        allowed: "a whole number".to_string(),
    })
}

fn checked_range<T>(
    key: &str,
    value: T,
    range: std::ops::RangeInclusive<T>,
    unit: &str,
) -> Result<T, ConfigError>
where
    T: PartialOrd + std::fmt::Display + Copy,
{
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(ConfigError::Invalid {
            key: key.to_string(),
            value: value.to_string(),
            allowed: format!("between {} and {} {unit}", range.start(), range.end()),
        })
    }
}

/// A token in a file others can read is a leaked token.
fn token_file_warning(path: &Path) -> Option<String> {
    secret_file_warning(path, "an API token", "OKTA_CLIENT_TOKEN")
}

/// A warning when the file at `path`, which holds `what`, is readable by others.
#[cfg(unix)]
fn secret_file_warning(path: &Path, what: &str, env_name: &str) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode();
    (mode & 0o077 != 0).then(|| {
        format!(
            "{} holds {what} but is readable by others (mode {:o}); run `chmod 600 {}` or move it to {env_name}",
            path.display(),
            mode & 0o777,
            path.display()
        )
    })
}

#[cfg(not(unix))]
fn secret_file_warning(_path: &Path, _what: &str, _env_name: &str) -> Option<String> {
    None
}

#[cfg(test)]
mod fuzz_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;
    use std::io::Write;

    fn write_config(text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f
    }

    fn with_file(f: &tempfile::NamedTempFile) -> Overrides {
        Overrides {
            config_file: Some(f.path().to_path_buf()),
            data_dir: Some(PathBuf::from("/tmp/accessdesk-test")),
            ..Overrides::default()
        }
    }

    #[test]
    fn shipped_default_config_parses_and_matches_builtin_defaults() {
        let text = include_str!("../../assets/accessdesk.toml");
        parse_file(text).expect("assets/accessdesk.toml must parse");
        let f = write_config(text);
        let cfg = Config::load(&with_file(&f), &[]).unwrap();
        let builtin = Config::load(
            &Overrides {
                config_file: Some(write_config("").path().to_path_buf()),
                data_dir: Some(PathBuf::from("/tmp/accessdesk-test")),
                ..Overrides::default()
            },
            &[],
        )
        .unwrap();
        assert_eq!(cfg.poll_interval, builtin.poll_interval);
        assert_eq!(cfg.lookback, builtin.lookback);
        assert_eq!(cfg.idp, builtin.idp);
        assert_eq!(cfg.pingone.region, builtin.pingone.region);
        assert_eq!(cfg.pingone.auth_method, builtin.pingone.auth_method);
        let (n, b) = (&cfg.notices, &builtin.notices);
        assert_eq!(
            (&n.desk_name, &n.desk_contact, &n.from, &n.message_id_domain),
            (&b.desk_name, &b.desk_contact, &b.from, &b.message_id_domain)
        );
        assert_eq!(
            (
                n.link_valid_for,
                n.reminder_style,
                n.max_attempts,
                n.daily_summary_at
            ),
            (
                b.link_valid_for,
                b.reminder_style,
                b.max_attempts,
                b.daily_summary_at
            )
        );
        assert!(cfg.smtp.is_none() && cfg.webhook.is_none() && cfg.instructions.is_empty());
        assert_eq!(cfg.bursts, builtin.bursts);
        assert_eq!(cfg.request_timeout, builtin.request_timeout);
        assert_eq!(cfg.gate.checklist, builtin.gate.checklist);
        assert_eq!(
            cfg.gate.ticket_pattern.as_str(),
            builtin.gate.ticket_pattern.as_str()
        );
        assert_eq!(cfg.gate.evidence_max_age, builtin.gate.evidence_max_age);
        assert_eq!(
            (
                cfg.gate.unlock,
                cfg.gate.reset_password,
                cfg.gate.reset_factors
            ),
            (
                builtin.gate.unlock,
                builtin.gate.reset_password,
                builtin.gate.reset_factors
            )
        );
        assert_eq!(cfg.mfa_reset_mode, builtin.mfa_reset_mode);
        assert_eq!(cfg.read_only, builtin.read_only);
        assert!(
            cfg.team.is_none() && builtin.team.is_none(),
            "SQLite by default"
        );
        assert!(cfg.warnings.is_empty(), "{:?}", cfg.warnings);
    }

    #[test]
    fn team_mode_takes_the_url_from_the_environment_and_the_password_apart() {
        let f = write_config(
            "[team]\ndatabase_url = \"postgres://alice@db.example.com/desk?sslmode=verify-full\"\n\
             claim_timeout_minutes = 30\n",
        );
        let cfg = Config::load(
            &with_file(&f),
            &[("ACCESSDESK_DATABASE_PASSWORD", "s3cret")],
        )
        .unwrap();
        let team = cfg.team.unwrap();
        assert_eq!(team.url.host_str(), Some("db.example.com"));
        assert_eq!(team.claim_timeout, Duration::from_secs(30 * 60));
        assert!(!format!("{team:?}").contains("s3cret"));

        let cfg = Config::load(
            &with_file(&f),
            &[(
                "ACCESSDESK_DATABASE_URL",
                "postgres://bob@other.example.com/desk",
            )],
        )
        .unwrap();
        assert_eq!(cfg.team.unwrap().url.username(), "bob");
        assert_eq!(
            cfg.sources.get("team.database_url"),
            &Source::Env("ACCESSDESK_DATABASE_URL")
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_password_in_a_readable_config_file_url_warns_and_never_echoes() {
        use std::os::unix::fs::PermissionsExt;
        let f = write_config("[team]\ndatabase_url = \"postgres://alice:hunter2@db/desk\"\n");
        std::fs::set_permissions(f.path(), std::fs::Permissions::from_mode(0o644)).unwrap();
        let cfg = Config::load(&with_file(&f), &[]).unwrap();
        assert!(
            cfg.warnings
                .iter()
                .any(|w| w.contains("database password") && !w.contains("hunter2")),
            "{:?}",
            cfg.warnings
        );
        let f = write_config("[team]\ndatabase_url = \"mysql://alice:hunter2@db/desk\"\n");
        let err = Config::load(&with_file(&f), &[]).unwrap_err().to_string();
        assert!(
            err.contains("postgres://") && !err.contains("hunter2"),
            "{err}"
        );
    }

    #[test]
    fn supervisors_and_the_flag_are_read_only() {
        let f = write_config("[agent]\nrole = \"supervisor\"\nname = \"Sam Lead\"\n");
        let cfg = Config::load(&with_file(&f), &[("USER", "sam")]).unwrap();
        assert!(cfg.read_only);
        assert_eq!(cfg.agent_name, "Sam Lead");

        let f = write_config("[agent]\nrole = \"agent\"\n");
        let cfg = Config::load(&with_file(&f), &[("USER", "alex")]).unwrap();
        assert!(!cfg.read_only);
        assert_eq!(cfg.agent_name, "alex", "the OS user by default");
        let mut o = with_file(&f);
        o.read_only = true;
        assert!(Config::load(&o, &[]).unwrap().read_only);

        let f = write_config("[agent]\nrole = \"admin\"\n");
        assert!(
            Config::load(&with_file(&f), &[])
                .unwrap_err()
                .to_string()
                .contains("admin")
        );
    }

    #[test]
    fn layers_apply_in_order() {
        let f = write_config(
            "[okta]\norg_url = \"https://file.okta.com\"\n[lockouts]\npoll_interval_secs = 20\n",
        );
        let cfg = Config::load(&with_file(&f), &[]).unwrap();
        assert_eq!(cfg.org_url.unwrap().as_str(), "https://file.okta.com/");
        assert_eq!(cfg.poll_interval, Duration::from_secs(20));

        let env = [
            ("OKTA_CLIENT_ORGURL", "https://sdk.okta.com"),
            ("ACCESSDESK_POLL_INTERVAL", "5"),
        ];
        let cfg = Config::load(&with_file(&f), &env).unwrap();
        assert_eq!(cfg.org_url.unwrap().as_str(), "https://sdk.okta.com/");
        assert_eq!(cfg.poll_interval, Duration::from_secs(5));

        let env = [
            ("OKTA_CLIENT_ORGURL", "https://sdk.okta.com"),
            ("ACCESSDESK_ORG_URL", "https://own.okta.com"),
        ];
        let cfg = Config::load(&with_file(&f), &env).unwrap();
        assert_eq!(cfg.org_url.unwrap().as_str(), "https://own.okta.com/");

        let mut o = with_file(&f);
        o.org_url = Some("https://flag.okta.com".into());
        o.poll_interval_secs = Some(2);
        let cfg = Config::load(&o, &env).unwrap();
        assert_eq!(cfg.org_url.unwrap().as_str(), "https://flag.okta.com/");
        assert_eq!(cfg.poll_interval, Duration::from_secs(2));
    }

    #[test]
    fn token_comes_from_either_env_name_and_is_redacted() {
        let f = write_config("");
        let cfg = Config::load(&with_file(&f), &[("OKTA_CLIENT_TOKEN", "00abcSECRET")]).unwrap();
        assert_eq!(cfg.token.as_ref().unwrap().expose_secret(), "00abcSECRET");
        assert!(!format!("{cfg:?}").contains("SECRET"));
        let cfg = Config::load(
            &with_file(&f),
            &[
                ("OKTA_CLIENT_TOKEN", "sdk-token"),
                ("ACCESSDESK_TOKEN", "own-token"),
            ],
        )
        .unwrap();
        assert_eq!(cfg.token.unwrap().expose_secret(), "own-token");
    }

    #[cfg(unix)]
    #[test]
    fn token_in_a_readable_file_warns_and_private_file_does_not() {
        use std::os::unix::fs::PermissionsExt;
        let f = write_config("[okta]\ntoken = \"filetoken\"\n");
        std::fs::set_permissions(f.path(), std::fs::Permissions::from_mode(0o644)).unwrap();
        let cfg = Config::load(&with_file(&f), &[]).unwrap();
        assert_eq!(cfg.warnings.len(), 1);
        assert!(cfg.warnings[0].contains("chmod 600"));
        assert!(!cfg.warnings[0].contains("filetoken"));
        std::fs::set_permissions(f.path(), std::fs::Permissions::from_mode(0o600)).unwrap();
        let cfg = Config::load(&with_file(&f), &[]).unwrap();
        assert!(cfg.warnings.is_empty());
    }

    #[test]
    fn bad_values_name_key_value_and_allowed_range() {
        let f = write_config("[lockouts]\npoll_interval_secs = 0\n");
        let err = Config::load(&with_file(&f), &[]).unwrap_err().to_string();
        assert_eq!(
            err,
            format!(
                "lockouts.poll_interval_secs = \"0\" in {} is not allowed: between 1 and 3600 seconds",
                f.path().display()
            )
        );

        let f = write_config("");
        let err = Config::load(&with_file(&f), &[("ACCESSDESK_POLL_INTERVAL", "fast")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("ACCESSDESK_POLL_INTERVAL") && err.contains("whole number"));

        let err = Config::load(
            &with_file(&f),
            &[("OKTA_CLIENT_ORGURL", "http://evil.example")],
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("OKTA_CLIENT_ORGURL") && err.contains("https"),
            "{err}"
        );

        let err = Config::load(
            &with_file(&f),
            &[("OKTA_CLIENT_ORGURL", "https://x.okta.com/admin")],
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("no path"), "{err}");
    }

    #[test]
    fn typos_and_syntax_errors_name_the_file_and_key() {
        let f = write_config("[lockouts]\npoll_intervall_secs = 10\n");
        let err = Config::load(&with_file(&f), &[]).unwrap_err().to_string();
        assert!(err.contains("poll_intervall_secs"), "{err}");
        assert!(err.contains(&f.path().display().to_string()), "{err}");

        let f = write_config("[lockouts\n");
        let err = Config::load(&with_file(&f), &[]).unwrap_err();
        assert!(matches!(err, ConfigError::Parse { .. }));
    }

    #[test]
    fn a_named_config_file_must_exist_and_the_error_says_how_to_fix_it() {
        let o = Overrides {
            config_file: Some(PathBuf::from("/nonexistent/accessdesk.toml")),
            ..Overrides::default()
        };
        let err = Config::load(&o, &[]).unwrap_err().to_string();
        assert_eq!(
            err,
            "config file /nonexistent/accessdesk.toml does not exist (named by --config): \
             create it, point --config at an existing file, or leave --config out to use the \
             default location"
        );
        let err = Config::load(
            &Overrides::default(),
            &[("ACCESSDESK_CONFIG", "/nonexistent/a.toml")],
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with(
                "config file /nonexistent/a.toml does not exist (named by ACCESSDESK_CONFIG)"
            ),
            "{err}"
        );
        assert!(!err.contains("os error"), "one sentence, no errno: {err}");
    }

    #[test]
    fn every_out_of_range_file_value_names_the_file_key_and_range() {
        for (text, key) in [
            (
                "[lockouts]\nlookback_minutes = 99999\n",
                "lockouts.lookback_minutes",
            ),
            ("[lockouts]\nburst_per_ip = 1\n", "lockouts.burst_per_ip"),
            (
                "[http]\nrequest_timeout_secs = 0\n",
                "http.request_timeout_secs",
            ),
            (
                "[okta]\norg_url = \"http://evil.example\"\n",
                "okta.org_url",
            ),
            (
                "[verification]\nevidence_max_age_minutes = 0\n",
                "verification.evidence_max_age_minutes",
            ),
        ] {
            let f = write_config(text);
            let err = Config::load(&with_file(&f), &[]).unwrap_err();
            assert!(matches!(err, ConfigError::InvalidInFile { .. }), "{err:?}");
            let err = err.to_string();
            let path = f.path().display().to_string();
            assert!(err.contains(&path) && err.contains(key), "{err}");
        }
        // A bad value from the environment is not blamed on the file.
        let f = write_config("");
        let err = Config::load(&with_file(&f), &[("ACCESSDESK_POLL_INTERVAL", "0")])
            .unwrap_err()
            .to_string();
        assert!(!err.contains(&f.path().display().to_string()), "{err}");
    }

    #[test]
    fn sources_say_which_layer_set_each_value() {
        let f = write_config(
            "[okta]\norg_url = \"https://file.okta.com\"\n\
             [lockouts]\nlookback_minutes = 15\npoll_interval_secs = 20\n\
             [agent]\nname = \"Alex Chen\"\n",
        );
        let file = Source::File(f.path().to_path_buf());
        let mut o = with_file(&f);
        o.read_only = true;
        let env = [
            ("OKTA_CLIENT_ORGURL", "https://sdk.okta.com"),
            ("OKTA_CLIENT_TOKEN", "t"),
            ("ACCESSDESK_POLL_INTERVAL", "5"),
        ];
        let cfg = Config::load(&o, &env).unwrap();
        let s = &cfg.sources;
        assert_eq!(s.get("config_file"), &Source::Flag("--config"));
        assert_eq!(s.get("okta.org_url"), &Source::Env("OKTA_CLIENT_ORGURL"));
        assert_eq!(s.get("okta.token"), &Source::Env("OKTA_CLIENT_TOKEN"));
        assert_eq!(
            s.get("lockouts.poll_interval_secs"),
            &Source::Env("ACCESSDESK_POLL_INTERVAL")
        );
        assert_eq!(s.get("lockouts.lookback_minutes"), &file);
        assert_eq!(s.get("lockouts.burst_per_ip"), &Source::Default);
        assert_eq!(s.get("storage.data_dir"), &Source::Flag("--data-dir"));
        assert_eq!(s.get("agent.role"), &Source::Flag("--read-only"));
        assert_eq!(s.get("agent.name"), &file);
        assert_eq!(cfg.agent_name_warning(), None);

        let mut o = with_file(&f);
        o.org_url = Some("https://flag.okta.com".into());
        let cfg = Config::load(&o, &[("ACCESSDESK_CONFIG", "/ignored")]).unwrap();
        assert_eq!(cfg.sources.get("okta.org_url"), &Source::Flag("--org-url"));
        assert_eq!(cfg.sources.get("lockouts.poll_interval_secs"), &file);

        let f = write_config("[okta]\norg_url = \"https://file.okta.com\"\n");
        let cfg = Config::load(&with_file(&f), &[("ACCESSDESK_DATA_DIR", "/d")]).unwrap();
        assert_eq!(
            cfg.sources.get("okta.org_url"),
            &Source::File(f.path().to_path_buf())
        );
        assert_eq!(
            cfg.sources.get("lockouts.poll_interval_secs"),
            &Source::Default
        );
    }

    #[test]
    fn a_fallback_agent_name_is_reported_with_a_warning() {
        let f = write_config("[agent]\nname = \"  \"\n");
        let cfg = Config::load(&with_file(&f), &[("USER", "alex"), ("LOGNAME", "x")]).unwrap();
        assert_eq!(cfg.agent_name, "alex");
        assert_eq!(cfg.sources.get("agent.name"), &Source::Env("USER"));
        let warning = cfg.agent_name_warning().unwrap();
        assert!(warning.contains("\"alex\" (from $USER)"), "{warning}");
        assert!(
            warning.contains(&f.path().display().to_string()),
            "{warning}"
        );

        let cfg = Config::load(&with_file(&f), &[]).unwrap();
        assert_eq!(cfg.sources.get("agent.name"), &Source::OsAccount);
        assert_eq!(cfg.agent_name, agent_name::os_account());
        assert_ne!(cfg.agent_name, "unknown agent");
        assert!(cfg.agent_name_warning().unwrap().contains("the OS account"));
    }

    #[test]
    fn loopback_http_is_accepted_for_the_simulator() {
        let f = write_config("");
        let cfg = Config::load(
            &with_file(&f),
            &[("OKTA_CLIENT_ORGURL", "http://127.0.0.1:7777")],
        )
        .unwrap();
        assert_eq!(cfg.org_url.unwrap().port(), Some(7777));
    }

    #[test]
    fn plain_http_to_another_host_needs_naming_it_and_then_warns() {
        let f = write_config("[http]\nallow_plain_http = [\"okta-lab.corp.example\"]\n");
        let cfg = Config::load(
            &with_file(&f),
            &[
                ("OKTA_CLIENT_ORGURL", "http://okta-lab.corp.example"),
                ("PINGONE_API_URL", "http://okta-lab.corp.example/v1"),
            ],
        )
        .unwrap();
        assert_eq!(
            cfg.org_url.unwrap().as_str(),
            "http://okta-lab.corp.example/"
        );
        assert_eq!(cfg.plain_http.hosts(), ["okta-lab.corp.example"]);
        let plain: Vec<_> = cfg
            .warnings
            .iter()
            .filter(|w| w.contains("unencrypted"))
            .collect();
        assert_eq!(plain.len(), 2, "{:?}", cfg.warnings);
        assert!(plain[0].contains("PINGONE_API_URL"), "{plain:?}");
        assert!(plain[1].contains("OKTA_CLIENT_ORGURL"), "{plain:?}");

        // Another host is still refused, and so is the listed one when nothing lists it.
        let empty = write_config("");
        for (file, url) in [
            (&f, "http://other.example"),
            (&empty, "http://okta-lab.corp.example"),
        ] {
            let err = Config::load(&with_file(file), &[("OKTA_CLIENT_ORGURL", url)])
                .unwrap_err()
                .to_string();
            assert!(err.contains("http.allow_plain_http"), "{err}");
        }
    }
}
