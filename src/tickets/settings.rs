//! How accessdesk reaches the desk's ticketing system (`[tickets]`, resolved by `config`).

use secrecy::SecretString;
use url::Url;

use super::TicketProvider;

/// The `[tickets]` section as resolved. With no provider the gate keeps its pattern check.
#[derive(Debug, Clone)]
pub struct TicketSettings {
    pub provider: Option<TicketProvider>,
    /// The ticket's caller (requester) must be the user the action is for.
    pub require_caller: bool,
    /// Resolve the ticket after a successful action.
    pub resolve_on_success: bool,
    pub servicenow: Option<ServiceNowSettings>,
    pub jira: Option<JiraSettings>,
}

impl Default for TicketSettings {
    fn default() -> Self {
        Self {
            provider: None,
            require_caller: true,
            resolve_on_success: false,
            servicenow: None,
            jira: None,
        }
    }
}

/// How to sign in to ServiceNow.
#[derive(Debug, Clone)]
pub enum ServiceNowAuth {
    /// HTTP basic auth with an integration user (roles `itil` and `rest_service`).
    Basic {
        username: String,
        password: SecretString,
    },
    /// OAuth password grant at `/oauth_token.do`: the bearer token is cached and refreshed.
    OAuth {
        client_id: String,
        client_secret: SecretString,
        username: String,
        password: SecretString,
    },
}

/// `[tickets.servicenow]` with `SERVICENOW_*`.
#[derive(Debug, Clone)]
pub struct ServiceNowSettings {
    /// The instance, e.g. `https://example.service-now.com`.
    pub url: Url,
    pub auth: ServiceNowAuth,
    /// Incident `state` codes that count as open; empty: the record's `active` flag decides.
    pub open_states: Vec<String>,
    /// `category` of the incidents accessdesk opens.
    pub category: String,
    /// `assignment_group` (a group name or sys_id) of the incidents accessdesk opens.
    pub assignment_group: Option<String>,
    /// `close_code` when resolving.
    pub close_code: String,
}

/// `[tickets.jira]` with `JIRA_*`.
#[derive(Debug, Clone)]
pub struct JiraSettings {
    /// The site, e.g. `https://example.atlassian.net`.
    pub url: Url,
    /// The agent account's e-mail (basic auth with the API token).
    pub user: String,
    pub api_token: SecretString,
    /// Where accessdesk opens requests.
    pub service_desk_id: String,
    pub request_type_id: String,
    /// Status names that count as open; empty: any status whose category is not done.
    pub open_statuses: Vec<String>,
    /// The transition that resolves a request (its name, e.g. "Resolve this issue").
    pub resolve_transition: Option<String>,
}
