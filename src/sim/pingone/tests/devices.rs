//! MFA devices over HTTP: list, read, delete, and 404 after.

use reqwest::Client;
use serde_json::Value;

use super::{Sim, error, quiet};

/// The first user (by login) with a device of this type, and the device.
async fn with_device(s: &Sim, kind: &str) -> (Value, Value) {
    for login in s.handle.user_logins() {
        let user = s.user(&login).await;
        let url = s.api(&format!("/users/{}/devices", user["id"].as_str().unwrap()));
        let list = s.get_json(&url).await;
        if let Some(d) = list["_embedded"]["devices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["type"] == kind && d["status"] == "ACTIVE")
        {
            return (user, d.clone());
        }
    }
    panic!("no user with an active {kind} device");
}

#[tokio::test]
async fn devices_are_listed_read_and_deleted() {
    let s = Sim::start(quiet(80)).await;
    let (user, mobile) = with_device(&s, "MOBILE").await;
    let user_id = user["id"].as_str().unwrap();
    let list_url = s.api(&format!("/users/{user_id}/devices"));
    let before = s.get_json(&list_url).await;
    let count = before["count"].as_u64().unwrap();
    assert_eq!(before["size"], count);
    assert!(
        before["_embedded"]["devices"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["type"] == "MOBILE")
            .count()
            == 1,
        "Okta Verify push and TOTP are one MOBILE device"
    );
    let device_url = s.api(&format!(
        "/users/{user_id}/devices/{}",
        mobile["id"].as_str().unwrap()
    ));
    let one = s.get_json(&device_url).await;
    assert_eq!(one, mobile);
    assert_eq!(one["user"]["id"], user_id);
    assert_eq!(one["_links"]["self"]["href"], device_url);

    let r = s
        .bearer(Client::new().delete(&device_url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert!(r.bytes().await.unwrap().is_empty());
    error(s.get(&device_url).await, 404, "NOT_FOUND").await;
    let r = s
        .bearer(Client::new().delete(&device_url))
        .send()
        .await
        .unwrap();
    error(r, 404, "NOT_FOUND").await;
    let after = s.get_json(&list_url).await;
    assert_eq!(after["count"].as_u64().unwrap(), count - 1);
    assert!(
        after["_embedded"]["devices"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["type"] != "MOBILE" && d["type"] != "TOTP"),
        "the Okta Verify TOTP went with the push"
    );

    let (user, sms) = with_device(&s, "SMS").await;
    let phone = sms["phone"].as_str().unwrap();
    assert!(
        phone.starts_with('+') && phone[1..].chars().all(|c| c.is_ascii_digit()),
        "{phone}"
    );
    let unknown = s.api(&format!(
        "/users/{}/devices/{}",
        user["id"].as_str().unwrap(),
        uuid::Uuid::new_v4()
    ));
    error(s.get(&unknown).await, 404, "NOT_FOUND").await;
    s.shutdown().await;
}
