//! The expiries screen's fixed data: a scan seen at Dec 1 2026 09:00 Pacific with expired
//! users (one undated), passwords at each reminder stage and past the first, one after the
//! spring change (PDT), and contractors under two managers and without one.

use accessdesk::model::{
    ContractorExpiryRow, ExpiryScan, PasswordExpiryRow, ScanKind, ScanProgress, UserStatus,
};
use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};

/// Dec 1 2026 09:00 PST, 18:00 CET.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 17, 0, 0).unwrap()
}

fn password(
    login: &str,
    name: &str,
    department: Option<&str>,
    status: UserStatus,
    expires_in: TimeDelta,
    max_age: i64,
) -> PasswordExpiryRow {
    let expires = now() + expires_in;
    PasswordExpiryRow {
        user_id: format!("00u{}", &login[..3]),
        login: format!("{login}@acme.example"),
        name: name.into(),
        status,
        department: department.map(str::to_string),
        email: format!("{login}@acme.example"),
        policy_id: "00pstd".into(),
        policy_name: match max_age {
            30 => "Admins 30 days",
            90 => "Standard 90 days",
            _ => "Service 180 days",
        }
        .into(),
        password_changed: Some(expires - TimeDelta::days(max_age)),
        expires_at: Some(expires),
    }
}

fn contractor(
    login: &str,
    name: &str,
    manager: Option<(&str, &str)>,
    ends_in_days: u64,
) -> ContractorExpiryRow {
    ContractorExpiryRow {
        user_id: format!("00u{}", &login[..3]),
        login: format!("{login}@acme.example"),
        name: name.into(),
        status: UserStatus::Active,
        department: Some("Field Services".into()),
        user_type: "contractor".into(),
        ends_on: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap() + chrono::Days::new(ends_in_days),
        manager_id: manager.map(|(login, _)| format!("00u{}", &login[..3])),
        manager_login: manager.map(|(login, _)| format!("{login}@acme.example")),
        manager_name: manager.map(|(_, name)| name.to_string()),
        manager_email: manager.map(|(login, _)| format!("{login}@mail.acme.example")),
    }
}

const GRACE: (&str, &str) = ("grace.hopper", "Grace Hopper");
const ALAN: (&str, &str) = ("alan.turing", "Alan Turing");

pub fn scan() -> ExpiryScan {
    let hours = TimeDelta::hours;
    let days = TimeDelta::days;
    let mut undated = password(
        "zoe.quinn",
        "Zoe Quinn",
        Some("Support"),
        UserStatus::PasswordExpired,
        days(0),
        90,
    );
    undated.expires_at = None;
    undated.password_changed = None;
    let mut orphan = contractor("olga.petrova", "Olga Petrova", None, 9);
    orphan.manager_id = Some("00uleft".into());
    ExpiryScan {
        passwords: vec![
            undated,
            password(
                "eve.adams",
                "Eve Adams",
                Some("Sales"),
                UserStatus::PasswordExpired,
                -days(3) - hours(2),
                90,
            ),
            password(
                "bob.brown",
                "Bob Brown",
                Some("Sales"),
                UserStatus::LockedOut,
                -hours(5),
                30,
            ),
            password(
                "ada.lovelace",
                "Ada Lovelace",
                Some("Engineering"),
                UserStatus::Active,
                hours(20),
                90,
            ),
            password(
                "cy.young",
                "Cy Young",
                None,
                UserStatus::Active,
                days(6) + hours(1),
                90,
            ),
            password(
                "dee.dee",
                "Dee Dee",
                Some("Engineering"),
                UserStatus::Active,
                days(13) + hours(1) + TimeDelta::minutes(23),
                90,
            ),
            password(
                "fay.wray",
                "Fay Wray",
                Some("Marketing"),
                UserStatus::Active,
                days(40),
                90,
            ),
            password(
                "gus.grissom",
                "Gus Grissom",
                Some("Engineering"),
                UserStatus::Recovery,
                days(120),
                180,
            ),
        ],
        contractors: vec![
            contractor("kim.lee", "Kim Lee", Some(GRACE), 3),
            orphan,
            contractor("lee.chan", "Lee Chan", Some(ALAN), 6),
            contractor("max.weber", "Max Weber", Some(GRACE), 20),
            contractor("nia.long", "Nia Long", None, 13),
            contractor("pat.kerr", "Pat Kerr", Some(GRACE), 1),
        ],
        as_of: Some(now() - TimeDelta::hours(3)),
        full_scan_at: Some(Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap()),
        users_seen: 5000,
        ..ExpiryScan::default()
    }
}

pub fn progress() -> ScanProgress {
    ScanProgress {
        kind: ScanKind::Full,
        started_at: now() - TimeDelta::minutes(4),
        users_seen: 1200,
        users_expected: Some(5000),
        requests: 7,
        waiting_until: Some(now() + TimeDelta::seconds(40)),
    }
}
