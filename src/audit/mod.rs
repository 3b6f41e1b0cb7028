//! The tamper-evident audit log: every agent action (and every refused or failed one) as a
//! record in an append-only SQLite table, each record hash-chained to the one before it so
//! that `verify` finds any record edited, removed or reordered. Secrets are refused at the
//! door ([`redact`]).

pub mod chain;
mod checkpoint;
mod csv;
mod error;
mod export;
mod filter;
pub mod record;
pub mod redact;
mod row;
mod schema;
mod store;
mod team;
mod trail;
mod verify;

pub use checkpoint::Checkpoint;
pub use error::AuditError;
pub use export::{CSV_HEADER, ExportFormat, evidence as describe_evidence, write_records};
pub use filter::{Field, RecordFilter};
pub use record::{AuditEntry, AuditRecord, ESCALATION_ACTION, Evidence, Outcome};
pub use schema::{APPLICATION_ID, SCHEMA_VERSION};
pub use store::AuditLog;
pub use team::{DESK_CHAIN, TeamAudit};
pub use trail::{AuditLocation, AuditTrail};
pub use verify::{Breach, Problem, VerifyReport};
