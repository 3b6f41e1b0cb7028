//! One request to the instance, and the two ways endpoint code sends one: a read, retried
//! when the instance or the network failed, and a write, sent once.

use reqwest::header::{ACCEPT, HeaderMap};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;
use url::Url;

use super::ServiceNowClient;
use super::errors::{Failure, error_from_response, network_failure, unexpected_shape};
use super::retry::retry_get;
use crate::tickets::TicketError;

/// A 2xx answer, body undecoded.
pub(super) struct Answer {
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl ServiceNowClient {
    /// GET and decode JSON, retried after a 5xx, a 429 (waiting as asked) or a broken
    /// connection: a read changes nothing, so trying again is always safe.
    pub(super) async fn get_json<T: DeserializeOwned>(
        &self,
        url: Url,
    ) -> Result<(T, HeaderMap), TicketError> {
        retry_get(&self.options, url.path(), || async {
            let answer = self.send_once(Method::GET, url.clone(), None).await?;
            let body = serde_json::from_slice(&answer.body)
                .map_err(|e| unexpected_shape(&answer.headers, &answer.body, &e))?;
            Ok((body, answer.headers))
        })
        .await
    }

    /// A POST or PATCH, sent exactly once: the instance may have acted on it even when the
    /// answer was lost, and a second incident or a doubled work note is worse than a retry
    /// the caller decides on.
    pub(super) async fn write(
        &self,
        method: Method,
        url: Url,
        body: &Value,
    ) -> Result<Answer, TicketError> {
        self.send_once(method, url, Some(body))
            .await
            .map_err(|f| f.error)
    }

    /// One request, signed. With OAuth, a 401 means the token was revoked or expired early:
    /// a new one is fetched and the request sent once more (the instance did not act on a
    /// request it refused to authenticate).
    async fn send_once(
        &self,
        method: Method,
        url: Url,
        body: Option<&Value>,
    ) -> Result<Answer, Failure> {
        if url.origin() != self.base.origin() {
            return Err(TicketError::Invalid(format!(
                "refusing to send credentials to {} (not the configured instance {})",
                url.origin().ascii_serialization(),
                self.base.origin().ascii_serialization()
            ))
            .into());
        }
        let mut renew = false;
        loop {
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .header(ACCEPT, "application/json");
            if let Some(body) = body {
                request = request.json(body);
            }
            let request = self
                .credentials
                .sign(request, &self.http, &self.base, renew)
                .await?;
            let response = request.send().await.map_err(network_failure)?;
            let status = response.status();
            let headers = response.headers().clone();
            let bytes = response.bytes().await.map_err(network_failure)?;
            tracing::debug!(%method, path = url.path(), status = status.as_u16(), "servicenow");
            if status == StatusCode::UNAUTHORIZED && self.credentials.is_oauth() && !renew {
                renew = true;
                continue;
            }
            if status.is_success() {
                return Ok(Answer {
                    headers,
                    body: bytes.to_vec(),
                });
            }
            return Err(error_from_response(status, &headers, &bytes));
        }
    }
}
