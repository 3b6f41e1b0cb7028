//! PingOne's wire format over HTTP: one environment of the seeded organisation, served on
//! the API paths (`/v1/environments/{envId}/…`) and the auth host's paths (`/{envId}/as/token`,
//! `/{envId}/deviceAuthentications`) of the same listener.

pub(crate) mod activities;
pub(crate) mod api_error;
pub(crate) mod device_auth;
pub(crate) mod devices;
pub(crate) mod environment;
