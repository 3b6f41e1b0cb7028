//! `watch`'s shared state and HTTP server in-process on loopback, with an outbox in a
//! temporary data directory, a fixed answer-link key and a scan built by the test.
#![allow(dead_code)]

use accessdesk::model::{
    ContractorExpiryRow, ExpiryScan, Lockout, LockoutKind, PasswordExpiryRow, UserStatus,
};
use accessdesk::notify::compose::Composer;
use accessdesk::notify::links::AnswerKey;
use accessdesk::notify::metrics::Metrics;
use accessdesk::notify::{Instruction, Notice, NoticeSettings, Problem};
use accessdesk::outbox::Outbox;
use accessdesk::policy::bursts::BurstRules;
use accessdesk::policy::schedule::{ScheduleRules, local_date, local_instant};
use accessdesk::services::watch::{PollStatus, WatchShared, http};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use std::sync::{Arc, Mutex};
use tokio::sync::{Notify, watch};

pub const KEY: [u8; 32] = [7; 32];

pub struct Harness {
    pub shared: Arc<WatchShared>,
    pub base: String,
    pub data: tempfile::TempDir,
    pub http: reqwest::Client,
    _stop: watch::Sender<bool>,
}

pub fn instructions() -> Vec<Instruction> {
    vec![Instruction {
        id: "extend-contract".into(),
        system: "HR portal".into(),
        problem: Problem::ContractExtend,
        title: "Extend a contractor <quickly>".into(),
        steps: vec!["Open the HR portal".into(), "Choose Extend".into()],
        kb_url: Some("https://kb.example.com/KB0042".into()),
    }]
}

impl Harness {
    pub async fn start() -> Harness {
        let data = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(Outbox::default_path(data.path())).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let base = format!("http://{addr}");
        let settings = NoticeSettings {
            public_url: Some(url::Url::parse(&base).unwrap()),
            message_id_domain: "example.com".into(),
            desk_contact: "+1 555 0100".into(),
            ..NoticeSettings::default()
        };
        let key = AnswerKey::from_bytes(&KEY).unwrap();
        let composer = Composer::new(settings, instructions(), key).unwrap();
        let shared = Arc::new(WatchShared {
            outbox: Mutex::new(outbox),
            composer,
            metrics: Arc::new(Metrics::default()),
            rules: ScheduleRules::default(),
            bursts: BurstRules::default(),
            instructions: instructions(),
            poll: Mutex::new(PollStatus::new(
                Utc::now(),
                std::time::Duration::from_secs(30),
            )),
            scan: Mutex::new(None),
            wake: Arc::new(Notify::new()),
            data_dir: data.path().to_path_buf(),
            audit: accessdesk::audit::AuditLocation::local(data.path()),
            agent: "accessdesk-watch".into(),
            org: Some("https://example.okta.com".into()),
            team: None,
            hooks: None,
        });
        let (stop, stop_rx) = watch::channel(false);
        tokio::spawn(http::serve(listener, shared.clone(), stop_rx));
        Harness {
            shared,
            base,
            data,
            http: reqwest::Client::new(),
            _stop: stop,
        }
    }

    pub fn enqueue(&self, notices: &[Notice], now: DateTime<Utc>) {
        self.shared.enqueue(notices, now).unwrap();
    }

    /// The answer link labelled `label` in `notice`.
    pub fn link(&self, notice: &Notice, label: &str) -> String {
        notice
            .links
            .iter()
            .find(|l| l.label == label)
            .unwrap_or_else(|| panic!("no {label:?} link in {:?}", notice.links))
            .url
            .clone()
    }

    pub async fn get(&self, url: &str) -> (u16, String) {
        let r = self.http.get(url).send().await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    pub async fn post(&self, url: &str) -> (u16, String) {
        let r = self.http.post(url).send().await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }
}

/// The rules' local date `days` from today.
pub fn day(days: i64) -> NaiveDate {
    local_date(Utc::now(), ScheduleRules::default().zone) + Duration::days(days)
}

/// One minute after `at` (local wall time) on `date`.
pub fn just_after(date: NaiveDate, hh: u32, mm: u32) -> DateTime<Utc> {
    let zone = ScheduleRules::default().zone;
    local_instant(date, NaiveTime::from_hms_opt(hh, mm, 0).unwrap(), zone) + Duration::minutes(1)
}

/// A user whose password expires at noon on `expiry_day`, changed 90 days before.
pub fn password_row(user_id: &str, expiry_day: NaiveDate) -> PasswordExpiryRow {
    let expires_at = just_after(expiry_day, 12, 0);
    PasswordExpiryRow {
        user_id: user_id.into(),
        login: format!("{user_id}@example.com"),
        name: format!("User {user_id}"),
        status: UserStatus::Active,
        department: None,
        email: format!("{user_id}@example.com"),
        policy_id: "pol1".into(),
        policy_name: "Default".into(),
        password_changed: Some(expires_at - Duration::days(90)),
        expires_at: Some(expires_at),
    }
}

pub fn contractor_row(user_id: &str, manager_id: &str, ends_on: NaiveDate) -> ContractorExpiryRow {
    ContractorExpiryRow {
        user_id: user_id.into(),
        login: format!("{user_id}@example.com"),
        name: format!("Contractor {user_id}"),
        status: UserStatus::Active,
        department: None,
        user_type: "contractor".into(),
        ends_on,
        manager_id: Some(manager_id.into()),
        manager_login: Some(format!("{manager_id}@example.com")),
        manager_name: Some(format!("Manager {manager_id}")),
        manager_email: Some(format!("{manager_id}@example.com")),
    }
}

pub fn scan(
    passwords: Vec<PasswordExpiryRow>,
    contractors: Vec<ContractorExpiryRow>,
) -> ExpiryScan {
    ExpiryScan {
        passwords,
        contractors,
        as_of: Some(Utc::now()),
        full_scan_at: Some(Utc::now()),
        users_seen: 10,
        policies: Vec::new(),
        deciding_groups: Vec::new(),
    }
}

pub fn lockout(user_id: &str, uuid: &str) -> Lockout {
    let now = Utc::now();
    Lockout {
        uuid: uuid.into(),
        published: now,
        detected_at: now,
        kind: LockoutKind::AccountLocked,
        event_type: "user.account.lock".into(),
        reason: "Too many failed sign-in attempts".into(),
        user_id: Some(user_id.into()),
        login: format!("{user_id}@example.com"),
        display_name: Some(format!("User {user_id}")),
        ip: Some("198.51.100.7".into()),
        city: Some("Lisbon".into()),
        state: None,
        country: Some("Portugal".into()),
        browser: Some("Firefox".into()),
        os: Some("Linux".into()),
        raw_user_agent: None,
        request_id: None,
    }
}
