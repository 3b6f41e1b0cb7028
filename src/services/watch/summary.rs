//! The daily summary to the help-desk channel at `notices.daily_summary_at` (in the rules'
//! zone), once per day (the alert's key cycle is the date): lockouts seen that day and the
//! notices sent and failed.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::WatchShared;
use crate::notify::compose::{Alert, AlertKind};
use crate::notify::{IdempotencyKey, Notice, NoticeKind};
use crate::outbox::{OutboxError, OutboxState};
use crate::policy::schedule::{local_date, local_instant};

/// The outbox state holding the day's lockout count (kept across restarts).
pub const LOCKOUTS_TODAY_STATE: &str = "lockouts_seen_today";

/// How far back the summary looks through the outbox for the day's notices.
const SUMMARY_WINDOW: usize = 20_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct DayCount {
    date: NaiveDate,
    count: u64,
}

/// Add `n` lockouts to the count of the day `now` falls on.
pub fn count_lockouts(
    shared: &WatchShared,
    n: usize,
    now: DateTime<Utc>,
) -> Result<(), OutboxError> {
    if n == 0 {
        return Ok(());
    }
    let date = local_date(now, shared.rules.zone);
    let mut outbox = shared.outbox();
    let mut day = outbox
        .load_state(LOCKOUTS_TODAY_STATE)?
        .and_then(|json| serde_json::from_str::<DayCount>(&json).ok())
        .filter(|d| d.date == date)
        .unwrap_or(DayCount { date, count: 0 });
    day.count += n as u64;
    let json = serde_json::to_string(&day).unwrap_or_default();
    outbox.save_state(LOCKOUTS_TODAY_STATE, &json)
}

/// The summary of `date` once its time has come at `now` (none when turned off or not yet).
pub fn daily_summary(
    shared: &WatchShared,
    date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<Notice>, OutboxError> {
    let Some(at) = shared.composer.settings().daily_summary_at else {
        return Ok(None);
    };
    let zone = shared.rules.zone;
    if now < local_instant(date, at, zone) {
        return Ok(None);
    }
    let key = IdempotencyKey::new(
        "desk",
        NoticeKind::Alert,
        AlertKind::DailySummary.as_str(),
        date.to_string(),
    );
    if shared.outbox().get(&key)?.is_some() {
        return Ok(None);
    }
    let (lockouts, sent, failed) = {
        let outbox = shared.outbox();
        let lockouts = outbox
            .load_state(LOCKOUTS_TODAY_STATE)?
            .and_then(|json| serde_json::from_str::<DayCount>(&json).ok())
            .filter(|d| d.date == date)
            .map_or(0, |d| d.count);
        let recent = outbox.recent(SUMMARY_WINDOW)?;
        let on_date = |t: DateTime<Utc>| local_date(t, zone) == date;
        let sent = recent
            .iter()
            .filter(|i| i.state == OutboxState::Sent && i.sent_at.is_some_and(on_date))
            .count();
        let failed = recent
            .iter()
            .filter(|i| i.state == OutboxState::Failed && on_date(i.queued_at))
            .count();
        (lockouts, sent, failed)
    };
    let alert = Alert {
        kind: AlertKind::DailySummary,
        about: date.to_string(),
        title: format!("Daily summary for {date}"),
        user_id: None,
        login: None,
        facts: vec![
            ("Lockouts seen".into(), lockouts.to_string()),
            ("Notices sent".into(), sent.to_string()),
            ("Notices failed".into(), failed.to_string()),
        ],
    };
    Ok(Some(shared.composer.alert(&alert, now)))
}
