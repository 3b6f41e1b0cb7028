//! `Channels::from_config`: the channels the configuration file and environment describe,
//! delivering to loopback receivers.

mod notify_support;

use accessdesk::config::{Config, Overrides};
use accessdesk::notify::channels::Channels;
use accessdesk::notify::{ChannelKind, IdempotencyKey, Notice, NoticeKind};
use accessdesk::outbox::{OutboxItem, OutboxState};
use notify_support::fixtures::now;
use notify_support::smtp_sink::SmtpSink;
use notify_support::webhook_sink::WebhookSink;
use std::io::Write;

fn load(toml: &str, env: &[(&str, &str); 1]) -> (Config, tempfile::NamedTempFile) {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(toml.as_bytes()).unwrap();
    let overrides = Overrides {
        config_file: Some(file.path().to_path_buf()),
        data_dir: Some(std::env::temp_dir().join("accessdesk-delivery-config")),
        ..Overrides::default()
    };
    let config = Config::load(&overrides, env).expect("the configuration loads");
    (config, file)
}

fn item(kind: NoticeKind, channel: ChannelKind, to: &[&str]) -> OutboxItem {
    let notice = Notice {
        key: IdempotencyKey::new("00u1", kind, "", "c1"),
        kind,
        channel,
        user_id: Some("00u1".into()),
        login: Some("ada@example.com".into()),
        to: to.iter().map(|s| s.to_string()).collect(),
        subject: "Subject line".into(),
        text: "Body text.".into(),
        html: None,
        facts: vec![("User".into(), "ada".into())],
        links: vec![],
        due_at: now(),
        instructions_only: false,
    };
    OutboxItem {
        id: 1,
        next_attempt_at: notice.due_at,
        notice,
        state: OutboxState::Queued,
        attempts: 0,
        queued_at: now(),
        sent_at: None,
        last_error: None,
    }
}

#[tokio::test]
async fn smtp_and_webhook_sections_configure_their_channels() {
    let sink = SmtpSink::start();
    let hook = WebhookSink::start().await;
    let toml = format!(
        "[notices]\nfrom = \"IT Service Desk <helpdesk@example.com>\"\n\n\
         [smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\n\n\
         [webhook]\nformat = \"teams\"\n",
        sink.addr().port()
    );
    let url = hook.url();
    let (config, _file) = load(&toml, &[("ACCESSDESK_WEBHOOK_URL", url.as_str())]);
    let channels = Channels::from_config(&config).expect("channels");
    assert_eq!(
        channels.configured(),
        [
            ChannelKind::Email,
            ChannelKind::Webhook,
            ChannelKind::JsonLines
        ]
    );

    let mail = item(
        NoticeKind::LockoutNotice,
        ChannelKind::Email,
        &["ada@example.com"],
    );
    channels.deliver(&mail).await.expect("mailed");
    let received = sink.messages();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].from, "helpdesk@example.com");
    assert_eq!(
        received[0].header("Message-ID"),
        Some(format!("<{}>", mail.notice.key.message_id("example.com")))
    );

    channels
        .deliver(&item(NoticeKind::Alert, ChannelKind::Webhook, &[]))
        .await
        .expect("posted");
    assert_eq!(hook.requests()[0].json["type"], "message");
}

#[tokio::test]
async fn without_those_sections_only_json_lines_are_configured() {
    let (config, _file) = load("", &[("ACCESSDESK_UNUSED", "")]);
    let channels = Channels::from_config(&config).expect("channels");
    assert_eq!(channels.configured(), [ChannelKind::JsonLines]);
    let err = channels
        .deliver(&item(
            NoticeKind::LockoutNotice,
            ChannelKind::Email,
            &["a@example.com"],
        ))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("[smtp]"), "{err}");
}
