//! Tunables shared by every provider's client: timeouts, retries, paging and read-only mode.

use std::time::Duration;

/// Tunables of the client, with production defaults.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// Retries of a GET after a 5xx or a connection error.
    pub max_retries: usize,
    /// First backoff delay after a 5xx or a connection error (doubles, with jitter).
    pub min_backoff: Duration,
    pub max_backoff: Duration,
    /// A 429 whose window resets later than this is reported instead of waited out.
    pub max_rate_limit_wait: Duration,
    /// Page size for event-log polling (Okta's System Log and PingOne's activities allow up
    /// to 1000).
    pub log_page_limit: u32,
    /// Refuse every request that is not a GET (supervisors, `--read-only`).
    pub read_only: bool,
}

impl ClientOptions {
    /// The backoff of every retried read: exponential from `min_backoff` to `max_backoff`,
    /// `max_retries` times, with jitter so many clients do not return at once.
    pub fn backoff(&self) -> backon::ExponentialBuilder {
        backon::ExponentialBuilder::default()
            .with_min_delay(self.min_backoff)
            .with_max_delay(self.max_backoff)
            .with_max_times(self.max_retries)
            .with_jitter()
    }

    /// An HTTP client with these timeouts, naming itself `user_agent`, that never follows a
    /// redirect: one would carry the credentials to another host, and none of the APIs
    /// accessdesk talks to redirects.
    pub fn http_client(&self, user_agent: &str) -> Result<reqwest::Client, String> {
        reqwest::Client::builder()
            .user_agent(user_agent)
            .connect_timeout(self.connect_timeout)
            .timeout(self.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))
    }
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            max_retries: 3,
            min_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_rate_limit_wait: Duration::from_secs(65),
            log_page_limit: 1000,
            read_only: false,
        }
    }
}
