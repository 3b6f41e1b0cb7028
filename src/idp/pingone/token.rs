//! The worker app's access token: fetched with the client-credentials grant, cached, renewed a
//! minute before it expires, and dropped when the API refuses it. Concurrent callers that need
//! a new token wait for one fetch and share its result.
//!
//! Neither the client secret nor the token is ever in `Debug`, a log line or an error.

use std::time::Duration;

use backon::Retryable;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use tokio::sync::Mutex;
use tokio::time::Instant;
use url::Url;

use super::errors::{correlation_id, error_from_response};
use super::settings::ClientAuthMethod;
use crate::idp::transport::{content_type, network_error};
use crate::idp::{ClientOptions, IdpError};

/// Renew this long before the token expires, so a call never starts with a dying token.
const REFRESH_EARLY: Duration = Duration::from_secs(60);

/// A token the API accepts, and which fetch produced it (to drop exactly that one on a 401).
#[derive(Clone)]
pub(super) struct AccessToken {
    secret: SecretString,
    generation: u64,
}

impl AccessToken {
    /// `Bearer <token>`, for the Authorization header.
    pub fn bearer(&self) -> String {
        format!("Bearer {}", self.secret.expose_secret())
    }
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessToken")
            .field("secret", &"[REDACTED]")
            .field("generation", &self.generation)
            .finish()
    }
}

struct Cached {
    token: AccessToken,
    refresh_at: Instant,
}

/// The token endpoint and the worker app's credentials.
pub(super) struct TokenSource {
    http: reqwest::Client,
    url: Url,
    client_id: String,
    secret: SecretString,
    method: ClientAuthMethod,
    options: ClientOptions,
    // An async lock held across the fetch: whoever arrives while a token is being fetched
    // waits for it instead of fetching another.
    cached: Mutex<Option<Cached>>,
    fetches: Mutex<u64>,
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSource")
            .field("url", &self.url.as_str())
            .field("client_id", &self.client_id)
            .field("secret", &"[REDACTED]")
            .field("method", &self.method.as_str())
            .finish()
    }
}

/// The token response; the token goes straight into a `SecretString`.
#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
}

impl TokenSource {
    pub fn new(
        http: reqwest::Client,
        url: Url,
        client_id: String,
        secret: SecretString,
        method: ClientAuthMethod,
        options: ClientOptions,
    ) -> Self {
        Self {
            http,
            url,
            client_id,
            secret,
            method,
            options,
            cached: Mutex::new(None),
            fetches: Mutex::new(0),
        }
    }

    /// A token that is good for at least another minute: the cached one, or a new one.
    pub async fn get(&self) -> Result<AccessToken, IdpError> {
        let mut cached = self.cached.lock().await;
        if let Some(c) = cached.as_ref()
            && Instant::now() < c.refresh_at
        {
            return Ok(c.token.clone());
        }
        let fresh = self.fetch().await?;
        let token = fresh.token.clone();
        *cached = Some(fresh);
        Ok(token)
    }

    /// The API refused `used`: forget it, unless another caller already replaced it.
    pub async fn invalidate(&self, used: &AccessToken) {
        let mut cached = self.cached.lock().await;
        if cached
            .as_ref()
            .is_some_and(|c| c.token.generation == used.generation)
        {
            *cached = None;
        }
    }

    /// How many tokens have been fetched (each fetch is one client-credentials grant).
    pub async fn fetch_count(&self) -> u64 {
        *self.fetches.lock().await
    }

    /// One client-credentials grant, retried like a GET on 5xx and connection errors (asking
    /// for a token changes nothing at PingOne).
    async fn fetch(&self) -> Result<Cached, IdpError> {
        let backoff = self.options.backoff();
        let cached = (|| self.fetch_once())
            .retry(backoff)
            .when(|e| e.is_transient() && !matches!(e, IdpError::RateLimited { .. }))
            .notify(|e, wait| {
                tracing::warn!(error = %e, ?wait, "retrying the PingOne token request");
            })
            .await?;
        let mut fetches = self.fetches.lock().await;
        *fetches += 1;
        Ok(Cached {
            token: AccessToken {
                generation: *fetches,
                ..cached.token
            },
            refresh_at: cached.refresh_at,
        })
    }

    async fn fetch_once(&self) -> Result<Cached, IdpError> {
        let mut request = self
            .http
            .post(self.url.clone())
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded");
        let form = {
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            form.append_pair("grant_type", "client_credentials");
            match self.method {
                ClientAuthMethod::ClientSecretBasic => {
                    // reqwest marks the Authorization header sensitive.
                    request =
                        request.basic_auth(&self.client_id, Some(self.secret.expose_secret()));
                }
                ClientAuthMethod::ClientSecretPost => {
                    form.append_pair("client_id", &self.client_id);
                    form.append_pair("client_secret", self.secret.expose_secret());
                }
            }
            form.finish()
        };
        let started = Instant::now();
        let response = request.body(form).send().await.map_err(network_error)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(network_error)?;
        tracing::debug!(status = status.as_u16(), request_id = ?correlation_id(&headers), "pingone token");
        if !status.is_success() {
            return Err(error_from_response(status, &headers, &body));
        }
        // The body holds the token: neither it nor serde's message (which may quote a value)
        // goes into the error.
        let unexpected = |what: &str| IdpError::UnexpectedBody {
            status: StatusCode::OK.as_u16(),
            content_type: content_type(&headers),
            snippet: format!("the token endpoint's answer {what}"),
            request_id: correlation_id(&headers),
        };
        let answer: TokenResponse = serde_json::from_slice(&body)
            .map_err(|_| unexpected("is not an OAuth token response"))?;
        if answer
            .token_type
            .as_deref()
            .is_some_and(|t| !t.eq_ignore_ascii_case("bearer"))
        {
            return Err(unexpected("is not a Bearer token"));
        }
        if answer.access_token.is_empty() {
            return Err(unexpected("holds an empty token"));
        }
        let lifetime = Duration::from_secs(answer.expires_in.unwrap_or(3600));
        // Early by a minute, or by half a short lifetime.
        let early = REFRESH_EARLY.min(lifetime / 2);
        Ok(Cached {
            token: AccessToken {
                secret: SecretString::from(answer.access_token),
                generation: 0,
            },
            refresh_at: started + lifetime - early,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret_or_the_token() {
        let source = TokenSource::new(
            reqwest::Client::new(),
            Url::parse("https://auth.pingone.com/env/as/token").unwrap(),
            "client-1".into(),
            SecretString::from("very-secret-value".to_string()),
            ClientAuthMethod::ClientSecretPost,
            ClientOptions::default(),
        );
        let token = AccessToken {
            secret: SecretString::from("tok-abcdefghijklmnopqrstuvwxyz0123456789".to_string()),
            generation: 3,
        };
        let text = format!("{source:?} {token:?}");
        assert!(!text.contains("very-secret-value"), "{text}");
        assert!(!text.contains("tok-abc"), "{text}");
        assert!(token.bearer().starts_with("Bearer tok-abc"));
    }
}
