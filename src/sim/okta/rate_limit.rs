//! Per-family request budgets over a sliding start window, like Okta's
//! per-endpoint limits: each family's window starts at its first request
//! (not on the minute) and resets after `window`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::http::Method;

use crate::sim::RateBudgets;

/// Okta's rate-limit buckets (matched by exact path first, else the default).
/// Which bucket paths below `/api/v1/users/{id}/` fall in is not documented;
/// here writes (lifecycle operations, factor unenroll/verify, push cancel)
/// count as `users_write`, reads (factors, push polls) as the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Family {
    Logs,
    UsersList,
    UserGet,
    UsersWrite,
    Default,
}

impl Family {
    pub fn of(method: &Method, path: &str) -> Family {
        let path = path.trim_end_matches('/');
        if path == "/api/v1/logs" {
            return Family::Logs;
        }
        if path == "/api/v1/users" {
            return Family::UsersList;
        }
        let Some(rest) = path
            .strip_prefix("/api/v1/users/")
            .filter(|rest| !rest.is_empty())
        else {
            return Family::Default;
        };
        let read = *method == Method::GET || *method == Method::HEAD;
        match (rest.contains('/'), read) {
            (false, true) => Family::UserGet,
            (_, false) => Family::UsersWrite,
            (true, true) => Family::Default,
        }
    }
}

/// What the response headers report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Quota {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// Time until the window resets.
    pub reset_in: Duration,
}

struct Window {
    started: Instant,
    used: u32,
}

pub(crate) struct RateLimiter {
    budgets: RateBudgets,
    window: Duration,
    windows: HashMap<Family, Window>,
}

impl RateLimiter {
    pub fn new(budgets: RateBudgets, window: Duration) -> Self {
        Self {
            budgets,
            window,
            windows: HashMap::new(),
        }
    }

    fn limit(&self, family: Family) -> u32 {
        match family {
            Family::Logs => self.budgets.logs,
            Family::UsersList => self.budgets.users_list,
            Family::UserGet => self.budgets.user_get,
            Family::UsersWrite => self.budgets.users_write,
            Family::Default => self.budgets.default,
        }
    }

    /// Spends one request from the family's budget if any is left.
    pub fn check(&mut self, family: Family, now: Instant) -> Quota {
        let limit = self.limit(family);
        let window = self.window;
        let w = self.windows.entry(family).or_insert(Window {
            started: now,
            used: 0,
        });
        if now.duration_since(w.started) >= window {
            *w = Window {
                started: now,
                used: 0,
            };
        }
        let allowed = w.used < limit;
        if allowed {
            w.used += 1;
        }
        Quota {
            allowed,
            limit,
            remaining: limit - w.used,
            reset_in: window.saturating_sub(now.duration_since(w.started)),
        }
    }

    /// The family's state without spending anything (for answers that are not counted).
    pub fn peek(&self, family: Family, now: Instant) -> Quota {
        let limit = self.limit(family);
        match self.windows.get(&family) {
            Some(w) if now.duration_since(w.started) < self.window => Quota {
                allowed: w.used < limit,
                limit,
                remaining: limit - w.used,
                reset_in: self.window - now.duration_since(w.started),
            },
            _ => Quota {
                allowed: limit > 0,
                limit,
                remaining: limit,
                reset_in: self.window,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budgets() -> RateBudgets {
        RateBudgets {
            logs: 3,
            users_list: 5,
            user_get: 5,
            users_write: 5,
            default: 5,
        }
    }

    #[test]
    fn families_follow_okta_buckets() {
        assert_eq!(Family::of(&Method::GET, "/api/v1/logs"), Family::Logs);
        assert_eq!(Family::of(&Method::GET, "/api/v1/users"), Family::UsersList);
        assert_eq!(
            Family::of(&Method::POST, "/api/v1/users"),
            Family::UsersList
        );
        assert_eq!(
            Family::of(&Method::GET, "/api/v1/users/00u1"),
            Family::UserGet
        );
        assert_eq!(
            Family::of(&Method::DELETE, "/api/v1/users/00u1"),
            Family::UsersWrite
        );
        assert_eq!(
            Family::of(&Method::POST, "/api/v1/users/00u1/lifecycle/unlock"),
            Family::UsersWrite
        );
        assert_eq!(
            Family::of(&Method::POST, "/api/v1/users/00u1/factors/opf1/verify"),
            Family::UsersWrite
        );
        assert_eq!(
            Family::of(&Method::DELETE, "/api/v1/users/00u1/factors/opf1"),
            Family::UsersWrite
        );
        assert_eq!(
            Family::of(&Method::GET, "/api/v1/users/00u1/factors"),
            Family::Default
        );
        assert_eq!(
            Family::of(
                &Method::GET,
                "/api/v1/users/00u1/factors/opf1/transactions/v2mst.x"
            ),
            Family::Default
        );
        assert_eq!(
            Family::of(&Method::GET, "/api/v1/policies"),
            Family::Default
        );
    }

    #[test]
    fn budget_is_spent_then_refused_until_the_window_resets() {
        let t0 = Instant::now();
        let mut rl = RateLimiter::new(budgets(), Duration::from_secs(60));
        for left in [2, 1, 0] {
            let q = rl.check(Family::Logs, t0 + Duration::from_secs(1));
            assert!(q.allowed);
            assert_eq!((q.limit, q.remaining), (3, left));
        }
        let refused = rl.check(Family::Logs, t0 + Duration::from_secs(30));
        assert!(!refused.allowed);
        assert_eq!(refused.remaining, 0);
        // The window started at the first request (t0 + 1 s), not on the minute.
        assert_eq!(refused.reset_in, Duration::from_secs(31));
        // Other families have their own budgets.
        assert!(
            rl.check(Family::UserGet, t0 + Duration::from_secs(30))
                .allowed
        );
        assert!(
            !rl.check(Family::Logs, t0 + Duration::from_millis(60_999))
                .allowed
        );
        let fresh = rl.check(Family::Logs, t0 + Duration::from_secs(61));
        assert!(fresh.allowed);
        assert_eq!(fresh.remaining, 2);
        assert_eq!(fresh.reset_in, Duration::from_secs(60));
    }

    #[test]
    fn peek_does_not_spend() {
        let t0 = Instant::now();
        let mut rl = RateLimiter::new(budgets(), Duration::from_secs(10));
        assert_eq!(rl.peek(Family::Default, t0).remaining, 5);
        rl.check(Family::Default, t0);
        assert_eq!(rl.peek(Family::Default, t0).remaining, 4);
        assert_eq!(rl.peek(Family::Default, t0).remaining, 4);
        assert_eq!(
            rl.peek(Family::Default, t0 + Duration::from_secs(10))
                .remaining,
            5
        );
    }
}
