//! Injectable faults: the next matching API requests fail in a chosen way, and the bodies
//! the failures carry (shared by the Okta and PingOne gates).

use axum::body::Body;
use axum::http::StatusCode;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// A fault for the next `count` requests whose path starts with `path_prefix`
/// (any API path when absent: Okta's `/api/v1`, PingOne's `/v1` and device authentications). JSON form, as `POST /__sim/faults` takes it:
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
    /// The provider's error JSON with this status (Okta: 500 → `E0000009`, 503 → `E0000010`,
    /// ...; PingOne: its `code`/`message` body).
    Status { status: u16 },
    /// An HTML error page, as a proxy or load balancer in front of Okta would send.
    Html { status: u16 },
    /// `200 OK` with a body that is not valid JSON.
    Garbage,
    /// Close the connection without answering.
    Drop,
    /// Answer normally after a pause.
    Delay { millis: u64 },
    /// The provider's 429 with a window that resets `resetSecs` from now (Okta's
    /// `X-Rate-Limit-*` headers with no requests remaining; PingOne's `Retry-After`).
    RateLimited {
        #[serde(rename = "resetSecs")]
        reset_secs: u64,
    },
    /// The real answer with its body cut short (half of it), as a broken transfer leaves it.
    Truncated,
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
        self.take_first(|f| f.applies_to(path))
    }

    /// Like `take`, but only faults that name a path prefix: for endpoints outside the API
    /// (PingOne's token endpoint), which a fault reaches only when it asks for them.
    pub fn take_named(&mut self, path: &str) -> Option<FaultKind> {
        self.take_first(|f| f.path_prefix.is_some() && f.applies_to(path))
    }

    fn take_first(&mut self, wanted: impl Fn(&Fault) -> bool) -> Option<FaultKind> {
        let i = self.pending.iter().position(wanted)?;
        let fault = &mut self.pending[i];
        fault.count -= 1;
        let kind = fault.kind.clone();
        if fault.count == 0 {
            self.pending.remove(i);
        }
        Some(kind)
    }
}

pub(crate) fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// What a proxy in front of the IdP sends when it fails.
pub(crate) fn html_page(status: StatusCode) -> Response {
    let title = format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error")
    );
    let body = format!(
        "<!DOCTYPE html>\n<html><head><title>{title}</title></head>\n<body><center><h1>{title}</h1></center><hr><center>nginx</center></body></html>\n"
    );
    (status, [(CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

/// A 200 that says JSON and is not (a `truncated` fault cuts a real answer instead).
pub(crate) const GARBAGE: &str = "%garbled#upstream@answer: not JSON at all";

pub(crate) fn garbage() -> Response {
    let body = GARBAGE;
    (StatusCode::OK, [(CONTENT_TYPE, "application/json")], body).into_response()
}

/// The answer with only the first half of its body: a JSON document cut short (an object or
/// an array, so never itself valid JSON). An empty body stays empty.
pub(crate) async fn truncated(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    parts.headers.remove(CONTENT_LENGTH);
    let cut = bytes.slice(..bytes.len() / 2);
    Response::from_parts(parts, Body::from(cut))
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
            Fault::new(FaultKind::RateLimited { reset_secs: 2 }, 1),
            Fault::new(FaultKind::Truncated, 1),
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

    #[test]
    fn only_named_faults_reach_endpoints_outside_the_api() {
        let mut q = FaultQueue::default();
        q.push(Fault::status(503, 1));
        q.push(Fault::status(500, 1).on_path("/env/as/token"));
        assert_eq!(
            q.take_named("/env/as/token"),
            Some(FaultKind::Status { status: 500 })
        );
        assert_eq!(q.take_named("/env/as/token"), None);
        assert_eq!(q.take("/v1/x"), Some(FaultKind::Status { status: 503 }));
    }

    #[test]
    fn fault_bodies_are_what_they_claim() {
        let html = html_page(StatusCode::BAD_GATEWAY);
        assert_eq!(html.status(), 502);
        assert!(
            html.headers()[CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert_eq!(status_code(9999), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(garbage().status(), 200);
    }

    #[tokio::test]
    async fn a_truncated_answer_is_the_first_half_of_the_real_one() {
        let real = axum::Json(serde_json::json!([{"uuid": "a"}, {"uuid": "b"}])).into_response();
        let cut = truncated(real).await;
        assert_eq!(cut.status(), 200);
        let body = axum::body::to_bytes(cut.into_body(), usize::MAX)
            .await
            .unwrap();
        assert_eq!(&body[..], br#"[{"uuid":"a"}"#);
        assert!(serde_json::from_slice::<serde_json::Value>(&body).is_err());
        let rate: Fault =
            serde_json::from_str(r#"{"type": "rate_limited", "resetSecs": 3}"#).unwrap();
        assert_eq!(rate.kind, FaultKind::RateLimited { reset_secs: 3 });
    }
}
