//! Audit activities over HTTP: the required recordedat bound, filters, oldest-first paging
//! without gaps, and the activities the API's own writes leave (unlock, recovery, deletion).

use std::collections::HashSet;

use chrono::{Duration, Utc};
use reqwest::Client;
use serde_json::Value;

use super::{Sim, error, header, quiet};
use crate::sim::RateBudgets;
use crate::sim::org::ids::iso;
use crate::sim::pingone::user_routes::{SEND_RECOVERY_CODE, UNLOCK};

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

fn since(minutes: i64) -> String {
    iso(Utc::now() - Duration::minutes(minutes))
}

impl Sim {
    async fn activities(&self, filter: &str, limit: usize) -> Vec<Value> {
        let mut url = format!(
            "{}?filter={}&limit={limit}",
            self.api("/activities"),
            enc(filter)
        );
        let mut all = Vec::new();
        loop {
            let page = self.get_json(&url).await;
            let items = page["_embedded"]["activities"].as_array().unwrap();
            assert!(items.len() <= limit);
            assert_eq!(page["size"], items.len());
            all.extend(items.iter().cloned());
            match page["_links"]["next"]["href"].as_str() {
                Some(next) => url = next.to_string(),
                None => break,
            }
        }
        all
    }
}

#[tokio::test]
async fn a_recordedat_bound_is_required_and_other_filters_are_checked() {
    let s = Sim::start(quiet(10)).await;
    for bad in [
        None,
        Some(r#"action.type eq "USER.UNLOCKED""#),
        Some(r#"nickname eq "x""#),
        Some("recordedat gt"),
    ] {
        let url = match bad {
            None => s.api("/activities"),
            Some(f) => format!("{}?filter={}", s.api("/activities"), enc(f)),
        };
        let body = error(s.get(&url).await, 400, "INVALID_DATA").await;
        assert_eq!(body["details"][0]["code"], "INVALID_FILTER", "{bad:?}");
        assert_eq!(body["details"][0]["target"], "filter");
    }
    let ok = format!(
        "{}?filter={}&limit=0",
        s.api("/activities"),
        enc(&format!(r#"recordedAt gt "{}""#, since(5)))
    );
    let body = error(s.get(&ok).await, 400, "INVALID_DATA").await;
    assert_eq!(body["details"][0]["target"], "limit");
    s.shutdown().await;
}

#[tokio::test]
async fn pages_run_oldest_first_without_gaps() {
    let mut config = quiet(120);
    config.history = true;
    // Two hours of history in small pages is more than the default 120 reads a minute.
    config.rate_limits.logs = 100_000;
    let s = Sim::start(config).await;
    let filter = format!(r#"recordedat gt "{}""#, since(180));
    let first = s
        .get_json(&format!(
            "{}?filter={}&limit=1000",
            s.api("/activities"),
            enc(&filter)
        ))
        .await;
    let total = first["count"].as_u64().unwrap() as usize;
    assert!(total > 40, "two hours of history: {total}");
    let paged = s.activities(&filter, 17).await;
    assert!(total.div_ceil(17) >= 3);
    assert_eq!(paged.len(), total);
    let ids: HashSet<&str> = paged.iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), total, "no activity twice");
    let times: Vec<&str> = paged
        .iter()
        .map(|a| a["recordedAt"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "oldest first");
    let big: Vec<&Value> = first["_embedded"]["activities"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    assert!(
        paged.iter().take(big.len()).eq(big.iter().copied()),
        "the same activities however they are paged"
    );

    let failed = s
        .activities(
            &format!(r#"{filter} and (action.type eq "PASSWORD.CHECK_FAILED" or action.type eq "AUTHENTICATION.CREATED")"#),
            50,
        )
        .await;
    assert!(!failed.is_empty());
    assert!(failed.iter().all(|a| {
        let t = &a["action"]["type"];
        t == "PASSWORD.CHECK_FAILED" || t == "AUTHENTICATION.CREATED"
    }));
    s.shutdown().await;
}

#[tokio::test]
async fn lockouts_unlocks_recoveries_and_deletions_become_activities() {
    let s = Sim::start(quiet(40)).await;
    let from = since(1);
    let login = s.handle.user_logins()[3].clone();
    let lockout = s.handle.lock_user(&login).unwrap();
    let user = s.user(&login).await;
    let by_user = s
        .activities(
            &format!(
                r#"recordedat ge "{from}" and resources.id eq "{}""#,
                lockout.user_id
            ),
            100,
        )
        .await;
    let lock = by_user
        .iter()
        .find(|a| a["action"]["type"] == "PASSWORD.CHECK_FAILED")
        .expect("the lockout's activity");
    assert_eq!(lock["result"]["status"], "FAILED");
    assert_eq!(lock["resources"][0]["id"], lockout.user_id.as_str());
    assert_eq!(lock["resources"][0]["name"], login.as_str());
    assert_eq!(lock["recordedAt"], user["account"]["lockedAt"]);

    let unlock = s
        .post_as(&s.api(&format!("/users/{}", lockout.user_id)), UNLOCK)
        .await;
    assert_eq!(unlock.status(), 200);
    let correlation = header(&unlock, "correlation-id");
    let recovery = s
        .post_as(
            &s.api(&format!("/users/{}/password", lockout.user_id)),
            SEND_RECOVERY_CODE,
        )
        .await;
    assert_eq!(recovery.status(), 200);

    let devices = s
        .get_json(&s.api(&format!("/users/{}/devices", lockout.user_id)))
        .await;
    let deleted = devices["_embedded"]["devices"]
        .as_array()
        .unwrap()
        .first()
        .map(|d| d["id"].as_str().unwrap().to_string());
    if let Some(device) = &deleted {
        let r = s
            .bearer(
                Client::new()
                    .delete(s.api(&format!("/users/{}/devices/{device}", lockout.user_id))),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204);
    }

    let writes = s
        .activities(
            &format!(
                r#"recordedat ge "{from}" and resources.id eq "{}" and (action.type eq "USER.UNLOCKED" or action.type eq "PASSWORD.RECOVERY" or action.type eq "DEVICE.DELETED")"#,
                lockout.user_id
            ),
            100,
        )
        .await;
    let of = |t: &str| writes.iter().find(|a| a["action"]["type"] == t);
    let unlocked = of("USER.UNLOCKED").expect("USER.UNLOCKED");
    assert_eq!(unlocked["actors"]["client"]["id"], s.client_id());
    assert_eq!(unlocked["actors"]["client"]["type"], "CLIENT");
    assert_eq!(unlocked["correlationId"], correlation.as_str());
    assert!(of("PASSWORD.RECOVERY").is_some());
    assert_eq!(of("DEVICE.DELETED").is_some(), deleted.is_some());
    let by_correlation = s
        .activities(
            &format!(r#"recordedat ge "{from}" and correlationid eq "{correlation}""#),
            10,
        )
        .await;
    assert_eq!(by_correlation.len(), 1);
    s.shutdown().await;
}

#[tokio::test]
async fn activities_have_their_own_rate_budget() {
    let mut config = quiet(5);
    config.rate_limits = RateBudgets {
        logs: 1,
        default: 5,
        ..RateBudgets::default()
    };
    let s = Sim::start(config).await;
    let url = format!(
        "{}?filter={}",
        s.api("/activities"),
        enc(&format!(r#"recordedat gt "{}""#, since(5)))
    );
    assert_eq!(s.get(&url).await.status(), 200);
    let limited = s.get(&url).await;
    assert!(header(&limited, "retry-after").parse::<u64>().unwrap() >= 1);
    error(limited, 429, "REQUEST_LIMITED").await;
    assert_eq!(s.get(&s.api("/users")).await.status(), 200);
    s.shutdown().await;
}
