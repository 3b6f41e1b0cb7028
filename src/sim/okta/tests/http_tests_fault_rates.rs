//! Faults by rate over real HTTP: a seeded simulator answers the same request sequence with
//! the same faults, in about the shares asked for, each shaped as Okta (or a proxy) sends it.

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::Client;
use serde_json::Value;

use super::http_tests::{TOKEN, quiet, sim};
use crate::sim::server::faults::GARBAGE;
use crate::sim::{Fault, FaultRates, SimHandle};

const SPEC: &str = "429=10%,500=5%,503=5%,garbage=5%,html=5%,truncated=5%,reset=5%,slow=5%:20ms";
const REQUESTS: usize = 400;

async fn seeded(seed: u64) -> SimHandle {
    let mut c = quiet(20);
    c.seed = seed;
    c.fault_rates = SPEC.parse::<FaultRates>().unwrap();
    sim(c).await
}

/// No pooled connections: a dropped one is seen as dropped, never silently retried.
fn fresh_connections() -> Client {
    Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// What one answer was, by the spec's keys (`ok` for a normal answer, slow or not).
async fn outcome(client: &Client, url: &str) -> String {
    let response = match client
        .get(url)
        .header("Authorization", format!("SSWS {TOKEN}"))
        .send()
        .await
    {
        Ok(r) => r,
        Err(_) => return "reset".into(),
    };
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let content_type = headers["content-type"].to_str().unwrap().to_string();
    let Ok(body) = response.bytes().await else {
        return "reset".into();
    };
    let json = serde_json::from_slice::<Value>(&body);
    match status {
        200 => match json {
            Ok(user) => {
                assert!(user["profile"]["login"].is_string(), "{user}");
                "ok".into()
            }
            Err(_) if body == GARBAGE.as_bytes() => "garbage".into(),
            Err(_) => "truncated".into(),
        },
        429 => {
            let error = json.expect("Okta's error JSON");
            assert_eq!(error["errorCode"], "E0000047");
            assert_eq!(headers["x-rate-limit-remaining"], "0");
            let reset: i64 = headers["x-rate-limit-reset"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!(
                reset > chrono::Utc::now().timestamp(),
                "a future epoch second"
            );
            assert!(headers.contains_key("retry-after"));
            "429".into()
        }
        502 if content_type.starts_with("text/html") => {
            assert!(String::from_utf8_lossy(&body).contains("<title>502 Bad Gateway</title>"));
            "html".into()
        }
        500 | 503 => {
            let error = json.expect("Okta's error JSON");
            let code = if status == 500 {
                "E0000009"
            } else {
                "E0000010"
            };
            assert_eq!(error["errorCode"], code);
            status.to_string()
        }
        other => panic!("unexpected HTTP {other}"),
    }
}

async fn run(sim: &SimHandle) -> Vec<String> {
    let client = fresh_connections();
    let login = sim.user_logins()[3].clone();
    let url = format!("{}/api/v1/users/{login}", sim.base_url());
    let mut outcomes = Vec::with_capacity(REQUESTS);
    for _ in 0..REQUESTS {
        outcomes.push(outcome(&client, &url).await);
    }
    outcomes
}

fn counts(outcomes: &[String]) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for o in outcomes {
        *counts.entry(o.clone()).or_default() += 1;
    }
    counts
}

#[tokio::test]
async fn a_seeded_simulator_meets_the_same_faults_in_the_shares_asked() {
    let first = seeded(11).await;
    let a = run(&first).await;
    let tally = first.fault_tally();
    assert_eq!(tally.rolled, REQUESTS as u64);
    // Every fault the die chose is what the client saw (a slow answer is still an answer).
    let mut seen = counts(&a);
    let slow = tally.injected.get("slow").copied().unwrap_or_default();
    assert!(slow > 0, "{tally:?}");
    *seen.get_mut("ok").unwrap() -= slow;
    seen.insert("slow".into(), slow);
    seen.remove("ok");
    assert_eq!(seen, tally.injected);
    // 10 % of 400 is 40 ± 6 (one sigma), 5 % is 20 ± 4.4; all faults 45 % is 180 ± 10.
    let faults: u64 = tally.injected.values().sum();
    assert!((130..=230).contains(&faults), "{tally:?}");
    assert!((15..=70).contains(&tally.injected["429"]), "{tally:?}");
    for key in ["500", "503", "garbage", "html", "truncated", "reset"] {
        assert!((3..=45).contains(&tally.injected[key]), "{key}: {tally:?}");
    }
    first.shutdown().await;

    let again = seeded(11).await;
    assert_eq!(run(&again).await, a, "the same seed, the same faults");
    again.shutdown().await;
    let other = seeded(12).await;
    assert_ne!(run(&other).await, a, "another seed, other faults");
    other.shutdown().await;
}

#[tokio::test]
async fn queued_faults_go_first_and_do_not_roll_the_die() {
    let s = seeded(5).await;
    s.inject_fault(Fault::status(504, 2));
    let client = fresh_connections();
    let url = format!("{}/api/v1/users/{}", s.base_url(), s.user_logins()[1]);
    for _ in 0..2 {
        let r = client
            .get(&url)
            .header("Authorization", format!("SSWS {TOKEN}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 504);
    }
    assert_eq!(s.fault_tally().rolled, 0);
    outcome(&client, &url).await;
    assert_eq!(s.fault_tally().rolled, 1);
    // The control paths never meet a fault.
    for _ in 0..50 {
        let r = client
            .get(format!("{}/__sim/faults", s.base_url()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let tally: Value = r.json().await.unwrap();
        assert_eq!(tally["rolled"], 1);
    }
    s.shutdown().await;
}
