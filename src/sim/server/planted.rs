//! `POST /__sim/planted`: odd JSON planted beside the seeded org's own, to test that a client
//! reading it degrades one detail and not a whole screen. The policies are appended to every
//! `GET /api/v1/policies?type=PASSWORD`, a user's factors to that user's `GET …/factors`,
//! verbatim: whatever JSON the test sends, however wrong for Okta.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::Value;

use crate::sim::state::{Shared, lock};

/// What has been planted so far.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Planted {
    #[serde(default)]
    pub policies: Vec<Value>,
    /// By user id.
    #[serde(default)]
    pub factors: HashMap<String, Vec<Value>>,
}

pub(crate) async fn plant(
    State(shared): State<Arc<Shared>>,
    Json(more): Json<Planted>,
) -> StatusCode {
    let mut planted = lock(&shared.planted);
    planted.policies.extend(more.policies);
    for (user, factors) in more.factors {
        planted.factors.entry(user).or_default().extend(factors);
    }
    StatusCode::NO_CONTENT
}
