//! After an action (done, refused or failed) whose ticket the gate checked, the outcome goes
//! to that ticket as a work note (ServiceNow) or internal comment (Jira), composed from the
//! audit record alone ([`work_note`]). The note is queued in the outbox first and then sent at
//! once through the same channel `accessdesk watch` uses, so a note the ticketing system does
//! not take now is retried by `watch` rather than lost. The action never waits on it and is
//! never undone by it. With `tickets.resolve_on_success`, a ticket whose action succeeded is
//! then resolved.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::audit::{AuditRecord, Outcome};
use crate::model::TicketFacts;
use crate::notify::channels::{Channel, DeliveryError, SYSTEM_ID_FACT, TicketChannel};
use crate::notify::{ChannelKind, IdempotencyKey, Notice, NoticeKind};
use crate::outbox::{Enqueued, Outbox, OutboxItem, OutboxLocation, OutboxState};
use crate::tickets::{AnyTickets, TicketResolution, TicketSystem, work_note};

/// The outbox entry for the note on `check`'s ticket about `record`: one per audit record and
/// ticket, so a second try never queues a second note.
pub fn note_notice(record: &AuditRecord, check: &TicketFacts, now: DateTime<Utc>) -> Notice {
    Notice {
        key: IdempotencyKey::new(
            check.system_id.clone(),
            NoticeKind::TicketNote,
            check.system.clone(),
            record.seq.to_string(),
        ),
        kind: NoticeKind::TicketNote,
        channel: ChannelKind::Ticket,
        user_id: record.entry.target_id.clone(),
        login: record.entry.target_login.clone(),
        to: vec![check.number.clone()],
        subject: format!("Work note for {} (audit #{})", check.number, record.seq),
        text: work_note(record),
        html: None,
        facts: vec![
            ("system".into(), check.system.clone()),
            (SYSTEM_ID_FACT.into(), check.system_id.clone()),
        ],
        links: Vec::new(),
        due_at: now,
        instructions_only: false,
    }
}

/// What became of the note (and the resolution, when `resolve` asks for one after a
/// success), in a clause for the agent's status line; `None` when the record has no checked
/// ticket.
pub async fn note_outcome(
    tickets: &Arc<AnyTickets>,
    outbox_at: &OutboxLocation,
    record: &AuditRecord,
    resolve: bool,
) -> Option<String> {
    let check = record.entry.ticket_check.as_ref()?;
    let name = tickets.provider().note_name();
    let number = &check.number;
    let now = Utc::now();
    let notice = note_notice(record, check, now);
    // Durable first: a note the system does not take now waits for `watch`.
    let mut outbox = outbox_at.open().ok();
    let id = match outbox.as_mut().map(|o| o.enqueue(&notice, now)) {
        Some(Ok(Enqueued::New(id))) => Some(id),
        Some(Ok(Enqueued::Exists(_))) => {
            return Some(format!("the {name} on {number} was already queued"));
        }
        Some(Err(_)) | None => None,
    };
    let item = OutboxItem {
        id: id.unwrap_or_default(),
        notice,
        state: OutboxState::Queued,
        attempts: 0,
        queued_at: now,
        next_attempt_at: now,
        sent_at: None,
        last_error: None,
    };
    let sent = TicketChannel::new(Arc::clone(tickets)).deliver(&item).await;
    let mark = |outbox: &mut Outbox, id| match &sent {
        Ok(()) => outbox.mark_sent(id, Utc::now()),
        // Due again at once: `watch`'s next pass tries it, then backs off as for any notice.
        Err(DeliveryError::Transient(e)) => outbox.mark_retry(id, e, Utc::now()),
        Err(DeliveryError::Permanent(e)) => outbox.mark_failed(id, e, Utc::now()),
    };
    let recorded = match (outbox.as_mut(), id) {
        (Some(outbox), Some(id)) => mark(outbox, id).is_ok(),
        _ => false,
    };
    let mut said = match &sent {
        Ok(()) => format!("{name} added to {number}"),
        Err(DeliveryError::Transient(e)) if recorded => format!(
            "the {name} on {number} could not be written yet ({e}): it waits in the outbox, and `accessdesk watch` retries it"
        ),
        Err(e) => format!(
            "the {name} on {number} could not be written: {e} (audit #{} has everything)",
            record.seq
        ),
    };
    if sent.is_ok() && resolve && record.entry.outcome == Outcome::Succeeded {
        said.push_str(&resolve_ticket(tickets.as_ref(), check, record.seq).await);
    }
    Some(said)
}

/// Resolves the checked ticket, in a clause to append to the note's.
async fn resolve_ticket(tickets: &AnyTickets, check: &TicketFacts, seq: i64) -> String {
    let ticket = match tickets.lookup(&check.number).await {
        Ok(Some(t)) if t.system_id == check.system_id => t,
        Ok(_) => return ", but it is gone and was not resolved".to_string(),
        Err(e) => return format!(", but it could not be resolved: {e}"),
    };
    if !ticket.open {
        return format!(", and it is already {}", ticket.state);
    }
    let resolution = TicketResolution {
        // Empty: the configured close code (ServiceNow) or transition (Jira).
        code: String::new(),
        notes: format!("Resolved by accessdesk: see audit record #{seq}."),
    };
    match tickets.resolve(&ticket, &resolution).await {
        Ok(()) => ", ticket resolved".to_string(),
        Err(e) => format!(", but it could not be resolved: {e}"),
    }
}
