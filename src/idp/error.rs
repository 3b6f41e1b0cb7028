use thiserror::Error;

use crate::idp::Provider;

/// Everything that can go wrong talking to an identity provider, with enough detail to tell
/// the agent what happened and what to do. Never carries a token or a secret URL.
#[derive(Debug, Clone, Error)]
pub enum IdpError {
    /// The IdP answered with its structured error body.
    #[error("{summary} ({code}, HTTP {status}{})", request_suffix(.request_id))]
    Api {
        status: u16,
        code: String,
        summary: String,
        error_id: Option<String>,
        causes: Vec<String>,
        request_id: Option<String>,
    },
    /// The rate limit was exhausted and retries did not help.
    #[error("rate limit exceeded; window resets in {reset_in_secs}s{}", request_suffix(.request_id))]
    RateLimited {
        reset_in_secs: u64,
        request_id: Option<String>,
    },
    /// A body that is not the expected JSON (an HTML error page, a proxy, garbage).
    #[error("unexpected response (HTTP {status}, {content_type}): {snippet}{}", request_suffix(.request_id))]
    UnexpectedBody {
        status: u16,
        content_type: String,
        snippet: String,
        request_id: Option<String>,
    },
    /// The IdP could not be reached, or the connection broke: where, and why.
    #[error("cannot reach {url}: {cause}{}", detail_suffix(.cause, .detail))]
    Network {
        /// The request's URL without its query (which may be long, never secret).
        url: String,
        cause: NetworkCause,
        /// The lowest-level message, e.g. the resolver's or the TLS library's.
        detail: String,
    },
    /// A write was attempted in read-only mode; nothing was sent.
    #[error("read-only mode: no change can be made to the IdP")]
    ReadOnly,
    /// The request could not even be built (bad URL, bad configuration).
    #[error("invalid request: {0}")]
    Invalid(String),
}

/// The low-level message, when it says more than the cause already does.
fn detail_suffix(cause: &NetworkCause, detail: &str) -> String {
    let said = cause.to_string();
    if detail.is_empty() || detail.to_ascii_lowercase().starts_with(&said) {
        String::new()
    } else {
        format!(" ({detail})")
    }
}

fn request_suffix(request_id: &Option<String>) -> String {
    request_id
        .as_deref()
        .map(|id| format!(", request id {id}"))
        .unwrap_or_default()
}

impl IdpError {
    /// A one-line suggestion of how to fix it, naming the provider's own settings and roles.
    pub fn hint_for(&self, provider: Provider) -> &'static str {
        match provider {
            Provider::Okta => self.okta_hint(),
            Provider::PingOne => self.pingone_hint(),
        }
    }

    fn okta_hint(&self) -> &'static str {
        match self {
            IdpError::Api { status: 401, .. } => {
                "check the API token (OKTA_CLIENT_TOKEN): it may be wrong, expired or revoked"
            }
            IdpError::Api { status: 403, .. } => {
                "the token's admin lacks a role for this; ask an Okta administrator"
            }
            IdpError::Api { status: 404, .. } => "check the login or id",
            IdpError::Api { status: 400, .. } => "the IdP rejected the request parameters",
            IdpError::Api { status, .. } if *status >= 500 => {
                "the IdP had an internal error; it will be retried"
            }
            IdpError::Api { .. } => "see the IdP's message",
            IdpError::RateLimited { .. } => {
                "the API budget is spent; polling slows down until the window resets"
            }
            // Garbled JSON is usually passing; a setting is to blame only if it persists.
            IdpError::UnexpectedBody { .. } if self.is_garbled_json() => {
                "the answer came garbled (cut short or not JSON) and is retried; if it keeps \
                 happening, check the org URL (OKTA_CLIENT_ORGURL) points at the IdP"
            }
            IdpError::UnexpectedBody { .. } => {
                "check the org URL (OKTA_CLIENT_ORGURL) points at the IdP and not a proxy or login page"
            }
            IdpError::Network { cause, .. } => cause.hint(),
            IdpError::Invalid(_) => "check the configuration",
            IdpError::ReadOnly => "supervisors and --read-only sessions can look but not change",
        }
    }

    fn pingone_hint(&self) -> &'static str {
        match self {
            IdpError::Api { status: 401, .. } => {
                "check the worker app's credentials (PINGONE_CLIENT_ID, PINGONE_CLIENT_SECRET) and \
                 environment (PINGONE_ENVIRONMENT_ID), and that the worker app is enabled"
            }
            IdpError::Api { status: 403, .. } => {
                "the worker app lacks a role for this: give it the Identity Data Admin role in \
                 this environment (PingOne admin console, Applications, Roles)"
            }
            IdpError::Api { status: 404, .. } => "check the username or id",
            IdpError::Api { status: 400, .. } => "PingOne rejected the request parameters",
            IdpError::Api { status: 415, .. } => {
                "PingOne did not accept the request's content type; this is a bug in accessdesk"
            }
            IdpError::Api { status, .. } if *status >= 500 => {
                "PingOne had an internal error; it will be retried"
            }
            IdpError::Api { .. } => "see PingOne's message",
            IdpError::UnexpectedBody { .. } if self.is_garbled_json() => {
                "the answer came garbled (cut short or not JSON) and is retried; if it keeps \
                 happening, check the region (PINGONE_REGION_CODE) or PINGONE_API_URL"
            }
            IdpError::UnexpectedBody { .. } => {
                "check the region (PINGONE_REGION_CODE) or PINGONE_API_URL / PINGONE_AUTH_URL point \
                 at PingOne and not a proxy or login page"
            }
            IdpError::Network { cause, .. } => cause.pingone_hint(),
            IdpError::RateLimited { .. } | IdpError::Invalid(_) | IdpError::ReadOnly => {
                self.okta_hint()
            }
        }
    }

    /// The IdP's request id, when it sent one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            IdpError::Api { request_id, .. }
            | IdpError::RateLimited { request_id, .. }
            | IdpError::UnexpectedBody { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// Whether trying again later may help: the network, a rate limit, a server failure or a
    /// JSON answer that came garbled.
    /// A wrong token (401), a missing role (403) or a bad request will fail the same way
    /// every time, so they need a fix, not a retry.
    pub fn is_transient(&self) -> bool {
        match self {
            IdpError::Network { .. } | IdpError::RateLimited { .. } => true,
            IdpError::Api { status, .. } => *status >= 500,
            IdpError::UnexpectedBody { status, .. } => *status >= 500 || self.is_garbled_json(),
            IdpError::ReadOnly | IdpError::Invalid(_) => false,
        }
    }

    /// A success that said JSON and is not: a transfer cut short or a glitch upstream, which
    /// may come whole next time (an HTML login page a proxy answers with will not).
    fn is_garbled_json(&self) -> bool {
        matches!(self, IdpError::UnexpectedBody { status, content_type, .. }
            if (200..300).contains(status) && content_type.contains("json"))
    }

    /// The HTTP status, if the IdP answered at all.
    pub fn status(&self) -> Option<u16> {
        match self {
            IdpError::Api { status, .. } | IdpError::UnexpectedBody { status, .. } => Some(*status),
            IdpError::RateLimited { .. } => Some(429),
            _ => None,
        }
    }
}

/// Why a connection to the IdP failed, as far as the network stack says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetworkCause {
    /// The host name did not resolve.
    Dns,
    /// Nothing listens at that address and port.
    Refused,
    /// The TLS handshake failed (certificate, protocol, an intercepting proxy).
    Tls,
    /// No connection or no answer within the configured timeout.
    Timeout,
    /// The connection was set up and then broke.
    Dropped,
    /// Anything else the network stack reported.
    Other,
}

impl NetworkCause {
    pub fn hint(self) -> &'static str {
        match self {
            NetworkCause::Dns => {
                "the host name does not resolve: check the org URL (OKTA_CLIENT_ORGURL) and the DNS settings"
            }
            NetworkCause::Refused => {
                "nothing accepts connections there: check the org URL and port (OKTA_CLIENT_ORGURL), or a firewall"
            }
            NetworkCause::Tls => {
                "the TLS handshake failed: check the org URL is https://…okta.com, and any proxy that intercepts TLS"
            }
            NetworkCause::Timeout => {
                "the IdP did not answer in time: check the network, or raise http.connect_timeout_secs / http.request_timeout_secs"
            }
            NetworkCause::Dropped => "the connection broke: check the network and try again",
            NetworkCause::Other => "check the network and the org URL (OKTA_CLIENT_ORGURL)",
        }
    }
}

impl NetworkCause {
    /// [`NetworkCause::hint`] in PingOne's terms: the region and the two hosts.
    pub fn pingone_hint(self) -> &'static str {
        match self {
            NetworkCause::Dns => {
                "the host name does not resolve: check the region (PINGONE_REGION_CODE) or \
                 PINGONE_API_URL / PINGONE_AUTH_URL, and the DNS settings"
            }
            NetworkCause::Refused => {
                "nothing accepts connections there: check PINGONE_API_URL / PINGONE_AUTH_URL and \
                 their ports, or a firewall"
            }
            NetworkCause::Tls => {
                "the TLS handshake failed: check the URLs are https://api.pingone.… and \
                 https://auth.pingone.…, and any proxy that intercepts TLS"
            }
            NetworkCause::Other => {
                "check the network and the region (PINGONE_REGION_CODE) or PINGONE_API_URL / \
                 PINGONE_AUTH_URL"
            }
            NetworkCause::Timeout | NetworkCause::Dropped => self.hint(),
        }
    }
}

impl std::fmt::Display for NetworkCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NetworkCause::Dns => "DNS lookup failed",
            NetworkCause::Refused => "connection refused",
            NetworkCause::Tls => "TLS handshake failed",
            NetworkCause::Timeout => "timed out",
            NetworkCause::Dropped => "connection dropped",
            NetworkCause::Other => "network error",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16) -> IdpError {
        IdpError::Api {
            status,
            code: "ACCESS_FAILED".into(),
            summary: "x".into(),
            error_id: None,
            causes: Vec::new(),
            request_id: None,
        }
    }

    #[test]
    fn hints_name_the_providers_own_settings_and_roles() {
        assert!(
            api(401)
                .hint_for(Provider::Okta)
                .contains("OKTA_CLIENT_TOKEN")
        );
        let ping = api(401).hint_for(Provider::PingOne);
        assert!(ping.contains("PINGONE_CLIENT_ID") && ping.contains("PINGONE_CLIENT_SECRET"));
        assert!(ping.contains("worker app"));
        assert!(
            api(403)
                .hint_for(Provider::PingOne)
                .contains("Identity Data Admin")
        );
        let dns = IdpError::Network {
            url: "https://api.pingone.eu/v1".into(),
            cause: NetworkCause::Dns,
            detail: String::new(),
        };
        assert!(
            dns.hint_for(Provider::PingOne)
                .contains("PINGONE_REGION_CODE")
        );
        assert!(dns.hint_for(Provider::Okta).contains("OKTA_CLIENT_ORGURL"));
        assert_eq!(
            IdpError::ReadOnly.hint_for(Provider::PingOne),
            IdpError::ReadOnly.hint_for(Provider::Okta)
        );
    }

    #[test]
    fn a_garbled_json_answer_is_worth_retrying_a_login_page_is_not() {
        let body = |status: u16, content_type: &str| IdpError::UnexpectedBody {
            status,
            content_type: content_type.into(),
            snippet: "not JSON: x".into(),
            request_id: None,
        };
        assert!(body(200, "application/json").is_transient());
        assert!(body(200, "application/json; charset=utf-8").is_transient());
        assert!(body(502, "text/html").is_transient());
        assert!(!body(200, "text/html; charset=utf-8").is_transient());
        assert!(!body(200, "no content type").is_transient());
        assert!(!body(404, "application/json").is_transient());
        let garbled = body(200, "application/json");
        for provider in [Provider::Okta, Provider::PingOne] {
            assert!(garbled.hint_for(provider).contains("retried"));
            assert!(
                !body(200, "text/html")
                    .hint_for(provider)
                    .contains("retried")
            );
        }
    }
}
