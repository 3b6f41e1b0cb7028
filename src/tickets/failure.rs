//! What both ticketing clients carry out of a failed request: the error, and how long the
//! system asked to wait before the next one (a 429's `Retry-After`); and a broken connection
//! said the way the IdP clients say it.

use std::time::Duration;

use crate::idp::IdpError;
use crate::idp::transport::network_error;
use crate::tickets::{TicketError, TicketProvider};

#[derive(Debug)]
pub(crate) struct Failure {
    pub error: TicketError,
    pub retry_after: Option<Duration>,
}

impl From<TicketError> for Failure {
    fn from(error: TicketError) -> Self {
        Self {
            error,
            retry_after: None,
        }
    }
}

/// A connection that failed or broke, with its cause from the error's chain; the URL carries
/// no query and no credentials.
pub(crate) fn network(provider: TicketProvider, e: reqwest::Error) -> TicketError {
    match network_error(e) {
        IdpError::Network { url, cause, detail } => {
            let said = cause.to_string();
            let cause = if detail.is_empty() || detail.to_ascii_lowercase().starts_with(&said) {
                said
            } else {
                format!("{said} ({detail})")
            };
            TicketError::Network {
                provider,
                url,
                cause,
            }
        }
        other => TicketError::Invalid(other.to_string()),
    }
}
