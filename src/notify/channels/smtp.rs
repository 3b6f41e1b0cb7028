//! E-mail over SMTP (lettre): STARTTLS (required) or implicit TLS to any relay, plain SMTP
//! only to a loopback relay. Each message carries the stable `Message-ID` of its idempotency
//! key, so a resend after a crash is recognisably the same message.

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;

use super::{Channel, DeliveryError};
use crate::notify::{ChannelKind, Notice, NoticeSettings, SmtpSecurity, SmtpSettings};
use crate::outbox::OutboxItem;

/// The header naming the notice's idempotency key (for people tracing a message back).
const KEY_HEADER: &str = "X-Accessdesk-Key";

/// Sends user-facing notices through the configured relay.
pub struct SmtpChannel {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    message_id_domain: String,
    /// "host:port", for error messages.
    relay: String,
}

impl std::fmt::Debug for SmtpChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpChannel")
            .field("relay", &self.relay)
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl SmtpChannel {
    /// The relay as `[smtp]` describes it, the sender as `[notices]` does. Refuses plain SMTP
    /// to a host that is not loopback, half-given credentials and a From that is not an
    /// address. Call it inside the tokio runtime (the connection pool is a task).
    pub fn new(smtp: &SmtpSettings, notices: &NoticeSettings) -> Result<SmtpChannel, String> {
        let from: Mailbox = notices.from.parse().map_err(|e| {
            format!(
                "notices.from {:?} is not an e-mail address ({e}): write it as \"IT Service Desk <helpdesk@example.com>\"",
                notices.from
            )
        })?;
        let host = smtp.host.trim();
        if host.is_empty() {
            return Err(
                "smtp.host is empty: name the mail relay, e.g. host = \"smtp.example.com\"".into(),
            );
        }
        let builder = match smtp.security {
            SmtpSecurity::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                .map_err(|e| format!("smtp.host {host:?} cannot be used with STARTTLS: {e}"))?,
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)
                .map_err(|e| format!("smtp.host {host:?} cannot be used with TLS: {e}"))?,
            SmtpSecurity::None => {
                if !crate::config::is_loopback_host(host) {
                    return Err(format!(
                        "smtp.security = \"none\" is allowed only for a relay on this machine (localhost, 127.0.0.1, ::1), not {host:?}: use \"starttls\" or \"tls\""
                    ));
                }
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            }
        };
        let mut builder = builder.port(smtp.port).timeout(Some(smtp.timeout));
        match (&smtp.username, &smtp.password) {
            (Some(user), Some(password)) => {
                builder = builder.credentials(Credentials::new(
                    user.clone(),
                    password.expose_secret().to_owned(),
                ));
            }
            (Some(_), None) => {
                return Err("smtp.username is set but ACCESSDESK_SMTP_PASSWORD is not: set the password in the environment, or remove the username".into());
            }
            (None, Some(_)) => {
                return Err("ACCESSDESK_SMTP_PASSWORD is set but no user name: set smtp.username or ACCESSDESK_SMTP_USERNAME".into());
            }
            (None, None) => {}
        }
        // The connection pool runs a tokio task: without a runtime lettre would panic.
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(
                "the SMTP channel must be created inside the async runtime (a program error)"
                    .into(),
            );
        }
        Ok(SmtpChannel {
            transport: builder.build(),
            from,
            message_id_domain: notices.message_id_domain.clone(),
            relay: format!("{host}:{}", smtp.port),
        })
    }

    /// The message for `notice`, exactly as it is sent.
    pub fn message(&self, notice: &Notice) -> Result<Message, DeliveryError> {
        build_message(&self.from, &self.message_id_domain, notice)
    }
}

fn build_message(
    from: &Mailbox,
    message_id_domain: &str,
    notice: &Notice,
) -> Result<Message, DeliveryError> {
    if notice.to.is_empty() {
        return Err(DeliveryError::Permanent(format!(
            "the {} notice has no e-mail address to go to",
            notice.kind.as_str()
        )));
    }
    let mut builder = Message::builder()
        .from(from.clone())
        .subject(notice.subject.clone())
        .message_id(Some(format!(
            "<{}>",
            notice.key.message_id(message_id_domain)
        )));
    for address in &notice.to {
        let to: Mailbox = address.parse().map_err(|_| {
            DeliveryError::Permanent(format!("{address:?} is not a valid e-mail address"))
        })?;
        builder = builder.to(to);
    }
    let key = notice.key.as_string();
    if key.chars().all(|c| c.is_ascii() && !c.is_ascii_control()) {
        builder = builder.raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str(KEY_HEADER),
            key,
        ));
    }
    let built = match &notice.html {
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(
            notice.text.clone(),
            html.clone(),
        )),
        None => builder.singlepart(SinglePart::plain(notice.text.clone())),
    };
    built.map_err(|e| DeliveryError::Permanent(format!("the e-mail cannot be built: {e}")))
}

impl Channel for SmtpChannel {
    fn kind(&self) -> ChannelKind {
        ChannelKind::Email
    }

    async fn deliver(&self, item: &OutboxItem) -> Result<(), DeliveryError> {
        let message = self.message(&item.notice)?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) => Err(classify(&e, &self.relay)),
        }
    }
}

/// Retry what a later attempt may get through (no connection, timeouts, TLS trouble, 4xx
/// replies), give up on what it cannot (5xx replies such as a rejected address). lettre's
/// errors carry the server's reply and the I/O cause, never the credentials.
fn classify(e: &lettre::transport::smtp::Error, relay: &str) -> DeliveryError {
    if e.is_permanent() {
        DeliveryError::Permanent(format!("the mail server {relay} refused the message: {e}"))
    } else if e.is_transient() {
        DeliveryError::Transient(format!("the mail server {relay} deferred the message: {e}"))
    } else if e.is_timeout() {
        DeliveryError::Transient(format!("the mail server {relay} did not answer in time"))
    } else if e.is_client() {
        DeliveryError::Permanent(format!("the e-mail cannot be sent to {relay}: {e}"))
    } else if e.is_tls() {
        DeliveryError::Transient(format!(
            "the TLS connection to the mail server {relay} failed: {e}"
        ))
    } else {
        DeliveryError::Transient(format!("the mail server {relay} cannot be reached: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;
    use std::time::Duration;

    fn smtp(host: &str, security: SmtpSecurity) -> SmtpSettings {
        SmtpSettings {
            host: host.into(),
            port: 2525,
            security,
            username: None,
            password: None,
            timeout: Duration::from_secs(5),
        }
    }

    #[tokio::test]
    async fn plain_smtp_only_to_loopback() {
        let notices = NoticeSettings::default();
        for host in ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"] {
            assert!(SmtpChannel::new(&smtp(host, SmtpSecurity::None), &notices).is_ok());
        }
        let err =
            SmtpChannel::new(&smtp("mail.example.com", SmtpSecurity::None), &notices).unwrap_err();
        assert!(err.contains("only for a relay on this machine"), "{err}");
        assert!(err.contains("mail.example.com"), "{err}");
        assert!(
            SmtpChannel::new(&smtp("mail.example.com", SmtpSecurity::Starttls), &notices).is_ok()
        );
        assert!(SmtpChannel::new(&smtp("mail.example.com", SmtpSecurity::Tls), &notices).is_ok());
    }

    #[test]
    fn outside_a_runtime_it_is_an_error_not_a_panic() {
        let err = SmtpChannel::new(
            &smtp("127.0.0.1", SmtpSecurity::None),
            &NoticeSettings::default(),
        )
        .unwrap_err();
        assert!(err.contains("async runtime"), "{err}");
    }

    #[test]
    fn half_given_credentials_are_refused_without_showing_the_password() {
        let notices = NoticeSettings::default();
        let mut settings = smtp("127.0.0.1", SmtpSecurity::None);
        settings.password = Some(SecretString::from("hunter2-secret"));
        let err = SmtpChannel::new(&settings, &notices).unwrap_err();
        assert!(err.contains("no user name"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
        settings.password = None;
        settings.username = Some("desk".into());
        let err = SmtpChannel::new(&settings, &notices).unwrap_err();
        assert!(err.contains("ACCESSDESK_SMTP_PASSWORD"), "{err}");
    }

    #[test]
    fn a_from_that_is_not_an_address_is_named() {
        let notices = NoticeSettings {
            from: "IT Service Desk".into(),
            ..NoticeSettings::default()
        };
        let err = SmtpChannel::new(&smtp("127.0.0.1", SmtpSecurity::None), &notices).unwrap_err();
        assert!(err.contains("notices.from"), "{err}");
    }
}
