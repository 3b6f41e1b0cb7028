//! Counters for `/metrics` (Prometheus text exposition format 0.0.4): lockouts seen, notices
//! queued, sent and failed by kind and channel, the poll's age, the rate limit remaining.
//! Shared between the watch tasks through an `Arc`; updated with atomics, read by the HTTP
//! handler.

use chrono::{DateTime, Utc};
use std::sync::Mutex;

use super::{ChannelKind, NoticeKind};
use crate::model::RateLimit;

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

    /// The Prometheus text at `now` (the poll age is computed from it).
    pub fn render(&self, now: DateTime<Utc>) -> String {
        let _ = now;
        unimplemented!("contract")
    }
}
