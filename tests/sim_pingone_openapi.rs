//! The PingOne simulator's responses checked against Ping's OpenAPI documents
//! (`../shared/specs/pingone/management-openapi.yaml` and `mfa-openapi.yaml`, beside the repo)
//! wherever they declare a response schema, and against the synthetic samples' shapes
//! (`../shared/specs/pingone/samples/*.json`: same keys and nesting) where they do not.
//! Outside CI a missing document or sample skips the test with a message.

mod support;

use std::sync::OnceLock;

use accessdesk::idp::Provider;
use accessdesk::sim::{SimConfig, SimHandle, SimInfo, start};
use serde_json::Value;
use support::openapi::{Options, Spec, optional_spec};
use support::shape::differences;

const SECRET: &str = "openapi-test-client-secret";
const SPECS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/specs/pingone");

fn management() -> Option<&'static Spec> {
    static SPEC: OnceLock<Option<Spec>> = OnceLock::new();
    SPEC.get_or_init(|| {
        optional_spec(
            &format!("{SPECS}/management-openapi.yaml"),
            "PingOne management",
        )
    })
    .as_ref()
}

fn mfa() -> Option<&'static Spec> {
    static SPEC: OnceLock<Option<Spec>> = OnceLock::new();
    SPEC.get_or_init(|| optional_spec(&format!("{SPECS}/mfa-openapi.yaml"), "PingOne MFA"))
        .as_ref()
}

/// A synthetic sample, with the same rule as the documents when it is missing.
fn sample(name: &str) -> Option<Value> {
    let path = format!("{SPECS}/samples/{name}");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(serde_json::from_str(&text).expect("the sample is JSON")),
        Err(e) if std::env::var_os("CI").is_some() => panic!("cannot read {path}: {e}"),
        Err(e) => {
            eprintln!("skipped: no sample at {path} ({e})");
            None
        }
    }
}

fn assert_shape(what: &str, sample: &Value, actual: &Value, optional: &[&str]) {
    let diffs = differences(sample, actual, optional);
    assert!(
        diffs.is_empty(),
        "{what} does not have the sample's shape:\n{}",
        diffs.join("\n")
    );
}

const USERS: &str = "/environments/{environmentID}/users";
const USER: &str = "/environments/{environmentID}/users/{userID}";

struct Env {
    sim: SimHandle,
    info: SimInfo,
    token: String,
    http: reqwest::Client,
}

impl Env {
    async fn start() -> Env {
        let mut config = SimConfig::new(SECRET);
        config.provider = Provider::PingOne;
        config.users = 200;
        config.control = true;
        config.lockouts_per_minute = 0.0;
        let sim = start(config, "127.0.0.1:0".parse().unwrap())
            .await
            .expect("simulator starts");
        let info = sim.info();
        let http = reqwest::Client::new();
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "client_credentials")
            .finish();
        let token: Value = http
            .post(format!(
                "{}/{}/as/token",
                info.auth_url,
                info.environment_id.as_deref().unwrap()
            ))
            .basic_auth(info.client_id.as_deref().unwrap(), Some(SECRET))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        Env {
            sim,
            info,
            token: token["access_token"].as_str().unwrap().to_string(),
            http,
        }
    }

    fn api(&self, path: &str) -> String {
        format!(
            "{}/environments/{}{path}",
            self.info.api_url,
            self.info.environment_id.as_deref().unwrap()
        )
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> (u16, Value) {
        let r = req.bearer_auth(&self.token).send().await.unwrap();
        (r.status().as_u16(), r.json().await.expect("a JSON body"))
    }

    async fn get(&self, url: &str) -> (u16, Value) {
        self.send(self.http.get(url)).await
    }

    async fn ok(&self, url: &str) -> Value {
        let (status, body) = self.get(url).await;
        assert_eq!(status, 200, "GET {url}: {body}");
        body
    }

    async fn user_ids(&self) -> Vec<String> {
        let page = self.ok(&self.api("/users?limit=1000")).await;
        page["_embedded"]["users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["id"].as_str().unwrap().to_string())
            .collect()
    }
}

#[tokio::test]
async fn user_pages_match_the_entity_array() {
    let Some(spec) = management() else { return };
    let env = Env::start().await;
    env.sim.lock_user(&env.sim.user_logins()[11]).unwrap();
    let schema = spec.response_schema(USERS, "get", "200");
    let mut url = env.api("/users?limit=70");
    let mut pages = 0;
    loop {
        let page = env.ok(&url).await;
        spec.assert_valid(&format!("GET {url}"), &schema, &page, &Options::default());
        pages += 1;
        match page["_links"]["next"]["href"].as_str() {
            Some(next) => url = next.to_string(),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let filtered = env
        .ok(&env.api("/users?filter=account.status%20eq%20%22LOCKED%22"))
        .await;
    assert!(filtered["count"].as_u64().unwrap() >= 1);
    spec.assert_valid("GET users?filter", &schema, &filtered, &Options::default());
    if let Some(sample) = sample("pingone-synthetic-users-page.json") {
        assert_shape("GET users", &sample, &filtered, &["$._links.next"]);
    }
    env.sim.shutdown().await;
}

#[tokio::test]
async fn single_users_and_unlocks_match_user() {
    let Some(spec) = management() else { return };
    let env = Env::start().await;
    let locked = env.sim.lock_user(&env.sim.user_logins()[20]).unwrap();
    let schema = spec.response_schema(USER, "get", "200");
    for id in env
        .user_ids()
        .await
        .iter()
        .step_by(7)
        .chain([&locked.user_id])
    {
        let body = env.ok(&env.api(&format!("/users/{id}"))).await;
        spec.assert_valid(
            &format!("GET users/{id}"),
            &schema,
            &body,
            &Options::default(),
        );
    }
    let (status, unlocked) = env
        .send(
            env.http
                .post(env.api(&format!("/users/{}", locked.user_id)))
                .header(
                    "Content-Type",
                    "application/vnd.pingidentity.account.unlock+json",
                ),
        )
        .await;
    assert_eq!(status, 200);
    spec.assert_valid(
        "POST users/{id} (unlock)",
        &spec.response_schema(USER, "post", "200"),
        &unlocked,
        &Options::default(),
    );
    env.sim.shutdown().await;
}

#[tokio::test]
async fn groups_memberships_and_policies_match_the_entity_array() {
    let Some(spec) = management() else { return };
    let env = Env::start().await;
    let checks = [
        ("/environments/{environmentID}/groups", env.api("/groups")),
        (
            "/environments/{environmentID}/passwordPolicies",
            env.api("/passwordPolicies"),
        ),
    ];
    for (path, url) in checks {
        let body = env.ok(&url).await;
        assert!(body["count"].as_u64().unwrap() >= 1, "{url}");
        spec.assert_valid(
            &format!("GET {url}"),
            &spec.response_schema(path, "get", "200"),
            &body,
            &Options::default(),
        );
    }
    let schema = spec.response_schema(
        "/environments/{environmentID}/users/{userID}/memberOfGroups",
        "get",
        "200",
    );
    for id in env.user_ids().await.iter().step_by(23) {
        let url = env.api(&format!("/users/{id}/memberOfGroups"));
        let body = env.ok(&url).await;
        spec.assert_valid(&format!("GET {url}"), &schema, &body, &Options::default());
    }
    env.sim.shutdown().await;
}

#[tokio::test]
async fn errors_match_p1_error_and_the_sample() {
    let Some(spec) = management() else { return };
    let env = Env::start().await;
    let error = spec.component("P1Error");
    let bad_filter = env
        .get(&env.api("/users?filter=nickname%20eq%20%22x%22"))
        .await;
    let unknown = env
        .get(&env.api("/users/00000000-0000-4000-8000-000000000000"))
        .await;
    let (status, no_token) = {
        let r = env.http.get(env.api("/users")).send().await.unwrap();
        (r.status().as_u16(), r.json::<Value>().await.unwrap())
    };
    for (path, (status, body)) in [
        (USERS, (bad_filter.0, &bad_filter.1)),
        (USER, (unknown.0, &unknown.1)),
        (USERS, (status, &no_token)),
    ] {
        let code = status.to_string();
        spec.assert_valid(&code, &error, body, &Options::default());
        spec.assert_valid(
            &code,
            &spec.response_schema(path, "get", &code),
            body,
            &Options::default(),
        );
    }
    assert_eq!(
        (bad_filter.0, unknown.0, status),
        (400, 404, 401),
        "{bad_filter:?}"
    );
    if let Some(sample) = sample("pingone-synthetic-error-400.json") {
        assert_shape("400", &sample, &bad_filter.1, &[]);
    }
    env.sim.shutdown().await;
}

#[tokio::test]
async fn devices_have_the_samples_shape() {
    let (Some(spec), Some(sample)) = (mfa(), sample("pingone-synthetic-devices.json")) else {
        return;
    };
    let env = Env::start().await;
    let mut seen = std::collections::HashSet::new();
    for id in env.user_ids().await.iter().step_by(3) {
        let url = env.api(&format!("/users/{id}/devices"));
        let body = env.ok(&url).await;
        // The sample has one MOBILE, one SMS and one EMAIL device; compare each device with
        // the sample's device of its type.
        for device in body["_embedded"]["devices"].as_array().unwrap() {
            seen.insert(device["type"].as_str().unwrap().to_string());
            let same_type = sample["_embedded"]["devices"]
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d["type"] == device["type"] && d["status"] == device["status"]);
            if let Some(expected) = same_type {
                assert_shape(&format!("{url} {}", device["id"]), expected, device, &[]);
            }
        }
        let mut outline = sample.clone();
        outline["_embedded"]["devices"] = Value::Array(Vec::new());
        assert_shape(&url, &outline, &body, &[]);
    }
    for kind in ["MOBILE", "SMS", "EMAIL"] {
        assert!(seen.contains(kind), "no {kind} device among {seen:?}");
    }
    let user = &env.user_ids().await[0];
    let (status, missing) = env
        .get(&env.api(&format!(
            "/users/{user}/devices/00000000-0000-4000-8000-000000000000"
        )))
        .await;
    assert_eq!(status, 404);
    spec.assert_valid(
        "GET devices/{unknown}",
        &spec.response_schema(
            "/environments/{environmentID}/users/{userID}/devices/{deviceID}",
            "get",
            "404",
        ),
        &missing,
        &Options::default(),
    );
    env.sim.shutdown().await;
}

#[tokio::test]
async fn activities_have_the_samples_shape() {
    let Some(sample) = sample("pingone-synthetic-activities.json") else {
        return;
    };
    let env = Env::start().await;
    let login = env.sim.user_logins()[8].clone();
    let locked = env.sim.lock_user(&login).unwrap();
    let (status, _) = env
        .send(
            env.http
                .post(env.api(&format!("/users/{}", locked.user_id)))
                .header(
                    "Content-Type",
                    "application/vnd.pingidentity.account.unlock+json",
                ),
        )
        .await;
    assert_eq!(status, 200);
    let since = (chrono::Utc::now() - chrono::Duration::hours(3))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let filter = format!(r#"recordedat gt "{since}""#);
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("filter", &filter)
        .append_pair("limit", "50")
        .finish();
    let page = env.ok(&format!("{}?{query}", env.api("/activities"))).await;
    assert!(page["_links"]["next"].is_object(), "two hours of history");
    // The sample's one activity is an admin unlock, acted by the worker: other activities have
    // a user (or nobody) as the actor instead.
    assert_shape(
        "GET activities",
        &sample,
        &page,
        &["$._embedded.activities[*].actors.client"],
    );
    let filter = format!(
        r#"recordedat gt "{since}" and action.type eq "USER.UNLOCKED" and resources.id eq "{}""#,
        locked.user_id
    );
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("filter", &filter)
        .finish();
    let by_admin = env.ok(&format!("{}?{query}", env.api("/activities"))).await;
    assert_eq!(by_admin["count"], 1, "one admin unlock of that user");
    assert_shape("the admin unlock", &sample, &by_admin, &["$._links.next"]);
    env.sim.shutdown().await;
}

#[tokio::test]
async fn device_authentications_have_the_samples_shape() {
    let Some(sample) = sample("pingone-synthetic-device-authentication.json") else {
        return;
    };
    let env = Env::start().await;
    let mut checked = 0;
    for id in env.user_ids().await.iter().take(60) {
        let devices = env.ok(&env.api(&format!("/users/{id}/devices"))).await;
        let usable = devices["_embedded"]["devices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["status"] == "ACTIVE" && d["type"] != "FIDO2");
        let Some(device) = usable else { continue };
        let (status, auth) = env
            .send(
                env.http
                    .post(format!(
                        "{}/{}/deviceAuthentications",
                        env.info.auth_url,
                        env.info.environment_id.as_deref().unwrap()
                    ))
                    .json(&serde_json::json!({
                        "user": {"id": id},
                        "selectedDevice": {"id": device["id"]},
                    })),
            )
            .await;
        if status != 201 {
            // A disabled or locked user cannot authenticate: not a shape question.
            continue;
        }
        // The sample's `policy` names the MFA policy used; the simulator has none to name.
        assert_shape("POST deviceAuthentications", &sample, &auth, &["$.policy"]);
        let (status, read) = env
            .get(auth["_links"]["self"]["href"].as_str().unwrap())
            .await;
        assert_eq!(status, 200);
        assert_shape(
            "GET deviceAuthentications/{id}",
            &sample,
            &read,
            &["$.policy"],
        );
        checked += 1;
        if checked == 5 {
            break;
        }
    }
    assert_eq!(checked, 5);
    env.sim.shutdown().await;
}
