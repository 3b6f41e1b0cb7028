//! Which identity-provider URLs may be plain `http://`. This machine may (the simulator, a
//! local proxy); anywhere else the API token or client secret would cross the network in
//! clear, so it is refused unless the host is named in `http.allow_plain_http` (or
//! `ACCESSDESK_ALLOW_PLAIN_HTTP`, comma-separated), and even then every start warns.

use url::Url;

use super::{Env, is_loopback_host};

/// What the refusal says is allowed.
pub(super) const HTTPS_ONLY: &str = "an https URL (http is accepted for loopback addresses, or \
     for a host named in http.allow_plain_http)";

/// The hosts explicitly allowed plain HTTP, lower-cased.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlainHttpAllowance {
    hosts: Vec<String>,
}

impl PlainHttpAllowance {
    /// `ACCESSDESK_ALLOW_PLAIN_HTTP` replaces the file's list when set.
    pub(super) fn resolve(file: Option<Vec<String>>, env: &dyn Env) -> Self {
        let hosts: Vec<String> = match env.var("ACCESSDESK_ALLOW_PLAIN_HTTP") {
            Some(list) => list.split(',').map(str::to_string).collect(),
            None => file.unwrap_or_default(),
        };
        let mut hosts: Vec<String> = hosts
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| !h.is_empty())
            .collect();
        hosts.sort();
        hosts.dedup();
        Self { hosts }
    }

    /// The hosts, for `config show`.
    pub fn hosts(&self) -> &[String] {
        &self.hosts
    }

    /// Whether `url`'s scheme may be used: https anywhere, http to loopback or a listed host.
    /// An allowed non-loopback http URL adds a warning naming `key`.
    pub(super) fn permits(&self, key: &str, url: &Url, warnings: &mut Vec<String>) -> bool {
        let host = url.host_str().unwrap_or_default();
        match url.scheme() {
            "https" => !host.is_empty(),
            "http" if is_loopback_host(host) => true,
            "http" if self.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) => {
                warnings.push(format!(
                    "{key} is plain http to {host} (allowed by http.allow_plain_http): the \
                     token and every answer cross the network unencrypted; use https"
                ));
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn https_anywhere_http_only_to_loopback_by_default() {
        let none = PlainHttpAllowance::default();
        let mut warnings = Vec::new();
        assert!(none.permits("k", &url("https://example.okta.com"), &mut warnings));
        assert!(none.permits("k", &url("http://127.0.0.1:8080"), &mut warnings));
        assert!(none.permits("k", &url("http://[::1]:8080"), &mut warnings));
        assert!(none.permits("k", &url("http://localhost:8080"), &mut warnings));
        assert!(!none.permits("k", &url("http://example.okta.com"), &mut warnings));
        assert!(!none.permits("k", &url("ftp://example.okta.com"), &mut warnings));
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn a_listed_host_is_allowed_with_a_warning_and_no_other_is() {
        let env = [("ACCESSDESK_ALLOW_PLAIN_HTTP", " Okta-Lab.corp.example , ")];
        let allowance = PlainHttpAllowance::resolve(Some(vec!["ignored.example".into()]), &env);
        assert_eq!(allowance.hosts(), ["okta-lab.corp.example"]);
        let mut warnings = Vec::new();
        assert!(allowance.permits(
            "okta.org_url",
            &url("http://okta-lab.corp.example"),
            &mut warnings
        ));
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("okta.org_url"), "{}", warnings[0]);
        assert!(warnings[0].contains("unencrypted"), "{}", warnings[0]);
        // A look-alike is not the listed host.
        assert!(!allowance.permits(
            "okta.org_url",
            &url("http://okta-lab.corp.example.evil.test"),
            &mut warnings
        ));
        assert!(!allowance.permits(
            "okta.org_url",
            &url("http://ignored.example"),
            &mut warnings
        ));
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn the_file_list_is_used_when_the_environment_is_silent() {
        let allowance =
            PlainHttpAllowance::resolve(Some(vec!["lab.example".into()]), &[("X", "y")]);
        let mut warnings = Vec::new();
        assert!(allowance.permits("k", &url("http://lab.example:8080"), &mut warnings));
    }
}
