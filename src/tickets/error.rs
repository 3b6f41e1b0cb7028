//! Everything that can go wrong talking to a ticketing system, phrased for the agent. Never
//! carries a password, an API token or an OAuth token.

use thiserror::Error;

use super::TicketProvider;

#[derive(Debug, Clone, Error)]
pub enum TicketError {
    /// The system answered with its structured error body (ServiceNow
    /// `{error:{message,detail},status}`, Jira `{errorMessage}` or `{errorMessages,errors}`).
    #[error("{provider} refused: {message} (HTTP {status}){}", detail_suffix(.detail))]
    Api {
        provider: TicketProvider,
        status: u16,
        message: String,
        detail: Option<String>,
    },
    /// A body that is not the expected JSON (an HTML login page, a proxy, garbage).
    #[error("{provider} sent an unexpected response (HTTP {status}, {content_type}): {snippet}")]
    UnexpectedBody {
        provider: TicketProvider,
        status: u16,
        content_type: String,
        snippet: String,
    },
    /// The system could not be reached, or the connection broke.
    #[error("cannot reach {provider} at {url}: {cause}")]
    Network {
        provider: TicketProvider,
        /// The request's URL without its query.
        url: String,
        cause: String,
    },
    /// No person in the system has the caller's e-mail address.
    #[error("{provider} has no user with the e-mail address {email}")]
    UnknownPerson {
        provider: TicketProvider,
        email: String,
    },
    /// The configuration is incomplete or wrong; nothing was sent.
    #[error("{0}")]
    Invalid(String),
}

fn detail_suffix(detail: &Option<String>) -> String {
    match detail {
        Some(d) if !d.trim().is_empty() => format!(": {d}"),
        _ => String::new(),
    }
}

impl TicketError {
    /// What to do about it, in a sentence.
    pub fn hint(&self) -> String {
        match self {
            TicketError::Api { provider, status, .. } => match (provider, status) {
                (TicketProvider::ServiceNow, 401) => "check SERVICENOW_USERNAME and SERVICENOW_PASSWORD (or the OAuth client)".into(),
                (TicketProvider::Jira, 401) => "check JIRA_USER and JIRA_API_TOKEN".into(),
                (TicketProvider::ServiceNow, 403) => "the ServiceNow account needs the itil role and read access to incident, sc_req_item and sys_user".into(),
                (TicketProvider::Jira, 403) => "the Jira account must be an agent of the service desk".into(),
                (_, 404) => "check the instance URL and the ticket number".into(),
                (_, 429) => "the ticketing system is rate-limiting: wait a moment and retry".into(),
                (_, s) if *s >= 500 => "the ticketing system failed: retry, and check its status page if it persists".into(),
                _ => "check the request and the ticketing configuration ([tickets])".into(),
            },
            TicketError::UnexpectedBody { .. } => {
                "a proxy or login page answered instead of the API: check the instance URL".into()
            }
            TicketError::Network { .. } => {
                "check the network and the instance URL; the action itself is not blocked".into()
            }
            TicketError::UnknownPerson { .. } => {
                "the caller must exist in the ticketing system: check their e-mail address there".into()
            }
            TicketError::Invalid(_) => "fix [tickets] in the config file".into(),
        }
    }

    /// Worth retrying later: the system or the network failed, not the request.
    pub fn is_transient(&self) -> bool {
        match self {
            TicketError::Api { status, .. } => *status == 429 || *status >= 500,
            TicketError::UnexpectedBody { status, .. } => *status >= 500,
            TicketError::Network { .. } => true,
            TicketError::UnknownPerson { .. } | TicketError::Invalid(_) => false,
        }
    }
}
