//! What happened to a lockout since it was logged, as its row says it: a handled mark from
//! this session ("✓ unlocked 12:01 by alice (audit #7)"), else what the IdP said about the user
//! when we last fetched them after the lockout ("still locked", "now ACTIVE"), else nothing —
//! the feed never claims a state it has not seen.

use chrono::{DateTime, Utc};
use std::collections::HashMap;

use crate::model::{Lockout, LockoutKind, User, UserStatus};
use crate::team::claims::Claim;
use crate::tui::handled::Handled;

/// A user's status as fetched at `at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownStatus {
    pub status: UserStatus,
    pub at: DateTime<Utc>,
}

/// The status of every user fetched this session, by id and by the key it was asked for.
#[derive(Debug, Clone, Default)]
pub struct KnownStatuses {
    by_key: HashMap<String, KnownStatus>,
    generation: u64,
}

impl KnownStatuses {
    /// `user` was fetched under `key` (an id or a login) at `at`.
    pub fn record(&mut self, key: &str, user: &User, at: DateTime<Utc>) {
        let known = KnownStatus {
            status: user.status.clone(),
            at,
        };
        for k in [key, user.id.as_str(), user.login.as_str()] {
            self.by_key.insert(k.to_lowercase(), known.clone());
        }
        self.generation += 1;
    }

    /// What is known of this lockout's user (by id, else login).
    pub fn get(&self, lockout: &Lockout) -> Option<&KnownStatus> {
        lockout
            .user_id
            .as_deref()
            .and_then(|id| self.by_key.get(&id.to_lowercase()))
            .or_else(|| self.by_key.get(&lockout.login.to_lowercase()))
    }

    /// Changes with every status recorded.
    pub fn generation(&self) -> u64 {
        self.generation
    }
}

/// What a lockout's row says happened since.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowMark<'a> {
    /// Something was done about the user after this lockout.
    Handled(&'a Handled),
    /// Fetched after the lockout, the user was (still) LOCKED_OUT.
    StillLocked { checked: DateTime<Utc> },
    /// Fetched after a lock of new devices only, the user was ACTIVE as that lock leaves
    /// them: devices Okta does not know are still refused.
    NewDevicesLocked { checked: DateTime<Utc> },
    /// Fetched after the lockout, the user was no longer locked (unlocked elsewhere, or by the
    /// policy's auto-unlock).
    NowStatus {
        status: &'a UserStatus,
        checked: DateTime<Utc>,
    },
    /// Team mode: a colleague has claimed the user and is on the call now.
    OnCall(&'a Claim),
    /// Nothing known since the lockout.
    Unknown,
}

impl<'a> RowMark<'a> {
    /// Only what happened after the lockout counts for it.
    pub fn of(
        lockout: &Lockout,
        handled: Option<&'a Handled>,
        known: Option<&'a KnownStatus>,
    ) -> RowMark<'a> {
        if let Some(mark) = handled.filter(|h| h.at >= lockout.published) {
            return RowMark::Handled(mark);
        }
        match known.filter(|k| k.at >= lockout.published) {
            Some(k) if k.status == UserStatus::LockedOut => RowMark::StillLocked { checked: k.at },
            Some(k)
                if k.status == UserStatus::Active
                    && lockout.kind == LockoutKind::LockedFromNewDevices =>
            {
                RowMark::NewDevicesLocked { checked: k.at }
            }
            Some(k) => RowMark::NowStatus {
                status: &k.status,
                checked: k.at,
            },
            None => RowMark::Unknown,
        }
    }

    /// The cell's text; `short` for narrow screens. Empty when nothing is known.
    pub fn text(&self, short: bool) -> String {
        match self {
            RowMark::Handled(mark) => mark.label(short),
            RowMark::StillLocked { .. } => "still locked".to_string(),
            RowMark::NewDevicesLocked { .. } if short => "new devices locked".to_string(),
            RowMark::NewDevicesLocked { .. } => "ACTIVE, new devices locked".to_string(),
            RowMark::NowStatus { status, .. } => format!("now {}", status.as_str()),
            RowMark::OnCall(claim) if short => format!("☎ {}", claim.agent),
            RowMark::OnCall(claim) => format!(
                "☎ {} on the call since {}",
                claim.agent,
                claim.claimed_at.format("%H:%M")
            ),
            RowMark::Unknown => String::new(),
        }
    }

    /// Settled lockouts leave the table under "still locked only": something was done since,
    /// or the user is known to be unlocked. A failed try settles nothing.
    pub fn settled(&self) -> bool {
        match self {
            RowMark::Handled(mark) => mark.settles(),
            RowMark::NowStatus { status, .. } => **status != UserStatus::LockedOut,
            RowMark::StillLocked { .. }
            | RowMark::NewDevicesLocked { .. }
            | RowMark::OnCall(_)
            | RowMark::Unknown => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Action, LockoutKind};
    use crate::tui::handled::HandledKind;
    use chrono::{TimeDelta, TimeZone};

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 12, minute, 0).unwrap()
    }

    fn lockout(minute: u32) -> Lockout {
        Lockout {
            uuid: "u1".into(),
            published: at(minute),
            detected_at: at(minute),
            kind: LockoutKind::AccountLocked,
            event_type: "user.account.lock".into(),
            reason: "Max sign in attempts exceeded".into(),
            user_id: Some("00uA".into()),
            login: "Ada@example.com".into(),
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

    fn handled(kind: HandledKind, minute: u32) -> Handled {
        Handled {
            kind,
            at: at(minute),
            agent: "alice".into(),
            audit_seq: Some(7),
        }
    }

    fn known(status: UserStatus, minute: u32) -> KnownStatus {
        KnownStatus {
            status,
            at: at(minute),
        }
    }

    #[test]
    fn a_mark_after_the_lockout_wins_and_one_before_it_does_not_count() {
        let unlocked = handled(HandledKind::Unlocked, 5);
        let mark = RowMark::of(&lockout(4), Some(&unlocked), None);
        assert_eq!(mark.text(false), "✓ unlocked 12:05 by alice (audit #7)");
        assert!(mark.settled());
        assert_eq!(
            RowMark::of(&lockout(6), Some(&unlocked), None),
            RowMark::Unknown
        );
        assert_eq!(
            RowMark::of(&lockout(6), Some(&unlocked), None).text(true),
            ""
        );
    }

    #[test]
    fn still_locked_only_when_a_fetch_after_the_lockout_said_so() {
        let locked = known(UserStatus::LockedOut, 5);
        let mark = RowMark::of(&lockout(4), None, Some(&locked));
        assert_eq!(mark.text(true), "still locked");
        assert!(!mark.settled());
        assert_eq!(
            RowMark::of(&lockout(6), None, Some(&locked)),
            RowMark::Unknown
        );
        let active = known(UserStatus::Active, 5);
        let mark = RowMark::of(&lockout(4), None, Some(&active));
        assert_eq!(mark.text(false), "now ACTIVE");
        assert!(mark.settled());
    }

    #[test]
    fn a_failed_try_shows_but_settles_nothing_and_beats_an_older_fetch() {
        let failed = handled(HandledKind::Failed(Action::Unlock), 6);
        let locked = known(UserStatus::LockedOut, 5);
        let mark = RowMark::of(&lockout(4), Some(&failed), Some(&locked));
        assert_eq!(mark.text(true), "✗ unlock failed");
        assert!(!mark.settled());
    }

    #[test]
    fn statuses_are_found_by_id_or_login_in_any_case() {
        let mut statuses = KnownStatuses::default();
        let user = User::sample("00uA", "ada@example.com", UserStatus::LockedOut);
        statuses.record("00uA", &user, at(5) + TimeDelta::seconds(1));
        assert!(statuses.get(&lockout(4)).is_some());
        let mut by_login = lockout(4);
        by_login.user_id = None;
        assert!(statuses.get(&by_login).is_some());
        assert_eq!(statuses.generation(), 1);
    }
}
