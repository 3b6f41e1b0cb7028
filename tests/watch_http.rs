//! `/metrics` parses as Prometheus text and counts what was queued and sent; `/healthz`
//! answers 200 while the poll is fine and 503 once it has failed for too long; the daily
//! summary covers only a day `watch` polled on.

mod notify_support;
mod watch_harness;

use accessdesk::notify::channels::{Channels, JsonLinesChannel};
use accessdesk::notify::delivery::deliver_due;
use accessdesk::outbox::Outbox;
use accessdesk::services::watch::due_notices;
use accessdesk::services::watch::http::PROMETHEUS_TEXT;
use chrono::{Duration, Utc};
use notify_support::lines_sink::LinesSink;
use std::collections::BTreeMap;
use watch_harness::*;

/// Each sample as `name{labels}` → value; panics on a line that is not exposition format.
fn parse_prometheus(text: &str) -> BTreeMap<String, f64> {
    let mut samples = BTreeMap::new();
    let mut typed = std::collections::BTreeSet::new();
    for line in text.lines() {
        if line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let mut parts = rest.split_whitespace();
            let name = parts.next().expect("a metric name");
            let kind = parts.next().expect("a metric type");
            assert!(
                ["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind),
                "{line}"
            );
            typed.insert(name.to_string());
            continue;
        }
        if line.starts_with("# HELP ") {
            continue;
        }
        assert!(!line.starts_with('#'), "unknown comment: {line}");
        let (series, value) = line
            .rsplit_once(' ')
            .unwrap_or_else(|| panic!("no value: {line}"));
        let name = series.split('{').next().unwrap();
        assert!(
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'),
            "bad name: {line}"
        );
        assert!(typed.contains(name), "sample before its TYPE: {line}");
        let labels = &series[name.len()..];
        if !labels.is_empty() {
            assert!(labels.starts_with('{') && labels.ends_with('}'), "{line}");
            for pair in labels[1..labels.len() - 1].split(',') {
                let (k, v) = pair.split_once('=').unwrap_or_else(|| panic!("{line}"));
                assert!(
                    !k.is_empty() && v.starts_with('"') && v.ends_with('"'),
                    "{line}"
                );
            }
        }
        let value: f64 = value
            .parse()
            .unwrap_or_else(|_| panic!("bad value: {line}"));
        samples.insert(series.to_string(), value);
    }
    samples
}

#[tokio::test]
async fn metrics_parse_and_count_what_was_sent() {
    let h = Harness::start().await;
    let expiry = day(20);
    let rows = vec![password_row("00u1", expiry), password_row("00u2", expiry)];
    let scan = scan(rows, vec![]);
    let date = expiry - Duration::days(7);
    let now = just_after(date, 10, 0);
    let notices = {
        let outbox = h.shared.outbox();
        due_notices(
            &scan,
            &h.shared.rules,
            &outbox,
            &h.shared.composer,
            date,
            now,
        )
        .unwrap()
    };
    assert_eq!(notices.len(), 2);
    h.enqueue(&notices, now);

    let sink = LinesSink::new();
    let channels = Channels::new(
        None,
        None,
        JsonLinesChannel::new(sink.writer(), "example.com"),
    );
    // Delivery has its own connection to the same outbox, as in `watch`.
    let mut outbox = Outbox::open(Outbox::default_path(h.data.path())).unwrap();
    let pass = deliver_due(&mut outbox, &channels, None, &h.shared.metrics, 8, now)
        .await
        .unwrap();
    assert_eq!(pass.sent, 2);
    assert_eq!(sink.lines().len(), 2);

    let response = h
        .http
        .get(format!("{}/metrics", h.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(content_type, PROMETHEUS_TEXT);
    let samples = parse_prometheus(&response.text().await.unwrap());
    let series = |name: &str| format!("{name}{{kind=\"password_reminder\",channel=\"jsonl\"}}");
    assert_eq!(
        samples.get(&series("accessdesk_notices_queued_total")),
        Some(&2.0),
        "{samples:?}"
    );
    assert_eq!(
        samples.get(&series("accessdesk_notices_sent_total")),
        Some(&2.0),
        "{samples:?}"
    );
    assert!(
        samples
            .iter()
            .any(|(k, v)| k.starts_with("accessdesk_outbox_notices")
                && k.contains("state=\"sent\"")
                && *v == 2.0),
        "{samples:?}"
    );
}

#[tokio::test]
async fn healthz_is_ok_while_polling_and_503_when_stale() {
    let h = Harness::start().await;
    let response = h
        .http
        .get(format!("{}/healthz", h.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");

    {
        let mut poll = h.shared.poll.lock().unwrap();
        poll.started_at = Utc::now() - Duration::minutes(30);
        poll.last_success = Some(Utc::now() - Duration::minutes(20));
        poll.consecutive_errors = 12;
        poll.last_error = Some("cannot reach the IdP".into());
    }
    let response = h
        .http
        .get(format!("{}/healthz", h.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 503);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "failing");
    assert_eq!(body["last_error"], "cannot reach the IdP");
    assert!(body["poll_age_secs"].as_i64().unwrap() >= 1200);
}

#[tokio::test]
async fn the_daily_summary_reports_only_a_day_watch_polled_on() {
    use accessdesk::services::watch::{count_lockouts, daily_summary};
    let h = Harness::start().await;
    let date = day(-1);
    let after = just_after(date, 17, 0);
    // A first start after the summary time of a day it never saw: no summary of "0 lockouts".
    assert_eq!(daily_summary(&h.shared, date, after).unwrap(), None);

    let morning = just_after(date, 9, 0);
    count_lockouts(&h.shared, 0, morning).unwrap();
    count_lockouts(&h.shared, 3, morning + Duration::hours(1)).unwrap();
    count_lockouts(&h.shared, 0, morning + Duration::hours(2)).unwrap();
    assert_eq!(
        daily_summary(
            &h.shared,
            date,
            just_after(date, 16, 0) - Duration::minutes(2)
        )
        .unwrap(),
        None,
        "not before its time"
    );
    let summary = daily_summary(&h.shared, date, after)
        .unwrap()
        .expect("a summary of the day");
    let fact = |label: &str| {
        summary
            .facts
            .iter()
            .find(|(l, _)| l == label)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(fact("Lockouts seen").as_deref(), Some("3"));
    let since = fact("Watching since").expect("when the count started");
    assert!(since.starts_with(&format!("{date} 09:01")), "{since}");
    h.enqueue(&[summary], after);
    assert_eq!(
        daily_summary(&h.shared, date, after + Duration::hours(1)).unwrap(),
        None,
        "once a day"
    );
}
