//! Lockout notices keep the daily cap and the gap across a restart of `watch`: the outbox,
//! not the process, remembers what went.

mod notify_support;
mod watch_support;

use std::time::Duration;
use watch_support::{WatchEnv, lockout_message_id, terminate};

/// Until `barrier`'s notice arrives (a later lockout of another user: the feed is in order,
/// so everything before it was handled).
fn wait_for_barrier(env: &WatchEnv, barrier: &str) {
    assert!(
        env.wait_for(Duration::from_secs(20), |ids| ids.contains_key(barrier)),
        "the barrier notice never came\n{}",
        env.stderr()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gap_holds_across_a_restart() {
    // The defaults: 4 a day, 6 hours apart.
    let mut env = WatchEnv::start("").await;
    let logins = env.logins();
    let (user, other) = (&logins[0], &logins[1]);

    let mut child = env.spawn(&[]);
    let first = lockout_message_id(&env.lock(user));
    wait_for_barrier(&env, &first);
    assert_eq!(
        terminate(&mut child, Duration::from_secs(20)).and_then(|s| s.code()),
        Some(0)
    );

    let mut child = env.spawn(&[]);
    let second = lockout_message_id(&env.lock(user));
    let barrier = lockout_message_id(&env.lock(other));
    wait_for_barrier(&env, &barrier);
    terminate(&mut child, Duration::from_secs(20));

    let ids = env.message_ids();
    assert_eq!(ids.get(&first), Some(&1));
    assert!(
        !ids.contains_key(&second),
        "a second notice within 6 hours went out\n{}",
        env.stderr()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daily_cap_holds_across_a_restart() {
    let mut env =
        WatchEnv::start("[reminders]\nlockout_notices_per_day = 2\nlockout_notice_gap_hours = 0\n")
            .await;
    let logins = env.logins();
    let (user, other, third) = (&logins[0], &logins[1], &logins[2]);

    let mut child = env.spawn(&[]);
    let first = lockout_message_id(&env.lock(user));
    wait_for_barrier(&env, &first);
    terminate(&mut child, Duration::from_secs(20));

    let mut child = env.spawn(&[]);
    // Unlocked by the simulator's lock again: a new event each time.
    let second = lockout_message_id(&env.lock(user));
    let barrier = lockout_message_id(&env.lock(other));
    wait_for_barrier(&env, &barrier);
    let over_cap = lockout_message_id(&env.lock(user));
    let barrier = lockout_message_id(&env.lock(third));
    wait_for_barrier(&env, &barrier);
    terminate(&mut child, Duration::from_secs(20));

    let ids = env.message_ids();
    assert_eq!(ids.get(&first), Some(&1));
    assert_eq!(
        ids.get(&second),
        Some(&1),
        "the second of the day goes\n{}",
        env.stderr()
    );
    assert!(
        !ids.contains_key(&over_cap),
        "the third of the day is held back"
    );
}
