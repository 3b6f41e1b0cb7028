//! The simulator's responses checked against Okta's official management API
//! document (`../shared/specs/okta-management-openapi.yaml`, beside the repo).

mod support;

use accessdesk::sim::{PushBehaviour, SimConfig, SimHandle, start};
use serde_json::{Value, json};
use support::openapi::{Direction, Options, spec};

const TOKEN: &str = "test-token-0123456789";

/// Where real Okta events carry `null` although the spec does not mark the
/// field nullable. The spec's own `ListLogs` example has most of them (see
/// `spec_example_needs_only_the_tolerated_nulls`); the `client.*` ones are what
/// system-initiated events (auto-unlock) carry.
const LOG_EVENT_NULLS: &[&str] = &[
    "legacyEventType",
    "target",
    "target[*].detailEntry",
    "actor.detailEntry",
    "outcome.reason",
    "client.userAgent",
    "client.zone",
    "client.device",
    "client.id",
    "client.ipAddress",
    "client.geographicalContext",
    "authenticationContext.authenticationProvider",
    "authenticationContext.credentialProvider",
    "authenticationContext.credentialType",
    "authenticationContext.issuer",
    "authenticationContext.interface",
    "transaction.detail",
    "request.ipChain[*].source",
];

fn log_options() -> Options {
    Options {
        direction: Direction::Response,
        tolerated_nulls: LOG_EVENT_NULLS
            .iter()
            .map(|p| format!("$[*].{p}"))
            .collect(),
    }
}

async fn sim() -> SimHandle {
    let mut config = SimConfig::new(TOKEN);
    config.control = true;
    config.history = true;
    config.users = 200;
    start(config, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("simulator starts")
}

async fn get(sim: &SimHandle, path_and_query: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .get(format!("{}{path_and_query}", sim.base_url()))
        .header("Authorization", format!("SSWS {TOKEN}"))
        .send()
        .await
        .expect("request succeeds");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON body"))
}

#[tokio::test]
async fn single_users_match_user_get_singleton() {
    let sim = sim().await;
    let schema = spec().response_schema("/api/v1/users/{id}", "get", "200");
    let logins = sim.user_logins();
    let locked = sim.lock_user(&logins[20]).expect("lockable");
    for login in logins.iter().step_by(7).chain([&locked.login]) {
        let (status, body) = get(&sim, &format!("/api/v1/users/{login}")).await;
        assert_eq!(status, 200, "{login}");
        spec().assert_valid(
            &format!("GET /api/v1/users/{login}"),
            &schema,
            &body,
            &Options::default(),
        );
    }
    let (_, body) = get(&sim, &format!("/api/v1/users/{}", locked.user_id)).await;
    assert_eq!(body["status"], "LOCKED_OUT");
    assert!(body["_links"]["unlock"]["href"].is_string());
    sim.shutdown().await;
}

#[tokio::test]
async fn user_lists_match_an_array_of_user() {
    let sim = sim().await;
    let schema = spec().response_schema("/api/v1/users", "get", "200");
    for query in [
        "",
        "?limit=200",
        "?search=status%20eq%20%22LOCKED_OUT%22",
        "?q=a",
        "?filter=status%20eq%20%22ACTIVE%22",
    ] {
        let (status, body) = get(&sim, &format!("/api/v1/users{query}")).await;
        assert_eq!(status, 200, "{query}");
        assert!(!body.as_array().unwrap().is_empty(), "{query}");
        spec().assert_valid(
            &format!("GET /api/v1/users{query}"),
            &schema,
            &body,
            &Options::default(),
        );
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn log_pages_with_lockouts_match_log_event() {
    let sim = sim().await;
    let login = sim.user_logins()[11].clone();
    let injected = sim.lock_user(&login).expect("lockable");
    let schema = spec().response_schema("/api/v1/logs", "get", "200");
    let lockouts = "eventType eq \"user.account.lock\" or (eventType eq \"user.session.start\" and outcome.reason eq \"LOCKED_OUT\")";
    let filter = url::form_urlencoded::byte_serialize(lockouts.as_bytes()).collect::<String>();
    let (status, page) = get(
        &sim,
        &format!("/api/v1/logs?filter={filter}&limit=1000&sortOrder=DESCENDING"),
    )
    .await;
    assert_eq!(status, 200);
    let events = page.as_array().unwrap();
    assert!(events.iter().any(|e| e["uuid"] == injected.uuid.as_str()));
    assert!(events.iter().any(|e| e["eventType"] == "user.account.lock"));
    assert!(
        events
            .iter()
            .any(|e| e["eventType"] == "user.session.start"
                && e["outcome"]["reason"] == "LOCKED_OUT")
    );
    spec().assert_valid("lockout log page", &schema, &page, &log_options());

    // Everything else the simulator writes: sign-ins, MFA, auto and admin unlocks.
    let client = reqwest::Client::new();
    let unlocked = client
        .post(format!(
            "{}/api/v1/users/{}/lifecycle/unlock",
            sim.base_url(),
            injected.user_id
        ))
        .header("Authorization", format!("SSWS {TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(unlocked.status(), 200);
    let (status, all) = get(&sim, "/api/v1/logs?limit=1000&sortOrder=DESCENDING").await;
    assert_eq!(status, 200);
    let types: std::collections::HashSet<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["eventType"].as_str())
        .collect();
    for t in [
        "user.session.start",
        "user.authentication.auth_via_mfa",
        "user.account.unlock",
        "user.account.unlock_by_admin",
    ] {
        assert!(types.contains(t), "{t} in {types:?}");
    }
    spec().assert_valid("full log page", &schema, &all, &log_options());
    sim.shutdown().await;
}

#[tokio::test]
async fn errors_match_the_error_schema() {
    let sim = sim().await;
    let (status, not_found) = get(&sim, "/api/v1/users/nobody@example.com").await;
    assert_eq!(status, 404);
    assert_eq!(not_found["errorCode"], "E0000007");
    assert_eq!(
        not_found["errorSummary"],
        "Not found: Resource not found: nobody@example.com (User)"
    );
    let schema_404 = spec().response_schema("/api/v1/users/{id}", "get", "404");
    spec().assert_valid("404", &schema_404, &not_found, &Options::default());

    let response = reqwest::Client::new()
        .get(format!("{}/api/v1/users", sim.base_url()))
        .header("Authorization", "SSWS wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let unauthorized: Value = response.json().await.unwrap();
    assert_eq!(unauthorized["errorCode"], "E0000011");
    assert_eq!(unauthorized["errorSummary"], "Invalid token provided");
    assert_eq!(unauthorized["errorCauses"], json!([]));
    spec().assert_valid(
        "401",
        &spec().component("Error"),
        &unauthorized,
        &Options::default(),
    );

    let (status, bad_filter) = get(&sim, "/api/v1/logs?filter=eventType%20eqq%20%22x%22").await;
    assert_eq!(status, 400);
    let schema_400 = spec().response_schema("/api/v1/logs", "get", "400");
    spec().assert_valid("400", &schema_400, &bad_filter, &Options::default());
    sim.shutdown().await;
}

#[tokio::test]
async fn factors_groups_and_policies_match_their_schemas() {
    let sim = sim().await;
    let factors_schema = spec().response_schema("/api/v1/users/{userId}/factors", "get", "200");
    let groups_schema = spec().response_schema("/api/v1/users/{id}/groups", "get", "200");
    let mut kinds = std::collections::HashSet::new();
    for login in sim.user_logins().iter().take(60) {
        let (status, factors) = get(&sim, &format!("/api/v1/users/{login}/factors")).await;
        assert_eq!(status, 200);
        kinds.extend(
            factors
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["factorType"].as_str().unwrap().to_string()),
        );
        spec().assert_valid("factors", &factors_schema, &factors, &Options::default());
        let (status, groups) = get(&sim, &format!("/api/v1/users/{login}/groups")).await;
        assert_eq!(status, 200);
        spec().assert_valid("groups", &groups_schema, &groups, &Options::default());
    }
    for kind in ["push", "sms", "token:software:totp", "webauthn", "email"] {
        assert!(kinds.contains(kind), "{kind} in {kinds:?}");
    }
    let (status, policies) = get(&sim, "/api/v1/policies?type=PASSWORD").await;
    assert_eq!(status, 200);
    assert_eq!(policies.as_array().unwrap().len(), 4);
    let policies_schema = spec().response_schema("/api/v1/policies", "get", "200");
    spec().assert_valid("policies", &policies_schema, &policies, &Options::default());
    sim.shutdown().await;
}

#[tokio::test]
async fn groups_members_and_password_changes_match_their_schemas() {
    let sim = sim().await;
    let (status, groups) = get(&sim, "/api/v1/groups").await;
    assert_eq!(status, 200);
    let list_schema = spec().response_schema("/api/v1/groups", "get", "200");
    spec().assert_valid("groups", &list_schema, &groups, &Options::default());
    let one_schema = spec().response_schema("/api/v1/groups/{groupId}", "get", "200");
    let members_schema = spec().response_schema("/api/v1/groups/{groupId}/users", "get", "200");
    for group in groups.as_array().unwrap().iter().take(5) {
        let id = group["id"].as_str().unwrap();
        let (status, one) = get(&sim, &format!("/api/v1/groups/{id}")).await;
        assert_eq!(status, 200);
        spec().assert_valid("group", &one_schema, &one, &Options::default());
        let (status, members) = get(&sim, &format!("/api/v1/groups/{id}/users?limit=50")).await;
        assert_eq!(status, 200);
        assert!(!members.as_array().unwrap().is_empty());
        spec().assert_valid("members", &members_schema, &members, &Options::default());
    }
    let (status, missing) = get(&sim, "/api/v1/groups/00gnothere/users").await;
    assert_eq!(status, 404);
    let schema_404 = spec().response_schema("/api/v1/groups/{groupId}/users", "get", "404");
    spec().assert_valid("404", &schema_404, &missing, &Options::default());

    assert_eq!(sim.change_passwords(3).len(), 3);
    let filter = "eventType%20eq%20%22user.account.update_password%22";
    let (status, events) = get(&sim, &format!("/api/v1/logs?filter={filter}")).await;
    assert_eq!(status, 200);
    assert!(events.as_array().unwrap().len() >= 3);
    let logs_schema = spec().response_schema("/api/v1/logs", "get", "200");
    spec().assert_valid("update_password", &logs_schema, &events, &log_options());
    sim.shutdown().await;
}

#[test]
fn validator_rejects_wrong_shapes() {
    let user = spec().component("User");
    let ok = json!({"id": "00u1", "status": "ACTIVE", "created": "2024-01-01T00:00:00.000Z", "lastLogin": null, "profile": {"login": "dana@example.com"}});
    assert!(spec().validate(&user, &ok, &Options::default()).is_empty());

    let bad_status = json!({"id": "00u1", "status": "SLEEPING"});
    let v = spec().validate(&user, &bad_status, &Options::default());
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].path, "$.status");

    let bad_date = json!({"created": "yesterday", "profile": {"login": 5}});
    let paths: Vec<String> = spec()
        .validate(&user, &bad_date, &Options::default())
        .into_iter()
        .map(|v| v.path)
        .collect();
    assert_eq!(paths, ["$.created", "$.profile.login"]);

    let events = json!({"type": "array", "items": {"$ref": "#/components/schemas/LogEvent"}});
    let numeric_published = json!([{"uuid": "x", "published": 1723564700353_i64}]);
    let v = spec().validate(&events, &numeric_published, &log_options());
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].path, "$[0].published");
    assert!(v[0].message.contains("expected string"), "{}", v[0].message);

    // Tolerated nulls are only tolerated where listed.
    let null_result = json!([{"outcome": {"result": null, "reason": null}}]);
    let v = spec().validate(&events, &null_result, &log_options());
    assert_eq!(
        v.iter().map(|v| v.path.as_str()).collect::<Vec<_>>(),
        ["$[0].outcome.result"]
    );

    // A link object without its required href; a writeOnly password value in a response.
    let links = json!({"_links": {"self": {"method": "GET"}}, "credentials": {"password": {"value": "hunter2"}}});
    let v: Vec<String> = spec()
        .validate(&user, &links, &Options::default())
        .into_iter()
        .map(|v| v.to_string())
        .collect();
    assert!(
        v.iter()
            .any(|m| m.starts_with("$._links.self: missing required property 'href'")),
        "{v:?}"
    );
    assert!(
        v.iter()
            .any(|m| m.starts_with("$.credentials.password.value: writeOnly")),
        "{v:?}"
    );

    // Direction matters: `id` is readOnly, so a request must not send it.
    let request = Options {
        direction: Direction::Request,
        tolerated_nulls: Vec::new(),
    };
    let v = spec().validate(
        &user,
        &json!({"id": "00u1", "profile": {"login": "dana@example.com"}}),
        &request,
    );
    assert_eq!(
        v.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["$.id: readOnly property present in a request"]
    );

    // Discriminated factors are checked against the mapped schema (push → provider OKTA only).
    let factor = spec().component("UserFactor");
    let wrong_provider = json!({"factorType": "push", "provider": "GOOGLE", "status": "ACTIVE"});
    let v = spec().validate(&factor, &wrong_provider, &Options::default());
    assert_eq!(
        v.iter().map(|v| v.path.as_str()).collect::<Vec<_>>(),
        ["$.provider"]
    );
}

#[test]
fn validator_handles_composition_keywords() {
    let s = json!({
        "type": "object",
        "required": ["kind"],
        "additionalProperties": false,
        "properties": {
            "kind": {"oneOf": [{"type": "string", "enum": ["a"]}, {"type": "string", "maxLength": 1}]},
            "n": {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "string"}]},
            "tags": {"type": "array", "maxItems": 2, "items": {"type": "string", "nullable": true}}
        }
    });
    let check = |v: Value| {
        spec()
            .validate(&s, &v, &Options::default())
            .into_iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        check(json!({"kind": "b", "n": 3, "tags": [null, "x"]})),
        Vec::<String>::new()
    );
    assert_eq!(
        check(json!({"kind": "a"})),
        ["$.kind: matches 2 of the oneOf alternatives, expected exactly 1"]
    );
    assert_eq!(
        check(json!({"kind": "bb", "n": 0})),
        [
            "$.kind: matches 0 of the oneOf alternatives, expected exactly 1",
            "$.n: matches none of the 2 anyOf alternatives",
        ]
    );
    assert_eq!(
        check(json!({"extra": 1, "tags": [1, 2, 3]})),
        [
            "$: missing required property 'kind'",
            "$.extra: additional property not allowed",
            "$.tags: more than 2 items",
            "$.tags[0]: expected string, found the number 1",
            "$.tags[1]: expected string, found the number 2",
            "$.tags[2]: expected string, found the number 3",
        ]
    );
}

#[test]
fn spec_example_needs_only_the_tolerated_nulls() {
    let example = spec().doc()["components"]["examples"]["ListLogs"]["value"].clone();
    let mut example = example;
    // The YAML example leaves these unquoted; real events (and the schema) use strings.
    for e in example.as_array_mut().unwrap() {
        e["version"] = json!("0");
        for pointer in [
            "/client/geographicalContext/postalCode",
            "/request/ipChain/0/geographicalContext/postalCode",
        ] {
            let code = e.pointer_mut(pointer).expect("example has a postal code");
            *code = json!(code.to_string());
        }
    }
    let events = json!({"type": "array", "items": {"$ref": "#/components/schemas/LogEvent"}});
    let strict = spec().validate(&events, &example, &Options::default());
    assert!(
        !strict.is_empty(),
        "the example uses nulls the schema does not allow"
    );
    let tolerated = log_options().tolerated_nulls;
    for v in &strict {
        assert!(
            v.message.starts_with("expected") && v.message.ends_with("found null"),
            "{v}"
        );
        let general = v.path.replace("[0]", "[*]").replace("[1]", "[*]");
        assert!(
            tolerated.contains(&general),
            "{v} is not in the tolerated list"
        );
    }
    assert!(
        spec()
            .validate(&events, &example, &log_options())
            .is_empty()
    );
}

/// A quiet organisation whose users answer pushes quickly.
async fn fast_push_sim() -> SimHandle {
    let mut config = SimConfig::new(TOKEN);
    config.control = true;
    config.history = false;
    config.lockouts_per_minute = 0.0;
    config.users = 300;
    config.push_delay = Some(std::time::Duration::from_millis(500));
    config.push_timeout = std::time::Duration::from_millis(1500);
    start(config, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("simulator starts")
}

async fn send(
    sim: &SimHandle,
    method: reqwest::Method,
    url: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let url = if url.starts_with("http") {
        url.to_string()
    } else {
        format!("{}{url}", sim.base_url())
    };
    let mut request = reqwest::Client::new()
        .request(method, url)
        .header("Authorization", format!("SSWS {TOKEN}"))
        .header("User-Agent", "accessdesk-openapi-test");
    if let Some(b) = body {
        request = request.json(&b);
    }
    let response = request.send().await.expect("request succeeds");
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).expect("JSON body")
    };
    (status, body)
}

async fn post(sim: &SimHandle, url: &str, body: Option<Value>) -> (u16, Value) {
    send(sim, reqwest::Method::POST, url, body).await
}

/// A user's id and active factor of this type, from the first user who has one.
async fn user_with_factor(sim: &SimHandle, factor_type: &str) -> (String, String, Value) {
    for login in sim.user_logins() {
        let user = sim.user_json(&login).unwrap();
        if user["status"] != "ACTIVE" {
            continue;
        }
        let id = user["id"].as_str().unwrap().to_string();
        let (_, factors) = get(sim, &format!("/api/v1/users/{id}/factors")).await;
        if let Some(f) = factors
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["factorType"] == factor_type && f["status"] == "ACTIVE")
        {
            return (login, id, f.clone());
        }
    }
    panic!("no ACTIVE user with an active {factor_type} factor");
}

const FACTOR: &str = "/api/v1/users/{userId}/factors/{factorId}";
const VERIFY: &str = "/api/v1/users/{userId}/factors/{factorId}/verify";
const TRANSACTION: &str = "/api/v1/users/{userId}/factors/{factorId}/transactions/{transactionId}";

#[tokio::test]
async fn single_factors_match_user_factor() {
    let sim = fast_push_sim().await;
    let schema = spec().response_schema(FACTOR, "get", "200");
    let mut seen = std::collections::HashSet::new();
    for login in sim.user_logins().iter().take(80) {
        let (_, factors) = get(&sim, &format!("/api/v1/users/{login}/factors")).await;
        for f in factors.as_array().unwrap() {
            let href = f["_links"]["self"]["href"].as_str().unwrap();
            let (status, one) = get(&sim, href.strip_prefix(&sim.base_url()).unwrap()).await;
            assert_eq!(status, 200);
            assert_eq!(&one, f);
            spec().assert_valid("GET factor", &schema, &one, &Options::default());
            seen.insert(one["factorType"].as_str().unwrap().to_string());
        }
    }
    assert!(seen.len() >= 4, "{seen:?}");
    let (status, missing) = get(
        &sim,
        &format!("/api/v1/users/{}/factors/opfNOTHERE", sim.user_logins()[0]),
    )
    .await;
    assert_eq!(status, 404);
    spec().assert_valid(
        "404 factor",
        &spec().response_schema(FACTOR, "get", "404"),
        &missing,
        &Options::default(),
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn push_verify_and_every_transaction_result_match_the_spec() {
    let sim = fast_push_sim().await;
    let created = spec().response_schema(VERIFY, "post", "201");
    let polled = spec().response_schema(TRANSACTION, "get", "200");
    for (behaviour, result) in [
        (PushBehaviour::Approve, "SUCCESS"),
        (PushBehaviour::Reject, "REJECTED"),
        (PushBehaviour::NoAnswer, "TIMEOUT"),
    ] {
        let login = sim.users_with_push(behaviour)[0].clone();
        let id = sim.user_json(&login).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let (_, factors) = get(&sim, &format!("/api/v1/users/{id}/factors")).await;
        let push = factors
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["factorType"] == "push")
            .unwrap();
        let verify = push["_links"]["verify"]["href"].as_str().unwrap();
        let (status, challenge) = post(&sim, verify, None).await;
        assert_eq!(status, 201);
        assert_eq!(challenge["factorResult"], "WAITING");
        spec().assert_valid("verify push 201", &created, &challenge, &Options::default());

        let poll = challenge["_links"]["poll"]["href"]
            .as_str()
            .unwrap()
            .to_string();
        let (_, waiting) = send(&sim, reqwest::Method::GET, &poll, None).await;
        assert_eq!(waiting["factorResult"], "WAITING");
        spec().assert_valid("WAITING", &polled, &waiting, &Options::default());
        // The discriminated schema does check: a poll link needs its href.
        let mut no_href = waiting.clone();
        no_href["_links"]["poll"] = json!({"hints": {"allow": ["GET"]}});
        let v = spec().validate(&polled, &no_href, &Options::default());
        assert_eq!(
            v.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["$._links.poll: missing required property 'href'"]
        );
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let done = loop {
            let (_, body) = send(&sim, reqwest::Method::GET, &poll, None).await;
            if body["factorResult"] != "WAITING" {
                break body;
            }
            assert!(std::time::Instant::now() < deadline);
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        };
        assert_eq!(done["factorResult"], result);
        spec().assert_valid(result, &polled, &done, &Options::default());
        let mut unknown = done.clone();
        unknown["factorResult"] = json!("MAYBE");
        assert!(
            !spec()
                .validate(&polled, &unknown, &Options::default())
                .is_empty()
        );
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn code_verifies_and_their_errors_match_the_spec() {
    let sim = fast_push_sim().await;
    let ok = spec().response_schema(VERIFY, "post", "200");
    let forbidden = spec().response_schema(VERIFY, "post", "403");
    let (login, _, sms) = user_with_factor(&sim, "sms").await;
    let verify = sms["_links"]["verify"]["href"].as_str().unwrap();
    let (status, challenge) = post(&sim, verify, None).await;
    assert_eq!(status, 200);
    assert_eq!(challenge["factorResult"], "CHALLENGE");
    // The verify schema wants object values in `profile`, which rejects the
    // spec's own `UserFactorChallengeSmsResponse` example; the profile is
    // checked against the SMS factor's profile schema instead.
    let example =
        spec().doc()["components"]["examples"]["UserFactorChallengeSmsResponse"]["value"].clone();
    let example_violations: Vec<String> = spec()
        .validate(&ok, &example, &Options::default())
        .into_iter()
        .map(|v| v.path)
        .collect();
    assert_eq!(example_violations, ["$.profile.phoneNumber"]);
    let mut without_profile = challenge.clone();
    let profile = without_profile
        .as_object_mut()
        .unwrap()
        .remove("profile")
        .unwrap();
    assert_eq!(profile, sms["profile"]);
    spec().assert_valid("sms CHALLENGE", &ok, &without_profile, &Options::default());
    spec().assert_valid(
        "sms CHALLENGE profile",
        &spec().component("UserFactorSMSProfile"),
        &profile,
        &Options::default(),
    );
    let code = sim.last_code(&login, sms["id"].as_str().unwrap()).unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (status, error) = post(&sim, verify, Some(json!({"passCode": wrong}))).await;
    assert_eq!(
        (status, error["errorCode"].as_str()),
        (403, Some("E0000068"))
    );
    spec().assert_valid("403 passcode", &forbidden, &error, &Options::default());
    let (status, success) = post(&sim, verify, Some(json!({"passCode": code}))).await;
    assert_eq!(status, 200);
    spec().assert_valid("sms SUCCESS", &ok, &success, &Options::default());

    let (login, _, totp) = user_with_factor(&sim, "token:software:totp").await;
    let code = sim.last_code(&login, totp["id"].as_str().unwrap()).unwrap();
    let verify = totp["_links"]["verify"]["href"].as_str().unwrap();
    let (status, success) = post(&sim, verify, Some(json!({"passCode": code}))).await;
    assert_eq!(status, 200);
    assert_eq!(success["factorResult"], "SUCCESS");
    spec().assert_valid("totp SUCCESS", &ok, &success, &Options::default());
    let (status, missing) = send(
        &sim,
        reqwest::Method::GET,
        &format!(
            "{}/transactions/v2mst.nothere",
            sms["_links"]["self"]["href"].as_str().unwrap()
        ),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let not_found = spec().response_schema(TRANSACTION, "get", "404");
    spec().assert_valid("404 transaction", &not_found, &missing, &Options::default());
    sim.shutdown().await;
}

#[tokio::test]
async fn lifecycle_answers_match_the_spec() {
    let sim = fast_push_sim().await;
    let admin = sim.user_json("me").unwrap()["id"].clone();
    let users: Vec<Value> = sim
        .user_logins()
        .iter()
        .filter_map(|l| sim.user_json(l))
        .filter(|u| u["id"] != admin)
        .collect();
    let of = |status: &str| {
        users
            .iter()
            .find(|u| u["status"] == status)
            .unwrap_or_else(|| panic!("a {status} user"))["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let reset = "/api/v1/users/{id}/lifecycle/reset_password";
    let (status, link) = post(
        &sim,
        &format!(
            "/api/v1/users/{}/lifecycle/reset_password?sendEmail=false",
            of("LOCKED_OUT")
        ),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(link["resetPasswordUrl"].is_string());
    spec().assert_valid(
        "reset_password",
        &spec().response_schema(reset, "post", "200"),
        &link,
        &Options::default(),
    );

    let (status, refused) = post(
        &sim,
        &format!(
            "/api/v1/users/{}/lifecycle/reset_password?sendEmail=true",
            of("DEPROVISIONED")
        ),
        None,
    )
    .await;
    assert_eq!(
        (status, refused["errorCode"].as_str()),
        (403, Some("E0000038"))
    );
    spec().assert_valid(
        "403 reset_password",
        &spec().response_schema(reset, "post", "403"),
        &refused,
        &Options::default(),
    );

    let expire = "/api/v1/users/{id}/lifecycle/expire_password";
    let (status, user) = post(
        &sim,
        &format!("/api/v1/users/{}/lifecycle/expire_password", of("ACTIVE")),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(user["status"], "PASSWORD_EXPIRED");
    spec().assert_valid(
        "expire_password",
        &spec().response_schema(expire, "post", "200"),
        &user,
        &Options::default(),
    );

    let (status, missing) = post(&sim, "/api/v1/users/nobody/lifecycle/reset_factors", None).await;
    assert_eq!(status, 404);
    let reset_factors = "/api/v1/users/{id}/lifecycle/reset_factors";
    spec().assert_valid(
        "404 reset_factors",
        &spec().response_schema(reset_factors, "post", "404"),
        &missing,
        &Options::default(),
    );

    // Every event the new operations write is a valid LogEvent.
    let (_, all) = get(&sim, "/api/v1/logs?limit=1000").await;
    let types: std::collections::HashSet<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["eventType"].as_str())
        .collect();
    for t in [
        "user.account.reset_password",
        "user.account.expire_password",
    ] {
        assert!(types.contains(t), "{t} in {types:?}");
    }
    let schema = spec().response_schema("/api/v1/logs", "get", "200");
    spec().assert_valid("admin events", &schema, &all, &log_options());
    sim.shutdown().await;
}
