//! Counters for `/metrics` (Prometheus text exposition format 0.0.4): lockouts seen, notices
//! queued, sent and failed by kind and channel, the poll's age, the rate limit remaining.
//! Shared between the watch tasks through an `Arc`; updated with atomics, read by the HTTP
//! handler.

use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

use super::{ChannelKind, NoticeKind};
use crate::model::RateLimit;
use crate::outbox::{OutboxState, StateCount};

/// Everything `/metrics` reports.
#[derive(Debug, Default)]
pub struct Metrics {
    inner: Mutex<Counters>,
}

#[derive(Debug, Default, Clone)]
struct Counters {
    lockouts_seen: u64,
    queued: std::collections::BTreeMap<(NoticeKind, ChannelKind), u64>,
    sent: std::collections::BTreeMap<(NoticeKind, ChannelKind), u64>,
    failed: std::collections::BTreeMap<(NoticeKind, ChannelKind), u64>,
    last_poll_success: Option<DateTime<Utc>>,
    rate_limit: Option<RateLimit>,
    /// The outbox's notices by (kind, channel, state name).
    outbox: BTreeMap<(NoticeKind, ChannelKind, &'static str), u64>,
}

impl Metrics {
    pub fn lockouts_seen(&self, n: u64) {
        self.inner.lock().expect("metrics lock").lockouts_seen += n;
    }

    pub fn queued(&self, kind: NoticeKind, channel: ChannelKind) {
        *self
            .inner
            .lock()
            .expect("metrics lock")
            .queued
            .entry((kind, channel))
            .or_default() += 1;
    }

    pub fn sent(&self, kind: NoticeKind, channel: ChannelKind) {
        *self
            .inner
            .lock()
            .expect("metrics lock")
            .sent
            .entry((kind, channel))
            .or_default() += 1;
    }

    /// A failed attempt (retried or given up).
    pub fn failed(&self, kind: NoticeKind, channel: ChannelKind) {
        *self
            .inner
            .lock()
            .expect("metrics lock")
            .failed
            .entry((kind, channel))
            .or_default() += 1;
    }

    pub fn poll_succeeded(&self, at: DateTime<Utc>, rate_limit: Option<RateLimit>) {
        let mut c = self.inner.lock().expect("metrics lock");
        c.last_poll_success = Some(at);
        if rate_limit.is_some() {
            c.rate_limit = rate_limit;
        }
    }

    /// The outbox at a glance, by kind, channel and state (replaces the previous counts).
    /// Every state of a kind and channel that has any notice is reported, 0 included, so a
    /// queue that drains shows 0 rather than vanishing.
    pub fn set_outbox(&self, counts: &[StateCount]) {
        let mut outbox = BTreeMap::new();
        for s in counts {
            for state in OutboxState::ALL {
                outbox
                    .entry((s.kind, s.channel, state.as_str()))
                    .or_insert(0);
            }
            *outbox
                .entry((s.kind, s.channel, s.state.as_str()))
                .or_insert(0) += s.count;
        }
        self.inner.lock().expect("metrics lock").outbox = outbox;
    }

    /// The Prometheus text at `now` (the poll age is computed from it). A series appears once
    /// it has something to say: the counters from their first count, the poll age from the
    /// first successful poll, the rate limit from the first answer that carried one (absent,
    /// rather than NaN, so an alert on "age > 300" does not fire before the first poll).
    pub fn render(&self, now: DateTime<Utc>) -> String {
        let c = self.inner.lock().expect("metrics lock").clone();
        let mut out = String::new();
        family(
            &mut out,
            "accessdesk_lockouts_seen_total",
            "counter",
            "Lockout events seen by the poller.",
        );
        sample(
            &mut out,
            "accessdesk_lockouts_seen_total",
            &[],
            c.lockouts_seen as f64,
        );
        for (name, help, counts) in [
            (
                "accessdesk_notices_queued_total",
                "Notices written to the outbox, by kind and channel.",
                &c.queued,
            ),
            (
                "accessdesk_notices_sent_total",
                "Notices a channel accepted, by kind and channel.",
                &c.sent,
            ),
            (
                "accessdesk_notices_failed_total",
                "Failed delivery attempts (retried or given up), by kind and channel.",
                &c.failed,
            ),
        ] {
            family(&mut out, name, "counter", help);
            for ((kind, channel), n) in counts {
                let labels = [("kind", kind.as_str()), ("channel", channel.as_str())];
                sample(&mut out, name, &labels, *n as f64);
            }
        }
        family(
            &mut out,
            "accessdesk_outbox_notices",
            "gauge",
            "Notices in the outbox, by kind, channel and state.",
        );
        for ((kind, channel, state), n) in &c.outbox {
            let labels = [
                ("kind", kind.as_str()),
                ("channel", channel.as_str()),
                ("state", state),
            ];
            sample(&mut out, "accessdesk_outbox_notices", &labels, *n as f64);
        }
        family(
            &mut out,
            "accessdesk_poll_age_seconds",
            "gauge",
            "Seconds since the last successful lockout poll (absent before the first).",
        );
        if let Some(at) = c.last_poll_success {
            let age = (now - at).num_milliseconds().max(0) as f64 / 1000.0;
            sample(&mut out, "accessdesk_poll_age_seconds", &[], age);
        }
        family(
            &mut out,
            "accessdesk_rate_limit_remaining",
            "gauge",
            "Requests left in the IdP's current rate-limit window (absent until known).",
        );
        family(
            &mut out,
            "accessdesk_rate_limit_limit",
            "gauge",
            "Requests allowed per IdP rate-limit window (absent until known).",
        );
        if let Some(rate) = c.rate_limit {
            sample(
                &mut out,
                "accessdesk_rate_limit_remaining",
                &[],
                f64::from(rate.remaining),
            );
            sample(
                &mut out,
                "accessdesk_rate_limit_limit",
                &[],
                f64::from(rate.limit),
            );
        }
        out
    }
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let help = help.replace('\\', "\\\\").replace('\n', "\\n");
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

fn sample(out: &mut String, name: &str, labels: &[(&str, &str)], value: f64) {
    out.push_str(name);
    if !labels.is_empty() {
        out.push('{');
        for (i, (label, value)) in labels.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "{label}=\"{}\"", escape_label(value));
        }
        out.push('}');
    }
    let _ = writeln!(out, " {}", format_value(value));
}

/// Label values escape backslash, double quote and line feed (text format 0.0.4).
fn escape_label(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// Integers without a fraction, the rest as Rust prints them (which Go's ParseFloat reads).
fn format_value(value: f64) -> String {
    if value.is_nan() {
        "NaN".into()
    } else if value.is_infinite() {
        if value > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        }
    } else if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

#[cfg(test)]
mod tests;
