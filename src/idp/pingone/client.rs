//! The HTTP core of the PingOne client: the worker token on every call (renewed once when the
//! API refuses it), timeouts, error decoding, retries of reads, HAL paging. Endpoint code
//! (`users.rs`, `devices.rs`, …) builds on `get_json`, `get_pages` and `write`.

use std::collections::HashMap;
use std::sync::Mutex;

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use url::Url;

use super::errors::{correlation_id, error_from_response, unexpected_shape};
use super::possession::PendingCode;
use super::settings::PingOneSettings;
use super::token::{AccessToken, TokenSource};
use super::wire::Collection;
use crate::config::is_loopback_host;
use crate::idp::transport::{network_error, retry_get};
use crate::idp::{ClientOptions, IdpError};

/// Sent on every request.
pub const USER_AGENT: &str = concat!(
    "accessdesk/",
    env!("CARGO_PKG_VERSION"),
    " (pingone-platform-api)"
);

/// One PingOne environment's management API and auth host, reached through a worker app.
pub struct PingOneClient {
    pub(super) http: reqwest::Client,
    // Boxed, like the token source, to keep the client (and `AnyDirectory`) small.
    pub(super) settings: Box<PingOneSettings>,
    /// `{api}/environments/{envId}`.
    env_url: Url,
    /// `{auth}/{envId}`.
    auth_env_url: Url,
    pub(super) token: Box<TokenSource>,
    pub(super) options: ClientOptions,
    /// The device authentication a code was sent for, by (user id, device id): PingOne checks
    /// a code against the authentication, which the `Directory` calls do not carry.
    pub(super) pending_codes: Mutex<HashMap<(String, String), PendingCode>>,
}

impl std::fmt::Debug for PingOneClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PingOneClient")
            .field("environment", &self.env_url.as_str())
            .field("auth", &self.auth_env_url.as_str())
            .field("token", &self.token)
            .finish()
    }
}

/// A successful read: the body and the headers.
pub(super) struct Answer<T> {
    pub body: T,
    pub headers: HeaderMap,
}

/// What a write answered. The body stays bytes: callers decode only the fields they need.
pub(super) struct WriteAnswer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub request_id: Option<String>,
    pub body: Vec<u8>,
}

struct RawAnswer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

/// A request body and the media type that selects PingOne's operation.
pub(super) struct Payload {
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Payload {
    /// An empty body whose Content-Type names the operation (unlock, recovery code, cancel).
    pub fn operation(content_type: &'static str) -> Self {
        Self {
            content_type,
            body: Vec::new(),
        }
    }

    pub fn json(content_type: &'static str, value: &serde_json::Value) -> Self {
        Self {
            content_type,
            body: serde_json::to_vec(value).expect("a JSON value serializes"),
        }
    }
}

impl PingOneClient {
    pub fn new(settings: PingOneSettings, options: ClientOptions) -> Result<Self, IdpError> {
        for (what, url) in [("API", &settings.api_url), ("auth", &settings.auth_url)] {
            check_scheme(what, url)?;
        }
        let env_url = settings.environment_url()?;
        let mut auth_env_url = settings.auth_url.clone();
        auth_env_url
            .path_segments_mut()
            .map_err(|_| IdpError::Invalid("the PingOne auth URL cannot take a path".into()))?
            .pop_if_empty()
            .push(&settings.environment_id);
        let http = options.http_client(USER_AGENT).map_err(IdpError::Invalid)?;
        let token = Box::new(TokenSource::new(
            http.clone(),
            settings.token_url()?,
            settings.client_id.clone(),
            settings.client_secret.clone(),
            settings.auth_method,
            options.clone(),
        ));
        Ok(Self {
            http,
            settings: Box::new(settings),
            env_url,
            auth_env_url,
            token,
            options,
            pending_codes: Mutex::new(HashMap::new()),
        })
    }

    /// `{api}/environments/{envId}`: the tenant, as the audit log names it.
    pub fn environment_url(&self) -> &Url {
        &self.env_url
    }

    pub fn environment_id(&self) -> &str {
        &self.settings.environment_id
    }

    /// How many access tokens this client has fetched so far.
    pub async fn tokens_fetched(&self) -> u64 {
        self.token.fetch_count().await
    }

    /// `{api}/environments/{envId}/<segments…>`, each segment escaped.
    pub(super) fn env_path(&self, segments: &[&str]) -> Url {
        extend(&self.env_url, segments)
    }

    /// `{auth}/{envId}/<segments…>`, each segment escaped.
    pub(super) fn auth_path(&self, segments: &[&str]) -> Url {
        extend(&self.auth_env_url, segments)
    }

    /// `{api}/environments/{envId}/users/<segments…>`.
    pub(super) fn user_path(&self, segments: &[&str]) -> Url {
        let mut all = vec!["users"];
        all.extend_from_slice(segments);
        self.env_path(&all)
    }

    /// The token only ever goes back to the configured API and auth hosts.
    pub(super) fn same_origin(&self, url: &Url) -> Result<(), IdpError> {
        if url.origin() == self.settings.api_url.origin()
            || url.origin() == self.settings.auth_url.origin()
        {
            Ok(())
        } else {
            Err(IdpError::Invalid(format!(
                "refusing to follow a link to {} (not the configured PingOne hosts)",
                url.origin().ascii_serialization()
            )))
        }
    }

    /// A link PingOne sent (`_links.next`, a device authentication's `self`), verbatim.
    pub(super) fn parse_link(&self, href: &str) -> Result<Url, IdpError> {
        let url = Url::parse(href)
            .map_err(|e| IdpError::Invalid(format!("PingOne sent an unusable link: {e}")))?;
        self.same_origin(&url)?;
        Ok(url)
    }

    /// GET and decode JSON (retried as `get_bytes` says).
    pub(super) async fn get_json<T: DeserializeOwned>(
        &self,
        url: Url,
    ) -> Result<Answer<T>, IdpError> {
        let answer = self.get_bytes(url).await?;
        let body = serde_json::from_slice(&answer.body)
            .map_err(|e| unexpected_shape(&answer.headers, &answer.body, &e))?;
        Ok(Answer {
            body,
            headers: answer.headers,
        })
    }

    /// GET, retried: after a 429 wait out `Retry-After` (when it is within
    /// `max_rate_limit_wait`, plus jitter); after a 5xx or a connection error back off
    /// exponentially. A read changes nothing, so trying again is always safe.
    pub(super) async fn get_bytes(&self, url: Url) -> Result<Answer<Vec<u8>>, IdpError> {
        self.same_origin(&url)?;
        let answer = retry_get(&self.options, "pingone", &url, || {
            self.send(Method::GET, url.clone(), None)
        })
        .await?;
        Ok(Answer {
            body: answer.body,
            headers: answer.headers,
        })
    }

    /// GET a collection and every following page (`_links.next`, verbatim), up to `max`
    /// items of `_embedded.<name>`.
    pub(super) async fn get_pages<T: DeserializeOwned>(
        &self,
        first: Url,
        name: &str,
        max: usize,
    ) -> Result<Vec<T>, IdpError> {
        let mut items = Vec::new();
        let mut url = first;
        loop {
            let (page, next) = self.get_page::<T>(url, name).await?;
            items.extend(page);
            match next {
                Some(next) if items.len() < max => url = next,
                _ => break,
            }
        }
        items.truncate(max);
        Ok(items)
    }

    /// One page of a collection: the items of `_embedded.<name>` and the next page's URL.
    pub(super) async fn get_page<T: DeserializeOwned>(
        &self,
        url: Url,
        name: &str,
    ) -> Result<(Vec<T>, Option<Url>), IdpError> {
        let answer = self.get_bytes(url).await?;
        let shape = |e: serde_json::Error| unexpected_shape(&answer.headers, &answer.body, &e);
        let page: Collection = serde_json::from_slice(&answer.body).map_err(shape)?;
        let items = match page.raw_items(name) {
            Some(raw) => serde_json::from_str(raw.get()).map_err(shape)?,
            None => Vec::new(),
        };
        let next = page.next().map(|href| self.parse_link(href)).transpose()?;
        Ok((items, next))
    }

    /// A POST or DELETE: sent once, never retried, because PingOne may have acted on it even
    /// when the answer is lost. Refused in read-only mode before anything is sent.
    pub(super) async fn write(
        &self,
        method: Method,
        url: Url,
        payload: Option<Payload>,
    ) -> Result<WriteAnswer, IdpError> {
        let answer = self.write_any_status(method, url, payload).await?;
        if answer.status.is_success() {
            Ok(answer)
        } else {
            Err(error_from_response(
                answer.status,
                &answer.headers,
                &answer.body,
            ))
        }
    }

    /// `write`, but any HTTP answer is returned as it came (for callers that read a 4xx's
    /// detail, like a wrong one-time code's); only the network, the token and read-only mode
    /// are errors.
    pub(super) async fn write_any_status(
        &self,
        method: Method,
        url: Url,
        payload: Option<Payload>,
    ) -> Result<WriteAnswer, IdpError> {
        if self.options.read_only {
            return Err(IdpError::ReadOnly);
        }
        self.same_origin(&url)?;
        let answer = self.send_raw(method, url, payload.as_ref()).await?;
        Ok(WriteAnswer {
            request_id: correlation_id(&answer.headers),
            status: answer.status,
            headers: answer.headers,
            body: answer.body,
        })
    }

    /// One request; a non-2xx answer is the error it describes.
    async fn send(
        &self,
        method: Method,
        url: Url,
        payload: Option<&Payload>,
    ) -> Result<RawAnswer, IdpError> {
        finish(self.send_raw(method, url, payload).await?)
    }

    /// One request with the current token. A 401 means the token was refused (expired early,
    /// revoked): it is dropped, a new one fetched and the request sent once more, which is
    /// safe for a write too because PingOne did nothing with the refused one.
    async fn send_raw(
        &self,
        method: Method,
        url: Url,
        payload: Option<&Payload>,
    ) -> Result<RawAnswer, IdpError> {
        let token = self.token.get().await?;
        let answer = self.send_with(&token, &method, &url, payload).await?;
        if answer.status != StatusCode::UNAUTHORIZED {
            return Ok(answer);
        }
        tracing::debug!(
            path = url.path(),
            "PingOne refused the token; fetching a new one"
        );
        self.token.invalidate(&token).await;
        let token = self.token.get().await?;
        self.send_with(&token, &method, &url, payload).await
    }

    async fn send_with(
        &self,
        token: &AccessToken,
        method: &Method,
        url: &Url,
        payload: Option<&Payload>,
    ) -> Result<RawAnswer, IdpError> {
        let mut auth = HeaderValue::from_str(&token.bearer()).map_err(|_| {
            IdpError::Invalid("PingOne issued a token that cannot go in an HTTP header".into())
        })?;
        auth.set_sensitive(true);
        let mut request = self
            .http
            .request(method.clone(), url.clone())
            .header(AUTHORIZATION, auth)
            .header(ACCEPT, "application/json");
        if let Some(payload) = payload {
            request = request
                .header(CONTENT_TYPE, payload.content_type)
                .body(payload.body.clone());
        }
        let response = request.send().await.map_err(network_error)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(network_error)?;
        tracing::debug!(%method, path = url.path(), status = status.as_u16(), request_id = ?correlation_id(&headers), "pingone");
        Ok(RawAnswer {
            status,
            headers,
            body: body.to_vec(),
        })
    }
}

/// A 2xx is the answer; anything else becomes the error it describes.
fn finish(answer: RawAnswer) -> Result<RawAnswer, IdpError> {
    if answer.status.is_success() {
        Ok(answer)
    } else {
        Err(error_from_response(
            answer.status,
            &answer.headers,
            &answer.body,
        ))
    }
}

fn extend(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    // `new` made sure both bases take a path.
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    url
}

/// https, or plain http to this machine only (the simulator); a real PingOne is always https.
fn check_scheme(what: &str, url: &Url) -> Result<(), IdpError> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if url.host_str().is_some_and(is_loopback_host) => Ok(()),
        _ => Err(IdpError::Invalid(format!(
            "the PingOne {what} URL {url} must be https (http is accepted for loopback addresses only)"
        ))),
    }
}

/// Decode a write's body as `T`.
pub(super) fn decode_write<T: DeserializeOwned>(answer: &WriteAnswer) -> Result<T, IdpError> {
    serde_json::from_slice(&answer.body).map_err(|e| IdpError::UnexpectedBody {
        status: answer.status.as_u16(),
        content_type: "application/json".into(),
        snippet: format!("the JSON does not have the expected shape: {e}"),
        request_id: answer.request_id.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::idp::pingone::Region;
    use secrecy::SecretString;

    fn settings(api: &str, auth: &str) -> PingOneSettings {
        let mut s = PingOneSettings::new(
            "11111111-1111-4111-8111-111111111111",
            "client-1",
            SecretString::from("s3cret".to_string()),
            Region::NorthAmerica,
        );
        s.api_url = Url::parse(api).unwrap();
        s.auth_url = Url::parse(auth).unwrap();
        s
    }

    #[test]
    fn plain_http_only_to_this_machine() {
        let ok = PingOneClient::new(
            settings("http://127.0.0.1:8080/v1", "http://localhost:8080"),
            ClientOptions::default(),
        );
        assert!(ok.is_ok());
        for (api, auth) in [
            ("http://api.example.com/v1", "https://auth.pingone.com"),
            ("https://api.pingone.com/v1", "http://auth.example.com"),
        ] {
            let e = PingOneClient::new(settings(api, auth), ClientOptions::default()).unwrap_err();
            assert!(e.to_string().contains("loopback"), "{e}");
        }
    }

    #[test]
    fn paths_sit_under_the_environment_and_links_stay_on_its_hosts() {
        let c = PingOneClient::new(
            settings("https://api.pingone.eu/v1", "https://auth.pingone.eu"),
            ClientOptions::default(),
        )
        .unwrap();
        assert_eq!(
            c.user_path(&["a b", "password"]).as_str(),
            "https://api.pingone.eu/v1/environments/11111111-1111-4111-8111-111111111111/users/a%20b/password"
        );
        assert_eq!(
            c.auth_path(&["deviceAuthentications"]).as_str(),
            "https://auth.pingone.eu/11111111-1111-4111-8111-111111111111/deviceAuthentications"
        );
        assert!(
            c.parse_link("https://auth.pingone.eu/x/deviceAuthentications/1")
                .is_ok()
        );
        assert!(c.parse_link("https://evil.example.com/v1/users").is_err());
        let debug = format!("{c:?}");
        assert!(!debug.contains("s3cret"), "{debug}");
    }
}
