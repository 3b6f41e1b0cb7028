//! The help-desk channel: a JSON POST to a Slack incoming webhook or a Teams Workflows webhook.
//! The URL is itself the credential, so it never appears in an error or a log line: errors
//! say "the webhook answered 404 (channel_not_found)", never where it is.

use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;

use super::webhook_payload::{slack_payload, teams_payload};
use super::{Channel, DeliveryError};
use crate::notify::{ChannelKind, WebhookFormat, WebhookSettings};
use crate::outbox::OutboxItem;

/// How much of an error answer's body is quoted (Slack answers a short code such as
/// `channel_not_found`; anything longer is not worth a log line).
const BODY_QUOTE_MAX: usize = 80;

pub struct WebhookChannel {
    client: reqwest::Client,
    url: SecretString,
    format: WebhookFormat,
    timeout: Duration,
}

impl std::fmt::Debug for WebhookChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookChannel")
            .field("url", &"[redacted]")
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

impl WebhookChannel {
    /// Checks the URL is an http(s) URL; redirects are not followed (a webhook that moved is
    /// a configuration to fix, and following it would send the message somewhere unchecked).
    pub fn new(settings: &WebhookSettings) -> Result<WebhookChannel, String> {
        let url = url::Url::parse(settings.url.expose_secret()).map_err(|e| {
            format!("the webhook URL (ACCESSDESK_WEBHOOK_URL or webhook.url) is not a URL: {e}")
        })?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(format!(
                "the webhook URL (ACCESSDESK_WEBHOOK_URL or webhook.url) must start with https://, not {}:",
                url.scheme()
            ));
        }
        let client = reqwest::Client::builder()
            .timeout(settings.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("accessdesk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("the HTTP client for the webhook cannot be built: {e}"))?;
        Ok(WebhookChannel {
            client,
            url: settings.url.clone(),
            format: settings.format,
            timeout: settings.timeout,
        })
    }

    pub fn format(&self) -> WebhookFormat {
        self.format
    }
}

impl Channel for WebhookChannel {
    fn kind(&self) -> ChannelKind {
        ChannelKind::Webhook
    }

    async fn deliver(&self, item: &OutboxItem) -> Result<(), DeliveryError> {
        let payload = match self.format {
            WebhookFormat::Slack => slack_payload(&item.notice),
            WebhookFormat::Teams => teams_payload(&item.notice),
        };
        let response = self
            .client
            .post(self.url.expose_secret())
            .json(&payload)
            .send()
            .await
            .map_err(|e| request_error(&e, self.timeout))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let body = response.text().await.unwrap_or_default();
        Err(status_error(status, &body))
    }
}

/// A request that got no answer: always worth retrying. Only the kind of failure is named
/// (reqwest's own message would include the URL).
fn request_error(e: &reqwest::Error, timeout: Duration) -> DeliveryError {
    let what = if e.is_timeout() {
        format!("did not answer within {} s", timeout.as_secs())
    } else if e.is_connect() {
        "cannot be reached (the connection failed)".to_owned()
    } else {
        "cannot be reached (the request failed before an answer)".to_owned()
    };
    DeliveryError::Transient(format!("the webhook {what}"))
}

/// 429 and 5xx are worth retrying, other answers are not (400 invalid payload, 403, 404
/// unknown channel, 410 archived channel, redirects).
fn status_error(status: StatusCode, body: &str) -> DeliveryError {
    let quoted = quote_body(body);
    let message = match quoted {
        Some(code) => format!("the webhook answered {} ({code})", status.as_u16()),
        None => format!("the webhook answered {}", status.as_u16()),
    };
    if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
        DeliveryError::Transient(message)
    } else if status.is_redirection() {
        DeliveryError::Permanent(format!(
            "{message}: it moved, and redirects are not followed; configure its new URL"
        ))
    } else {
        DeliveryError::Permanent(message)
    }
}

/// A short, single-line, printable body such as Slack's `channel_not_found`, or nothing.
fn quote_body(body: &str) -> Option<String> {
    let body = body.trim();
    if body.is_empty()
        || body.chars().count() > BODY_QUOTE_MAX
        || body.chars().any(|c| c.is_control())
    {
        return None;
    }
    Some(body.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(url: &str) -> WebhookSettings {
        WebhookSettings {
            url: SecretString::from(url.to_owned()),
            format: WebhookFormat::Slack,
            timeout: Duration::from_secs(10),
        }
    }

    #[test]
    fn statuses_map_to_retry_or_give_up() {
        assert!(status_error(StatusCode::TOO_MANY_REQUESTS, "ratelimited").is_transient());
        assert!(status_error(StatusCode::INTERNAL_SERVER_ERROR, "rollup_error").is_transient());
        assert!(status_error(StatusCode::BAD_GATEWAY, "").is_transient());
        assert_eq!(
            status_error(StatusCode::NOT_FOUND, "channel_not_found"),
            DeliveryError::Permanent("the webhook answered 404 (channel_not_found)".into())
        );
        assert!(!status_error(StatusCode::GONE, "channel_is_archived").is_transient());
        assert!(!status_error(StatusCode::MOVED_PERMANENTLY, "").is_transient());
        let long = "x".repeat(500);
        assert_eq!(
            status_error(StatusCode::BAD_REQUEST, &long).to_string(),
            "the webhook answered 400"
        );
    }

    #[test]
    fn a_bad_url_is_refused_without_quoting_it() {
        let err = WebhookChannel::new(&settings("not a url/T0/B0/secretpart")).unwrap_err();
        assert!(!err.contains("secretpart"), "{err}");
        let err = WebhookChannel::new(&settings("ftp://hooks.example.com/secretpart")).unwrap_err();
        assert!(err.contains("https://"), "{err}");
        assert!(!err.contains("secretpart"), "{err}");
        assert!(WebhookChannel::new(&settings("https://hooks.slack.com/services/T/B/x")).is_ok());
    }

    #[test]
    fn debug_never_shows_the_url() {
        let channel =
            WebhookChannel::new(&settings("https://hooks.slack.com/services/T/B/secretpart"))
                .unwrap();
        assert!(!format!("{channel:?}").contains("secretpart"));
    }
}
