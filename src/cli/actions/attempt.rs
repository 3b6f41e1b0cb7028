//! One headless attempt at a verified action or a check of the caller: who acts, where it is
//! audited, and how an attempt that ends before the IdP acts is recorded and reported, with
//! the exit code that says how it ended.

use serde_json::{Value, json};
use std::process::ExitCode;

use super::possession::Stop;
use crate::audit::{AuditLocation, AuditRecord, AuditTrail, Outcome};
use crate::cli::directory;
use crate::cli::exit::{EXIT_FAILED, EXIT_REFUSED};
use crate::config::Config;
use crate::idp::AnyDirectory;
use crate::idp::{Directory, IdpError};
use crate::model::{Action, User};
use crate::policy::gate::{Attestation, Target};
use crate::services::action_runner::{self, Agent, Attempt, Subject};
use crate::services::notice_desk::NoticeDesk;

/// One headless attempt: who acts, where it is audited and how it is reported.
pub struct Session {
    pub config: Config,
    /// The local log, or in team mode the desk's trail.
    pub audit: AuditTrail,
    pub agent: Agent,
    json: bool,
    /// The login as typed, until the IdP names the user.
    typed_login: String,
    /// The last record this attempt wrote: its ticket hears the outcome.
    pub last_record: Option<AuditRecord>,
    /// Where the action's notices and ticket notes are queued (in team mode through the
    /// audit trail's connection).
    pub desk: NoticeDesk,
}

impl Session {
    pub fn open(config: Config, login: &str, json: bool) -> anyhow::Result<Session> {
        let audit = AuditLocation::for_config(config.team.as_ref(), &config.data_dir)?.open()?;
        let desk = match &audit {
            AuditTrail::Team(team) => NoticeDesk::from_config(&config).with_team(team.db().clone()),
            AuditTrail::Local(_) => NoticeDesk::from_config(&config),
        };
        let agent = Agent {
            name: config.agent_name.clone(),
            org: config.audit_org(),
        };
        Ok(Session {
            config,
            audit,
            agent,
            json,
            typed_login: login.trim().to_string(),
            last_record: None,
            desk,
        })
    }

    /// Audit and report an attempt that ended before the IdP acted; the exit code says how.
    pub fn stop(
        &mut self,
        attempt: &Attempt,
        user: Option<&User>,
        attestation: &Attestation,
        stop: &Stop,
        extra: Value,
    ) -> ExitCode {
        let (outcome, code, word) = match stop {
            Stop::Refused(_) => (Outcome::Refused, EXIT_REFUSED, "refused"),
            Stop::Failed(_) => (Outcome::Failed, EXIT_FAILED, "failed"),
        };
        let target = user.map(Target::from);
        let subject = match &target {
            Some(t) => Subject::User(t),
            None => Subject::Typed(&self.typed_login),
        };
        let reasons = stop.reasons();
        let record = action_runner::record_stop(
            &mut self.audit,
            &self.agent,
            attempt,
            subject,
            attestation,
            outcome,
            &reasons,
        );
        let audit_seq = self.audit_seq(&record);
        self.last_record = record.ok();
        let login = user.map_or(self.typed_login.as_str(), |u| u.login.as_str());
        if self.json {
            let mut out = json!({
                "outcome": word, "action": attempt.audit_name(), "login": login,
                "audit_seq": audit_seq,
            });
            match stop {
                Stop::Refused(reasons) => out["reasons"] = json!(reasons),
                Stop::Failed(error) => out["error"] = json!(error),
            }
            merge(&mut out, extra);
            println!("{out}");
        } else {
            eprintln!("{} for {login} {word}:", describe(attempt));
            for r in &reasons {
                eprintln!("  - {}", r.replace('\n', "\n    "));
            }
        }
        ExitCode::from(code)
    }

    pub fn audit_seq(&self, record: &Result<AuditRecord, String>) -> Option<i64> {
        match record {
            Ok(r) => Some(r.seq),
            Err(e) => {
                eprintln!("warning: this was not written to the audit log: {e}");
                None
            }
        }
    }

    pub fn client(&self) -> anyhow::Result<AnyDirectory> {
        directory(&self.config)
    }
}

/// The user the login names, or why not: an unknown login is refused, anything else failed.
pub async fn look_up(client: &AnyDirectory, login: &str) -> Result<User, Stop> {
    match client.get_user(login).await {
        Ok(user) => Ok(user),
        Err(IdpError::Api { status: 404, .. }) => Err(Stop::refused(format!(
            "no user {login:?} in the IdP: check the login, e-mail or id"
        ))),
        Err(e) => Err(Stop::idp(client, &e)),
    }
}

fn merge(out: &mut Value, extra: Value) {
    if let (Some(out), Value::Object(extra)) = (out.as_object_mut(), extra) {
        out.extend(extra);
    }
}

/// Read-only mode refuses before anything is sent: no lookup, no push, no change.
pub fn read_only_refusal() -> Stop {
    Stop::refused(
        "read-only mode (supervisor role or --read-only): no push, code or change can be made; \
         an agent session can do this",
    )
}

/// Audit each challenge as a check of the caller.
pub fn record_checks(session: &mut Session, target: &Target, attestation: &Attestation) {
    for e in &attestation.evidence {
        let record = action_runner::record_verification(
            &mut session.audit,
            &session.agent,
            target,
            Some(&attestation.ticket),
            e,
            None,
        );
        session.audit_seq(&record);
    }
}

/// The attempt in words, for the messages.
pub fn describe(attempt: &Attempt) -> &'static str {
    match attempt {
        Attempt::VerifyCaller => "Verification of the caller",
        Attempt::Action(Action::Unlock) => "Unlock",
        Attempt::Action(Action::ResetPassword) => "Password reset link (e-mailed by the IdP)",
        Attempt::Action(Action::ResetAllFactors) => "Reset of every MFA factor",
        Attempt::Action(Action::ResetFactors { .. }) => "Reset of the chosen MFA factors",
    }
}
