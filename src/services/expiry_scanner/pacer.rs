//! The scanner's side of every request: wait for the endpoint's share of the rate limit
//! (reporting `waiting_until`), count the request, and after a 429 the client could not wait
//! out, wait for the window and try again.

use std::future::Future;

use chrono::{DateTime, Duration, Utc};

use super::pacing::{self, AFTER_RESET};
use crate::idp::{Directory, IdpError, ScanEndpoint};
use crate::model::{ScanKind, ScanProgress};

/// How many times one request is tried again after a 429 the client gave up on.
const RATE_LIMITED_RETRIES: u32 = 3;

pub(super) struct Pacer<'a, D: ?Sized, P: ?Sized> {
    dir: &'a D,
    share: f64,
    progress: &'a mut P,
    pub state: ScanProgress,
}

impl<'a, D, P> Pacer<'a, D, P>
where
    D: Directory,
    P: FnMut(ScanProgress) + ?Sized,
{
    pub fn new(
        dir: &'a D,
        share: f64,
        kind: ScanKind,
        started_at: DateTime<Utc>,
        users_expected: Option<u64>,
        progress: &'a mut P,
    ) -> Self {
        let mut pacer = Self {
            dir,
            share,
            progress,
            state: ScanProgress {
                kind,
                started_at,
                users_seen: 0,
                users_expected,
                requests: 0,
                waiting_until: None,
            },
        };
        pacer.report();
        pacer
    }

    pub fn report(&mut self) {
        (self.progress)(self.state.clone());
    }

    pub fn saw_users(&mut self, n: usize) {
        self.state.users_seen += n as u64;
        self.report();
    }

    /// Make one request to `endpoint` inside the budget.
    pub async fn call<T, F, Fut>(
        &mut self,
        endpoint: ScanEndpoint,
        mut request: F,
    ) -> Result<T, IdpError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, IdpError>>,
    {
        let mut retries = 0;
        loop {
            self.within_budget(endpoint).await;
            self.state.requests += 1;
            match request().await {
                Err(IdpError::RateLimited { reset_in_secs, .. })
                    if retries < RATE_LIMITED_RETRIES =>
                {
                    retries += 1;
                    let until = Utc::now()
                        + Duration::seconds(i64::try_from(reset_in_secs).unwrap_or(i64::MAX / 4))
                        + AFTER_RESET;
                    tracing::warn!(
                        ?endpoint,
                        reset_in_secs,
                        "expiry scan rate-limited; waiting for the window"
                    );
                    self.wait(until).await;
                }
                other => return other,
            }
        }
    }

    async fn within_budget(&mut self, endpoint: ScanEndpoint) {
        while let Some(until) = pacing::wait_until(
            self.dir.scan_rate_limit(endpoint).as_ref(),
            self.share,
            Utc::now(),
        ) {
            self.wait(until).await;
        }
    }

    async fn wait(&mut self, until: DateTime<Utc>) {
        self.state.waiting_until = Some(until);
        self.report();
        let left = (until - Utc::now()).to_std().unwrap_or_default();
        tokio::time::sleep(left).await;
        self.state.waiting_until = None;
        self.report();
    }
}
