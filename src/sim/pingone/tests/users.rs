//! Users, passwords, groups and the password policy over HTTP.

use std::collections::HashSet;

use serde_json::Value;

use super::{Sim, error, quiet};
use crate::sim::pingone::user_routes::{SEND_RECOVERY_CODE, UNLOCK};

#[tokio::test]
async fn users_page_through_next_links_without_gaps() {
    let s = Sim::start(quiet(25)).await;
    let mut url = s.api("/users?limit=10");
    let mut ids = Vec::new();
    let mut pages = 0;
    loop {
        let page = s.get_json(&url).await;
        assert_eq!(page["count"], 25);
        let users = page["_embedded"]["users"].as_array().unwrap();
        assert_eq!(page["size"], users.len());
        assert!(
            page["_links"]["self"]["href"]
                .as_str()
                .unwrap()
                .starts_with(&s.api("/users"))
        );
        ids.extend(users.iter().map(|u| u["id"].as_str().unwrap().to_string()));
        assert!(
            users
                .iter()
                .all(|u| u["_links"].as_object().unwrap().len() == 1)
        );
        pages += 1;
        match page["_links"]["next"]["href"].as_str() {
            Some(next) => {
                assert!(next.starts_with(&s.api("/users?")), "{next}");
                url = next.to_string();
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let mut expected = Vec::new();
    for login in s.handle.user_logins() {
        expected.push(s.user(&login).await["id"].as_str().unwrap().to_string());
    }
    assert_eq!(ids, expected, "creation order, each once");
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 25);
    s.shutdown().await;
}

#[tokio::test]
async fn filters_select_and_bad_ones_are_invalid_filter() {
    let s = Sim::start(quiet(40)).await;
    let login = s.handle.user_logins()[3].clone();
    let filter = |f: &str| {
        format!(
            "{}?filter={}",
            s.api("/users"),
            url::form_urlencoded::byte_serialize(f.as_bytes()).collect::<String>()
        )
    };
    let page = s
        .get_json(&filter(&format!(r#"username eq "{login}""#)))
        .await;
    assert_eq!(page["count"], 1);
    assert_eq!(page["_embedded"]["users"][0]["username"], login.as_str());
    let user = s.user(&login).await;
    let family = user["name"]["family"].as_str().unwrap();
    let page = s
        .get_json(&filter(&format!(
            r#"name.family sw "{}" and (enabled eq true or enabled eq false)"#,
            &family[..2]
        )))
        .await;
    let users = page["_embedded"]["users"].as_array().unwrap();
    assert!(users.iter().any(|u| u["id"] == user["id"]));
    assert!(users.iter().all(|u| {
        u["name"]["family"]
            .as_str()
            .unwrap()
            .starts_with(&family[..2])
    }));
    for bad in [
        r#"nickname eq "x""#,
        r#"username eq"#,
        r#"username co "a""#,
        r#"not (username eq "a")"#,
    ] {
        let body = error(s.get(&filter(bad)).await, 400, "INVALID_DATA").await;
        assert_eq!(body["details"][0]["code"], "INVALID_FILTER", "{bad}");
        assert_eq!(body["details"][0]["target"], "filter", "{bad}");
    }
    for limit in ["0", "1001", "x"] {
        let r = s.get(&format!("{}?limit={limit}", s.api("/users"))).await;
        let body = error(r, 400, "INVALID_DATA").await;
        assert_eq!(body["details"][0]["code"], "INVALID_VALUE");
        assert_eq!(body["details"][0]["target"], "limit");
    }
    s.shutdown().await;
}

#[tokio::test]
async fn users_are_found_by_id_or_username_and_unknown_ones_are_404() {
    let s = Sim::start(quiet(10)).await;
    let login = s.handle.user_logins()[4].clone();
    let by_name = s.user(&login).await;
    let id = by_name["id"].as_str().unwrap();
    let by_id = s.get_json(&s.api(&format!("/users/{id}"))).await;
    assert_eq!(by_name, by_id);
    assert_eq!(by_id["environment"]["id"], s.env_id());
    assert_eq!(
        by_id["_links"]["self"]["href"],
        s.api(&format!("/users/{id}"))
    );
    assert_eq!(by_id["identityProvider"]["type"], "PING_ONE");
    let r = s
        .get(&s.api(&format!("/users/{}", uuid::Uuid::new_v4())))
        .await;
    error(r, 404, "NOT_FOUND").await;
    s.shutdown().await;
}

#[tokio::test]
async fn unlock_by_content_type_clears_the_lock_once() {
    let s = Sim::start(quiet(10)).await;
    let login = s.handle.user_logins()[2].clone();
    let lockout = s.handle.lock_user(&login).unwrap();
    let user = s.user(&login).await;
    assert_eq!(lockout.user_id, user["id"].as_str().unwrap());
    assert_eq!(lockout.login, login);
    assert_eq!(user["account"]["status"], "LOCKED");
    assert_eq!(user["account"]["canAuthenticate"], false);
    let locked_at = user["account"]["lockedAt"].as_str().unwrap();
    assert_eq!(crate::sim::org::ids::iso(lockout.published), locked_at);
    assert_eq!(lockout.uuid, format!("{}:{locked_at}", lockout.user_id));
    assert!(
        locked_at.ends_with('Z') && locked_at.len() == 24,
        "{locked_at}"
    );

    let url = s.api(&format!("/users/{}", lockout.user_id));
    let wrong = s.post_as(&url, "application/json").await;
    error(wrong, 415, "INVALID_REQUEST").await;
    assert_eq!(s.user(&login).await["account"]["status"], "LOCKED");

    let r = s.post_as(&url, UNLOCK).await;
    assert_eq!(r.status(), 200);
    let unlocked: Value = r.json().await.unwrap();
    assert_eq!(unlocked["account"]["status"], "OK");
    assert_eq!(unlocked["account"]["canAuthenticate"], true);
    assert!(unlocked["account"].get("lockedAt").is_none());
    assert_eq!(s.handle.user_json(&login).unwrap()["status"], "ACTIVE");
    error(s.post_as(&url, UNLOCK).await, 400, "REQUEST_FAILED").await;

    // The control endpoint takes a PingOne id too and answers in the feed's terms.
    let other = s.user(&s.handle.user_logins()[6]).await;
    let injected: Value = reqwest::Client::new()
        .post(format!("{}/__sim/lockouts", s.handle.base_url()))
        .json(&serde_json::json!({"login": other["id"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(injected["userId"], other["id"]);
    let locked_at = s.user(&s.handle.user_logins()[6]).await["account"]["lockedAt"].clone();
    assert_eq!(
        injected["uuid"],
        format!(
            "{}:{}",
            other["id"].as_str().unwrap(),
            locked_at.as_str().unwrap()
        )
    );
    s.shutdown().await;
}

#[tokio::test]
async fn password_state_and_recovery_codes() {
    let s = Sim::start(quiet(200)).await;
    let policies = s.get_json(&s.api("/passwordPolicies")).await;
    let policies = policies["_embedded"]["passwordPolicies"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(policies.len(), 1);
    assert_eq!(policies[0]["default"], true);
    let mut seen = HashSet::new();
    for login in s.handle.user_logins() {
        let okta = s.handle.user_json(&login).unwrap();
        let user = s.user(&login).await;
        let url = s.api(&format!("/users/{}/password", user["id"].as_str().unwrap()));
        let state = s.get_json(&url).await;
        assert_eq!(state["user"]["id"], user["id"]);
        assert_eq!(state["passwordPolicy"]["id"], policies[0]["id"]);
        let expected = match okta["status"].as_str().unwrap() {
            "PASSWORD_EXPIRED" => "PASSWORD_EXPIRED",
            "STAGED" | "PROVISIONED" => "NO_PASSWORD",
            "RECOVERY" => "MUST_CHANGE_PASSWORD",
            _ => "OK",
        };
        assert_eq!(state["status"], expected, "{login}");
        assert_eq!(state["lastChangedAt"], okta["passwordChanged"]);
        seen.insert(expected);
        let r = s.post_as(&url, SEND_RECOVERY_CODE).await;
        if expected == "NO_PASSWORD" || user["enabled"] == false {
            error(r, 400, "REQUEST_FAILED").await;
        } else {
            assert_eq!(r.status(), 200, "{login}");
            let after: Value = r.json().await.unwrap();
            assert_eq!(after["status"], state["status"], "the status does not move");
        }
    }
    assert!(
        seen.contains("OK") && seen.contains("NO_PASSWORD"),
        "{seen:?}"
    );
    let user = s.user(&s.handle.user_logins()[0]).await;
    let url = s.api(&format!("/users/{}/password", user["id"].as_str().unwrap()));
    error(s.post_as(&url, "text/plain").await, 415, "INVALID_REQUEST").await;
    s.shutdown().await;
}

#[tokio::test]
async fn groups_and_memberships_name_the_same_groups() {
    let s = Sim::start(quiet(30)).await;
    let groups = s.get_json(&s.api("/groups")).await;
    let all = groups["_embedded"]["groups"].as_array().unwrap();
    assert_eq!(groups["count"], all.len());
    let names: HashSet<&str> = all.iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert!(
        !names.contains("Everyone"),
        "PingOne has no built-in Everyone group"
    );
    let login = s.handle.user_logins()[5].clone();
    let user = s.user(&login).await;
    let memberships = s
        .get_json(&s.api(&format!(
            "/users/{}/memberOfGroups",
            user["id"].as_str().unwrap()
        )))
        .await;
    let memberships = memberships["_embedded"]["groupMemberships"]
        .as_array()
        .unwrap();
    assert!(!memberships.is_empty());
    for m in memberships {
        assert_eq!(m["type"], "DIRECT");
        let group = all.iter().find(|g| g["id"] == m["id"]).unwrap();
        assert_eq!(group["name"], m["name"]);
        // The membership filter finds the user.
        let f = format!(r#"memberOfGroups[id eq "{}"]"#, m["id"].as_str().unwrap());
        let url = format!(
            "{}?limit=1000&filter={}",
            s.api("/users"),
            url::form_urlencoded::byte_serialize(f.as_bytes()).collect::<String>()
        );
        let members = s.get_json(&url).await;
        assert!(
            members["_embedded"]["users"]
                .as_array()
                .unwrap()
                .iter()
                .any(|u| u["id"] == user["id"])
        );
    }
    s.shutdown().await;
}
