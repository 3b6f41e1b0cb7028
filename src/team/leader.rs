//! Leader election for `watch` replicas: whoever holds the feed's session advisory lock polls
//! the IdP for the whole desk; the others stand by, trying for the lock every second.
//!
//! The lock lives on one dedicated connection, and every write the leader makes goes over
//! that same connection: when the leader dies (even `kill -9`) its connection closes,
//! PostgreSQL releases the lock, and a standby takes over; and a leader whose connection
//! broke can write nothing more, so two leaders never write at once. The connection is
//! owned by a task on the team runtime; the rest of `watch` talks to it by message.

use std::time::Duration;

use sqlx::{ConnectOptions, PgConnection};
use tokio::sync::{mpsc, oneshot};

use super::db::TeamDb;
use super::feed_store;
use crate::idp::FeedCursor;
use crate::model::Lockout;
use crate::services::PollHealth;

/// The advisory lock key of the lockout feed ("accessdesk lockout feed").
const FEED_LOCK: i64 = 0x4144_4c4b_4645_4544;
/// How often a standby asks for the lock, and the leader checks its connection.
pub const STANDBY_RETRY: Duration = Duration::from_secs(1);

enum Command {
    LoadCursor(oneshot::Sender<Result<Option<FeedCursor>, sqlx::Error>>),
    Unnoticed(
        chrono::DateTime<chrono::Utc>,
        oneshot::Sender<Result<Vec<Lockout>, sqlx::Error>>,
    ),
    WriteBatch {
        lockouts: Vec<Lockout>,
        cursor: FeedCursor,
        health: PollHealth,
        reply: oneshot::Sender<Result<Vec<Lockout>, sqlx::Error>>,
    },
    RecordFailure(PollHealth, oneshot::Sender<Result<(), sqlx::Error>>),
}

/// Held while this process leads; dropping it gives the lead up.
pub struct Leadership {
    commands: mpsc::Sender<Command>,
    identity: String,
}

/// Why a leader can no longer lead: its connection (and with it the lock) is gone, or the
/// database refused a write.
#[derive(Debug, thiserror::Error)]
#[error("lost the lead of the desk's lockout feed: {0}")]
pub struct LostLead(String);

impl LostLead {
    pub(crate) fn new(why: &str) -> LostLead {
        LostLead(why.to_string())
    }
}

impl Leadership {
    /// Wait until this process holds the feed's lock. `identity` names the leader in the
    /// followers' health line (host and process).
    pub async fn acquire(db: &TeamDb, identity: &str) -> Leadership {
        let options = db.connect_options().clone();
        let identity = identity.to_string();
        let announced = identity.clone();
        let commands = db
            .run(async move {
                let mut said_standby = false;
                loop {
                    match try_lead(&options).await {
                        Ok(Some(conn)) => {
                            tracing::info!(leader = %announced, "leading the desk's lockout feed");
                            let (commands, inbox) = mpsc::channel(8);
                            tokio::spawn(hold(conn, inbox, announced.clone()));
                            return commands;
                        }
                        Ok(None) if !said_standby => {
                            tracing::info!(
                                "another watch leads the desk's lockout feed; standing by"
                            );
                            said_standby = true;
                        }
                        Ok(None) => {}
                        Err(e) => {
                            tracing::warn!(error = %e, "cannot reach the team database; retrying")
                        }
                    }
                    tokio::time::sleep(STANDBY_RETRY).await;
                }
            })
            .await;
        Leadership { commands, identity }
    }

    pub fn identity(&self) -> &str {
        &self.identity
    }

    async fn ask<T>(
        &self,
        command: impl FnOnce(oneshot::Sender<Result<T, sqlx::Error>>) -> Command,
    ) -> Result<T, LostLead> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(command(reply))
            .await
            .map_err(|_| LostLead("the lock's connection closed".into()))?;
        answer
            .await
            .map_err(|_| LostLead("the lock's connection closed".into()))?
            .map_err(|e| LostLead(e.to_string()))
    }

    pub async fn load_cursor(&self) -> Result<Option<FeedCursor>, LostLead> {
        self.ask(Command::LoadCursor).await
    }

    pub async fn unnoticed(
        &self,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<Lockout>, LostLead> {
        self.ask(|reply| Command::Unnoticed(since, reply)).await
    }

    /// Write a batch with the cursor after it; the lockouts that were new.
    pub async fn write_batch(
        &self,
        lockouts: Vec<Lockout>,
        cursor: FeedCursor,
        health: PollHealth,
    ) -> Result<Vec<Lockout>, LostLead> {
        self.ask(|reply| Command::WriteBatch {
            lockouts,
            cursor,
            health,
            reply,
        })
        .await
    }

    pub async fn record_failure(&self, health: PollHealth) -> Result<(), LostLead> {
        self.ask(|reply| Command::RecordFailure(health, reply))
            .await
    }
}

/// A new connection holding the feed's lock, or `None` when another process holds it.
async fn try_lead(
    options: &sqlx::postgres::PgConnectOptions,
) -> Result<Option<PgConnection>, sqlx::Error> {
    let mut conn = options.connect().await?;
    let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(FEED_LOCK)
        .fetch_one(&mut conn)
        .await?;
    Ok(got.then_some(conn))
}

/// Own the lock's connection: carry out the leader's writes on it, and check it between
/// them; end (closing it, which releases the lock) when it fails or the leader lets go.
async fn hold(mut conn: PgConnection, mut inbox: mpsc::Receiver<Command>, leader: String) {
    let mut check = tokio::time::interval(STANDBY_RETRY);
    loop {
        let command = tokio::select! {
            command = inbox.recv() => match command {
                Some(command) => command,
                None => break,
            },
            _ = check.tick() => {
                if let Err(e) = sqlx::query("SELECT 1").execute(&mut conn).await {
                    tracing::warn!(error = %e, "the feed lock's connection failed; stepping down");
                    break;
                }
                continue;
            }
        };
        let failed = match command {
            Command::LoadCursor(reply) => {
                let r = feed_store::load_cursor(&mut conn).await;
                answer(reply, r)
            }
            Command::Unnoticed(since, reply) => {
                let r = feed_store::unnoticed(&mut conn, since).await;
                answer(reply, r)
            }
            Command::WriteBatch {
                lockouts,
                cursor,
                health,
                reply,
            } => {
                let r =
                    feed_store::write_batch(&mut conn, &lockouts, &cursor, &health, &leader).await;
                answer(reply, r)
            }
            Command::RecordFailure(health, reply) => {
                let r = feed_store::record_failure(&mut conn, &health, &leader).await;
                answer(reply, r)
            }
        };
        if failed {
            break;
        }
    }
    // Dropping the connection closes it: PostgreSQL releases the lock for a standby.
}

/// Send `result` back; true when it was an error (after which this connection steps down:
/// a write that failed may have left it in an unknown state).
fn answer<T>(
    reply: oneshot::Sender<Result<T, sqlx::Error>>,
    result: Result<T, sqlx::Error>,
) -> bool {
    let failed = result.is_err();
    let _ = reply.send(result);
    failed
}
