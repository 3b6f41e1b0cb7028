//! An Okta-compatible simulator: a seeded organisation served over Okta's
//! management API shapes (users, System Log, factors, groups, password
//! policies), with realistic lockout traffic, rate limits and injectable
//! faults. It backs `accessdesk sim`, `accessdesk demo` and the client tests.
//!
//! `org/` is the seeded organisation (people, factors, groups, policies, push habits, codes),
//! `state/` what happens to it (lifecycle, MFA, the event log), `traffic/` the lockout
//! generator, `okta/` Okta's wire format over HTTP, and `server/` the listener, the control
//! endpoints and injected faults; `tickets/` the help desk's ServiceNow and Jira beside the IdP.
//! `training` is the demo's view of the simulated phones.

mod error;
pub mod filter;
mod okta;
mod org;
mod pingone;
mod server;
mod state;
pub mod tickets;
mod traffic;
pub mod training;

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::idp::Provider;

pub use error::SimError;
pub use okta::event_hooks::HookDelivery;
pub use org::push::PushBehaviour;
pub use server::fault_rates::{FaultRate, FaultRates, FaultSpecError, FaultTally, RateFault};
pub use server::faults::{Fault, FaultKind};
pub use server::{SimHandle, start};
pub use training::TrainingHandle;

pub(crate) const DEFAULT_LOCKOUTS_PER_MINUTE: f64 = 6.0;

/// How to run the simulator.
#[derive(Clone)]
pub struct SimConfig {
    /// Which provider's API to serve (Okta's, or one PingOne environment's).
    pub provider: Provider,
    /// Okta: the API token clients must send as `Authorization: SSWS <token>`.
    /// PingOne: the worker app's client secret.
    pub token: String,
    pub seed: u64,
    /// How many users to create (at least one: the admin who owns the token).
    pub users: usize,
    /// Average lockouts per minute; 0 turns the sign-in traffic off.
    pub lockouts_per_minute: f64,
    /// Average password changes per hour in the traffic; `None` is 1 % of the users a day,
    /// spread evenly (passwords that live 45 to 90 days turn over about that fast); 0 turns
    /// them off.
    pub password_changes_per_hour: Option<f64>,
    /// Expose the `/__sim/*` control endpoints.
    pub control: bool,
    /// Pre-seed about two hours of past events so a fresh dashboard is not empty
    /// (at the default rate when `lockouts_per_minute` is 0, at most 30 a minute).
    pub history: bool,
    pub rate_limits: RateBudgets,
    /// Length of a rate-limit window (60 s like Okta; tests shorten it).
    pub rate_limit_window: Duration,
    /// How long a push challenge waits for an answer before it ends in `TIMEOUT`.
    pub push_timeout: Duration,
    /// When set, every user answers a push after exactly this long instead of
    /// their seeded 2–5 s (tests shorten it).
    pub push_delay: Option<Duration>,
    /// The org requires Okta Verify number matching: every push carries a number the caller
    /// must pick on the phone (`_embedded.challenge.correctAnswer`).
    pub number_challenge: bool,
    /// PingOne: how long an access token from `/{envId}/as/token` is accepted (`expires_in`).
    pub token_lifetime: Duration,
    /// Faults by rate (`sim --faults`), rolled per API request from a die seeded with `seed`;
    /// empty by default.
    pub fault_rates: FaultRates,
}

impl SimConfig {
    /// The password-change rate in effect (per hour): the configured one, else 1 % of the
    /// users a day.
    pub fn password_change_rate(&self) -> f64 {
        let rate = self
            .password_changes_per_hour
            .unwrap_or(self.users.max(1) as f64 / 100.0 / 24.0);
        if rate.is_finite() { rate.max(0.0) } else { 0.0 }
    }

    pub fn new(token: impl Into<String>) -> Self {
        Self {
            provider: Provider::Okta,
            token: token.into(),
            seed: 42,
            users: 500,
            lockouts_per_minute: DEFAULT_LOCKOUTS_PER_MINUTE,
            password_changes_per_hour: None,
            control: false,
            history: true,
            rate_limits: RateBudgets::default(),
            rate_limit_window: Duration::from_secs(60),
            push_timeout: Duration::from_secs(60),
            push_delay: None,
            number_challenge: false,
            token_lifetime: Duration::from_secs(3600),
            fault_rates: FaultRates::default(),
        }
    }
}

// The token stays out of debug output and logs.
impl std::fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimConfig")
            .field("provider", &self.provider)
            .field("token", &"<redacted>")
            .field("seed", &self.seed)
            .field("users", &self.users)
            .field("lockouts_per_minute", &self.lockouts_per_minute)
            .field("password_changes_per_hour", &self.password_changes_per_hour)
            .field("control", &self.control)
            .field("history", &self.history)
            .field("rate_limits", &self.rate_limits)
            .field("rate_limit_window", &self.rate_limit_window)
            .field("push_timeout", &self.push_timeout)
            .field("push_delay", &self.push_delay)
            .field("number_challenge", &self.number_challenge)
            .field("token_lifetime", &self.token_lifetime)
            .field("fault_rates", &self.fault_rates.to_string())
            .finish()
    }
}

/// Requests allowed per window for each of Okta's endpoint families
/// (defaults: Okta's documented Workforce limits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateBudgets {
    /// `/api/v1/logs`
    pub logs: u32,
    /// `GET`/`POST /api/v1/users`
    pub users_list: u32,
    /// `GET /api/v1/users/{idOrLogin}`
    pub user_get: u32,
    /// `POST`/`PUT`/`DELETE /api/v1/users/{id}` and everything beneath it
    /// (lifecycle operations, factor unenroll/verify, push cancel).
    pub users_write: u32,
    /// Everything else under `/api/v1`, including factor and push-transaction reads.
    pub default: u32,
}

impl Default for RateBudgets {
    fn default() -> Self {
        Self {
            logs: 120,
            users_list: 600,
            user_get: 2000,
            users_write: 600,
            default: 1200,
        }
    }
}

/// A lockout written on request (`SimHandle::lock_user`, `POST /__sim/lockouts`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InjectedLockout {
    /// The `user.account.lock` event's `uuid`.
    pub uuid: String,
    /// The event's `published` time (millisecond precision).
    pub published: DateTime<Utc>,
    pub user_id: String,
    pub login: String,
}

/// A lockout in the simulator's System Log (`SimHandle::logged_lockouts`, `GET /__sim/lockouts`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoggedLockout {
    /// The event's `uuid`.
    pub uuid: String,
    /// `user.account.lock`, or `user.session.start` refused with `LOCKED_OUT`.
    pub event_type: String,
    pub published: DateTime<Utc>,
    /// The actor's login.
    pub login: String,
}

/// Where a running simulator's API lives and, for PingOne, which environment and worker app
/// it serves (`GET /__sim/info`, `SimHandle::info`). Okta: both URLs are the base URL and the
/// PingOne ids are `null`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimInfo {
    pub provider: Provider,
    /// Okta: `http://127.0.0.1:PORT`; PingOne: `http://127.0.0.1:PORT/v1`.
    pub api_url: String,
    /// Where tokens (and PingOne's device authentications) are asked for.
    pub auth_url: String,
    pub environment_id: Option<String>,
    /// The worker app's client id (its secret is `SimConfig::token`).
    pub client_id: Option<String>,
}

/// One API request as the simulator received it (Okta's `/api/v1`; PingOne's `/v1`, device
/// authentications and token requests).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    /// The raw query string, without `?`.
    pub query: Option<String>,
}
