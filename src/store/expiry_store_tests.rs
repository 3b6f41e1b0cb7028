use chrono::{Duration, NaiveDate, TimeZone, Utc};

use super::*;
use crate::model::{
    ContractorExpiryRow, GroupMembers, PasswordExpiryRow, PasswordPolicy, UserStatus,
};

fn sample() -> ExpiryScan {
    let t = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap() + Duration::nanoseconds(123_456_789);
    ExpiryScan {
        passwords: vec![
            PasswordExpiryRow {
                user_id: "00u2".into(),
                login: "zed@example.com".into(),
                name: "Zed Z".into(),
                status: UserStatus::PasswordExpired,
                department: None,
                email: "zed@example.com".into(),
                policy_id: "00p1".into(),
                policy_name: "Default Policy".into(),
                password_changed: None,
                expires_at: None,
            },
            PasswordExpiryRow {
                user_id: "00u1".into(),
                login: "ada@example.com".into(),
                name: "Ada Lovelace".into(),
                status: UserStatus::Other("WEIRD".into()),
                department: Some("Engineering".into()),
                email: "ada.l@example.com".into(),
                policy_id: "00p2".into(),
                policy_name: "Administrators".into(),
                password_changed: Some(t - Duration::days(50)),
                expires_at: Some(t + Duration::days(10)),
            },
        ],
        contractors: vec![ContractorExpiryRow {
            user_id: "00u3".into(),
            login: "cy@example.com".into(),
            name: "Cy C".into(),
            status: UserStatus::Active,
            department: Some("Sales".into()),
            user_type: "contractor".into(),
            ends_on: NaiveDate::from_ymd_opt(2026, 4, 30).unwrap(),
            manager_id: Some("00u1".into()),
            manager_login: Some("ada@example.com".into()),
            manager_name: Some("Ada Lovelace".into()),
            manager_email: Some("ada.l@example.com".into()),
        }],
        as_of: Some(t),
        full_scan_at: Some(t - Duration::hours(3)),
        users_seen: 2_000,
        policies: vec![PasswordPolicy {
            id: "00p2".into(),
            name: "Administrators".into(),
            priority: 1,
            active: true,
            system: false,
            include_groups: vec!["00gA".into(), "00gB".into()],
            exclude_groups: vec!["00gX".into()],
            max_age_days: 60,
            expire_warn_days: 7,
            last_updated: Some(t - Duration::days(100)),
            unreadable: false,
        }],
        deciding_groups: vec![
            GroupMembers {
                group_id: "00gB".into(),
                member_ids: vec!["00u1".into(), "00u9".into()],
            },
            GroupMembers {
                group_id: "00gA".into(),
                member_ids: Vec::new(),
            },
        ],
    }
}

#[test]
fn a_saved_scan_reads_back_exactly_after_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = LocalExpiryStore::default_path(&dir.path().join("data"));
    let mut store = LocalExpiryStore::open(&path).unwrap();
    assert_eq!(store.load().unwrap(), None, "nothing saved yet");
    store.save(&sample()).unwrap();
    drop(store);
    let mut store = LocalExpiryStore::open(&path).unwrap();
    assert_eq!(store.load().unwrap(), Some(sample()));
}

#[test]
fn a_save_replaces_the_previous_scan() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = LocalExpiryStore::open(dir.path().join(EXPIRY_STORE_FILE)).unwrap();
    store.save(&sample()).unwrap();
    let mut smaller = sample();
    smaller.passwords.truncate(1);
    smaller.contractors.clear();
    smaller.deciding_groups.truncate(1);
    smaller.deciding_groups[0].member_ids.pop();
    store.save(&smaller).unwrap();
    assert_eq!(store.load().unwrap(), Some(smaller));
}

#[cfg(unix)]
#[test]
fn the_file_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(EXPIRY_STORE_FILE);
    std::fs::write(&path, b"").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut store = LocalExpiryStore::open(&path).unwrap();
    store.save(&sample()).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn an_older_layout_is_rebuilt_and_a_newer_one_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(EXPIRY_STORE_FILE);
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE scan (junk TEXT); PRAGMA user_version = 0;")
            .unwrap();
    }
    let mut store = LocalExpiryStore::open(&path).unwrap();
    store.save(&sample()).unwrap();
    assert_eq!(store.load().unwrap(), Some(sample()));
    drop(store);
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    let err = LocalExpiryStore::open(&path).unwrap_err();
    assert!(
        matches!(err, StoreError::TooNew { found, .. } if found == SCHEMA_VERSION + 1),
        "{err}"
    );
}

#[test]
fn an_unreadable_value_is_reported_with_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(EXPIRY_STORE_FILE);
    let mut store = LocalExpiryStore::open(&path).unwrap();
    store.save(&sample()).unwrap();
    Connection::open(&path)
        .unwrap()
        .execute("UPDATE contractor_expiry SET ends_on = 'soon'", [])
        .unwrap();
    let err = store.load().unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{message}");
    assert!(
        message.contains("ends_on") && message.contains(EXPIRY_STORE_FILE),
        "{message}"
    );
}
