//! Channels against real receivers on loopback: a mailin-embedded SMTP server and an axum
//! webhook receiver (tests/notify_support), and JSON lines to a captured writer.

mod notify_support;

use accessdesk::notify::channels::{Channel, Channels, DeliveryError, JsonLinesChannel};
use accessdesk::notify::notice::NoticeLink;
use accessdesk::notify::{ChannelKind, IdempotencyKey, Notice, NoticeKind, WebhookFormat};
use accessdesk::outbox::{OutboxItem, OutboxState};
use notify_support::fixtures::{DOMAIN, now, smtp_channel, webhook_channel as webhook};
use notify_support::lines_sink::LinesSink;
use notify_support::smtp_sink::SmtpSink;
use notify_support::webhook_sink::{HOOK_SECRET, WebhookSink};

fn lockout_notice() -> Notice {
    Notice {
        key: IdempotencyKey::new("00u1", NoticeKind::LockoutNotice, "", "evt-1"),
        kind: NoticeKind::LockoutNotice,
        channel: ChannelKind::Email,
        user_id: Some("00u1".into()),
        login: Some("ada@example.com".into()),
        to: vec!["ada@example.com".into(), "ada.home@example.org".into()],
        subject: "Your account was locked".into(),
        text: "Your account was locked at 09:12 from Berlin.\nUnlock it yourself: see below."
            .into(),
        html: Some("<p>Your account was locked at <b>09:12</b> from Berlin.</p>".into()),
        facts: vec![],
        links: vec![NoticeLink {
            label: "This wasn't me".into(),
            url: "https://desk.example.com/answer/tok".into(),
        }],
        due_at: now(),
        instructions_only: false,
    }
}

fn alert_notice() -> Notice {
    Notice {
        key: IdempotencyKey::new("desk", NoticeKind::Alert, "burst", "2026-12-02T09:00"),
        kind: NoticeKind::Alert,
        channel: ChannelKind::Webhook,
        user_id: None,
        login: None,
        to: vec![],
        subject: "Lockout burst: 14 accounts in 5 minutes".into(),
        text: "More lockouts than usual from 203.0.113.7.".into(),
        html: None,
        facts: vec![
            ("Accounts".into(), "14".into()),
            ("Source".into(), "203.0.113.7".into()),
        ],
        links: vec![],
        due_at: now(),
        instructions_only: false,
    }
}

fn item(id: i64, notice: Notice) -> OutboxItem {
    OutboxItem {
        id,
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
async fn an_email_arrives_with_its_addresses_parts_and_stable_message_id() {
    let sink = SmtpSink::start();
    let channel = smtp_channel(sink.addr());
    let notice = lockout_notice();
    let expected_id = format!("<{}>", notice.key.message_id(DOMAIN));

    channel
        .deliver(&item(1, notice.clone()))
        .await
        .expect("sent");
    // A resend of the same key (a crash before it was marked sent) is the same message.
    channel
        .deliver(&item(1, notice.clone()))
        .await
        .expect("sent again");

    let mails = sink.messages();
    assert_eq!(mails.len(), 2);
    for mail in &mails {
        assert_eq!(mail.from, "helpdesk@desk.example.com");
        assert_eq!(mail.to, ["ada@example.com", "ada.home@example.org"]);
        assert_eq!(
            mail.header("Subject").as_deref(),
            Some("Your account was locked")
        );
        let from = mail.header("From").unwrap();
        assert!(from.contains("IT Service Desk") && from.contains("<helpdesk@desk.example.com>"));
        let to = mail.header("To").unwrap();
        assert!(to.contains("ada@example.com") && to.contains("ada.home@example.org"));
        assert_eq!(
            mail.header("Message-ID").as_deref(),
            Some(expected_id.as_str())
        );
        assert_eq!(
            mail.header("X-Accessdesk-Key").as_deref(),
            Some("00u1|lockout_notice||evt-1")
        );
        assert_eq!(
            mail.content_type().as_deref(),
            Some("multipart/alternative")
        );
        let text = mail.part("text/plain").expect("a text part");
        assert!(text.contains("locked at 09:12 from Berlin."), "{text}");
        let html = mail.part("text/html").expect("an HTML part");
        assert!(html.contains("<b>09:12</b>"), "{html}");
    }
}

#[tokio::test]
async fn a_notice_without_html_is_plain_text_only() {
    let sink = SmtpSink::start();
    let channel = smtp_channel(sink.addr());
    let mut notice = lockout_notice();
    notice.html = None;
    channel.deliver(&item(1, notice)).await.expect("sent");
    let mail = &sink.messages()[0];
    assert_eq!(mail.content_type().as_deref(), Some("text/plain"));
    assert!(mail.part("text/html").is_none());
    assert!(mail.part("text/plain").unwrap().contains("Berlin"));
}

#[tokio::test]
async fn a_relay_that_is_down_is_worth_retrying_and_a_refused_address_is_not() {
    let down = SmtpSink::free_addr();
    let channel = smtp_channel(down);
    let err = channel
        .deliver(&item(1, lockout_notice()))
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err}");
    assert!(err.to_string().contains(&down.to_string()), "{err}");

    let sink = SmtpSink::start_rejecting(&["ada.home@example.org"]);
    let channel = smtp_channel(sink.addr());
    let err = channel
        .deliver(&item(1, lockout_notice()))
        .await
        .unwrap_err();
    assert!(matches!(err, DeliveryError::Permanent(_)), "{err}");
    assert!(err.to_string().contains("550"), "{err}");
    assert!(sink.messages().is_empty());

    let mut nobody = lockout_notice();
    nobody.to.clear();
    let err = channel.deliver(&item(2, nobody)).await.unwrap_err();
    assert!(matches!(err, DeliveryError::Permanent(_)), "{err}");
    let mut bad = lockout_notice();
    bad.to = vec!["not an address".into()];
    let err = channel.deliver(&item(3, bad)).await.unwrap_err();
    assert!(err.to_string().contains("not an address"), "{err}");
}

#[tokio::test]
async fn slack_gets_text_and_blocks_with_the_facts() {
    let hook = WebhookSink::start().await;
    let channel = webhook(&hook.url(), WebhookFormat::Slack);
    channel
        .deliver(&item(1, alert_notice()))
        .await
        .expect("posted");

    let posts = hook.requests();
    assert_eq!(posts.len(), 1);
    let post = &posts[0];
    assert_eq!(post.path, format!("/services/T000/B000/{HOOK_SECRET}"));
    assert_eq!(post.content_type.as_deref(), Some("application/json"));
    let json = &post.json;
    assert_eq!(
        json["text"],
        "Lockout burst: 14 accounts in 5 minutes\nMore lockouts than usual from 203.0.113.7."
    );
    let blocks = json["blocks"].as_array().expect("blocks");
    assert_eq!(blocks[0]["type"], "header");
    assert_eq!(
        blocks[0]["text"]["text"],
        "Lockout burst: 14 accounts in 5 minutes"
    );
    assert_eq!(blocks[1]["text"]["type"], "mrkdwn");
    let fields: Vec<&str> = blocks[2]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["text"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["*Accounts*\n14", "*Source*\n203.0.113.7"]);
    assert_eq!(blocks.last().unwrap()["type"], "context");
}

#[tokio::test]
async fn teams_gets_an_adaptive_card_with_the_facts() {
    let hook = WebhookSink::start().await;
    hook.answer(202, "");
    let channel = webhook(&hook.url(), WebhookFormat::Teams);
    channel
        .deliver(&item(1, alert_notice()))
        .await
        .expect("posted");

    let json = &hook.requests()[0].json;
    assert_eq!(json["type"], "message");
    let attachment = &json["attachments"][0];
    assert_eq!(
        attachment["contentType"],
        "application/vnd.microsoft.card.adaptive"
    );
    let card = &attachment["content"];
    assert_eq!(card["type"], "AdaptiveCard");
    assert_eq!(
        card["$schema"],
        "http://adaptivecards.io/schemas/adaptive-card.json"
    );
    assert_eq!(card["version"], "1.4");
    let body = card["body"].as_array().unwrap();
    assert_eq!(body[0]["type"], "TextBlock");
    assert_eq!(body[0]["text"], "Lockout burst: 14 accounts in 5 minutes");
    assert_eq!(
        body[1]["text"],
        "More lockouts than usual from 203.0.113.7."
    );
    assert_eq!(body[1]["wrap"], true);
    assert_eq!(body[2]["type"], "FactSet");
    assert_eq!(
        body[2]["facts"],
        serde_json::json!([
            {"title": "Accounts", "value": "14"},
            {"title": "Source", "value": "203.0.113.7"},
        ])
    );
}

#[tokio::test]
async fn webhook_answers_decide_retry_and_never_show_the_url() {
    let hook = WebhookSink::start().await;
    let channel = webhook(&hook.url(), WebhookFormat::Slack);
    for (status, body, transient) in [
        (500, "rollup_error", true),
        (429, "ratelimited", true),
        (404, "channel_not_found", false),
        (410, "channel_is_archived", false),
        (400, "invalid_payload", false),
    ] {
        hook.answer(status, body);
        let err = channel.deliver(&item(1, alert_notice())).await.unwrap_err();
        assert_eq!(err.is_transient(), transient, "{status}: {err}");
        assert_eq!(
            err.to_string(),
            format!("the webhook answered {status} ({body})")
        );
    }

    let closed = SmtpSink::free_addr();
    let url = format!("http://{closed}/services/T000/B000/{HOOK_SECRET}");
    let err = webhook(&url, WebhookFormat::Teams)
        .deliver(&item(1, alert_notice()))
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err}");
    assert!(!err.to_string().contains(HOOK_SECRET), "{err}");
    assert!(!err.to_string().contains(&closed.to_string()), "{err}");
}

#[tokio::test]
async fn json_lines_carry_the_notice_one_object_a_line() {
    let sink = LinesSink::new();
    let channel = JsonLinesChannel::new(sink.writer(), DOMAIN);
    let notice = lockout_notice();
    channel
        .deliver(&item(1, notice.clone()))
        .await
        .expect("written");
    let mut retried = item(2, alert_notice());
    retried.attempts = 2;
    channel.deliver(&retried).await.expect("written");

    assert!(sink.text().ends_with('\n'));
    let lines = sink.lines();
    assert_eq!(lines.len(), 2);
    let first = &lines[0];
    assert_eq!(first["key"], "00u1|lockout_notice||evt-1");
    assert_eq!(first["message_id"], notice.key.message_id(DOMAIN));
    assert_eq!(first["kind"], "lockout_notice");
    assert_eq!(first["channel"], "email");
    assert_eq!(
        first["to"],
        serde_json::json!(["ada@example.com", "ada.home@example.org"])
    );
    assert_eq!(first["subject"], "Your account was locked");
    assert_eq!(first["text"], notice.text);
    assert_eq!(
        first["links"],
        serde_json::json!([{"label": "This wasn't me", "url": "https://desk.example.com/answer/tok"}])
    );
    assert_eq!(first["due_at"], "2026-12-02T09:30:00Z");
    assert_eq!(first["attempt"], 1);
    assert_eq!(
        lines[1]["facts"],
        serde_json::json!([
            {"label": "Accounts", "value": "14"},
            {"label": "Source", "value": "203.0.113.7"},
        ])
    );
    assert_eq!(lines[1]["attempt"], 3);
}

#[tokio::test]
async fn channels_route_by_the_notice_and_name_a_missing_section() {
    let lines = LinesSink::new();
    let hook = WebhookSink::start().await;
    let only_lines = Channels::new(None, None, JsonLinesChannel::new(lines.writer(), DOMAIN));
    let err = only_lines
        .deliver(&item(1, lockout_notice()))
        .await
        .unwrap_err();
    assert!(matches!(err, DeliveryError::Permanent(_)));
    assert!(err.to_string().contains("[smtp]"), "{err}");
    let err = only_lines
        .deliver(&item(2, alert_notice()))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("[webhook]"), "{err}");

    let mut to_lines = lockout_notice();
    to_lines.channel = ChannelKind::JsonLines;
    only_lines
        .deliver(&item(3, to_lines))
        .await
        .expect("JSON lines");
    assert_eq!(lines.lines().len(), 1);

    let with_hook = Channels::new(
        None,
        Some(webhook(&hook.url(), WebhookFormat::Slack)),
        JsonLinesChannel::new(lines.writer(), DOMAIN),
    );
    with_hook
        .deliver(&item(4, alert_notice()))
        .await
        .expect("posted");
    assert_eq!(hook.requests().len(), 1);
    assert_eq!(
        with_hook.configured(),
        [ChannelKind::Webhook, ChannelKind::JsonLines]
    );
}
