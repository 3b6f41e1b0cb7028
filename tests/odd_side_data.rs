//! One odd value in a side call degrades that detail, not the whole user screen: policies and
//! factors planted in the simulator (`/__sim/planted`) with values Okta's schema does not allow
//! (a priority outside `u32`, negative or a string, an id that is a number, a malformed factor
//! profile, an unknown factor type), fetched over HTTP.

use accessdesk::idp::okta::{ClientOptions, OktaClient};
use accessdesk::model::{Factor, FactorKind};
use accessdesk::services::user_profile;
use accessdesk::sim::{self, SimConfig};
use secrecy::SecretString;
use serde_json::json;

const TOKEN: &str = "odd-side-data-token";

#[tokio::test]
async fn the_profile_loads_and_names_what_could_not_be_read() {
    let mut config = SimConfig::new(TOKEN);
    config.users = 20;
    config.lockouts_per_minute = 0.0;
    config.history = false;
    config.control = true;
    let sim = sim::start(config, ([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    let client = OktaClient::new(
        url::Url::parse(&sim.base_url()).unwrap(),
        SecretString::from(TOKEN),
        ClientOptions::default(),
    )
    .unwrap();
    let login = sim.user_logins()[0].clone();
    let before = user_profile::load(&client, &login).await.unwrap();
    assert!(before.unreadable.is_empty(), "{:?}", before.unreadable);
    let user_id = before.user.id.clone();

    let odd = json!({
        "policies": [
            {"id": "00pbig", "name": "Too big", "type": "PASSWORD", "status": "ACTIVE",
             "priority": 4_294_967_296_u64, "system": false},
            {"id": "00pneg", "name": "Negative", "type": "PASSWORD", "priority": -1},
            {"id": "00pstr", "name": "Stringly", "type": "PASSWORD", "priority": "1"},
            {"id": 42, "name": "Numeric id"},
        ],
        "factors": { user_id.clone(): [
            {"id": "ufbadprofile", "factorType": "sms", "provider": "OKTA", "status": "ACTIVE",
             "profile": {"phoneNumber": 5551234}},
            {"id": "ufnewtype", "factorType": "quantum_entanglement", "provider": "ACME",
             "status": "ACTIVE"},
            {"id": "ufbroken", "factorType": ["push"], "created": "yesterday"},
            {"factorType": "push"},
        ]},
    });
    let planted = reqwest::Client::new()
        .post(format!("{}/__sim/planted", sim.base_url()))
        .json(&odd)
        .send()
        .await
        .unwrap();
    assert!(planted.status().is_success(), "{}", planted.status());

    let after = user_profile::load(&client, &login)
        .await
        .expect("odd side data does not fail the user screen");
    // Every readable detail is as before.
    assert_eq!(after.user, before.user);
    assert_eq!(after.password_policy, before.password_policy);
    assert_eq!(after.password_expires_at, before.password_expires_at);
    for f in &before.factors {
        assert!(after.factors.contains(f), "{f:?} kept");
    }
    // A malformed profile loses the contact, not the factor; an unknown type is "Other".
    let bad_profile = after
        .factors
        .iter()
        .find(|f| f.id == "ufbadprofile")
        .unwrap();
    assert_eq!(bad_profile.kind, FactorKind::Sms);
    assert_eq!(bad_profile.status, "ACTIVE");
    assert_eq!(bad_profile.contact, None);
    let new_type = after.factors.iter().find(|f| f.id == "ufnewtype").unwrap();
    assert_eq!(new_type.kind, FactorKind::Other);
    // A factor that does not decode is listed as unreadable (never challenged); one without an
    // id cannot be acted on and is left out.
    let broken = after.factors.iter().find(|f| f.id == "ufbroken").unwrap();
    assert_eq!(broken.status, Factor::UNREADABLE);
    assert_eq!(broken.kind, FactorKind::Other);
    assert_eq!(after.factors.len(), before.factors.len() + 3);
    // And the screen says what is missing, where that detail would be.
    assert_eq!(
        after.unreadable,
        [
            "4 password policies could not be read (the expiry may differ)",
            "1 factor could not be read",
        ]
    );
    let policies = accessdesk::idp::Directory::password_policies(&client)
        .await
        .unwrap();
    let odd: Vec<_> = policies.iter().filter(|p| p.unreadable).collect();
    assert_eq!(odd.len(), 4);
    assert!(
        odd.iter().all(|p| !p.active),
        "an unreadable policy is never applied"
    );
    assert!(odd.iter().any(|p| p.id == "00pbig" && p.name == "Too big"));
    sim.shutdown().await;
}
