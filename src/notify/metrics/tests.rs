//! /metrics parses as Prometheus text (a strict reader of the exposition format, written
//! here) and reports what was counted.

use super::*;
use chrono::{Duration, TimeZone};
use std::collections::{BTreeMap, BTreeSet};

/// One sample line of the exposition format, read strictly.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

fn is_name(s: &str, colons: bool) -> bool {
    let mut chars = s.chars();
    let first_ok = |c: char| c.is_ascii_alphabetic() || c == '_' || (colons && c == ':');
    chars.next().is_some_and(first_ok)
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || (colons && c == ':'))
}

fn parse_value(s: &str) -> Result<f64, String> {
    match s {
        "NaN" => Ok(f64::NAN),
        "+Inf" => Ok(f64::INFINITY),
        "-Inf" => Ok(f64::NEG_INFINITY),
        _ => s.parse::<f64>().map_err(|e| format!("value {s:?}: {e}")),
    }
}

/// `name{a="x",b="y"} value` with the format's escapes in label values.
fn parse_sample(line: &str) -> Result<Sample, String> {
    let name_end = line.find(['{', ' ']).ok_or("no value")?;
    let name = &line[..name_end];
    if !is_name(name, true) {
        return Err(format!("bad metric name {name:?}"));
    }
    let mut labels = BTreeMap::new();
    let mut rest = &line[name_end..];
    if let Some(after) = rest.strip_prefix('{') {
        let mut chars = after.char_indices().peekable();
        loop {
            let start = chars.peek().map(|(i, _)| *i).ok_or("unterminated labels")?;
            if after[start..].starts_with('}') {
                rest = &after[start + 1..];
                break;
            }
            let eq = after[start..].find('=').ok_or("label without =")? + start;
            let label = &after[start..eq];
            if !is_name(label, false) {
                return Err(format!("bad label name {label:?}"));
            }
            if !after[eq + 1..].starts_with('"') {
                return Err("label value not quoted".into());
            }
            while chars.peek().is_some_and(|(i, _)| *i <= eq + 1) {
                chars.next();
            }
            let mut value = String::new();
            loop {
                match chars.next().ok_or("unterminated label value")?.1 {
                    '\\' => match chars.next().ok_or("dangling escape")?.1 {
                        '\\' => value.push('\\'),
                        '"' => value.push('"'),
                        'n' => value.push('\n'),
                        c => return Err(format!("bad escape \\{c}")),
                    },
                    '"' => break,
                    '\n' => return Err("raw newline in label value".into()),
                    c => value.push(c),
                }
            }
            if labels.insert(label.to_owned(), value).is_some() {
                return Err(format!("label {label} repeated"));
            }
            match chars.peek() {
                Some((_, ',')) => {
                    chars.next();
                }
                Some((_, '}')) => {}
                _ => return Err("expected , or } after a label".into()),
            }
        }
    }
    let rest = rest.strip_prefix(' ').ok_or("no space before the value")?;
    let mut parts = rest.split(' ');
    let value = parse_value(parts.next().ok_or("no value")?)?;
    if let Some(ts) = parts.next() {
        ts.parse::<i64>().map_err(|e| format!("timestamp: {e}"))?;
    }
    if parts.next().is_some() {
        return Err("trailing text".into());
    }
    Ok(Sample {
        name: name.to_owned(),
        labels,
        value,
    })
}

/// Every line parses; TYPE comes once per family, before its samples; counters are
/// non-negative; no series repeats. Returns the samples.
fn parse_exposition(text: &str) -> Vec<Sample> {
    assert!(text.ends_with('\n'), "the text ends with a newline");
    let mut types: BTreeMap<String, String> = BTreeMap::new();
    let mut helped = BTreeSet::new();
    let mut with_samples = BTreeSet::new();
    let mut series = BTreeSet::new();
    let mut samples = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# ") {
            let mut parts = rest.splitn(3, ' ');
            let (what, name) = (parts.next().unwrap(), parts.next().expect("a name"));
            assert!(is_name(name, true), "{line}");
            match what {
                "HELP" => assert!(helped.insert(name.to_owned()), "HELP twice: {line}"),
                "TYPE" => {
                    let kind = parts.next().expect("a type");
                    assert!(
                        ["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind),
                        "{line}"
                    );
                    assert!(!with_samples.contains(name), "TYPE after samples: {line}");
                    assert!(
                        types.insert(name.to_owned(), kind.to_owned()).is_none(),
                        "TYPE twice: {line}"
                    );
                }
                _ => panic!("unknown comment {line:?}"),
            }
            continue;
        }
        assert!(!line.is_empty() && !line.starts_with('#'), "{line:?}");
        let s = parse_sample(line).unwrap_or_else(|e| panic!("{line:?}: {e}"));
        let kind = types
            .get(&s.name)
            .unwrap_or_else(|| panic!("no TYPE for {line:?}"));
        if kind == "counter" {
            assert!(s.value >= 0.0, "negative counter {line:?}");
        }
        assert!(
            series.insert(format!("{}{:?}", s.name, s.labels)),
            "repeated {line:?}"
        );
        with_samples.insert(s.name.clone());
        samples.push(s);
    }
    samples
}

fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let want: BTreeMap<String, String> = labels
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    samples
        .iter()
        .find(|s| s.name == name && s.labels == want)
        .map(|s| s.value)
}

#[test]
fn before_anything_only_the_families_and_a_zero_lockout_count() {
    let now = Utc.with_ymd_and_hms(2026, 12, 2, 5, 0, 0).unwrap();
    let samples = parse_exposition(&Metrics::default().render(now));
    assert_eq!(samples.len(), 1);
    assert_eq!(
        value(&samples, "accessdesk_lockouts_seen_total", &[]),
        Some(0.0)
    );
}

#[test]
fn every_line_parses_and_counts_match() {
    let now = Utc.with_ymd_and_hms(2026, 12, 2, 5, 0, 0).unwrap();
    let m = Metrics::default();
    m.lockouts_seen(3);
    m.lockouts_seen(2);
    m.queued(NoticeKind::LockoutNotice, ChannelKind::Email);
    m.queued(NoticeKind::LockoutNotice, ChannelKind::Email);
    m.queued(NoticeKind::Alert, ChannelKind::Webhook);
    m.sent(NoticeKind::LockoutNotice, ChannelKind::Email);
    m.failed(NoticeKind::Alert, ChannelKind::Webhook);
    m.failed(NoticeKind::Alert, ChannelKind::Webhook);
    m.poll_succeeded(now - Duration::milliseconds(12_500), None);
    m.poll_succeeded(
        now - Duration::seconds(7),
        Some(RateLimit {
            limit: 600,
            remaining: 598,
            reset: now,
        }),
    );
    m.set_outbox(&[
        StateCount {
            kind: NoticeKind::LockoutNotice,
            channel: ChannelKind::Email,
            state: OutboxState::Sent,
            count: 1,
        },
        StateCount {
            kind: NoticeKind::LockoutNotice,
            channel: ChannelKind::Email,
            state: OutboxState::Queued,
            count: 1,
        },
    ]);
    let samples = parse_exposition(&m.render(now));
    let lockout_email = [("kind", "lockout_notice"), ("channel", "email")];
    let alert_webhook = [("kind", "alert"), ("channel", "webhook")];
    assert_eq!(
        value(&samples, "accessdesk_lockouts_seen_total", &[]),
        Some(5.0)
    );
    assert_eq!(
        value(&samples, "accessdesk_notices_queued_total", &lockout_email),
        Some(2.0)
    );
    assert_eq!(
        value(&samples, "accessdesk_notices_queued_total", &alert_webhook),
        Some(1.0)
    );
    assert_eq!(
        value(&samples, "accessdesk_notices_sent_total", &lockout_email),
        Some(1.0)
    );
    assert_eq!(
        value(&samples, "accessdesk_notices_sent_total", &alert_webhook),
        None
    );
    assert_eq!(
        value(&samples, "accessdesk_notices_failed_total", &alert_webhook),
        Some(2.0)
    );
    assert_eq!(
        value(&samples, "accessdesk_poll_age_seconds", &[]),
        Some(7.0)
    );
    assert_eq!(
        value(&samples, "accessdesk_rate_limit_remaining", &[]),
        Some(598.0)
    );
    assert_eq!(
        value(&samples, "accessdesk_rate_limit_limit", &[]),
        Some(600.0)
    );
    let outbox = |state| {
        value(
            &samples,
            "accessdesk_outbox_notices",
            &[
                ("kind", "lockout_notice"),
                ("channel", "email"),
                ("state", state),
            ],
        )
    };
    assert_eq!(
        (outbox("queued"), outbox("sent"), outbox("failed")),
        (Some(1.0), Some(1.0), Some(0.0))
    );
}

#[test]
fn label_values_and_fractions_are_written_as_the_format_wants() {
    assert_eq!(escape_label("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
    let line = {
        let mut out = String::new();
        sample(&mut out, "x", &[("l", "a\\b\"c\nd")], 0.25);
        out
    };
    let parsed = parse_sample(line.trim_end()).unwrap();
    assert_eq!(parsed.labels["l"], "a\\b\"c\nd");
    assert_eq!(parsed.value, 0.25);
    assert_eq!(format_value(f64::NAN), "NaN");
    assert_eq!(format_value(3.0), "3");
    assert!(parse_sample("x{l=\"unterminated} 1").is_err());
    assert!(parse_sample("x{l=\"bad\\t\"} 1").is_err());
    assert!(parse_sample("9x 1").is_err());
}
