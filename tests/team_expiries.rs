//! The desk's expiry scan (team mode): `watch`'s role saves it whole, an agent reads exactly
//! what was saved but cannot write it, and a dashboard following it is told at start (or that
//! no watch has scanned yet) and again when a newer scan is saved.

mod team_support;

use chrono::{Duration, TimeZone, Utc};
use tokio::sync::mpsc;

use accessdesk::model::{ExpiryScan, PasswordExpiryRow, UserStatus};
use accessdesk::services::expiry_scanner::{ScanEvent, desk};
use accessdesk::store::ExpiryStore;
use team_support::Desk;

fn scan(users: usize, minute: u32) -> ExpiryScan {
    let t = Utc.with_ymd_and_hms(2026, 12, 4, 9, minute, 0).unwrap();
    ExpiryScan {
        passwords: (0..users)
            .map(|n| PasswordExpiryRow {
                user_id: format!("00u{n}"),
                login: format!("user{n}@example.com"),
                name: format!("User {n}"),
                status: UserStatus::Active,
                department: (n % 2 == 0).then(|| "Sales".to_string()),
                email: format!("user{n}@example.com"),
                policy_id: "00p1".into(),
                policy_name: "Default Policy".into(),
                password_changed: Some(t - Duration::days(80)),
                expires_at: Some(t + Duration::days(n as i64)),
            })
            .collect(),
        contractors: Vec::new(),
        as_of: Some(t),
        full_scan_at: Some(t),
        users_seen: users as u64 * 3,
        policies: Vec::new(),
        deciding_groups: Vec::new(),
    }
}

#[test]
fn watch_saves_the_desks_scan_and_agents_read_it_but_cannot_write_it() {
    let desk = Desk::start();
    desk.role("watcher", "accessdesk_watch");
    let mut watch = ExpiryStore::team(desk.connect_as("watcher"));
    let mut alice = ExpiryStore::team(desk.agent("alice"));
    assert_eq!(alice.load().unwrap(), None, "nothing before the first scan");

    let first = scan(3, 0);
    watch.save(&first).unwrap();
    assert_eq!(alice.load().unwrap(), Some(first.clone()));
    let newer = scan(5, 10);
    watch.save(&newer).unwrap();
    assert_eq!(alice.load().unwrap(), Some(newer.clone()), "replaced whole");

    let refused = alice.save(&first).unwrap_err().to_string();
    assert!(refused.contains("the desk's expiry scan"), "{refused}");
    assert_eq!(watch.load().unwrap(), Some(newer));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dashboard_follows_the_desks_scan_instead_of_scanning() {
    let desk = tokio::task::spawn_blocking(|| {
        let desk = Desk::start();
        desk.role("watcher", "accessdesk_watch");
        desk
    })
    .await
    .unwrap();
    let alice = tokio::task::block_in_place(|| desk.agent("alice"));
    let (tx, mut rx) = mpsc::channel(8);
    let every = std::time::Duration::from_millis(200);
    let follower = tokio::spawn(desk::follow_every(alice, tx, every));

    match rx.recv().await.unwrap() {
        ScanEvent::Awaiting(why) => assert!(why.contains("no watch has scanned"), "{why}"),
        other => panic!("expected the no-scan-yet report, got {other:?}"),
    }

    let watcher = tokio::task::block_in_place(|| desk.connect_as("watcher"));
    let first = scan(4, 0);
    accessdesk::team::expiry_scan::save(&watcher, &first)
        .await
        .unwrap();
    let got = tokio::time::timeout(every * 20, rx.recv())
        .await
        .expect("the saved scan arrives")
        .unwrap();
    match got {
        ScanEvent::Finished(scan) => assert_eq!(*scan, first),
        other => panic!("expected the desk's scan, got {other:?}"),
    }
    follower.abort();

    // A dashboard that starts now is shown the saved scan at once.
    let bob = tokio::task::block_in_place(|| desk.agent("bob"));
    let (tx, mut rx) = mpsc::channel(8);
    let follower = tokio::spawn(desk::follow(bob, tx));
    match rx.recv().await.unwrap() {
        ScanEvent::Loaded(scan) => assert_eq!(*scan, first),
        other => panic!("expected the stored scan, got {other:?}"),
    }
    follower.abort();
}
