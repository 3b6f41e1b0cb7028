//! The lockout poller against the simulator: batches, health, and pacing by the rate limit.

use std::sync::Arc;
use std::time::Duration;

use accessdesk::idp::okta::{ClientOptions, OktaClient};
use accessdesk::services::{FeedEvent, PollerConfig, lockout_poller};
use accessdesk::sim::{self, SimConfig};
use secrecy::SecretString;
use tokio::sync::mpsc;
use tokio::time::timeout;

const TOKEN: &str = "poller-test-token";

async fn next(rx: &mut mpsc::Receiver<FeedEvent>) -> FeedEvent {
    timeout(Duration::from_secs(30), rx.recv())
        .await
        .expect("a report in time")
        .expect("poller alive")
}

#[tokio::test]
async fn reports_batches_and_stretches_its_interval_when_the_budget_runs_low() {
    let mut config = SimConfig::new(TOKEN);
    config.users = 40;
    config.lockouts_per_minute = 0.0;
    config.history = false;
    config.rate_limits.logs = 10;
    config.rate_limit_window = Duration::from_secs(30);
    let sim = sim::start(config, ([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    let client = OktaClient::new(
        url::Url::parse(&sim.base_url()).unwrap(),
        SecretString::from(TOKEN),
        ClientOptions::default(),
    )
    .unwrap();
    let (tx, mut rx) = mpsc::channel(16);
    let interval = Duration::from_millis(300);
    let task = tokio::spawn(lockout_poller::run(
        Arc::new(client),
        PollerConfig {
            interval,
            lookback: Duration::from_secs(60),
            pace: None,
        },
        tx,
    ));

    // First poll: nothing yet, healthy.
    let FeedEvent::Lockouts { lockouts, health } = next(&mut rx).await else {
        panic!("first poll failed")
    };
    assert!(lockouts.is_empty());
    assert_eq!(health.consecutive_errors, 0);
    assert!(health.last_success.is_some());
    assert_eq!(health.rate_limit.unwrap().limit, 10);

    // A lockout arrives in the next batch.
    let login = sim.user_logins()[0].clone();
    let injected = sim.lock_user(&login).unwrap();
    let mut found = false;
    let mut stretched = None;
    for _ in 0..9 {
        let FeedEvent::Lockouts { lockouts, health } = next(&mut rx).await else {
            panic!("poll failed")
        };
        found |= lockouts.iter().any(|l| l.uuid == injected.uuid);
        if health.effective_interval > interval {
            stretched = Some(health);
            break;
        }
    }
    assert!(found, "the injected lockout was delivered");
    // Under 10 % of the window left, the poller waits for the reset instead of polling.
    let health = stretched.expect("interval stretched as the budget ran low");
    assert!(health.rate_limit.unwrap().remaining_fraction() < 0.10);
    assert!(
        health.effective_interval > Duration::from_secs(5),
        "{:?}",
        health.effective_interval
    );
    task.abort();
}

#[tokio::test]
async fn failures_are_reported_with_health_and_polling_goes_on() {
    let mut config = SimConfig::new(TOKEN);
    config.users = 20;
    config.lockouts_per_minute = 0.0;
    config.history = false;
    let sim = sim::start(config, ([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    // A wrong token: every poll fails with 401 and is not retried.
    let client = OktaClient::new(
        url::Url::parse(&sim.base_url()).unwrap(),
        SecretString::from("not-the-token"),
        ClientOptions::default(),
    )
    .unwrap();
    let (tx, mut rx) = mpsc::channel(16);
    let task = tokio::spawn(lockout_poller::run(
        Arc::new(client),
        PollerConfig {
            interval: Duration::from_millis(100),
            lookback: Duration::from_secs(60),
            pace: None,
        },
        tx,
    ));
    for expected_errors in 1..=2 {
        let FeedEvent::Failed { health } = next(&mut rx).await else {
            panic!("expected a failure")
        };
        assert_eq!(health.consecutive_errors, expected_errors);
        let message = health.last_error.unwrap();
        assert!(
            message.contains("E0000011") && message.contains("OKTA_CLIENT_TOKEN"),
            "{message}"
        );
        assert!(!message.contains("not-the-token"));
        assert!(health.last_success.is_none());
        assert!(
            health.effective_interval >= Duration::from_millis(200),
            "backs off after errors"
        );
    }
    task.abort();
}
