//! The Okta simulator over real HTTP on 127.0.0.1.

pub(crate) mod http_tests;
mod http_tests_fault_rates;
mod http_tests_groups;
mod http_tests_lifecycle;
mod http_tests_mfa;
mod http_tests_passwords;
