//! The whole verified-action path against the simulator over HTTP: possession challenge,
//! gate, action, post-check. Nothing is written to the IdP before the gate is satisfied.

use std::time::Duration;

use accessdesk::audit::{AuditLog, AuditTrail};
use accessdesk::idp::okta::{ClientOptions, OktaClient};
use accessdesk::idp::{Directory, IdpError};
use accessdesk::model::{Action, ChallengeResult, FactorKind, User, UserStatus};
use accessdesk::policy::gate::{self, Attestation, GatePolicy, Refusal, Target, Verified};
use accessdesk::services::action_runner::{self, Agent};
use accessdesk::services::verification::{PushWait, await_push, push_evidence, push_factor};
use accessdesk::sim::{self, PushBehaviour, SimConfig, SimHandle};
use chrono::Utc;
use secrecy::SecretString;

const TOKEN: &str = "verified-actions-token";

async fn setup() -> (SimHandle, OktaClient) {
    let mut config = SimConfig::new(TOKEN);
    config.users = 120;
    config.lockouts_per_minute = 0.0;
    config.history = false;
    config.push_delay = Some(Duration::from_millis(200));
    config.push_timeout = Duration::from_secs(1);
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

const FAST: PushWait = PushWait {
    poll_every: Duration::from_millis(100),
    give_up_after: Duration::from_secs(10),
};

fn writes(sim: &SimHandle) -> Vec<String> {
    sim.requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

fn attestation() -> Attestation {
    Attestation {
        confirmed: GatePolicy::default()
            .checklist
            .iter()
            .map(|i| i.id.clone())
            .collect(),
        ticket: "INC0012345".into(),
        ticket_lookup: None,
        ..Attestation::default()
    }
}

/// Push to `approver`'s Okta Verify for `target` and wait for the answer.
async fn push_for(
    c: &OktaClient,
    target: &User,
    approver: &User,
) -> (ChallengeResult, Attestation) {
    let factors = c.list_factors(&approver.id).await.unwrap();
    let factor = push_factor(&factors).expect("an active push factor");
    let challenge = c.send_push(&approver.id, &factor.id).await.unwrap();
    let result = await_push(c, &challenge, FAST, |_| {}).await.unwrap();
    let mut a = attestation();
    a.evidence.push(push_evidence(
        target,
        approver,
        &challenge,
        result.clone(),
        Utc::now(),
    ));
    (result, a)
}

fn check(user: &User, action: Action, a: &Attestation) -> Result<Verified, Vec<Refusal>> {
    gate::check(
        &GatePolicy::default(),
        &Target::from(user),
        &action,
        a,
        Utc::now(),
    )
}

#[tokio::test]
async fn approved_push_then_unlock() {
    let (sim, c) = setup().await;
    let login = sim.users_with_push(PushBehaviour::Approve)[0].clone();
    sim.lock_user(&login).unwrap();
    let user = c.get_user(&login).await.unwrap();
    assert_eq!(user.status, UserStatus::LockedOut);

    // Before any evidence the gate refuses, and nothing but GETs has reached the IdP.
    assert_eq!(
        check(&user, Action::Unlock, &attestation()).unwrap_err(),
        [Refusal::PossessionMissing]
    );
    assert!(writes(&sim).is_empty());

    let (result, a) = push_for(&c, &user, &user).await;
    assert_eq!(result, ChallengeResult::Success);
    let verified = check(&user, Action::Unlock, &a).unwrap();
    let receipt = c.perform(&verified).await.unwrap();
    assert_eq!(receipt.request_ids.len(), 1);
    assert_eq!(
        c.get_user(&login).await.unwrap().status,
        UserStatus::Active,
        "post-check"
    );
    let w = writes(&sim);
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(w[0].ends_with("/verify") && w[1].ends_with("/lifecycle/unlock"));
}

#[tokio::test]
async fn a_rejected_push_refuses_and_nothing_is_changed() {
    let (sim, c) = setup().await;
    let login = sim.users_with_push(PushBehaviour::Reject)[0].clone();
    sim.lock_user(&login).unwrap();
    let user = c.get_user(&login).await.unwrap();
    let (result, a) = push_for(&c, &user, &user).await;
    assert_eq!(result, ChallengeResult::Rejected);
    assert_eq!(
        check(&user, Action::Unlock, &a).unwrap_err(),
        [Refusal::PushRejected]
    );
    assert!(
        writes(&sim).iter().all(|w| w.ends_with("/verify")),
        "only the push was sent"
    );
    assert_eq!(
        c.get_user(&login).await.unwrap().status,
        UserStatus::LockedOut
    );
}

#[tokio::test]
async fn an_unanswered_push_times_out_and_refuses() {
    let (sim, c) = setup().await;
    let login = sim.users_with_push(PushBehaviour::NoAnswer)[0].clone();
    let user = c.get_user(&login).await.unwrap();
    let (result, a) = push_for(&c, &user, &user).await;
    assert_eq!(result, ChallengeResult::Timeout);
    assert_eq!(
        check(&user, Action::ResetAllFactors, &a).unwrap_err(),
        [Refusal::ChallengeTimedOut]
    );
}

#[tokio::test]
async fn the_managers_push_verifies_a_user_who_lost_the_device() {
    let (sim, c) = setup().await;
    // A user whose manager approves pushes.
    let approvers = sim.users_with_push(PushBehaviour::Approve);
    let mut pair = None;
    for login in sim.user_logins() {
        let user = c.get_user(&login).await.unwrap();
        if let Some(manager_id) = &user.manager_id {
            let manager = c.get_user(manager_id).await.unwrap();
            if approvers.contains(&manager.login) {
                pair = Some((user, manager));
                break;
            }
        }
    }
    let (user, manager) = pair.expect("some user has an approving manager");
    let (result, a) = push_for(&c, &user, &manager).await;
    assert_eq!(result, ChallengeResult::Success);
    let verified = check(&user, Action::ResetAllFactors, &a).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut audit = AuditTrail::Local(AuditLog::open(&dir.path().join("audit.sqlite3")).unwrap());
    let agent = Agent {
        name: "agent".into(),
        org: None,
    };
    let outcome = action_runner::run(&c, &mut audit, &agent, &verified).await;
    outcome.result.unwrap();
    assert_eq!(outcome.factors_after, Some(Vec::new()), "every factor gone");
    // The audit names whose device approved: the manager, by login.
    let record = outcome.audit.unwrap();
    let evidence = &record.entry.evidence[0];
    assert_eq!(evidence.kind, "manager_push");
    assert_eq!(
        evidence.subject_login.as_deref(),
        Some(manager.login.as_str())
    );
    assert_eq!(
        record.entry.target_login.as_deref(),
        Some(user.login.as_str())
    );
}

#[tokio::test]
async fn chosen_factors_are_removed_one_by_one() {
    let (sim, c) = setup().await;
    let mut target = None;
    for login in sim.users_with_push(PushBehaviour::Approve) {
        let user = c.get_user(&login).await.unwrap();
        let factors = c.list_factors(&user.id).await.unwrap();
        if factors.iter().any(|f| f.kind == FactorKind::Sms) {
            target = Some((user, factors));
            break;
        }
    }
    let (user, factors) = target.expect("a user with push and SMS");
    let sms = factors.iter().find(|f| f.kind == FactorKind::Sms).unwrap();
    let (_, a) = push_for(&c, &user, &user).await;
    let action = Action::ResetFactors {
        factor_ids: vec![sms.id.clone()],
    };
    let receipt = c.perform(&check(&user, action, &a).unwrap()).await.unwrap();
    assert_eq!(receipt.request_ids.len(), 1);
    let left = c.list_factors(&user.id).await.unwrap();
    assert!(left.iter().all(|f| f.id != sms.id));
    assert_eq!(left.len(), factors.len() - 1, "only the chosen factor went");
}

#[tokio::test]
async fn a_reset_link_is_emailed_and_no_url_is_ever_held() {
    let (sim, c) = setup().await;
    let login = sim.user_logins()[5].clone();
    let user = c.get_user(&login).await.unwrap();
    let verified = check(&user, Action::ResetPassword, &attestation()).unwrap();
    let receipt = c.perform(&verified).await.unwrap();
    assert!(!format!("{receipt:?}").contains("reset_password/"));
    let w = writes(&sim);
    assert_eq!(w.len(), 1);
    let query = sim
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap()
        .query;
    assert_eq!(
        query.as_deref(),
        Some("sendEmail=true"),
        "the IdP e-mails the link"
    );
    assert_eq!(
        c.get_user(&login).await.unwrap().status,
        UserStatus::Recovery
    );
}

#[tokio::test]
async fn sms_codes_right_and_wrong() {
    let (sim, c) = setup().await;
    let mut found = None;
    for login in sim.user_logins() {
        let user = c.get_user(&login).await.unwrap();
        if user.status != UserStatus::Active {
            continue;
        }
        if let Some(f) = c
            .list_factors(&user.id)
            .await
            .unwrap()
            .into_iter()
            .find(|f| f.kind == FactorKind::Sms && f.is_active())
        {
            found = Some((login, user, f));
            break;
        }
    }
    let (login, user, sms) = found.expect("an active user with SMS");
    assert_eq!(
        c.send_code(&user.id, &sms.id).await.unwrap(),
        ChallengeResult::Waiting
    );
    let code = sim
        .last_code(&login, &sms.id)
        .expect("the simulator sent a code");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_eq!(
        c.check_code(&user.id, &sms.id, &SecretString::from(wrong))
            .await
            .unwrap(),
        ChallengeResult::Failed
    );
    assert_eq!(
        c.check_code(&user.id, &sms.id, &SecretString::from(code))
            .await
            .unwrap(),
        ChallengeResult::Success
    );
}

#[tokio::test]
async fn unknown_factor_is_a_clear_404() {
    let (sim, c) = setup().await;
    let user = c.get_user(&sim.user_logins()[0]).await.unwrap();
    let err = c.send_push(&user.id, "opfDoesNotExist").await.unwrap_err();
    assert!(matches!(err, IdpError::Api { status: 404, .. }), "{err:?}");
}

#[tokio::test]
async fn removing_the_push_reports_and_audits_the_okta_verify_code_it_takes() {
    let (sim, c) = setup().await;
    let mut found = None;
    for login in sim.users_with_push(PushBehaviour::Approve) {
        let user = c.get_user(&login).await.unwrap();
        let factors = c.list_factors(&user.id).await.unwrap();
        if factors
            .iter()
            .any(|f| f.kind == FactorKind::Totp && f.provider == "OKTA")
        {
            found = Some((user, factors));
            break;
        }
    }
    let (user, factors) = found.expect("a user with Okta Verify push and code");
    let push = push_factor(&factors).unwrap().clone();
    let code = factors
        .iter()
        .find(|f| f.kind == FactorKind::Totp && f.provider == "OKTA")
        .unwrap()
        .clone();
    let (_, a) = push_for(&c, &user, &user).await;
    let action = Action::ResetFactors {
        factor_ids: vec![push.id.clone()],
    };
    let verified = check(&user, action, &a).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut audit = AuditTrail::Local(AuditLog::open(&dir.path().join("audit.sqlite3")).unwrap());
    let agent = Agent {
        name: "agent".into(),
        org: Some(sim.base_url()),
    };
    let outcome = action_runner::run(&c, &mut audit, &agent, &verified).await;
    outcome.result.unwrap();
    // What actually went: the chosen push and the code Okta took along, nothing else.
    let removed: Vec<&str> = outcome.removed.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(removed, [push.id.as_str(), code.id.as_str()]);
    let left = outcome.factors_after.unwrap();
    assert_eq!(left.len(), factors.len() - 2);
    // The audit record lists every factor that went, not only the chosen id.
    let record = outcome.audit.unwrap();
    assert_eq!(
        record.entry.factors_removed,
        [
            format!("{} [{}]", push.describe(), push.id),
            format!("Okta Verify code [{}]", code.id)
        ]
    );
    assert_eq!(record.entry.action, "reset_factor");
    assert_eq!(record.entry.org.as_deref(), Some(sim.base_url().as_str()));
}
