//! The simulator's mutable world (organisation, System Log, RNG, push
//! transactions, sent codes) and the state shared with request handlers, plus
//! the operations that change users and write the matching events (admin
//! lifecycle operations are in `lifecycle`, factor operations in `mfa`).

pub(crate) mod history;
pub(crate) mod lifecycle;
pub(crate) mod log;
pub(crate) mod membership;
pub(crate) mod mfa;
pub(crate) mod passwords;

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde_json::Value;
use tokio::sync::watch;

use crate::model::UserStatus;
use crate::sim::okta::admin_events::{AdminAction, AdminCall, admin_event};
use crate::sim::okta::api_error::ApiError;
use crate::sim::okta::events::{self, LockScope, Origin, SignIn};
use crate::sim::okta::rate_limit::RateLimiter;
use crate::sim::org::Org;
use crate::sim::org::codes::SentCode;
use crate::sim::org::factors::{Factor, FactorKind};
use crate::sim::org::ids::trunc_ms;
use crate::sim::org::push::{PushBehaviour, PushTxn};
use crate::sim::org::user::SimUser;
use crate::sim::pingone::device_auth::DeviceAuth;
use crate::sim::pingone::devices::device_of_factor;
use crate::sim::pingone::served::PingOne;
use crate::sim::server::fault_rates::FaultDice;
use crate::sim::server::faults::{FaultKind, FaultQueue};
use crate::sim::{InjectedLockout, RecordedRequest, SimError};
use history::{Actor, History, OrgEvent, What};
use log::EventLog;
use mfa::KnownCode;

/// A poisoned lock only means another request panicked; the data is still usable.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// How many recent `/api/v1` requests the simulator remembers for `requests()`.
pub(crate) const MAX_RECORDED_REQUESTS: usize = 100_000;

pub(crate) struct Shared {
    pub token: String,
    pub control: bool,
    pub addr: SocketAddr,
    pub state: Mutex<State>,
    pub limiter: Mutex<RateLimiter>,
    pub faults: Mutex<FaultQueue>,
    /// Faults by rate (`SimConfig::fault_rates`), rolled when no queued fault applies.
    pub fault_dice: Mutex<FaultDice>,
    /// The newest [`MAX_RECORDED_REQUESTS`] requests, oldest first.
    pub requests: Mutex<VecDeque<RecordedRequest>>,
    /// Turns true on shutdown, so background timers stop with the server.
    pub stopped: watch::Receiver<bool>,
    /// Set when the simulator serves PingOne: the environment and its access tokens.
    pub pingone: Option<PingOne>,
    /// Odd JSON a test planted (`/__sim/planted`), served after the org's own.
    pub planted: Mutex<crate::sim::server::planted::Planted>,
    /// The ticket queue ServiceNow's and Jira's routes serve.
    pub desk: Mutex<crate::sim::tickets::desk::Desk>,
    /// Registered Okta event hooks and what was delivered to them.
    pub hooks: Mutex<crate::sim::okta::event_hooks::EventHooks>,
}

impl Shared {
    /// The fault an API request to `path` meets: the first queued one that applies, else
    /// what the seeded die says.
    pub fn fault_for(&self, path: &str) -> Option<FaultKind> {
        lock(&self.faults)
            .take(path)
            .or_else(|| lock(&self.fault_dice).roll())
    }

    /// Remembers a request for `SimHandle::requests` (bounded, so a demo left running for days
    /// does not grow without limit).
    pub fn record(&self, request: RecordedRequest) {
        let mut requests = lock(&self.requests);
        if requests.len() == MAX_RECORDED_REQUESTS {
            requests.pop_front();
        }
        requests.push_back(request);
    }

    /// Locks the user (by login or id) now and writes the `user.account.lock`
    /// event. An injection is forced: it applies whatever the user's status,
    /// so tests can pick any seeded login.
    pub fn lock_user(&self, key: &str) -> Result<InjectedLockout, SimError> {
        let mut guard = lock(&self.state);
        let state = &mut *guard;
        let user = state
            .org
            .find(key)
            .ok_or_else(|| SimError::UnknownUser(key.to_string()))?;
        let origin = Origin::usual(&state.org.users[user], &mut state.rng);
        let now = Utc::now();
        Ok(state.lock_out(user, &origin, now, now))
    }

    /// Locks the user (by login or id) out of new devices only, now: the event says so and
    /// the user stays as they were.
    pub fn lock_user_new_devices(&self, key: &str) -> Result<InjectedLockout, SimError> {
        let mut guard = lock(&self.state);
        let state = &mut *guard;
        let user = state
            .org
            .find(key)
            .ok_or_else(|| SimError::UnknownUser(key.to_string()))?;
        let origin = Origin::usual(&state.org.users[user], &mut state.rng);
        let now = Utc::now();
        Ok(state.lock_out_new_devices(user, &origin, now, now))
    }

    /// The user (by login or id) changes their password now, from one of their usual places.
    pub fn change_password(&self, key: &str) -> Result<(), SimError> {
        let mut guard = lock(&self.state);
        let state = &mut *guard;
        let user = state
            .org
            .find(key)
            .ok_or_else(|| SimError::UnknownUser(key.to_string()))?;
        let origin = Origin::usual(&state.org.users[user], &mut state.password_rng);
        let now = Utc::now();
        state.change_password(user, &origin, now, now);
        Ok(())
    }

    /// Adds the user to (or removes them from) the named group now.
    pub fn membership(&self, key: &str, group: &str, add: bool) -> Result<(), SimError> {
        let mut state = lock(&self.state);
        let user = state
            .org
            .find(key)
            .ok_or_else(|| SimError::UnknownUser(key.to_string()))?;
        if add {
            state.add_to_group(user, group, Utc::now())
        } else {
            state.remove_from_group(user, group, Utc::now())
        }
    }

    /// Logins of ACTIVE users with an ACTIVE push factor who answer pushes this way.
    pub fn users_with_push(&self, behaviour: PushBehaviour) -> Vec<String> {
        let state = lock(&self.state);
        state
            .org
            .users
            .iter()
            .filter(|u| {
                u.status == UserStatus::Active
                    && u.push.behaviour == behaviour
                    && u.factors
                        .iter()
                        .any(|f| f.kind == FactorKind::Push && f.status == "ACTIVE")
            })
            .map(|u| u.login().to_string())
            .collect()
    }

    pub fn set_push_behaviour(&self, key: &str, behaviour: PushBehaviour) -> Result<(), SimError> {
        let mut state = lock(&self.state);
        let user = state
            .org
            .find(key)
            .ok_or_else(|| SimError::UnknownUser(key.to_string()))?;
        state.org.users[user].push.behaviour = behaviour;
        Ok(())
    }

    /// The code for the user's factor or PingOne device (see `State::last_code`).
    pub fn last_code(&self, key: &str, factor_id: &str) -> Option<String> {
        let state = lock(&self.state);
        let user = state.org.find(key)?;
        state.last_code(user, factor_id, Utc::now())
    }

    /// The codes the simulator knows for the user's factors (see `State::known_codes`).
    pub fn known_codes(&self, key: &str) -> Result<Vec<KnownCode>, SimError> {
        let state = lock(&self.state);
        let user = state
            .org
            .find(key)
            .ok_or_else(|| SimError::UnknownUser(key.to_string()))?;
        Ok(state.known_codes(user, Utc::now()))
    }
}

/// The API request an admin operation arrived in, for its events.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ApiRequest<'a> {
    /// Its `X-Okta-Request-Id`.
    pub id: &'a str,
    pub user_agent: &'a str,
    pub path: &'a str,
}

/// Push timings from `SimConfig`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PushSettings {
    pub timeout: Duration,
    /// Overrides every user's seeded answer delay.
    pub delay: Option<Duration>,
    /// The org requires number matching on every push.
    pub number_challenge: bool,
    /// A trainee holds the phones (the demo's training panel is open): pushes wait for their
    /// answer instead of the seeded one.
    pub held: bool,
}

impl Default for PushSettings {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(60),
            delay: None,
            number_challenge: false,
            held: false,
        }
    }
}

pub(crate) struct State {
    pub org: Org,
    pub log: EventLog,
    /// Ids and event details; seeded so history is reproducible.
    pub rng: ChaCha8Rng,
    /// Who `change_passwords` picks; its own stream, so live traffic does not move it.
    pub password_rng: ChaCha8Rng,
    pub push: PushSettings,
    /// Push challenges by transaction id.
    pub pushes: HashMap<String, PushTxn>,
    /// The last code sent to each SMS / email factor, by factor id.
    pub codes: HashMap<String, SentCode>,
    /// What happened, provider-neutral, beside the Okta log (see `history`).
    pub history: History,
    /// PingOne device authentications by id.
    pub device_auths: HashMap<String, DeviceAuth>,
}

impl State {
    pub fn new(org: Org, seed: u64) -> State {
        State {
            org,
            log: EventLog::default(),
            rng: ChaCha8Rng::seed_from_u64(seed ^ 0x5EED_0E7E_4175),
            password_rng: ChaCha8Rng::seed_from_u64(seed ^ 0x9A55_C4A6_E500),
            push: PushSettings::default(),
            pushes: HashMap::new(),
            codes: HashMap::new(),
            history: History::new(seed),
            device_auths: HashMap::new(),
        }
    }

    pub(crate) fn append(
        &mut self,
        event: Value,
        published: DateTime<Utc>,
        persisted: DateTime<Utc>,
    ) {
        self.log.append(event, published, persisted);
    }

    /// Writes the event of an admin operation on `user` (and `factor`), made now.
    pub(crate) fn log_admin(
        &mut self,
        action: AdminAction,
        user: usize,
        factor: Option<&Factor>,
        request: &ApiRequest,
        at: DateTime<Utc>,
    ) {
        self.log_admin_call(request, at, |rng, call, users| {
            admin_event(rng, at, action, call, &users[user], factor)
        });
    }

    /// Writes the event of a call the org's admin made through the API for `request`, made
    /// now: `event` builds it from the seeded generator, the call and the org's users.
    pub(crate) fn log_admin_call(
        &mut self,
        request: &ApiRequest,
        at: DateTime<Utc>,
        event: impl FnOnce(&mut ChaCha8Rng, &AdminCall, &[SimUser]) -> Value,
    ) {
        let admin = &self.org.users[self.org.admin];
        let origin = Origin::api_call(admin, request.user_agent);
        let call = AdminCall {
            admin,
            origin: &origin,
            request_id: request.id,
            path: request.path,
        };
        let event = event(&mut self.rng, &call, &self.org.users);
        self.log.append(event, at, at);
    }

    /// The code the simulator knows for the user's factor (by Okta factor id) or PingOne
    /// device (by device id; a MOBILE device's is its Okta Verify TOTP).
    pub fn last_code(&self, user: usize, id: &str, now: DateTime<Utc>) -> Option<String> {
        let owner = &self.org.users[user];
        self.known_codes(user, now)
            .into_iter()
            .find(|c| {
                c.factor_id == id || device_of_factor(owner, &c.factor_id).as_deref() == Some(id)
            })
            .map(|c| c.code)
    }

    /// Locks the account and writes `user.account.lock`, published at `at`.
    pub fn lock_out(
        &mut self,
        user: usize,
        origin: &Origin,
        at: DateTime<Utc>,
        persisted: DateTime<Utc>,
    ) -> InjectedLockout {
        self.lock(user, origin, LockScope::AllDevices, at, persisted)
    }

    /// Identity Engine's "Account Locked from New Devices": writes `user.account.lock`,
    /// published at `at`, and leaves the user `ACTIVE` (known devices still sign in).
    pub fn lock_out_new_devices(
        &mut self,
        user: usize,
        origin: &Origin,
        at: DateTime<Utc>,
        persisted: DateTime<Utc>,
    ) -> InjectedLockout {
        self.lock(user, origin, LockScope::NewDevices, at, persisted)
    }

    fn lock(
        &mut self,
        user: usize,
        origin: &Origin,
        scope: LockScope,
        at: DateTime<Utc>,
        persisted: DateTime<Utc>,
    ) -> InjectedLockout {
        let at = trunc_ms(at);
        if scope == LockScope::AllDevices {
            self.org.users[user].set_status(UserStatus::LockedOut, at);
        }
        let event = events::account_lock(&mut self.rng, at, &self.org.users[user], origin, scope);
        let lockout = InjectedLockout {
            uuid: event["uuid"].as_str().unwrap_or_default().to_string(),
            published: at,
            user_id: self.org.users[user].id.clone(),
            login: self.org.users[user].login().to_string(),
        };
        let by_user = OrgEvent::new(user, What::Locked, Actor::User, at);
        self.history
            .record(by_user.from(origin).recorded(persisted));
        self.append(event, at, persisted);
        lockout
    }

    /// A sign-in attempt; success records `lastLogin`.
    pub fn sign_in(
        &mut self,
        user: usize,
        origin: &Origin,
        kind: SignIn,
        at: DateTime<Utc>,
        persisted: DateTime<Utc>,
    ) {
        let at = trunc_ms(at);
        if kind == SignIn::Success {
            self.org.users[user].last_login = Some(at);
        }
        let event = events::sign_in(&mut self.rng, at, &self.org.users[user], origin, kind);
        let what = match kind {
            SignIn::Success => What::SignedIn,
            SignIn::BadPassword => What::FailedPassword,
            SignIn::LockedOut => What::SignInWhileLocked,
        };
        let by_user = OrgEvent::new(user, what, Actor::User, at);
        self.history
            .record(by_user.from(origin).recorded(persisted));
        self.append(event, at, persisted);
    }

    pub fn mfa(
        &mut self,
        user: usize,
        origin: &Origin,
        at: DateTime<Utc>,
        persisted: DateTime<Utc>,
    ) {
        let at = trunc_ms(at);
        let event = events::mfa(&mut self.rng, at, &self.org.users[user], origin);
        let what = What::MfaVerified {
            factor: None,
            success: true,
            timed_out: false,
        };
        let by_user = OrgEvent::new(user, what, Actor::User, at);
        self.history
            .record(by_user.from(origin).recorded(persisted));
        self.append(event, at, persisted);
    }

    /// Okta's own unlock after the policy's auto-unlock period.
    pub fn auto_unlock(&mut self, user: usize, at: DateTime<Utc>) {
        let at = trunc_ms(at);
        self.org.users[user].set_status(UserStatus::Active, at);
        let event = events::auto_unlock(&mut self.rng, at, &self.org.users[user]);
        let by_system = OrgEvent::new(user, What::AutoUnlocked, Actor::System, at);
        self.history.record(by_system);
        self.append(event, at, at);
    }

    /// `POST /lifecycle/unlock` by the token's admin: only a LOCKED_OUT user can be unlocked.
    pub fn admin_unlock(
        &mut self,
        user: usize,
        request_id: &str,
        user_agent: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        if self.org.users[user].status != UserStatus::LockedOut {
            return Err(ApiError::unlock_not_allowed());
        }
        let at = trunc_ms(now);
        self.org.users[user].set_status(UserStatus::Active, at);
        let admin = &self.org.users[self.org.admin];
        let origin = Origin::api_call(admin, user_agent);
        let event = events::admin_unlock(
            &mut self.rng,
            at,
            admin,
            &self.org.users[user],
            &origin,
            request_id,
        );
        let by_admin = OrgEvent::new(user, What::AdminUnlocked, Actor::Admin, at);
        self.history
            .record(by_admin.from(&origin).request(request_id));
        self.append(event, at, at);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::filter::{Case, parse};

    #[test]
    fn lock_then_admin_unlock_updates_user_and_log() {
        let now = Utc::now();
        let mut state = State::new(Org::generate(3, 30, now), 3);
        let u = (0..30)
            .find(|&i| state.org.users[i].status == UserStatus::Active && i != state.org.admin)
            .unwrap();
        let origin = Origin::usual(&state.org.users[u], &mut state.rng);
        let lockout = state.lock_out(u, &origin, now, now);
        assert_eq!(state.org.users[u].status, UserStatus::LockedOut);
        assert_eq!(state.org.users[u].status_changed, Some(trunc_ms(now)));
        assert_eq!(lockout.user_id, state.org.users[u].id);
        let event = &state.log.all()[0].event();
        assert_eq!(event["uuid"], lockout.uuid.as_str());
        assert_eq!(
            event["published"],
            crate::sim::org::ids::iso(lockout.published)
        );

        state
            .admin_unlock(u, "reqABC", "accessdesk/0.1", now)
            .unwrap();
        assert_eq!(state.org.users[u].status, UserStatus::Active);
        let unlock = &state.log.all()[1].event();
        assert_eq!(unlock["eventType"], "user.account.unlock_by_admin");
        assert_eq!(unlock["target"][0]["id"], state.org.users[u].id.as_str());
        assert_eq!(unlock["transaction"]["id"], "reqABC");
        assert_eq!(
            unlock["client"]["userAgent"]["rawUserAgent"],
            "accessdesk/0.1"
        );
        let again = state.admin_unlock(u, "reqDEF", "x", now).unwrap_err();
        assert_eq!((again.status.as_u16(), again.code), (403, "E0000032"));

        let filter = parse(r#"eventType eq "user.account.lock""#).unwrap();
        let locks = state
            .log
            .all()
            .iter()
            .filter(|e| filter.matches(&e.event(), Case::Sensitive))
            .count();
        assert_eq!(locks, 1);
    }
}
