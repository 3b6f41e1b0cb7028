//! Okta's wire format over HTTP: the routes, their queries (SCIM filters, System Log
//! paging), error bodies, the API gate (auth, rate limits, faults) and the System Log events
//! the organisation's changes become.

pub(crate) mod admin_events;
pub(crate) mod api_error;
pub(crate) mod event_hooks;
pub(crate) mod event_variety;
pub(crate) mod events;
pub(crate) mod factor_routes;
pub(crate) mod gate;
pub(crate) mod group_routes;
pub(crate) mod groups_query;
pub(crate) mod lifecycle_routes;
pub(crate) mod log_prefilter;
pub(crate) mod log_query;
pub(crate) mod mfa_events;
pub(crate) mod password_events;
pub(crate) mod rate_limit;
pub(crate) mod routes;
#[cfg(test)]
mod tests;
// The HTTP test helpers keep their old path for the tests elsewhere that use them.
#[cfg(test)]
pub(crate) use tests::http_tests;
pub(crate) mod users_query;
