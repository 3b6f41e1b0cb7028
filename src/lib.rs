//! accessdesk: a terminal dashboard for IT service desks that resolves account-access
//! problems against the organisation's identity provider.
//!
//! Layers (one folder each): `model` (provider-neutral types), `idp` (the `Directory` trait
//! and the Okta client), `sim` (an Okta-compatible simulator), `services` (background tasks
//! such as the lockout poller and `watch`), `notify` (composing and delivering notices),
//! `outbox` (their durable queue), `tui` (state, update and drawing), `cli` (subcommands).

pub mod audit;
pub mod cli;
pub mod config;
pub mod idp;
pub mod logging;
pub mod model;
pub mod notify;
pub mod outbox;
pub mod policy;
pub mod services;
pub mod sim;
pub mod store;
pub mod team;
pub mod tickets;
pub mod tui;
