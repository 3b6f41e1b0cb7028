use chrono::{DateTime, Duration, TimeZone, Utc};

use super::*;

fn changed() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 10, 8, 0, 0).unwrap()
}

fn user(id: &str, status: UserStatus) -> ScannedUser {
    ScannedUser {
        id: id.into(),
        login: format!("{id}@example.com"),
        email: Some(format!("{id}.mail@example.com")),
        name: format!("User {id}"),
        status,
        department: Some("Finance".into()),
        user_type: Some("employee".into()),
        manager_id: Some("00umgr".into()),
        password_changed: Some(changed()),
        last_updated: None,
        credential_provider: Some("OKTA".into()),
        contract_end: None,
    }
}

fn policy(max_age_days: u32) -> PasswordPolicy {
    PasswordPolicy {
        id: "00p1".into(),
        name: "Default Policy".into(),
        priority: 1,
        active: true,
        system: true,
        include_groups: Vec::new(),
        exclude_groups: Vec::new(),
        max_age_days,
        expire_warn_days: 7,
        last_updated: None,
        unreadable: false,
    }
}

fn contractor(end: Option<&str>) -> ScannedUser {
    ScannedUser {
        user_type: Some("Contractor".into()),
        contract_end: end.map(str::to_string),
        ..user("00uc", UserStatus::Active)
    }
}

#[test]
fn expiry_is_password_changed_plus_the_policy_max_age() {
    let row = password_row(&user("00u1", UserStatus::Active), Some(&policy(90))).unwrap();
    assert_eq!(row.expires_at, Some(changed() + Duration::days(90)));
    assert_eq!(
        (row.policy_id.as_str(), row.policy_name.as_str()),
        ("00p1", "Default Policy")
    );
    assert_eq!(row.email, "00u1.mail@example.com");
    assert_eq!(row.password_changed, Some(changed()));
}

#[test]
fn no_max_age_or_no_change_date_means_no_row() {
    assert!(password_row(&user("00u1", UserStatus::Active), Some(&policy(0))).is_none());
    let never_set = ScannedUser {
        password_changed: None,
        ..user("00u1", UserStatus::Active)
    };
    assert!(password_row(&never_set, Some(&policy(90))).is_none());
    assert!(password_row(&user("00u1", UserStatus::Active), None).is_none());
}

#[test]
fn password_expired_users_are_always_listed_undated_when_uncomputable() {
    let expired = ScannedUser {
        password_changed: None,
        ..user("00u1", UserStatus::PasswordExpired)
    };
    let row = password_row(&expired, Some(&policy(90))).unwrap();
    assert_eq!(row.expires_at, None);
    assert!(row.is_expired(changed()));
    let row = password_row(&expired, Some(&policy(0))).unwrap();
    assert_eq!(row.expires_at, None);
    // Dated when the date is computable, even if it lies in the future.
    let row = password_row(
        &user("00u2", UserStatus::PasswordExpired),
        Some(&policy(90)),
    )
    .unwrap();
    assert_eq!(row.expires_at, Some(changed() + Duration::days(90)));
    assert!(row.is_expired(changed()));
}

#[test]
fn passwords_held_elsewhere_and_deactivated_users_have_no_row() {
    let federated = ScannedUser {
        credential_provider: Some("FEDERATION".into()),
        ..user("00u1", UserStatus::Active)
    };
    assert!(password_row(&federated, Some(&policy(90))).is_none());
    let unknown_provider = ScannedUser {
        credential_provider: None,
        ..user("00u1", UserStatus::Active)
    };
    assert!(password_row(&unknown_provider, Some(&policy(90))).is_some());
    assert!(password_row(&user("00u1", UserStatus::Deprovisioned), Some(&policy(90))).is_none());
}

#[test]
fn reminders_go_to_the_login_without_an_email() {
    let no_mail = ScannedUser {
        email: None,
        ..user("00u1", UserStatus::Active)
    };
    assert_eq!(
        password_row(&no_mail, Some(&policy(90))).unwrap().email,
        "00u1@example.com"
    );
}

#[test]
fn contractors_of_a_tracked_type_with_a_date_get_a_row() {
    let settings = ScanSettings::default();
    let row = contractor_row(&contractor(Some(" 2026-06-30 ")), &settings).unwrap();
    assert_eq!(row.ends_on, NaiveDate::from_ymd_opt(2026, 6, 30).unwrap());
    assert_eq!(row.user_type, "Contractor");
    assert_eq!(row.manager_id.as_deref(), Some("00umgr"));
    assert!(!row.has_manager_on_record(), "managers are resolved later");
}

#[test]
fn other_types_missing_or_malformed_dates_and_deactivated_users_are_left_out() {
    let settings = ScanSettings::default();
    let intern = ScannedUser {
        user_type: Some("intern".into()),
        ..contractor(Some("2026-06-30"))
    };
    assert!(contractor_row(&intern, &settings).is_none());
    assert!(contractor_row(&contractor(None), &settings).is_none());
    for bad in [
        "30/06/2026",
        "2026-13-01",
        "2026-06-30T00:00:00Z",
        "20260630",
        "",
    ] {
        assert!(
            contractor_row(&contractor(Some(bad)), &settings).is_none(),
            "{bad}"
        );
    }
    let gone = ScannedUser {
        status: UserStatus::Deprovisioned,
        ..contractor(Some("2026-06-30"))
    };
    assert!(contractor_row(&gone, &settings).is_none());
}

#[test]
fn the_tracked_types_are_configurable() {
    let settings = ScanSettings {
        contractor_user_types: vec!["intern".into(), "vendor".into()],
        ..ScanSettings::default()
    };
    assert!(contractor_row(&contractor(Some("2026-06-30")), &settings).is_none());
    let vendor = ScannedUser {
        user_type: Some("vendor".into()),
        ..contractor(Some("2026-06-30"))
    };
    assert!(contractor_row(&vendor, &settings).is_some());
}

#[test]
fn passwords_sort_expired_first_then_by_date_then_login() {
    let p = policy(90);
    let dated = |id: &str, days: i64, status| {
        let mut u = user(id, status);
        u.password_changed = Some(changed() + Duration::days(days));
        password_row(&u, Some(&p)).unwrap()
    };
    let undated = password_row(
        &ScannedUser {
            password_changed: None,
            ..user("zz", UserStatus::PasswordExpired)
        },
        Some(&p),
    )
    .unwrap();
    let mut rows = vec![
        dated("b", 5, UserStatus::Active),
        dated("a", 5, UserStatus::Active),
        dated("x", 30, UserStatus::PasswordExpired),
        undated,
        dated("c", 1, UserStatus::LockedOut),
    ];
    sort_passwords(&mut rows);
    let order: Vec<&str> = rows.iter().map(|r| r.user_id.as_str()).collect();
    assert_eq!(order, ["zz", "x", "c", "a", "b"]);
}

#[test]
fn contractors_sort_by_end_date_then_login() {
    let settings = ScanSettings::default();
    let row = |login: &str, end: &str| {
        let mut u = contractor(Some(end));
        u.login = login.into();
        contractor_row(&u, &settings).unwrap()
    };
    let mut rows = vec![
        row("b", "2026-02-01"),
        row("c", "2026-01-01"),
        row("a", "2026-02-01"),
    ];
    sort_contractors(&mut rows);
    let order: Vec<&str> = rows.iter().map(|r| r.login.as_str()).collect();
    assert_eq!(order, ["c", "a", "b"]);
}
