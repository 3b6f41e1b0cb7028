//! The simulated Jira over real HTTP on 127.0.0.1: auth, shapes, paging, writes, faults.

use reqwest::{Client, RequestBuilder, StatusCode};
use serde_json::{Value, json};

use crate::sim::tickets::JIRA_USER;
use crate::sim::{Fault, SimConfig, SimHandle, start};

const TOKEN: &str = "sim-jira-token";

fn quiet(users: usize) -> SimConfig {
    let mut c = SimConfig::new(TOKEN);
    c.users = users;
    c.lockouts_per_minute = 0.0;
    c.password_changes_per_hour = Some(0.0);
    c.history = false;
    c.control = true;
    c
}

async fn sim(config: SimConfig) -> SimHandle {
    start(config, ([127, 0, 0, 1], 0).into()).await.unwrap()
}

fn authed(r: RequestBuilder) -> RequestBuilder {
    r.basic_auth(JIRA_USER, Some(TOKEN))
}

async fn get(s: &SimHandle, path: &str) -> (StatusCode, Value) {
    let r = authed(Client::new().get(format!("{}{path}", s.base_url())))
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn post(s: &SimHandle, path: &str, body: Value) -> (StatusCode, Value) {
    let r = authed(Client::new().post(format!("{}{path}", s.base_url())))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// A seeded ticket in this stage: (key, caller).
fn seeded(s: &SimHandle, stage: &str) -> (String, String) {
    let t = s
        .tickets()
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["stage"] == stage)
        .cloned()
        .unwrap();
    (
        t["jira_key"].as_str().unwrap().into(),
        t["caller"].as_str().unwrap().into(),
    )
}

async fn account_id(s: &SimHandle, email: &str) -> String {
    let (status, users) = get(s, &format!("/rest/api/3/user/search?query={email}")).await;
    assert_eq!(status, 200);
    users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["emailAddress"] == email)
        .unwrap()["accountId"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn wrong_or_missing_credentials_are_401_in_each_apis_shape() {
    let s = sim(quiet(30)).await;
    let base = s.base_url();
    for auth in [
        None,
        Some((JIRA_USER, "wrong")),
        Some(("someone@example.com", TOKEN)),
    ] {
        let mut r = Client::new().get(format!("{base}/rest/servicedeskapi/request/HD-1"));
        if let Some((u, p)) = auth {
            r = r.basic_auth(u, Some(p));
        }
        let r = r.send().await.unwrap();
        assert_eq!(r.status(), 401);
        assert!(
            r.headers()["www-authenticate"]
                .to_str()
                .unwrap()
                .starts_with("Basic")
        );
        let body: Value = r.json().await.unwrap();
        assert!(body["errorMessage"].is_string(), "{body}");
        assert!(body["i18nErrorMessage"]["i18nKey"].is_string());
    }
    let r = Client::new()
        .get(format!("{base}/rest/api/3/user/search?query=a"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert!(body["errorMessages"][0].is_string(), "{body}");
    assert!(body["errors"].is_object());
    assert!(
        s.requests()
            .iter()
            .any(|r| r.path == "/rest/api/3/user/search")
    );
}

#[tokio::test]
async fn a_request_has_jira_clouds_shape() {
    let s = sim(quiet(200)).await;
    let (key, caller) = seeded(&s, "New");
    let (status, r) = get(&s, &format!("/rest/servicedeskapi/request/{key}")).await;
    assert_eq!(status, 200);
    assert_eq!(r["issueKey"], key.as_str());
    assert!(r["issueId"].as_str().unwrap().parse::<u64>().is_ok());
    assert_eq!(r["serviceDeskId"], "1");
    assert_eq!(r["requestTypeId"], "1");
    for k in ["iso8601", "jira", "friendly", "epochMillis"] {
        assert!(!r["createdDate"][k].is_null(), "createdDate.{k}");
    }
    assert_eq!(r["currentStatus"]["status"], "Waiting for support");
    assert_eq!(r["currentStatus"]["statusCategory"], "NEW");
    assert!(r["currentStatus"]["statusDate"]["epochMillis"].is_i64());
    assert_eq!(r["reporter"]["emailAddress"], caller.as_str());
    assert!(
        r["reporter"]["accountId"]
            .as_str()
            .unwrap()
            .starts_with("712020:")
    );
    assert!(r["reporter"]["displayName"].is_string());
    assert_eq!(r["requestFieldValues"][0]["fieldId"], "summary");
    for k in ["web", "self", "jiraRest"] {
        assert!(r["_links"][k].as_str().unwrap().starts_with(&s.base_url()));
    }
    assert!(r.get("requestType").is_none(), "only with expand");
    let (_, expanded) = get(
        &s,
        &format!("/rest/servicedeskapi/request/{key}?expand=requestType"),
    )
    .await;
    assert_eq!(expanded["requestType"]["name"], "Get IT help");
    let (closed, _) = seeded(&s, "Closed");
    let (_, r) = get(&s, &format!("/rest/servicedeskapi/request/{closed}")).await;
    assert_eq!(r["currentStatus"]["statusCategory"], "DONE");
    let (status, r) = get(&s, "/rest/servicedeskapi/request/HD-424242").await;
    assert_eq!(status, 404);
    assert!(r["errorMessage"].as_str().unwrap().contains("HD-424242"));
}

#[tokio::test]
async fn raising_a_request_checks_desk_type_summary_and_customer() {
    let s = sim(quiet(30)).await;
    let caller = s.user_logins()[4].clone();
    let account = account_id(&s, &caller).await;
    let body = |desk: &str, rt: &str, summary: &str, who: &str| {
        json!({
            "serviceDeskId": desk,
            "requestTypeId": rt,
            "requestFieldValues": {"summary": summary, "description": "d"},
            "raiseOnBehalfOf": who,
        })
    };
    let path = "/rest/servicedeskapi/request";
    assert_eq!(post(&s, path, body("2", "1", "x", &account)).await.0, 403);
    assert_eq!(post(&s, path, body("7", "1", "x", &account)).await.0, 404);
    assert_eq!(post(&s, path, body("1", "9", "x", &account)).await.0, 404);
    assert_eq!(post(&s, path, body("1", "1", " ", &account)).await.0, 400);
    // Jira Cloud takes an account id, not an e-mail address.
    assert_eq!(post(&s, path, body("1", "1", "x", &caller)).await.0, 400);
    let before = s.tickets().as_array().unwrap().len();
    let (status, r) = post(&s, path, body("1", "1", "Locked out", &account)).await;
    assert_eq!(status, 201);
    assert_eq!(r["reporter"]["accountId"], account.as_str());
    assert_eq!(r["currentStatus"]["status"], "Waiting for support");
    let desk = s.tickets();
    let all = desk.as_array().unwrap();
    assert_eq!(all.len(), before + 1);
    let made = all.last().unwrap();
    assert_eq!(made["jira_key"], r["issueKey"]);
    assert_eq!(made["caller"], caller.as_str());
    let r = authed(Client::new().post(format!("{}{path}", s.base_url())))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.json::<Value>().await.unwrap()["errorMessage"].is_string());
}

#[tokio::test]
async fn comments_and_transitions_change_the_desk() {
    let s = sim(quiet(200)).await;
    let (key, _) = seeded(&s, "New");
    let base = format!("/rest/servicedeskapi/request/{key}");
    let (status, c) = post(
        &s,
        &format!("{base}/comment"),
        json!({"body": "internal", "public": false}),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(c["public"], false);
    assert_eq!(c["author"]["emailAddress"], JIRA_USER);
    let (status, _) = post(
        &s,
        &format!("{base}/comment"),
        json!({"body": "to the customer"}),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(
        post(&s, &format!("{base}/comment"), json!({"body": ""}))
            .await
            .0,
        400
    );
    let (_, page) = get(&s, &format!("{base}/transition?limit=1")).await;
    assert_eq!(page["size"], 1);
    assert_eq!(page["isLastPage"], false);
    assert!(
        page["_links"]["next"]
            .as_str()
            .unwrap()
            .ends_with(&format!("{base}/transition?start=1&limit=1"))
    );
    let (_, rest) = get(&s, &format!("{base}/transition?start=1&limit=1")).await;
    assert_eq!(rest["isLastPage"], true);
    assert!(rest["_links"].get("next").is_none());
    let names: Vec<&str> = page["values"]
        .as_array()
        .unwrap()
        .iter()
        .chain(rest["values"].as_array().unwrap())
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Resolve this issue"), "{names:?}");
    assert_eq!(
        post(&s, &format!("{base}/transition"), json!({"id": "721"}))
            .await
            .0,
        400
    );
    let (status, _) = post(
        &s,
        &format!("{base}/transition"),
        json!({"id": "761", "additionalComment": {"body": "Fixed."}}),
    )
    .await;
    assert_eq!(status, 204);
    let desk = s.tickets();
    let t = desk
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["jira_key"] == key.as_str())
        .unwrap();
    assert_eq!(t["stage"], "Resolved");
    let notes: Vec<(bool, &str)> = t["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["internal"].as_bool().unwrap(),
                n["text"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        notes,
        vec![
            (true, "internal"),
            (false, "to the customer"),
            (false, "Fixed.")
        ]
    );
}

#[tokio::test]
async fn jql_search_pages_with_next_page_tokens() {
    let s = sim(quiet(200)).await;
    let caller = s.user_logins()[7].clone();
    let account = account_id(&s, &caller).await;
    for i in 0..5 {
        let (status, _) = post(
            &s,
            "/rest/servicedeskapi/request",
            json!({"serviceDeskId": "1", "requestTypeId": "1",
                   "requestFieldValues": {"summary": format!("r{i}")}, "raiseOnBehalfOf": account}),
        )
        .await;
        assert_eq!(status, 201);
    }
    let jql = format!(
        "project = \"HD\" AND reporter = \"{account}\" AND statusCategory != Done ORDER BY created DESC"
    );
    let mut url = url::Url::parse(&format!("{}/rest/api/3/search/jql", s.base_url())).unwrap();
    url.query_pairs_mut()
        .append_pair("jql", &jql)
        .append_pair("fields", "summary,status,created")
        .append_pair("maxResults", "2");
    let mut summaries = Vec::new();
    let mut pages = 0;
    let mut next: Option<String> = None;
    loop {
        let mut u = url.clone();
        if let Some(t) = &next {
            u.query_pairs_mut().append_pair("nextPageToken", t);
        }
        let r: Value = authed(Client::new().get(u))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        pages += 1;
        for i in r["issues"].as_array().unwrap() {
            assert!(
                i["fields"].get("reporter").is_none(),
                "only the fields asked for"
            );
            assert_eq!(i["fields"]["status"]["statusCategory"]["key"], "new");
            summaries.push(i["fields"]["summary"].as_str().unwrap().to_string());
        }
        match r.get("nextPageToken").and_then(Value::as_str) {
            Some(t) => {
                assert_eq!(r["isLast"], false);
                next = Some(t.to_string());
            }
            None => {
                assert_eq!(r["isLast"], true);
                break;
            }
        }
    }
    assert!(pages >= 3);
    assert_eq!(&summaries[..5], &["r4", "r3", "r2", "r1", "r0"]);
    // Without fields, only ids; a JQL error and an unbounded query are 400s in the
    // platform's shape.
    let (_, r) = get(
        &s,
        &format!("/rest/api/3/search/jql?jql=reporter%20%3D%20%22{account}%22"),
    )
    .await;
    assert_eq!(r["issues"][0]["fields"], json!({}));
    for bad in [
        "assignee%20%3D%20x",
        "",
        "reporter%20%3D%20x&nextPageToken=junk",
    ] {
        let (status, r) = get(&s, &format!("/rest/api/3/search/jql?jql={bad}")).await;
        assert_eq!(status, 400, "{bad}");
        assert!(r["errorMessages"][0].is_string(), "{r}");
    }
}

#[tokio::test]
async fn the_service_desk_and_faults_on_the_jira_paths() {
    let s = sim(quiet(20)).await;
    let (status, d) = get(&s, "/rest/servicedeskapi/servicedesk/1").await;
    assert_eq!(status, 200);
    assert_eq!(d["projectKey"], "HD");
    assert_eq!(get(&s, "/rest/servicedeskapi/servicedesk/2").await.0, 403);
    assert_eq!(get(&s, "/rest/servicedeskapi/servicedesk/3").await.0, 404);
    s.inject_fault(Fault::status(503, 1).on_path("/rest/"));
    let (status, r) = get(&s, "/rest/servicedeskapi/servicedesk/1").await;
    assert_eq!(status, 503);
    assert!(r["errorMessage"].is_string());
    s.inject_fault(Fault::html(502, 1).on_path("/rest/api/"));
    let r = authed(Client::new().get(format!("{}/rest/api/3/user/search?query=a", s.base_url())))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 502);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("<title>502 Bad Gateway</title>")
    );
    assert_eq!(get(&s, "/rest/servicedeskapi/servicedesk/1").await.0, 200);
}
