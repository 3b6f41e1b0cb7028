//! Password changes and group membership moves, seen the way an incremental expiry scan
//! sees them: over real HTTP on 127.0.0.1.

use std::time::Duration;

use reqwest::Client;
use serde_json::{Value, json};

use super::http_tests::{TOKEN, get, quiet, sim};
use crate::sim::SimError;
use crate::sim::org::ids::iso;

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn json(url: &str) -> Value {
    let r = get(url).await;
    assert_eq!(r.status(), 200, "{url}");
    r.json().await.unwrap()
}

/// An instant strictly before anything that happens next.
async fn mark() -> String {
    let t = iso(chrono::Utc::now());
    tokio::time::sleep(Duration::from_millis(5)).await;
    t
}

fn logins(users: &Value) -> Vec<String> {
    let mut l: Vec<String> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["profile"]["login"].as_str().unwrap().to_string())
        .collect();
    l.sort();
    l
}

#[tokio::test]
async fn a_password_change_moves_the_user_into_an_incremental_filter() {
    let s = sim(quiet(200)).await;
    let base = s.base_url();
    let expired = s
        .user_logins()
        .into_iter()
        .find(|l| s.user_json(l).unwrap()["status"] == "PASSWORD_EXPIRED")
        .unwrap();
    let since = mark().await;
    s.change_password(&expired).unwrap();
    let user = json(&format!("{base}/api/v1/users/{expired}")).await;
    assert_eq!(user["status"], "ACTIVE");
    assert_eq!(user["passwordChanged"], user["lastUpdated"]);
    assert_eq!(user["statusChanged"], user["lastUpdated"]);
    assert!(user["passwordChanged"].as_str().unwrap() > since.as_str());

    let filter = encode(&format!(r#"lastUpdated gt "{since}""#));
    let changed = json(&format!("{base}/api/v1/users?filter={filter}")).await;
    assert_eq!(logins(&changed), std::slice::from_ref(&expired));

    let events = json(&format!(
        "{base}/api/v1/logs?since={}&filter={}",
        encode(&since),
        encode(r#"eventType eq "user.account.update_password""#)
    ))
    .await;
    assert_eq!(events.as_array().unwrap().len(), 1);
    assert_eq!(events[0]["target"][0]["alternateId"], expired.as_str());

    // A batch through the control endpoint, then the same incremental filter.
    let since = mark().await;
    let r = Client::new()
        .post(format!("{base}/__sim/password-changes"))
        .json(&json!({"count": 5}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let mut batch: Vec<String> = r.json::<Value>().await.unwrap()["logins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_string())
        .collect();
    batch.sort();
    assert_eq!(batch.len(), 5);
    let filter = encode(&format!(r#"lastUpdated gt "{since}""#));
    let changed = json(&format!("{base}/api/v1/users?filter={filter}")).await;
    assert_eq!(logins(&changed), batch);
    assert_eq!(
        s.change_password("ghost"),
        Err(SimError::UnknownUser("ghost".into()))
    );
    s.shutdown().await;
}

#[tokio::test]
async fn admin_lifecycle_operations_move_last_updated() {
    let s = sim(quiet(60)).await;
    let base = s.base_url();
    let active = s
        .user_logins()
        .into_iter()
        .find(|l| {
            let u = s.user_json(l).unwrap();
            u["status"] == "ACTIVE" && u["_links"]["expirePassword"].is_object()
        })
        .unwrap();
    let since = mark().await;
    let r = Client::new()
        .post(format!(
            "{base}/api/v1/users/{active}/lifecycle/expire_password"
        ))
        .header("Authorization", format!("SSWS {TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let filter = encode(&format!(r#"lastUpdated gt "{since}""#));
    let changed = json(&format!("{base}/api/v1/users?filter={filter}")).await;
    assert_eq!(logins(&changed), std::slice::from_ref(&active));
    assert_eq!(changed[0]["status"], "PASSWORD_EXPIRED");
    s.shutdown().await;
}

#[tokio::test]
async fn membership_moves_show_in_the_groups_filter_and_member_lists() {
    let s = sim(quiet(80)).await;
    let base = s.base_url();
    let groups = json(&format!("{base}/api/v1/groups")).await;
    let admins = groups
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["profile"]["name"] == "Admins")
        .unwrap()
        .clone();
    let members = |v: &Value| logins(v);
    let id = admins["id"].as_str().unwrap();
    let before = members(&json(&format!("{base}/api/v1/groups/{id}/users")).await);
    let outsider = s
        .user_logins()
        .into_iter()
        .find(|l| !before.contains(l))
        .unwrap();
    let since = mark().await;
    s.add_to_group(&outsider, "Admins").unwrap();
    let after = members(&json(&format!("{base}/api/v1/groups/{id}/users")).await);
    assert_eq!(after.len(), before.len() + 1);
    assert!(after.contains(&outsider));
    let filter = encode(&format!(r#"lastMembershipUpdated gt "{since}""#));
    let moved = json(&format!("{base}/api/v1/groups?filter={filter}")).await;
    assert_eq!(moved.as_array().unwrap().len(), 1);
    assert_eq!(moved[0]["id"], id);
    // The user's own record does not move (as in Okta).
    let user_filter = encode(&format!(r#"lastUpdated gt "{since}""#));
    let users = json(&format!("{base}/api/v1/users?filter={user_filter}")).await;
    assert!(users.as_array().unwrap().is_empty());

    s.remove_from_group(&outsider, "admins").unwrap();
    let again = members(&json(&format!("{base}/api/v1/groups/{id}/users")).await);
    assert_eq!(again, before);
    assert_eq!(
        s.add_to_group(&outsider, "Everyone"),
        Err(SimError::BuiltInGroup("Everyone".into()))
    );
    assert_eq!(
        s.add_to_group(&outsider, "Nobody"),
        Err(SimError::UnknownGroup("Nobody".into()))
    );
    s.shutdown().await;
}
