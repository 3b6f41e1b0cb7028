//! `watch` killed with SIGKILL at random moments and restarted: every lockout notice is
//! delivered over real SMTP, none is missing, and a duplicate is only the message in flight at
//! a kill, with the same Message-ID (at most one per kill). The last run stops on SIGTERM
//! and exits 0.

mod notify_support;
mod watch_support;

use rand::{Rng, SeedableRng};
use std::collections::BTreeSet;
use std::time::Duration;
use watch_support::{WatchEnv, kill, lockout_message_id, terminate};

const KILLS: usize = 5;
const LOCKOUTS_PER_ROUND: usize = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_lockout_notice_arrives_once_per_message_id_across_kills() {
    let mut env = WatchEnv::start("").await;
    let seed: u64 = rand::rng().random();
    eprintln!("kill timing seed: {seed}");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut users = env.logins().into_iter();
    let mut expected: BTreeSet<String> = BTreeSet::new();

    for _ in 0..KILLS {
        let mut child = env.spawn(&[]);
        for _ in 0..LOCKOUTS_PER_ROUND {
            let login = users.next().expect("enough users");
            expected.insert(lockout_message_id(&env.lock(&login)));
            std::thread::sleep(Duration::from_millis(rng.random_range(50..700)));
        }
        // Kill at a random moment: before the poll, mid-delivery, or after it.
        std::thread::sleep(Duration::from_millis(rng.random_range(0..1500)));
        kill(&mut child);
        // A lockout while nobody watches: the persisted cursor finds it.
        let login = users.next().expect("enough users");
        expected.insert(lockout_message_id(&env.lock(&login)));
    }

    let mut last = env.spawn(&[]);
    // A surge the last run sees whole: ten lockouts in a minute make a burst alert.
    for _ in 0..10 {
        let login = users.next().expect("enough users");
        expected.insert(lockout_message_id(&env.lock(&login)));
    }
    let all_arrived = env.wait_for(Duration::from_secs(30), |ids| {
        expected.iter().all(|id| ids.contains_key(id))
    });
    let status = terminate(&mut last, Duration::from_secs(20));
    let ids = env.message_ids();
    let missing: Vec<&String> = expected
        .iter()
        .filter(|id| !ids.contains_key(*id))
        .collect();
    assert!(
        all_arrived && missing.is_empty(),
        "missing notices {missing:?}\n{}",
        env.stderr()
    );
    // Alerts (bursts: every round locks users out fast) reach the help-desk webhook.
    let posts = env.webhook_posts();
    assert!(
        !posts.is_empty(),
        "no alert reached the webhook\n{}",
        env.stderr()
    );
    // Repeats only of the one message in flight at a kill, by either channel.
    let repeats: usize =
        ids.values().map(|n| n - 1).sum::<usize>() + posts.values().map(|n| n - 1).sum::<usize>();
    eprintln!(
        "{} notices expected, {} messages received, {} alerts posted, {repeats} repeats",
        expected.len(),
        ids.values().sum::<usize>(),
        posts.values().sum::<usize>()
    );
    assert!(
        repeats <= KILLS,
        "{repeats} repeated messages for {KILLS} kills: {ids:?}"
    );
    assert!(
        ids.values().all(|&n| n <= 2),
        "a notice came three times: {ids:?}"
    );
    assert!(posts.values().all(|&n| n <= 2), "an alert came three times");
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(0),
        "SIGTERM ends watch cleanly\n{}",
        env.stderr()
    );
}
