//! `GET /answer/{token}` shows what the link answers and a confirm button (mail scanners
//! fetch links to check them: a GET changes nothing); `POST /answer/{token}` applies the
//! answer once. A used, expired or forged link gets a page saying so and changes nothing.
//! Tokens are never logged: only the notice's key is.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use std::sync::Arc;

use super::pages::{escape, message, page};
use super::reports::{not_me, ticket_requested};
use crate::notify::links::{AnswerClaim, LinkError, verify};
use crate::notify::{AnswerChoice, Problem};
use crate::outbox::{AnswerRecord, OutboxItem};
use crate::services::watch::WatchShared;

pub async fn show(State(shared): State<Arc<WatchShared>>, Path(token): Path<String>) -> Response {
    let now = Utc::now();
    let claim = match checked(&shared, &token, now) {
        Ok(claim) => claim,
        Err(response) => return *response,
    };
    if let Some(problem) = instructions_for(claim.choice) {
        return instructions_page(&shared, problem);
    }
    match shared.outbox().answer_to(&claim.key) {
        Ok(Some(_)) => return already_answered(),
        Ok(None) => {}
        Err(e) => return unavailable(&e),
    }
    let about = notice_subject(&shared, &claim);
    let body = format!(
        "<p>{}</p><p>Your answer: <strong>{}</strong></p>\
         <form method=\"post\"><button type=\"submit\">Confirm: {}</button></form>",
        escape(&about),
        escape(claim.choice.label()),
        escape(claim.choice.label()),
    );
    page(StatusCode::OK, "Confirm your answer", &body)
}

pub async fn apply(State(shared): State<Arc<WatchShared>>, Path(token): Path<String>) -> Response {
    let now = Utc::now();
    let claim = match checked(&shared, &token, now) {
        Ok(claim) => claim,
        Err(response) => return *response,
    };
    // Instructions are help, not an answer: the link stays usable.
    if let Some(problem) = instructions_for(claim.choice) {
        return instructions_page(&shared, problem);
    }
    let record = AnswerRecord {
        at: now,
        key: claim.key.clone(),
        choice: claim.choice,
        user_id: claim.key.user.clone(),
    };
    let (written, notice) = {
        let mut outbox = shared.outbox();
        let written = outbox.record_answer(&record);
        let notice = outbox.get(&claim.key).ok().flatten();
        (written, notice)
    };
    match written {
        Ok(true) => {}
        Ok(false) => return already_answered(),
        Err(e) => return unavailable(&e),
    }
    tracing::info!(key = %claim.key, choice = claim.choice.as_str(), "answer recorded");
    let follow_up = match claim.choice {
        AnswerChoice::OpenTicket => ticket_requested(&shared, &claim, notice.as_ref(), now),
        AnswerChoice::NotMe => not_me(&shared, &claim, notice.as_ref(), now),
        _ => Ok(()),
    };
    if let Err(e) = follow_up {
        // The answer stands; the alert is what failed, and the log says so.
        tracing::error!(key = %claim.key, error = %e, "answer recorded but its alert was not queued");
    }
    message(StatusCode::OK, "Thank you", &thanks(&shared, claim.choice))
}

/// The claim, or the page that says why the link cannot be used.
fn checked(
    shared: &WatchShared,
    token: &str,
    now: DateTime<Utc>,
) -> Result<AnswerClaim, Box<Response>> {
    let claim = verify(shared.composer.key(), token, now).map_err(|e| rejected(shared, e))?;
    if !AnswerChoice::offered_by(claim.key.kind).contains(&claim.choice) {
        return Err(Box::new(message(
            StatusCode::BAD_REQUEST,
            "This link is not valid",
            "This answer does not belong to that message. Nothing was changed.",
        )));
    }
    Ok(claim)
}

/// The page for a link that cannot be used.
fn rejected(shared: &WatchShared, e: LinkError) -> Box<Response> {
    Box::new(match e {
        LinkError::Expired(at) => message(
            StatusCode::GONE,
            "This link has expired",
            &format!(
                "This answer link expired on {}. Nothing was changed. If you still need help, \
                 contact {}: {}.",
                at.format("%Y-%m-%d %H:%M UTC"),
                shared.composer.settings().desk_name,
                shared.composer.settings().desk_contact
            ),
        ),
        LinkError::Malformed | LinkError::Forged => message(
            StatusCode::BAD_REQUEST,
            "This link is not valid",
            &format!(
                "This link is incomplete or was altered, so it was not accepted and nothing was \
                 changed. Open the link from the original message, or contact {}: {}.",
                shared.composer.settings().desk_name,
                shared.composer.settings().desk_contact
            ),
        ),
        LinkError::Key(detail) => {
            tracing::error!(%detail, "answer-link key unusable");
            message(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Answers are unavailable",
                "The service cannot check answer links right now. Nothing was changed.",
            )
        }
    })
}

fn instructions_for(choice: AnswerChoice) -> Option<Problem> {
    match choice {
        AnswerChoice::HowToExtend => Some(Problem::ContractExtend),
        AnswerChoice::HowToTerminate => Some(Problem::ContractTerminate),
        _ => None,
    }
}

fn instructions_page(shared: &WatchShared, problem: Problem) -> Response {
    let title = match problem {
        Problem::ContractExtend => "How to extend a contractor's access",
        _ => "How to end a contractor's access",
    };
    let mut body = String::new();
    for i in shared.instructions.iter().filter(|i| i.problem == problem) {
        body.push_str(&format!(
            "<h2>{} ({})</h2><ol>",
            escape(&i.title),
            escape(&i.system)
        ));
        for step in &i.steps {
            body.push_str(&format!("<li>{}</li>", escape(step)));
        }
        body.push_str("</ol>");
        if let Some(kb) = &i.kb_url {
            body.push_str(&format!(
                "<p>More: <a href=\"{}\">{}</a></p>",
                escape(kb),
                escape(kb)
            ));
        }
    }
    let settings = shared.composer.settings();
    body.push_str(&format!(
        "<p>Questions? Contact {}: {}.</p>",
        escape(&settings.desk_name),
        escape(&settings.desk_contact)
    ));
    page(StatusCode::OK, title, &body)
}

fn already_answered() -> Response {
    message(
        StatusCode::CONFLICT,
        "Already answered",
        "This message was already answered; each answer link works once. Nothing was changed.",
    )
}

fn unavailable(e: &crate::outbox::OutboxError) -> Response {
    tracing::error!(error = %e, "outbox unavailable for an answer");
    message(
        StatusCode::SERVICE_UNAVAILABLE,
        "Please try again later",
        "Your answer could not be recorded right now. Nothing was changed; try the link again \
         in a few minutes.",
    )
}

/// What the notice was, in a sentence (its subject when the outbox still has it).
fn notice_subject(shared: &WatchShared, claim: &AnswerClaim) -> String {
    let item: Option<OutboxItem> = shared.outbox().get(&claim.key).ok().flatten();
    match item {
        Some(item) => format!(
            "You are answering the message \u{201c}{}\u{201d}.",
            item.notice.subject
        ),
        None => "You are answering a message from the service desk.".to_string(),
    }
}

fn thanks(shared: &WatchShared, choice: AnswerChoice) -> String {
    let desk = &shared.composer.settings().desk_name;
    match choice {
        AnswerChoice::AlreadyUpdated => {
            "Thank you. You will get no more reminders about this password.".into()
        }
        AnswerChoice::RemindLater => {
            "Understood: we will remind you again the day before the password expires.".into()
        }
        AnswerChoice::DoNotRemind => "You will get no more reminders about this password.".into(),
        AnswerChoice::OpenTicket => {
            format!("{desk} has been asked to open a ticket and will contact you.")
        }
        AnswerChoice::Understood => "Thank you: this digest is marked as read.".into(),
        AnswerChoice::NotMe => format!(
            "Thank you for telling us. {desk} has been alerted and will contact you. If you \
             can still sign in, change your password now."
        ),
        AnswerChoice::HowToExtend | AnswerChoice::HowToTerminate => {
            "The instructions are on the previous page.".into()
        }
    }
}
