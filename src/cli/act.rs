//! `accessdesk unlock | reset-mfa | reset-password LOGIN …`: the verified actions, headless,
//! through the same gate and audit log as the dashboard. `--verify push` sends the push and
//! waits for the answer; a refusal exits with code 2 and says why.

use chrono::Utc;
use clap::{Args, ValueEnum};
use serde_json::json;
use std::process::ExitCode;

use super::{GlobalArgs, load_config, okta_client};
use crate::audit::AuditLog;
use crate::idp::Directory;
use crate::idp::okta::OktaClient;
use crate::model::{Action, ChallengeResult, User};
use crate::policy::gate::{self, Attestation, Refusal, Target};
use crate::policy::preconditions;
use crate::services::action_runner::{self, Agent};
use crate::services::verification::{PushWait, await_push, push_evidence, push_factor};

/// Exit code of a refused action (the gate or the user's state said no).
pub const EXIT_REFUSED: u8 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VerifyMode {
    /// A push to the user's own Okta Verify
    Push,
    /// A push to the user's manager's Okta Verify (the user lost the device)
    ManagerPush,
    /// No possession check (only where the policy does not require one)
    None,
}

#[derive(Debug, Args)]
pub struct GateArgs {
    /// The user's login, e-mail or id
    login: String,
    /// The ticket number, e.g. INC0012345
    #[arg(long)]
    ticket: Option<String>,
    /// A checklist item the caller satisfied (repeat for each; see `accessdesk checklist`)
    #[arg(long = "kba", value_name = "ITEM")]
    kba: Vec<String>,
    /// A note for the audit log
    #[arg(long)]
    note: Option<String>,
    /// How to check possession before acting
    #[arg(long, value_enum, default_value = "push")]
    verify: VerifyMode,
    /// Print the outcome as JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct ResetMfaArgs {
    #[command(flatten)]
    gate: GateArgs,
    /// Reset only this factor (repeat for several); without it, every factor
    #[arg(long = "factor", value_name = "ID")]
    factors: Vec<String>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The user's login, e-mail or id
    login: String,
    /// Push to the manager's device instead (the user lost theirs)
    #[arg(long)]
    manager: bool,
    /// The ticket number, recorded with the verification
    #[arg(long)]
    ticket: Option<String>,
    /// Print the outcome as JSON
    #[arg(long)]
    json: bool,
}

/// `accessdesk verify LOGIN`: prove the caller holds the user's (or manager's) device, and
/// record the answer; exit 0 when approved, 2 otherwise.
pub async fn verify(global: &GlobalArgs, args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let config = load_config(global, |_| {})?;
    if config.read_only {
        anyhow::bail!("read-only mode (supervisor role or --read-only): no push can be sent");
    }
    let _log = super::dashboard::start_logging(&config);
    let client = okta_client(&config)?;
    let mut audit = AuditLog::open(&AuditLog::default_path(&config.data_dir))?;
    let hint = |e: crate::idp::IdpError| anyhow::anyhow!("{e}\n  {}", e.hint());
    let user = client.get_user(&args.login).await.map_err(hint)?;
    let approver = match (&user.manager_id, args.manager) {
        (_, false) => user.clone(),
        (Some(id), true) => client.get_user(id).await.map_err(hint)?,
        (None, true) => anyhow::bail!("{}: {}", user.login, Refusal::NoManagerOnRecord),
    };
    let evidence = match push_and_wait(&client, &user, &approver, args.json).await? {
        Ok(evidence) => evidence,
        Err(why) => anyhow::bail!(why),
    };
    let agent = Agent {
        name: config.agent_name.clone(),
        org: config.org_url.as_ref().map(|u| u.to_string()),
    };
    let record = action_runner::record_verification(
        &mut audit,
        &agent,
        &Target::from(&user),
        args.ticket.as_deref(),
        &evidence,
        None,
    );
    if let Err(e) = &record {
        eprintln!("warning: the verification was not written to the audit log: {e}");
    }
    let approved = evidence.result == ChallengeResult::Success;
    if args.json {
        println!(
            "{}",
            json!({
                "login": user.login, "approver": approver.login, "result": evidence.result.as_str(),
                "transaction_id": evidence.transaction_id, "audit_seq": record.ok().map(|r| r.seq),
            })
        );
    } else {
        println!(
            "{}: {} on {}'s device",
            user.login,
            evidence.result.as_str(),
            approver.name()
        );
    }
    Ok(if approved {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_REFUSED)
    })
}

pub async fn unlock(global: &GlobalArgs, args: GateArgs) -> anyhow::Result<ExitCode> {
    act(global, args, Action::Unlock).await
}

pub async fn reset_password(global: &GlobalArgs, args: GateArgs) -> anyhow::Result<ExitCode> {
    act(global, args, Action::ResetPassword).await
}

pub async fn reset_mfa(global: &GlobalArgs, args: ResetMfaArgs) -> anyhow::Result<ExitCode> {
    let action = if args.factors.is_empty() {
        Action::ResetAllFactors
    } else {
        Action::ResetFactors {
            factor_ids: args.factors,
        }
    };
    act(global, args.gate, action).await
}

async fn act(global: &GlobalArgs, args: GateArgs, action: Action) -> anyhow::Result<ExitCode> {
    let config = load_config(global, |_| {})?;
    if config.read_only {
        anyhow::bail!("read-only mode (supervisor role or --read-only): no change can be made");
    }
    let _log = super::dashboard::start_logging(&config);
    let client = okta_client(&config)?;
    let mut audit = AuditLog::open(&AuditLog::default_path(&config.data_dir))?;
    let agent = Agent {
        name: config.agent_name.clone(),
        org: config.org_url.as_ref().map(|u| u.to_string()),
    };
    let hint = |e: crate::idp::IdpError| anyhow::anyhow!("{e}\n  {}", e.hint());

    let user = client.get_user(&args.login).await.map_err(hint)?;
    let factors = client.list_factors(&user.id).await.map_err(hint)?;
    let target = Target::from(&user);
    let mut attestation = Attestation {
        confirmed: args.kba.iter().cloned().collect(),
        ticket: args.ticket.clone().unwrap_or_default(),
        note: args.note.clone(),
        evidence: Vec::new(),
    };
    let refuse = |audit: &mut AuditLog, attestation: &Attestation, reasons: Vec<String>| {
        let record =
            action_runner::record_refusal(audit, &agent, &action, &target, attestation, &reasons);
        report_refusal(
            &action,
            &user,
            &reasons,
            record.ok().map(|r| r.seq),
            args.json,
        )
    };

    if let Err(why) = preconditions::check(&action, &user, &factors) {
        return refuse(&mut audit, &attestation, vec![why]);
    }
    // Everything but possession first: no push goes out for a request that fails anyway.
    let early: Vec<Refusal> =
        match gate::check(&config.gate, &target, &action, &attestation, Utc::now()) {
            Ok(_) => Vec::new(),
            Err(refusals) => refusals
                .into_iter()
                .filter(|r| *r != Refusal::PossessionMissing)
                .collect(),
        };
    if !early.is_empty() {
        return refuse(&mut audit, &attestation, action_runner::reasons(&early));
    }

    let needs_possession = config.gate.requirement(action.kind()).possession;
    if needs_possession || args.verify != VerifyMode::None {
        let approver = match args.verify {
            VerifyMode::ManagerPush => match &user.manager_id {
                Some(id) => client.get_user(id).await.map_err(hint)?,
                None => {
                    return refuse(
                        &mut audit,
                        &attestation,
                        vec![Refusal::NoManagerOnRecord.to_string()],
                    );
                }
            },
            _ => user.clone(),
        };
        if args.verify == VerifyMode::None {
            let why = "the policy requires possession evidence: use --verify push or --verify manager-push";
            return refuse(&mut audit, &attestation, vec![why.to_string()]);
        }
        match push_and_wait(&client, &user, &approver, args.json).await? {
            Ok(evidence) => attestation.evidence.push(evidence),
            Err(why) => return refuse(&mut audit, &attestation, vec![why]),
        }
    }
    let verified = match gate::check(&config.gate, &target, &action, &attestation, Utc::now()) {
        Ok(v) => v,
        Err(refusals) => {
            return refuse(&mut audit, &attestation, action_runner::reasons(&refusals));
        }
    };

    let outcome = action_runner::run(&client, &mut audit, &agent, &verified).await;
    let status_after = outcome.user_after.as_ref().map(|u| u.status.to_string());
    let audit_seq = outcome.audit.as_ref().ok().map(|r| r.seq);
    if let Err(e) = &outcome.audit {
        eprintln!("warning: the action was not written to the audit log: {e}");
    }
    match &outcome.result {
        Ok(receipt) => {
            if args.json {
                println!(
                    "{}",
                    json!({
                        "outcome": "succeeded", "action": action.audit_name(), "login": user.login,
                        "status_after": status_after, "factors_after": outcome.factors_after.as_ref().map(Vec::len),
                        "idp_request_ids": receipt.request_ids, "audit_seq": audit_seq,
                    })
                );
            } else {
                println!("{} for {}: done.", describe(&action), user.login);
                if let Some(status) = status_after {
                    println!("  status now {status}");
                }
                if let Some(left) = &outcome.factors_after {
                    println!("  factors now enrolled: {}", left.len());
                }
                println!(
                    "  IdP request {}; audit record {}",
                    receipt.request_ids.join(", "),
                    audit_seq.map_or("-".into(), |s| s.to_string())
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(failure) => {
            if args.json {
                println!(
                    "{}",
                    json!({
                        "outcome": "failed", "action": action.audit_name(), "login": user.login,
                        "error": failure.error.to_string(), "idp_request_ids": failure.done.request_ids,
                        "status_after": status_after, "audit_seq": audit_seq,
                    })
                );
            } else {
                eprintln!(
                    "{} for {} failed: {}\n  {}",
                    describe(&action),
                    user.login,
                    failure.error,
                    failure.error.hint()
                );
            }
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Send a push to `approver` and wait; the evidence, or why there is none.
async fn push_and_wait(
    client: &OktaClient,
    user: &User,
    approver: &User,
    quiet: bool,
) -> anyhow::Result<Result<gate::PossessionEvidence, String>> {
    let factors = client
        .list_factors(&approver.id)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let Some(factor) = push_factor(&factors) else {
        return Ok(Err(format!(
            "{} has no active Okta Verify push factor",
            approver.login
        )));
    };
    let challenge = client
        .send_push(&approver.id, &factor.id)
        .await
        .map_err(|e| anyhow::anyhow!("{e}\n  {}", e.hint()))?;
    if !quiet {
        eprintln!(
            "Push sent to {}'s Okta Verify ({}); waiting for the answer…",
            approver.name(),
            factor.device_name.as_deref().unwrap_or("device")
        );
        if let Some(n) = challenge.correct_answer {
            eprintln!("  number to pick on the device: {n}");
        }
    }
    let result = await_push(client, &challenge, PushWait::default(), |_| {})
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if !quiet {
        match result {
            ChallengeResult::Rejected => eprintln!(
                "  REJECTED on the device. Possible social engineering: the real user did not ask for this."
            ),
            ref other => eprintln!("  {}", other.as_str()),
        }
    }
    Ok(Ok(push_evidence(
        user,
        approver,
        &challenge,
        result,
        Utc::now(),
    )))
}

fn describe(action: &Action) -> &'static str {
    match action {
        Action::Unlock => "Unlock",
        Action::ResetPassword => "Password reset link (e-mailed by the IdP)",
        Action::ResetAllFactors => "Reset of every MFA factor",
        Action::ResetFactors { .. } => "Reset of the chosen MFA factors",
    }
}

fn report_refusal(
    action: &Action,
    user: &User,
    reasons: &[String],
    audit_seq: Option<i64>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    if json {
        println!(
            "{}",
            json!({
                "outcome": "refused", "action": action.audit_name(), "login": user.login,
                "reasons": reasons, "audit_seq": audit_seq,
            })
        );
    } else {
        eprintln!("{} for {} refused:", describe(action), user.login);
        for r in reasons {
            eprintln!("  - {r}");
        }
    }
    Ok(ExitCode::from(EXIT_REFUSED))
}
