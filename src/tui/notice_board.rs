//! What the outbox says, as the dashboard shows it: queued and failed counts (status bar),
//! the lockout notices to the users on screen and how many more today's cap allows (detail
//! pane), and the *This wasn't me* reports (feed marker, detail pane). A background task reads
//! it every few seconds ([`read`]) and sends it as a `Msg`; drawing only reads the copy.

use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;

use crate::model::Lockout;
use crate::notify::NoticeKind;
use crate::outbox::{AnswerRecord, OutboxCounts, OutboxError, OutboxState};

/// How far back *This wasn't me* reports are shown.
pub const NOT_ME_WINDOW_DAYS: i64 = 7;
/// How often the dashboard reads the outbox.
pub const READ_EVERY: std::time::Duration = std::time::Duration::from_secs(3);

/// One lockout notice to a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockoutNoticeSeen {
    /// The lockout event it is about (its key's cycle).
    pub lockout_uuid: String,
    pub state: OutboxState,
    /// When it went (sent), or is due to go (queued), or was given up (failed).
    pub at: DateTime<Utc>,
}

/// The notices to one user that the detail pane shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserNotices {
    pub lockout_notices: Vec<LockoutNoticeSeen>,
    /// Lockout notices in the 24 hours before the read (the cap's count).
    pub last_24h: u32,
}

/// One read of the outbox.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboxSnapshot {
    pub read_at: DateTime<Utc>,
    pub counts: OutboxCounts,
    /// By user id: the users on screen when it was read.
    pub users: HashMap<String, UserNotices>,
    /// *This wasn't me* reports of the last [`NOT_ME_WINDOW_DAYS`], newest first.
    pub not_me: Vec<AnswerRecord>,
}

/// Read the outbox at `path` for these users (a blocking call: SQLite).
pub fn read(
    outbox_at: &crate::outbox::OutboxLocation,
    user_ids: &[String],
    now: DateTime<Utc>,
) -> Result<OutboxSnapshot, OutboxError> {
    let outbox = outbox_at.open()?;
    let day_ago = now - Duration::hours(24);
    let mut users = HashMap::new();
    for id in user_ids {
        let items = outbox.for_user(id, Some(NoticeKind::LockoutNotice), day_ago)?;
        let lockout_notices = items
            .iter()
            .map(|item| LockoutNoticeSeen {
                lockout_uuid: item.notice.key.cycle.clone(),
                state: item.state,
                at: item.sent_at.unwrap_or(item.next_attempt_at),
            })
            .collect();
        let last_24h = outbox.lockout_notice_times(id, day_ago)?.len();
        users.insert(
            id.clone(),
            UserNotices {
                lockout_notices,
                last_24h: u32::try_from(last_24h).unwrap_or(u32::MAX),
            },
        );
    }
    Ok(OutboxSnapshot {
        read_at: now,
        counts: outbox.counts()?,
        users,
        not_me: outbox.not_me_reports(now - Duration::days(NOT_ME_WINDOW_DAYS))?,
    })
}

/// The dashboard's copy of the outbox: the latest read, or why it failed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoticeBoard {
    snapshot: Option<OutboxSnapshot>,
    error: Option<String>,
}

/// Whether and when a lockout's user heard of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notified {
    /// No read of the outbox yet (or this user was not on screen when it was read).
    Unknown,
    Sent(DateTime<Utc>),
    Queued(DateTime<Utc>),
    Failed(DateTime<Utc>),
    /// No notice for this lockout (yet: `watch` may still send one).
    No,
}

impl NoticeBoard {
    pub fn loaded(&mut self, result: Result<OutboxSnapshot, String>) {
        match result {
            Ok(snapshot) => {
                self.snapshot = Some(snapshot);
                self.error = None;
            }
            Err(e) => self.error = Some(e),
        }
    }

    pub fn snapshot(&self) -> Option<&OutboxSnapshot> {
        self.snapshot.as_ref()
    }

    /// Why the last read failed (the older snapshot stays shown).
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The lockout notice about this lockout, if any.
    pub fn notified(&self, lockout: &Lockout) -> Notified {
        let Some(notices) = self.user_notices(lockout) else {
            return Notified::Unknown;
        };
        match notices
            .lockout_notices
            .iter()
            .find(|n| n.lockout_uuid == lockout.uuid)
        {
            Some(n) => match n.state {
                OutboxState::Sent => Notified::Sent(n.at),
                OutboxState::Queued => Notified::Queued(n.at),
                OutboxState::Failed => Notified::Failed(n.at),
            },
            None => Notified::No,
        }
    }

    /// How many more lockout notices the cap allows this user in the 24 hours to come.
    pub fn left_today(&self, lockout: &Lockout, cap: u32) -> Option<u32> {
        self.user_notices(lockout)
            .map(|n| cap.saturating_sub(n.last_24h))
    }

    fn user_notices(&self, lockout: &Lockout) -> Option<&UserNotices> {
        let id = lockout.user_id.as_deref()?;
        self.snapshot.as_ref()?.users.get(id)
    }

    /// The newest *This wasn't me* report by this user, if any.
    pub fn not_me(&self, user_id: Option<&str>) -> Option<&AnswerRecord> {
        let id = user_id?;
        self.snapshot
            .as_ref()?
            .not_me
            .iter()
            .find(|r| r.user_id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::{AnswerChoice, IdempotencyKey};

    fn lockout(uuid: &str, user: &str) -> Lockout {
        let at = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap();
        Lockout {
            uuid: uuid.into(),
            published: at,
            detected_at: at,
            kind: crate::model::LockoutKind::AccountLocked,
            event_type: "user.account.lock".into(),
            reason: "Max sign in attempts exceeded".into(),
            user_id: Some(user.into()),
            login: "dana.kim@example.com".into(),
            display_name: None,
            ip: None,
            city: None,
            state: None,
            country: None,
            browser: None,
            os: None,
            raw_user_agent: None,
            request_id: None,
        }
    }

    #[test]
    fn a_lockout_is_notified_by_its_own_notice_and_the_cap_counts_the_day() {
        let t = |m: i64| DateTime::<Utc>::from_timestamp(1_800_000_000 + m * 60, 0).unwrap();
        let mut board = NoticeBoard::default();
        assert_eq!(board.notified(&lockout("e1", "u1")), Notified::Unknown);
        let notices = UserNotices {
            lockout_notices: vec![LockoutNoticeSeen {
                lockout_uuid: "e1".into(),
                state: OutboxState::Sent,
                at: t(1),
            }],
            last_24h: 3,
        };
        board.loaded(Ok(OutboxSnapshot {
            read_at: t(2),
            users: HashMap::from([("u1".to_string(), notices)]),
            not_me: vec![AnswerRecord {
                at: t(3),
                key: IdempotencyKey::new("u1", NoticeKind::LockoutNotice, "", "e1"),
                choice: AnswerChoice::NotMe,
                user_id: "u1".into(),
            }],
            ..OutboxSnapshot::default()
        }));
        assert_eq!(board.notified(&lockout("e1", "u1")), Notified::Sent(t(1)));
        assert_eq!(board.notified(&lockout("e2", "u1")), Notified::No);
        assert_eq!(board.left_today(&lockout("e2", "u1"), 4), Some(1));
        assert_eq!(board.left_today(&lockout("e2", "u1"), 2), Some(0));
        assert_eq!(board.left_today(&lockout("e9", "u2"), 4), None);
        assert_eq!(board.not_me(Some("u1")).unwrap().at, t(3));
        assert!(board.not_me(Some("u2")).is_none());
        board.loaded(Err("locked".into()));
        assert_eq!(board.error(), Some("locked"));
        assert!(board.snapshot().is_some(), "the older read stays shown");
    }
}
