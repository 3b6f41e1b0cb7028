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
    /// The first successful poll of the day: the summary covers the day from then.
    #[serde(default)]
    since: Option<DateTime<Utc>>,
}

/// Add `n` lockouts (after each successful poll, none included) to the count of the day `now`
/// falls on; the first poll of a day starts its record.
pub fn count_lockouts(
    shared: &WatchShared,
    n: usize,
    now: DateTime<Utc>,
) -> Result<(), OutboxError> {
    let date = local_date(now, shared.rules.zone);
    let mut outbox = shared.outbox();
    let recorded = outbox
        .load_state(LOCKOUTS_TODAY_STATE)?
        .and_then(|json| serde_json::from_str::<DayCount>(&json).ok())
        .filter(|d| d.date == date);
    if n == 0 && recorded.is_some() {
        return Ok(());
    }
    let mut day = recorded.unwrap_or(DayCount {
        date,
        count: 0,
        since: Some(now),
    });
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
    let (day, sent, failed) = {
        let outbox = shared.outbox();
        // A day `watch` never polled on has nothing true to summarise.
        let Some(day) = outbox
            .load_state(LOCKOUTS_TODAY_STATE)?
            .and_then(|json| serde_json::from_str::<DayCount>(&json).ok())
            .filter(|d| d.date == date)
        else {
            return Ok(None);
        };
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
        (day, sent, failed)
    };
    let mut facts = vec![
        ("Lockouts seen".into(), day.count.to_string()),
        ("Notices sent".into(), sent.to_string()),
        ("Notices failed".into(), failed.to_string()),
    ];
    if let Some(since) = day.since {
        let local = since.with_timezone(&zone);
        facts.push((
            "Watching since".into(),
            local.format("%Y-%m-%d %H:%M %Z").to_string(),
        ));
    }
    let alert = Alert {
        kind: AlertKind::DailySummary,
        about: date.to_string(),
        title: format!("Daily summary for {date}"),
        user_id: None,
        login: None,
        facts,
    };
    Ok(Some(shared.composer.alert(&alert, now)))
}
