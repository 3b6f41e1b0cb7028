//! Stores of what was read from the IdP, so the dashboard opens with the last known data (and
//! its age) instead of an empty screen: SQLite files beside the audit log, or in team mode
//! the desk's PostgreSQL.

mod error;
mod expiry_handle;
mod expiry_rows;
mod expiry_schema;
mod expiry_store;
mod private_file;

pub use error::StoreError;
pub use expiry_handle::ExpiryStore;
pub use expiry_store::{EXPIRY_STORE_FILE, LocalExpiryStore};
pub use private_file::{OpenFailure, create_private_dir, create_private_file, open_private_sqlite};
