//! What happened to the organisation's users, independent of any provider's wire format:
//! every State operation that writes an Okta System Log event records the same act here too,
//! so other providers' audit feeds (PingOne's activities) can be rendered from it while the
//! Okta log stays exactly as it was. Events are kept in the order they happened (`at`, then
//! recording order), and only the newest `capacity` of them, like the System Log.

use chrono::{DateTime, Utc};

use super::{ApiRequest, State};
use crate::sim::okta::events::Origin;
use crate::sim::org::factors::FactorKind;
use crate::sim::org::ids::{derived_uuid, trunc_ms};

/// As many as the System Log keeps.
pub(crate) const DEFAULT_CAPACITY: usize = super::log::DEFAULT_CAPACITY;

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum What {
    /// A sign-in with a wrong password.
    FailedPassword,
    /// The wrong password that locked the account.
    Locked,
    /// A sign-in attempt on an account that is already locked.
    SignInWhileLocked,
    SignedIn,
    /// The lockout policy's unlock after its period.
    AutoUnlocked,
    AdminUnlocked,
    /// A push or a one-time code went out to the factor.
    MfaChallenge {
        factor: FactorRef,
    },
    /// An identity check ended: right or wrong passcode, approved or unanswered push
    /// (`factor` is `None` for sign-in traffic, which does not name one).
    MfaVerified {
        factor: Option<FactorRef>,
        success: bool,
        /// Nobody answered the push before it expired.
        timed_out: bool,
    },
    /// The user tapped "No, it's not me".
    PushDenied {
        factor: FactorRef,
    },
    /// A password recovery code was e-mailed.
    RecoveryCodeSent,
    /// An admin sent a password reset link (the user must choose a new one).
    PasswordResetSent,
    PasswordChanged,
    PasswordExpired,
    /// One factor removed, with the ones that went along with it (Okta Verify's TOTP with
    /// its push), in removal order, the factor itself first.
    FactorRemoved {
        factor: FactorRef,
        removed: Vec<String>,
    },
    /// Every factor removed.
    FactorsReset,
}

/// A factor as it was when the event happened (it may be gone since).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FactorRef {
    pub id: String,
    pub kind: FactorKind,
}

impl FactorRef {
    pub fn of(id: &str, kind: FactorKind) -> Self {
        Self {
            id: id.to_string(),
            kind,
        }
    }
}

/// Who did it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Actor {
    /// The user themselves (signing in, answering a push, typing a code).
    User,
    /// The organisation's API client: Okta's admin token, PingOne's worker app.
    Admin,
    /// The identity provider on its own (an automatic unlock).
    System,
}

/// Where the request came from, when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Source {
    pub ip: String,
    pub user_agent: String,
    pub city: &'static str,
    pub state: &'static str,
    pub country: &'static str,
}

impl From<&Origin> for Source {
    fn from(origin: &Origin) -> Self {
        Self {
            ip: origin.ip.clone(),
            user_agent: origin.agent.raw.clone(),
            city: origin.place.city,
            state: origin.place.state,
            country: origin.place.country,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OrgEvent {
    /// 1-based recording order; never reused. Set by [`History::record`].
    pub seq: u64,
    /// When it happened (the Okta event's `published`).
    pub at: DateTime<Utc>,
    /// When it was recorded (the Okta event's persistence time), never before `at`.
    pub recorded: DateTime<Utc>,
    /// Index into `Org::users`.
    pub user: usize,
    pub what: What,
    pub by: Actor,
    pub source: Option<Source>,
    /// The API request's id for an operation made through the API, else one derived from
    /// the history's seed and `seq` (set by [`History::record`] when left empty).
    pub correlation_id: String,
}

impl OrgEvent {
    pub fn new(user: usize, what: What, by: Actor, at: DateTime<Utc>) -> Self {
        Self {
            seq: 0,
            at,
            recorded: at,
            user,
            what,
            by,
            source: None,
            correlation_id: String::new(),
        }
    }

    /// Recorded at `t` (to the millisecond, and never before it happened).
    pub fn recorded(mut self, t: DateTime<Utc>) -> Self {
        self.recorded = trunc_ms(t).max(self.at);
        self
    }

    pub fn from(mut self, origin: &Origin) -> Self {
        self.source = Some(origin.into());
        self
    }

    /// Made in the API request with this id.
    pub fn request(mut self, id: &str) -> Self {
        self.correlation_id = id.to_string();
        self
    }
}

pub(crate) struct History {
    /// Ordered by `(at, seq)`.
    events: Vec<OrgEvent>,
    last_seq: u64,
    capacity: usize,
    /// Makes derived ids differ between seeds.
    salt: u64,
}

impl History {
    pub fn new(seed: u64) -> Self {
        Self::with_capacity(seed, DEFAULT_CAPACITY)
    }

    pub fn with_capacity(seed: u64, capacity: usize) -> Self {
        Self {
            events: Vec::new(),
            last_seq: 0,
            capacity: capacity.max(1),
            salt: seed,
        }
    }

    /// Records the event and returns its sequence number.
    pub fn record(&mut self, mut event: OrgEvent) -> u64 {
        self.last_seq += 1;
        event.seq = self.last_seq;
        if event.correlation_id.is_empty() {
            event.correlation_id = self.derived_id("correlation", event.seq);
        }
        // Events usually arrive in order; a late one goes in just before the newer ones.
        let at = self.events.partition_point(|e| e.at <= event.at);
        self.events.insert(at, event);
        // Discard a tenth at a time so trimming stays cheap on average.
        if self.events.len() > self.capacity {
            let excess = self.events.len() - self.capacity + self.capacity / 10;
            self.events.drain(..excess.min(self.events.len() - 1));
        }
        self.last_seq
    }

    /// Every kept event, oldest first.
    #[cfg(test)]
    pub fn all(&self) -> &[OrgEvent] {
        &self.events
    }

    /// Events that happened at or after `t`, oldest first.
    pub fn since(&self, t: DateTime<Utc>) -> &[OrgEvent] {
        let start = self.events.partition_point(|e| e.at < t);
        &self.events[start..]
    }

    /// A UUID for one of this history's events, stable for a seed.
    pub fn derived_id(&self, kind: &str, seq: u64) -> String {
        derived_uuid(kind, &format!("{}:{seq}", self.salt))
    }
}

impl State {
    /// Records what the API client did to `user` in `request`, from the admin's office.
    pub(crate) fn record_admin(
        &mut self,
        user: usize,
        what: What,
        request: &ApiRequest,
        at: DateTime<Utc>,
    ) {
        let origin = Origin::api_call(&self.org.users[self.org.admin], request.user_agent);
        let event = OrgEvent::new(user, what, Actor::Admin, at);
        self.history.record(event.from(&origin).request(request.id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn t(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + s, 0).unwrap()
    }

    fn event(user: usize, at: i64) -> OrgEvent {
        OrgEvent::new(user, What::SignedIn, Actor::User, t(at))
    }

    #[test]
    fn events_are_kept_in_the_order_they_happened() {
        let mut h = History::new(1);
        assert_eq!(h.record(event(0, 10)), 1);
        assert_eq!(h.record(event(1, 20)), 2);
        // Recorded late: it happened before the previous one.
        assert_eq!(h.record(event(2, 15).recorded(t(21))), 3);
        assert_eq!(h.record(event(3, 20)), 4);
        let order: Vec<u64> = h.all().iter().map(|e| e.seq).collect();
        assert_eq!(order, [1, 3, 2, 4]);
        assert_eq!(h.all()[1].recorded, t(21));
        assert_eq!(h.since(t(15)).len(), 3);
        // Never recorded before it happened.
        assert_eq!(event(0, 30).recorded(t(29)).recorded, t(30));
    }

    #[test]
    fn correlation_ids_come_from_the_request_or_the_seed() {
        let mut a = History::new(1);
        a.record(event(0, 1).request("req-1"));
        a.record(event(0, 2));
        assert_eq!(a.all()[0].correlation_id, "req-1");
        let derived = a.all()[1].correlation_id.clone();
        assert!(uuid::Uuid::parse_str(&derived).is_ok());
        let mut b = History::new(1);
        b.record(event(0, 1));
        b.record(event(0, 2));
        assert_eq!(b.all()[1].correlation_id, derived, "same seed, same ids");
        let mut c = History::new(2);
        c.record(event(0, 1));
        c.record(event(0, 2));
        assert_ne!(c.all()[1].correlation_id, derived);
    }

    #[test]
    fn the_oldest_events_are_discarded() {
        let mut h = History::with_capacity(1, 100);
        for i in 0..250 {
            h.record(event(0, i));
        }
        let kept = h.all();
        assert!((90..=100).contains(&kept.len()), "{}", kept.len());
        assert_eq!(kept.last().unwrap().seq, 250);
        assert!(kept.windows(2).all(|w| w[0].at <= w[1].at));
        assert_eq!(h.since(t(0) - Duration::days(1))[0].seq, kept[0].seq);
    }

    mod recorded_by_the_operations {
        use super::super::*;
        use crate::model::UserStatus;
        use crate::sim::okta::events::SignIn;
        use crate::sim::org::Org;
        use crate::sim::traffic::Traffic;

        const REQ: ApiRequest<'static> = ApiRequest {
            id: "corr-1",
            user_agent: "accessdesk/0.1",
            path: "/v1/x",
        };

        fn state() -> State {
            State::new(Org::generate(5, 300, Utc::now()), 5)
        }

        fn active(s: &State) -> usize {
            (0..s.org.users.len())
                .find(|&i| i != s.org.admin && s.org.users[i].status == UserStatus::Active)
                .unwrap()
        }

        fn last(s: &State) -> &OrgEvent {
            s.history.all().last().unwrap()
        }

        #[test]
        fn a_lockout_and_its_unlock_are_recorded_beside_the_okta_log() {
            let mut s = state();
            let u = active(&s);
            let now = Utc::now();
            let origin = Origin::usual(&s.org.users[u], &mut s.rng);
            s.sign_in(u, &origin, SignIn::BadPassword, now, now);
            let lockout = s.lock_out(u, &origin, now, now + chrono::Duration::seconds(1));
            s.sign_in(u, &origin, SignIn::LockedOut, now, now);
            s.admin_unlock(u, "corr-2", "accessdesk/0.1", now).unwrap();
            let whats: Vec<&What> = s.history.all().iter().map(|e| &e.what).collect();
            assert_eq!(
                whats,
                [
                    &What::FailedPassword,
                    &What::Locked,
                    &What::SignInWhileLocked,
                    &What::AdminUnlocked
                ]
            );
            let locked = &s.history.all()[1];
            assert_eq!(locked.at, lockout.published);
            assert_eq!(
                locked.recorded,
                lockout.published + chrono::Duration::seconds(1)
            );
            assert_eq!(locked.by, Actor::User);
            assert_eq!(locked.source.as_ref().unwrap().ip, origin.ip);
            let unlock = last(&s);
            assert_eq!(
                (unlock.by, unlock.correlation_id.as_str()),
                (Actor::Admin, "corr-2")
            );
            assert_eq!(unlock.user, u);
            assert_eq!(s.log.all().len(), 4);
        }

        #[test]
        fn admin_operations_and_factor_removals_are_the_api_clients() {
            let mut s = state();
            let u = (0..s.org.users.len())
                .find(|&i| {
                    i != s.org.admin
                        && s.org.users[i].status == UserStatus::Active
                        && s.org.users[i]
                            .factors
                            .iter()
                            .any(|f| f.kind == FactorKind::Push)
                        && s.org.users[i]
                            .factors
                            .iter()
                            .any(|f| f.kind == FactorKind::OktaTotp)
                })
                .unwrap();
            let push = s.org.users[u]
                .factors
                .iter()
                .find(|f| f.kind == FactorKind::Push)
                .unwrap()
                .id
                .clone();
            let now = Utc::now();
            let removed = s.delete_factor(u, &push, &REQ, now).unwrap();
            let e = last(&s);
            assert_eq!(
                e.what,
                What::FactorRemoved {
                    factor: FactorRef::of(&push, FactorKind::Push),
                    removed
                }
            );
            assert_eq!((e.by, e.correlation_id.as_str()), (Actor::Admin, "corr-1"));
            assert_eq!(e.source.as_ref().unwrap().user_agent, "accessdesk/0.1");
            s.expire_password(u, &REQ, now).unwrap();
            assert_eq!(last(&s).what, What::PasswordExpired);
            s.reset_factors(u, &REQ, now).unwrap();
            assert_eq!(last(&s).what, What::FactorsReset);
            s.reset_password(u, &REQ, now).unwrap();
            assert_eq!(last(&s).what, What::PasswordResetSent);
        }

        #[test]
        fn a_recovery_code_is_recorded_and_leaves_the_status_alone() {
            let mut s = state();
            let u = active(&s);
            let log = s.log.all().len();
            s.send_recovery_code(u, &REQ, Utc::now()).unwrap();
            assert_eq!(s.org.users[u].status, UserStatus::Active);
            assert_eq!(last(&s).what, What::RecoveryCodeSent);
            assert_eq!(s.log.all().len(), log, "Okta has no such event");
            for status in [
                UserStatus::Staged,
                UserStatus::Provisioned,
                UserStatus::Suspended,
                UserStatus::Deprovisioned,
            ] {
                let Some(v) = (0..s.org.users.len()).find(|&i| s.org.users[i].status == status)
                else {
                    continue;
                };
                let before = s.history.all().len();
                let e = s.send_recovery_code(v, &REQ, Utc::now()).unwrap_err();
                assert_eq!((e.status.as_u16(), e.code), (400, "REQUEST_FAILED"));
                assert_eq!(s.history.all().len(), before);
            }
        }

        #[test]
        fn traffic_records_one_event_per_okta_event() {
            let now = Utc::now();
            let mut s = State::new(Org::generate(42, 300, now), 42);
            Traffic::new(6.0, 42, now - chrono::Duration::hours(1))
                .with_password_changes(30.0, now - chrono::Duration::hours(1))
                .run_until(&mut s, now);
            assert!(s.log.all().len() > 500);
            assert_eq!(s.history.all().len(), s.log.all().len());
            let locks = s
                .history
                .all()
                .iter()
                .filter(|e| e.what == What::Locked)
                .count();
            let okta_locks = s
                .log
                .all()
                .iter()
                .filter(|e| e.event()["eventType"] == "user.account.lock")
                .count();
            assert_eq!(locks, okta_locks);
            assert!(s.history.all().windows(2).all(|w| w[0].at <= w[1].at));
            assert!(
                s.history
                    .all()
                    .iter()
                    .any(|e| e.what == What::AutoUnlocked && e.by == Actor::System)
            );
            assert!(
                s.history
                    .all()
                    .iter()
                    .any(|e| e.what == What::PasswordChanged)
            );
        }
    }
}
