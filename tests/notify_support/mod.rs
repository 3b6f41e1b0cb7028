//! Loopback receivers for the delivery tests: a real SMTP server (`smtp_sink`, mailin-embedded)
//! that keeps every message in memory, a webhook receiver (`webhook_sink`, axum) that records
//! every POST and answers as scripted, a writer that captures JSON lines (`lines_sink`), and
//! the desk, clock and channels the delivery tests share (`fixtures`).
//! Each test crate uses the part it needs, hence the allowance below.
#![allow(dead_code)]

pub mod fixtures;
pub mod lines_sink;
pub mod smtp_sink;
pub mod webhook_sink;
