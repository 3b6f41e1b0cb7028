//! Background sign-in traffic as a discrete-event simulation: independent
//! Poisson streams of lockouts, repeat attempts by locked users, harmless
//! noise and password-spraying bursts, plus scheduled auto-unlocks so the pool
//! of active users never drains, and a stream of password changes (see
//! `password_changes`). The same code fills the past (history) with a virtual clock and
//! then runs live against the wall clock.

pub(crate) mod password_changes;
pub(crate) mod poisson;

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tokio::sync::watch;

use crate::model::UserStatus;
use crate::sim::okta::events::{Origin, SignIn};
use crate::sim::org::network::ATTACKERS;
use crate::sim::state::{Shared, State, lock};
use poisson::gap;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Action {
    Lock,
    Retry,
    Noise,
    Burst,
    SprayLock {
        attacker: usize,
        user: usize,
    },
    AutoUnlock {
        user: usize,
        locked_at: DateTime<Utc>,
    },
    PasswordChange,
}

#[derive(Debug, PartialEq, Eq)]
struct Scheduled {
    at: DateTime<Utc>,
    order: u64,
    action: Action,
}

// Earliest first; equal times keep scheduling order.
impl Ord for Scheduled {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.at, self.order).cmp(&(other.at, other.order))
    }
}

impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

pub(crate) struct Traffic {
    /// Lockouts per minute; the other streams scale with it.
    rate: f64,
    rng: ChaCha8Rng,
    /// Password changes per minute, drawn from their own generator so that adding the
    /// stream leaves the sign-in streams' draws as they were.
    password_rate: f64,
    password_rng: ChaCha8Rng,
    queue: BinaryHeap<Reverse<Scheduled>>,
    order: u64,
    /// Picks the locks of new devices only, by hashing, so the draws above stay as they were.
    seed: u64,
    /// Locks so far: the place of each in the traffic, for [`locks_new_devices`].
    locks: u64,
}

/// The share of lockouts, in percent, that are Identity Engine's "Account Locked from New
/// Devices" (the user stays `ACTIVE`; known devices still sign in).
pub(crate) const NEW_DEVICES_PERCENT: u64 = 12;

/// Whether the `nth` lock of the traffic, of `user`, locks new devices only: fixed by the seed
/// and the lock's place in the traffic, drawn from no generator, and never by the wall clock
/// (two simulators started a minute apart with one seed tell the same story).
pub(crate) fn locks_new_devices(seed: u64, user: usize, nth: u64) -> bool {
    let key = format!("{seed}:new-devices:{user}:{nth}");
    crate::sim::org::ids::stable_hash(&key) % 100 < NEW_DEVICES_PERCENT
}

impl Traffic {
    pub fn new(rate: f64, seed: u64, start: DateTime<Utc>) -> Traffic {
        let mut t = Traffic {
            rate,
            rng: ChaCha8Rng::seed_from_u64(seed ^ 0x7EAF_F1C0),
            password_rate: 0.0,
            password_rng: ChaCha8Rng::seed_from_u64(seed ^ 0x9A55_C4A6),
            queue: BinaryHeap::new(),
            order: 0,
            seed,
            locks: 0,
        };
        for action in [Action::Lock, Action::Retry, Action::Noise, Action::Burst] {
            t.reschedule(action, start);
        }
        t
    }

    /// Adds the password-change stream from `start` (none at a rate of 0).
    pub fn with_password_changes(mut self, per_hour: f64, start: DateTime<Utc>) -> Traffic {
        self.password_rate = if per_hour.is_finite() {
            per_hour.max(0.0) / 60.0
        } else {
            0.0
        };
        if self.password_rate > 0.0 {
            self.reschedule(Action::PasswordChange, start);
        }
        self
    }

    fn stream_rate(&self, action: &Action) -> f64 {
        if *action == Action::PasswordChange {
            return self.password_rate;
        }
        // Lockouts off means the sign-in streams are off, noise included.
        if self.rate <= 0.0 {
            return 0.0;
        }
        match action {
            Action::Lock => self.rate,
            Action::Retry => self.rate * 0.5,
            // Capped: noise only has to be there, not to swamp the log.
            Action::Noise => (self.rate * 4.0 + 1.0).min(120.0),
            // A spraying burst every five minutes on average at 6 lockouts a minute.
            Action::Burst => self.rate / 30.0,
            Action::SprayLock { .. } | Action::AutoUnlock { .. } | Action::PasswordChange => 0.0,
        }
    }

    fn schedule(&mut self, at: DateTime<Utc>, action: Action) {
        self.order += 1;
        self.queue.push(Reverse(Scheduled {
            at,
            order: self.order,
            action,
        }));
    }

    fn reschedule(&mut self, action: Action, after: DateTime<Utc>) {
        let rate = self.stream_rate(&action);
        let rng = if action == Action::PasswordChange {
            &mut self.password_rng
        } else {
            &mut self.rng
        };
        let at = after + gap(rng, rate);
        self.schedule(at, action);
    }

    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        self.queue.peek().map(|Reverse(s)| s.at)
    }

    /// Applies every action due at or before `until`, in time order.
    pub fn run_until(&mut self, state: &mut State, until: DateTime<Utc>) {
        while let Some(Reverse(next)) = self.queue.peek() {
            if next.at > until {
                break;
            }
            let Some(Reverse(Scheduled { at, action, .. })) = self.queue.pop() else {
                break;
            };
            self.apply(state, &action, at);
            if matches!(
                action,
                Action::Lock
                    | Action::Retry
                    | Action::Noise
                    | Action::Burst
                    | Action::PasswordChange
            ) {
                self.reschedule(action, at);
            }
        }
    }

    /// Okta's `published` can trail persistence by a little.
    fn published(&mut self, at: DateTime<Utc>) -> DateTime<Utc> {
        at - Duration::milliseconds(self.rng.random_range(0..300))
    }

    fn apply(&mut self, state: &mut State, action: &Action, at: DateTime<Utc>) {
        match *action {
            Action::Lock => {
                if let Some(user) = self.pick_user(state, UserStatus::Active) {
                    let origin = Origin::usual(&state.org.users[user], &mut self.rng);
                    self.fail_then_lock(state, user, &origin, at);
                }
            }
            Action::Retry => {
                if let Some(user) = self.pick_user(state, UserStatus::LockedOut) {
                    let origin = Origin::usual(&state.org.users[user], &mut self.rng);
                    let published = self.published(at);
                    state.sign_in(user, &origin, SignIn::LockedOut, published, at);
                }
            }
            Action::Noise => self.noise(state, at),
            Action::Burst => {
                let attacker = self.rng.random_range(0..ATTACKERS.len());
                let k = self.rng.random_range(5..=12);
                let mut victims = Vec::new();
                for _ in 0..k {
                    match self.pick_user(state, UserStatus::Active) {
                        Some(u) if !victims.contains(&u) => victims.push(u),
                        _ => {}
                    }
                }
                for user in victims {
                    let when = at + Duration::milliseconds(self.rng.random_range(0..55_000));
                    self.schedule(when, Action::SprayLock { attacker, user });
                }
            }
            Action::SprayLock { attacker, user } => {
                let origin = Origin::attacker(&ATTACKERS[attacker], &mut self.rng);
                match state.org.users[user].status {
                    UserStatus::Active => self.fail_then_lock(state, user, &origin, at),
                    UserStatus::LockedOut => {
                        let published = self.published(at);
                        state.sign_in(user, &origin, SignIn::LockedOut, published, at);
                    }
                    _ => {}
                }
            }
            Action::PasswordChange => {
                let rng = &mut self.password_rng;
                if let Some(user) = password_changes::pick_changer(rng, &state.org, at) {
                    let origin = Origin::usual(&state.org.users[user], rng);
                    let published = at - Duration::milliseconds(rng.random_range(0..300));
                    state.change_password(user, &origin, published, at);
                }
            }
            Action::AutoUnlock { user, locked_at } => {
                let u = &state.org.users[user];
                // Skip if an admin unlocked it meanwhile, or it was locked again later.
                if u.status == UserStatus::LockedOut && u.status_changed == Some(locked_at) {
                    state.auto_unlock(user, at);
                }
            }
        }
    }

    /// A few wrong passwords, then the lock; auto-unlock is scheduled per the user's policy.
    fn fail_then_lock(
        &mut self,
        state: &mut State,
        user: usize,
        origin: &Origin,
        at: DateTime<Utc>,
    ) {
        let failures = self.rng.random_range(2..=4);
        for k in (1..=failures).rev() {
            let earlier = at - Duration::milliseconds(k * self.rng.random_range(2_000..6_000));
            state.sign_in(user, origin, SignIn::BadPassword, earlier, at);
        }
        let published = self.published(at);
        self.locks += 1;
        if locks_new_devices(self.seed, user, self.locks) {
            // The user stays ACTIVE: nothing for the auto-unlock to do.
            state.lock_out_new_devices(user, origin, published, at);
            return;
        }
        let lockout = state.lock_out(user, origin, published, at);
        let minutes = state
            .org
            .policy_for(user)
            .map_or(0, |p| p.auto_unlock_minutes);
        if minutes > 0 {
            let locked_at = lockout.published;
            self.schedule(
                at + Duration::minutes(i64::from(minutes)),
                Action::AutoUnlock { user, locked_at },
            );
        }
    }

    /// Traffic the lockout filter must not match: good sign-ins, MFA, a typo.
    fn noise(&mut self, state: &mut State, at: DateTime<Utc>) {
        let Some(user) = self.pick_user(state, UserStatus::Active) else {
            return;
        };
        let origin = Origin::usual(&state.org.users[user], &mut self.rng);
        let roll: f64 = self.rng.random();
        let published = self.published(at);
        if roll < 0.55 {
            state.sign_in(user, &origin, SignIn::Success, published, at);
            if !state.org.users[user].factors.is_empty() {
                state.mfa(user, &origin, published + Duration::seconds(2), at);
            }
        } else if roll < 0.8 {
            state.mfa(user, &origin, published, at);
        } else {
            state.sign_in(user, &origin, SignIn::BadPassword, published, at);
        }
    }

    /// A random user in `status`: a few random probes first (cheap when the
    /// status is common, as in large orgs), then a scan.
    fn pick_user(&mut self, state: &State, status: UserStatus) -> Option<usize> {
        let users = &state.org.users;
        for _ in 0..32 {
            let i = self.rng.random_range(0..users.len());
            if users[i].status == status {
                return Some(i);
            }
        }
        // The first one on from a random place: listing them all took most of a
        // 100,000-user start-up, where a 2 % status misses 32 probes half the time.
        let start = self.rng.random_range(0..users.len());
        (start..users.len())
            .chain(0..start)
            .find(|&i| users[i].status == status)
    }

    /// Re-times the four sign-in streams for a new rate from `now`; scheduled spray
    /// attempts, auto-unlocks and the password stream are kept.
    pub fn set_rate(&mut self, rate: f64, now: DateTime<Utc>) {
        self.rate = rate;
        let keep: Vec<Reverse<Scheduled>> = std::mem::take(&mut self.queue)
            .into_iter()
            .filter(|Reverse(s)| {
                matches!(
                    s.action,
                    Action::SprayLock { .. } | Action::AutoUnlock { .. } | Action::PasswordChange
                )
            })
            .collect();
        self.queue.extend(keep);
        for action in [Action::Lock, Action::Retry, Action::Noise, Action::Burst] {
            self.reschedule(action, now);
        }
    }
}

/// Runs the traffic against the wall clock until `stop` fires or its sender is dropped.
pub(crate) async fn run(
    shared: Arc<Shared>,
    mut traffic: Traffic,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let wait = traffic
            .next_due()
            .map_or(std::time::Duration::from_secs(60), |due| {
                (due - Utc::now()).to_std().unwrap_or_default()
            });
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            _ = stop.changed() => return,
        }
        let mut state = lock(&shared.state);
        traffic.run_until(&mut state, Utc::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::filter::{Case, parse};
    use crate::sim::org::Org;

    fn users_with(state: &State, status: &UserStatus) -> Vec<usize> {
        (0..state.org.users.len())
            .filter(|&i| state.org.users[i].status == *status)
            .collect()
    }

    const LOCKOUT: &str = r#"eventType eq "user.account.lock" or (eventType eq "user.session.start" and outcome.reason eq "LOCKED_OUT")"#;

    fn two_hours(rate: f64) -> (State, DateTime<Utc>) {
        let now = DateTime::parse_from_rfc3339("2025-03-10T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let mut state = State::new(Org::generate(42, 500, now), 42);
        let mut traffic = Traffic::new(rate, 42, now - Duration::hours(2));
        traffic.run_until(&mut state, now);
        (state, now)
    }

    fn count(state: &State, event_type: &str) -> usize {
        state
            .log
            .all()
            .iter()
            .filter(|e| e.event()["eventType"] == event_type)
            .count()
    }

    #[test]
    fn history_has_the_configured_rate_and_mix() {
        let (state, now) = two_hours(6.0);
        let locks = count(&state, "user.account.lock");
        // 720 expected from the stream, plus spraying bursts.
        assert!((620..1000).contains(&locks), "{locks} locks");
        assert!(count(&state, "user.account.unlock") > 500);
        assert!(count(&state, "user.authentication.auth_via_mfa") > 1000);
        let lockout = parse(LOCKOUT).unwrap();
        let matching = state
            .log
            .all()
            .iter()
            .filter(|e| lockout.matches(&e.event(), Case::Sensitive))
            .count();
        let repeats = state
            .log
            .all()
            .iter()
            .filter(|e| {
                e.event()["outcome"]["reason"] == "LOCKED_OUT"
                    && e.event()["eventType"] == "user.session.start"
            })
            .count();
        assert!(repeats > 100, "{repeats}");
        assert_eq!(matching, locks + repeats);
        assert!(
            state.log.all().len() > matching * 3,
            "noise outnumbers lockouts"
        );
        for e in state.log.all() {
            assert!(
                e.published <= now
                    && e.published >= now - Duration::hours(2) - Duration::seconds(30)
            );
        }
        // Persistence order never goes backwards.
        assert!(
            state
                .log
                .all()
                .windows(2)
                .all(|w| w[0].persisted <= w[1].persisted)
        );
    }

    #[test]
    fn auto_unlock_keeps_the_pool_from_draining() {
        let (state, _) = two_hours(30.0);
        let locked = users_with(&state, &UserStatus::LockedOut).len();
        let active = users_with(&state, &UserStatus::Active).len();
        // About 10 minutes of 30/min are locked at any time; admins (no auto-unlock) stay locked.
        assert!(
            locked < 450 && active > 50,
            "locked {locked} active {active}"
        );
        assert!(count(&state, "user.account.unlock") > 3000);
    }

    #[test]
    fn bursts_come_from_one_foreign_ip_within_a_minute() {
        let (state, _) = two_hours(6.0);
        let mut by_ip: std::collections::HashMap<String, Vec<DateTime<Utc>>> = Default::default();
        for e in state.log.all() {
            if e.event()["eventType"] == "user.account.lock"
                && e.event()["debugContext"]["debugData"]["threatSuspected"] == "true"
            {
                by_ip
                    .entry(e.event()["client"]["ipAddress"].as_str().unwrap().into())
                    .or_default()
                    .push(e.published);
            }
        }
        assert!(!by_ip.is_empty(), "at least one burst in two hours");
        for (ip, times) in &by_ip {
            assert!(ip.starts_with("203.0.113."), "{ip}");
            let first_burst: Vec<_> = times
                .iter()
                .filter(|t| **t - times[0] < Duration::seconds(60))
                .collect();
            assert!(first_burst.len() >= 2, "{ip}: {}", first_burst.len());
        }
    }

    #[test]
    fn set_rate_keeps_pending_unlocks_and_changes_the_pace() {
        let now = DateTime::parse_from_rfc3339("2025-03-10T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let mut state = State::new(Org::generate(42, 500, now), 42);
        let mut traffic = Traffic::new(6.0, 42, now - Duration::hours(2));
        traffic.run_until(&mut state, now);
        let pending = |t: &Traffic| {
            t.queue
                .iter()
                .filter(|Reverse(s)| matches!(s.action, Action::AutoUnlock { .. }))
                .count()
        };
        let before = pending(&traffic);
        assert!(before > 0);
        traffic.set_rate(30.0, now);
        assert_eq!(pending(&traffic), before);
        let locks_before = count(&state, "user.account.lock");
        traffic.run_until(&mut state, now + Duration::minutes(10));
        let locks = count(&state, "user.account.lock") - locks_before;
        // 300 from the stream plus about 10 spraying bursts.
        assert!(
            (250..600).contains(&locks),
            "{locks} locks in 10 minutes at 30/min"
        );
    }

    #[test]
    fn some_locks_are_of_new_devices_only_and_leave_the_user_active() {
        let (state, _) = two_hours(6.0);
        let locks: Vec<serde_json::Value> = state
            .log
            .all()
            .iter()
            .map(|e| e.event())
            .filter(|e| e["eventType"] == "user.account.lock")
            .collect();
        let new_devices: Vec<&serde_json::Value> = locks
            .iter()
            .filter(|e| crate::model::locks_new_devices_only(e["displayMessage"].as_str().unwrap()))
            .collect();
        let share = new_devices.len() * 100 / locks.len();
        assert!(
            (8..=16).contains(&share),
            "{share}% of {} locks",
            locks.len()
        );
        for e in &new_devices {
            assert_eq!(e["outcome"]["reason"], "LOCKED_OUT");
            let fingerprint = &e["debugContext"]["debugData"]["deviceFingerprint"];
            assert_eq!(fingerprint.as_str().unwrap().len(), 32, "{e}");
        }
        // The user stays ACTIVE unless something else locked them later.
        let last_lock_of = |id: &str| {
            locks
                .iter()
                .rev()
                .find(|e| e["actor"]["id"] == id)
                .map(|e| e["displayMessage"].as_str().unwrap())
        };
        let active_after_new_devices = state
            .org
            .users
            .iter()
            .filter(|u| last_lock_of(&u.id).is_some_and(crate::model::locks_new_devices_only))
            .filter(|u| u.status == UserStatus::Active)
            .count();
        assert!(active_after_new_devices > 0);
        assert!(
            state
                .org
                .users
                .iter()
                .filter(|u| last_lock_of(&u.id).is_some_and(crate::model::locks_new_devices_only))
                .all(|u| u.status != UserStatus::LockedOut),
            "a lock of new devices never makes the user LOCKED_OUT"
        );
    }

    #[test]
    fn same_seed_same_history() {
        let (a, _) = two_hours(6.0);
        let (b, _) = two_hours(6.0);
        let ids = |s: &State| {
            s.log
                .all()
                .iter()
                .map(|e| e.event()["uuid"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&a), ids(&b));
    }

    #[tokio::test]
    async fn live_loop_runs_until_the_stop_sender_goes_away() {
        use crate::sim::okta::rate_limit::RateLimiter;
        use crate::sim::{RateBudgets, server::faults::FaultQueue};
        use std::sync::Mutex;
        let now = Utc::now();
        let (stop, stopped) = watch::channel(false);
        let shared = Arc::new(Shared {
            token: "t".into(),
            control: false,
            addr: ([127, 0, 0, 1], 0).into(),
            state: Mutex::new(State::new(Org::generate(2, 50, now), 2)),
            limiter: Mutex::new(RateLimiter::new(
                RateBudgets::default(),
                std::time::Duration::from_secs(60),
            )),
            faults: Mutex::new(FaultQueue::default()),
            fault_dice: Mutex::new(crate::sim::server::fault_rates::FaultDice::new(
                Default::default(),
                2,
            )),
            requests: Mutex::new(std::collections::VecDeque::new()),
            stopped: stopped.clone(),
            pingone: None,
            planted: Mutex::new(Default::default()),
            desk: Mutex::new(Default::default()),
            hooks: Mutex::new(Default::default()),
        });
        let task = tokio::spawn(run(shared.clone(), Traffic::new(1200.0, 2, now), stopped));
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        assert!(
            !lock(&shared.state).log.all().is_empty(),
            "events arrive live"
        );
        drop(stop);
        tokio::time::timeout(std::time::Duration::from_secs(2), task)
            .await
            .expect("loop stops")
            .unwrap();
        let written = lock(&shared.state).log.last_seq();
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert_eq!(lock(&shared.state).log.last_seq(), written);
    }

    #[test]
    fn admin_unlock_cancels_the_pending_auto_unlock() {
        let now = Utc::now();
        let mut state = State::new(Org::generate(1, 50, now), 1);
        let mut traffic = Traffic::new(0.0, 1, now);
        let user = users_with(&state, &UserStatus::Active)
            .into_iter()
            .find(|&u| u != state.org.admin)
            .unwrap();
        let origin = Origin::usual(&state.org.users[user], &mut traffic.rng);
        traffic.fail_then_lock(&mut state, user, &origin, now);
        state
            .admin_unlock(user, "r", "ua", now + Duration::minutes(1))
            .unwrap();
        let relocked = state.lock_out(
            user,
            &origin,
            now + Duration::minutes(2),
            now + Duration::minutes(2),
        );
        traffic.run_until(&mut state, now + Duration::minutes(11));
        // The first lock's auto-unlock (at +10 min) must not release the second lock.
        assert_eq!(state.org.users[user].status, UserStatus::LockedOut);
        assert_eq!(
            state.org.users[user].status_changed,
            Some(relocked.published)
        );
    }
}
