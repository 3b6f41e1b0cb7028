//! The desk's outbox in PostgreSQL (team mode): the same notices, answers and named state as
//! the SQLite file, shared by every agent and every `watch` replica, so a per-user cap counts
//! what anyone queued and a link answered through one replica is used up for all.
//!
//! Delivery takes due notices under a lease (`FOR UPDATE SKIP LOCKED`): two replicas never
//! take the same notice, and one that dies mid-send leaves it to another once the lease ends
//! (a repeat then carries the same Message-ID, as after a crash with the SQLite file).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;
use std::path::{Path, PathBuf};

use super::history::{
    PASSWORD_KINDS, RawAnswer, answer_record, digest_answers_from, instants, password_history_from,
};
use super::rows::{self, ITEM_COLUMNS, RawItem, millis};
use super::{
    AnswerRecord, Enqueued, OutboxCounts, OutboxError, OutboxItem, OutboxState, StateCount,
};
use crate::notify::{IdempotencyKey, Notice, NoticeKind};
use crate::policy::schedule::PasswordHistory;
use crate::team::{TeamDb, TeamError};

/// How long a `watch` holds the notices it took to deliver before another may take them.
const LEASE_MS: i64 = 120_000;

type ItemRow = (
    i64,
    String,
    String,
    i32,
    i64,
    i64,
    Option<i64>,
    Option<String>,
);

#[derive(Clone)]
pub struct TeamOutbox {
    db: TeamDb,
    /// The database, for messages (`user@host:port/db`, never the password).
    place: PathBuf,
    /// Who takes notices to deliver (for the lease): `agent@host (pid N)`.
    deliverer: String,
}

impl std::fmt::Debug for TeamOutbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TeamOutbox")
            .field("db", &self.place)
            .finish()
    }
}

impl TeamOutbox {
    pub fn new(db: TeamDb) -> TeamOutbox {
        let host = crate::team::host_name().unwrap_or_else(|| "this host".into());
        TeamOutbox {
            place: PathBuf::from(format!("{} (the desk's outbox)", db.describe())),
            deliverer: format!("{host} (pid {})", std::process::id()),
            db,
        }
    }

    pub fn path(&self) -> &Path {
        &self.place
    }

    fn failed(&self, e: sqlx::Error) -> OutboxError {
        OutboxError::Sqlite {
            path: self.place.clone(),
            message: TeamError::query(e).to_string(),
        }
    }

    /// Run `work` with the pool on the team runtime, waiting for it here (the outbox's callers
    /// are synchronous, as with the SQLite file).
    fn run<T, F, Fut>(&self, work: F) -> Result<T, OutboxError>
    where
        T: Send + 'static,
        F: FnOnce(PgPool) -> Fut,
        Fut: std::future::Future<Output = Result<T, sqlx::Error>> + Send + 'static,
    {
        let fut = work(self.db.pool().clone());
        self.db.block_on(fut).map_err(|e| self.failed(e))
    }

    fn items(&self, rows: Vec<ItemRow>) -> Result<Vec<OutboxItem>, OutboxError> {
        let raws = rows
            .into_iter()
            .map(
                |(id, notice, state, attempts, queued_at, next_attempt_at, sent_at, last_error)| {
                    RawItem {
                        id,
                        notice,
                        state,
                        attempts: i64::from(attempts),
                        queued_at,
                        next_attempt_at,
                        sent_at,
                        last_error,
                    }
                },
            )
            .collect();
        rows::into_items(&self.place, raws)
    }

    /// The notices `tail` (what follows `FROM notices`, binding `$1…` to `binds`) selects.
    fn select(&self, tail: &str, binds: Binds) -> Result<Vec<OutboxItem>, OutboxError> {
        let sql = format!("SELECT {ITEM_COLUMNS} FROM notices {tail}");
        let rows = self.run(move |pool| async move {
            let query = sqlx::query_as::<_, ItemRow>(sqlx::AssertSqlSafe(sql));
            bind_all!(query, binds).fetch_all(&pool).await
        })?;
        self.items(rows)
    }

    pub fn enqueue(
        &mut self,
        notice: &Notice,
        now: DateTime<Utc>,
    ) -> Result<Enqueued, OutboxError> {
        let json = serde_json::to_string(notice).map_err(|e| OutboxError::Sqlite {
            path: self.place.clone(),
            message: format!("cannot encode the notice: {e}"),
        })?;
        let n = notice.clone();
        let (key, now, due) = (notice.key.as_string(), millis(now), millis(notice.due_at));
        let (id, state) = self.run(move |pool| async move {
            let written: Option<i64> = sqlx::query_scalar(
                "INSERT INTO notices (key, key_user, stage, cycle, kind, channel, user_id, login, \
                 notice, state, attempts, queued_at, due_at, next_attempt_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'queued', 0, $10, $11, $11) \
                 ON CONFLICT (key) DO NOTHING RETURNING id",
            )
            .bind(&key)
            .bind(&n.key.user)
            .bind(&n.key.stage)
            .bind(&n.key.cycle)
            .bind(n.kind.as_str())
            .bind(n.channel.as_str())
            .bind(&n.user_id)
            .bind(&n.login)
            .bind(json)
            .bind(now)
            .bind(due)
            .fetch_optional(&pool)
            .await?;
            if let Some(id) = written {
                return Ok((Some(id), String::new()));
            }
            let state: String = sqlx::query_scalar("SELECT state FROM notices WHERE key = $1")
                .bind(&key)
                .fetch_one(&pool)
                .await?;
            Ok((None, state))
        })?;
        match id {
            Some(id) => Ok(Enqueued::New(id)),
            None => Ok(Enqueued::Exists(rows::parse_state(&self.place, &state)?)),
        }
    }

    /// Take the queued notices due by `now` that no other `watch` holds, oldest first, and
    /// hold them for [`LEASE_MS`] (until marked sent, retried or failed).
    pub fn due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<OutboxItem>, OutboxError> {
        let (now, limit, by) = (millis(now), limit_param(limit), self.deliverer.clone());
        let rows = self.run(move |pool| async move {
            sqlx::query_as::<_, ItemRow>(sqlx::AssertSqlSafe(format!(
                "UPDATE notices SET leased_until = $1 + {LEASE_MS}, leased_by = $3 \
                 WHERE id IN (SELECT id FROM notices WHERE state = 'queued' \
                     AND next_attempt_at <= $1 AND (leased_until IS NULL OR leased_until < $1) \
                     ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED) \
                 RETURNING {ITEM_COLUMNS}"
            )))
            .bind(now)
            .bind(limit)
            .bind(by)
            .fetch_all(&pool)
            .await
        })?;
        let mut items = self.items(rows)?;
        items.sort_by_key(|i| (i.next_attempt_at, i.id));
        Ok(items)
    }

    pub fn mark_sent(&mut self, id: i64, at: DateTime<Utc>) -> Result<(), OutboxError> {
        self.update(
            id,
            "UPDATE notices SET state = 'sent', attempts = attempts + 1, sent_at = $2, \
             leased_until = NULL WHERE id = $1",
            Binds(vec![Bind::Int(millis(at))]),
        )
    }

    pub fn mark_retry(
        &mut self,
        id: i64,
        error: &str,
        retry_at: DateTime<Utc>,
    ) -> Result<(), OutboxError> {
        self.update(
            id,
            "UPDATE notices SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3, \
             leased_until = NULL WHERE id = $1",
            Binds(vec![
                Bind::Text(error.to_string()),
                Bind::Int(millis(retry_at)),
            ]),
        )
    }

    pub fn mark_failed(
        &mut self,
        id: i64,
        error: &str,
        at: DateTime<Utc>,
    ) -> Result<(), OutboxError> {
        self.update(
            id,
            "UPDATE notices SET state = 'failed', attempts = attempts + 1, last_error = $2, \
             next_attempt_at = $3, leased_until = NULL WHERE id = $1",
            Binds(vec![Bind::Text(error.to_string()), Bind::Int(millis(at))]),
        )
    }

    pub fn get(&self, key: &IdempotencyKey) -> Result<Option<OutboxItem>, OutboxError> {
        let mut items = self.select("WHERE key = $1", Binds(vec![Bind::Text(key.as_string())]))?;
        Ok(items.pop())
    }

    pub fn counts(&self) -> Result<OutboxCounts, OutboxError> {
        let (queued, sent, failed, oldest): (i64, i64, i64, Option<i64>) =
            self.run(|pool| async move {
                sqlx::query_as(
                    "SELECT count(*) FILTER (WHERE state = 'queued'), \
                     count(*) FILTER (WHERE state = 'sent'), \
                     count(*) FILTER (WHERE state = 'failed'), \
                     min(due_at) FILTER (WHERE state = 'queued') FROM notices",
                )
                .fetch_one(&pool)
                .await
            })?;
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        Ok(OutboxCounts {
            queued: count(queued),
            sent: count(sent),
            failed: count(failed),
            oldest_queued: oldest.and_then(rows::instant),
        })
    }

    pub fn state_counts(&self) -> Result<Vec<StateCount>, OutboxError> {
        let raw: Vec<(String, String, String, i64)> = self.run(|pool| async move {
            sqlx::query_as(
                "SELECT kind, channel, state, count(*) FROM notices \
                 GROUP BY kind, channel, state ORDER BY kind, channel, state",
            )
            .fetch_all(&pool)
            .await
        })?;
        rows::state_counts(&self.place, raw)
    }

    pub fn recent(&self, limit: usize) -> Result<Vec<OutboxItem>, OutboxError> {
        self.select(
            "ORDER BY id DESC LIMIT $1",
            Binds(vec![Bind::Int(limit_param(limit))]),
        )
    }

    pub fn list(
        &self,
        state: Option<OutboxState>,
        limit: usize,
    ) -> Result<Vec<OutboxItem>, OutboxError> {
        match state {
            None => self.recent(limit),
            Some(state) => self.select(
                "WHERE state = $1 ORDER BY id DESC LIMIT $2",
                Binds(vec![
                    Bind::Text(state.as_str().to_string()),
                    Bind::Int(limit_param(limit)),
                ]),
            ),
        }
    }

    pub fn requeue_failed(
        &mut self,
        id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<usize, OutboxError> {
        let now = millis(now);
        let done = self.run(move |pool| async move {
            sqlx::query(
                "UPDATE notices SET state = 'queued', attempts = 0, queued_at = $2, \
                 next_attempt_at = $2, leased_until = NULL \
                 WHERE state = 'failed' AND ($1::bigint IS NULL OR id = $1)",
            )
            .bind(id)
            .bind(now)
            .execute(&pool)
            .await
        })?;
        Ok(usize::try_from(done.rows_affected()).unwrap_or(usize::MAX))
    }

    pub fn for_user(
        &self,
        user_id: &str,
        kind: Option<NoticeKind>,
        since: DateTime<Utc>,
    ) -> Result<Vec<OutboxItem>, OutboxError> {
        let mut binds = vec![Bind::Text(user_id.to_string()), Bind::Int(millis(since))];
        let kind_clause = match kind {
            Some(kind) => {
                binds.push(Bind::Text(kind.as_str().to_string()));
                "AND kind = $3"
            }
            None => "",
        };
        self.select(
            &format!(
                "WHERE (user_id = $1 OR key_user = $1) AND queued_at >= $2 {kind_clause} \
                 ORDER BY id"
            ),
            Binds(binds),
        )
    }

    pub fn load_state(&self, name: &str) -> Result<Option<String>, OutboxError> {
        let name = name.to_string();
        self.run(move |pool| async move {
            sqlx::query_scalar("SELECT value FROM outbox_state WHERE name = $1")
                .bind(name)
                .fetch_optional(&pool)
                .await
        })
    }

    pub fn save_state(&mut self, name: &str, value: &str) -> Result<(), OutboxError> {
        let (name, value) = (name.to_string(), value.to_string());
        self.run(move |pool| async move {
            sqlx::query(
                "INSERT INTO outbox_state (name, value) VALUES ($1, $2) \
                 ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value",
            )
            .bind(name)
            .bind(value)
            .execute(&pool)
            .await
        })
        .map(drop)
    }

    pub fn lockout_notice_times(
        &self,
        user_id: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>, OutboxError> {
        let (user, since) = (user_id.to_string(), millis(since));
        let times: Vec<i64> = self.run(move |pool| async move {
            sqlx::query_scalar(
                "SELECT due_at FROM notices WHERE key_user = $1 AND kind = 'lockout_notice' \
                 AND state <> 'failed' AND due_at >= $2 ORDER BY due_at",
            )
            .bind(user)
            .bind(since)
            .fetch_all(&pool)
            .await
        })?;
        instants(&self.place, "due_at", times)
    }

    pub fn password_history(&self, user_id: &str) -> Result<PasswordHistory, OutboxError> {
        let user = user_id.to_string();
        let kinds = (
            PASSWORD_KINDS.0.as_str().to_string(),
            PASSWORD_KINDS.1.as_str().to_string(),
        );
        let (notices, answers) = self.run(move |pool| async move {
            let notices: Vec<(String, String, String, i64, String)> = sqlx::query_as(
                "SELECT kind, stage, cycle, due_at, notice FROM notices \
                 WHERE key_user = $1 AND kind IN ($2, $3) AND state <> 'failed' \
                 ORDER BY due_at, id",
            )
            .bind(&user)
            .bind(&kinds.0)
            .bind(&kinds.1)
            .fetch_all(&pool)
            .await?;
            let answers: Vec<(String, String, i64)> = sqlx::query_as(
                "SELECT cycle, choice, at FROM answers WHERE key_user = $1 AND kind IN ($2, $3) \
                 ORDER BY at, seq",
            )
            .bind(&user)
            .bind(&kinds.0)
            .bind(&kinds.1)
            .fetch_all(&pool)
            .await?;
            Ok((notices, answers))
        })?;
        password_history_from(&self.place, &notices, &answers)
    }

    pub fn digest_answers(&self) -> Result<Vec<(String, NaiveDate)>, OutboxError> {
        let raw: Vec<(String, String)> = self.run(|pool| async move {
            sqlx::query_as(
                "SELECT key_user, cycle FROM answers \
                 WHERE kind = 'contractor_digest' AND choice = 'understood' \
                 ORDER BY cycle, key_user",
            )
            .fetch_all(&pool)
            .await
        })?;
        digest_answers_from(&self.place, raw)
    }

    /// True when written; false when the notice was already answered, through any replica.
    pub fn record_answer(&mut self, answer: &AnswerRecord) -> Result<bool, OutboxError> {
        let a = answer.clone();
        let done = self.run(move |pool| async move {
            sqlx::query(
                "INSERT INTO answers (key, key_user, kind, cycle, choice, user_id, at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (key) DO NOTHING",
            )
            .bind(a.key.as_string())
            .bind(&a.key.user)
            .bind(a.key.kind.as_str())
            .bind(&a.key.cycle)
            .bind(a.choice.as_str())
            .bind(&a.user_id)
            .bind(millis(a.at))
            .execute(&pool)
            .await
        })?;
        Ok(done.rows_affected() == 1)
    }

    pub fn answer_to(&self, key: &IdempotencyKey) -> Result<Option<AnswerRecord>, OutboxError> {
        let key = key.as_string();
        let raw: Option<RawAnswer> = self.run(move |pool| async move {
            sqlx::query_as("SELECT key, choice, user_id, at FROM answers WHERE key = $1")
                .bind(key)
                .fetch_optional(&pool)
                .await
        })?;
        raw.map(|r| answer_record(&self.place, r)).transpose()
    }

    pub fn not_me_reports(&self, since: DateTime<Utc>) -> Result<Vec<AnswerRecord>, OutboxError> {
        let since = millis(since);
        let raws: Vec<RawAnswer> = self.run(move |pool| async move {
            sqlx::query_as(
                "SELECT key, choice, user_id, at FROM answers \
                 WHERE choice = 'not_me' AND at >= $1 ORDER BY at DESC, key",
            )
            .bind(since)
            .fetch_all(&pool)
            .await
        })?;
        raws.into_iter()
            .map(|r| answer_record(&self.place, r))
            .collect()
    }

    /// One row changed by `statement` (`$1` is the id, `binds` follow), or an error naming
    /// the id no row has.
    fn update(
        &mut self,
        id: i64,
        statement: &'static str,
        binds: Binds,
    ) -> Result<(), OutboxError> {
        let done = self.run(move |pool| async move {
            let query = sqlx::query(statement).bind(id);
            bind_all!(query, binds).execute(&pool).await
        })?;
        if done.rows_affected() == 0 {
            return Err(OutboxError::NoSuchNotice {
                path: self.place.clone(),
                id,
            });
        }
        Ok(())
    }
}

/// `query` with every value of `binds` bound in order (`query` and `query_as` alike).
macro_rules! bind_all {
    ($query:expr, $binds:expr) => {{
        let mut query = $query;
        for bind in $binds.0 {
            query = match bind {
                Bind::Text(t) => query.bind(t),
                Bind::Int(i) => query.bind(i),
            };
        }
        query
    }};
}
use bind_all;

/// A value bound to a statement built at run time.
enum Bind {
    Text(String),
    Int(i64),
}

struct Binds(Vec<Bind>);

fn limit_param(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}
