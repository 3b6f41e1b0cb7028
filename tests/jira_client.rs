//! The Jira Service Management client against the simulator, over real HTTP on 127.0.0.1.

use std::time::Duration;

use accessdesk::idp::ClientOptions;
use accessdesk::sim::tickets::JIRA_USER;
use accessdesk::sim::{self, Fault, FaultKind, SimConfig, SimHandle};
use accessdesk::tickets::jira::JiraClient;
use accessdesk::tickets::{
    JiraSettings, NewTicket, TicketError, TicketProvider, TicketResolution, TicketSystem,
};
use secrecy::SecretString;
use serde_json::Value;

const TOKEN: &str = "jira-api-token-Zq8Xw3";

fn quiet_sim() -> SimConfig {
    let mut c = SimConfig::new(TOKEN);
    c.users = 120;
    c.lockouts_per_minute = 0.0;
    c.password_changes_per_hour = Some(0.0);
    c.history = false;
    c.control = true;
    c
}

async fn start() -> SimHandle {
    sim::start(quiet_sim(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("simulator starts")
}

fn settings(sim: &SimHandle, token: &str) -> JiraSettings {
    JiraSettings {
        url: url::Url::parse(&sim.base_url()).unwrap(),
        user: JIRA_USER.to_string(),
        api_token: SecretString::from(token.to_string()),
        service_desk_id: "1".into(),
        request_type_id: "1".into(),
        open_statuses: Vec::new(),
        resolve_transition: Some("Resolve this issue".into()),
    }
}

fn fast() -> ClientOptions {
    ClientOptions {
        min_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        ..ClientOptions::default()
    }
}

fn client_with(settings: &JiraSettings) -> JiraClient {
    JiraClient::new(settings, fast()).unwrap()
}

fn client(sim: &SimHandle) -> JiraClient {
    client_with(&settings(sim, TOKEN))
}

/// The desk's tickets as the control endpoint shows them.
fn desk(sim: &SimHandle) -> Vec<Value> {
    sim.tickets().as_array().cloned().unwrap()
}

fn desk_ticket(sim: &SimHandle, key: &str) -> Value {
    desk(sim)
        .into_iter()
        .find(|t| t["jira_key"] == key)
        .unwrap_or_else(|| panic!("{key} is in the desk"))
}

/// The key and caller of a seeded ticket in this stage.
fn seeded(sim: &SimHandle, stage: &str) -> (String, String) {
    let t = desk(sim)
        .into_iter()
        .find(|t| t["stage"] == stage)
        .unwrap_or_else(|| panic!("a seeded {stage} ticket"));
    (
        t["jira_key"].as_str().unwrap().to_string(),
        t["caller"].as_str().unwrap().to_string(),
    )
}

fn count(sim: &SimHandle, method: &str, prefix: &str) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.method == method && r.path.starts_with(prefix))
        .count()
}

fn on(kind: FaultKind, count: u32, prefix: &str) -> Fault {
    Fault::new(kind, count).on_path(prefix)
}

/// The token must appear in no error's Display, Debug or hint.
fn assert_clean(e: &TicketError) {
    for text in [e.to_string(), format!("{e:?}"), e.hint()] {
        assert!(!text.contains(TOKEN), "the token leaked: {text}");
    }
}

#[tokio::test]
async fn an_open_request_is_found_with_its_requester() {
    let sim = start().await;
    let (key, caller) = seeded(&sim, "New");
    let t = client(&sim).lookup(&key).await.unwrap().expect("found");
    assert_eq!(t.provider, TicketProvider::Jira);
    assert_eq!(t.number, key);
    assert!(t.open);
    assert_eq!(t.state, "Waiting for support");
    assert_eq!(t.kind, "Get IT help");
    assert!(t.is_for(&caller.to_uppercase()));
    let desk = desk_ticket(&sim, &key);
    assert_eq!(t.system_id, desk["jira_id"].to_string());
    assert_eq!(t.summary, desk["summary"].as_str().unwrap());
    let caller_person = t.caller.as_ref().unwrap();
    assert!(caller_person.id.starts_with("712020:"));
    assert!(caller_person.name.is_some());
    assert!(t.created.is_some());
    assert!(
        t.web_url
            .as_deref()
            .unwrap()
            .ends_with(&format!("/servicedesk/customer/portal/1/{key}")),
        "{:?}",
        t.web_url
    );
    // By issue id too.
    let by_id = client(&sim).lookup(&t.system_id).await.unwrap().unwrap();
    assert_eq!(by_id.number, key);
}

#[tokio::test]
async fn closed_unknown_and_someone_elses_requests() {
    let sim = start().await;
    let c = client(&sim);
    let (closed, _) = seeded(&sim, "Closed");
    let t = c.lookup(&closed).await.unwrap().unwrap();
    assert!(!t.open);
    assert_eq!(t.state, "Closed");
    assert_eq!(c.lookup("HD-99999").await.unwrap(), None);
    assert_eq!(c.lookup("").await.unwrap(), None);
    let (key, caller) = seeded(&sim, "New");
    let other = sim
        .user_logins()
        .into_iter()
        .find(|l| *l != caller)
        .unwrap();
    let t = c.lookup(&key).await.unwrap().unwrap();
    assert!(!t.is_for(&other), "{key} is {caller}'s, not {other}'s");
}

#[tokio::test]
async fn configured_open_statuses_decide_what_is_open() {
    let sim = start().await;
    let (key, _) = seeded(&sim, "New");
    let mut s = settings(&sim, TOKEN);
    s.open_statuses = vec!["In Progress".into()];
    let t = client_with(&s).lookup(&key).await.unwrap().unwrap();
    assert_eq!(t.state, "Waiting for support");
    assert!(!t.open);
}

#[tokio::test]
async fn a_request_is_raised_on_behalf_of_the_caller() {
    let sim = start().await;
    let caller = sim.user_logins()[5].clone();
    let t = client(&sim)
        .create(&NewTicket {
            caller_email: caller.to_uppercase(),
            summary: "Locked out: unlock with verification".into(),
            description: "Called the service desk.".into(),
        })
        .await
        .unwrap();
    assert!(t.number.starts_with("HD-"));
    assert!(t.open);
    assert!(t.is_for(&caller));
    assert_eq!(t.summary, "Locked out: unlock with verification");
    let desk = desk_ticket(&sim, &t.number);
    assert_eq!(desk["caller"], caller.as_str());
    assert_eq!(desk["created_by_api"], true);
    assert_eq!(desk["description"], "Called the service desk.");
    let again = client(&sim).lookup(&t.number).await.unwrap().unwrap();
    assert!(again.is_for(&caller));
    // An address Jira does not know is said so, and nothing is raised.
    let before = desk_len(&sim);
    let e = client(&sim)
        .create(&NewTicket {
            caller_email: "nobody@example.invalid".into(),
            summary: "x".into(),
            description: String::new(),
        })
        .await
        .unwrap_err();
    assert!(matches!(e, TicketError::UnknownPerson { .. }), "{e:?}");
    assert_eq!(desk_len(&sim), before);
}

fn desk_len(sim: &SimHandle) -> usize {
    desk(sim).len()
}

#[tokio::test]
async fn notes_are_internal_comments() {
    let sim = start().await;
    let (key, _) = seeded(&sim, "New");
    let c = client(&sim);
    let t = c.lookup(&key).await.unwrap().unwrap();
    c.add_note(&t, "Unlocked after push verification (audit #12).")
        .await
        .unwrap();
    let notes = desk_ticket(&sim, &key)["notes"]
        .as_array()
        .cloned()
        .unwrap();
    let last = notes.last().unwrap();
    assert_eq!(
        last["text"],
        "Unlocked after push verification (audit #12)."
    );
    assert_eq!(last["internal"], true);
    assert_eq!(last["author"], JIRA_USER);
}

#[tokio::test]
async fn resolving_takes_the_configured_transition() {
    let sim = start().await;
    let (key, _) = seeded(&sim, "New");
    // One transition a page: the client follows the pages.
    let c = client(&sim).with_page_size(1);
    let t = c.lookup(&key).await.unwrap().unwrap();
    c.resolve(
        &t,
        &TicketResolution {
            code: "Solved".into(),
            notes: "Account unlocked.".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(
        count(
            &sim,
            "GET",
            &format!("/rest/servicedeskapi/request/{key}/transition")
        ),
        2
    );
    let d = desk_ticket(&sim, &key);
    assert_eq!(d["stage"], "Resolved");
    assert_eq!(
        d["notes"].as_array().unwrap().last().unwrap()["text"],
        "Account unlocked."
    );
    let after = c.lookup(&key).await.unwrap().unwrap();
    assert!(!after.open);
    assert_eq!(after.state, "Resolved");
    // Resolved already: the workflow no longer offers it, and the error names what it offers.
    let e = c
        .resolve(
            &after,
            &TicketResolution {
                code: String::new(),
                notes: String::new(),
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&e, TicketError::Invalid(m) if m.contains("Reopen") && m.contains("resolve_transition")),
        "{e:?}"
    );
}

#[tokio::test]
async fn resolving_without_a_configured_transition_says_what_to_set() {
    let sim = start().await;
    let (key, _) = seeded(&sim, "New");
    let mut s = settings(&sim, TOKEN);
    s.resolve_transition = None;
    let c = client_with(&s);
    let t = c.lookup(&key).await.unwrap().unwrap();
    let before = sim.requests().len();
    let e = c
        .resolve(
            &t,
            &TicketResolution {
                code: "x".into(),
                notes: "y".into(),
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&e, TicketError::Invalid(m) if m.contains("tickets.jira.resolve_transition")),
        "{e:?}"
    );
    assert_eq!(sim.requests().len(), before, "nothing was sent");
    assert_eq!(desk_ticket(&sim, &key)["stage"], "New");
}

#[tokio::test]
async fn open_requests_come_newest_first_across_pages() {
    let sim = start().await;
    let caller = sim.user_logins()[9].clone();
    let c = client(&sim).with_page_size(2);
    let mut raised = Vec::new();
    for i in 0..7 {
        let t = c
            .create(&NewTicket {
                caller_email: caller.clone(),
                summary: format!("Request {i}"),
                description: String::new(),
            })
            .await
            .unwrap();
        raised.push(t);
    }
    // One of them is resolved: no longer open.
    c.resolve(
        &raised[3],
        &TicketResolution {
            code: String::new(),
            notes: String::new(),
        },
    )
    .await
    .unwrap();
    let seeded_open: Vec<String> = desk(&sim)
        .into_iter()
        .filter(|t| {
            t["caller"] == caller.as_str()
                && t["created_by_api"] == false
                && ["New", "InProgress", "OnHold"].contains(&t["stage"].as_str().unwrap())
        })
        .map(|t| t["jira_key"].as_str().unwrap().to_string())
        .collect();
    let searches_before = count(&sim, "GET", "/rest/api/3/search/jql");
    let open = c.open_for(&caller).await.unwrap();
    let keys: Vec<&str> = open.iter().map(|t| t.number.as_str()).collect();
    let mut expected: Vec<String> = raised
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 3)
        .map(|(_, t)| t.number.clone())
        .rev()
        .collect();
    expected.extend(seeded_open);
    assert_eq!(keys, expected);
    assert!(open.iter().all(|t| t.open && t.is_for(&caller)));
    assert!(open.windows(2).all(|w| w[0].created >= w[1].created));
    let pages = count(&sim, "GET", "/rest/api/3/search/jql") - searches_before;
    assert_eq!(pages, expected.len().div_ceil(2));
    assert!(pages >= 3, "{pages} pages");
    assert!(
        open[0]
            .web_url
            .as_deref()
            .unwrap()
            .ends_with(&format!("/browse/{}", open[0].number))
    );
    // The service desk's project is read once.
    c.open_for(&caller).await.unwrap();
    assert_eq!(count(&sim, "GET", "/rest/servicedeskapi/servicedesk/"), 1);
}

#[tokio::test]
async fn open_requests_honour_configured_statuses_and_unknown_people() {
    let sim = start().await;
    let caller = sim.user_logins()[11].clone();
    let mut s = settings(&sim, TOKEN);
    s.open_statuses = vec!["Waiting for support".into()];
    let c = client_with(&s);
    let t = c
        .create(&NewTicket {
            caller_email: caller.clone(),
            summary: "x".into(),
            description: String::new(),
        })
        .await
        .unwrap();
    let open = c.open_for(&caller).await.unwrap();
    assert!(open.iter().any(|o| o.number == t.number));
    assert!(open.iter().all(|o| o.state == "Waiting for support"));
    let e = c.open_for("nobody@example.invalid").await.unwrap_err();
    assert!(
        matches!(&e, TicketError::UnknownPerson { email, .. } if email == "nobody@example.invalid")
    );
    assert!(!e.is_transient());
}

#[tokio::test]
async fn a_wrong_token_is_401_and_never_shown() {
    let sim = start().await;
    let (key, caller) = seeded(&sim, "New");
    let wrong = "not-the-token-Zq8Xw3-wrong";
    let c = client_with(&settings(&sim, wrong));
    let e = c.lookup(&key).await.unwrap_err();
    assert!(matches!(e, TicketError::Api { status: 401, .. }), "{e:?}");
    assert!(e.hint().contains("JIRA_API_TOKEN"));
    assert!(!e.is_transient());
    for text in [e.to_string(), format!("{e:?}"), format!("{c:?}")] {
        assert!(!text.contains(wrong), "{text}");
    }
    let e = c.open_for(&caller).await.unwrap_err();
    assert!(matches!(e, TicketError::Api { status: 401, .. }), "{e:?}");
    assert_eq!(
        count(&sim, "GET", "/rest/api/3/user/search"),
        1,
        "a 401 is not retried"
    );
    assert!(!format!("{:?}", client(&sim)).contains(TOKEN));
    assert!(!format!("{:?}", settings(&sim, TOKEN)).contains(TOKEN));
}

#[tokio::test]
async fn a_desk_the_agent_is_not_on_is_403_and_an_unknown_desk_404() {
    let sim = start().await;
    let caller = sim.user_logins()[3].clone();
    let new = NewTicket {
        caller_email: caller.clone(),
        summary: "x".into(),
        description: String::new(),
    };
    let mut s = settings(&sim, TOKEN);
    s.service_desk_id = "2".into();
    let foreign = client_with(&s);
    let e = foreign.create(&new).await.unwrap_err();
    assert!(matches!(e, TicketError::Api { status: 403, .. }), "{e:?}");
    assert!(e.hint().contains("agent"));
    assert_clean(&e);
    let e = foreign.open_for(&caller).await.unwrap_err();
    assert!(matches!(e, TicketError::Api { status: 403, .. }), "{e:?}");
    s.service_desk_id = "99".into();
    let e = client_with(&s).create(&new).await.unwrap_err();
    assert!(
        matches!(&e, TicketError::Api { status: 404, message, .. } if message.contains("99")),
        "{e:?}"
    );
    assert_clean(&e);
}

#[tokio::test]
async fn server_errors_are_retried_on_reads_then_reported() {
    let sim = start().await;
    let (key, _) = seeded(&sim, "New");
    let c = client(&sim);
    sim.inject_fault(Fault::status(503, 2).on_path("/rest/servicedeskapi/request/"));
    let t = c.lookup(&key).await.unwrap().unwrap();
    assert_eq!(t.number, key);
    assert_eq!(count(&sim, "GET", "/rest/servicedeskapi/request/"), 3);
    sim.inject_fault(Fault::status(500, 50).on_path("/rest/servicedeskapi/request/"));
    let e = c.lookup(&key).await.unwrap_err();
    assert!(matches!(e, TicketError::Api { status: 500, .. }), "{e:?}");
    assert!(e.is_transient());
    assert_eq!(
        count(&sim, "GET", "/rest/servicedeskapi/request/"),
        3 + 1 + fast().max_retries
    );
    assert_clean(&e);
}

#[tokio::test]
async fn writes_are_sent_once() {
    let sim = start().await;
    let (key, _) = seeded(&sim, "New");
    let c = client(&sim);
    let t = c.lookup(&key).await.unwrap().unwrap();
    let notes_before = desk_ticket(&sim, &key)["notes"].as_array().unwrap().len();
    sim.inject_fault(on(
        FaultKind::Status { status: 503 },
        1,
        "/rest/servicedeskapi/request/",
    ));
    let e = c.add_note(&t, "note").await.unwrap_err();
    assert!(matches!(e, TicketError::Api { status: 503, .. }), "{e:?}");
    assert!(e.is_transient(), "the caller may retry it later");
    assert_eq!(count(&sim, "POST", "/rest/servicedeskapi/request/"), 1);
    assert_eq!(
        desk_ticket(&sim, &key)["notes"].as_array().unwrap().len(),
        notes_before
    );
    sim.inject_fault(on(FaultKind::Drop, 1, "/rest/servicedeskapi/request"));
    let e = c
        .create(&NewTicket {
            caller_email: sim.user_logins()[2].clone(),
            summary: "x".into(),
            description: String::new(),
        })
        .await
        .unwrap_err();
    assert!(matches!(e, TicketError::Network { .. }), "{e:?}");
    assert_eq!(count(&sim, "POST", "/rest/servicedeskapi/request"), 2);
}

#[tokio::test]
async fn rate_limits_are_waited_out_on_reads() {
    let sim = start().await;
    let (key, _) = seeded(&sim, "New");
    sim.inject_fault(on(
        FaultKind::RateLimited { reset_secs: 1 },
        1,
        "/rest/servicedeskapi/request/",
    ));
    let t = client(&sim).lookup(&key).await.unwrap();
    assert!(t.is_some());
    assert_eq!(count(&sim, "GET", "/rest/servicedeskapi/request/"), 2);
    // A wait longer than the client accepts is reported instead.
    let c = JiraClient::new(
        &settings(&sim, TOKEN),
        ClientOptions {
            max_rate_limit_wait: Duration::ZERO,
            ..fast()
        },
    )
    .unwrap();
    sim.inject_fault(on(
        FaultKind::RateLimited { reset_secs: 5 },
        1,
        "/rest/servicedeskapi/request/",
    ));
    let e = c.lookup(&key).await.unwrap_err();
    assert!(matches!(e, TicketError::Api { status: 429, .. }), "{e:?}");
    assert!(e.is_transient());
}

#[tokio::test]
async fn malformed_bodies_are_described_not_dumped() {
    let sim = start().await;
    let (key, caller) = seeded(&sim, "New");
    let c = client(&sim);
    sim.inject_fault(on(FaultKind::Garbage, 1, "/rest/servicedeskapi/request/"));
    let e = c.lookup(&key).await.unwrap_err();
    assert!(
        matches!(&e, TicketError::UnexpectedBody { status: 200, snippet, .. } if snippet.starts_with("not JSON")),
        "{e:?}"
    );
    assert!(!e.is_transient());
    assert_clean(&e);
    sim.inject_fault(on(
        FaultKind::Html { status: 502 },
        50,
        "/rest/api/3/user/search",
    ));
    let e = c.open_for(&caller).await.unwrap_err();
    assert!(
        matches!(&e, TicketError::UnexpectedBody { status: 502, snippet, content_type, .. }
            if snippet == "HTML page titled \"502 Bad Gateway\"" && content_type.starts_with("text/html")),
        "{e:?}"
    );
    assert_clean(&e);
    sim.inject_fault(on(FaultKind::Truncated, 1, "/rest/servicedeskapi/request/"));
    let e = c.lookup(&key).await.unwrap_err();
    assert!(
        matches!(&e, TicketError::UnexpectedBody { snippet, .. } if snippet.contains("ends early")),
        "{e:?}"
    );
}

#[tokio::test]
async fn an_unreachable_site_is_a_network_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let s = JiraSettings {
        url: url::Url::parse(&format!("http://127.0.0.1:{port}")).unwrap(),
        user: JIRA_USER.into(),
        api_token: SecretString::from(TOKEN.to_string()),
        service_desk_id: "1".into(),
        request_type_id: "1".into(),
        open_statuses: Vec::new(),
        resolve_transition: None,
    };
    let c = JiraClient::new(
        &s,
        ClientOptions {
            max_retries: 1,
            ..fast()
        },
    )
    .unwrap();
    let e = c.lookup("HD-1").await.unwrap_err();
    assert!(
        matches!(&e, TicketError::Network { url, cause, .. } if url.ends_with("/rest/servicedeskapi/request/HD-1") && cause.contains("refused")),
        "{e:?}"
    );
    assert!(e.is_transient());
    assert_clean(&e);
    assert_eq!(c.label(), "127.0.0.1");
}

#[tokio::test]
async fn a_read_only_session_reads_but_writes_nothing() {
    let sim = start().await;
    let (key, caller) = seeded(&sim, "New");
    let c = JiraClient::new(
        &settings(&sim, TOKEN),
        ClientOptions {
            read_only: true,
            ..fast()
        },
    )
    .unwrap();
    let t = c.lookup(&key).await.unwrap().unwrap();
    let e = c.add_note(&t, "x").await.unwrap_err();
    assert!(
        matches!(&e, TicketError::Invalid(m) if m.contains("read-only")),
        "{e:?}"
    );
    let e = c
        .create(&NewTicket {
            caller_email: caller,
            summary: "x".into(),
            description: String::new(),
        })
        .await
        .unwrap_err();
    assert!(matches!(e, TicketError::Invalid(_)), "{e:?}");
    assert_eq!(count(&sim, "POST", "/rest/"), 0);
}
