//! PingOne's wire format over HTTP: one environment of the seeded organisation, served on
//! the API paths (`/v1/environments/{envId}/…`) and the auth host's paths (`/{envId}/as/token`,
//! `/{envId}/deviceAuthentications`) of the same listener.

pub(crate) mod access_tokens;
pub(crate) mod activities;
pub(crate) mod activity_routes;
pub(crate) mod api_error;
pub(crate) mod device_auth;
pub(crate) mod device_auth_routes;
pub(crate) mod device_routes;
pub(crate) mod devices;
pub(crate) mod environment;
pub(crate) mod gate;
pub(crate) mod hal;
pub(crate) mod routes;
pub(crate) mod scim;
pub(crate) mod served;
#[cfg(test)]
mod tests;
pub(crate) mod token;
pub(crate) mod user_routes;
pub(crate) mod users;
pub(crate) mod users_query;
