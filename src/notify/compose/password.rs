//! Password reminders and the expired notice: how long is left, until when, how to change it.

use chrono::{DateTime, SecondsFormat, Utc};

use super::Composer;
use super::build::{Spec, instructions_block};
use super::render::{Block, Vars};
use crate::model::PasswordExpiryRow;
use crate::notify::{IdempotencyKey, Notice, NoticeKind, Problem, Recipient, ReminderStyle};
use crate::policy::schedule::{Due, ReminderKind};

/// A password cycle's name in the outbox key: its `passwordChanged`, RFC 3339 in UTC with
/// milliseconds ("" when unknown), which `Outbox::password_history` reads back.
pub fn password_cycle(password_changed: Option<DateTime<Utc>>) -> String {
    password_changed
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
        .unwrap_or_default()
}

pub(super) fn notice(
    c: &Composer,
    row: &PasswordExpiryRow,
    due: &Due,
    to: &Recipient,
    now: DateTime<Utc>,
) -> Notice {
    let expired = due.kind == ReminderKind::PasswordExpired;
    let kind = if expired {
        NoticeKind::PasswordExpired
    } else {
        NoticeKind::PasswordReminder
    };
    let stage = match (expired, due.stage) {
        (false, Some(stage)) => stage.to_string(),
        _ => String::new(),
    };
    let expires_on = row
        .expires_at
        .map(|e| c.day(e.with_timezone(&c.zone).date_naive()))
        .unwrap_or_else(|| "an unknown date".to_string());
    let days_left = row
        .days_left(due.send_at, c.zone)
        .or(due.stage.map(i64::from))
        .unwrap_or(0);
    let expires_in = match days_left {
        ..=0 => "today".to_string(),
        1 => "tomorrow".to_string(),
        n => format!("in {n} days"),
    };
    let instructions_only = !expired && c.settings.reminder_style == ReminderStyle::Instructions;
    let mut how = instructions_block(&c.instructions_for(Problem::Password));
    if let Some(url) = &c.settings.self_service_url {
        how = how.link("Self-service sign-in help", url.as_str());
    }
    if how.is_empty() {
        how = Block::new().paragraph(&format!(
            "Sign in and choose a new password when asked, or contact {}: {}.",
            c.settings.desk_name, c.settings.desk_contact
        ));
    }
    let mut vars = Vars::default();
    vars.text("name", &to.name)
        .text("login", &row.login)
        .text("expires_in", expires_in)
        .text("expires_on", expires_on.clone())
        .text("expired_on", expires_on)
        .block("how_to_change", how);
    let spec = Spec {
        key: IdempotencyKey::new(
            row.user_id.clone(),
            kind,
            stage,
            password_cycle(row.password_changed),
        ),
        user_id: Some(row.user_id.clone()),
        login: Some(row.login.clone()),
        to: to.addresses.iter().take(1).cloned().collect(),
        due_at: due.send_at,
        instructions_only,
        facts: Vec::new(),
    };
    c.build(spec, vars, now)
}
