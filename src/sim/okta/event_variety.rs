//! The parts of a System Log event that real events carry only sometimes, or spell in more
//! than one way (see `specs/samples/`): `client.zone` as JSON `null` or the string `"null"`,
//! `transaction.detail` as `null`, `{}` or an API token's id, a browser's
//! `debugData.deviceFingerprint`, and the top-level `device` of an Identity Engine sign-in
//! from a registered device. A client must decode every spelling.
//!
//! Each choice is a hash of the event's own seeded `uuid` (and the device's, of the user and
//! their user agent), never a draw: the seeded generator's draws fix every id and event after
//! them, and the seeded history must stay as it was.

use serde_json::{Value, json};

use super::events::Origin;
use crate::sim::org::ids::stable_hash;

/// How an event is spelled, fixed by its `uuid`.
pub(crate) struct Variety(u64);

impl Variety {
    pub fn of(uuid: &str) -> Variety {
        Variety(stable_hash(&format!("variety:{uuid}")))
    }

    /// Whether the roll numbered `salt` falls under `percent`.
    pub fn under(&self, salt: u64, percent: u64) -> bool {
        (self.0.rotate_left((salt * 13) as u32) ^ salt) % 100 < percent
    }
}

/// Share of a browser's or app's events that name its device fingerprint.
const FINGERPRINT_PERCENT: u64 = 70;
/// Share of Identity Engine sign-ins and MFA that come from a registered device.
const REGISTERED_DEVICE_PERCENT: u64 = 40;

/// Where the event came from, as far as the varied parts care.
pub(crate) struct Source<'a> {
    pub origin: &'a Origin,
    /// The actor's id, or `None` for an admin's API call.
    pub user_id: Option<&'a str>,
    /// An admin's call through the API (with an API token).
    pub api_call: bool,
}

/// Spells `event` (built by `events::assemble`) as real events vary.
pub(crate) fn vary(event: &mut Value, source: &Source) {
    let uuid = event["uuid"].as_str().unwrap_or_default().to_string();
    let v = Variety::of(&uuid);
    if v.under(1, 50) {
        event["client"]["zone"] = Value::Null;
    }
    event["transaction"]["detail"] = if source.api_call {
        json!({"requestApiTokenId": api_token_id(source.origin)})
    } else if v.under(2, 50) {
        Value::Null
    } else {
        json!({})
    };
    let Some(user_id) = source.user_id else {
        return;
    };
    // Scripts and API clients run no browser code: no fingerprint, no device.
    let browser = source.origin.agent.device != "Unknown";
    if browser && v.under(3, FINGERPRINT_PERCENT) {
        event["debugContext"]["debugData"]["deviceFingerprint"] =
            Value::from(device_fingerprint(user_id, source.origin));
    }
    let signs_in = matches!(
        event["eventType"].as_str(),
        Some("user.session.start" | "user.authentication.auth_via_mfa")
    ) && event["outcome"]["result"] == "SUCCESS";
    if browser && signs_in && v.under(4, REGISTERED_DEVICE_PERCENT) {
        event["device"] = registered_device(user_id, source.origin);
    }
}

/// The fingerprint Okta gives one browser on one device: the same for every event from it.
pub(crate) fn device_fingerprint(user_id: &str, origin: &Origin) -> String {
    let key = format!("{user_id}\0{}", origin.agent.raw);
    format!(
        "{:016x}{:016x}",
        stable_hash(&format!("fp1:{key}")),
        stable_hash(&format!("fp2:{key}"))
    )
}

/// The password enrollment a failed Identity Engine sign-in names as its target (real
/// failed sign-ins name it or nothing), with an id fixed by the user.
pub(crate) fn password_target(user_id: &str) -> Value {
    json!([{
        "id": format!("lae{}", derived_chars(&format!("password:{user_id}"), 17)),
        "type": "AuthenticatorEnrollment",
        "alternateId": "unknown",
        "displayName": "Password",
        "detailEntry": null,
    }])
}

/// The id of the API token the admin's client uses (`00T…`).
fn api_token_id(origin: &Origin) -> String {
    format!(
        "00T{}",
        derived_chars(&format!("token:{}", origin.agent.raw), 17)
    )
}

/// A device registered with Okta Verify, as in the spec's `ListLogs` example.
fn registered_device(user_id: &str, origin: &Origin) -> Value {
    let key = format!("device:{user_id}\0{}", origin.agent.raw);
    let h = stable_hash(&key);
    let (platform, name, version) = match origin.agent.os.as_str() {
        os if os.contains("Mac") => ("OSX", "Mac15,6", "14.6.0"),
        os if os.contains("iOS") => ("IOS", "iPhone15,2", "17.5.1"),
        os if os.contains("Android") => ("ANDROID", "Pixel 8", "14"),
        _ => ("WINDOWS", "DESKTOP-7Q2L9K", "10.0.22631"),
    };
    json!({
        "id": format!("guo{}", derived_chars(&key, 17)),
        "name": name,
        "os_platform": platform,
        "os_version": version,
        "managed": h & 1 == 1,
        "registered": true,
        "device_integrator": null,
        "disk_encryption_type": if h & 2 == 2 { "FULL" } else { "NONE" },
        "screen_lock_type": if h & 4 == 4 { "BIOMETRIC" } else { "PASSCODE" },
        "jailbreak": null,
        "secure_hardware_present": h & 8 == 8,
    })
}

/// `len` letters and digits derived from `key`.
fn derived_chars(key: &str, len: usize) -> String {
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..len)
        .map(|i| {
            let h = stable_hash(&format!("{key}#{i}"));
            ALNUM[(h % ALNUM.len() as u64) as usize] as char
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::okta::events::{LockScope, SignIn, account_lock, sign_in};
    use crate::sim::org::Org;
    use chrono::Utc;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    /// Many sign-ins of one user from their usual places.
    fn sign_ins(n: usize, kind: SignIn) -> Vec<Value> {
        let org = Org::generate(3, 20, Utc::now());
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let user = &org.users[2];
        (0..n)
            .map(|_| {
                let origin = Origin::usual(user, &mut rng);
                sign_in(&mut rng, Utc::now(), user, &origin, kind)
            })
            .collect()
    }

    #[test]
    fn zone_and_transaction_detail_come_in_every_real_spelling() {
        let events = sign_ins(200, SignIn::Success);
        let zones: Vec<&Value> = events.iter().map(|e| &e["client"]["zone"]).collect();
        assert!(zones.iter().any(|z| z.is_null()));
        assert!(zones.iter().any(|z| **z == "null"));
        let details: Vec<&Value> = events.iter().map(|e| &e["transaction"]["detail"]).collect();
        assert!(details.iter().any(|d| d.is_null()));
        assert!(details.iter().any(|d| **d == json!({})));
    }

    #[test]
    fn browsers_sometimes_name_their_fingerprint_and_registered_devices_show() {
        let events = sign_ins(200, SignIn::Success);
        let fingerprints: Vec<&str> = events
            .iter()
            .filter_map(|e| e["debugContext"]["debugData"]["deviceFingerprint"].as_str())
            .collect();
        assert!(
            (100..190).contains(&fingerprints.len()),
            "{}",
            fingerprints.len()
        );
        assert!(fingerprints.iter().all(|f| f.len() == 32));
        let devices: Vec<&Value> = events
            .iter()
            .map(|e| &e["device"])
            .filter(|d| d.is_object())
            .collect();
        assert!((40..130).contains(&devices.len()), "{}", devices.len());
        assert!(
            devices
                .iter()
                .all(|d| d["registered"] == true && d["id"].as_str().unwrap().starts_with("guo"))
        );
        assert!(events.iter().any(|e| e["device"].is_null()));
        // A failed sign-in is no registered device's sign-in; some name the password.
        let failed = sign_ins(50, SignIn::BadPassword);
        assert!(failed.iter().all(|e| e["device"].is_null()));
        assert!(failed.iter().any(|e| e["target"].is_null()));
        assert!(
            failed
                .iter()
                .any(|e| e["target"][0]["displayName"] == "Password")
        );
    }

    #[test]
    fn one_device_keeps_its_fingerprint() {
        let org = Org::generate(3, 20, Utc::now());
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let user = &org.users[1];
        let origin = Origin::usual(user, &mut rng);
        let a = account_lock(&mut rng, Utc::now(), user, &origin, LockScope::NewDevices);
        let b = account_lock(&mut rng, Utc::now(), user, &origin, LockScope::NewDevices);
        let fp = |e: &Value| e["debugContext"]["debugData"]["deviceFingerprint"].clone();
        assert_eq!(fp(&a), fp(&b));
        assert_eq!(fp(&a), Value::from(device_fingerprint(&user.id, &origin)));
    }
}
