//! What the delivery worker logs names the notice and the failure, never a secret: not the
//! webhook URL (it is the credential), not an answer link's token.

mod notify_support;

use accessdesk::model::{Lockout, LockoutKind};
use accessdesk::notify::Recipient;
use accessdesk::notify::channels::{Channels, JsonLinesChannel};
use accessdesk::notify::delivery::deliver_due;
use accessdesk::notify::metrics::Metrics;
use accessdesk::notify::{ChannelKind, NoticeKind, WebhookFormat};
use accessdesk::outbox::Outbox;
use chrono::Duration;
use notify_support::fixtures::{DOMAIN, composer, now, smtp_channel, webhook_channel};
use notify_support::lines_sink::LinesSink;
use notify_support::smtp_sink::SmtpSink;
use notify_support::webhook_sink::{HOOK_SECRET, WebhookSink};
use std::io::Write;
use std::sync::{Arc, Mutex};

/// Every log line, at every level, into a buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn lockout() -> Lockout {
    Lockout {
        uuid: "evt-9".into(),
        published: now(),
        detected_at: now(),
        kind: LockoutKind::AccountLocked,
        event_type: "user.account.lock".into(),
        reason: "Too many failed sign-in attempts".into(),
        user_id: Some("00u9".into()),
        login: "grace@example.com".into(),
        display_name: Some("Grace Hopper".into()),
        ip: Some("198.51.100.9".into()),
        city: Some("Arlington".into()),
        state: None,
        country: Some("United States".into()),
        browser: None,
        os: None,
        raw_user_agent: None,
        request_id: None,
    }
}

// Current-thread runtime: the thread-local subscriber sees everything the worker logs.
#[tokio::test(flavor = "current_thread")]
async fn retries_and_failures_are_logged_without_the_hook_url_or_link_tokens() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let dir = tempfile::tempdir().unwrap();
    let mut outbox = Outbox::open(Outbox::default_path(dir.path())).unwrap();
    let hook = WebhookSink::start().await;
    let relay = SmtpSink::free_addr();
    let channels = Channels::new(
        Some(smtp_channel(relay)),
        Some(webhook_channel(&hook.url(), WebhookFormat::Slack)),
        JsonLinesChannel::new(LinesSink::new().writer(), DOMAIN),
    );
    let metrics = Metrics::default();
    let composer = composer();
    let to = Recipient {
        user_id: "00u9".into(),
        login: "grace@example.com".into(),
        name: "Grace Hopper".into(),
        addresses: vec!["grace@example.com".into()],
    };
    let notice = composer.lockout_notice(&lockout(), &to, now());
    let link = notice.links.first().expect("an answer link").url.clone();
    let token = link.rsplit('/').next().unwrap().to_owned();
    outbox.enqueue(&notice, now()).unwrap();
    let mut alert = notice.clone();
    alert.key.kind = NoticeKind::Alert;
    alert.kind = NoticeKind::Alert;
    alert.channel = ChannelKind::Webhook;
    outbox.enqueue(&alert, now()).unwrap();

    // The relay is down (retried, and retried again: an outage is waited out), the hook
    // answers 500 (retry), then 404 (given up).
    hook.answer(500, "rollup_error");
    hook.answer(404, "channel_not_found");
    deliver_due(&mut outbox, &channels, Some(&composer), &metrics, 2, now())
        .await
        .unwrap();
    let later = now() + Duration::seconds(30);
    let pass = deliver_due(&mut outbox, &channels, Some(&composer), &metrics, 2, later)
        .await
        .unwrap();
    assert_eq!((pass.retried, pass.failed), (1, 1));

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("will retry"), "{logs}");
    assert!(logs.contains("giving up"), "{logs}");
    assert!(logs.contains("the webhook answered 404"), "{logs}");
    assert!(!logs.contains(HOOK_SECRET), "{logs}");
    assert!(!logs.contains(&token), "{logs}");
    assert!(!logs.contains("/answer/"), "{logs}");
}
