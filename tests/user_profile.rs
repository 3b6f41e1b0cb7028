//! A user's profile, factors and password expiry, fetched from the simulator over HTTP.

use accessdesk::idp::Directory;
use accessdesk::idp::okta::{ClientOptions, OktaClient};
use accessdesk::model::{Action, FactorKind, UserStatus};
use accessdesk::policy::diagnosis::{Fix, diagnose};
use accessdesk::policy::gate::{self, Attestation, GatePolicy, Requirement, Target};
use accessdesk::services::user_profile;
use accessdesk::sim::{self, SimConfig, SimHandle};
use chrono::Utc;
use secrecy::SecretString;

const TOKEN: &str = "profile-test-token";

/// A simulator with `users` users, no traffic and no history, and a client for it.
async fn quiet_sim(users: usize) -> (SimHandle, OktaClient) {
    let mut config = SimConfig::new(TOKEN);
    config.users = users;
    config.lockouts_per_minute = 0.0;
    config.history = false;
    let sim = sim::start(config, ([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    let client = OktaClient::new(
        url::Url::parse(&sim.base_url()).unwrap(),
        SecretString::from(TOKEN),
        ClientOptions::default(),
    )
    .unwrap();
    (sim, client)
}

#[tokio::test]
async fn profile_has_factors_masked_and_the_policy_expiry() {
    let (sim, client) = quiet_sim(120).await;

    // The seeded policies' maximum ages by name, as the simulator serves them.
    let policies: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/api/v1/policies?type=PASSWORD", sim.base_url()))
        .header("Authorization", format!("SSWS {TOKEN}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let max_age = |name: &str| {
        policies
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .and_then(|p| p["settings"]["password"]["age"]["maxAgeDays"].as_i64())
            .unwrap()
    };
    let mut with_sms = 0;
    let mut admins = 0;
    for login in sim.user_logins().iter().take(60) {
        let p = user_profile::load(&client, login).await.unwrap();
        let raw = sim.user_json(login).unwrap();
        assert_eq!(&p.user.login, login);

        // Expiry = passwordChanged + the applying policy's maxAgeDays (none when it is 0).
        let policy = p.password_policy.clone().expect("every user has a policy");
        let days = max_age(&policy);
        admins += usize::from(policy == "Administrators");
        let changed = p
            .user
            .password_changed
            .expect("seeded users have changed passwords");
        assert_eq!(
            p.password_expires_at,
            (days > 0).then(|| changed + chrono::Duration::days(days)),
            "{login}"
        );

        // Phone numbers arrive masked; the full number is nowhere in the profile.
        for f in p.factors.iter().filter(|f| f.kind == FactorKind::Sms) {
            with_sms += 1;
            let contact = f.contact.as_deref().unwrap();
            assert!(
                contact.starts_with("•••-") && contact.chars().count() == 8,
                "{contact}"
            );
        }
        let full_phone = raw["profile"]["mobilePhone"]
            .as_str()
            .unwrap_or("no phone on record");
        assert!(!format!("{p:?}").contains(full_phone));
    }
    assert!(with_sms > 0, "some seeded users have SMS factors");
    assert!(
        admins > 0,
        "some seeded users are admins under the stricter policy"
    );
}

#[tokio::test]
async fn recent_activity_and_diagnosis_of_a_locked_user() {
    let (sim, client) = quiet_sim(40).await;
    let login = sim.user_logins()[2].clone();
    let injected = sim.lock_user(&login).unwrap();
    let other = sim.user_logins()[3].clone();
    sim.lock_user(&other).unwrap();

    let p = user_profile::load(&client, &login).await.unwrap();
    assert_eq!(
        p.activity.len(),
        1,
        "only this user's events: {:?}",
        p.activity
    );
    assert_eq!(p.activity[0].uuid, injected.uuid);
    assert_eq!(p.activity[0].kind, accessdesk::model::ActivityKind::Lockout);
    let d = diagnose(&p, &GatePolicy::default(), false, Utc::now());
    assert!(d.text.starts_with("Locked out"), "{}", d.text);
    assert_eq!(d.fixes, [Fix::VerifyCaller, Fix::Unlock]);
}

/// The diagnosis is computed from the loaded profile, nothing else: after an unlock the next
/// profile shows it, and so does its diagnosis; read-only mode suggests nothing.
#[tokio::test]
async fn the_diagnosis_follows_the_profile_the_screen_shows() {
    let (sim, client) = quiet_sim(40).await;
    let login = sim.user_logins()[4].clone();
    sim.lock_user(&login).unwrap();
    let locked = user_profile::load(&client, &login).await.unwrap();
    assert_eq!(locked.user.status, UserStatus::LockedOut);
    let policy = GatePolicy::default();
    let d = diagnose(&locked, &policy, false, Utc::now());
    assert_eq!(d.fixes, [Fix::VerifyCaller, Fix::Unlock], "{}", d.text);
    let read_only = diagnose(&locked, &policy, true, Utc::now());
    assert!(read_only.fixes.is_empty());
    assert!(
        read_only.text.contains("Read-only here"),
        "{}",
        read_only.text
    );

    // Unlock it (a policy without possession keeps the test to the point).
    let open = Requirement {
        checklist: false,
        ticket: false,
        possession: false,
    };
    let lax = GatePolicy {
        unlock: open,
        ..GatePolicy::default()
    };
    let verified = gate::check(
        &lax,
        &Target::from(&locked.user),
        &Action::Unlock,
        &Attestation::default(),
        Utc::now(),
    )
    .unwrap();
    client.perform(&verified).await.unwrap();

    let unlocked = user_profile::load(&client, &login).await.unwrap();
    assert_eq!(unlocked.user.status, UserStatus::Active);
    let d = diagnose(&unlocked, &policy, false, Utc::now());
    assert!(d.text.starts_with("Unlocked"), "{}", d.text);
    assert!(d.text.contains(" by "), "names who unlocked: {}", d.text);
    assert!(!d.fixes.contains(&Fix::Unlock), "{:?}", d.fixes);
    // The stale profile still gets the diagnosis of what it shows.
    assert_eq!(
        diagnose(&locked, &policy, false, Utc::now()).fixes,
        [Fix::VerifyCaller, Fix::Unlock]
    );
}
