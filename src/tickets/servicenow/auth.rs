//! Signing in: HTTP basic auth, or an OAuth password grant at `/oauth_token.do` whose bearer
//! token is kept until shortly before it expires. No secret is ever formatted: `Debug` names
//! the scheme and the user only, and secrets are exposed only into a header or the grant's
//! form body.

use std::time::{Duration, Instant};

use reqwest::RequestBuilder;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use tokio::sync::Mutex;
use url::Url;

use super::errors::{Failure, error_from_response, network_failure, unexpected_shape};
use crate::tickets::ServiceNowAuth;

pub(super) enum Credentials {
    Basic {
        username: String,
        password: SecretString,
    },
    OAuth {
        client_id: String,
        client_secret: SecretString,
        username: String,
        password: SecretString,
        token: Mutex<Option<Bearer>>,
    },
}

/// A bearer token and when to stop using it.
pub(super) struct Bearer {
    token: SecretString,
    fresh_until: Instant,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Basic { username, .. } => f
                .debug_struct("Basic")
                .field("username", username)
                .field("password", &"[REDACTED]")
                .finish(),
            Credentials::OAuth {
                client_id,
                username,
                ..
            } => f
                .debug_struct("OAuth")
                .field("client_id", client_id)
                .field("username", username)
                .field("secrets", &"[REDACTED]")
                .finish(),
        }
    }
}

/// `/oauth_token.do`'s answer; only the fields used.
#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

/// What ServiceNow issues when the grant does not say (`expires_in` is normally 1799).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(1799);

/// How long a token with this lifetime is used: until a minute before it expires (a tenth
/// of it for short-lived tokens), so a request never leaves with a token about to lapse.
pub(super) fn usable_for(lifetime: Duration) -> Duration {
    let margin = Duration::from_secs(60).min(lifetime / 10);
    lifetime.saturating_sub(margin)
}

impl Credentials {
    pub fn from_settings(auth: &ServiceNowAuth) -> Self {
        match auth {
            ServiceNowAuth::Basic { username, password } => Credentials::Basic {
                username: username.clone(),
                password: password.clone(),
            },
            ServiceNowAuth::OAuth {
                client_id,
                client_secret,
                username,
                password,
            } => Credentials::OAuth {
                client_id: client_id.clone(),
                client_secret: client_secret.clone(),
                username: username.clone(),
                password: password.clone(),
                token: Mutex::new(None),
            },
        }
    }

    pub fn is_oauth(&self) -> bool {
        matches!(self, Credentials::OAuth { .. })
    }

    /// Adds the `Authorization` header; with OAuth, fetches a token first when none is
    /// fresh (or `renew` says the last one was refused).
    pub async fn sign(
        &self,
        request: RequestBuilder,
        http: &reqwest::Client,
        base: &Url,
        renew: bool,
    ) -> Result<RequestBuilder, Failure> {
        match self {
            Credentials::Basic { username, password } => {
                Ok(request.basic_auth(username, Some(password.expose_secret())))
            }
            Credentials::OAuth {
                client_id,
                client_secret,
                username,
                password,
                token,
            } => {
                let mut cached = token.lock().await;
                let fresh = cached
                    .as_ref()
                    .filter(|b| !renew && Instant::now() < b.fresh_until);
                let bearer = match fresh {
                    Some(b) => b.token.clone(),
                    None => {
                        let issued =
                            grant(http, base, (client_id, client_secret), (username, password))
                                .await?;
                        let bearer = issued.token.clone();
                        *cached = Some(issued);
                        bearer
                    }
                };
                let mut value =
                    HeaderValue::from_str(&format!("Bearer {}", bearer.expose_secret())).map_err(
                        |_| {
                            Failure::from(crate::tickets::TicketError::Invalid(
                                "ServiceNow issued a token that cannot be sent in a header".into(),
                            ))
                        },
                    )?;
                value.set_sensitive(true);
                Ok(request.header(reqwest::header::AUTHORIZATION, value))
            }
        }
    }
}

/// The password grant. Sent once: a refused grant needs a fix, not a retry.
async fn grant(
    http: &reqwest::Client,
    base: &Url,
    (client_id, client_secret): (&str, &SecretString),
    (username, password): (&str, &SecretString),
) -> Result<Bearer, Failure> {
    let mut url = base.clone();
    url.set_path("/oauth_token.do");
    let form = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "password")
        .append_pair("client_id", client_id)
        .append_pair("client_secret", client_secret.expose_secret())
        .append_pair("username", username)
        .append_pair("password", password.expose_secret())
        .finish();
    let response = http
        .post(url)
        .header(ACCEPT, "application/json")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .map_err(network_failure)?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(network_failure)?;
    if !status.is_success() {
        return Err(error_from_response(status, &headers, &body));
    }
    let answer: TokenAnswer =
        serde_json::from_slice(&body).map_err(|e| unexpected_shape(&headers, &body, &e))?;
    let lifetime = answer
        .expires_in
        .map_or(DEFAULT_LIFETIME, Duration::from_secs);
    tracing::debug!(
        lifetime_secs = lifetime.as_secs(),
        "servicenow: OAuth token issued"
    );
    Ok(Bearer {
        token: SecretString::from(answer.access_token),
        fresh_until: Instant::now() + usable_for(lifetime),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_dropped_before_they_expire() {
        assert_eq!(
            usable_for(Duration::from_secs(1799)),
            Duration::from_secs(1739)
        );
        assert_eq!(
            usable_for(Duration::from_secs(100)),
            Duration::from_secs(90)
        );
        assert_eq!(usable_for(Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn debug_never_shows_a_secret() {
        let creds = Credentials::from_settings(&ServiceNowAuth::OAuth {
            client_id: "cid".into(),
            client_secret: SecretString::from("s3cret-client"),
            username: "accessdesk".into(),
            password: SecretString::from("s3cret-pass"),
        });
        let text = format!("{creds:?}");
        assert!(
            text.contains("cid") && text.contains("accessdesk"),
            "{text}"
        );
        assert!(!text.contains("s3cret"), "{text}");
        assert!(creds.is_oauth());
        let basic = Credentials::from_settings(&ServiceNowAuth::Basic {
            username: "u".into(),
            password: SecretString::from("s3cret-pass"),
        });
        assert!(!format!("{basic:?}").contains("s3cret"));
        assert!(!basic.is_oauth());
    }
}
