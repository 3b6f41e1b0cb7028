//! The notices after an agent's action: to the user on every address of record, and to the
//! manager after an MFA reset. They name what was done, never a link, token or code.

use chrono::{DateTime, Utc};

use super::build::Spec;
use super::render::{Block, Vars};
use super::{ActionDone, Composer};
use crate::model::Action;
use crate::notify::{IdempotencyKey, Notice, NoticeKind, Recipient};

/// What was done, in the second person (to the user: "Your", "your") or the third (to the
/// manager: the user's name both times).
fn what(done: &ActionDone, (first, whose): (&str, &str)) -> Block {
    let block = Block::new();
    match &done.action {
        Action::Unlock => block.paragraph(&format!("{first} account was unlocked.")),
        Action::ResetPassword => block.paragraph(&format!(
            "A password reset was started for {whose} account: the sign-in service e-mailed a \
             one-time link to choose a new password. The old password no longer works."
        )),
        Action::ResetAllFactors | Action::ResetFactors { .. } => {
            let factors = if done.factors_removed.is_empty() {
                vec!["every enrolled factor".to_string()]
            } else {
                done.factors_removed.clone()
            };
            block
                .paragraph(&format!(
                    "These sign-in factors (multi-factor authentication) were removed from \
                     {whose} account:"
                ))
                .list(&factors)
                .paragraph("New ones are set up at the next sign-in.")
        }
    }
}

fn details(c: &Composer, done: &ActionDone) -> Block {
    let mut lines = vec![
        format!("When: {}", c.when(done.at)),
        format!("By: {}", c.settings.desk_name),
    ];
    if let Some(ticket) = done.ticket.as_deref().filter(|t| !t.is_empty()) {
        lines.push(format!("Ticket: {ticket}"));
    }
    Block::new().list(&lines)
}

fn key(done: &ActionDone, user: &Recipient, kind: NoticeKind) -> IdempotencyKey {
    IdempotencyKey::new(
        user.user_id.clone(),
        kind,
        done.action.audit_name(),
        done.audit_seq.to_string(),
    )
}

pub(super) fn to_user(
    c: &Composer,
    done: &ActionDone,
    to: &Recipient,
    now: DateTime<Utc>,
) -> Notice {
    let mut vars = Vars::default();
    vars.text("name", &to.name)
        .text("login", &to.login)
        .block("what", what(done, ("Your", "your")))
        .block("details", details(c, done));
    let spec = Spec {
        key: key(done, to, NoticeKind::ActionNotice),
        user_id: Some(to.user_id.clone()),
        login: Some(to.login.clone()),
        to: to.addresses.clone(),
        due_at: now,
        instructions_only: false,
        facts: Vec::new(),
    };
    c.build(spec, vars, now)
}

pub(super) fn to_manager(
    c: &Composer,
    done: &ActionDone,
    user: &Recipient,
    manager: &Recipient,
    now: DateTime<Utc>,
) -> Notice {
    let whose = format!("{} ({})'s", user.name, user.login);
    let mut vars = Vars::default();
    vars.text("name", &manager.name)
        .text("user_name", &user.name)
        .text("user_login", &user.login)
        .block("what", what(done, (&whose, &whose)))
        .block("details", details(c, done));
    let spec = Spec {
        key: key(done, user, NoticeKind::ManagerActionNotice),
        user_id: Some(user.user_id.clone()),
        login: Some(user.login.clone()),
        to: manager.addresses.iter().take(1).cloned().collect(),
        due_at: now,
        instructions_only: false,
        facts: Vec::new(),
    };
    c.build(spec, vars, now)
}
