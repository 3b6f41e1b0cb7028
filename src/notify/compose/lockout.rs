//! The lockout notice: when and where the account was locked, how to unlock it yourself.

use chrono::{DateTime, Utc};

use super::Composer;
use super::build::{Spec, instructions_block};
use super::render::{Block, Vars};
use crate::model::{Lockout, LockoutKind};

/// What a lock of new devices only means for the user, said before how to unlock.
pub(crate) const NEW_DEVICES_ONLY: &str = "Only new devices are locked: you can still sign in from a computer or phone you have used before.";
use crate::notify::{IdempotencyKey, Notice, NoticeKind, Problem, Recipient};

pub(super) fn notice(
    c: &Composer,
    lockout: &Lockout,
    to: &Recipient,
    now: DateTime<Utc>,
) -> Notice {
    let user = lockout
        .user_id
        .clone()
        .unwrap_or_else(|| to.user_id.clone());
    let mut details = vec![format!("When: {}", c.when(lockout.published))];
    if let Some(place) = lockout.location() {
        details.push(format!("Where: {place}"));
    }
    if let Some(ip) = lockout.ip.as_deref().filter(|ip| !ip.is_empty()) {
        details.push(format!("IP address: {ip}"));
    }
    if let Some(client) = lockout.client().filter(|c| !c.is_empty()) {
        details.push(format!("Device: {client}"));
    }
    let mut unlock = Block::new();
    if lockout.kind == LockoutKind::LockedFromNewDevices {
        // Okta locked out only devices it does not know: the user's own still sign in.
        unlock = unlock.paragraph(NEW_DEVICES_ONLY);
    }
    if let Some(url) = &c.settings.self_service_url {
        unlock = unlock
            .paragraph("You can unlock your account yourself:")
            .link("Unlock my account", url.as_str());
    }
    unlock = unlock.append(instructions_block(&c.instructions_for(Problem::Unlock)));
    if unlock.is_empty() {
        unlock = unlock.paragraph(&format!(
            "To unlock it, contact {}: {}.",
            c.settings.desk_name, c.settings.desk_contact
        ));
    }
    let mut vars = Vars::default();
    vars.text("name", &to.name)
        .text("login", &lockout.login)
        .text("when", c.when(lockout.published))
        .block("details", Block::new().list(&details))
        .block("unlock", unlock);
    let spec = Spec {
        key: IdempotencyKey::new(user.clone(), NoticeKind::LockoutNotice, "", &lockout.uuid),
        user_id: Some(user),
        login: Some(lockout.login.clone()),
        to: to.addresses.iter().take(1).cloned().collect(),
        due_at: now,
        instructions_only: false,
        facts: Vec::new(),
    };
    c.build(spec, vars, now)
}
