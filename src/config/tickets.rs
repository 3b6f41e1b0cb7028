//! `[tickets]`, `[tickets.servicenow]` and `[tickets.jira]`: which ticketing system the gate
//! checks tickets against. Setting `SERVICENOW_URL` or `JIRA_URL` selects that system; the
//! password, OAuth client secret and API token come from the environment only.

use secrecy::SecretString;
use serde::Deserialize;
use url::Url;

use super::plain_http::{HTTPS_ONLY, PlainHttpAllowance};
use super::{ConfigError, Env};
use crate::tickets::{
    JiraSettings, ServiceNowAuth, ServiceNowSettings, TicketProvider, TicketSettings,
};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileTickets {
    provider: Option<String>,
    require_caller: Option<bool>,
    resolve_on_success: Option<bool>,
    #[serde(default)]
    servicenow: FileServiceNow,
    #[serde(default)]
    jira: FileJira,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileServiceNow {
    url: Option<String>,
    username: Option<String>,
    oauth_client_id: Option<String>,
    open_states: Option<Vec<String>>,
    category: Option<String>,
    assignment_group: Option<String>,
    close_code: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileJira {
    url: Option<String>,
    user: Option<String>,
    service_desk_id: Option<String>,
    request_type_id: Option<String>,
    open_statuses: Option<Vec<String>>,
    resolve_transition: Option<String>,
}

fn invalid(key: &str, value: &str, allowed: &str) -> ConfigError {
    ConfigError::Invalid {
        key: key.to_string(),
        value: value.to_string(),
        allowed: allowed.to_string(),
    }
}

/// A setting the chosen system cannot work without.
fn missing(system: &str, what: &str, how: &str) -> ConfigError {
    invalid(
        &format!("tickets.{system}"),
        "",
        &format!("{what} is required: {how}"),
    )
}

impl FileTickets {
    pub(super) fn resolve(
        self,
        env: &dyn Env,
        plain_http: &PlainHttpAllowance,
        warnings: &mut Vec<String>,
    ) -> Result<TicketSettings, ConfigError> {
        let servicenow_url = env
            .var("SERVICENOW_URL")
            .map(|v| ("SERVICENOW_URL", v))
            .or_else(|| {
                self.servicenow
                    .url
                    .clone()
                    .map(|v| ("tickets.servicenow.url", v))
            });
        let jira_url = env
            .var("JIRA_URL")
            .map(|v| ("JIRA_URL", v))
            .or_else(|| self.jira.url.clone().map(|v| ("tickets.jira.url", v)));
        let provider = match (
            env.var("SERVICENOW_URL"),
            env.var("JIRA_URL"),
            &self.provider,
        ) {
            (Some(_), Some(_), _) => {
                return Err(invalid(
                    "SERVICENOW_URL",
                    "",
                    "only one ticketing system at a time: unset SERVICENOW_URL or JIRA_URL",
                ));
            }
            (Some(_), None, _) => Some(TicketProvider::ServiceNow),
            (None, Some(_), _) => Some(TicketProvider::Jira),
            (None, None, None) => None,
            (None, None, Some(p)) => match p.trim().to_ascii_lowercase().as_str() {
                "none" | "" => None,
                "servicenow" => Some(TicketProvider::ServiceNow),
                "jira" => Some(TicketProvider::Jira),
                _ => return Err(invalid("tickets.provider", p, "none, servicenow or jira")),
            },
        };
        let url = |raw: Option<(&str, String)>,
                   system: &str,
                   example: &str,
                   warnings: &mut Vec<String>| {
            let (key, value) = raw.ok_or_else(|| {
                missing(
                    system,
                    "the instance URL",
                    &format!(
                        "set {}_URL or tickets.{system}.url (like {example})",
                        system.to_uppercase()
                    ),
                )
            })?;
            let url = Url::parse(value.trim())
                .map_err(|e| invalid(key, &value, &format!("a URL like {example} ({e})")))?;
            if !plain_http.permits(key, &url, warnings) {
                return Err(invalid(key, &value, HTTPS_ONLY));
            }
            if url.query().is_some() || url.fragment().is_some() {
                return Err(invalid(
                    key,
                    &value,
                    &format!("a base URL like {example}, with no query"),
                ));
            }
            Ok(url)
        };
        let mut settings = TicketSettings {
            provider,
            require_caller: self.require_caller.unwrap_or(true),
            resolve_on_success: self.resolve_on_success.unwrap_or(false),
            servicenow: None,
            jira: None,
        };
        match provider {
            None => {}
            Some(TicketProvider::ServiceNow) => {
                let file = self.servicenow;
                let url = url(
                    servicenow_url,
                    "servicenow",
                    "https://example.service-now.com",
                    warnings,
                )?;
                let username = env
                    .var("SERVICENOW_USERNAME")
                    .or(file.username)
                    .filter(|u| !u.trim().is_empty())
                    .ok_or_else(|| {
                        missing(
                            "servicenow",
                            "the integration user",
                            "set SERVICENOW_USERNAME or tickets.servicenow.username",
                        )
                    })?;
                let password = env
                    .var("SERVICENOW_PASSWORD")
                    .map(SecretString::from)
                    .ok_or_else(|| {
                        missing(
                            "servicenow",
                            "the integration user's password",
                            "set SERVICENOW_PASSWORD (environment only)",
                        )
                    })?;
                let client_id = env.var("SERVICENOW_CLIENT_ID").or(file.oauth_client_id);
                let auth = match client_id {
                    None => ServiceNowAuth::Basic { username, password },
                    Some(client_id) => ServiceNowAuth::OAuth {
                        client_secret: env
                            .var("SERVICENOW_CLIENT_SECRET")
                            .map(SecretString::from)
                            .ok_or_else(|| {
                                missing("servicenow", "the OAuth client secret", "set SERVICENOW_CLIENT_SECRET (environment only), or drop the client id to use basic auth")
                            })?,
                        client_id,
                        username,
                        password,
                    },
                };
                settings.servicenow = Some(ServiceNowSettings {
                    url,
                    auth,
                    open_states: file.open_states.unwrap_or_default(),
                    category: file.category.unwrap_or_else(|| "inquiry".to_string()),
                    assignment_group: file.assignment_group.filter(|g| !g.trim().is_empty()),
                    close_code: file
                        .close_code
                        .unwrap_or_else(|| "Solved (Permanently)".to_string()),
                });
            }
            Some(TicketProvider::Jira) => {
                let file = self.jira;
                let url = url(jira_url, "jira", "https://example.atlassian.net", warnings)?;
                let user = env
                    .var("JIRA_USER")
                    .or(file.user)
                    .filter(|u| !u.trim().is_empty())
                    .ok_or_else(|| {
                        missing(
                            "jira",
                            "the agent account",
                            "set JIRA_USER or tickets.jira.user",
                        )
                    })?;
                let api_token = env
                    .var("JIRA_API_TOKEN")
                    .map(SecretString::from)
                    .ok_or_else(|| {
                        missing(
                            "jira",
                            "the API token",
                            "set JIRA_API_TOKEN (environment only)",
                        )
                    })?;
                settings.jira = Some(JiraSettings {
                    url,
                    user,
                    api_token,
                    service_desk_id: file.service_desk_id.unwrap_or_else(|| "1".to_string()),
                    request_type_id: file.request_type_id.unwrap_or_else(|| "1".to_string()),
                    open_statuses: file.open_statuses.unwrap_or_default(),
                    resolve_transition: file.resolve_transition.filter(|t| !t.trim().is_empty()),
                });
            }
        }
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn resolve(toml: &str, env: &dyn Env) -> Result<TicketSettings, ConfigError> {
        let file: FileTickets = toml::from_str(toml).unwrap();
        file.resolve(env, &PlainHttpAllowance::default(), &mut Vec::new())
    }

    #[test]
    fn nothing_configured_keeps_the_pattern_check() {
        let s = resolve("", &[("X", "y")]).unwrap();
        assert_eq!(s.provider, None);
        assert!(s.require_caller);
        let s = resolve("provider = \"none\"\n", &[("X", "y")]).unwrap();
        assert_eq!(s.provider, None);
    }

    #[test]
    fn servicenow_url_selects_servicenow_with_basic_auth_from_the_environment() {
        let env = [
            ("SERVICENOW_URL", "http://127.0.0.1:7777"),
            ("SERVICENOW_USERNAME", "accessdesk"),
            ("SERVICENOW_PASSWORD", "pw"),
        ];
        let s = resolve("[servicenow]\nassignment_group = \"Service Desk\"\n", &env).unwrap();
        assert_eq!(s.provider, Some(TicketProvider::ServiceNow));
        let sn = s.servicenow.unwrap();
        assert_eq!(sn.url.as_str(), "http://127.0.0.1:7777/");
        assert_eq!(sn.assignment_group.as_deref(), Some("Service Desk"));
        assert_eq!(sn.category, "inquiry");
        match sn.auth {
            ServiceNowAuth::Basic { username, password } => {
                assert_eq!(username, "accessdesk");
                assert_eq!(password.expose_secret(), "pw");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_oauth_client_id_switches_servicenow_to_oauth_and_needs_its_secret() {
        let mut env = vec![
            ("SERVICENOW_URL", "https://x.service-now.com"),
            ("SERVICENOW_USERNAME", "accessdesk"),
            ("SERVICENOW_PASSWORD", "pw"),
            ("SERVICENOW_CLIENT_ID", "cid"),
        ];
        let err = resolve("", &EnvList(&env)).unwrap_err().to_string();
        assert!(err.contains("SERVICENOW_CLIENT_SECRET"), "{err}");
        env.push(("SERVICENOW_CLIENT_SECRET", "cs"));
        let sn = resolve("", &EnvList(&env)).unwrap().servicenow.unwrap();
        assert!(
            matches!(sn.auth, ServiceNowAuth::OAuth { ref client_id, .. } if client_id == "cid")
        );
    }

    #[test]
    fn jira_url_selects_jira_and_the_token_is_required() {
        let err = resolve(
            "",
            &[
                ("JIRA_URL", "https://x.atlassian.net"),
                ("JIRA_USER", "a@x"),
            ],
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("JIRA_API_TOKEN"), "{err}");
        let s = resolve(
            "[jira]\nservice_desk_id = \"4\"\nrequest_type_id = \"27\"\n",
            &[
                ("JIRA_URL", "https://x.atlassian.net"),
                ("JIRA_USER", "a@x"),
                ("JIRA_API_TOKEN", "t"),
            ],
        )
        .unwrap();
        assert_eq!(s.provider, Some(TicketProvider::Jira));
        let jira = s.jira.unwrap();
        assert_eq!(
            (jira.service_desk_id.as_str(), jira.request_type_id.as_str()),
            ("4", "27")
        );
    }

    #[test]
    fn bad_choices_say_what_is_allowed() {
        let both = [("SERVICENOW_URL", "https://a"), ("JIRA_URL", "https://b")];
        assert!(
            resolve("", &both)
                .unwrap_err()
                .to_string()
                .contains("only one")
        );
        let err = resolve("provider = \"remedy\"\n", &[("X", "y")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("none, servicenow or jira"), "{err}");
        let err = resolve("provider = \"servicenow\"\n", &[("X", "y")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("SERVICENOW_URL"), "{err}");
        let err = resolve(
            "",
            &[
                ("SERVICENOW_URL", "http://snow.example"),
                ("SERVICENOW_USERNAME", "u"),
                ("SERVICENOW_PASSWORD", "p"),
            ],
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("https"), "{err}");
    }

    /// An environment from a list built at run time.
    struct EnvList<'a>(&'a [(&'a str, &'a str)]);

    impl Env for EnvList<'_> {
        fn var(&self, key: &str) -> Option<String> {
            self.0
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.to_string())
        }
    }
}
