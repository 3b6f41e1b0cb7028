//! What the schedules ask the outbox: what was sent to a user and how they answered. Answers
//! are single-use per notice (the answers table's key is the notice's key).

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, params};
use std::path::Path;

use super::rows::{corrupt, instant, millis, sqlite};
use super::store::LocalOutbox;
use super::{AnswerRecord, OutboxError};
use crate::notify::{AnswerChoice, IdempotencyKey, NoticeKind};
use crate::policy::schedule::{Answer, PasswordHistory, ReminderKind, SentReminder};

/// The kinds a password cycle is made of (the SQL's `?2, ?3`).
pub(super) const PASSWORD_KINDS: (NoticeKind, NoticeKind) =
    (NoticeKind::PasswordReminder, NoticeKind::PasswordExpired);

impl LocalOutbox {
    /// When lockout notices to `user_id` went (or are queued to go: their `due_at`), at or
    /// after `since`: the input of the cap and the gap.
    pub fn lockout_notice_times(
        &self,
        user_id: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>, OutboxError> {
        let path = &self.path;
        let sql = |e| sqlite(path, e);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT due_at FROM notices
                 WHERE key_user = ?1 AND kind = 'lockout_notice' AND state != 'failed'
                     AND due_at >= ?2
                 ORDER BY due_at",
            )
            .map_err(sql)?;
        let times = stmt
            .query_map(params![user_id, millis(since)], |r| r.get::<_, i64>(0))
            .map_err(sql)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(sql)?;
        instants(path, "due_at", times)
    }

    /// The reminder history of `user_id`'s newest password cycle: the reminders and expired
    /// notices queued or sent for it and the answers given to them.
    pub fn password_history(&self, user_id: &str) -> Result<PasswordHistory, OutboxError> {
        let path = &self.path;
        let sql = |e| sqlite(path, e);
        let notices: Vec<(String, String, String, i64, String)> = self
            .conn
            .prepare_cached(
                "SELECT kind, stage, cycle, due_at, notice FROM notices
                 WHERE key_user = ?1 AND kind IN (?2, ?3) AND state != 'failed'
                 ORDER BY due_at, id",
            )
            .map_err(sql)?
            .query_map(
                params![
                    user_id,
                    PASSWORD_KINDS.0.as_str(),
                    PASSWORD_KINDS.1.as_str()
                ],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .map_err(sql)?
            .collect::<rusqlite::Result<_>>()
            .map_err(sql)?;
        let answers: Vec<(String, String, i64)> = self
            .conn
            .prepare_cached(
                "SELECT cycle, choice, at FROM answers
                 WHERE key_user = ?1 AND kind IN (?2, ?3)
                 ORDER BY at, rowid",
            )
            .map_err(sql)?
            .query_map(
                params![
                    user_id,
                    PASSWORD_KINDS.0.as_str(),
                    PASSWORD_KINDS.1.as_str()
                ],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(sql)?
            .collect::<rusqlite::Result<_>>()
            .map_err(sql)?;
        password_history_from(path, &notices, &answers)
    }

    /// (manager id, digest date) pairs a manager answered *Understood*.
    pub fn digest_answers(&self) -> Result<Vec<(String, NaiveDate)>, OutboxError> {
        let path = &self.path;
        let sql = |e| sqlite(path, e);
        let raw: Vec<(String, String)> = self
            .conn
            .prepare_cached(
                "SELECT key_user, cycle FROM answers
                 WHERE kind = 'contractor_digest' AND choice = 'understood'
                 ORDER BY cycle, key_user",
            )
            .map_err(sql)?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(sql)?
            .collect::<rusqlite::Result<_>>()
            .map_err(sql)?;
        digest_answers_from(path, raw)
    }

    /// Record an answer: true when written, false when that notice was already answered (a
    /// link is single-use: one answer per notice).
    pub fn record_answer(&mut self, answer: &AnswerRecord) -> Result<bool, OutboxError> {
        let written = self
            .conn
            .execute(
                "INSERT OR IGNORE INTO answers (key, key_user, kind, cycle, choice, user_id, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    answer.key.as_string(),
                    answer.key.user,
                    answer.key.kind.as_str(),
                    answer.key.cycle,
                    answer.choice.as_str(),
                    answer.user_id,
                    millis(answer.at),
                ],
            )
            .map_err(|e| sqlite(&self.path, e))?;
        Ok(written == 1)
    }

    /// The answer given to a notice, if any.
    pub fn answer_to(&self, key: &IdempotencyKey) -> Result<Option<AnswerRecord>, OutboxError> {
        let raw = self
            .conn
            .query_row(
                "SELECT key, choice, user_id, at FROM answers WHERE key = ?1",
                [key.as_string()],
                raw_answer,
            )
            .optional()
            .map_err(|e| sqlite(&self.path, e))?;
        raw.map(|r| answer_record(&self.path, r)).transpose()
    }

    /// *This wasn't me* reports at or after `since`, newest first.
    pub fn not_me_reports(&self, since: DateTime<Utc>) -> Result<Vec<AnswerRecord>, OutboxError> {
        let path = &self.path;
        let sql = |e| sqlite(path, e);
        let raws = self
            .conn
            .prepare_cached(
                "SELECT key, choice, user_id, at FROM answers
                 WHERE choice = 'not_me' AND at >= ?1 ORDER BY at DESC, key",
            )
            .map_err(sql)?
            .query_map([millis(since)], raw_answer)
            .map_err(sql)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(sql)?;
        raws.into_iter().map(|r| answer_record(path, r)).collect()
    }
}

/// An answer as both stores read it: `(key, choice, user_id, at)`.
pub(super) fn answer_record(path: &Path, raw: RawAnswer) -> Result<AnswerRecord, OutboxError> {
    let (key, choice, user_id, at) = raw;
    Ok(AnswerRecord {
        at: instant(at).ok_or_else(|| corrupt(path, "answer at", at.to_string()))?,
        key: IdempotencyKey::parse(&key).ok_or_else(|| corrupt(path, "answer key", key.clone()))?,
        choice: AnswerChoice::from_name(&choice)
            .ok_or_else(|| corrupt(path, "answer choice", choice.clone()))?,
        user_id,
    })
}

/// (manager id, digest date) pairs from `(key_user, cycle)` rows.
pub(super) fn digest_answers_from(
    path: &Path,
    raw: Vec<(String, String)>,
) -> Result<Vec<(String, NaiveDate)>, OutboxError> {
    raw.into_iter()
        .map(|(manager, cycle)| {
            NaiveDate::parse_from_str(&cycle, "%Y-%m-%d")
                .map(|date| (manager, date))
                .map_err(|e| corrupt(path, "digest date", format!("{cycle:?}: {e}")))
        })
        .collect()
}

/// Instants in milliseconds, as both stores keep them.
pub(super) fn instants(
    path: &Path,
    what: &str,
    ms: Vec<i64>,
) -> Result<Vec<DateTime<Utc>>, OutboxError> {
    ms.into_iter()
        .map(|ms| instant(ms).ok_or_else(|| corrupt(path, what, ms.to_string())))
        .collect()
}

/// The reminder history of the newest password cycle, from the rows both stores read:
/// notices `(kind, stage, cycle, due_at, notice)` and answers `(cycle, choice, at)`, each
/// oldest first.
pub(super) fn password_history_from(
    path: &Path,
    notices: &[(String, String, String, i64, String)],
    answers: &[(String, String, i64)],
) -> Result<PasswordHistory, OutboxError> {
    // The newest cycle: the latest passwordChanged (an undated cycle is the oldest).
    let cycles = notices
        .iter()
        .map(|n| n.2.as_str())
        .chain(answers.iter().map(|a| a.0.as_str()));
    let Some(newest) = cycles.max_by_key(|c| (cycle_instant(c), c.to_string())) else {
        return Ok(PasswordHistory::default());
    };
    let newest = newest.to_string();

    let mut history = PasswordHistory {
        password_changed: cycle_instant(&newest),
        ..PasswordHistory::default()
    };
    for (kind, stage, _, due_at, json) in notices.iter().filter(|n| n.2 == newest) {
        let kind = if NoticeKind::from_name(kind) == Some(PASSWORD_KINDS.0) {
            ReminderKind::PasswordReminder
        } else {
            ReminderKind::PasswordExpired
        };
        let instructions_only = serde_json::from_str::<serde_json::Value>(json)
            .map_err(|e| corrupt(path, "notice", e.to_string()))?
            .get("instructions_only")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false);
        history.sent.push(SentReminder {
            at: instant(*due_at).ok_or_else(|| corrupt(path, "due_at", due_at.to_string()))?,
            kind,
            stage: stage.parse().ok(),
            instructions_only,
        });
    }
    for (_, choice, at) in answers.iter().filter(|a| a.0 == newest) {
        let at = instant(*at).ok_or_else(|| corrupt(path, "answer at", at.to_string()))?;
        let answer = match AnswerChoice::from_name(choice) {
            Some(AnswerChoice::AlreadyUpdated) => Answer::AlreadyUpdated,
            Some(AnswerChoice::RemindLater) => Answer::RemindLater,
            Some(AnswerChoice::DoNotRemind) => Answer::DoNotRemind,
            Some(AnswerChoice::OpenTicket) => Answer::OpenTicket {
                ticket: "requested".into(),
            },
            // Not a password answer (a link of another kind cannot be signed for it).
            _ => continue,
        };
        history.answers.push((at, answer));
    }
    Ok(history)
}

pub(super) type RawAnswer = (String, String, String, i64);

fn raw_answer(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawAnswer> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
}

/// A password cycle's passwordChanged (RFC 3339); `None` for an undated cycle.
fn cycle_instant(cycle: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(cycle)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}
