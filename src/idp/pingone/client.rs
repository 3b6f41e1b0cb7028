//! The HTTP core: worker-app token (cached, refreshed before expiry and once on a 401),
//! PingOne's error body into `IdpError`, 429 with `Retry-After`, GETs retried on 5xx.

use crate::idp::{ClientOptions, IdpError};

use super::PingOneSettings;

/// One PingOne environment's management API, through a worker app.
pub struct PingOneClient {
    settings: PingOneSettings,
    options: ClientOptions,
}

impl std::fmt::Debug for PingOneClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PingOneClient")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl PingOneClient {
    /// No request is made until the first call (which fetches the token).
    pub fn new(settings: PingOneSettings, options: ClientOptions) -> Result<Self, IdpError> {
        let _ = (&settings, &options);
        unimplemented!("contract")
    }

    pub fn settings(&self) -> &PingOneSettings {
        &self.settings
    }

    pub fn options(&self) -> &ClientOptions {
        &self.options
    }
}
