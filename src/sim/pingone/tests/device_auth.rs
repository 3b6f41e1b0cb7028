//! Device authentications over HTTP on the auth host: pushes approved, rejected and timing
//! out; passcodes right, wrong three times, and cancels; unusable devices refused.

use std::time::{Duration, Instant};

use reqwest::Client;
use serde_json::{Value, json};

use super::{Sim, error, quiet};
use crate::sim::{PushBehaviour, SimConfig};

const OTP_CHECK: &str = "application/vnd.pingidentity.otp.check+json";
const CANCEL: &str = "application/vnd.pingidentity.deviceAuthentication.cancel+json";

fn fast_push(users: usize) -> SimConfig {
    let mut c = quiet(users);
    c.push_delay = Some(Duration::from_millis(300));
    c.push_timeout = Duration::from_millis(1500);
    c
}

impl Sim {
    /// `(user id, device)` of the first listed user with an active device of `kind` that
    /// `accept`s the user's login.
    async fn device_of(&self, kind: &str, accept: impl Fn(&str) -> bool) -> (String, Value) {
        for login in self.handle.user_logins() {
            if !accept(&login) {
                continue;
            }
            let user = self.user(&login).await;
            if user["enabled"] != true || user["account"]["status"] != "OK" {
                continue;
            }
            let id = user["id"].as_str().unwrap().to_string();
            let list = self
                .get_json(&self.api(&format!("/users/{id}/devices")))
                .await;
            if let Some(d) = list["_embedded"]["devices"]
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d["type"] == kind && d["status"] == "ACTIVE")
            {
                return (id, d.clone());
            }
        }
        panic!("no user with an active {kind} device");
    }

    async fn start_auth(&self, user: &str, device: &str) -> reqwest::Response {
        self.bearer(Client::new().post(self.auth("/deviceAuthentications")))
            .json(&json!({"user": {"id": user}, "selectedDevice": {"id": device}}))
            .send()
            .await
            .unwrap()
    }

    async fn started(&self, user: &str, device: &str) -> Value {
        let r = self.start_auth(user, device).await;
        assert_eq!(r.status(), 201);
        r.json().await.unwrap()
    }

    async fn otp(&self, auth: &Value, otp: &str) -> reqwest::Response {
        self.bearer(Client::new().post(auth["_links"]["self"]["href"].as_str().unwrap()))
            .header("Content-Type", OTP_CHECK)
            .body(json!({ "otp": otp }).to_string())
            .send()
            .await
            .unwrap()
    }

    /// Reads the authentication until it stops waiting for the phone.
    async fn settled(&self, auth: &Value) -> Value {
        let url = auth["_links"]["self"]["href"].as_str().unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let now = self.get_json(url).await;
            if now["status"] != "PUSH_CONFIRMATION_REQUIRED" || Instant::now() > deadline {
                return now;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

#[tokio::test]
async fn pushes_complete_fail_or_time_out_as_the_phone_answers() {
    let s = Sim::start(fast_push(120)).await;
    for (behaviour, status) in [
        (PushBehaviour::Approve, "COMPLETED"),
        (PushBehaviour::Reject, "FAILED"),
        (PushBehaviour::NoAnswer, "PUSH_CONFIRMATION_TIMED_OUT"),
    ] {
        let logins = s.handle.users_with_push(PushBehaviour::Approve);
        let (user, device) = s
            .device_of("MOBILE", |l| logins.iter().any(|x| x == l))
            .await;
        let login = s.get_json(&s.api(&format!("/users/{user}"))).await["username"]
            .as_str()
            .unwrap()
            .to_string();
        s.handle.set_push_behaviour(&login, behaviour).unwrap();
        let auth = s.started(&user, device["id"].as_str().unwrap()).await;
        assert_eq!(auth["status"], "PUSH_CONFIRMATION_REQUIRED");
        assert_eq!(auth["user"]["id"], user.as_str());
        assert_eq!(auth["selectedDevice"]["id"], device["id"]);
        assert!(
            auth["_links"]["self"]["href"]
                .as_str()
                .unwrap()
                .starts_with(&s.auth("/deviceAuthentications/"))
        );
        let done = s.settled(&auth).await;
        assert_eq!(done["status"], status, "{behaviour:?}");
        if behaviour == PushBehaviour::Reject {
            assert_eq!(done["error"]["code"], "REJECTED");
        }
        // Whoever was picked is not picked again.
        s.handle
            .set_push_behaviour(&login, PushBehaviour::NoAnswer)
            .unwrap();
    }
    s.shutdown().await;
}

#[tokio::test]
async fn passcodes_complete_and_three_wrong_ones_fail() {
    let s = Sim::start(quiet(120)).await;
    let (user, device) = s.device_of("SMS", |_| true).await;
    let device_id = device["id"].as_str().unwrap();
    let login = s.get_json(&s.api(&format!("/users/{user}"))).await["username"]
        .as_str()
        .unwrap()
        .to_string();

    let auth = s.started(&user, device_id).await;
    assert_eq!(auth["status"], "OTP_REQUIRED");
    let code = s
        .handle
        .last_code(&login, device_id)
        .expect("a code was sent");
    let r = s.otp(&auth, &code).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "COMPLETED");

    let auth = s.started(&user, device_id).await;
    let code = s.handle.last_code(&login, device_id).unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for left in [2, 1, 0] {
        let body = error(s.otp(&auth, wrong).await, 400, "INVALID_DATA").await;
        assert_eq!(body["details"][0]["code"], "INVALID_OTP");
        assert_eq!(body["details"][0]["target"], "otp");
        assert_eq!(body["details"][0]["innerError"]["attemptsRemaining"], left);
        assert!(!body.to_string().contains(&code), "the code is not echoed");
    }
    let failed = s
        .get_json(auth["_links"]["self"]["href"].as_str().unwrap())
        .await;
    assert_eq!(failed["status"], "FAILED");
    assert_eq!(failed["error"]["code"], "TOO_MANY_ATTEMPTS");
    error(s.otp(&auth, &code).await, 400, "REQUEST_FAILED").await;
    s.shutdown().await;
}

#[tokio::test]
async fn authentications_can_be_canceled() {
    let s = Sim::start(fast_push(120)).await;
    let (user, device) = s.device_of("EMAIL", |_| true).await;
    let auth = s.started(&user, device["id"].as_str().unwrap()).await;
    assert_eq!(auth["status"], "OTP_REQUIRED");
    let url = auth["_links"]["self"]["href"].as_str().unwrap();
    let wrong_type = s
        .bearer(Client::new().post(url))
        .header("Content-Type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    error(wrong_type, 415, "INVALID_REQUEST").await;
    let r = s
        .bearer(Client::new().post(url))
        .header("Content-Type", CANCEL)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "CANCELED");
    assert_eq!(s.get_json(url).await["status"], "CANCELED");

    let logins = s.handle.users_with_push(PushBehaviour::NoAnswer);
    let (user, device) = s
        .device_of("MOBILE", |l| logins.iter().any(|x| x == l))
        .await;
    let auth = s.started(&user, device["id"].as_str().unwrap()).await;
    let url = auth["_links"]["self"]["href"].as_str().unwrap();
    let r = s
        .bearer(Client::new().post(url))
        .header("Content-Type", CANCEL)
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "CANCELED");
    s.shutdown().await;
}

#[tokio::test]
async fn unusable_or_unknown_devices_are_refused() {
    let s = Sim::start(quiet(150)).await;
    let (user, fido) = s.device_of("FIDO2", |_| true).await;
    let r = s.start_auth(&user, fido["id"].as_str().unwrap()).await;
    let body = error(r, 400, "INVALID_REQUEST").await;
    assert_eq!(body["details"][0]["code"], "INVALID_VALUE");
    assert_eq!(body["details"][0]["target"], "selectedDevice.id");
    let unknown = uuid::Uuid::new_v4().to_string();
    error(s.start_auth(&user, &unknown).await, 404, "NOT_FOUND").await;
    error(s.start_auth(&unknown, &unknown).await, 404, "NOT_FOUND").await;
    let r = s
        .get(&s.auth(&format!("/deviceAuthentications/{unknown}")))
        .await;
    error(r, 404, "NOT_FOUND").await;
    let no_token = Client::new()
        .post(s.auth("/deviceAuthentications"))
        .json(&json!({"user": {"id": user}, "selectedDevice": {"id": unknown}}))
        .send()
        .await
        .unwrap();
    error(no_token, 401, "ACCESS_FAILED").await;
    s.shutdown().await;
}
