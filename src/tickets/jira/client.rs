//! The HTTP core of the Jira client: basic auth with the API token, timeouts, error decoding,
//! and retries of reads. Endpoint code (`requests.rs`, `open.rs`) builds on it.

use std::time::Duration;

use backon::Retryable;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use tokio::sync::OnceCell;
use url::Url;

use super::errors::{self, Failure};
use crate::idp::ClientOptions;
use crate::idp::transport::{content_type, shape_snippet};
use crate::tickets::{JiraSettings, TicketError, TicketProvider};

/// Sent on every request.
const USER_AGENT: &str = concat!(
    "accessdesk/",
    env!("CARGO_PKG_VERSION"),
    " (jira-service-management)"
);

/// Requests asked for per page of a search.
const PAGE_SIZE: usize = 50;

/// A Jira Service Management site, as one agent account.
pub struct JiraClient {
    http: reqwest::Client,
    pub(super) base: Url,
    user: String,
    token: SecretString,
    options: ClientOptions,
    pub(super) service_desk_id: String,
    pub(super) request_type_id: String,
    pub(super) open_statuses: Vec<String>,
    pub(super) resolve_transition: Option<String>,
    pub(super) page_size: usize,
    /// The service desk's project key, read once (`GET servicedesk/{id}`).
    pub(super) project_key: OnceCell<String>,
}

impl std::fmt::Debug for JiraClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JiraClient")
            .field("base", &self.base.as_str())
            .field("user", &self.user)
            .field("api_token", &"[REDACTED]")
            .field("service_desk_id", &self.service_desk_id)
            .finish()
    }
}

impl JiraClient {
    /// A client for the site in `settings`, with the IdP clients' timeouts and retry tunables.
    pub fn new(settings: &JiraSettings, options: ClientOptions) -> Result<Self, TicketError> {
        let http = options
            .http_client(USER_AGENT)
            .map_err(TicketError::Invalid)?;
        if settings.url.cannot_be_a_base() {
            return Err(TicketError::Invalid(format!(
                "the Jira URL {} cannot take a path",
                settings.url
            )));
        }
        Ok(Self {
            http,
            base: settings.url.clone(),
            user: settings.user.clone(),
            token: settings.api_token.clone(),
            options,
            service_desk_id: settings.service_desk_id.clone(),
            request_type_id: settings.request_type_id.clone(),
            open_statuses: settings.open_statuses.clone(),
            resolve_transition: settings.resolve_transition.clone(),
            page_size: PAGE_SIZE,
            project_key: OnceCell::new(),
        })
    }

    /// Asks for `size` items per page of a search (Jira may send fewer).
    pub fn with_page_size(mut self, size: usize) -> Self {
        self.page_size = size.max(1);
        self
    }

    /// The site's URL with these path segments appended, each escaped.
    pub(super) fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        url.set_query(None);
        url.set_fragment(None);
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    /// GET and decode JSON. Retried after a 5xx, a garbled gateway answer or a broken
    /// connection (backing off exponentially), and after a 429 (waiting what `Retry-After`
    /// asks, when that is within `max_rate_limit_wait`): a read changes nothing.
    pub(super) async fn get_json<T: DeserializeOwned>(&self, url: Url) -> Result<T, TicketError> {
        let backoff = self.options.backoff();
        let max_wait = self.options.max_rate_limit_wait;
        let (status, headers, body) = (|| self.send_once(Method::GET, url.clone(), None))
            .retry(backoff)
            .when(|f: &Failure| match f.retry_after {
                Some(wait) => wait <= max_wait,
                None => f.error.is_transient(),
            })
            .adjust(|f: &Failure, planned| match f.retry_after {
                Some(wait) => planned.map(|_| wait),
                None => planned,
            })
            .notify(|f: &Failure, wait: Duration| {
                tracing::warn!(path = url.path(), error = %f.error, ?wait, "jira: retrying a read");
            })
            .await
            .map_err(|f| f.error)?;
        decode(status, &headers, &body)
    }

    /// A POST, sent exactly once: Jira may have acted on it even when the answer is lost, and
    /// a second comment or request is worse than a reported failure. Refused in read-only
    /// sessions, as the IdP clients refuse their writes.
    pub(super) async fn write(
        &self,
        url: Url,
        body: serde_json::Value,
    ) -> Result<(StatusCode, reqwest::header::HeaderMap, Vec<u8>), TicketError> {
        if self.options.read_only {
            return Err(TicketError::Invalid(
                "this session is read-only (a supervisor or --read-only): it writes nothing to Jira"
                    .into(),
            ));
        }
        self.send_once(Method::POST, url, Some(body))
            .await
            .map_err(|f| f.error)
    }

    /// One request, no retries; a non-2xx answer becomes the error it stands for.
    async fn send_once(
        &self,
        method: Method,
        url: Url,
        body: Option<serde_json::Value>,
    ) -> Result<(StatusCode, reqwest::header::HeaderMap, Vec<u8>), Failure> {
        let credentials = STANDARD.encode(format!("{}:{}", self.user, self.token.expose_secret()));
        let mut auth = HeaderValue::from_str(&format!("Basic {credentials}")).map_err(|_| {
            TicketError::Invalid(
                "JIRA_USER or JIRA_API_TOKEN contains characters not allowed in an HTTP header"
                    .into(),
            )
        })?;
        auth.set_sensitive(true);
        let path = url.path().to_string();
        let mut request = self
            .http
            .request(method.clone(), url)
            .header(AUTHORIZATION, auth)
            .header(ACCEPT, "application/json");
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.map_err(errors::network)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(errors::network)?;
        tracing::debug!(%method, path, status = status.as_u16(), "jira");
        if status.is_success() {
            Ok((status, headers, body.to_vec()))
        } else {
            Err(errors::from_response(status, &headers, &body))
        }
    }
}

/// A success's body as `T`, or what is wrong with it.
pub(super) fn decode<T: DeserializeOwned>(
    status: StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &[u8],
) -> Result<T, TicketError> {
    serde_json::from_slice(body).map_err(|e| TicketError::UnexpectedBody {
        provider: TicketProvider::Jira,
        status: status.as_u16(),
        content_type: content_type(headers),
        snippet: shape_snippet(body, &e),
    })
}
