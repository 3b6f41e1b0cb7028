//! PingOne's wire format over HTTP: the worker-app token on the auth host, the management
//! API under `/v1/environments/{envId}` (users, account unlock, passwords, password policies,
//! groups, MFA devices, audit activities) and device authentications, all shaped from the
//! same provider-neutral organisation the Okta routes serve.

pub(crate) mod activities;
pub(crate) mod device_auth;
pub(crate) mod routes;
