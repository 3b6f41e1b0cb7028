//! The desk, the clock and channels the delivery tests share: a desk at `desk.example.com`
//! sending user notices by e-mail and alerts as JSON lines, channels pointed at the loopback
//! sinks, and a reader for one series of `/metrics`.

use accessdesk::notify::channels::{SmtpChannel, WebhookChannel};
use accessdesk::notify::compose::Composer;
use accessdesk::notify::links::AnswerKey;
use accessdesk::notify::{
    ChannelKind, NoticeSettings, SmtpSecurity, SmtpSettings, WebhookFormat, WebhookSettings,
};
use chrono::{DateTime, TimeZone, Utc};
use secrecy::SecretString;
use std::net::SocketAddr;
use std::time::Duration;

/// The right-hand side of every Message-ID.
pub const DOMAIN: &str = "desk.example.com";

/// The tests' "now": 2026-12-02 09:30 UTC.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 2, 9, 30, 0).unwrap()
}

/// From `IT Service Desk <helpdesk@desk.example.com>`, answer links under
/// `https://desk.example.com`, user notices by e-mail, alerts as JSON lines.
pub fn notice_settings() -> NoticeSettings {
    NoticeSettings {
        from: "IT Service Desk <helpdesk@desk.example.com>".into(),
        message_id_domain: DOMAIN.into(),
        user_channel: ChannelKind::Email,
        alert_channel: ChannelKind::JsonLines,
        public_url: Some(url::Url::parse("https://desk.example.com").unwrap()),
        ..NoticeSettings::default()
    }
}

/// A composer with the built-in templates and a fixed answer key.
pub fn composer() -> Composer {
    let key = AnswerKey::from_bytes(&[7u8; 32]).expect("a 32-byte key");
    Composer::new(notice_settings(), Vec::new(), key).expect("built-in templates")
}

/// `[smtp]` for a plain-SMTP relay at `addr` (loopback only).
pub fn smtp_settings(addr: SocketAddr) -> SmtpSettings {
    SmtpSettings {
        host: addr.ip().to_string(),
        port: addr.port(),
        security: SmtpSecurity::None,
        username: None,
        password: None,
        timeout: Duration::from_secs(10),
    }
}

/// The e-mail channel to the relay at `addr` (call inside the tokio runtime).
pub fn smtp_channel(addr: SocketAddr) -> SmtpChannel {
    SmtpChannel::new(&smtp_settings(addr), &notice_settings()).expect("an SMTP channel")
}

pub fn webhook_channel(url: &str, format: WebhookFormat) -> WebhookChannel {
    WebhookChannel::new(&WebhookSettings {
        url: SecretString::from(url.to_owned()),
        format,
        timeout: Duration::from_secs(10),
    })
    .expect("a webhook channel")
}

/// The value of one series (`name{labels}` exactly as rendered) in a `/metrics` text.
pub fn metric(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}
