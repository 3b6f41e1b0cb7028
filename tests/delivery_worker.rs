//! The delivery worker against a real outbox file and real receivers on loopback: retries
//! with backoff while the relay is down, gives up on what cannot succeed and tells the help
//! desk, counts everything, and stops cleanly.

mod notify_support;

use accessdesk::notify::channels::{Channels, JsonLinesChannel};
use accessdesk::notify::delivery::{
    DeliveryPass, GIVE_UP_AFTER, deliver_due, deliver_due_until, run,
};
use accessdesk::notify::metrics::Metrics;
use accessdesk::notify::{ChannelKind, IdempotencyKey, Notice, NoticeKind, WebhookFormat};
use accessdesk::outbox::{Outbox, OutboxState};
use chrono::{Duration, Utc};
use notify_support::fixtures::{DOMAIN, composer, metric, now, smtp_channel, webhook_channel};
use notify_support::lines_sink::LinesSink;
use notify_support::smtp_sink::SmtpSink;
use notify_support::webhook_sink::WebhookSink;
use std::cell::Cell;
use std::sync::Arc;

fn notice(user: &str, kind: NoticeKind, channel: ChannelKind) -> Notice {
    Notice {
        key: IdempotencyKey::new(user, kind, "", "cycle-1"),
        kind,
        channel,
        user_id: Some(user.into()),
        login: Some(format!("{user}@example.com")),
        to: if channel == ChannelKind::Email {
            vec![format!("{user}@example.com")]
        } else {
            vec![]
        },
        subject: format!("A notice for {user}"),
        text: "What happened, and what to do.".into(),
        html: Some("<p>What happened, and what to do.</p>".into()),
        facts: vec![("User".into(), user.into())],
        links: vec![],
        due_at: now(),
        instructions_only: false,
    }
}

fn open_outbox(dir: &tempfile::TempDir) -> Outbox {
    Outbox::open(Outbox::default_path(dir.path())).expect("an outbox")
}

#[tokio::test]
async fn a_relay_that_is_down_gets_a_retry_then_the_mail_when_it_is_up() {
    let dir = tempfile::tempdir().unwrap();
    let mut outbox = open_outbox(&dir);
    let relay = SmtpSink::free_addr();
    let lines = LinesSink::new();
    let channels = Channels::new(
        Some(smtp_channel(relay)),
        None,
        JsonLinesChannel::new(lines.writer(), DOMAIN),
    );
    let metrics = Metrics::default();
    let composer = composer();
    let n = notice("ada", NoticeKind::LockoutNotice, ChannelKind::Email);
    outbox.enqueue(&n, now()).unwrap();

    let pass = deliver_due(&mut outbox, &channels, Some(&composer), &metrics, 8, now())
        .await
        .unwrap();
    assert_eq!(
        pass,
        DeliveryPass {
            sent: 0,
            retried: 1,
            failed: 0
        }
    );
    let item = outbox.get(&n.key).unwrap().unwrap();
    assert_eq!(item.state, OutboxState::Queued);
    assert_eq!(item.attempts, 1);
    assert_eq!(item.next_attempt_at, now() + Duration::seconds(30));
    assert!(item.last_error.unwrap().contains("cannot be reached"));

    // Not yet due again.
    let early = now() + Duration::seconds(10);
    let pass = deliver_due(&mut outbox, &channels, Some(&composer), &metrics, 8, early)
        .await
        .unwrap();
    assert_eq!(pass, DeliveryPass::default());

    let sink = SmtpSink::start_on(relay);
    let later = now() + Duration::seconds(30);
    let pass = deliver_due(&mut outbox, &channels, Some(&composer), &metrics, 8, later)
        .await
        .unwrap();
    assert_eq!(
        pass,
        DeliveryPass {
            sent: 1,
            retried: 0,
            failed: 0
        }
    );
    let item = outbox.get(&n.key).unwrap().unwrap();
    assert_eq!(item.state, OutboxState::Sent);
    let mails = sink.messages();
    assert_eq!(mails.len(), 1);
    let message_id = format!("<{}>", n.key.message_id(DOMAIN));
    assert_eq!(mails[0].header("Message-ID"), Some(message_id));
    assert!(lines.text().is_empty(), "no alert: the notice got through");

    let text = metrics.render(later);
    let labels = r#"{kind="lockout_notice",channel="email"}"#;
    assert_eq!(
        metric(&text, &format!("accessdesk_notices_failed_total{labels}")),
        Some(1.0)
    );
    assert_eq!(
        metric(&text, &format!("accessdesk_notices_sent_total{labels}")),
        Some(1.0)
    );
}

#[tokio::test]
async fn webhook_500_is_retried_and_404_gives_up_without_alerting_about_an_alert() {
    let dir = tempfile::tempdir().unwrap();
    let mut outbox = open_outbox(&dir);
    let hook = WebhookSink::start().await;
    let lines = LinesSink::new();
    let channels = Channels::new(
        None,
        Some(webhook_channel(&hook.url(), WebhookFormat::Slack)),
        JsonLinesChannel::new(lines.writer(), DOMAIN),
    );
    let metrics = Metrics::default();
    let composer = composer();
    let alert = notice("desk", NoticeKind::Alert, ChannelKind::Webhook);
    outbox.enqueue(&alert, now()).unwrap();

    hook.answer(500, "rollup_error");
    let pass = deliver_due(&mut outbox, &channels, Some(&composer), &metrics, 8, now())
        .await
        .unwrap();
    assert_eq!(pass.retried, 1);
    let item = outbox.get(&alert.key).unwrap().unwrap();
    assert_eq!(
        item.last_error.as_deref(),
        Some("the webhook answered 500 (rollup_error)")
    );

    hook.answer(404, "channel_not_found");
    let later = now() + Duration::seconds(30);
    let pass = deliver_due(&mut outbox, &channels, Some(&composer), &metrics, 8, later)
        .await
        .unwrap();
    assert_eq!(
        pass,
        DeliveryPass {
            sent: 0,
            retried: 0,
            failed: 1
        }
    );
    let item = outbox.get(&alert.key).unwrap().unwrap();
    assert_eq!(item.state, OutboxState::Failed);
    assert_eq!(item.attempts, 2);
    assert_eq!(hook.requests().len(), 2);
    // The failed alert raises no alert of its own (it would fail the same way).
    assert_eq!(outbox.counts().unwrap().queued, 0);
    let text = metrics.render(later);
    let series = r#"accessdesk_notices_failed_total{kind="alert",channel="webhook"}"#;
    assert_eq!(metric(&text, series), Some(2.0));
}

#[tokio::test]
async fn a_refused_address_fails_at_once_and_the_desk_is_told() {
    let dir = tempfile::tempdir().unwrap();
    let mut outbox = open_outbox(&dir);
    let sink = SmtpSink::start_rejecting(&["grace@example.com"]);
    let lines = LinesSink::new();
    let channels = Channels::new(
        Some(smtp_channel(sink.addr())),
        None,
        JsonLinesChannel::new(lines.writer(), DOMAIN),
    );
    let metrics = Metrics::default();
    let composer = composer();
    let n = notice("grace", NoticeKind::PasswordReminder, ChannelKind::Email);
    outbox.enqueue(&n, now()).unwrap();

    let pass = deliver_due(&mut outbox, &channels, Some(&composer), &metrics, 8, now())
        .await
        .unwrap();
    assert_eq!(
        pass,
        DeliveryPass {
            sent: 0,
            retried: 0,
            failed: 1
        }
    );
    assert_eq!(
        outbox.get(&n.key).unwrap().unwrap().state,
        OutboxState::Failed
    );

    // The DeliveryFailure alert was queued, and goes out on the next pass (JSON lines here).
    let pass = deliver_due(&mut outbox, &channels, Some(&composer), &metrics, 8, now())
        .await
        .unwrap();
    assert_eq!(pass.sent, 1);
    let alerts = lines.lines();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0]["kind"], "alert");
    let key = alerts[0]["key"].as_str().unwrap();
    assert!(key.contains("delivery_failure"), "{key}");
    assert!(key.ends_with(&n.key.as_string()), "{key}");
    let facts = alerts[0]["facts"].to_string();
    assert!(facts.contains("550"), "{facts}");
    assert!(facts.contains("grace@example.com"), "{facts}");

    let text = metrics.render(now());
    let series = r#"accessdesk_notices_queued_total{kind="alert",channel="jsonl"}"#;
    assert_eq!(metric(&text, series), Some(1.0));
}

#[tokio::test]
async fn a_long_outage_tells_the_desk_after_max_attempts_and_gives_up_only_days_later() {
    let dir = tempfile::tempdir().unwrap();
    let mut outbox = open_outbox(&dir);
    let channels = Channels::new(
        Some(smtp_channel(SmtpSink::free_addr())),
        None,
        JsonLinesChannel::new(LinesSink::new().writer(), DOMAIN),
    );
    let metrics = Metrics::default();
    let composer = composer();
    let n = notice("alan", NoticeKind::ActionNotice, ChannelKind::Email);
    outbox.enqueue(&n, now()).unwrap();
    let first = deliver_due(&mut outbox, &channels, Some(&composer), &metrics, 2, now())
        .await
        .unwrap();
    assert_eq!(first.retried, 1);
    assert_eq!(
        outbox.counts().unwrap().queued,
        1,
        "no alert after one failure"
    );
    // The second failure reaches max_attempts: the desk hears of it, the notice stays queued.
    let at = outbox.get(&n.key).unwrap().unwrap().next_attempt_at;
    let second = deliver_due(&mut outbox, &channels, Some(&composer), &metrics, 2, at)
        .await
        .unwrap();
    assert_eq!((second.retried, second.failed), (1, 0));
    let item = outbox.get(&n.key).unwrap().unwrap();
    assert_eq!((item.state, item.attempts), (OutboxState::Queued, 2));
    let alerts: Vec<_> = outbox
        .recent(10)
        .unwrap()
        .into_iter()
        .filter(|i| i.notice.kind == NoticeKind::Alert)
        .collect();
    assert_eq!(alerts.len(), 1, "one still-failing alert");
    assert!(
        alerts[0].notice.subject.contains("still retrying"),
        "{alerts:?}"
    );
    // Days later, still down: given up, and the desk is told that too.
    let late = now() + GIVE_UP_AFTER + Duration::minutes(1);
    let third = deliver_due(&mut outbox, &channels, Some(&composer), &metrics, 2, late)
        .await
        .unwrap();
    assert_eq!(third.failed, 1);
    let item = outbox.get(&n.key).unwrap().unwrap();
    assert_eq!((item.state, item.attempts), (OutboxState::Failed, 3));
    let alerts = outbox
        .recent(10)
        .unwrap()
        .into_iter()
        .filter(|i| i.notice.kind == NoticeKind::Alert)
        .count();
    assert_eq!(alerts, 2, "still-failing, then given up");
}

#[tokio::test]
async fn a_channel_that_is_down_is_tried_once_a_pass_and_the_others_still_deliver() {
    let dir = tempfile::tempdir().unwrap();
    let mut outbox = open_outbox(&dir);
    let lines = LinesSink::new();
    let channels = Channels::new(
        Some(smtp_channel(SmtpSink::free_addr())),
        None,
        JsonLinesChannel::new(lines.writer(), DOMAIN),
    );
    let metrics = Metrics::default();
    for user in ["u1", "u2", "u3"] {
        let n = notice(user, NoticeKind::ActionNotice, ChannelKind::Email);
        outbox.enqueue(&n, now()).unwrap();
    }
    let other = notice("u4", NoticeKind::Instructions, ChannelKind::JsonLines);
    outbox.enqueue(&other, now()).unwrap();
    let pass = deliver_due(&mut outbox, &channels, None, &metrics, 8, now())
        .await
        .unwrap();
    assert_eq!((pass.retried, pass.sent, pass.failed), (1, 1, 0));
    let untried = ["u2", "u3"].map(|u| {
        outbox
            .get(&notice(u, NoticeKind::ActionNotice, ChannelKind::Email).key)
            .unwrap()
            .unwrap()
            .attempts
    });
    assert_eq!(untried, [0, 0], "left for the next pass, no attempt spent");
    assert_eq!(lines.lines().len(), 1);
}

#[tokio::test]
async fn a_stop_request_lets_the_item_in_flight_finish_and_starts_no_other() {
    let dir = tempfile::tempdir().unwrap();
    let mut outbox = open_outbox(&dir);
    let lines = LinesSink::new();
    let channels = Channels::new(None, None, JsonLinesChannel::new(lines.writer(), DOMAIN));
    let metrics = Metrics::default();
    for user in ["u1", "u2", "u3"] {
        let n = notice(user, NoticeKind::Instructions, ChannelKind::JsonLines);
        outbox.enqueue(&n, now()).unwrap();
    }
    let asked = Cell::new(0);
    let stop = || {
        asked.set(asked.get() + 1);
        asked.get() > 1
    };
    let pass = deliver_due_until(&mut outbox, &channels, None, &metrics, 8, now(), stop)
        .await
        .unwrap();
    assert_eq!(pass.sent, 1);
    assert_eq!(lines.lines().len(), 1);
    let counts = outbox.counts().unwrap();
    assert_eq!((counts.sent, counts.queued), (1, 2));
}

#[tokio::test]
async fn the_worker_delivers_when_woken_and_stops_on_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let path = Outbox::default_path(dir.path());
    let mut outbox = Outbox::open(&path).unwrap();
    let lines = LinesSink::new();
    let channels = Channels::new(None, None, JsonLinesChannel::new(lines.writer(), DOMAIN));
    let metrics = Arc::new(Metrics::default());
    let wake = Arc::new(tokio::sync::Notify::new());
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(run(
        accessdesk::outbox::OutboxLocation::Local(path.clone()),
        channels,
        Some(composer()),
        metrics.clone(),
        8,
        wake.clone(),
        stop_rx,
    ));

    let mut n = notice("ada", NoticeKind::Instructions, ChannelKind::JsonLines);
    n.due_at = Utc::now();
    outbox.enqueue(&n, Utc::now()).unwrap();
    wake.notify_one();
    // Wait for the worker (a condition, not a deadline: the loop ends as soon as it is sent).
    loop {
        if outbox.get(&n.key).unwrap().unwrap().state == OutboxState::Sent {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    stop_tx.send(true).unwrap();
    worker.await.expect("the worker stops cleanly");

    let sent = lines.lines();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["key"], n.key.as_string());
    let text = metrics.render(Utc::now());
    let series = r#"accessdesk_outbox_notices{kind="instructions",channel="jsonl",state="sent"}"#;
    assert_eq!(metric(&text, series), Some(1.0));
}

#[tokio::test]
async fn a_composed_lockout_notice_arrives_by_mail_with_text_html_and_its_answer_link() {
    use accessdesk::model::{Lockout, LockoutKind};
    use accessdesk::notify::Recipient;

    let dir = tempfile::tempdir().unwrap();
    let mut outbox = open_outbox(&dir);
    let sink = SmtpSink::start();
    let channels = Channels::new(
        Some(smtp_channel(sink.addr())),
        None,
        JsonLinesChannel::new(LinesSink::new().writer(), DOMAIN),
    );
    let metrics = Metrics::default();
    let composer = composer();
    let lockout = Lockout {
        uuid: "evt-7".into(),
        published: now(),
        detected_at: now(),
        kind: LockoutKind::AccountLocked,
        event_type: "user.account.lock".into(),
        reason: "Too many failed sign-in attempts".into(),
        user_id: Some("00u7".into()),
        login: "ada@example.com".into(),
        display_name: Some("Ada Lovelace".into()),
        ip: Some("198.51.100.4".into()),
        city: Some("Berlin".into()),
        state: None,
        country: Some("Germany".into()),
        browser: None,
        os: None,
        raw_user_agent: None,
        request_id: None,
    };
    let to = Recipient {
        user_id: "00u7".into(),
        login: "ada@example.com".into(),
        name: "Ada Lovelace".into(),
        addresses: vec!["ada@example.com".into()],
    };
    let n = composer.lockout_notice(&lockout, &to, now());
    assert_eq!(n.channel, ChannelKind::Email);
    outbox.enqueue(&n, now()).unwrap();
    // Queued twice (a restart re-evaluating the same lockout): still one message.
    outbox.enqueue(&n, now()).unwrap();

    let pass = deliver_due(&mut outbox, &channels, Some(&composer), &metrics, 8, now())
        .await
        .unwrap();
    assert_eq!(pass.sent, 1);
    let mails = sink.messages();
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.to, ["ada@example.com"]);
    assert_eq!(mail.header("Subject").as_deref(), Some(n.subject.as_str()));
    assert_eq!(
        mail.header("Message-ID"),
        Some(format!("<{}>", n.key.message_id(DOMAIN)))
    );
    let text = mail.part("text/plain").expect("a text part");
    assert!(text.contains("Berlin"), "{text}");
    let html = mail.part("text/html").expect("an HTML part");
    let link = n
        .links
        .first()
        .expect("a lockout notice offers This wasn't me");
    assert!(link.url.starts_with("https://desk.example.com/answer/"));
    assert!(html.contains(&link.url.replace('&', "&amp;")), "{html}");
}
