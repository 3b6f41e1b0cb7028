//! ServiceNow's Table API over the desk: `incident`, `sc_req_item` (read and update),
//! `sc_request` (empty) and `sys_user` (read), under `/api/now/table/` and the versioned
//! `/api/now/v2/table/`; the OAuth password grant at `/oauth_token.do`. Every request
//! passes `gate` (recording, faults, basic or bearer auth).

mod errors;
mod gate;
mod oauth;
mod params;
mod query;
mod reads;
mod rows;
mod states;
mod tables;
mod writes;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::http::request::Parts;
use axum::response::Response;
use axum::routing::{get, post};

use oauth::Tokens;
use params::Params;

use crate::sim::state::Shared;

pub(super) fn routes() -> Router<Arc<Shared>> {
    let mut router = Router::new();
    for prefix in ["/api/now/table", "/api/now/v2/table"] {
        router = router
            .route(&format!("{prefix}/{{table}}"), get(list).post(create))
            .route(
                &format!("{prefix}/{{table}}/{{sys_id}}"),
                get(read).patch(update).put(update),
            );
    }
    router
        .route("/oauth_token.do", post(oauth::token))
        .route("/__sim/servicenow/revoke-tokens", post(oauth::revoke))
        // One token store per simulator.
        .layer(Extension(Arc::new(Tokens::default())))
}

async fn list(
    State(shared): State<Arc<Shared>>,
    Extension(tokens): Extension<Arc<Tokens>>,
    Path(table): Path<String>,
    req: Parts,
) -> Response {
    let pass = match gate::admit(&shared, &tokens, &req).await {
        Ok(pass) => pass,
        Err(refused) => return refused,
    };
    let params = Params::parse(req.uri.query());
    pass.finish(reads::list(&shared, &table, &params, req.uri.path()))
        .await
}

async fn read(
    State(shared): State<Arc<Shared>>,
    Extension(tokens): Extension<Arc<Tokens>>,
    Path((table, sys_id)): Path<(String, String)>,
    req: Parts,
) -> Response {
    let pass = match gate::admit(&shared, &tokens, &req).await {
        Ok(pass) => pass,
        Err(refused) => return refused,
    };
    let params = Params::parse(req.uri.query());
    pass.finish(reads::read(&shared, &table, &sys_id, &params))
        .await
}

async fn create(
    State(shared): State<Arc<Shared>>,
    Extension(tokens): Extension<Arc<Tokens>>,
    Path(table): Path<String>,
    req: Parts,
    body: Bytes,
) -> Response {
    let pass = match gate::admit(&shared, &tokens, &req).await {
        Ok(pass) => pass,
        Err(refused) => return refused,
    };
    let params = Params::parse(req.uri.query());
    let no_body = req
        .headers
        .get("x-no-response-body")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"));
    pass.finish(writes::create(&shared, &table, &params, &body, no_body))
        .await
}

async fn update(
    State(shared): State<Arc<Shared>>,
    Extension(tokens): Extension<Arc<Tokens>>,
    Path((table, sys_id)): Path<(String, String)>,
    req: Parts,
    body: Bytes,
) -> Response {
    let pass = match gate::admit(&shared, &tokens, &req).await {
        Ok(pass) => pass,
        Err(refused) => return refused,
    };
    let params = Params::parse(req.uri.query());
    pass.finish(writes::update(&shared, &table, &sys_id, &params, &body))
        .await
}
