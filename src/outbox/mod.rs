//! The durable outbox (`outbox.sqlite3` in the data directory): every notice is written here
//! under its idempotency key before it is sent, and marked sent after. The dashboard, the CLI
//! and `watch` all write to the same file; `watch` delivers it. Also kept here, because they
//! decide what is sent next: the answers given through notice links, and small named state
//! (the lockout poller's cursor).
//!
//! One writer at a time (SQLite's lock, WAL, a busy timeout); the file is private to its owner.
//! In team mode the same tables live in the desk's PostgreSQL (`team_store`), shared by every
//! agent and every `watch`; [`Outbox`] is either.

mod error;
mod handle;
mod history;
#[cfg(test)]
mod history_tests;
mod item;
mod rows;
mod schema;
mod store;
mod team_store;
#[cfg(test)]
mod tests;

pub use error::OutboxError;
pub use handle::{Outbox, OutboxLocation};
pub use item::{AnswerRecord, Enqueued, OutboxCounts, OutboxItem, OutboxState, StateCount};
pub use store::{LocalOutbox, OUTBOX_FILE};
