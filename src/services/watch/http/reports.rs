//! What some answers set off besides being recorded: *Open a ticket* asks the help desk for
//! one, *This wasn't me* marks the event suspicious in the audit log and alerts the desk.

use chrono::{DateTime, Utc};

use crate::audit::{AuditEntry, Outcome};
use crate::notify::compose::{Alert, AlertKind};
use crate::notify::links::AnswerClaim;
use crate::outbox::{OutboxError, OutboxItem};
use crate::services::watch::WatchShared;

/// The audit action of a *This wasn't me* report.
pub const SUSPICIOUS_REPORT_ACTION: &str = "suspicious_report";

fn login_of(claim: &AnswerClaim, notice: Option<&OutboxItem>) -> String {
    notice
        .and_then(|i| i.notice.login.clone())
        .unwrap_or_else(|| claim.key.user.clone())
}

pub fn ticket_requested(
    shared: &WatchShared,
    claim: &AnswerClaim,
    notice: Option<&OutboxItem>,
    now: DateTime<Utc>,
) -> Result<(), OutboxError> {
    let login = login_of(claim, notice);
    let alert = Alert {
        kind: AlertKind::TicketRequested,
        about: claim.key.as_string(),
        title: format!("{login} asks for a ticket about their password"),
        user_id: Some(claim.key.user.clone()),
        login: Some(login.clone()),
        facts: vec![
            ("User".into(), login),
            ("Notice".into(), claim.key.kind.as_str().into()),
        ],
    };
    let notice = shared.composer.alert(&alert, now);
    shared.enqueue(&[notice], now).map(|_| ())
}

pub fn not_me(
    shared: &WatchShared,
    claim: &AnswerClaim,
    notice: Option<&OutboxItem>,
    now: DateTime<Utc>,
) -> Result<(), OutboxError> {
    let login = login_of(claim, notice);
    let mut entry = AuditEntry::new(
        now,
        shared.agent.clone(),
        SUSPICIOUS_REPORT_ACTION,
        Outcome::Succeeded,
    );
    entry.target_id = Some(claim.key.user.clone());
    entry.target_login = Some(login.clone());
    entry.org = shared.org.clone();
    entry.note = Some(format!(
        "the user answered \"This wasn't me\" to notice {} ({} {})",
        claim.key,
        claim.key.kind.as_str(),
        claim.key.cycle
    ));
    if let Err(e) = shared.audit.open().and_then(|mut log| log.append(&entry)) {
        tracing::error!(key = %claim.key, error = %e, "cannot record the suspicious report in the audit log");
    }
    let alert = Alert {
        kind: AlertKind::NotMe,
        about: claim.key.as_string(),
        title: format!("{login} reports a {} they did not cause", what(claim)),
        user_id: Some(claim.key.user.clone()),
        login: Some(login.clone()),
        facts: vec![
            ("User".into(), login),
            ("Notice".into(), claim.key.kind.as_str().into()),
            ("Event".into(), claim.key.cycle.clone()),
        ],
    };
    let notice = shared.composer.alert(&alert, now);
    shared.enqueue(&[notice], now).map(|_| ())
}

fn what(claim: &AnswerClaim) -> &'static str {
    match claim.key.kind {
        crate::notify::NoticeKind::LockoutNotice => "lockout",
        _ => "help-desk action",
    }
}
