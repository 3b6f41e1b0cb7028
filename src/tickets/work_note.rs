//! The work note (ServiceNow) or internal comment (Jira) that tells a ticket what an action
//! did: the action and its outcome, who did it, the evidence kind and result, the IdP's
//! request ids and the audit record that holds the rest. It is written from the audit record
//! alone, which `append` has already checked for secrets, so no token, link or code can
//! reach a ticket.

use crate::audit::{AuditRecord, Outcome};

/// The note for the action recorded in `record`.
pub fn work_note(record: &AuditRecord) -> String {
    let e = &record.entry;
    let who = e
        .target_login
        .as_deref()
        .or(e.target_id.as_deref())
        .unwrap_or("an unknown user");
    let what = action_words(&e.action);
    let mut lines = vec![match e.outcome {
        Outcome::Succeeded => format!("accessdesk: {what} done for {who}."),
        Outcome::Refused => {
            format!("accessdesk: {what} for {who} was refused; nothing was changed.")
        }
        Outcome::Failed => format!("accessdesk: {what} for {who} FAILED at the identity provider."),
    }];
    if let Some(error) = &e.error {
        let label = match e.outcome {
            Outcome::Refused => "Why",
            _ => "Error",
        };
        lines.push(format!("{label}: {error}"));
    }
    if !e.factors_removed.is_empty() {
        lines.push(format!(
            "Factors removed: {}.",
            e.factors_removed.join(", ")
        ));
    }
    lines.push(format!("Agent: {}.", e.agent));
    if !e.checklist.is_empty() {
        lines.push(format!("Checklist confirmed: {}.", e.checklist.join(", ")));
    }
    for ev in &e.evidence {
        let by = ev
            .subject_login
            .as_deref()
            .map(|s| format!(" by {s}"))
            .unwrap_or_default();
        lines.push(format!(
            "Evidence: {} {}{by}.",
            evidence_words(&ev.kind),
            ev.result
        ));
    }
    if let Some(ids) = &e.idp_request_id {
        lines.push(format!(
            "Identity provider request ids: {}.",
            ids.replace(',', ", ")
        ));
    }
    if let Some(org) = e.org.as_deref().and_then(host_of) {
        lines.push(format!("Organisation: {org}."));
    }
    lines.push(format!(
        "Audit record #{} ({}), hash {}.",
        record.seq,
        e.time.format("%Y-%m-%d %H:%M:%S UTC"),
        &record.hash[..record.hash.len().min(16)]
    ));
    lines.join("\n")
}

fn action_words(action: &str) -> String {
    match action {
        "unlock" => "unlock".into(),
        "reset_password" => "password reset (link sent to the user's address of record)".into(),
        "reset_factors" => "reset of all MFA factors".into(),
        "reset_factor" => "reset of chosen MFA factors".into(),
        "verify_caller" => "caller verification".into(),
        other => other.replace('_', " "),
    }
}

fn evidence_words(kind: &str) -> &str {
    match kind {
        "push" => "push to the user's device",
        "otp" => "one-time code from the user's factor",
        "manager_push" => "push to the manager's device",
        other => other,
    }
}

/// The host of the org's base URL: the note names the org, not a link.
fn host_of(org: &str) -> Option<String> {
    url::Url::parse(org)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .or_else(|| (!org.contains('/')).then(|| org.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::redact::find_secret;
    use crate::audit::{AuditEntry, Evidence};
    use chrono::{TimeZone, Utc};

    fn record(outcome: Outcome) -> AuditRecord {
        let mut entry = AuditEntry::new(
            Utc.with_ymd_and_hms(2026, 12, 3, 9, 30, 0).unwrap(),
            "alex",
            "reset_factors",
            outcome,
        );
        entry.target_login = Some("dana@example.com".into());
        entry.ticket = Some("INC0010002".into());
        entry.checklist = vec!["identity".into(), "callback".into()];
        entry.evidence = vec![Evidence {
            kind: "push".into(),
            subject_login: Some("dana@example.com".into()),
            factor_id: Some("opf1".into()),
            transaction_id: Some("v2mst.1".into()),
            result: "SUCCESS".into(),
            at: None,
        }];
        entry.idp_request_id = Some("reqA,reqB".into());
        entry.org = Some("https://acme.okta.com/".into());
        entry.factors_removed = vec!["Okta Verify push [opf1]".into()];
        AuditRecord {
            seq: 42,
            entry,
            prev_hash: "0".repeat(64),
            hash: "1a2b3c4d5e6f7a8b9c0d".repeat(3) + "ffff",
        }
    }

    #[test]
    fn a_done_action_names_what_who_evidence_request_ids_and_the_record() {
        let note = work_note(&record(Outcome::Succeeded));
        for part in [
            "reset of all MFA factors done for dana@example.com",
            "Factors removed: Okta Verify push [opf1].",
            "Agent: alex.",
            "Evidence: push to the user's device SUCCESS by dana@example.com.",
            "Identity provider request ids: reqA, reqB.",
            "Organisation: acme.okta.com.",
            "Audit record #42 (2026-12-03 09:30:00 UTC), hash 1a2b3c4d5e6f7a8b.",
        ] {
            assert!(note.contains(part), "{part:?} missing from:\n{note}");
        }
        assert!(!note.contains("https://"), "{note}");
        assert_eq!(find_secret(&note), None, "{note}");
    }

    #[test]
    fn refused_and_failed_actions_say_so_and_why() {
        let mut refused = record(Outcome::Refused);
        refused.entry.error = Some("the ticket is Closed, not open".into());
        refused.entry.factors_removed.clear();
        let note = work_note(&refused);
        assert!(note.contains("was refused; nothing was changed"), "{note}");
        assert!(
            note.contains("Why: the ticket is Closed, not open"),
            "{note}"
        );

        let mut failed = record(Outcome::Failed);
        failed.entry.error = Some("rate limit exceeded".into());
        let note = work_note(&failed);
        assert!(note.contains("FAILED at the identity provider"), "{note}");
        assert!(note.contains("Error: rate limit exceeded"), "{note}");
    }
}
