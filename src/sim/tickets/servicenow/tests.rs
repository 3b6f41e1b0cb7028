//! The simulated ServiceNow over real HTTP on 127.0.0.1: auth, tables, queries, paging,
//! writes, errors and faults.

use reqwest::{Client, RequestBuilder, StatusCode};
use serde_json::{Value, json};

use crate::idp::Provider;
use crate::sim::{Fault, SimConfig, SimHandle, start};

const TOKEN: &str = "snow-sim-token";

async fn sim(users: usize) -> SimHandle {
    sim_for(Provider::Okta, users).await
}

async fn sim_for(provider: Provider, users: usize) -> SimHandle {
    let mut c = SimConfig::new(TOKEN);
    c.provider = provider;
    c.users = users;
    c.lockouts_per_minute = 0.0;
    c.password_changes_per_hour = Some(0.0);
    c.history = false;
    c.control = true;
    start(c, ([127, 0, 0, 1], 0).into()).await.unwrap()
}

fn basic(r: RequestBuilder) -> RequestBuilder {
    r.basic_auth("accessdesk", Some(TOKEN))
}

async fn get(s: &SimHandle, path: &str) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let r = basic(Client::new().get(format!("{}{path}", s.base_url())))
        .send()
        .await
        .unwrap();
    let status = r.status();
    let headers = r.headers().clone();
    (status, headers, r.json().await.unwrap_or(Value::Null))
}

async fn send(
    s: &SimHandle,
    method: reqwest::Method,
    path: &str,
    body: Value,
) -> reqwest::Response {
    basic(Client::new().request(method, format!("{}{path}", s.base_url())))
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// The first ticket in the desk matching `wanted`.
fn ticket(s: &SimHandle, wanted: impl Fn(&Value) -> bool) -> Value {
    s.tickets()
        .as_array()
        .unwrap()
        .iter()
        .find(|t| wanted(t))
        .cloned()
        .expect("the seeded desk has such a ticket")
}

#[tokio::test]
async fn credentials_are_checked_with_servicenows_error_body() {
    let s = sim(30).await;
    let url = format!("{}/api/now/table/incident?sysparm_limit=1", s.base_url());
    for request in [
        Client::new().get(&url),
        Client::new()
            .get(&url)
            .basic_auth("accessdesk", Some("wrong")),
        Client::new().get(&url).basic_auth("admin", Some(TOKEN)),
        Client::new().get(&url).bearer_auth(TOKEN),
    ] {
        let r = request.send().await.unwrap();
        assert_eq!(r.status(), 401);
        assert_eq!(
            r.headers()["www-authenticate"],
            "BASIC realm=\"Service-now\""
        );
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["status"], "failure");
        assert_eq!(body["error"]["message"], "User Not Authenticated");
    }
    let (status, _, body) = get(&s, "/api/now/table/incident?sysparm_limit=1").await;
    assert_eq!(status, 200);
    assert_eq!(body["result"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_number_query_answers_the_record_in_every_display_mode() {
    let s = sim(200).await;
    let t = ticket(&s, |t| t["kind"] == "Incident");
    let number = t["number"].as_str().unwrap();
    let path = format!("/api/now/table/incident?sysparm_query=number={number}&sysparm_limit=1");
    let (_, _, plain) = get(&s, &path).await;
    let rec = &plain["result"][0];
    assert_eq!(rec["number"], number);
    assert_eq!(rec["sys_id"], t["sys_id"]);
    assert!(
        rec["state"].as_str().unwrap().parse::<u8>().is_ok(),
        "a code: {rec}"
    );
    assert!(
        rec["caller_id"]["link"]
            .as_str()
            .unwrap()
            .contains("/api/now/table/sys_user/")
    );
    assert_eq!(rec["work_notes"], "", "journals read empty without labels");
    let (_, _, all) = get(
        &s,
        &format!("{path}&sysparm_display_value=all&sysparm_exclude_reference_link=true&sysparm_fields=state,caller_id,caller_id.email"),
    )
    .await;
    let rec = &all["result"][0];
    assert_eq!(rec.as_object().unwrap().len(), 3);
    assert!(rec["state"]["display_value"].is_string() && rec["state"]["value"].is_string());
    assert_eq!(rec["caller_id.email"]["value"], t["caller"]);
    assert!(rec["caller_id"].get("link").is_none());
    // The caller by sys_id.
    let caller = rec["caller_id"]["value"].as_str().unwrap();
    let (status, _, user) = get(&s, &format!("/api/now/table/sys_user/{caller}")).await;
    assert_eq!(status, 200);
    assert_eq!(user["result"]["email"], t["caller"]);
    // No match: an empty array (v2 semantics), on either path.
    for prefix in ["/api/now/table", "/api/now/v2/table"] {
        let (status, _, none) = get(
            &s,
            &format!("{prefix}/incident?sysparm_query=number=INC9999999"),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(none, json!({"result": []}));
    }
}

#[tokio::test]
async fn queries_filter_order_and_page_with_links_and_a_total() {
    let s = sim(60).await;
    let (_, headers, first) = get(&s, "/api/now/table/sys_user?sysparm_limit=7").await;
    assert_eq!(headers["x-total-count"], "60");
    let mut seen: Vec<String> = first["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["sys_id"].as_str().unwrap().to_string())
        .collect();
    let mut next = crate::idp::okta::links::find(&headers, "next");
    assert!(crate::idp::okta::links::find(&headers, "last").is_some());
    while let Some(url) = next {
        let r = basic(Client::new().get(&url)).send().await.unwrap();
        next = crate::idp::okta::links::find(r.headers(), "next");
        let page: Value = r.json().await.unwrap();
        seen.extend(
            page["result"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["sys_id"].as_str().unwrap().to_string()),
        );
    }
    let count = seen.len();
    seen.sort();
    seen.dedup();
    assert_eq!((count, seen.len()), (60, 60), "every user once");

    // ORDERBYDESC, IN and dot-walked conditions.
    let (_, _, open) = get(
        &s,
        "/api/now/table/incident?sysparm_query=active=true^stateIN1,2,3^ORDERBYDESCsys_created_on&sysparm_fields=state,sys_created_on,active",
    )
    .await;
    let rows = open["result"].as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["active"] == "true"));
    let times: Vec<&str> = rows
        .iter()
        .map(|r| r["sys_created_on"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");
    let t = ticket(&s, |t| t["kind"] == "Incident");
    let (_, _, mine) = get(
        &s,
        &format!(
            "/api/now/table/incident?sysparm_query=caller_id.email={}^bogus_field=1",
            t["caller"].as_str().unwrap()
        ),
    )
    .await;
    let mine = mine["result"].as_array().unwrap();
    assert!(mine.iter().any(|r| r["number"] == t["number"]));
    let (_, _, by_email) = get(
        &s,
        &format!(
            "/api/now/table/sys_user?sysparm_query=email={}",
            t["caller"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(by_email["result"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn creating_and_patching_write_to_the_desk() {
    let s = sim(40).await;
    let login = s.user_logins()[3].clone();
    let (_, _, user) = get(
        &s,
        &format!("/api/now/table/sys_user?sysparm_query=email={login}"),
    )
    .await;
    let caller = user["result"][0]["sys_id"].as_str().unwrap().to_string();
    let r = send(
        &s,
        reqwest::Method::POST,
        "/api/now/table/incident?sysparm_input_display_value=true&sysparm_exclude_reference_link=true",
        json!({"caller_id": caller, "short_description": "Locked out", "category": "inquiry",
               "assignment_group": "Service Desk", "contact_type": "phone"}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let created: Value = r.json().await.unwrap();
    let rec = &created["result"];
    let sys_id = rec["sys_id"].as_str().unwrap();
    assert!(location.ends_with(&format!("/api/now/table/incident/{sys_id}")));
    assert!(rec["number"].as_str().unwrap().starts_with("INC"));
    assert_eq!(rec["caller_id"], caller.as_str());
    assert_eq!(rec["state"], "1");
    assert_eq!(rec["assignment_group"], "Service Desk");

    let path = format!("/api/now/table/incident/{sys_id}");
    let r = send(
        &s,
        reqwest::Method::PATCH,
        &path,
        json!({"work_notes": "unlocked, audit #7", "comments": "You can sign in again"}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let r = send(
        &s,
        reqwest::Method::PATCH,
        &path,
        json!({"state": "6", "close_code": "Solved (Permanently)", "close_notes": "Unlocked"}),
    )
    .await;
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["result"]["state"], "6");
    assert_eq!(body["result"]["active"], "false");
    let desk = ticket(&s, |t| t["sys_id"] == sys_id);
    assert_eq!(desk["caller"], login.as_str());
    assert_eq!(desk["stage"], "Resolved");
    assert_eq!(desk["close_code"], "Solved (Permanently)");
    let notes = desk["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0]["text"], "unlocked, audit #7");
    assert_eq!(notes[0]["internal"], true);
    assert_eq!(notes[0]["author"], "accessdesk");
    assert_eq!(notes[1]["internal"], false);
    // The journal reads back with labels.
    let (_, _, labelled) = get(
        &s,
        &format!("{path}?sysparm_display_value=true&sysparm_fields=work_notes"),
    )
    .await;
    assert!(
        labelled["result"]["work_notes"]
            .as_str()
            .unwrap()
            .contains("unlocked, audit #7")
    );
}

#[tokio::test]
async fn refusals_have_servicenows_codes() {
    let s = sim(20).await;
    let nobody = "0123456789abcdef0123456789abcdef";
    let r = send(
        &s,
        reqwest::Method::PATCH,
        &format!("/api/now/table/incident/{nobody}"),
        json!({"work_notes": "x"}),
    )
    .await;
    assert_eq!(r.status(), 404);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["message"], "No Record found");
    let (status, _, _) = get(&s, &format!("/api/now/table/incident/{nobody}")).await;
    assert_eq!(status, 404);
    let r = send(
        &s,
        reqwest::Method::POST,
        "/api/now/table/sys_user",
        json!({"name": "x"}),
    )
    .await;
    assert_eq!(r.status(), 403);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["message"], "User Not Authorized");
    let r = send(
        &s,
        reqwest::Method::POST,
        "/api/now/table/nosuch",
        json!({}),
    )
    .await;
    assert_eq!(r.status(), 400);
    let r = basic(Client::new().post(format!("{}/api/now/table/incident", s.base_url())))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn oauth_password_grant_issues_revocable_bearer_tokens() {
    let s = sim(10).await;
    let grant = |secret: &str| {
        let form = format!(
            "grant_type=password&client_id=accessdesk&client_secret={secret}&username=accessdesk&password={TOKEN}"
        );
        Client::new()
            .post(format!("{}/oauth_token.do", s.base_url()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
    };
    let refused = grant("wrong").await.unwrap();
    assert_eq!(refused.status(), 401);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error_description"], "access_denied");
    let answer: Value = grant(TOKEN).await.unwrap().json().await.unwrap();
    assert_eq!(answer["token_type"], "Bearer");
    assert_eq!(answer["expires_in"], 1799);
    let token = answer["access_token"].as_str().unwrap();
    let url = format!("{}/api/now/table/incident?sysparm_limit=1", s.base_url());
    let ok = Client::new()
        .get(&url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let revoked = Client::new()
        .post(format!("{}/__sim/servicenow/revoke-tokens", s.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    let revoked: Value = revoked.json().await.unwrap();
    let revoked = revoked["revoked"].as_array().unwrap();
    assert_eq!(revoked.len(), 2, "the access and the refresh token");
    assert!(revoked.iter().any(|t| t == token));
    let after = Client::new()
        .get(&url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 401);
    // Recorded, without the form.
    assert!(
        s.requests()
            .iter()
            .any(|r| r.path == "/oauth_token.do" && r.query.is_none())
    );
}

#[tokio::test]
async fn injected_faults_reach_the_table_api() {
    let s = sim(10).await;
    s.inject_fault(Fault::status(503, 1).on_path("/api/now/"));
    s.inject_fault(Fault::html(502, 1).on_path("/api/now/"));
    s.inject_fault(Fault::garbage(1).on_path("/api/now/"));
    let path = "/api/now/table/incident?sysparm_limit=1";
    let (status, _, body) = get(&s, path).await;
    assert_eq!(status, 503);
    assert_eq!(body["status"], "failure");
    let r = basic(Client::new().get(format!("{}{path}", s.base_url())))
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
    let r = basic(Client::new().get(format!("{}{path}", s.base_url())))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(serde_json::from_str::<Value>(&r.text().await.unwrap()).is_err());
    let (status, _, _) = get(&s, path).await;
    assert_eq!(status, 200, "faults are used up");
    assert!(
        s.requests()
            .iter()
            .filter(|r| r.path == "/api/now/table/incident")
            .count()
            >= 4
    );
}

#[tokio::test]
async fn it_is_served_beside_either_idp() {
    for provider in [Provider::Okta, Provider::PingOne] {
        let s = sim_for(provider, 20).await;
        let (status, headers, body) = get(&s, "/api/now/v2/table/incident?sysparm_limit=1").await;
        assert_eq!(status, 200, "{provider:?}");
        assert!(headers.contains_key("x-total-count"));
        assert_eq!(body["result"].as_array().unwrap().len(), 1);
    }
}
