//! The PingOne simulator over real HTTP on 127.0.0.1, with a worker app's token.

mod activities;
mod device_auth;
mod devices;
mod fault_rates;
mod gate;
mod token;
mod users;

use reqwest::{Client, RequestBuilder, Response};
use serde_json::Value;

use crate::idp::Provider;
use crate::sim::{SimConfig, SimHandle, SimInfo, start};

/// A form-encoded body (reqwest's own `form` needs a feature the crate does not enable).
pub(crate) trait FormBody {
    fn form_body(self, pairs: &[(&str, &str)]) -> Self;
}

impl FormBody for RequestBuilder {
    fn form_body(self, pairs: &[(&str, &str)]) -> Self {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        self.header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
    }
}

pub(crate) const SECRET: &str = "sim-test-client-secret";

/// A PingOne simulator with no background traffic and the control endpoints on.
pub(crate) fn quiet(users: usize) -> SimConfig {
    let mut c = SimConfig::new(SECRET);
    c.provider = Provider::PingOne;
    c.users = users;
    c.lockouts_per_minute = 0.0;
    c.password_changes_per_hour = Some(0.0);
    c.history = false;
    c.control = true;
    c
}

pub(crate) struct Sim {
    pub handle: SimHandle,
    pub info: SimInfo,
    pub token: String,
}

impl Sim {
    pub async fn start(config: SimConfig) -> Sim {
        let handle = start(config, ([127, 0, 0, 1], 0).into()).await.unwrap();
        let info = handle.info();
        let mut sim = Sim {
            handle,
            info,
            token: String::new(),
        };
        sim.token = sim.new_token().await;
        sim
    }

    pub fn env_id(&self) -> &str {
        self.info.environment_id.as_deref().unwrap()
    }

    pub fn client_id(&self) -> &str {
        self.info.client_id.as_deref().unwrap()
    }

    /// `{apiUrl}/environments/{envId}{path}`.
    pub fn api(&self, path: &str) -> String {
        format!("{}/environments/{}{path}", self.info.api_url, self.env_id())
    }

    /// `{authUrl}/{envId}{path}`.
    pub fn auth(&self, path: &str) -> String {
        format!("{}/{}{path}", self.info.auth_url, self.env_id())
    }

    pub fn token_url(&self) -> String {
        self.auth("/as/token")
    }

    pub async fn new_token(&self) -> String {
        let r = Client::new()
            .post(self.token_url())
            .basic_auth(self.client_id(), Some(SECRET))
            .form_body(&[("grant_type", "client_credentials")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        body["access_token"].as_str().unwrap().to_string()
    }

    pub fn bearer(&self, req: RequestBuilder) -> RequestBuilder {
        req.bearer_auth(&self.token)
    }

    pub async fn get(&self, url: &str) -> Response {
        self.bearer(Client::new().get(url)).send().await.unwrap()
    }

    pub async fn get_json(&self, url: &str) -> Value {
        let r = self.get(url).await;
        assert_eq!(r.status(), 200, "GET {url}");
        r.json().await.unwrap()
    }

    /// A `POST` with this `Content-Type` and an empty body.
    pub async fn post_as(&self, url: &str, content_type: &str) -> Response {
        self.bearer(Client::new().post(url))
            .header("Content-Type", content_type)
            .send()
            .await
            .unwrap()
    }

    /// The PingOne user (by username) as `GET …/users/{username}` returns it.
    pub async fn user(&self, login: &str) -> Value {
        self.get_json(&self.api(&format!("/users/{login}"))).await
    }

    pub async fn shutdown(self) {
        self.handle.shutdown().await;
    }
}

pub(crate) fn header(r: &Response, name: &str) -> String {
    r.headers()[name].to_str().unwrap().to_string()
}

/// Asserts a PingOne error body and returns it.
pub(crate) async fn error(r: Response, status: u16, code: &str) -> Value {
    assert_eq!(r.status(), status);
    assert!(uuid::Uuid::parse_str(&header(&r, "correlation-id")).is_ok());
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], code, "{body}");
    assert!(uuid::Uuid::parse_str(body["id"].as_str().unwrap()).is_ok());
    assert!(body["message"].is_string());
    body
}
