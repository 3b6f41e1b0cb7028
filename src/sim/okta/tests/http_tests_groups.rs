//! Groups and the users filters an expiry scan needs, over real HTTP on 127.0.0.1.

use reqwest::Response;
use serde_json::Value;

use super::http_tests::{get, header, quiet, sim};
use crate::sim::SimHandle;

fn next_link(r: &Response) -> Option<String> {
    r.headers().get_all("link").iter().find_map(|l| {
        l.to_str()
            .ok()?
            .strip_suffix(">; rel=\"next\"")
            .and_then(|u| u.strip_prefix('<'))
            .map(str::to_string)
    })
}

/// Follows `next` links from `url`, returning every item and the number of pages.
async fn all_pages(url: String) -> (Vec<Value>, usize) {
    let (mut items, mut pages, mut url) = (Vec::new(), 0, url);
    loop {
        let r = get(&url).await;
        assert_eq!(r.status(), 200, "{url}");
        let next = next_link(&r);
        items.extend(r.json::<Vec<Value>>().await.unwrap());
        pages += 1;
        match next {
            Some(n) => url = n,
            None => return (items, pages),
        }
    }
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn every_user(s: &SimHandle) -> Vec<Value> {
    s.user_logins()
        .iter()
        .filter_map(|l| s.user_json(l))
        .collect()
}

fn ids(users: &[Value]) -> Vec<String> {
    users
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn groups_list_get_and_members_page_with_links() {
    let s = sim(quiet(120)).await;
    let base = s.base_url();
    let r = get(&format!("{base}/api/v1/groups")).await;
    assert_eq!(header(&r, "x-rate-limit-limit"), "1200");
    assert!(r.headers().contains_key("x-rate-limit-remaining"));
    let groups: Vec<Value> = r.json().await.unwrap();
    let admins = groups
        .iter()
        .find(|g| g["profile"]["name"] == "Admins")
        .unwrap();
    let admins_id = admins["id"].as_str().unwrap();
    let one: Value = get(&format!("{base}/api/v1/groups/{admins_id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(&one, admins);

    // The admin's own groups list the same objects.
    let mine: Vec<Value> = get(&format!("{base}/api/v1/users/me/groups"))
        .await
        .json()
        .await
        .unwrap();
    assert!(mine.contains(admins));

    let everyone = groups.iter().find(|g| g["type"] == "BUILT_IN").unwrap();
    let (members, pages) = all_pages(format!(
        "{base}/api/v1/groups/{}/users?limit=50",
        everyone["id"].as_str().unwrap()
    ))
    .await;
    assert_eq!(pages, 3);
    assert_eq!(ids(&members), ids(&every_user(&s)));
    // Members render exactly as the users list renders them.
    let listed: Vec<Value> = get(&format!("{base}/api/v1/users?limit=1"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(members[0], listed[0]);

    let (admin_members, _) = all_pages(format!("{base}/api/v1/groups/{admins_id}/users")).await;
    let me = s.user_json("me").unwrap();
    assert!(ids(&admin_members).contains(&me["id"].as_str().unwrap().to_string()));
    assert!(admin_members.len() < members.len());

    for path in ["groups/00gnope", "groups/00gnope/users"] {
        let r = get(&format!("{base}/api/v1/{path}")).await;
        assert_eq!(r.status(), 404);
        assert_eq!(header(&r, "x-rate-limit-limit"), "1200");
        assert_eq!(r.json::<Value>().await.unwrap()["errorCode"], "E0000007");
    }
    s.shutdown().await;
}

#[tokio::test]
async fn groups_filter_by_membership_date_over_http() {
    let s = sim(quiet(30)).await;
    let base = s.base_url();
    let groups: Vec<Value> = get(&format!("{base}/api/v1/groups"))
        .await
        .json()
        .await
        .unwrap();
    let mut dates: Vec<&str> = groups
        .iter()
        .map(|g| g["lastMembershipUpdated"].as_str().unwrap())
        .collect();
    dates.sort();
    let cut = dates[dates.len() / 2];
    let filter = format!(r#"lastMembershipUpdated gt "{cut}" or type eq "BUILT_IN""#);
    let (hits, _) = all_pages(format!("{base}/api/v1/groups?filter={}", encode(&filter))).await;
    let expected: Vec<&Value> = groups
        .iter()
        .filter(|g| g["lastMembershipUpdated"].as_str().unwrap() > cut || g["type"] == "BUILT_IN")
        .collect();
    assert_eq!(hits.iter().collect::<Vec<_>>(), expected);
    assert!(!hits.is_empty() && hits.len() < groups.len());
    let r = get(&format!(
        "{base}/api/v1/groups?filter={}",
        encode(r#"profile.name eq "Admins""#)
    ))
    .await;
    assert_eq!(r.status(), 400);
    s.shutdown().await;
}

#[tokio::test]
async fn users_filter_on_last_updated_with_status_pages_over_http() {
    let s = sim(quiet(150)).await;
    let base = s.base_url();
    let everyone = every_user(&s);
    let mut dates: Vec<&str> = everyone
        .iter()
        .map(|u| u["lastUpdated"].as_str().unwrap())
        .collect();
    dates.sort();
    let cut = dates[dates.len() / 2];
    // Without milliseconds, as a client might write it: compared as an instant.
    let cut_seconds = format!("{}Z", &cut[..19]);
    let cut_seconds_ms = format!("{}.000Z", &cut[..19]);
    let newer = |u: &&Value| u["lastUpdated"].as_str().unwrap() > cut;

    let filter = format!(r#"lastUpdated gt "{cut}""#);
    let (hits, pages) = all_pages(format!(
        "{base}/api/v1/users?limit=20&filter={}",
        encode(&filter)
    ))
    .await;
    let expected: Vec<Value> = everyone.iter().filter(newer).cloned().collect();
    assert_eq!(ids(&hits), ids(&expected));
    assert!(pages >= 3, "{pages} pages");

    let filter = format!(r#"lastUpdated ge "{cut_seconds}" and status eq "ACTIVE""#);
    let (hits, _) = all_pages(format!("{base}/api/v1/users?filter={}", encode(&filter))).await;
    let expected: Vec<Value> = everyone
        .iter()
        .filter(|u| u["lastUpdated"].as_str().unwrap() >= cut_seconds_ms.as_str())
        .filter(|u| u["status"] == "ACTIVE")
        .cloned()
        .collect();
    assert_eq!(ids(&hits), ids(&expected));
    assert!(!expected.is_empty());

    let filter = format!(r#"lastUpdated lt "{cut}" or status eq "LOCKED_OUT""#);
    let (hits, _) = all_pages(format!("{base}/api/v1/users?filter={}", encode(&filter))).await;
    let expected: Vec<Value> = everyone
        .iter()
        .filter(|u| u["lastUpdated"].as_str().unwrap() < cut || u["status"] == "LOCKED_OUT")
        .cloned()
        .collect();
    assert_eq!(ids(&hits), ids(&expected));

    let filter = format!(r#"lastUpdated le "{cut}""#);
    let (hits, _) = all_pages(format!("{base}/api/v1/users?filter={}", encode(&filter))).await;
    assert_eq!(
        hits.len() + everyone.iter().filter(newer).count(),
        everyone.len()
    );
    s.shutdown().await;
}
