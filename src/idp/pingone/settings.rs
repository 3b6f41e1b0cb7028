//! What a PingOne client needs to know: the environment, the worker app and where the hosts are.

use secrecy::SecretString;
use url::Url;

use crate::idp::IdpError;

/// PingOne's regions, by the code Ping's own tools take (`PINGONE_REGION_CODE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Region {
    #[default]
    NorthAmerica,
    Europe,
    Canada,
    AsiaPacific,
    Australia,
    Singapore,
}

impl Region {
    pub const ALL: [Region; 6] = [
        Region::NorthAmerica,
        Region::Europe,
        Region::Canada,
        Region::AsiaPacific,
        Region::Australia,
        Region::Singapore,
    ];

    /// `NA`, `EU`, `CA`, `AP`, `AU`, `SG` (case-insensitive).
    pub fn from_code(code: &str) -> Option<Region> {
        let code = code.trim().to_ascii_uppercase();
        Region::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            Region::NorthAmerica => "NA",
            Region::Europe => "EU",
            Region::Canada => "CA",
            Region::AsiaPacific => "AP",
            Region::Australia => "AU",
            Region::Singapore => "SG",
        }
    }

    /// The hosts' top-level domain: `api.pingone.{tld}`, `auth.pingone.{tld}`.
    pub fn tld(self) -> &'static str {
        match self {
            Region::NorthAmerica => "com",
            Region::Europe => "eu",
            Region::Canada => "ca",
            Region::AsiaPacific => "asia",
            Region::Australia => "com.au",
            Region::Singapore => "sg",
        }
    }

    /// `https://api.pingone.{tld}/v1`
    pub fn api_url(self) -> Url {
        Url::parse(&format!("https://api.pingone.{}/v1", self.tld())).expect("a valid URL")
    }

    /// `https://auth.pingone.{tld}`
    pub fn auth_url(self) -> Url {
        Url::parse(&format!("https://auth.pingone.{}", self.tld())).expect("a valid URL")
    }
}

/// How the worker app authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientAuthMethod {
    /// HTTP Basic with the client id and secret (the worker app's default).
    #[default]
    ClientSecretBasic,
    /// `client_id` and `client_secret` as form fields.
    ClientSecretPost,
}

impl ClientAuthMethod {
    /// `client_secret_basic` or `client_secret_post`.
    pub fn parse(value: &str) -> Option<ClientAuthMethod> {
        match value.trim() {
            "client_secret_basic" => Some(ClientAuthMethod::ClientSecretBasic),
            "client_secret_post" => Some(ClientAuthMethod::ClientSecretPost),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ClientAuthMethod::ClientSecretBasic => "client_secret_basic",
            ClientAuthMethod::ClientSecretPost => "client_secret_post",
        }
    }
}

/// One PingOne environment reached through one worker app. `Debug` never shows the secret.
#[derive(Clone)]
pub struct PingOneSettings {
    pub environment_id: String,
    pub client_id: String,
    pub client_secret: SecretString,
    pub region: Region,
    /// The API base, `…/v1` (default from the region; `PINGONE_API_URL` or `pingone.api_url`).
    pub api_url: Url,
    /// The auth host (default from the region; `PINGONE_AUTH_URL` or `pingone.auth_url`).
    pub auth_url: Url,
    pub auth_method: ClientAuthMethod,
}

impl PingOneSettings {
    /// Settings for a region's public hosts.
    pub fn new(
        environment_id: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: SecretString,
        region: Region,
    ) -> Self {
        Self {
            environment_id: environment_id.into(),
            client_id: client_id.into(),
            client_secret,
            region,
            api_url: region.api_url(),
            auth_url: region.auth_url(),
            auth_method: ClientAuthMethod::default(),
        }
    }

    /// `{api_url}/environments/{envId}`, the base of every management call.
    pub fn environment_url(&self) -> Result<Url, IdpError> {
        let mut url = self.api_url.clone();
        url.path_segments_mut()
            .map_err(|_| IdpError::Invalid("the PingOne API URL cannot take a path".into()))?
            .pop_if_empty()
            .extend(["environments", &self.environment_id]);
        Ok(url)
    }

    /// `{auth_url}/{envId}/as/token`
    pub fn token_url(&self) -> Result<Url, IdpError> {
        let mut url = self.auth_url.clone();
        url.path_segments_mut()
            .map_err(|_| IdpError::Invalid("the PingOne auth URL cannot take a path".into()))?
            .pop_if_empty()
            .extend([self.environment_id.as_str(), "as", "token"]);
        Ok(url)
    }
}

impl std::fmt::Debug for PingOneSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PingOneSettings")
            .field("environment_id", &self.environment_id)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[REDACTED]")
            .field("region", &self.region.code())
            .field("api_url", &self.api_url.as_str())
            .field("auth_url", &self.auth_url.as_str())
            .field("auth_method", &self.auth_method.as_str())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_region_code_maps_to_its_domain() {
        let tlds: Vec<_> = ["NA", "EU", "CA", "AP", "AU", "SG"]
            .iter()
            .map(|c| Region::from_code(c).unwrap().tld())
            .collect();
        assert_eq!(tlds, ["com", "eu", "ca", "asia", "com.au", "sg"]);
        assert_eq!(Region::from_code("eu"), Some(Region::Europe));
        assert_eq!(Region::from_code("US"), None);
        assert_eq!(
            Region::Australia.api_url().as_str(),
            "https://api.pingone.com.au/v1"
        );
    }

    #[test]
    fn urls_are_built_under_the_environment() {
        let s = PingOneSettings::new("env-1", "client-1", "s3cret".into(), Region::Europe);
        assert_eq!(
            s.environment_url().unwrap().as_str(),
            "https://api.pingone.eu/v1/environments/env-1"
        );
        assert_eq!(
            s.token_url().unwrap().as_str(),
            "https://auth.pingone.eu/env-1/as/token"
        );
        let debug = format!("{s:?}");
        assert!(!debug.contains("s3cret"), "{debug}");
    }
}
