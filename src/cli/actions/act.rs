//! `accessdesk verify | unlock | reset-mfa | reset-password LOGIN …`: the verified actions,
//! headless, through the same gate and audit log as the dashboard. Every attempt ends in the
//! audit log, refused and failed ones included, and in one exit code: 0 done, 1 the IdP or
//! the network failed, 2 refused.

use chrono::Utc;
use clap::Args;
use serde_json::json;
use std::process::ExitCode;

use super::asked::{Asked, Known, planned_removal, preview_removal, resolve};
use super::attempt::{Session, describe, look_up, read_only_refusal, record_checks};
use super::possession::{self, Checked, Stop, VerifyMode};
use super::{action_notice_lines, factor_list};
use crate::cli::exit::{EXIT_FAILED, EXIT_REFUSED, UsageError};
use crate::cli::{GlobalArgs, load_config};
use crate::idp::Directory;
use crate::model::ChallengeResult;
use crate::policy::gate::{self, Attestation, Target, TicketLookup, normalize_ticket};
use crate::policy::preconditions;
use crate::services::action_notices;
use crate::services::action_runner::{self, Attempt};
use crate::services::{ticket_check, ticket_notes};
use crate::tickets::{AnyTickets, NewTicket, TicketSystem};

#[derive(Debug, Args)]
pub struct GateArgs {
    /// The user's login, e-mail or id
    login: String,
    /// The ticket number as the caller gives it (case and surrounding spaces do not matter):
    /// by default INC, RITM or REQ followed by 7 digits, e.g. INC0012345; `accessdesk
    /// checklist` shows the configured form
    #[arg(long)]
    ticket: Option<String>,
    /// Open a ticket for this call in the configured ticketing system, the user as its
    /// caller, and act under it (instead of --ticket)
    #[arg(long, conflicts_with = "ticket")]
    create_ticket: bool,
    /// A checklist item the caller satisfied (repeat for each; see `accessdesk checklist`)
    #[arg(long = "kba", value_name = "ITEM")]
    kba: Vec<String>,
    /// A note for the audit log
    #[arg(long)]
    note: Option<String>,
    /// How to check possession before acting [default: push when the configured policy
    /// requires possession evidence for this action, else none]
    #[arg(long, value_enum)]
    verify: Option<VerifyMode>,
    /// With --verify code: the factor to send the code to or read it from, by id or type
    /// (sms, email, call, totp) [default: the user's first usable one]
    #[arg(long, value_name = "ID|TYPE")]
    code_factor: Option<String>,
    /// Print the outcome as JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct ResetMfaArgs {
    #[command(flatten)]
    gate: GateArgs,
    /// Reset only this factor, named by id, type (push, sms, email, call, totp, webauthn, …)
    /// or provider (okta, google, …), in any case; repeat for several. Without it, every
    /// factor. A name that matches none or several of the user's factors is refused with the
    /// list of what they have
    #[arg(long = "factor", value_name = "ID|TYPE|PROVIDER")]
    factors: Vec<String>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The user's login, e-mail or id
    login: String,
    /// Push to the manager's device instead (the user lost theirs); same as
    /// --verify manager-push
    #[arg(long, conflicts_with = "verify")]
    manager: bool,
    /// How to verify the caller [default: push]
    #[arg(long, value_enum)]
    verify: Option<VerifyMode>,
    /// With --verify code: the factor to send the code to or read it from, by id or type
    /// (sms, email, call, totp) [default: the user's first usable one]
    #[arg(long, value_name = "ID|TYPE")]
    code_factor: Option<String>,
    /// The ticket number, recorded with the verification
    #[arg(long)]
    ticket: Option<String>,
    /// Print the outcome as JSON
    #[arg(long)]
    json: bool,
}

/// `--code-factor` belongs to `--verify code`.
fn check_code_factor_flag(
    mode: Option<VerifyMode>,
    code_factor: &Option<String>,
) -> anyhow::Result<()> {
    if code_factor.is_some() && mode != Some(VerifyMode::Code) {
        return Err(UsageError("--code-factor goes with --verify code".into()).into());
    }
    Ok(())
}

/// `accessdesk verify LOGIN`: prove the caller holds the user's (or manager's) device, or
/// reads out a code from the user's own factor, and record the answer; exit 0 when proven,
/// 2 otherwise.
pub async fn verify(global: &GlobalArgs, args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let mode = match (args.manager, args.verify) {
        (true, _) => VerifyMode::ManagerPush,
        (false, None) => VerifyMode::Push,
        (false, Some(VerifyMode::None)) => {
            return Err(UsageError(
                "verify checks possession: use --verify push, manager-push or code".into(),
            )
            .into());
        }
        (false, Some(mode)) => mode,
    };
    check_code_factor_flag(Some(mode), &args.code_factor)?;
    let config = load_config(global, |_| {})?;
    let _log = crate::cli::dashboard::start_logging(&config);
    let mut session = Session::open(config, &args.login, args.json)?;
    let attempt = Attempt::VerifyCaller;
    let attestation = Attestation {
        ticket: args.ticket.clone().unwrap_or_default(),
        ticket_lookup: None,
        ..Attestation::default()
    };
    if session.config.read_only {
        return Ok(session.stop(
            &attempt,
            None,
            &attestation,
            &read_only_refusal(),
            json!({}),
        ));
    }
    let ticket = normalize_ticket(&attestation.ticket);
    // With a ticketing system its own numbering counts (a Jira key is no INC number).
    if !ticket.is_empty()
        && session.config.tickets.provider.is_none()
        && !session.config.gate.ticket_pattern.is_match(&ticket)
    {
        let why = gate::Refusal::TicketInvalid {
            ticket,
            expected: session.config.gate.ticket_format.clone(),
        };
        return Ok(session.stop(
            &attempt,
            None,
            &attestation,
            &Stop::refused(why.to_string()),
            json!({}),
        ));
    }
    let client = session.client()?;
    let user = match look_up(&client, &args.login).await {
        Ok(u) => u,
        Err(stop) => return Ok(session.stop(&attempt, None, &attestation, &stop, json!({}))),
    };
    let factors = match client.list_factors(&user.id).await {
        Ok(f) => f,
        Err(e) => {
            return Ok(session.stop(
                &attempt,
                Some(&user),
                &attestation,
                &Stop::idp(&client, &e),
                json!({}),
            ));
        }
    };
    let checked = possession::check(
        &client,
        &user,
        &factors,
        mode,
        args.code_factor.as_deref(),
        args.json,
    )
    .await;
    let target = Target::from(&user);
    let mut seqs = Vec::new();
    for evidence in &checked.evidence {
        let record = action_runner::record_verification(
            &mut session.audit,
            &session.agent,
            &target,
            Some(&attestation.ticket),
            evidence,
            None,
        );
        seqs.extend(session.audit_seq(&record));
    }
    if let Some(stop) = &checked.stop {
        let attestation = Attestation {
            evidence: checked.evidence.clone(),
            ..attestation
        };
        return Ok(session.stop(&attempt, Some(&user), &attestation, stop, json!({})));
    }
    let Some(last) = checked.evidence.last() else {
        return Ok(session.stop(
            &attempt,
            Some(&user),
            &attestation,
            &Stop::refused("no check was made"),
            json!({}),
        ));
    };
    let approved = last.result == ChallengeResult::Success;
    if args.json {
        println!(
            "{}",
            json!({
                "login": user.login, "approver": last.approver_login,
                "whose": if last.approver_id == user.id { "user" } else { "manager" },
                "method": last.kind.as_str(), "factor_id": last.factor_id,
                "result": last.result.as_str(), "transaction_id": last.transaction_id,
                "audit_seq": seqs.last(),
            })
        );
    } else {
        println!(
            "{}: {} by {} ({})",
            user.login,
            if approved { "verified" } else { "NOT verified" },
            if last.approver_id == user.id {
                "the user's own factor"
            } else {
                "the MANAGER's push"
            },
            last.approver_login,
        );
    }
    Ok(ExitCode::from(if approved { 0 } else { EXIT_REFUSED }))
}

pub async fn unlock(global: &GlobalArgs, args: GateArgs) -> anyhow::Result<ExitCode> {
    act(global, args, Asked::Unlock).await
}

pub async fn reset_password(global: &GlobalArgs, args: GateArgs) -> anyhow::Result<ExitCode> {
    act(global, args, Asked::ResetPassword).await
}

pub async fn reset_mfa(global: &GlobalArgs, args: ResetMfaArgs) -> anyhow::Result<ExitCode> {
    let asked = if args.factors.is_empty() {
        Asked::ResetAllFactors
    } else {
        Asked::ResetNamedFactors(args.factors)
    };
    act(global, args.gate, asked).await
}

async fn act(global: &GlobalArgs, args: GateArgs, asked: Asked) -> anyhow::Result<ExitCode> {
    check_code_factor_flag(args.verify, &args.code_factor)?;
    let config = load_config(global, |_| {})?;
    let _log = crate::cli::dashboard::start_logging(&config);
    let tickets = crate::cli::tickets(&config)?.map(std::sync::Arc::new);
    if args.create_ticket && tickets.is_none() {
        return Err(UsageError(
            "--create-ticket needs a ticketing system: set SERVICENOW_URL or JIRA_URL (see [tickets] in the config)".into(),
        )
        .into());
    }
    let mut session = Session::open(config, &args.login, args.json)?;
    let json = args.json;
    let resolve = session.config.tickets.resolve_on_success;
    let code = attempt_action(&mut session, tickets.as_deref(), args, asked).await?;
    // After the action (done, refused or failed): its ticket hears how it went.
    if let (Some(t), Some(record)) = (&tickets, session.last_record.take())
        && let Ok(outbox_at) = session.desk.outbox_location()
        && let Some(line) = ticket_notes::note_outcome(t, &outbox_at, &record, resolve).await
    {
        if json {
            eprintln!("{line}");
        } else {
            println!("  {line}");
        }
    }
    Ok(code)
}

/// The ticket the attempt runs under: one opened for it (`--create-ticket`), or the one
/// given, as the ticketing system answers for it.
async fn checked_ticket(
    tickets: &AnyTickets,
    user: &crate::model::User,
    ticket: &str,
    create: bool,
    action: &str,
) -> Result<TicketLookup, Stop> {
    if create {
        let new = NewTicket::for_call(user, &format!("{action} requested by phone"));
        return match tickets.create(&new).await {
            Ok(t) => Ok(TicketLookup::Found(t)),
            Err(e) => Err(Stop::Failed(format!(
                "no ticket could be opened in {}: {}",
                tickets.provider(),
                ticket_check::phrased(&e)
            ))),
        };
    }
    Ok(ticket_check::look_up(tickets, ticket).await)
}

async fn attempt_action(
    session: &mut Session,
    tickets: Option<&AnyTickets>,
    args: GateArgs,
    asked: Asked,
) -> anyhow::Result<ExitCode> {
    let mut attestation = Attestation {
        confirmed: args.kba.iter().cloned().collect(),
        ticket: args.ticket.clone().unwrap_or_default(),
        ticket_lookup: None,
        note: args.note.clone(),
        evidence: Vec::new(),
    };
    // Until the factors are known, the attempt is recorded as typed.
    let placeholder = asked.as_typed();
    if session.config.read_only {
        let attempt = Attempt::Action(&placeholder);
        return Ok(session.stop(
            &attempt,
            None,
            &attestation,
            &read_only_refusal(),
            json!({}),
        ));
    }
    let client = session.client()?;
    let user = match look_up(&client, &args.login).await {
        Ok(u) => u,
        Err(stop) => {
            let attempt = Attempt::Action(&placeholder);
            return Ok(session.stop(&attempt, None, &attestation, &stop, json!({})));
        }
    };
    let factors = match client.list_factors(&user.id).await {
        Ok(f) => f,
        Err(e) => {
            let attempt = Attempt::Action(&placeholder);
            return Ok(session.stop(
                &attempt,
                Some(&user),
                &attestation,
                &Stop::idp(&client, &e),
                json!({}),
            ));
        }
    };
    let action = match resolve(
        &asked,
        &Known {
            user: &user,
            factors: &factors,
        },
    ) {
        Ok(a) => a,
        Err(stop) => {
            let attempt = Attempt::Action(&placeholder);
            return Ok(session.stop(&attempt, Some(&user), &attestation, &stop, json!({})));
        }
    };
    let attempt = Attempt::Action(&action);
    let planned = factor_list::json_list(planned_removal(&action, &factors));
    let plan = json!({ "factors_to_remove": planned });
    if !args.json {
        preview_removal(&action, &user, &factors);
    }

    if let Some(tickets) = tickets
        && (args.create_ticket || !attestation.ticket.trim().is_empty())
    {
        match checked_ticket(
            tickets,
            &user,
            &attestation.ticket,
            args.create_ticket,
            action.audit_name(),
        )
        .await
        {
            Ok(lookup) => {
                if let TicketLookup::Found(t) = &lookup {
                    attestation.ticket = t.number.clone();
                    if args.create_ticket && !args.json {
                        println!("Opened {} in {} for this call.", t.number, t.provider);
                    }
                }
                attestation.ticket_lookup = Some(lookup);
            }
            Err(stop) => {
                return Ok(session.stop(&attempt, Some(&user), &attestation, &stop, plan));
            }
        }
    }

    if let Err(why) = preconditions::check(&action, &user, &factors) {
        return Ok(session.stop(
            &attempt,
            Some(&user),
            &attestation,
            &Stop::refused(why),
            plan,
        ));
    }
    let target = Target::from(&user);
    let policy = session.config.gate.clone();
    // Everything but possession first: no push goes out for a request that fails anyway.
    if let Err(refusals) = gate::check(&policy, &target, &action, &attestation, Utc::now()) {
        let early: Vec<String> = refusals
            .iter()
            .filter(|r| **r != gate::Refusal::PossessionMissing)
            .map(ToString::to_string)
            .collect();
        if !early.is_empty() {
            return Ok(session.stop(
                &attempt,
                Some(&user),
                &attestation,
                &Stop::Refused(early),
                plan,
            ));
        }
    }

    let needs_possession = policy.requirement(action.kind()).possession;
    let mode = args.verify.unwrap_or(if needs_possession {
        VerifyMode::Push
    } else {
        VerifyMode::None
    });
    if needs_possession && mode == VerifyMode::None {
        let why = "the policy requires possession evidence for this action: use --verify push, manager-push or code";
        return Ok(session.stop(
            &attempt,
            Some(&user),
            &attestation,
            &Stop::refused(why),
            plan,
        ));
    }
    let Checked { evidence, stop } = possession::check(
        &client,
        &user,
        &factors,
        mode,
        args.code_factor.as_deref(),
        args.json,
    )
    .await;
    attestation.evidence = evidence;
    if let Some(stop) = stop {
        return Ok(session.stop(&attempt, Some(&user), &attestation, &stop, plan));
    }
    if !needs_possession && !attestation.evidence.is_empty() {
        // Asked for although the policy does not need it: it still has to pass, and it is
        // audited on its own, since the action's record carries only required evidence.
        record_checks(session, &target, &attestation);
        if let Err(why) = gate::possession(&policy, &target, &attestation.evidence, Utc::now()) {
            return Ok(session.stop(
                &attempt,
                Some(&user),
                &attestation,
                &Stop::refused(why.to_string()),
                plan,
            ));
        }
    }
    let verified = match gate::check(&policy, &target, &action, &attestation, Utc::now()) {
        Ok(v) => v,
        Err(refusals) => {
            let stop = Stop::Refused(action_runner::reasons(&refusals));
            return Ok(session.stop(&attempt, Some(&user), &attestation, &stop, plan));
        }
    };

    let outcome = action_runner::run(&client, &mut session.audit, &session.agent, &verified).await;
    session.last_record = outcome.audit.as_ref().ok().cloned();
    // After the action, never before: a notice that cannot be queued leaves it standing.
    let notices =
        action_notices::after_action(&client, &session.desk, &verified, &outcome, Utc::now()).await;
    action_notice_lines::warn(&notices);
    let audit_seq = match &outcome.audit {
        Ok(r) => Some(r.seq),
        Err(e) => {
            eprintln!("warning: the action was not written to the audit log: {e}");
            None
        }
    };
    let status_after = outcome.user_after.as_ref().map(|u| u.status.to_string());
    let removed = factor_list::json_list(&outcome.removed);
    let removed_names: Vec<String> = outcome
        .removed
        .iter()
        .map(crate::model::Factor::describe_with_id)
        .collect();
    match &outcome.result {
        Ok(receipt) => {
            if args.json {
                println!(
                    "{}",
                    json!({
                        "outcome": "succeeded", "action": action.audit_name(), "login": user.login,
                        "ticket": verified.ticket(),
                        "status_after": status_after, "factors_after": outcome.factors_after.as_ref().map(Vec::len),
                        "factors_removed": removed,
                        "idp_request_ids": receipt.request_ids, "audit_seq": audit_seq,
                        "notices": action_notice_lines::json_field(&notices),
                    })
                );
            } else {
                println!("{} for {}: done.", describe(&attempt), user.login);
                if let Some(status) = status_after {
                    println!("  status now {status}");
                }
                if !removed_names.is_empty() {
                    println!("  removed: {}", removed_names.join(", "));
                }
                if let Some(left) = &outcome.factors_after {
                    println!("  factors now enrolled: {}", left.len());
                }
                println!(
                    "  IdP request {}; audit record {}",
                    receipt.request_ids.join(", "),
                    audit_seq.map_or("-".into(), |s| s.to_string())
                );
                for line in action_notice_lines::text_lines(&notices) {
                    println!("{line}");
                }
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
                        "factors_removed": removed,
                        "status_after": status_after, "audit_seq": audit_seq,
                    })
                );
            } else {
                eprintln!(
                    "{} for {} failed: {}\n  {}",
                    describe(&attempt),
                    user.login,
                    failure.error,
                    failure.error.hint_for(client.provider())
                );
                if !removed_names.is_empty() {
                    eprintln!("  removed before the failure: {}", removed_names.join(", "));
                }
            }
            Ok(ExitCode::from(EXIT_FAILED))
        }
    }
}
