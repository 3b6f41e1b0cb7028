//! The connection to one ServiceNow instance: its URL, the HTTP client, the credentials and
//! the settings that shape what is read and written.

use url::Url;

use super::auth::Credentials;
use crate::idp::ClientOptions;
use crate::tickets::{ServiceNowSettings, TicketError};

/// Sent on every request, so the instance's transaction log names the integration.
pub const USER_AGENT: &str = concat!(
    "accessdesk/",
    env!("CARGO_PKG_VERSION"),
    " (servicenow-table-api)"
);

/// Records per page when listing (ServiceNow's own default is 10000; small pages keep each
/// answer quick on a busy instance).
pub const DEFAULT_PAGE_SIZE: u32 = 100;
/// No caller has more open tickets than this worth showing.
pub(super) const MAX_LISTED: usize = 500;

/// A ServiceNow instance's Table API, signed in as the integration user.
pub struct ServiceNowClient {
    pub(super) http: reqwest::Client,
    pub(super) base: Url,
    pub(super) credentials: Credentials,
    pub(super) options: ClientOptions,
    pub(super) settings: ServiceNowSettings,
    pub(super) page_size: u32,
}

impl std::fmt::Debug for ServiceNowClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceNowClient")
            .field("base", &self.base.as_str())
            .field("credentials", &self.credentials)
            .field("page_size", &self.page_size)
            .finish()
    }
}

impl ServiceNowClient {
    pub fn new(
        settings: &ServiceNowSettings,
        options: &ClientOptions,
    ) -> Result<Self, TicketError> {
        let http = options
            .http_client(USER_AGENT)
            .map_err(TicketError::Invalid)?;
        let mut base = settings.url.clone();
        if base.cannot_be_a_base() {
            return Err(TicketError::Invalid(format!(
                "the ServiceNow URL {} cannot take a path",
                settings.url
            )));
        }
        base.set_path("/");
        base.set_query(None);
        base.set_fragment(None);
        Ok(Self {
            http,
            base,
            credentials: Credentials::from_settings(&settings.auth),
            options: options.clone(),
            settings: settings.clone(),
            page_size: DEFAULT_PAGE_SIZE,
        })
    }

    /// Lists in pages of `size` records (at least one).
    pub fn with_page_size(mut self, size: u32) -> Self {
        self.page_size = size.max(1);
        self
    }

    /// The instance's host, for the status bar.
    pub fn host(&self) -> String {
        let host = self.base.host_str().unwrap_or("servicenow");
        match self.base.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        }
    }

    /// `/api/now/table/<table>[/<sys_id>]`, each segment escaped.
    pub(super) fn table_url(&self, table: &str, sys_id: Option<&str>) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.clear().extend(["api", "now", "table", table]);
            if let Some(id) = sys_id {
                segments.push(id);
            }
        }
        url
    }

    /// Where an agent opens the record in a browser.
    pub(super) fn web_url(&self, table: &str, sys_id: &str) -> String {
        let mut url = self.base.clone();
        url.set_path("/nav_to.do");
        url.query_pairs_mut()
            .append_pair("uri", &format!("{table}.do?sys_id={sys_id}"));
        url.to_string()
    }
}
