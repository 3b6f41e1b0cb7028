//! Retrying a read the way ServiceNow asks: after a 429 wait for `Retry-After` (when it is
//! within `max_rate_limit_wait`), after a 5xx or a broken connection back off exponentially.
//! The IdP clients' retry speaks `IdpError`; this one speaks [`Failure`].

use std::future::Future;

use backon::Retryable;

use super::errors::Failure;
use crate::idp::ClientOptions;
use crate::tickets::TicketError;

pub(super) async fn retry_get<T, F, Fut>(
    options: &ClientOptions,
    path: &str,
    send: F,
) -> Result<T, TicketError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Failure>>,
{
    let backoff = options.backoff();
    let max_wait = options.max_rate_limit_wait;
    send.retry(backoff)
        .when(|f: &Failure| {
            f.error.is_transient() && f.retry_after.is_none_or(|wait| wait <= max_wait)
        })
        .adjust(|f: &Failure, planned| match f.retry_after {
            Some(wait) => planned.map(|_| wait),
            None => planned,
        })
        .notify(|f: &Failure, wait| {
            tracing::warn!(path, error = %f.error, ?wait, "servicenow: retrying a read");
        })
        .await
        .map_err(|f| f.error)
}
