//! What every provider's HTTP client does the same way: retry a read, name why a connection
//! failed, and describe an unexpected body in one line (never dumping it).

use std::future::Future;
use std::time::Duration;

use backon::Retryable;
use rand::Rng;
use reqwest::header::{CONTENT_TYPE, HeaderMap};
use url::Url;

use crate::idp::{ClientOptions, IdpError, NetworkCause};

/// A GET retried as both IdPs advise: after a 429 wait out the window (when it resets within
/// `max_rate_limit_wait`, plus jitter so many clients do not return at once); after a 5xx or a
/// dropped connection back off exponentially. A read changes nothing, so trying again is
/// always safe; writes are sent once and never come here.
pub(crate) async fn retry_get<T, F, Fut>(
    options: &ClientOptions,
    idp: &'static str,
    url: &Url,
    send: F,
) -> Result<T, IdpError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, IdpError>>,
{
    let backoff = options.backoff();
    let max_wait = options.max_rate_limit_wait;
    send.retry(backoff)
        .when(|e| match e {
            IdpError::RateLimited { reset_in_secs, .. } => {
                Duration::from_secs(*reset_in_secs) <= max_wait
            }
            other => other.is_transient(),
        })
        .adjust(|e, planned| match e {
            // Wait out the window rather than the exponential delay.
            IdpError::RateLimited { reset_in_secs, .. } => planned.map(|_| {
                Duration::from_secs(*reset_in_secs)
                    + Duration::from_millis(rand::rng().random_range(100..1000))
            }),
            _ => planned,
        })
        .notify(|e, wait| {
            tracing::warn!(idp, path = url.path(), error = %e, ?wait, "retrying a request");
        })
        .await
}

pub(crate) fn network_error(e: reqwest::Error) -> IdpError {
    // The URL without its query: enough to see which host and endpoint, never a secret.
    let url = e.url().map_or_else(
        || "the IdP".to_string(),
        |u| {
            let mut u = u.clone();
            u.set_query(None);
            u.set_fragment(None);
            u.to_string()
        },
    );
    let (cause, detail) = classify(&e);
    IdpError::Network { url, cause, detail }
}

/// The cause, from the error's chain of sources (reqwest → hyper → io / rustls / resolver),
/// and the lowest-level message. reqwest's messages name the URL, never headers, so the token
/// cannot leak here.
fn classify(e: &reqwest::Error) -> (NetworkCause, String) {
    let mut chain: Vec<&(dyn std::error::Error + 'static)> = Vec::new();
    let mut next = std::error::Error::source(e);
    while let Some(source) = next {
        chain.push(source);
        // An io::Error's `source` skips the error it wraps; TLS and resolver errors hide there.
        let mut inner = source
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref());
        while let Some(wrapped) = inner {
            let wrapped: &(dyn std::error::Error + 'static) = wrapped;
            chain.push(wrapped);
            inner = wrapped
                .downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref());
        }
        next = source.source();
    }
    let detail = chain
        .last()
        .map_or_else(|| e.to_string(), |s| s.to_string());
    let text = chain
        .iter()
        .map(|s| s.to_string().to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(" | ");
    let io_kinds: Vec<std::io::ErrorKind> = chain
        .iter()
        .filter_map(|s| s.downcast_ref::<std::io::Error>())
        .map(std::io::Error::kind)
        .collect();
    let io = |kinds: &[std::io::ErrorKind]| io_kinds.iter().any(|k| kinds.contains(k));
    use std::io::ErrorKind as K;
    let cause = if e.is_timeout() || io(&[K::TimedOut]) {
        NetworkCause::Timeout
    } else if text.contains("dns error") || text.contains("failed to lookup address") {
        NetworkCause::Dns
    } else if io(&[K::ConnectionRefused]) {
        NetworkCause::Refused
    } else if [
        "certificate",
        "tls",
        "handshake",
        "corrupt message",
        "peer sent",
        "alert",
    ]
    .iter()
    .any(|w| text.contains(w))
        // The TLS layer reports what it cannot parse as invalid data while connecting.
        || (e.is_connect() && io(&[K::InvalidData]))
    {
        NetworkCause::Tls
    } else if io(&[
        K::ConnectionReset,
        K::ConnectionAborted,
        K::BrokenPipe,
        K::UnexpectedEof,
    ]) || e.is_body()
        || e.is_decode()
        || text.contains("connection closed")
        || text.contains("incomplete message")
    {
        NetworkCause::Dropped
    } else {
        NetworkCause::Other
    };
    (cause, detail)
}

pub(crate) fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("no content type")
        .to_string()
}

/// What is wrong with a success's body that did not decode: JSON of another shape, JSON cut
/// short (said so rather than quoting the half page), or not JSON at all.
pub(crate) fn shape_snippet(body: &[u8], e: &serde_json::Error) -> String {
    match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
        Ok(_) => format!("the JSON does not have the expected shape: {e}"),
        Err(cut) if cut.is_eof() => format!("the JSON ends early, after {} bytes", body.len()),
        Err(_) => format!("not JSON: {}", describe_body(body)),
    }
}

/// A one-line description of an unexpected body: an HTML page's title, or its first words.
pub(crate) fn describe_body(body: &[u8]) -> String {
    const MAX: usize = 80;
    let text = String::from_utf8_lossy(body);
    if text.trim().is_empty() {
        return "empty body".to_string();
    }
    let lower = text.to_ascii_lowercase();
    if let (Some(start), Some(end)) = (lower.find("<title>"), lower.find("</title>"))
        && start + 7 <= end
    {
        return format!("HTML page titled {:?}", text[start + 7..end].trim());
    }
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut: String = flat.chars().take(MAX).collect();
    if flat.chars().count() > MAX {
        format!("{cut}…")
    } else {
        cut
    }
}
