//! What the listener needs to serve the organisation as a PingOne environment: the
//! environment (ids and the UUID index), how long access tokens live, and the tokens issued.

use std::sync::Mutex;
use std::time::Duration;

use super::access_tokens::AccessTokens;
use super::environment::Environment;

pub(crate) struct PingOne {
    pub env: Environment,
    pub token_lifetime: Duration,
    pub tokens: Mutex<AccessTokens>,
}

impl PingOne {
    pub fn new(env: Environment, token_lifetime: Duration) -> Self {
        Self {
            env,
            token_lifetime,
            tokens: Mutex::new(AccessTokens::default()),
        }
    }
}
