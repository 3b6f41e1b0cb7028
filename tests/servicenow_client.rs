//! The ServiceNow client against the simulator, over real HTTP on 127.0.0.1.

use std::time::Duration;

use accessdesk::idp::ClientOptions;
use accessdesk::sim::{self, Fault, FaultKind, SimConfig, SimHandle};
use accessdesk::tickets::servicenow::ServiceNowClient;
use accessdesk::tickets::{
    NewTicket, ServiceNowAuth, ServiceNowSettings, Ticket, TicketError, TicketProvider,
    TicketResolution, TicketSystem,
};
use secrecy::SecretString;
use serde_json::Value;

const TOKEN: &str = "snow-client-token-5f1e0c";

async fn start(users: usize) -> SimHandle {
    let mut c = SimConfig::new(TOKEN);
    c.users = users;
    c.lockouts_per_minute = 0.0;
    c.password_changes_per_hour = Some(0.0);
    c.history = false;
    c.control = true;
    sim::start(c, ([127, 0, 0, 1], 0).into())
        .await
        .expect("simulator starts")
}

fn fast() -> ClientOptions {
    ClientOptions {
        min_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        ..ClientOptions::default()
    }
}

fn settings(url: &str, auth: ServiceNowAuth) -> ServiceNowSettings {
    ServiceNowSettings {
        url: url::Url::parse(url).unwrap(),
        auth,
        open_states: Vec::new(),
        category: "inquiry".into(),
        assignment_group: Some("Service Desk".into()),
        close_code: "Solved (Permanently)".into(),
    }
}

fn basic_auth(password: &str) -> ServiceNowAuth {
    ServiceNowAuth::Basic {
        username: "accessdesk".into(),
        password: SecretString::from(password.to_string()),
    }
}

fn oauth(secret: &str) -> ServiceNowAuth {
    ServiceNowAuth::OAuth {
        client_id: "accessdesk".into(),
        client_secret: SecretString::from(secret.to_string()),
        username: "accessdesk".into(),
        password: SecretString::from(TOKEN.to_string()),
    }
}

fn client(sim: &SimHandle) -> ServiceNowClient {
    ServiceNowClient::new(&settings(&sim.base_url(), basic_auth(TOKEN)), &fast()).unwrap()
}

/// The desk's tickets (what `GET /__sim/tickets` answers).
fn desk(sim: &SimHandle) -> Vec<Value> {
    sim.tickets().as_array().unwrap().clone()
}

fn desk_ticket(sim: &SimHandle, sys_id: &str) -> Value {
    desk(sim)
        .into_iter()
        .find(|t| t["sys_id"] == sys_id)
        .expect("the ticket is in the desk")
}

fn seeded(sim: &SimHandle, wanted: impl Fn(&Value) -> bool) -> Value {
    desk(sim)
        .into_iter()
        .find(|t| wanted(t))
        .expect("the seeded desk has such a ticket")
}

fn is_open(t: &Value) -> bool {
    ["New", "InProgress", "OnHold"].contains(&t["stage"].as_str().unwrap())
}

fn requests(sim: &SimHandle, method: &str, prefix: &str) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.method == method && r.path.starts_with(prefix))
        .count()
}

fn on_api(kind: FaultKind, count: u32) -> Fault {
    Fault::new(kind, count).on_path("/api/now/")
}

fn new_ticket(email: &str, summary: &str) -> NewTicket {
    NewTicket {
        caller_email: email.to_string(),
        summary: summary.to_string(),
        description: "Caller phoned the service desk.".into(),
    }
}

#[tokio::test]
async fn an_open_incident_is_found_with_its_state_and_caller() {
    let sim = start(300).await;
    let seeded = seeded(&sim, |t| t["kind"] == "Incident" && is_open(t));
    let snow = client(&sim);
    let number = seeded["number"].as_str().unwrap();
    let t = snow.lookup(number).await.unwrap().expect("found");
    assert_eq!(t.provider, TicketProvider::ServiceNow);
    assert_eq!(t.number, number);
    assert_eq!(t.system_id, seeded["sys_id"].as_str().unwrap());
    assert_eq!(t.kind, "incident");
    assert!(t.open);
    assert!(
        ["New", "In Progress", "On Hold"].contains(&t.state.as_str()),
        "{}",
        t.state
    );
    let caller = seeded["caller"].as_str().unwrap();
    assert!(t.is_for(caller));
    assert!(t.is_for(&caller.to_uppercase()));
    let person = t.caller.as_ref().unwrap();
    assert_eq!(person.id.len(), 32);
    assert!(person.name.as_deref().is_some_and(|n| n.contains(' ')));
    assert_eq!(t.summary, seeded["summary"].as_str().unwrap());
    assert!(t.created.is_some());
    assert!(t.web_url.as_deref().unwrap().contains("nav_to.do"));
    // Lower-case numbers find it too.
    assert_eq!(
        snow.lookup(&number.to_lowercase()).await.unwrap(),
        Some(t.clone())
    );
    assert_eq!(snow.label(), sim.base_url().trim_start_matches("http://"));
}

#[tokio::test]
async fn a_ticket_for_someone_else_is_not_for_the_caller() {
    let sim = start(300).await;
    let seeded = seeded(&sim, |t| t["kind"] == "Incident");
    let caller = seeded["caller"].as_str().unwrap().to_string();
    let other = sim
        .user_logins()
        .into_iter()
        .find(|l| *l != caller)
        .unwrap();
    let t = client(&sim)
        .lookup(seeded["number"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(t.is_for(&caller));
    assert!(!t.is_for(&other));
}

#[tokio::test]
async fn closed_tickets_are_not_open_and_open_states_can_be_configured() {
    let sim = start(300).await;
    let closed = seeded(&sim, |t| t["kind"] == "Incident" && t["stage"] == "Closed");
    let snow = client(&sim);
    let t = snow
        .lookup(closed["number"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(!t.open);
    assert_eq!(t.state, "Closed");
    // With open_states, the state code decides: only New (1) counts here.
    let open = seeded(&sim, |t| t["kind"] == "Incident" && t["stage"] == "New");
    let mut only_new = settings(&sim.base_url(), basic_auth(TOKEN));
    only_new.open_states = vec!["1".into()];
    let strict = ServiceNowClient::new(&only_new, &fast()).unwrap();
    let t = strict
        .lookup(open["number"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(t.open);
    let t = strict
        .lookup(closed["number"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(!t.open);
}

#[tokio::test]
async fn requested_items_are_read_from_sc_req_item() {
    let sim = start(400).await;
    let item = seeded(&sim, |t| t["kind"] == "RequestedItem");
    let number = item["number"].as_str().unwrap();
    assert!(number.starts_with("RITM"));
    let t = client(&sim).lookup(number).await.unwrap().unwrap();
    assert_eq!(t.kind, "sc_req_item");
    assert_eq!(t.open, is_open(&item));
    assert!(t.is_for(item["caller"].as_str().unwrap()));
    assert!(
        sim.requests()
            .iter()
            .any(|r| r.path == "/api/now/table/sc_req_item")
    );
    // Noted and closed on their own table: items close as Closed Complete (3).
    let snow = client(&sim);
    snow.add_note(&t, "noted").await.unwrap();
    snow.resolve(
        &t,
        &TicketResolution {
            code: String::new(),
            notes: "done".into(),
        },
    )
    .await
    .unwrap();
    let d = desk_ticket(&sim, &t.system_id);
    assert_eq!(d["stage"], "Closed");
    assert_eq!(d["notes"][0]["text"], "noted");
    let after = snow.lookup(number).await.unwrap().unwrap();
    assert_eq!(
        (after.state.as_str(), after.open),
        ("Closed Complete", false)
    );
    assert!(
        sim.requests()
            .iter()
            .any(|r| r.method == "PATCH" && r.path.starts_with("/api/now/table/sc_req_item/"))
    );
}

#[tokio::test]
async fn an_unknown_number_is_none() {
    let sim = start(30).await;
    let snow = client(&sim);
    assert_eq!(snow.lookup("INC9999999").await.unwrap(), None);
    assert_eq!(snow.lookup("RITM9999999").await.unwrap(), None);
    assert_eq!(snow.lookup("REQ0000001").await.unwrap(), None);
    // Never sent: it would smuggle a second condition into the query.
    let before = sim.requests().len();
    assert_eq!(snow.lookup("INC1^ORnumber!=x").await.unwrap(), None);
    assert_eq!(snow.lookup("  ").await.unwrap(), None);
    assert_eq!(sim.requests().len(), before);
}

#[tokio::test]
async fn create_opens_an_incident_for_the_resolved_caller() {
    let sim = start(40).await;
    let login = sim.user_logins()[5].clone();
    let snow = client(&sim);
    let t = snow
        .create(&new_ticket(&login.to_uppercase(), "Locked out of Okta"))
        .await
        .unwrap();
    assert!(t.number.starts_with("INC"), "{}", t.number);
    assert_eq!(t.kind, "incident");
    assert!(t.open);
    assert_eq!(t.state, "New");
    assert!(t.is_for(&login));
    assert_eq!(t.summary, "Locked out of Okta");
    let d = desk_ticket(&sim, &t.system_id);
    assert_eq!(d["number"], t.number.as_str());
    assert_eq!(d["caller"], login.as_str());
    assert_eq!(d["category"], "inquiry");
    assert_eq!(d["assignment_group"], "Service Desk");
    assert_eq!(d["created_by_api"], true);
    // Found again by number.
    assert_eq!(
        snow.lookup(&t.number).await.unwrap().unwrap().system_id,
        t.system_id
    );
    // The group's name went as a display value.
    assert!(sim.requests().iter().any(|r| {
        r.method == "POST"
            && r.query
                .as_deref()
                .is_some_and(|q| q.contains("sysparm_input_display_value=true"))
    }));

    let err = snow
        .create(&new_ticket("nobody@example.invalid", "x"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TicketError::UnknownPerson { email, .. } if email == "nobody@example.invalid"),
        "{err:?}"
    );
    assert!(!err.is_transient());
}

#[tokio::test]
async fn notes_and_resolution_reach_the_desk() {
    let sim = start(40).await;
    let login = sim.user_logins()[2].clone();
    let snow = client(&sim);
    let t = snow.create(&new_ticket(&login, "Reset MFA")).await.unwrap();
    snow.add_note(
        &t,
        "MFA reset after KBA and possession proof; audit record 42",
    )
    .await
    .unwrap();
    let d = desk_ticket(&sim, &t.system_id);
    let notes = d["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(
        notes[0]["text"],
        "MFA reset after KBA and possession proof; audit record 42"
    );
    assert_eq!(notes[0]["internal"], true);
    snow.resolve(
        &t,
        &TicketResolution {
            code: String::new(),
            notes: "Factor reset by the service desk".into(),
        },
    )
    .await
    .unwrap();
    let d = desk_ticket(&sim, &t.system_id);
    assert_eq!(d["stage"], "Resolved");
    assert_eq!(
        d["close_code"], "Solved (Permanently)",
        "the configured code"
    );
    assert_eq!(d["close_notes"], "Factor reset by the service desk");
    let after = snow.lookup(&t.number).await.unwrap().unwrap();
    assert!(!after.open);
    assert_eq!(after.state, "Resolved");
}

#[tokio::test]
async fn open_for_lists_newest_first_across_pages() {
    let sim = start(300).await;
    let seeded = seeded(&sim, |t| t["kind"] == "Incident" && is_open(t));
    let login = seeded["caller"].as_str().unwrap().to_string();
    let snow = client(&sim).with_page_size(2);
    let mut created = Vec::new();
    for i in 0..5 {
        created.push(
            snow.create(&new_ticket(&login, &format!("call {i}")))
                .await
                .unwrap(),
        );
    }
    snow.resolve(
        &created[1],
        &TicketResolution {
            code: "Solved (Permanently)".into(),
            notes: "done".into(),
        },
    )
    .await
    .unwrap();
    let expected: Vec<String> = desk(&sim)
        .iter()
        .filter(|t| t["caller"] == login.as_str() && is_open(t))
        .map(|t| t["number"].as_str().unwrap().to_string())
        .collect();
    assert!(expected.len() >= 5, "{expected:?}");
    let gets_before = requests(&sim, "GET", "/api/now/table/incident");
    let open = snow.open_for(&login).await.unwrap();
    let pages = requests(&sim, "GET", "/api/now/table/incident") - gets_before;
    assert!(pages >= 3, "{pages} pages");
    let mut numbers: Vec<String> = open.iter().map(|t| t.number.clone()).collect();
    assert!(open.iter().all(|t| t.open && t.is_for(&login)));
    assert!(!numbers.contains(&created[1].number), "resolved: not open");
    let created_at: Vec<_> = open.iter().map(|t| t.created.unwrap()).collect();
    assert!(
        created_at.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {created_at:?}"
    );
    assert!(open.first().unwrap().created >= seeded_created(&sim, &seeded));
    numbers.sort();
    let mut expected = expected;
    expected.sort();
    assert_eq!(numbers, expected);
    // Someone unknown to the instance has none.
    assert!(
        snow.open_for("nobody@example.invalid")
            .await
            .unwrap()
            .is_empty()
    );
}

fn seeded_created(sim: &SimHandle, seeded: &Value) -> Option<chrono::DateTime<chrono::Utc>> {
    let t = desk_ticket(sim, seeded["sys_id"].as_str().unwrap());
    t["created"].as_str().and_then(|s| s.parse().ok())
}

#[tokio::test]
async fn oauth_tokens_are_fetched_once_reused_and_refreshed_after_a_401() {
    let sim = start(30).await;
    let snow = ServiceNowClient::new(&settings(&sim.base_url(), oauth(TOKEN)), &fast()).unwrap();
    let grants = || requests(&sim, "POST", "/oauth_token.do");
    assert_eq!(snow.lookup("INC9999999").await.unwrap(), None);
    snow.open_for(&sim.user_logins()[1]).await.unwrap();
    assert_eq!(grants(), 1, "one token for every request");
    let revoked = reqwest::Client::new()
        .post(format!("{}/__sim/servicenow/revoke-tokens", sim.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    let refused_before = requests(&sim, "GET", "/api/now/");
    assert_eq!(snow.lookup("INC9999999").await.unwrap(), None);
    assert_eq!(grants(), 2, "refreshed once after the 401");
    assert_eq!(
        requests(&sim, "GET", "/api/now/") - refused_before,
        2,
        "refused, then sent again"
    );
    // A wrong client secret is the grant's 401.
    let wrong = ServiceNowClient::new(&settings(&sim.base_url(), oauth("not-the-secret")), &fast())
        .unwrap();
    let err = wrong.lookup("INC0010001").await.unwrap_err();
    assert!(
        matches!(&err, TicketError::Api { status: 401, message, .. } if message == "access_denied"),
        "{err:?}"
    );
    assert!(!err.is_transient());
}

#[tokio::test]
async fn a_wrong_password_is_a_401_with_a_hint() {
    let sim = start(10).await;
    let snow = ServiceNowClient::new(
        &settings(&sim.base_url(), basic_auth("wrong-password")),
        &fast(),
    )
    .unwrap();
    let err = snow.lookup("INC0010001").await.unwrap_err();
    assert!(
        matches!(&err, TicketError::Api { status: 401, message, .. } if message == "User Not Authenticated"),
        "{err:?}"
    );
    assert!(err.hint().contains("SERVICENOW_PASSWORD"));
    assert!(!err.is_transient());
    assert_eq!(
        requests(&sim, "GET", "/api/now/"),
        1,
        "a 401 is not retried"
    );
}

#[tokio::test]
async fn refused_writes_are_403_and_unknown_records_404() {
    let sim = start(30).await;
    let snow = client(&sim);
    let login = sim.user_logins()[0].clone();
    let real = snow.create(&new_ticket(&login, "x")).await.unwrap();
    let request = Ticket {
        kind: "sc_request".into(),
        ..real.clone()
    };
    let err = snow.add_note(&request, "note").await.unwrap_err();
    assert!(
        matches!(&err, TicketError::Api { status: 403, message, .. } if message == "User Not Authorized"),
        "{err:?}"
    );
    assert!(err.hint().contains("itil"));
    let gone = Ticket {
        system_id: "0123456789abcdef0123456789abcdef".into(),
        ..real.clone()
    };
    let err = snow.add_note(&gone, "note").await.unwrap_err();
    assert!(
        matches!(&err, TicketError::Api { status: 404, message, .. } if message == "No Record found"),
        "{err:?}"
    );
    let err = snow
        .resolve(
            &gone,
            &TicketResolution {
                code: "x".into(),
                notes: "y".into(),
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, TicketError::Api { status: 404, .. }));
    // Another system's ticket is never sent.
    let jira = Ticket {
        provider: TicketProvider::Jira,
        ..real
    };
    assert!(matches!(
        snow.add_note(&jira, "n").await.unwrap_err(),
        TicketError::Invalid(_)
    ));
}

#[tokio::test]
async fn reads_are_retried_after_5xx_and_then_reported() {
    let sim = start(300).await;
    let seeded = seeded(&sim, |t| t["kind"] == "Incident");
    let number = seeded["number"].as_str().unwrap();
    let snow = client(&sim);
    sim.inject_fault(on_api(FaultKind::Status { status: 503 }, 2));
    assert!(snow.lookup(number).await.unwrap().is_some());
    assert_eq!(
        requests(&sim, "GET", "/api/now/"),
        3,
        "two failures, then the answer"
    );

    sim.inject_fault(on_api(FaultKind::Status { status: 500 }, 10));
    let before = requests(&sim, "GET", "/api/now/");
    let err = snow.lookup(number).await.unwrap_err();
    assert!(
        matches!(&err, TicketError::Api { status: 500, .. }),
        "{err:?}"
    );
    assert!(err.is_transient());
    assert_eq!(
        requests(&sim, "GET", "/api/now/") - before,
        1 + fast().max_retries
    );

    // A 429 is waited out as Retry-After says.
    let sim = start(300).await;
    let snow = client(&sim);
    sim.inject_fault(on_api(FaultKind::RateLimited { reset_secs: 1 }, 1));
    assert!(snow.lookup(number).await.unwrap().is_some());
    assert_eq!(requests(&sim, "GET", "/api/now/"), 2);
}

#[tokio::test]
async fn writes_are_sent_once() {
    let sim = start(30).await;
    let snow = client(&sim);
    let t = snow
        .create(&new_ticket(&sim.user_logins()[1], "x"))
        .await
        .unwrap();
    sim.inject_fault(on_api(FaultKind::Status { status: 503 }, 1));
    let err = snow.add_note(&t, "once").await.unwrap_err();
    assert!(
        matches!(&err, TicketError::Api { status: 503, .. }),
        "{err:?}"
    );
    assert!(err.is_transient(), "the caller may retry it later");
    assert_eq!(requests(&sim, "PATCH", "/api/now/"), 1);
    assert!(
        desk_ticket(&sim, &t.system_id)["notes"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Aimed past the caller's sys_user read, at the insert itself.
    sim.inject_fault(Fault::new(FaultKind::Drop, 1).on_path("/api/now/table/incident"));
    let before = requests(&sim, "POST", "/api/now/");
    let err = snow
        .create(&new_ticket(&sim.user_logins()[1], "y"))
        .await
        .unwrap_err();
    assert!(matches!(&err, TicketError::Network { .. }), "{err:?}");
    assert_eq!(requests(&sim, "POST", "/api/now/") - before, 1);
}

#[tokio::test]
async fn malformed_bodies_are_described_not_dumped() {
    let sim = start(30).await;
    let snow = client(&sim);
    sim.inject_fault(on_api(FaultKind::Garbage, 1));
    let err = snow.lookup("INC0010001").await.unwrap_err();
    assert!(
        matches!(&err, TicketError::UnexpectedBody { status: 200, snippet, .. } if snippet.starts_with("not JSON")),
        "{err:?}"
    );
    sim.inject_fault(on_api(FaultKind::Truncated, 1));
    let err = snow.lookup("INC0010001").await.unwrap_err();
    assert!(
        matches!(&err, TicketError::UnexpectedBody { snippet, .. } if snippet.contains("ends early")),
        "{err:?}"
    );
    sim.inject_fault(on_api(FaultKind::Html { status: 502 }, 10));
    let err = snow.lookup("INC0010001").await.unwrap_err();
    assert!(
        matches!(&err, TicketError::UnexpectedBody { status: 502, snippet, content_type, .. }
            if snippet == "HTML page titled \"502 Bad Gateway\"" && content_type.starts_with("text/html")),
        "{err:?}"
    );
    assert!(err.hint().contains("proxy"));
}

#[tokio::test]
async fn an_unreachable_instance_is_a_network_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let snow = ServiceNowClient::new(&settings(&url, basic_auth(TOKEN)), &fast()).unwrap();
    let err = snow.lookup("INC0010001").await.unwrap_err();
    assert!(
        matches!(&err, TicketError::Network { cause, url: at, .. }
            if cause.contains("refused") && !at.contains('?')),
        "{err:?}"
    );
    assert!(err.is_transient());
}

/// An error as every screen or log could show it.
fn shown(e: TicketError) -> String {
    format!("{e} | {e:?} | {}", e.hint())
}

#[tokio::test]
async fn no_password_secret_or_token_is_ever_printed() {
    let sim = start(30).await;
    let base = sim.base_url();
    let password = "hunter2-servicenow-password";
    let mut printed = Vec::new();
    let wrong = ServiceNowClient::new(&settings(&base, basic_auth(password)), &fast()).unwrap();
    printed.push(shown(wrong.lookup("INC0010001").await.unwrap_err()));
    printed.push(shown(
        wrong.create(&new_ticket("a@b.c", "x")).await.unwrap_err(),
    ));
    printed.push(format!("{wrong:?}"));
    let bad_grant = ServiceNowClient::new(
        &settings(&base, oauth("client-secret-never-shown")),
        &fast(),
    )
    .unwrap();
    printed.push(shown(bad_grant.lookup("INC0010001").await.unwrap_err()));
    printed.push(format!("{bad_grant:?}"));

    // A good OAuth client holding a token, failing every way.
    let snow = ServiceNowClient::new(&settings(&base, oauth(TOKEN)), &fast()).unwrap();
    let t = snow
        .create(&new_ticket(&sim.user_logins()[0], "x"))
        .await
        .unwrap();
    for kind in [
        FaultKind::Status { status: 503 },
        FaultKind::Html { status: 500 },
        FaultKind::Garbage,
        FaultKind::Truncated,
        FaultKind::Drop,
    ] {
        sim.inject_fault(on_api(kind.clone(), 10));
        printed.push(shown(snow.lookup("INC0010001").await.unwrap_err()));
        sim.inject_fault(on_api(kind, 1));
        printed.push(shown(snow.add_note(&t, "n").await.unwrap_err()));
        // Leave nothing queued for the next kind.
        while snow.lookup("INC0010001").await.is_err() {}
    }
    let gone = Ticket {
        system_id: "0123456789abcdef0123456789abcdef".into(),
        ..t
    };
    printed.push(shown(snow.add_note(&gone, "n").await.unwrap_err()));
    printed.push(format!("{snow:?}"));
    let revoked: Value = reqwest::Client::new()
        .post(format!("{base}/__sim/servicenow/revoke-tokens"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let tokens: Vec<String> = revoked["revoked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    assert!(tokens.len() >= 2, "the good client was issued a token");
    assert!(printed.len() >= 15);
    for text in &printed {
        for secret in [password, TOKEN, "client-secret-never-shown"]
            .into_iter()
            .chain(tokens.iter().map(String::as_str))
        {
            assert!(!text.contains(secret), "{secret:?} printed in {text}");
        }
    }
}
