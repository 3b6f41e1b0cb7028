//! The notices after an agent's action: once an unlock, password reset or MFA reset has
//! succeeded (and is in the audit log), the user hears of it on every address of record and,
//! for an MFA reset, so does their manager — each notice naming what was done, when, by which
//! desk, with *This wasn't me*. They are queued in the outbox, which `watch` delivers.
//!
//! Queueing comes after the action and can never undo or hold it up: whatever goes wrong here
//! (no address on record, no manager, the outbox unusable) is reported to the agent, who can
//! tell the user another way.

use chrono::{DateTime, Utc};

use super::action_runner::ActionOutcome;
use super::notice_desk::NoticeDesk;
use crate::idp::Directory;
use crate::model::{ActionKind, Factor, User};
use crate::notify::compose::ActionDone;
use crate::notify::{Notice, NoticeKind, Recipient, mask_address};
use crate::outbox::Enqueued;
use crate::policy::gate::Verified;

/// One notice in the outbox after the action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedNotice {
    pub kind: NoticeKind,
    /// Whom it is to (the user, or the manager).
    pub login: String,
    pub to: Vec<String>,
    /// The same notice was already queued (the action's record was notified before).
    pub already: bool,
}

/// What was queued after an action, and what could not be.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoticeReport {
    pub queued: Vec<QueuedNotice>,
    /// Sentences for the agent: why a notice is missing.
    pub problems: Vec<String>,
}

impl NoticeReport {
    fn problem(text: impl Into<String>) -> NoticeReport {
        NoticeReport {
            queued: Vec::new(),
            problems: vec![text.into()],
        }
    }

    /// "notice queued to d…@example.com, d…@example.org and the manager m…@example.com"
    /// (addresses masked), or None when nothing was queued.
    pub fn summary(&self) -> Option<String> {
        let addresses = |n: &QueuedNotice| {
            n.to.iter()
                .map(|a| mask_address(a))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let user = self
            .queued
            .iter()
            .find(|n| n.kind == NoticeKind::ActionNotice);
        let manager = self
            .queued
            .iter()
            .find(|n| n.kind == NoticeKind::ManagerActionNotice);
        let text = match (user, manager) {
            (Some(u), Some(m)) => format!(
                "notice queued to {} and the manager {}",
                addresses(u),
                addresses(m)
            ),
            (Some(u), None) => format!("notice queued to {}", addresses(u)),
            (None, Some(m)) => format!("notice queued to the manager {}", addresses(m)),
            (None, None) => return None,
        };
        let again = self.queued.iter().all(|n| n.already);
        Some(if again {
            format!("{text} (already queued before)")
        } else {
            text
        })
    }

    /// The summary and the problems, as one line for the dashboard's status line.
    pub fn one_line(&self) -> String {
        let mut parts: Vec<String> = self.summary().into_iter().collect();
        parts.extend(self.problems.iter().map(|p| format!("NO NOTICE: {p}")));
        parts.join("; ")
    }
}

/// What the notices say about the action: None when it did not succeed (a failed or partial
/// action is the agent's to explain), an error when it did but has no audit record (the
/// record's number is what makes the notice one of a kind).
pub fn action_done(
    verified: &Verified,
    outcome: &ActionOutcome,
) -> Option<Result<ActionDone, String>> {
    outcome.result.as_ref().ok()?;
    Some(match &outcome.audit {
        Ok(record) => Ok(ActionDone {
            action: verified.action().clone(),
            audit_seq: record.seq,
            at: record.entry.time,
            factors_removed: outcome.removed.iter().map(Factor::describe).collect(),
            ticket: verified.ticket().map(str::to_string),
        }),
        Err(_) => Err(
            "the action is not in the audit log, so no notice could be tied to it: tell the user"
                .into(),
        ),
    })
}

/// Queue the notices after `outcome` (nothing when the action did not succeed).
pub async fn after_action<D: Directory>(
    directory: &D,
    desk: &NoticeDesk,
    verified: &Verified,
    outcome: &ActionOutcome,
    now: DateTime<Utc>,
) -> NoticeReport {
    let done = match action_done(verified, outcome) {
        None => return NoticeReport::default(),
        Some(Err(why)) => return NoticeReport::problem(why),
        Some(Ok(done)) => done,
    };
    let user = match &outcome.user_after {
        Some(user) => user.clone(),
        None => match directory.get_user(&verified.target().user_id).await {
            Ok(user) => user,
            Err(e) => {
                return NoticeReport::problem(format!(
                    "the user's addresses could not be read ({e}): tell them another way"
                ));
            }
        },
    };
    let manager = if done.action.kind() == ActionKind::ResetFactors {
        Some(manager_of(directory, &user).await)
    } else {
        None
    };
    queue(desk, &done, &user, manager, now).await
}

/// The manager on record, or why there is none to tell.
async fn manager_of<D: Directory>(directory: &D, user: &User) -> Result<User, String> {
    let Some(id) = user.manager_id.as_deref().filter(|id| !id.is_empty()) else {
        return Err(format!(
            "{} has no manager on record: no manager notice",
            user.login
        ));
    };
    directory
        .get_user(id)
        .await
        .map_err(|e| format!("the manager could not be read ({e}): no manager notice"))
}

/// Compose the user's (and the manager's) notice and write them to the outbox.
async fn queue(
    desk: &NoticeDesk,
    done: &ActionDone,
    user: &User,
    manager: Option<Result<User, String>>,
    now: DateTime<Utc>,
) -> NoticeReport {
    let mut report = NoticeReport::default();
    let composer = match desk.composer() {
        Ok(c) => c,
        Err(e) => return NoticeReport::problem(format!("notices cannot be composed: {e}")),
    };
    let mut notices: Vec<Notice> = Vec::new();
    let to_user = match Recipient::from_user(user, true) {
        Some(to) => {
            notices.push(composer.action_notice(done, &to, now));
            to
        }
        None => {
            report.problems.push(format!(
                "{} has no e-mail address on record: no notice",
                user.login
            ));
            // The manager's notice still names them.
            Recipient {
                user_id: user.id.clone(),
                login: user.login.clone(),
                name: user.name(),
                addresses: Vec::new(),
            }
        }
    };
    match manager {
        None => {}
        Some(Err(why)) => report.problems.push(why),
        Some(Ok(manager)) => match Recipient::from_user(&manager, false) {
            Some(to_manager) => {
                notices.push(composer.manager_action_notice(done, &to_user, &to_manager, now));
            }
            None => report.problems.push(format!(
                "the manager {} has no e-mail address on record: no manager notice",
                manager.login
            )),
        },
    }
    if notices.is_empty() {
        return report;
    }
    let desk = desk.clone();
    let written = tokio::task::spawn_blocking(move || enqueue_all(&desk, notices, now)).await;
    match written {
        Ok(Ok(queued)) => report.queued = queued,
        Ok(Err(e)) => report.problems.push(e),
        Err(e) => report
            .problems
            .push(format!("the outbox writer stopped: {e}")),
    }
    report
}

/// Write the notices in one go (each is a no-op when its key is already there).
pub fn enqueue_all(
    desk: &NoticeDesk,
    notices: Vec<Notice>,
    now: DateTime<Utc>,
) -> Result<Vec<QueuedNotice>, String> {
    let mut outbox = desk
        .open_outbox()
        .map_err(|e| format!("the outbox cannot be opened: {e}"))?;
    let mut queued = Vec::new();
    for notice in notices {
        let written = outbox
            .enqueue(&notice, now)
            .map_err(|e| format!("the notice was not queued: {e}"))?;
        queued.push(QueuedNotice {
            kind: notice.kind,
            login: notice.login.clone().unwrap_or_default(),
            to: notice.to.clone(),
            already: matches!(written, Enqueued::Exists(_)),
        });
    }
    Ok(queued)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queued(kind: NoticeKind, to: &[&str], already: bool) -> QueuedNotice {
        QueuedNotice {
            kind,
            login: "x".into(),
            to: to.iter().map(|s| s.to_string()).collect(),
            already,
        }
    }

    #[test]
    fn the_summary_names_every_address_masked() {
        let report = NoticeReport {
            queued: vec![
                queued(
                    NoticeKind::ActionNotice,
                    &["dana.kim@example.com", "dana@home.example.org"],
                    false,
                ),
                queued(
                    NoticeKind::ManagerActionNotice,
                    &["ana.lee@example.com"],
                    false,
                ),
            ],
            problems: Vec::new(),
        };
        assert_eq!(
            report.summary().unwrap(),
            "notice queued to d…@example.com, d…@home.example.org and the manager a…@example.com"
        );
        let again = NoticeReport {
            queued: vec![queued(NoticeKind::ActionNotice, &["a@b.c"], true)],
            problems: vec!["the manager could not be read".into()],
        };
        assert_eq!(
            again.one_line(),
            "notice queued to a…@b.c (already queued before); NO NOTICE: the manager could not be read"
        );
        assert_eq!(NoticeReport::default().summary(), None);
        assert_eq!(NoticeReport::default().one_line(), "");
    }
}
