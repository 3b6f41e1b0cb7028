//! Faults by rate on the PingOne API: the same seed gives the same faults, shaped as PingOne
//! sends them (429 `REQUEST_LIMITED` with `Retry-After`); the token endpoint is spared.

use std::time::Duration;

use reqwest::Client;
use serde_json::Value;

use super::{Sim, quiet};
use crate::sim::FaultRates;
use crate::sim::server::faults::GARBAGE;

const REQUESTS: usize = 200;

async fn seeded(seed: u64) -> Sim {
    let mut c = quiet(10);
    c.seed = seed;
    c.fault_rates = "429=10%,500=5%,garbage=5%,truncated=5%,reset=5%,html=5%"
        .parse::<FaultRates>()
        .unwrap();
    Sim::start(c).await
}

async fn outcomes(s: &Sim) -> Vec<String> {
    let client = Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let url = s.api("/users?limit=1");
    let mut seen = Vec::new();
    for _ in 0..REQUESTS {
        let Ok(r) = client.get(&url).bearer_auth(&s.token).send().await else {
            seen.push("reset".to_string());
            continue;
        };
        let status = r.status().as_u16();
        let retry_after = r.headers().get("retry-after").cloned();
        let html = r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html");
        let body = r.bytes().await.unwrap();
        let json = serde_json::from_slice::<Value>(&body);
        seen.push(match (status, json) {
            (200, Ok(page)) => {
                assert!(page["_embedded"]["users"].is_array(), "{page}");
                "ok".into()
            }
            (200, Err(_)) if body == GARBAGE.as_bytes() => "garbage".into(),
            (200, Err(_)) => "truncated".into(),
            (429, Ok(e)) => {
                assert_eq!(e["code"], "REQUEST_LIMITED");
                let secs: u64 = retry_after.unwrap().to_str().unwrap().parse().unwrap();
                assert!(secs >= 1);
                "429".into()
            }
            (502, _) if html => "html".into(),
            (500, Ok(e)) => {
                assert_eq!(e["code"], "UNEXPECTED_ERROR");
                "500".into()
            }
            (other, _) => panic!(
                "unexpected HTTP {other}: {}",
                String::from_utf8_lossy(&body)
            ),
        });
    }
    seen
}

#[tokio::test]
async fn a_seeded_pingone_simulator_repeats_its_faults() {
    let first = seeded(3).await;
    let a = outcomes(&first).await;
    let tally = first.handle.fault_tally();
    // The token request of `Sim::start` did not roll: only the API requests did.
    assert_eq!(tally.rolled, REQUESTS as u64);
    let faults = a.iter().filter(|o| *o != "ok").count() as u64;
    assert_eq!(faults, tally.injected.values().sum::<u64>());
    // 35 % of 200 is 70 ± 7 (one sigma).
    assert!((40..=100).contains(&faults), "{tally:?}");
    for key in ["429", "500", "garbage", "truncated", "reset", "html"] {
        assert!(a.iter().any(|o| o == key), "{key}: {tally:?}");
    }
    first.shutdown().await;
    let again = seeded(3).await;
    assert_eq!(outcomes(&again).await, a);
    again.shutdown().await;
}
