//! Injectable faults: the next matching `/api/v1` requests fail in a chosen way.

use serde::{Deserialize, Serialize};

/// A fault for the next `count` requests whose path starts with `path_prefix`
/// (any `/api/v1` path when absent). JSON form, as `POST /__sim/faults` takes it:
/// `{"type": "status", "status": 503, "count": 2, "pathPrefix": "/api/v1/logs"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    #[serde(flatten)]
    pub kind: FaultKind,
    #[serde(default = "one")]
    pub count: u32,
    #[serde(default)]
    pub path_prefix: Option<String>,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FaultKind {
    /// An Okta error JSON with this status (500 → `E0000009`, 503 → `E0000010`, ...).
    Status { status: u16 },
    /// An HTML error page, as a proxy or load balancer in front of Okta would send.
    Html { status: u16 },
    /// `200 OK` with a body that is not valid JSON.
    Garbage,
    /// Close the connection without answering.
    Drop,
    /// Answer normally after a pause.
    Delay { millis: u64 },
}

impl Fault {
    pub fn status(status: u16, count: u32) -> Self {
        Self::new(FaultKind::Status { status }, count)
    }

    pub fn html(status: u16, count: u32) -> Self {
        Self::new(FaultKind::Html { status }, count)
    }

    pub fn garbage(count: u32) -> Self {
        Self::new(FaultKind::Garbage, count)
    }

    pub fn drop_connection(count: u32) -> Self {
        Self::new(FaultKind::Drop, count)
    }

    pub fn delay(millis: u64, count: u32) -> Self {
        Self::new(FaultKind::Delay { millis }, count)
    }

    pub fn new(kind: FaultKind, count: u32) -> Self {
        Self {
            kind,
            count,
            path_prefix: None,
        }
    }

    /// Only requests whose path starts with `prefix` (e.g. `/api/v1/logs`).
    pub fn on_path(mut self, prefix: impl Into<String>) -> Self {
        self.path_prefix = Some(prefix.into());
        self
    }

    fn applies_to(&self, path: &str) -> bool {
        self.path_prefix
            .as_deref()
            .is_none_or(|p| path.starts_with(p))
    }
}

/// Faults waiting for requests, first queued first used.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    pending: Vec<Fault>,
}

impl FaultQueue {
    pub fn push(&mut self, fault: Fault) {
        if fault.count > 0 {
            self.pending.push(fault);
        }
    }

    /// Uses up one occurrence of the first fault matching `path`.
    pub fn take(&mut self, path: &str) -> Option<FaultKind> {
        let i = self.pending.iter().position(|f| f.applies_to(path))?;
        let fault = &mut self.pending[i];
        fault.count -= 1;
        let kind = fault.kind.clone();
        if fault.count == 0 {
            self.pending.remove(i);
        }
        Some(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_form_round_trips() {
        let f: Fault = serde_json::from_str(
            r#"{"type": "status", "status": 503, "count": 2, "pathPrefix": "/api/v1/logs"}"#,
        )
        .unwrap();
        assert_eq!(f, Fault::status(503, 2).on_path("/api/v1/logs"));
        let d: Fault = serde_json::from_str(r#"{"type": "delay", "millis": 250}"#).unwrap();
        assert_eq!(d, Fault::delay(250, 1));
        for f in [
            Fault::html(502, 1),
            Fault::garbage(3),
            Fault::drop_connection(1),
            d,
        ] {
            let text = serde_json::to_string(&f).unwrap();
            assert_eq!(serde_json::from_str::<Fault>(&text).unwrap(), f, "{text}");
        }
        assert!(serde_json::from_str::<Fault>(r#"{"type": "explode"}"#).is_err());
    }

    #[test]
    fn queue_counts_down_and_filters_by_path() {
        let mut q = FaultQueue::default();
        q.push(Fault::status(500, 2).on_path("/api/v1/logs"));
        q.push(Fault::garbage(1));
        q.push(Fault::drop_connection(0));
        assert_eq!(q.take("/api/v1/users"), Some(FaultKind::Garbage));
        assert_eq!(q.take("/api/v1/users"), None);
        assert_eq!(
            q.take("/api/v1/logs"),
            Some(FaultKind::Status { status: 500 })
        );
        assert_eq!(
            q.take("/api/v1/logs"),
            Some(FaultKind::Status { status: 500 })
        );
        assert_eq!(q.take("/api/v1/logs"), None);
    }
}
