//! A webhook receiver on 127.0.0.1 (axum) that records every POST (path, content type, body)
//! and answers with the scripted statuses in order, then 200 `ok` (as Slack does).
//!
//! ```ignore
//! let hook = WebhookSink::start().await;        // inside a tokio runtime
//! hook.answer(500, "rollup_error");             // the next POST gets this
//! let url = hook.url();                         // http://127.0.0.1:PORT/services/T0/B0/<secret>
//! hook.requests()[0].json["blocks"];
//! ```

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// The secret part of the hook's path: tests check it never shows in an error.
pub const HOOK_SECRET: &str = "hook-secret-3f9a";

/// One POST the receiver got.
#[derive(Debug, Clone)]
pub struct ReceivedPost {
    pub path: String,
    pub content_type: Option<String>,
    pub body: String,
    /// The body as JSON (`Null` when it was not JSON).
    pub json: serde_json::Value,
}

#[derive(Default)]
struct Shared {
    posts: Mutex<Vec<ReceivedPost>>,
    script: Mutex<VecDeque<(u16, String)>>,
}

pub struct WebhookSink {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

async fn receive(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let body = String::from_utf8_lossy(&body).into_owned();
    let post = ReceivedPost {
        path: uri.path().to_owned(),
        content_type: headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        json: serde_json::from_str(&body).unwrap_or(serde_json::Value::Null),
        body,
    };
    shared.posts.lock().unwrap().push(post);
    let (status, text) = shared
        .script
        .lock()
        .unwrap()
        .pop_front()
        .unwrap_or((200, "ok".to_owned()));
    (StatusCode::from_u16(status).expect("a valid status"), text)
}

impl WebhookSink {
    /// Listening on a fresh loopback port (call inside a tokio runtime).
    pub async fn start() -> WebhookSink {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let addr = listener.local_addr().expect("local address");
        let shared = Arc::new(Shared::default());
        let app = Router::new().fallback(receive).with_state(shared.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        WebhookSink { addr, shared }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The hook's URL, with a secret path as Slack's and Teams' have.
    pub fn url(&self) -> String {
        format!("http://{}/services/T000/B000/{HOOK_SECRET}", self.addr)
    }

    /// The next POST is answered with `status` and `body` (queued in call order).
    pub fn answer(&self, status: u16, body: &str) {
        self.shared
            .script
            .lock()
            .unwrap()
            .push_back((status, body.to_owned()));
    }

    /// Every POST so far, in order.
    pub fn requests(&self) -> Vec<ReceivedPost> {
        self.shared.posts.lock().unwrap().clone()
    }
}
