//! `[notices]`, `[smtp]`, `[webhook]` and `[watch]`: how notices read and where they go. The
//! SMTP password and the webhook URL (for Slack and Teams the URL is the credential) come from
//! the environment; a webhook URL written in the file warns unless the file is private.

use chrono::{Duration as ChronoDuration, NaiveTime};
use secrecy::SecretString;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use url::Url;

use super::{ConfigError, Env, checked_range, is_loopback_host};
use crate::notify::{
    ChannelKind, NoticeSettings, ReminderStyle, SmtpSecurity, SmtpSettings, WebhookFormat,
    WebhookSettings,
};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileNotices {
    desk_name: Option<String>,
    desk_contact: Option<String>,
    from: Option<String>,
    message_id_domain: Option<String>,
    public_url: Option<String>,
    self_service_url: Option<String>,
    link_valid_days: Option<u32>,
    reminder_style: Option<ReminderStyle>,
    templates_dir: Option<PathBuf>,
    max_attempts: Option<u32>,
    daily_summary_time: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileSmtp {
    host: Option<String>,
    port: Option<u16>,
    security: Option<SmtpSecurity>,
    username: Option<String>,
    timeout_secs: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileWebhook {
    url: Option<String>,
    format: Option<WebhookFormat>,
    timeout_secs: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileWatch {
    listen: Option<String>,
    hook_backstop_secs: Option<u64>,
}

/// How often `watch` still polls while Okta event hooks deliver (a backstop for a delivery
/// Okta dropped).
pub const DEFAULT_HOOK_BACKSTOP: std::time::Duration = std::time::Duration::from_secs(60);

/// The sections as written, and whether `[smtp]` / `[webhook]` were present at all.
pub(super) struct FileDelivery {
    pub notices: FileNotices,
    pub smtp: Option<FileSmtp>,
    pub webhook: Option<FileWebhook>,
    pub watch: FileWatch,
}

/// What the sections resolve to.
pub(super) struct Delivery {
    pub notices: NoticeSettings,
    pub smtp: Option<SmtpSettings>,
    pub webhook: Option<WebhookSettings>,
    pub listen: Option<SocketAddr>,
    pub hook_backstop: std::time::Duration,
}

fn invalid(key: &str, value: &str, allowed: &str) -> ConfigError {
    ConfigError::Invalid {
        key: key.to_string(),
        value: value.to_string(),
        allowed: allowed.to_string(),
    }
}

impl FileDelivery {
    /// `file` is the config file the sections came from (for the private-file warning).
    pub(super) fn resolve(
        self,
        env: &dyn Env,
        file: Option<&Path>,
        warnings: &mut Vec<String>,
    ) -> Result<Delivery, ConfigError> {
        let listen = self
            .watch
            .listen
            .map(|raw| {
                raw.trim().parse::<SocketAddr>().map_err(|_| {
                    invalid(
                        "watch.listen",
                        &raw,
                        "an address and port such as \"127.0.0.1:8025\"",
                    )
                })
            })
            .transpose()?;
        let hook_backstop = match self.watch.hook_backstop_secs {
            Some(secs) => std::time::Duration::from_secs(super::checked_range(
                "watch.hook_backstop_secs",
                secs,
                5..=3600,
                "seconds",
            )?),
            None => DEFAULT_HOOK_BACKSTOP,
        };
        let smtp = match (self.smtp, env.var("ACCESSDESK_SMTP_PASSWORD")) {
            (Some(section), password) => Some(section.into_settings(env, password)?),
            (None, Some(_)) => {
                return Err(invalid(
                    "ACCESSDESK_SMTP_PASSWORD",
                    "(set)",
                    "only with an [smtp] section naming the relay's host",
                ));
            }
            (None, None) => None,
        };
        let webhook = resolve_webhook(self.webhook, env, file, warnings)?;
        let mut notices = self.notices.into_settings(listen)?;
        notices.user_channel = if smtp.is_some() {
            ChannelKind::Email
        } else {
            ChannelKind::JsonLines
        };
        notices.alert_channel = if webhook.is_some() {
            ChannelKind::Webhook
        } else {
            ChannelKind::JsonLines
        };
        Ok(Delivery {
            notices,
            smtp,
            webhook,
            listen,
            hook_backstop,
        })
    }
}

impl FileNotices {
    fn into_settings(self, listen: Option<SocketAddr>) -> Result<NoticeSettings, ConfigError> {
        let defaults = NoticeSettings::default();
        let from = match self.from {
            None => defaults.from.clone(),
            Some(raw) => {
                raw.trim()
                    .parse::<lettre::message::Mailbox>()
                    .map_err(|_| {
                        invalid(
                            "notices.from",
                            &raw,
                            "a mailbox such as \"IT Service Desk <helpdesk@example.com>\"",
                        )
                    })?;
                raw.trim().to_string()
            }
        };
        let message_id_domain = match self.message_id_domain {
            Some(domain) if valid_domain(domain.trim()) => domain.trim().to_string(),
            Some(domain) => {
                return Err(invalid(
                    "notices.message_id_domain",
                    &domain,
                    "a domain name such as \"example.com\"",
                ));
            }
            None => from_domain(&from).unwrap_or(defaults.message_id_domain.clone()),
        };
        let public_url = match self.public_url {
            Some(raw) => Some(web_url("notices.public_url", &raw)?),
            // `watch` serves the links itself: the address it listens on is the default.
            None => listen.map(|addr| {
                Url::parse(&format!("http://{addr}")).expect("a socket address makes a URL")
            }),
        };
        let self_service_url = self
            .self_service_url
            .map(|raw| web_url("notices.self_service_url", &raw))
            .transpose()?;
        let link_days = checked_range(
            "notices.link_valid_days",
            self.link_valid_days.unwrap_or(14),
            1..=60,
            "days",
        )?;
        let max_attempts = checked_range(
            "notices.max_attempts",
            self.max_attempts.unwrap_or(defaults.max_attempts),
            1..=100,
            "attempts",
        )?;
        let daily_summary_at = match self.daily_summary_time {
            None => defaults.daily_summary_at,
            Some(raw) if raw.trim().eq_ignore_ascii_case("off") => None,
            Some(raw) => Some(NaiveTime::parse_from_str(raw.trim(), "%H:%M").map_err(|_| {
                invalid(
                    "notices.daily_summary_time",
                    &raw,
                    "a 24-hour wall-clock time like \"17:00\", or \"off\"",
                )
            })?),
        };
        let text = |key: &str, raw: Option<String>, default: String| match raw {
            Some(v) if v.trim().is_empty() => Err(invalid(key, &v, "a non-empty text")),
            Some(v) => Ok(v.trim().to_string()),
            None => Ok(default),
        };
        Ok(NoticeSettings {
            desk_name: text("notices.desk_name", self.desk_name, defaults.desk_name)?,
            desk_contact: text(
                "notices.desk_contact",
                self.desk_contact,
                defaults.desk_contact,
            )?,
            from,
            message_id_domain,
            public_url,
            self_service_url,
            link_valid_for: ChronoDuration::days(i64::from(link_days)),
            reminder_style: self.reminder_style.unwrap_or(defaults.reminder_style),
            user_channel: defaults.user_channel,
            alert_channel: defaults.alert_channel,
            templates_dir: self.templates_dir,
            max_attempts,
            daily_summary_at,
        })
    }
}

impl FileSmtp {
    fn into_settings(
        self,
        env: &dyn Env,
        password: Option<String>,
    ) -> Result<SmtpSettings, ConfigError> {
        let host = self
            .host
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .ok_or_else(|| invalid("smtp.host", "", "the mail relay's host name"))?;
        let security = self.security.unwrap_or(SmtpSecurity::Starttls);
        if security == SmtpSecurity::None && !is_loopback_host(&host) {
            return Err(invalid(
                "smtp.security",
                "none",
                "\"starttls\" or \"tls\" (\"none\" is accepted for a relay on this machine only)",
            ));
        }
        let port = self.port.unwrap_or(match security {
            SmtpSecurity::Starttls => 587,
            SmtpSecurity::Tls => 465,
            SmtpSecurity::None => 25,
        });
        let username = env
            .var("ACCESSDESK_SMTP_USERNAME")
            .or(self.username)
            .filter(|u| !u.trim().is_empty());
        if username.is_some() != password.is_some() {
            let (key, allowed) = if username.is_some() {
                (
                    "ACCESSDESK_SMTP_PASSWORD",
                    "set it to the relay account's password (a username is configured)",
                )
            } else {
                (
                    "smtp.username",
                    "set it (or ACCESSDESK_SMTP_USERNAME): ACCESSDESK_SMTP_PASSWORD is set",
                )
            };
            return Err(invalid(key, "(missing)", allowed));
        }
        let timeout = checked_range(
            "smtp.timeout_secs",
            self.timeout_secs.unwrap_or(30),
            1..=600,
            "seconds",
        )?;
        Ok(SmtpSettings {
            host,
            port,
            security,
            username,
            password: password.map(SecretString::from),
            timeout: Duration::from_secs(timeout),
        })
    }
}

fn resolve_webhook(
    section: Option<FileWebhook>,
    env: &dyn Env,
    file: Option<&Path>,
    warnings: &mut Vec<String>,
) -> Result<Option<WebhookSettings>, ConfigError> {
    let env_url = env.var("ACCESSDESK_WEBHOOK_URL");
    if section.is_none() && env_url.is_none() {
        return Ok(None);
    }
    let section = section.unwrap_or_default();
    let (key, raw) = match (env_url, section.url) {
        (Some(url), _) => ("ACCESSDESK_WEBHOOK_URL", url),
        (None, Some(url)) => {
            if let Some(path) = file
                && let Some(w) =
                    super::secret_file_warning(path, "a webhook URL", "ACCESSDESK_WEBHOOK_URL")
            {
                warnings.push(w);
            }
            ("webhook.url", url)
        }
        (None, None) => {
            return Err(invalid(
                "ACCESSDESK_WEBHOOK_URL",
                "(missing)",
                "the help-desk channel's incoming-webhook URL ([webhook] is configured)",
            ));
        }
    };
    // The URL is a credential: an error never repeats it.
    web_url(key, &raw).map_err(|_| {
        invalid(
            key,
            "(hidden)",
            "an https URL (http is accepted for loopback addresses only)",
        )
    })?;
    let timeout = checked_range(
        "webhook.timeout_secs",
        section.timeout_secs.unwrap_or(10),
        1..=120,
        "seconds",
    )?;
    Ok(Some(WebhookSettings {
        url: SecretString::from(raw.trim().to_string()),
        format: section.format.unwrap_or(WebhookFormat::Slack),
        timeout: Duration::from_secs(timeout),
    }))
}

/// An https URL (http for loopback hosts only).
fn web_url(key: &str, raw: &str) -> Result<Url, ConfigError> {
    let allowed = "an https URL (http is accepted for loopback addresses only)";
    let url = Url::parse(raw.trim()).map_err(|_| invalid(key, raw, allowed))?;
    let host = url.host_str().unwrap_or_default();
    match url.scheme() {
        "https" if !host.is_empty() => Ok(url),
        "http" if is_loopback_host(host) => Ok(url),
        _ => Err(invalid(key, raw, allowed)),
    }
}

fn valid_domain(domain: &str) -> bool {
    !domain.is_empty()
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

/// The domain of "Name <user@domain>" or "user@domain".
fn from_domain(from: &str) -> Option<String> {
    let address = from.rsplit('<').next()?.trim_end_matches('>').trim();
    let domain = address.rsplit_once('@')?.1;
    valid_domain(domain).then(|| domain.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(toml: &str, env: &dyn Env) -> Result<Delivery, ConfigError> {
        #[derive(Deserialize)]
        struct Sections {
            #[serde(default)]
            notices: FileNotices,
            smtp: Option<FileSmtp>,
            webhook: Option<FileWebhook>,
            #[serde(default)]
            watch: FileWatch,
        }
        let s: Sections = toml::from_str(toml).unwrap();
        FileDelivery {
            notices: s.notices,
            smtp: s.smtp,
            webhook: s.webhook,
            watch: s.watch,
        }
        .resolve(env, None, &mut Vec::new())
    }

    const NO_ENV: [(&str, &str); 0] = [];

    #[test]
    fn nothing_configured_sends_everything_to_json_lines_without_links() {
        let d = resolve("", &NO_ENV).unwrap();
        assert!(d.smtp.is_none() && d.webhook.is_none());
        assert_eq!(d.notices.user_channel, ChannelKind::JsonLines);
        assert_eq!(d.notices.alert_channel, ChannelKind::JsonLines);
        assert_eq!(d.notices.public_url, None);
        assert_eq!(d.notices.link_valid_for, ChronoDuration::days(14));
    }

    #[test]
    fn smtp_and_webhook_route_user_notices_and_alerts() {
        let env = [
            ("ACCESSDESK_SMTP_USERNAME", "relay"),
            ("ACCESSDESK_SMTP_PASSWORD", "pw"),
            (
                "ACCESSDESK_WEBHOOK_URL",
                "https://hooks.slack.com/services/T/B/X",
            ),
        ];
        let d = resolve(
            "[smtp]\nhost = \"smtp.example.com\"\n[webhook]\nformat = \"teams\"\n\
             [notices]\nfrom = \"Desk <desk@corp.example.com>\"",
            &env,
        )
        .unwrap();
        let smtp = d.smtp.unwrap();
        assert_eq!((smtp.port, smtp.security), (587, SmtpSecurity::Starttls));
        assert_eq!(smtp.username.as_deref(), Some("relay"));
        assert_eq!(d.webhook.unwrap().format, WebhookFormat::Teams);
        assert_eq!(d.notices.user_channel, ChannelKind::Email);
        assert_eq!(d.notices.alert_channel, ChannelKind::Webhook);
        assert_eq!(d.notices.message_id_domain, "corp.example.com");
    }

    #[test]
    fn plain_smtp_is_for_a_local_relay_only() {
        let e = resolve(
            "[smtp]\nhost = \"smtp.example.com\"\nsecurity = \"none\"",
            &NO_ENV,
        )
        .err()
        .unwrap();
        assert!(e.to_string().contains("this machine only"), "{e}");
        let d = resolve("[smtp]\nhost = \"127.0.0.1\"\nsecurity = \"none\"", &NO_ENV).unwrap();
        assert_eq!(d.smtp.unwrap().port, 25);
    }

    #[test]
    fn a_username_without_a_password_says_which_variable_to_set() {
        let e = resolve(
            "[smtp]\nhost = \"h.example.com\"\nusername = \"u\"",
            &NO_ENV,
        )
        .err()
        .unwrap();
        assert!(e.to_string().contains("ACCESSDESK_SMTP_PASSWORD"), "{e}");
    }

    #[test]
    fn a_bad_webhook_url_is_refused_without_repeating_it() {
        let env = [(
            "ACCESSDESK_WEBHOOK_URL",
            "http://hooks.example.com/secret-part",
        )];
        let e = resolve("", &env).err().unwrap().to_string();
        assert!(!e.contains("secret-part"), "{e}");
        assert!(e.contains("https"), "{e}");
        let e = resolve("[webhook]\nformat = \"slack\"", &NO_ENV)
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("ACCESSDESK_WEBHOOK_URL"), "{e}");
    }

    #[test]
    fn answer_links_default_to_the_watch_listen_address() {
        let d = resolve("[watch]\nlisten = \"127.0.0.1:8025\"", &NO_ENV).unwrap();
        assert_eq!(
            d.notices.public_url.unwrap().as_str(),
            "http://127.0.0.1:8025/"
        );
        assert_eq!(d.listen, Some("127.0.0.1:8025".parse().unwrap()));
        let d = resolve(
            "[watch]\nlisten = \"127.0.0.1:8025\"\n[notices]\npublic_url = \"https://desk.example.com\"",
            &NO_ENV,
        )
        .unwrap();
        assert_eq!(
            d.notices.public_url.unwrap().host_str(),
            Some("desk.example.com")
        );
        let e = resolve(
            "[notices]\npublic_url = \"http://desk.example.com\"",
            &NO_ENV,
        )
        .err()
        .unwrap();
        assert!(e.to_string().contains("https"), "{e}");
    }

    #[test]
    fn bad_values_name_the_key_and_what_is_allowed() {
        for (toml, key) in [
            ("[notices]\nfrom = \"not a mailbox\"", "notices.from"),
            ("[notices]\nlink_valid_days = 0", "notices.link_valid_days"),
            (
                "[notices]\ndaily_summary_time = \"5pm\"",
                "notices.daily_summary_time",
            ),
            ("[notices]\ndesk_name = \"  \"", "notices.desk_name"),
            ("[watch]\nlisten = \"port 80\"", "watch.listen"),
            ("[smtp]\nport = 25", "smtp.host"),
        ] {
            let e = resolve(toml, &NO_ENV).err().unwrap().to_string();
            assert!(e.contains(key), "{toml}: {e}");
        }
        let d = resolve("[notices]\ndaily_summary_time = \"off\"", &NO_ENV).unwrap();
        assert_eq!(d.notices.daily_summary_at, None);
    }
}
