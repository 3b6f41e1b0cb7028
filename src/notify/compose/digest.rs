//! The contractor digest to a manager: who ends when, how many more, how to extend.

use chrono::{DateTime, Utc};

use super::Composer;
use super::build::{Spec, instructions_block};
use super::render::{Block, Vars};
use crate::notify::{IdempotencyKey, Notice, NoticeKind, Problem, Recipient};
use crate::policy::schedule::Digest;

pub(super) fn notice(
    c: &Composer,
    digest: &Digest,
    manager: &Recipient,
    now: DateTime<Utc>,
) -> Notice {
    // The day `digests_on` computed it for (each line's end minus its days left), which is
    // the key's cycle and what an *Understood* answer names; the send time's day in the
    // composer's zone only for an empty digest.
    let date = digest
        .listed
        .first()
        .map(|l| l.ends_on - chrono::Duration::days(i64::from(l.days_left)))
        .unwrap_or_else(|| digest.send_at.with_timezone(&c.zone).date_naive());
    let lines: Vec<String> = digest
        .listed
        .iter()
        .map(|l| {
            let left = match l.days_left {
                1 => "1 day left".to_string(),
                n => format!("{n} days left"),
            };
            format!("{}: ends {} ({left})", l.login, c.day(l.ends_on))
        })
        .collect();
    let more = match digest.more {
        0 => Block::new(),
        n => Block::new().paragraph(&format!(
            "and {n} more (see the contractors pane in accessdesk or ask {})",
            c.settings.desk_name
        )),
    };
    let how = [Problem::ContractExtend, Problem::ContractTerminate]
        .into_iter()
        .flat_map(|p| c.instructions_for(p))
        .collect::<Vec<_>>();
    let mut vars = Vars::default();
    vars.text("name", &manager.name)
        .text("date", date.format("%Y-%m-%d").to_string())
        .block("contractors", Block::new().list(&lines))
        .block("more", more)
        .block("how_to", instructions_block(&how));
    let spec = Spec {
        key: IdempotencyKey::new(
            digest.manager_id.clone(),
            NoticeKind::ContractorDigest,
            "",
            date.format("%Y-%m-%d").to_string(),
        ),
        user_id: Some(digest.manager_id.clone()),
        login: Some(digest.manager_login.clone()),
        to: manager.addresses.iter().take(1).cloned().collect(),
        due_at: digest.send_at,
        instructions_only: false,
        facts: Vec::new(),
    };
    c.build(spec, vars, now)
}
