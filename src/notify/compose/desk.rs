//! What the desk sends on purpose: self-service instructions to a user, alerts to its channel.

use chrono::{DateTime, Utc};

use super::build::Spec;
use super::render::{Block, Vars, clean_text};
use super::{Alert, Composer};
use crate::notify::{IdempotencyKey, Instruction, Notice, NoticeKind, Recipient};

/// Who the help-desk channel's notices are keyed to.
pub const DESK: &str = "desk";

pub(super) fn instructions(
    c: &Composer,
    instruction: &Instruction,
    to: &Recipient,
    now: DateTime<Utc>,
) -> Notice {
    let kb = match &instruction.kb_url {
        Some(url) => Block::new().link("More help", url),
        None => Block::new(),
    };
    let mut vars = Vars::default();
    vars.text("name", &to.name)
        .text("title", &instruction.title)
        .text("system", &instruction.system)
        .block("steps", Block::new().steps(&instruction.steps))
        .block("kb", kb);
    let spec = Spec {
        key: IdempotencyKey::new(
            to.user_id.clone(),
            NoticeKind::Instructions,
            &instruction.id,
            uuid::Uuid::new_v4().to_string(),
        ),
        user_id: Some(to.user_id.clone()),
        login: Some(to.login.clone()),
        to: to.addresses.iter().take(1).cloned().collect(),
        due_at: now,
        instructions_only: false,
        facts: Vec::new(),
    };
    c.build(spec, vars, now)
}

pub(super) fn alert(c: &Composer, alert: &Alert, now: DateTime<Utc>) -> Notice {
    // Facts go out as fields too (Slack blocks, Adaptive Card facts): cleaned the same way.
    let facts: Vec<(String, String)> = alert
        .facts
        .iter()
        .map(|(label, value)| (clean_text(label), clean_text(value)))
        .collect();
    let lines: Vec<String> = facts.iter().map(|(l, v)| format!("{l}: {v}")).collect();
    let mut vars = Vars::default();
    vars.text("name", &c.settings.desk_name)
        .text("title", &alert.title)
        .block("facts", Block::new().list(&lines));
    let spec = Spec {
        key: IdempotencyKey::new(DESK, NoticeKind::Alert, alert.kind.as_str(), &alert.about),
        user_id: alert.user_id.clone(),
        login: alert.login.clone(),
        to: Vec::new(),
        due_at: now,
        instructions_only: false,
        facts,
    };
    c.build(spec, vars, now)
}
