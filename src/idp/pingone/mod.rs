//! PingOne: the settings a client of one environment needs (environment, worker app, region
//! and hosts). The client itself is not written yet (issue 10).

mod settings;

pub use settings::{ClientAuthMethod, PingOneSettings, Region};
