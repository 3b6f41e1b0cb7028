//! The lockout feed. PingOne writes no "account locked" activity: the failed password check
//! that locks an account is a `PASSWORD.CHECK_FAILED` like any other, and the lock itself is
//! the user's `account.status`. So each poll reads the failed checks since the watermark,
//! reads every user they name, and reports each LOCKED one once, keyed by user and `lockedAt`.
//!
//! The position (`FeedPosition::Continue`) is a small JSON object: the watermark, trailing the
//! newest activity seen by 2 s so records persisted late are not missed (de-duplication
//! absorbs the overlap), and the users whose failures did not show them LOCKED yet, re-read
//! for 30 s because the lock may land after the activity.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::activities::queryable_since;
use super::client::PingOneClient;
use super::scan::filter_time;
use super::users::quote;
use super::wire::{WireActivity, WireUser};
use crate::idp::{FeedCursor, FeedPage, FeedPosition, IdpError};
use crate::model::{Lockout, LockoutKind};

/// The activity type of every failed password check, the locking one included.
pub const LOCKOUT_ACTION: &str = "PASSWORD.CHECK_FAILED";

/// How far the watermark trails the newest activity seen.
const OVERLAP: Duration = Duration::seconds(2);

/// How long after a failure its user is re-read, waiting for the lock to show.
const RECHECK_FOR: Duration = Duration::seconds(30);

/// Pages read in one poll; with more waiting the page says so and the poller comes back.
const MAX_PAGES: usize = 10;

/// What `FeedPosition::Continue` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct FeedState {
    after: DateTime<Utc>,
    #[serde(default)]
    recheck: BTreeMap<String, DateTime<Utc>>,
}

/// The id the feed de-duplicates on: `<userId>:<lockedAt, RFC 3339 millis, Z>`.
pub fn lockout_uuid(user_id: &str, locked_at: DateTime<Utc>) -> String {
    format!(
        "{user_id}:{}",
        locked_at.to_rfc3339_opts(SecondsFormat::Millis, true)
    )
}

impl PingOneClient {
    /// One poll of the lockout feed; `cursor` moves only when the whole poll succeeded.
    pub async fn poll_lockout_page(&self, cursor: &mut FeedCursor) -> Result<FeedPage, IdpError> {
        let mut state = match &cursor.position {
            FeedPosition::Since(t) => FeedState {
                after: *t,
                recheck: BTreeMap::new(),
            },
            FeedPosition::Continue(raw) => serde_json::from_str(raw).map_err(|e| {
                IdpError::Invalid(format!("the stored PingOne feed position is unusable: {e}"))
            })?,
        };
        let filter = format!(
            "recordedat gt {} and action.type eq {}",
            quote(&filter_time(queryable_since(state.after, Utc::now()))),
            quote(LOCKOUT_ACTION)
        );
        let mut url = self.activities_url(&filter, self.options.log_page_limit);
        let mut activities = Vec::new();
        let mut more = false;
        for page in 1.. {
            let (items, next) = self.activity_page(url).await?;
            activities.extend(items);
            match next {
                Some(_) if page >= MAX_PAGES => {
                    more = true;
                    break;
                }
                Some(next) => url = next,
                None => break,
            }
        }

        // The users the failures name, in the order they first failed, with their failures.
        let mut order: Vec<String> = Vec::new();
        let mut failures: HashMap<String, Vec<&WireActivity>> = HashMap::new();
        for a in &activities {
            for id in a.user_ids() {
                let list = failures.entry(id.to_string()).or_default();
                if list.is_empty() {
                    order.push(id.to_string());
                }
                list.push(a);
            }
        }
        let now = Utc::now();
        state.recheck.retain(|_, until| *until >= now);
        let rechecks: Vec<String> = state
            .recheck
            .keys()
            .filter(|id| !failures.contains_key(*id))
            .cloned()
            .collect();

        let detected_at = Utc::now();
        let mut found = Vec::new();
        for id in order.iter().chain(&rechecks) {
            let user = match self.get_json::<WireUser>(self.user_path(&[id])).await {
                Ok(answer) => answer.body,
                // Deleted since: nothing to report.
                Err(IdpError::Api { status: 404, .. }) => {
                    state.recheck.remove(id);
                    continue;
                }
                Err(e) => return Err(e),
            };
            let theirs = failures.get(id).map(Vec::as_slice).unwrap_or_default();
            if user.is_locked() {
                state.recheck.remove(id);
                found.extend(lockout(user, theirs, detected_at));
            } else if let Some(last) = theirs.last() {
                let until = last.recorded_at + RECHECK_FOR;
                if until >= now {
                    let entry = state.recheck.entry(id.clone()).or_insert(until);
                    *entry = (*entry).max(until);
                }
            }
        }

        // Everything was read: only now is anything marked seen and the position moved.
        let lockouts = found
            .into_iter()
            .filter(|l| cursor.seen.insert(&l.uuid))
            .collect();
        if let Some(newest) = activities.iter().map(|a| a.recorded_at).max() {
            let trailing = newest - OVERLAP;
            state.after = if trailing > state.after {
                trailing
            } else if more {
                // A backlog denser than the overlap: step just behind the newest seen, so the
                // rest of it (all at or after the newest, activities come oldest first) is next.
                state.after.max(newest - Duration::milliseconds(1))
            } else {
                state.after
            };
        }
        cursor.position = FeedPosition::Continue(
            serde_json::to_string(&state).expect("the feed state serializes"),
        );
        Ok(FeedPage { lockouts, more })
    }
}

/// The lockout of a LOCKED user, told by the failure that locked them: the one recorded at
/// `lockedAt`, else the last one before it, else their last one in this poll.
fn lockout(
    user: WireUser,
    failures: &[&WireActivity],
    detected_at: DateTime<Utc>,
) -> Option<Lockout> {
    let locked_at = user.account.as_ref().and_then(|a| a.locked_at);
    let trigger = match locked_at {
        Some(at) => failures
            .iter()
            .find(|a| a.recorded_at == at)
            .or_else(|| failures.iter().rev().find(|a| a.recorded_at <= at))
            .or(failures.last()),
        None => failures.last(),
    }
    .copied();
    // A user re-read with no failure in hand and no lockedAt cannot be dated: next time.
    let published = locked_at.or(trigger.map(|a| a.recorded_at))?;
    let source = trigger.and_then(|a| a.source.as_ref());
    let geo = source.and_then(|s| s.geo.as_ref());
    Some(Lockout {
        uuid: lockout_uuid(&user.id, published),
        published,
        detected_at,
        kind: LockoutKind::AccountLocked,
        event_type: LOCKOUT_ACTION.to_string(),
        reason: trigger
            .and_then(|a| a.result_description())
            .filter(|d| !d.is_empty())
            .unwrap_or("Account locked after failed password checks")
            .to_string(),
        display_name: user.display_name(),
        user_id: Some(user.id),
        login: user.username,
        ip: source.and_then(|s| s.ip_address.clone()),
        city: geo.and_then(|g| g.city.clone()),
        state: geo.and_then(|g| g.state.clone()),
        country: geo.and_then(|g| g.country.clone()),
        browser: None,
        os: None,
        raw_user_agent: source.and_then(|s| s.user_agent.clone()),
        request_id: trigger.and_then(|a| a.correlation_id.clone()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn failure(id: &str, at: &str, description: &str) -> WireActivity {
        serde_json::from_value(json!({
            "id": id, "recordedAt": at, "correlationId": format!("corr-{id}"),
            "action": {"type": "PASSWORD.CHECK_FAILED"},
            "resources": [{"type": "USER", "id": "u1", "name": "a@example.com"}],
            "result": {"status": "FAILED", "description": description},
            "source": {"ipAddress": "203.0.113.7", "userAgent": "curl/8",
                       "geo": {"city": "Oslo", "state": "Oslo", "country": "Norway"}}
        }))
        .unwrap()
    }

    fn locked_user(locked_at: Option<&str>) -> WireUser {
        let mut account = json!({"status": "LOCKED", "canAuthenticate": false});
        if let Some(at) = locked_at {
            account["lockedAt"] = at.into();
        }
        serde_json::from_value(json!({"id": "u1", "username": "a@example.com",
            "name": {"given": "A", "family": "B"}, "account": account}))
        .unwrap()
    }

    #[test]
    fn the_locking_failure_tells_the_lockout() {
        let first = failure("f1", "2026-11-20T15:00:00.100Z", "Invalid password");
        let lock = failure(
            "f2",
            "2026-11-20T15:00:01.250Z",
            "Account locked: too many failed passwords",
        );
        let after = failure("f3", "2026-11-20T15:00:09Z", "Account is locked");
        let l = lockout(
            locked_user(Some("2026-11-20T15:00:01.250Z")),
            &[&first, &lock, &after],
            Utc::now(),
        )
        .unwrap();
        assert_eq!(l.uuid, "u1:2026-11-20T15:00:01.250Z");
        assert_eq!(l.kind, LockoutKind::AccountLocked);
        assert_eq!(l.event_type, "PASSWORD.CHECK_FAILED");
        assert!(
            l.reason.contains("too many failed passwords"),
            "{}",
            l.reason
        );
        assert_eq!(l.request_id.as_deref(), Some("corr-f2"));
        assert_eq!(l.location().as_deref(), Some("Oslo, Norway"));
        assert_eq!(l.raw_user_agent.as_deref(), Some("curl/8"));
        assert_eq!(l.client().as_deref(), Some("curl/8"));
        assert_eq!(
            (l.login.as_str(), l.display_name.as_deref()),
            ("a@example.com", Some("A B"))
        );
    }

    #[test]
    fn without_locked_at_the_failure_dates_the_lockout() {
        let f = failure("f1", "2026-11-20T15:00:00.100Z", "Invalid password");
        let l = lockout(locked_user(None), &[&f], Utc::now()).unwrap();
        assert_eq!(l.uuid, "u1:2026-11-20T15:00:00.100Z");
        assert!(lockout(locked_user(None), &[], Utc::now()).is_none());
        // Re-read with no failure in hand but with lockedAt: reported with a plain reason.
        let l = lockout(locked_user(Some("2026-11-20T15:00:00Z")), &[], Utc::now()).unwrap();
        assert_eq!(l.reason, "Account locked after failed password checks");
        assert_eq!(l.request_id, None);
    }

    #[test]
    fn the_position_round_trips_as_the_brief_spells_it() {
        let state = FeedState {
            after: DateTime::parse_from_rfc3339("2026-11-20T15:00:00Z")
                .unwrap()
                .to_utc(),
            recheck: BTreeMap::from([(
                "u1".to_string(),
                DateTime::parse_from_rfc3339("2026-11-20T15:00:30Z")
                    .unwrap()
                    .to_utc(),
            )]),
        };
        let text = serde_json::to_string(&state).unwrap();
        assert_eq!(
            text,
            r#"{"after":"2026-11-20T15:00:00Z","recheck":{"u1":"2026-11-20T15:00:30Z"}}"#
        );
        assert_eq!(serde_json::from_str::<FeedState>(&text).unwrap(), state);
        let bare: FeedState = serde_json::from_str(r#"{"after":"2026-11-20T15:00:00Z"}"#).unwrap();
        assert!(bare.recheck.is_empty());
    }
}
