//! Okta's `X-Rate-Limit-*` headers, read on every response and kept per endpoint family.

use chrono::{DateTime, Utc};
use reqwest::header::{DATE, HeaderMap};
use std::collections::HashMap;
use std::sync::Mutex;

use crate::model::RateLimit;

/// The latest window seen for each endpoint family.
#[derive(Debug, Default)]
pub struct RateLimits {
    by_family: Mutex<HashMap<&'static str, RateLimit>>,
}

/// Okta buckets limits by endpoint; these are the families a help-desk tool touches.
pub fn family(path: &str) -> &'static str {
    let rest = path.trim_start_matches("/api/v1/");
    let mut parts = rest.split('/').filter(|p| !p.is_empty());
    match (parts.next(), parts.next()) {
        (Some("logs"), _) => "logs",
        (Some("users"), None) => "users",
        (Some("users"), Some(_)) => "user",
        (Some("policies"), _) => "policies",
        (Some("groups"), None) => "groups",
        (Some("groups"), Some(_)) => "group",
        _ => "other",
    }
}

impl RateLimits {
    pub fn record(&self, path: &str, limit: RateLimit) {
        self.by_family
            .lock()
            .expect("rate-limit map poisoned")
            .insert(family(path), limit);
    }

    pub fn get(&self, family: &str) -> Option<RateLimit> {
        self.by_family
            .lock()
            .expect("rate-limit map poisoned")
            .get(family)
            .copied()
    }
}

/// Parse the three headers. The reset time is moved onto the local clock using the server's
/// `Date` header, so a skewed local clock does not make us wait too long or too little.
pub fn parse(headers: &HeaderMap, local_now: DateTime<Utc>) -> Option<RateLimit> {
    let num = |name: &str| -> Option<i64> { headers.get(name)?.to_str().ok()?.trim().parse().ok() };
    let limit = num("x-rate-limit-limit")?;
    let remaining = num("x-rate-limit-remaining")?;
    let reset_epoch = num("x-rate-limit-reset")?;
    let server_reset = DateTime::<Utc>::from_timestamp(reset_epoch, 0)?;
    let server_now = headers
        .get(DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(|s| DateTime::parse_from_rfc2822(s).ok())
        .map(|d| d.with_timezone(&Utc));
    let reset = match server_now {
        Some(server_now) => local_now + (server_reset - server_now),
        None => server_reset,
    };
    Some(RateLimit {
        limit: u32::try_from(limit.max(0)).unwrap_or(u32::MAX),
        remaining: u32::try_from(remaining.max(0)).unwrap_or(u32::MAX),
        reset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn families() {
        assert_eq!(family("/api/v1/logs"), "logs");
        assert_eq!(family("/api/v1/users"), "users");
        assert_eq!(family("/api/v1/users/00u1"), "user");
        assert_eq!(family("/api/v1/users/00u1/lifecycle/unlock"), "user");
        assert_eq!(family("/api/v1/groups"), "groups");
        assert_eq!(family("/api/v1/groups/00g1/users"), "group");
        assert_eq!(family("/api/v1/apps"), "other");
    }

    #[test]
    fn reset_is_moved_onto_the_local_clock() {
        let mut h = HeaderMap::new();
        h.insert("x-rate-limit-limit", HeaderValue::from_static("120"));
        h.insert("x-rate-limit-remaining", HeaderValue::from_static("7"));
        // Server says it is 12:00:00 and the window resets at 12:00:30.
        h.insert("x-rate-limit-reset", HeaderValue::from_static("1795435230"));
        h.insert(
            DATE,
            HeaderValue::from_static("Mon, 23 Nov 2026 12:00:00 GMT"),
        );
        let local_now = DateTime::parse_from_rfc3339("2026-11-23T12:05:00Z")
            .unwrap()
            .to_utc();
        let rl = parse(&h, local_now).unwrap();
        assert_eq!((rl.limit, rl.remaining), (120, 7));
        assert_eq!(rl.reset, local_now + chrono::Duration::seconds(30));
    }

    #[test]
    fn missing_or_garbage_headers_give_none() {
        let mut h = HeaderMap::new();
        assert!(parse(&h, Utc::now()).is_none());
        h.insert("x-rate-limit-limit", HeaderValue::from_static("lots"));
        h.insert("x-rate-limit-remaining", HeaderValue::from_static("1"));
        h.insert("x-rate-limit-reset", HeaderValue::from_static("1"));
        assert!(parse(&h, Utc::now()).is_none());
    }
}
