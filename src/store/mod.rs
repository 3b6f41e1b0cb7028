//! Local SQLite stores of what was read from the IdP, so the dashboard opens with the last
//! known data (and its age) instead of an empty screen.

mod error;
mod expiry_rows;
mod expiry_schema;
mod expiry_store;
mod private_file;

pub use error::StoreError;
pub use expiry_store::{EXPIRY_STORE_FILE, ExpiryStore};
pub use private_file::{OpenFailure, create_private_dir, create_private_file, open_private_sqlite};
