//! `accessdesk reminders --date D --json` against the simulator: what the forecast lists is
//! what an independent reading of the directory says is due that day — computed here from the
//! raw users, groups and password policies with plain date arithmetic, not the schedule code.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashSet};

use accessdesk::sim::{self, SimConfig, SimHandle};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::America::Los_Angeles;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_accessdesk");
const TOKEN: &str = "forecast-test-token";
const STAGES: [i64; 5] = [14, 7, 4, 2, 1];

async fn start() -> SimHandle {
    let mut config = SimConfig::new(TOKEN);
    config.seed = 7;
    config.users = 1500;
    config.lockouts_per_minute = 0.0;
    config.password_changes_per_hour = Some(0.0);
    config.history = false;
    sim::start(config, ([127, 0, 0, 1], 0).into())
        .await
        .unwrap()
}

/// Every item of a paged collection, following `link: <…>; rel="next"`.
async fn all(sim: &SimHandle, first: &str) -> Vec<Value> {
    let http = reqwest::Client::new();
    let mut url = format!("{}{first}", sim.base_url());
    let mut items = Vec::new();
    loop {
        let answer = http
            .get(&url)
            .header("Authorization", format!("SSWS {TOKEN}"))
            .send()
            .await
            .unwrap();
        assert!(answer.status().is_success(), "{url}: {}", answer.status());
        let next = answer
            .headers()
            .get_all("link")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.contains("rel=\"next\""))
            .map(|v| v[v.find('<').unwrap() + 1..v.find('>').unwrap()].to_string());
        let page: Vec<Value> = answer.json().await.unwrap();
        items.extend(page);
        match next {
            Some(n) => url = n,
            None => return items,
        }
    }
}

fn time(v: &Value) -> Option<DateTime<Utc>> {
    v.as_str()
        .map(|s| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc))
}

fn la_day(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&Los_Angeles).date_naive()
}

fn at_ten(day: NaiveDate) -> DateTime<Utc> {
    Los_Angeles
        .from_local_datetime(&day.and_time(NaiveTime::from_hms_opt(10, 0, 0).unwrap()))
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

#[derive(Debug, Default, PartialEq)]
struct Expected {
    /// (login, days before expiry)
    reminders: BTreeSet<(String, i64)>,
    expired: BTreeSet<String>,
    /// manager login → contractors ending at a digest stage that day
    digests: BTreeMap<String, usize>,
}

async fn expected_on(sim: &SimHandle, day: NaiveDate) -> Expected {
    let mut policies: Vec<Value> = all(sim, "/api/v1/policies?type=PASSWORD")
        .await
        .into_iter()
        .filter(|p| p["status"] == "ACTIVE")
        .collect();
    policies.sort_by_key(|p| (p["system"].as_bool() == Some(true), p["priority"].as_u64()));
    let mut members: BTreeMap<String, HashSet<String>> = BTreeMap::new();
    for p in &policies {
        for which in ["include", "exclude"] {
            for g in p["conditions"]["people"]["groups"][which]
                .as_array()
                .into_iter()
                .flatten()
            {
                let g = g.as_str().unwrap().to_string();
                let path = format!("/api/v1/groups/{g}/users?limit=1000");
                if let Entry::Vacant(slot) = members.entry(g) {
                    let ids = all(sim, &path)
                        .await
                        .iter()
                        .map(|u| u["id"].as_str().unwrap().to_string())
                        .collect();
                    slot.insert(ids);
                }
            }
        }
    }
    let users = all(sim, "/api/v1/users?limit=200").await;
    let in_any = |p: &Value, which: &str, id: &str| {
        p["conditions"]["people"]["groups"][which]
            .as_array()
            .into_iter()
            .flatten()
            .any(|g| members[g.as_str().unwrap()].contains(id))
    };
    let logins: BTreeMap<&str, &str> = users
        .iter()
        .map(|u| {
            (
                u["id"].as_str().unwrap(),
                u["profile"]["login"].as_str().unwrap(),
            )
        })
        .collect();
    let mut out = Expected::default();
    for u in &users {
        let id = u["id"].as_str().unwrap();
        let login = u["profile"]["login"].as_str().unwrap().to_string();
        let status = u["status"].as_str().unwrap();
        if u["profile"]["userType"] == "contractor"
            && let Some(end) = u["profile"]["contractEndDate"].as_str()
        {
            let end = NaiveDate::parse_from_str(end, "%Y-%m-%d").unwrap();
            let manager = u["profile"]["managerId"]
                .as_str()
                .and_then(|m| logins.get(m));
            if let Some(manager) = manager
                && STAGES.contains(&(end - day).num_days())
            {
                *out.digests.entry(manager.to_string()).or_default() += 1;
            }
        }
        if status == "SUSPENDED" || u["credentials"]["provider"]["type"] != "OKTA" {
            continue;
        }
        let policy = policies.iter().find(|p| {
            (p["system"].as_bool() == Some(true) || in_any(p, "include", id))
                && !in_any(p, "exclude", id)
        });
        let max_age = policy
            .and_then(|p| p["settings"]["password"]["age"]["maxAgeDays"].as_i64())
            .unwrap_or(0);
        let Some(changed) = time(&u["passwordChanged"]).filter(|_| max_age > 0) else {
            continue;
        };
        let expires = changed + Duration::days(max_age);
        // The expired notice goes at the first 10:00 at or after the expiry.
        let notice_day = if at_ten(la_day(expires)) >= expires {
            la_day(expires)
        } else {
            la_day(expires) + Duration::days(1)
        };
        if notice_day == day {
            out.expired.insert(login.clone());
        }
        let before = (la_day(expires) - day).num_days();
        let send = at_ten(day);
        if status != "PASSWORD_EXPIRED"
            && STAGES.contains(&before)
            && send >= changed
            && send < expires
        {
            out.reminders.insert((login, before));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn the_forecast_lists_exactly_what_the_directory_says_is_due() {
    let sim = start().await;
    let data = tempfile::tempdir().unwrap();
    let today = la_day(Utc::now());
    let mut compared = 0;
    for day in [today + Duration::days(3), today + Duration::days(10)] {
        let expected = expected_on(&sim, day).await;
        let mut cmd = std::process::Command::new(BIN);
        cmd.args(["reminders", "--date", &day.to_string(), "--json"])
            .env("OKTA_CLIENT_ORGURL", sim.base_url())
            .env("OKTA_CLIENT_TOKEN", TOKEN)
            .env("ACCESSDESK_DATA_DIR", data.path())
            .env("HOME", data.path())
            .env("XDG_CONFIG_HOME", data.path().join("config"))
            .stdin(std::process::Stdio::null());
        let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        let mut got = Expected::default();
        for line in String::from_utf8(out.stdout).unwrap().lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            let login = v["login"].as_str().unwrap().to_string();
            let send_at = DateTime::parse_from_rfc3339(v["send_at"].as_str().unwrap()).unwrap();
            assert_eq!(send_at.date_naive(), day, "{line}");
            match v["kind"].as_str().unwrap() {
                "password_reminder" => {
                    assert_eq!(send_at.time(), NaiveTime::from_hms_opt(10, 0, 0).unwrap());
                    assert!(v["expires_at"].is_string(), "{line}");
                    got.reminders.insert((login, v["stage"].as_i64().unwrap()));
                }
                "password_expired" => {
                    got.expired.insert(login);
                }
                "contractor_digest" => {
                    assert_eq!(send_at.time(), NaiveTime::from_hms_opt(11, 0, 0).unwrap());
                    let listed = v["contractors"].as_array().unwrap();
                    assert!(listed.len() <= 4, "at most 4 listed: {line}");
                    for c in listed {
                        let days = c["days_left"].as_i64().unwrap();
                        assert!(STAGES.contains(&days), "{line}");
                    }
                    let more = v["more"].as_u64().unwrap_or(0) as usize;
                    assert!(more == 0 || listed.len() == 4, "{line}");
                    let previous = got.digests.insert(login, listed.len() + more);
                    assert!(previous.is_none(), "one digest per manager a day: {line}");
                }
                other => panic!("unexpected kind {other}: {line}"),
            }
        }
        assert!(
            !expected.reminders.is_empty() && !expected.digests.is_empty(),
            "the seeded org has reminders and digests due on {day}: {expected:?}"
        );
        assert_eq!(got, expected, "{day}");
        compared += expected.reminders.len() + expected.expired.len() + expected.digests.len();
    }
    assert!(compared > 20, "{compared} items compared");
    sim.shutdown().await;
}
