//! The built-in simulator: `sim` (served on loopback) and `demo` (the dashboard on it).

pub(super) mod demo;
pub(super) mod sim;
pub(super) mod sim_banner;
pub(super) mod sim_org;
