//! Team mode's feed, with the real binary and a real PostgreSQL: two `watch` replicas elect
//! one leader, which polls the simulator and writes the desk's feed; a follower
//! (`lockouts --follow` as an agent) prints it without asking the IdP. The leader is killed
//! with SIGKILL; the standby takes over from the shared cursor, and every lockout the
//! simulator logged is in the feed and printed exactly once.

mod team_support;

use std::collections::{HashMap, HashSet};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use accessdesk::sim::{self, SimConfig, SimHandle};
use accessdesk::team::claims::{self, ClaimError};
use chrono::Utc;
use team_support::{Desk, collect, log_requests};

const BIN: &str = env!("CARGO_BIN_EXE_accessdesk");
const TOKEN: &str = "team-watch-test-token";

struct Proc {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
    _data: tempfile::TempDir,
}

impl Proc {
    /// `accessdesk <args>` in team mode as database role `role`, on the simulator.
    fn spawn(desk: &Desk, sim: &SimHandle, role: &str, args: &[&str]) -> Proc {
        let data = tempfile::tempdir().unwrap();
        let config = data.path().join("accessdesk.toml");
        std::fs::write(
            &config,
            "[lockouts]\npoll_interval_secs = 1\nlookback_minutes = 5\n\n\
             [notices]\nfrom = \"IT Service Desk <helpdesk@example.com>\"\n\
             daily_summary_time = \"off\"\n",
        )
        .unwrap();
        let mut child = Command::new(BIN)
            .args(args)
            .arg("--config")
            .arg(&config)
            .env("OKTA_CLIENT_ORGURL", sim.base_url())
            .env("OKTA_CLIENT_TOKEN", TOKEN)
            .env("ACCESSDESK_DATABASE_URL", desk.url_for(role))
            .env("ACCESSDESK_DATABASE_PASSWORD", format!("{role}-pw"))
            .env("ACCESSDESK_DATA_DIR", data.path().join("data"))
            .env("HOME", data.path())
            .env("XDG_CONFIG_HOME", data.path().join("config"))
            .env("ACCESSDESK_LOG", "debug")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        Proc {
            lines: collect(child.stdout.take().unwrap()),
            stderr: collect(child.stderr.take().unwrap()),
            child,
            _data: data,
        }
    }

    /// `field` of every JSON line on stdout that has `also` too.
    fn field_of_lines(&self, field: &str, also: &str) -> Vec<String> {
        self.lines
            .lock()
            .unwrap()
            .iter()
            .filter_map(|line| {
                let v: serde_json::Value = serde_json::from_str(line).ok()?;
                v.get(also)?;
                Some(v[field].as_str()?.to_string())
            })
            .collect()
    }

    fn uuids(&self) -> Vec<String> {
        self.field_of_lines("uuid", "uuid")
    }

    /// The keys of the notices this process delivered on its JSON-lines channel.
    fn delivered(&self) -> Vec<String> {
        self.field_of_lines("key", "message_id")
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().join("\n")
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Which replica leads, by the pid in the leader's name in `feed_state`.
fn leader_pid(desk: &Desk) -> Option<u32> {
    let pool = desk.admin.pool().clone();
    let leader: Option<String> = desk.admin.block_on(async move {
        sqlx::query_scalar("SELECT leader FROM feed_state WHERE feed = 'lockouts'")
            .fetch_optional(&pool)
            .await
            .unwrap()
    });
    let leader = leader?;
    let pid = leader.rsplit("(pid ").next()?.trim_end_matches(')');
    pid.parse().ok()
}

fn feed_uuids(desk: &Desk) -> Vec<String> {
    let pool = desk.admin.pool().clone();
    desk.admin.block_on(async move {
        sqlx::query_scalar("SELECT uuid FROM lockouts ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap()
    })
}

fn sent_keys(desk: &Desk) -> HashSet<String> {
    let pool = desk.admin.pool().clone();
    desk.admin.block_on(async move {
        sqlx::query_scalar::<_, String>("SELECT key FROM notices WHERE state = 'sent'")
            .fetch_all(&pool)
            .await
            .unwrap()
            .into_iter()
            .collect()
    })
}

fn wait_until(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    done()
}

#[test]
fn a_killed_leader_is_replaced_and_no_lockout_is_lost_or_repeated() {
    let desk = Desk::start();
    desk.role("watcher", "accessdesk_watch");
    desk.role("alice", "accessdesk_agent");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut config = SimConfig::new(TOKEN);
    config.seed = 13;
    config.users = 200;
    config.lockouts_per_minute = 120.0;
    config.history = false;
    let sim = rt
        .block_on(sim::start(config, ([127, 0, 0, 1], 0).into()))
        .unwrap();

    let mut first = Proc::spawn(&desk, &sim, "watcher", &["watch"]);
    assert!(
        wait_until(Duration::from_secs(30), || leader_pid(&desk).is_some()),
        "no replica took the lead: {}",
        first.stderr()
    );
    let mut second = Proc::spawn(&desk, &sim, "watcher", &["watch"]);
    let mut follower = Proc::spawn(&desk, &sim, "alice", &["lockouts", "--follow", "--json"]);
    std::thread::sleep(Duration::from_secs(6));

    let leader = leader_pid(&desk).unwrap();
    let (killed, standby) = if leader == first.child.id() {
        (&mut first, &mut second)
    } else {
        assert_eq!(leader, second.child.id(), "the leader is one of the two");
        (&mut second, &mut first)
    };
    let _ = killed.child.kill();
    let _ = killed.child.wait();
    let killed_at = Instant::now();
    let standby_pid = standby.child.id();
    assert!(
        wait_until(Duration::from_secs(15), || leader_pid(&desk)
            == Some(standby_pid)),
        "the standby did not take over: {}",
        standby.stderr()
    );
    println!(
        "takeover: the standby led {:.1} s after the kill",
        killed_at.elapsed().as_secs_f64()
    );
    std::thread::sleep(Duration::from_secs(6));

    let stop = Utc::now();
    let expected: Vec<String> = sim
        .logged_lockouts()
        .into_iter()
        .filter(|l| l.published <= stop)
        .map(|l| l.uuid)
        .collect();
    assert!(expected.len() >= 20, "traffic ran: {}", expected.len());
    let caught_up = wait_until(Duration::from_secs(20), || {
        let printed: HashSet<String> = follower.uuids().into_iter().collect();
        expected.iter().all(|u| printed.contains(u))
    });
    let in_feed: HashSet<String> = feed_uuids(&desk).into_iter().collect();
    let missing_in_feed: Vec<&String> = expected.iter().filter(|u| !in_feed.contains(*u)).collect();
    assert!(
        missing_in_feed.is_empty(),
        "not in the desk's feed: {missing_in_feed:?}"
    );

    let printed = follower.uuids();
    let mut times: HashMap<&str, usize> = HashMap::new();
    for u in &printed {
        *times.entry(u.as_str()).or_default() += 1;
    }
    let missing: Vec<&String> = expected
        .iter()
        .filter(|u| !times.contains_key(u.as_str()))
        .collect();
    let repeated: Vec<_> = times.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        caught_up && missing.is_empty(),
        "the follower missed {missing:?}\n{}",
        follower.stderr()
    );
    assert!(repeated.is_empty(), "printed twice: {repeated:?}");
    println!(
        "lockouts {}, in the feed {}, printed by the follower {}",
        expected.len(),
        in_feed.len(),
        printed.len()
    );

    // With no watch left, the follower still runs and asks the IdP nothing.
    let _ = standby.child.kill();
    let _ = standby.child.wait();
    std::thread::sleep(Duration::from_millis(1500));
    let before = log_requests(&sim);
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        log_requests(&sim),
        before,
        "only a leading watch polls the IdP"
    );
    assert!(
        follower.child.try_wait().unwrap().is_none(),
        "{}",
        follower.stderr()
    );

    // The desk's outbox: each notice delivered once, by whichever replica took it.
    let delivered: Vec<String> = first
        .delivered()
        .into_iter()
        .chain(second.delivered())
        .collect();
    let once: HashSet<&String> = delivered.iter().collect();
    assert_eq!(once.len(), delivered.len(), "a notice delivered twice");
    let sent = sent_keys(&desk);
    assert!(!sent.is_empty(), "lockout notices went out");
    let unmarked: Vec<&String> = delivered.iter().filter(|k| !sent.contains(*k)).collect();
    // Only what the killed replica printed before it could mark it sent.
    assert!(
        unmarked.len() <= 1,
        "delivered but not marked sent: {unmarked:?}"
    );
    let unprinted: Vec<&String> = sent.iter().filter(|k| !once.contains(k)).collect();
    assert!(
        unprinted.is_empty(),
        "marked sent, never delivered: {unprinted:?}"
    );
    println!(
        "notices delivered {} (by the first replica {}, the second {}), none twice",
        delivered.len(),
        first.delivered().len(),
        second.delivered().len()
    );
}

#[test]
fn two_agents_claiming_one_lockout_see_each_others_claim() {
    let desk = Desk::start();
    let alice = desk.agent("alice");
    let bob = desk.agent("bob");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let ttl = Duration::from_secs(600);
        let mine = claims::claim(&alice, "evt-1", Some("00u1"), ttl)
            .await
            .unwrap();
        assert_eq!(mine.agent, "alice");
        // Bob sees it, and cannot take it over.
        match claims::claim(&bob, "evt-1", Some("00u1"), ttl).await {
            Err(ClaimError::HeldBy(held)) => {
                assert_eq!(held.agent, "alice");
                let text = ClaimError::HeldBy(held).to_string();
                assert!(text.starts_with("alice is on this call"), "{text}");
            }
            other => panic!("bob must see alice's claim, got {other:?}"),
        }
        let seen_by_bob = claims::since(&bob, mine.claimed_at).await.unwrap();
        assert_eq!(seen_by_bob, vec![mine.clone()]);
        // Bob cannot release it either; alice can, and then bob may take it.
        assert!(!claims::release(&bob, "evt-1", None).await.unwrap());
        assert!(claims::release(&alice, "evt-1", None).await.unwrap());
        let bobs = claims::claim(&bob, "evt-1", Some("00u1"), ttl)
            .await
            .unwrap();
        assert_eq!(bobs.agent, "bob");
        assert_eq!(claims::held(&alice, "evt-1").await.unwrap(), Some(bobs));

        // A claim that timed out may be taken by anyone.
        claims::claim(&alice, "evt-2", None, Duration::from_millis(200))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(claims::held(&bob, "evt-2").await.unwrap(), None);
        let taken = claims::claim(&bob, "evt-2", None, ttl).await.unwrap();
        assert_eq!(taken.agent, "bob");

        // Done: released with what was done, which alice's screen marks.
        let (tx, mut rx) = tokio::sync::mpsc::channel(8);
        let following = tokio::spawn(claims::follow(alice.clone(), mine.claimed_at, tx));
        let first = rx.recv().await.unwrap();
        assert!(
            first
                .iter()
                .any(|c| c.lockout_uuid == "evt-2" && c.is_live(chrono::Utc::now()))
        );
        assert!(
            claims::release(&bob, "evt-2", Some("unlocked"))
                .await
                .unwrap()
        );
        let marked = loop {
            let claims = rx.recv().await.unwrap();
            if let Some(c) = claims
                .into_iter()
                .find(|c| c.lockout_uuid == "evt-2" && c.released_at.is_some())
            {
                break c;
            }
        };
        assert_eq!(
            (marked.agent.as_str(), marked.outcome.as_deref()),
            ("bob", Some("unlocked"))
        );
        following.abort();
    });
}
