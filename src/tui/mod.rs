//! The live lockout dashboard: state and `update` (`app`), one `Msg` enum (`msg`), key bindings
//! as data (`keymap`), a pure `view` of the state drawn by `panes`, and the terminal loop (`run`).
//!
//! The TUI never does I/O itself: `update` returns [`Effect`]s that `run` carries out and whose
//! results come back as [`Msg`]s.

pub mod app;
pub mod audit_view;
mod claim_tasks;
pub mod debounce;
pub mod expiries;
pub mod feed;
pub mod format;
pub mod handled;
pub mod inert;
pub mod instruction_picker;
pub mod keymap;
pub mod msg;
pub mod notice_board;
pub mod options;
pub mod panes;
pub mod run;
pub mod search;
pub mod terminal;
pub mod theme;
mod ticket_tasks;
pub mod training;
pub mod user_view;
pub mod verify_dialog;
pub mod view;

pub use app::{App, Effect, UserState};
pub use msg::Msg;
pub use options::{ClaimSettings, DashboardOptions};
pub use run::run;
pub use search::DirectorySearch;
pub use user_view::{OpenUser, ProfileState};
