//! Pacing within the share of each window, a 429 waited out, faults as clear errors, and the
//! background task keeping the stored result through a failure.

use std::sync::Arc;
use std::time::Duration;

use accessdesk::idp::okta::{ClientOptions, OktaClient};
use accessdesk::idp::{Directory, ScanEndpoint};
use accessdesk::services::expiry_scanner::{ScanEvent, ScanSettings, full_scan, run};
use accessdesk::sim::Fault;
use accessdesk::store::ExpiryStore;

use super::setup::{TOKEN, USERS, client, config, count, fast, since, start};

/// The highest use of the users window the sim reported during a scan at `share`.
async fn peak_window_use(dir: &OktaClient, share: f64) -> (u32, bool) {
    let settings = ScanSettings {
        rate_limit_share: share,
        ..ScanSettings::default()
    };
    let (mut peak, mut waited) = (0, false);
    full_scan(dir, &settings, &mut |p| {
        waited |= p.waiting_until.is_some();
        if let Some(w) = dir.scan_rate_limit(ScanEndpoint::Users) {
            peak = peak.max(w.limit - w.remaining);
        }
    })
    .await
    .unwrap();
    (peak, waited)
}

#[tokio::test]
async fn pacing_keeps_within_the_share_of_each_window() {
    let mut c = config(USERS);
    c.rate_limits.users_list = 6;
    c.rate_limit_window = Duration::from_secs(1);
    let sim = start(c).await;
    let dir = client(&sim, fast());
    let pages = USERS.div_ceil(200);
    for (share, cap) in [(0.5, 3), (1.0, 6)] {
        let mark = sim.requests().len();
        let (peak, waited) = peak_window_use(&dir, share).await;
        let made = since(&sim, mark);
        assert!(peak <= cap, "share {share}: {peak} of 6 used in one window");
        assert!(
            peak >= cap - 1,
            "share {share}: the budget is used, not wasted ({peak})"
        );
        assert!(
            waited,
            "share {share}: the scan waited for the window and said so"
        );
        // Every users request was answered: a 429 would have been sent again.
        assert_eq!(
            count(&made, |p| p == "/api/v1/users"),
            pages,
            "share {share}"
        );
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn a_429_mid_scan_is_waited_out_and_the_scan_continues() {
    let mut c = config(USERS);
    c.rate_limit_window = Duration::from_secs(1);
    let sim = start(c).await;
    let dir = client(&sim, fast());
    let settings = ScanSettings::default();
    let clean = full_scan(&dir, &settings, &mut |_| {}).await.unwrap();
    let mark = sim.requests().len();
    let mut injected = false;
    let scan = full_scan(&dir, &settings, &mut |p| {
        if p.users_seen >= 600 && !injected {
            sim.inject_fault(Fault::status(429, 1).on_path("/api/v1/users"));
            injected = true;
        }
    })
    .await
    .unwrap();
    let made = since(&sim, mark);
    assert!(injected);
    assert_eq!(
        count(&made, |p| p == "/api/v1/users"),
        USERS.div_ceil(200) + 1
    );
    assert_eq!(scan.passwords, clean.passwords);
    assert_eq!(scan.contractors, clean.contractors);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_fault_mid_scan_is_a_clear_error() {
    let mut c = config(USERS);
    c.rate_limit_window = Duration::from_secs(1);
    let sim = start(c).await;
    // 429s are not waited out by the client here, so the scanner's own retries run out.
    let dir = client(
        &sim,
        ClientOptions {
            max_rate_limit_wait: Duration::ZERO,
            ..fast()
        },
    );
    let cases = [
        (Fault::status(500, 4), "HTTP 500"),
        (Fault::html(502, 4), "HTML page titled \"502 Bad Gateway\""),
        (Fault::html(200, 1), "HTML page titled \"200 OK\""),
        (Fault::garbage(1), "unexpected response (HTTP 200"),
        (Fault::garbage(1), "not JSON"),
        (Fault::status(429, 4), "rate limit exceeded"),
    ];
    for (fault, expected) in cases {
        let mut fault = Some(fault.on_path("/api/v1/users"));
        let outcome = full_scan(&dir, &ScanSettings::default(), &mut |p| {
            if p.users_seen >= 400
                && let Some(f) = fault.take()
            {
                sim.inject_fault(f);
            }
        })
        .await;
        let message = outcome.expect_err(expected).to_string();
        assert!(message.contains(expected), "{expected}: {message}");
        assert!(!message.contains(TOKEN));
    }
    sim.shutdown().await;
}

async fn next_outcome(rx: &mut tokio::sync::mpsc::Receiver<ScanEvent>) -> ScanEvent {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(60), rx.recv())
            .await
            .expect("the scanner reports in time")
            .expect("the scanner is running");
        if !matches!(event, ScanEvent::Progress(_)) {
            return event;
        }
    }
}

#[tokio::test]
async fn the_task_stores_each_result_and_a_failed_refresh_keeps_the_previous_one() {
    let sim = start(config(USERS)).await;
    let dir = Arc::new(client(&sim, fast()));
    let data = tempfile::tempdir().unwrap();
    let path = ExpiryStore::default_path(data.path());
    let settings = ScanSettings {
        refresh_interval: Duration::from_millis(200),
        ..ScanSettings::default()
    };

    let (tx, mut rx) = tokio::sync::mpsc::channel(16);
    let first = tokio::spawn(run(
        dir.clone(),
        settings.clone(),
        Some(ExpiryStore::open(&path).unwrap()),
        tx,
    ));
    let ScanEvent::Finished(scanned) = next_outcome(&mut rx).await else {
        panic!("a first scan");
    };
    drop(rx);
    first.await.unwrap();
    assert_eq!(
        ExpiryStore::open(&path).unwrap().load().unwrap().as_ref(),
        Some(&*scanned)
    );

    sim.inject_fault(Fault::status(500, 4).on_path("/api/v1/policies"));
    let (tx, mut rx) = tokio::sync::mpsc::channel(16);
    let second = tokio::spawn(run(
        dir.clone(),
        settings,
        Some(ExpiryStore::open(&path).unwrap()),
        tx,
    ));
    let ScanEvent::Loaded(loaded) = next_outcome(&mut rx).await else {
        panic!("the stored scan first");
    };
    assert_eq!(loaded, scanned);
    let ScanEvent::Failed { error, .. } = next_outcome(&mut rx).await else {
        panic!("the refresh fails");
    };
    assert!(error.contains("HTTP 500"), "{error}");
    assert_eq!(
        ExpiryStore::open(&path).unwrap().load().unwrap().as_ref(),
        Some(&*scanned)
    );
    let ScanEvent::Finished(refreshed) = next_outcome(&mut rx).await else {
        panic!("the retry succeeds");
    };
    assert!(refreshed.as_of > scanned.as_of);
    assert_eq!(
        refreshed.full_scan_at, scanned.full_scan_at,
        "incremental after a restart"
    );
    assert_eq!(refreshed.passwords, scanned.passwords);
    drop(rx);
    second.await.unwrap();
    sim.shutdown().await;
}
