//! Starting the simulator and the handle that controls and stops it.

pub(crate) mod conn;
pub(crate) mod control;
pub mod fault_rates;
pub(crate) mod faults;
pub(crate) mod planted;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::idp::Provider;
use crate::sim::okta::rate_limit::RateLimiter;
use crate::sim::okta::routes::router as okta_router;
use crate::sim::org::Org;
use crate::sim::org::push::PushBehaviour;
use crate::sim::org::user::Links;
use crate::sim::pingone::environment::Environment;
use crate::sim::pingone::routes::router as pingone_router;
use crate::sim::pingone::served::PingOne;
use crate::sim::state::{PushSettings, Shared, State, lock};
use crate::sim::tickets::desk::Desk;
use crate::sim::tickets::router as tickets_router;
use crate::sim::traffic::{self, Traffic};
use crate::sim::{
    DEFAULT_LOCKOUTS_PER_MINUTE, InjectedLockout, LoggedLockout, RecordedRequest, SimConfig,
    SimError, SimInfo,
};
use conn::{Conn, SimListener};
use fault_rates::{FaultDice, FaultTally};
use faults::{Fault, FaultQueue};

/// How far back `history` reaches.
const HISTORY: chrono::Duration = chrono::Duration::hours(2);
/// History is generated at no more than this rate, so start-up stays fast
/// and the log small even when the live rate is very high.
const HISTORY_MAX_RATE: f64 = 30.0;

/// Binds `addr` (port 0 picks a free one), seeds the organisation and its
/// history, and spawns the HTTP server and, when the rate is above zero, the
/// traffic generator. Must be called inside a Tokio runtime.
pub async fn start(config: SimConfig, addr: SocketAddr) -> std::io::Result<SimHandle> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let now = Utc::now();
    let mut state = State::new(Org::generate(config.seed, config.users, now), config.seed);
    state.push = PushSettings {
        timeout: config.push_timeout,
        delay: config.push_delay,
        number_challenge: config.number_challenge,
        held: false,
    };
    let rate = if config.lockouts_per_minute.is_finite() {
        config.lockouts_per_minute.max(0.0)
    } else {
        0.0
    };
    let password_rate = config.password_change_rate();
    let live = rate > 0.0 || password_rate > 0.0;
    // History uses the default mix when live traffic is off, so the past is never empty.
    let traffic = (config.history || live).then(|| {
        let history_rate = if rate > 0.0 {
            rate.min(HISTORY_MAX_RATE)
        } else {
            DEFAULT_LOCKOUTS_PER_MINUTE
        };
        let begin = if config.history { now - HISTORY } else { now };
        let mut t = Traffic::new(history_rate, config.seed, begin)
            .with_password_changes(password_rate, begin);
        t.run_until(&mut state, now);
        if rate != history_rate {
            t.set_rate(rate, now);
        }
        t
    });
    let pingone = (config.provider == Provider::PingOne).then(|| {
        PingOne::new(
            Environment::new(config.seed, &state.org),
            config.token_lifetime,
        )
    });
    let desk = Desk::seed(&state.org, config.seed, now);
    let (stop, stopped) = watch::channel(false);
    let shared = Arc::new(Shared {
        token: config.token.clone(),
        control: config.control,
        addr,
        state: Mutex::new(state),
        limiter: Mutex::new(RateLimiter::new(
            config.rate_limits,
            config.rate_limit_window,
        )),
        faults: Mutex::new(FaultQueue::default()),
        fault_dice: Mutex::new(FaultDice::new(config.fault_rates.clone(), config.seed)),
        requests: Mutex::new(VecDeque::new()),
        stopped: stopped.clone(),
        pingone,
        planted: Mutex::new(planted::Planted::default()),
        desk: Mutex::new(desk),
        hooks: Mutex::new(Default::default()),
    });
    let app = match config.provider {
        Provider::Okta => okta_router(shared.clone()),
        Provider::PingOne => pingone_router(shared.clone()),
    }
    .merge(tickets_router(shared.clone()))
    .into_make_service_with_connect_info::<Conn>();
    let mut on_stop = stopped.clone();
    let server = tokio::spawn(async move {
        let shutdown = async move {
            let _ = on_stop.changed().await;
        };
        if let Err(e) = axum::serve(SimListener(listener), app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(error = %e, "sim: server stopped");
        }
    });
    if config.provider == Provider::Okta {
        tokio::spawn(crate::sim::okta::event_hooks::deliver(shared.clone()));
    }
    let generator = match traffic {
        Some(t) if live => Some(tokio::spawn(traffic::run(shared.clone(), t, stopped))),
        _ => None,
    };
    tracing::info!(%addr, provider = config.provider.as_str(), users = config.users, rate, password_rate, faults = %config.fault_rates, "sim: listening");
    Ok(SimHandle {
        shared,
        addr,
        stop,
        server: Some(server),
        generator,
    })
}

/// A running simulator. Dropping it stops the server and the generator.
pub struct SimHandle {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    server: Option<JoinHandle<()>>,
    generator: Option<JoinHandle<()>>,
}

impl SimHandle {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        let mut addr = self.addr;
        if addr.ip().is_unspecified() {
            addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        format!("http://{addr}")
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Which provider it serves, where, and (PingOne) the environment and worker client ids.
    pub fn info(&self) -> SimInfo {
        control::sim_info(&self.shared, &self.base_url())
    }

    /// Locks the user (login or id) now and writes the `user.account.lock` event. Under
    /// PingOne the user may also be named by PingOne id, and the lockout is reported as
    /// PingOne's lockout feed reports it: uuid `<userId>:<lockedAt>`, the PingOne user id.
    pub fn lock_user(&self, login: &str) -> Result<InjectedLockout, SimError> {
        control::lock_user(&self.shared, login)
    }

    /// Every lockout in the Okta System Log the simulator keeps (generated or injected), oldest
    /// first: what a client following the lockout feed must report, each once.
    pub fn logged_lockouts(&self) -> Vec<LoggedLockout> {
        control::logged_lockouts(&self.shared)
    }

    /// Okta: locks the user (login or id) out of new devices only, as Identity Engine's
    /// "Account Locked from New Devices" does: writes the `user.account.lock` event and leaves
    /// the user `ACTIVE`.
    pub fn lock_user_new_devices(&self, login: &str) -> Result<InjectedLockout, SimError> {
        self.shared.lock_user_new_devices(login)
    }

    /// Every ticket of the simulated ServiceNow and Jira, oldest first, with the notes written
    /// to it (what `GET /__sim/tickets` answers).
    pub fn tickets(&self) -> Value {
        crate::sim::tickets::tickets_json(&self.shared)
    }

    /// Queues a fault for upcoming matching API requests.
    pub fn inject_fault(&self, fault: Fault) {
        lock(&self.shared.faults).push(fault);
    }

    /// How many API requests rolled for a rate-based fault (`SimConfig::fault_rates`) and
    /// which faults they met, by the spec's keys (`429`, `500`, `garbage`, ...).
    pub fn fault_tally(&self) -> FaultTally {
        lock(&self.shared.fault_dice).tally()
    }

    /// Every event-hook delivery so far, oldest first.
    pub fn hook_deliveries(&self) -> Vec<crate::sim::HookDelivery> {
        lock(&self.shared.hooks).deliveries.clone()
    }

    /// Every API request received so far, in order (PingOne: token requests too).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).iter().cloned().collect()
    }

    /// The seeded logins, in creation order.
    pub fn user_logins(&self) -> Vec<String> {
        let state = lock(&self.shared.state);
        state
            .org
            .users
            .iter()
            .map(|u| u.login().to_string())
            .collect()
    }

    /// The user (by login or id) exactly as `GET /api/v1/users/{id}` returns it.
    pub fn user_json(&self, login: &str) -> Option<Value> {
        let state = lock(&self.shared.state);
        let i = state.org.find(login)?;
        Some(state.org.users[i].to_json(&self.base_url(), &state.org.type_id, Links::Lifecycle))
    }

    /// Logins of ACTIVE users with an ACTIVE push factor who answer pushes this way.
    pub fn users_with_push(&self, behaviour: PushBehaviour) -> Vec<String> {
        self.shared.users_with_push(behaviour)
    }

    /// Makes the user (login or id) answer pushes this way from now on.
    pub fn set_push_behaviour(
        &self,
        login: &str,
        behaviour: PushBehaviour,
    ) -> Result<(), SimError> {
        self.shared.set_push_behaviour(login, behaviour)
    }

    /// The last code an SMS / email challenge sent to the factor (even if
    /// since used or expired), or a TOTP factor's current code. `None` for
    /// push and WebAuthn factors, unknown users or factors, and SMS / email
    /// factors nothing was sent to yet.
    pub fn last_code(&self, login: &str, factor_id: &str) -> Option<String> {
        self.shared.last_code(login, factor_id)
    }

    /// `count` distinct users who can change their password (ACTIVE, PASSWORD_EXPIRED,
    /// RECOVERY) change it now: `passwordChanged` and `lastUpdated` move, expired ones become
    /// ACTIVE, and each writes `user.account.update_password`. The picks come from a stream
    /// seeded with the org's seed, so the same calls on the same org pick the same users.
    /// Returns their logins (fewer when fewer can).
    pub fn change_passwords(&self, count: usize) -> Vec<String> {
        lock(&self.shared.state).change_passwords(count, Utc::now())
    }

    /// The user (login or id) changes their password now, whatever their status (see
    /// [`SimHandle::change_passwords`] for what moves).
    pub fn change_password(&self, login: &str) -> Result<(), SimError> {
        self.shared.change_password(login)
    }

    /// Adds the user (login or id) to the group named `group` (case-insensitive), moving
    /// the group's `lastMembershipUpdated` when they were not a member yet.
    pub fn add_to_group(&self, login: &str, group: &str) -> Result<(), SimError> {
        self.shared.membership(login, group, true)
    }

    /// Removes the user from the group, moving its `lastMembershipUpdated` when they were one.
    pub fn remove_from_group(&self, login: &str, group: &str) -> Result<(), SimError> {
        self.shared.membership(login, group, false)
    }

    /// The demo's hold on the simulated phones (see [`TrainingHandle`]).
    pub fn training(&self) -> crate::sim::TrainingHandle {
        crate::sim::TrainingHandle::new(self.shared.clone())
    }

    /// Stops the generator, then the server (waiting briefly for in-flight requests).
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(generator) = self.generator.take() {
            generator.abort();
            let _ = generator.await;
        }
        if let Some(mut server) = self.server.take()
            && tokio::time::timeout(Duration::from_secs(5), &mut server)
                .await
                .is_err()
        {
            server.abort();
            let _ = server.await;
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        for task in [self.generator.take(), self.server.take()]
            .into_iter()
            .flatten()
        {
            task.abort();
        }
    }
}
