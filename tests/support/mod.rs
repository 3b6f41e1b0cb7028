//! Helpers shared by integration tests.
// Each test binary that includes this module uses only part of it.
#![allow(dead_code)]

pub mod openapi;
pub mod shape;
