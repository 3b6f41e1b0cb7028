//! The expiries screen (`e`): who loses access when. Passwords about to expire (expired
//! first) and contractors whose contracts end, grouped by manager, from the expiry scanner's
//! latest result; the scanner's progress and failures; the reminder and digest schedules of
//! a row. `data` holds what the scanner reported, `state` the screen, `order` the rows'
//! order and filter, `summary` the counts, `keys` what a key does.

pub mod data;
pub mod keys;
pub mod order;
pub mod schedule;
pub mod state;
pub mod summary;

#[cfg(test)]
mod tests;

pub use data::{ScanData, ScanFailure};
pub use keys::Outcome;
pub use order::{ContractorLine, Group, RowFilter, SortBy};
pub use state::{ExpiriesView, Tab};
pub use summary::Summary;
