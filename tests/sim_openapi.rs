//! The simulator's responses checked against Okta's official management API
//! document (`../shared/specs/okta-management-openapi.yaml`, beside the repo).

mod support;

use accessdesk::sim::{SimConfig, SimHandle, start};
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
    assert_eq!(policies.as_array().unwrap().len(), 2);
    let policies_schema = spec().response_schema("/api/v1/policies", "get", "200");
    spec().assert_valid("policies", &policies_schema, &policies, &Options::default());
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
