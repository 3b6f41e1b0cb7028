//! Which identity provider (`idp`, `ACCESSDESK_IDP`, `--idp`) and the `[pingone]` section,
//! read as Ping's own tools name things: `PINGONE_ENVIRONMENT_ID`, `PINGONE_CLIENT_ID`,
//! `PINGONE_CLIENT_SECRET`, `PINGONE_REGION_CODE`, plus `PINGONE_API_URL` / `PINGONE_AUTH_URL`
//! for other hosts (plain `http://` for loopback only, or a host in `http.allow_plain_http`).

use std::path::Path;

use secrecy::SecretString;
use serde::Deserialize;
use url::Url;

use super::plain_http::{HTTPS_ONLY, PlainHttpAllowance};
use super::{ConfigError, Env, Source, Sources};
use crate::idp::Provider;
use crate::idp::pingone::{ClientAuthMethod, PingOneSettings, Region};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FilePingOne {
    environment_id: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    region: Option<String>,
    api_url: Option<String>,
    auth_url: Option<String>,
    auth_method: Option<String>,
}

/// The PingOne settings as configured; [`PingOneConfig::settings`] says what is missing.
#[derive(Debug, Clone, Default)]
pub struct PingOneConfig {
    pub environment_id: Option<String>,
    pub client_id: Option<String>,
    /// Never printed: `SecretString`'s `Debug` redacts it.
    pub client_secret: Option<SecretString>,
    pub region: Region,
    pub api_url: Option<Url>,
    pub auth_url: Option<Url>,
    pub auth_method: ClientAuthMethod,
}

impl PingOneConfig {
    /// The client's settings, or a sentence naming what to set.
    pub fn settings(&self) -> Result<PingOneSettings, String> {
        let missing: Vec<&str> = [
            (self.environment_id.is_none(), "PINGONE_ENVIRONMENT_ID"),
            (self.client_id.is_none(), "PINGONE_CLIENT_ID"),
            (self.client_secret.is_none(), "PINGONE_CLIENT_SECRET"),
        ]
        .into_iter()
        .filter_map(|(absent, name)| absent.then_some(name))
        .collect();
        let (Some(env), Some(id), Some(secret)) =
            (&self.environment_id, &self.client_id, &self.client_secret)
        else {
            return Err(format!(
                "PingOne is not fully configured: set {} (the worker app's environment, client \
                 id and secret; environment_id and client_id can also go under [pingone] in the \
                 config file)",
                missing.join(", ")
            ));
        };
        let mut settings = PingOneSettings::new(env, id, secret.clone(), self.region);
        if let Some(url) = &self.api_url {
            settings.api_url = url.clone();
        }
        if let Some(url) = &self.auth_url {
            settings.auth_url = url.clone();
        }
        settings.auth_method = self.auth_method;
        Ok(settings)
    }
}

/// The provider, highest layer first: `--idp`, `ACCESSDESK_IDP`, the file's `idp`, Okta.
pub(super) fn resolve_provider(
    flag: Option<&str>,
    file: Option<&str>,
    env: &dyn Env,
    sources: &mut Sources,
) -> Result<Provider, ConfigError> {
    let (key, value, origin) = match (flag, env.var("ACCESSDESK_IDP"), file) {
        (Some(v), _, _) => ("--idp", v.to_string(), Some(Source::Flag("--idp"))),
        (None, Some(v), _) => ("ACCESSDESK_IDP", v, Some(Source::Env("ACCESSDESK_IDP"))),
        (None, None, Some(v)) => ("idp", v.to_string(), None),
        (None, None, None) => return Ok(Provider::default()),
    };
    if let Some(origin) = origin {
        sources.set("idp", origin);
    }
    Provider::parse(&value).ok_or_else(|| ConfigError::Invalid {
        key: key.to_string(),
        value,
        allowed: "okta or pingone".to_string(),
    })
}

/// `[pingone]` under the environment: each `PINGONE_*` variable wins over its file key.
/// Errors from file values come back unwrapped; the caller names the file.
pub(super) fn resolve(
    file: FilePingOne,
    env: &dyn Env,
    config_path: Option<&Path>,
    plain_http: &PlainHttpAllowance,
    sources: &mut Sources,
    warnings: &mut Vec<String>,
) -> Result<PingOneConfig, ConfigError> {
    let mut pick = |env_name: &'static str, key: &'static str, file_value: Option<String>| match env
        .var(env_name)
    {
        Some(v) => {
            sources.set(key, Source::Env(env_name));
            Some((env_name, v))
        }
        None => file_value.map(|v| (key, v)),
    };
    let environment_id = pick(
        "PINGONE_ENVIRONMENT_ID",
        "pingone.environment_id",
        file.environment_id,
    )
    .map(|(_, v)| v.trim().to_string());
    let client_id = pick("PINGONE_CLIENT_ID", "pingone.client_id", file.client_id)
        .map(|(_, v)| v.trim().to_string());
    let secret_in_file = file.client_secret.is_some();
    let client_secret = pick(
        "PINGONE_CLIENT_SECRET",
        "pingone.client_secret",
        file.client_secret,
    );
    if let Some(("pingone.client_secret", _)) = &client_secret
        && secret_in_file
        && let Some(path) = config_path
        && let Some(w) =
            super::secret_file_warning(path, "a client secret", "PINGONE_CLIENT_SECRET")
    {
        warnings.push(w);
    }
    let client_secret = client_secret.map(|(_, v)| SecretString::from(v));
    let region = match pick("PINGONE_REGION_CODE", "pingone.region", file.region) {
        Some((key, code)) => Region::from_code(&code).ok_or_else(|| ConfigError::Invalid {
            key: key.to_string(),
            value: code.clone(),
            allowed: "a PingOne region code: NA, EU, CA, AP, AU or SG".to_string(),
        })?,
        None => Region::default(),
    };
    let api_url = pick("PINGONE_API_URL", "pingone.api_url", file.api_url)
        .map(|(key, v)| parse_host_url(key, &v, "https://api.pingone.eu/v1", plain_http, warnings))
        .transpose()?;
    let auth_url = pick("PINGONE_AUTH_URL", "pingone.auth_url", file.auth_url)
        .map(|(key, v)| parse_host_url(key, &v, "https://auth.pingone.eu", plain_http, warnings))
        .transpose()?;
    let auth_method = match file.auth_method {
        Some(v) => ClientAuthMethod::parse(&v).ok_or_else(|| ConfigError::Invalid {
            key: "pingone.auth_method".to_string(),
            value: v.clone(),
            allowed: "client_secret_basic or client_secret_post".to_string(),
        })?,
        None => ClientAuthMethod::default(),
    };
    Ok(PingOneConfig {
        environment_id: environment_id.filter(|v| !v.is_empty()),
        client_id: client_id.filter(|v| !v.is_empty()),
        client_secret,
        region,
        api_url,
        auth_url,
        auth_method,
    })
}

/// An https URL (plain http to this machine only), without query.
fn parse_host_url(
    key: &str,
    value: &str,
    example: &str,
    plain_http: &PlainHttpAllowance,
    warnings: &mut Vec<String>,
) -> Result<Url, ConfigError> {
    let invalid = |allowed: String| ConfigError::Invalid {
        key: key.to_string(),
        value: value.to_string(),
        allowed,
    };
    let url = Url::parse(value.trim())
        .map_err(|e| invalid(format!("an https URL like {example} ({e})")))?;
    if !plain_http.permits(key, &url, warnings) {
        return Err(invalid(HTTPS_ONLY.to_string()));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(format!("a base URL like {example}, with no query")));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn resolved(file: FilePingOne, env: &dyn Env) -> Result<PingOneConfig, ConfigError> {
        resolve(
            file,
            env,
            None,
            &PlainHttpAllowance::default(),
            &mut Sources::default(),
            &mut Vec::new(),
        )
    }

    #[test]
    fn pings_own_variable_names_configure_the_client() {
        let env = [
            ("PINGONE_ENVIRONMENT_ID", "env-1"),
            ("PINGONE_CLIENT_ID", "client-1"),
            ("PINGONE_CLIENT_SECRET", "s3cret"),
            ("PINGONE_REGION_CODE", "eu"),
        ];
        let cfg = resolved(FilePingOne::default(), &env).unwrap();
        let s = cfg.settings().unwrap();
        assert_eq!(s.environment_id, "env-1");
        assert_eq!(s.client_secret.expose_secret(), "s3cret");
        assert_eq!(
            s.token_url().unwrap().as_str(),
            "https://auth.pingone.eu/env-1/as/token"
        );
        assert!(!format!("{cfg:?}").contains("s3cret"));
    }

    #[test]
    fn the_environment_wins_over_the_file_and_loopback_overrides_are_taken() {
        let file = FilePingOne {
            environment_id: Some("from-file".into()),
            client_id: Some("file-client".into()),
            auth_method: Some("client_secret_post".into()),
            ..FilePingOne::default()
        };
        let env = [
            ("PINGONE_ENVIRONMENT_ID", "from-env"),
            ("PINGONE_CLIENT_SECRET", "x"),
            ("PINGONE_API_URL", "http://127.0.0.1:9000/v1"),
            ("PINGONE_AUTH_URL", "http://127.0.0.1:9000"),
        ];
        let s = resolved(file, &env).unwrap().settings().unwrap();
        assert_eq!(s.environment_id, "from-env");
        assert_eq!(s.client_id, "file-client");
        assert_eq!(s.auth_method, ClientAuthMethod::ClientSecretPost);
        assert_eq!(
            s.environment_url().unwrap().as_str(),
            "http://127.0.0.1:9000/v1/environments/from-env"
        );
    }

    #[test]
    fn bad_values_say_what_is_allowed_and_missing_parts_are_named() {
        let err = resolved(FilePingOne::default(), &[("PINGONE_REGION_CODE", "US")])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("PINGONE_REGION_CODE") && err.contains("NA, EU"),
            "{err}"
        );
        let err = resolved(
            FilePingOne::default(),
            &[("PINGONE_API_URL", "http://api.pingone.eu/v1")],
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("loopback"), "{err}");
        let missing = resolved(FilePingOne::default(), &[("PINGONE_CLIENT_ID", "c")])
            .unwrap()
            .settings()
            .unwrap_err();
        assert!(
            missing.contains("PINGONE_ENVIRONMENT_ID")
                && missing.contains("PINGONE_CLIENT_SECRET")
                && !missing.contains("PINGONE_CLIENT_ID,"),
            "{missing}"
        );
    }

    #[test]
    fn the_provider_comes_from_the_flag_the_environment_or_the_file() {
        let mut sources = Sources::default();
        let pick = |flag, file, env: &dyn Env, sources: &mut Sources| {
            resolve_provider(flag, file, env, sources)
        };
        assert_eq!(
            pick(None, None, &[("X", "")], &mut sources).unwrap(),
            Provider::Okta
        );
        assert_eq!(
            pick(None, Some("pingone"), &[("X", "")], &mut sources).unwrap(),
            Provider::PingOne
        );
        assert_eq!(
            pick(
                Some("okta"),
                Some("pingone"),
                &[("ACCESSDESK_IDP", "pingone")],
                &mut sources
            )
            .unwrap(),
            Provider::Okta
        );
        let err = pick(None, None, &[("ACCESSDESK_IDP", "ping")], &mut sources)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("ACCESSDESK_IDP") && err.contains("okta or pingone"),
            "{err}"
        );
    }
}
