//! PingOne's audit activities (`GET …/activities`), rendered from the organisation's
//! provider-neutral history: the filter PingOne requires (a `recordedat` lower bound, only
//! the last 14 days), oldest-first pages of `limit` with an opaque cursor, and each event as
//! an activity record.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use super::api_error::ApiError;
use super::environment::{Environment, device_id, user_id};
use crate::sim::filter::{CompareOp, Filter, Literal, parse};
use crate::sim::org::factors::FactorKind;
use crate::sim::org::ids::iso;
use crate::sim::state::State;
use crate::sim::state::history::{Actor, OrgEvent, What};

/// How far back PingOne lets a query reach.
const WINDOW_DAYS: i64 = 14;
const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 1000;
/// The worker app's name in `actors.client`.
pub(crate) const WORKER_NAME: &str = "accessdesk-worker";

/// A parsed activity filter.
#[derive(Debug, Clone, PartialEq)]
enum Cond {
    Recorded(CompareOp, DateTime<Utc>),
    /// `action.type eq` (case-insensitive).
    Action(String),
    /// `resources.id eq`: the user with that PingOne id (`None`: nobody).
    Resource(Option<usize>),
    /// `resources.type eq`: every activity's resource is a USER.
    ResourceType(String),
    /// `actors.user.id eq`: that user acting themselves.
    ActorUser(Option<usize>),
    Correlation(String),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
}

impl Cond {
    /// The earliest time every matching activity is at or after, if the filter bounds it.
    fn lower_bound(&self) -> Option<DateTime<Utc>> {
        match self {
            Self::Recorded(CompareOp::Gt | CompareOp::Ge, t) => Some(*t),
            Self::And(a, b) => match (a.lower_bound(), b.lower_bound()) {
                (Some(x), Some(y)) => Some(x.max(y)),
                (x, y) => x.or(y),
            },
            Self::Or(a, b) => Some(a.lower_bound()?.min(b.lower_bound()?)),
            _ => None,
        }
    }

    fn matches(&self, e: &OrgEvent) -> bool {
        match self {
            Self::Recorded(op, t) => match op {
                CompareOp::Gt => e.at > *t,
                CompareOp::Ge => e.at >= *t,
                CompareOp::Lt => e.at < *t,
                _ => e.at <= *t,
            },
            Self::Action(a) => kind(&e.what).action.eq_ignore_ascii_case(a),
            Self::Resource(user) => *user == Some(e.user),
            Self::ResourceType(t) => t.eq_ignore_ascii_case("USER"),
            Self::ActorUser(user) => e.by == Actor::User && *user == Some(e.user),
            Self::Correlation(c) => e.correlation_id.eq_ignore_ascii_case(c),
            Self::And(a, b) => a.matches(e) && b.matches(e),
            Self::Or(a, b) => a.matches(e) || b.matches(e),
        }
    }
}

/// Parses and checks an activity filter against the environment's users.
fn compile(text: &str, state: &State, env: &Environment) -> Result<Cond, ApiError> {
    let filter = parse(text).map_err(|e| ApiError::invalid_filter(e.to_string()))?;
    let cond = convert(&filter, state, env)?;
    if cond.lower_bound().is_none() {
        return Err(ApiError::invalid_filter(
            "The filter must include a recordedat range (recordedat gt or ge a date).",
        ));
    }
    Ok(cond)
}

fn convert(filter: &Filter, state: &State, env: &Environment) -> Result<Cond, ApiError> {
    let (path, op, value) = match filter {
        Filter::And(a, b) => {
            let (a, b) = (convert(a, state, env)?, convert(b, state, env)?);
            return Ok(Cond::And(Box::new(a), Box::new(b)));
        }
        Filter::Or(a, b) => {
            let (a, b) = (convert(a, state, env)?, convert(b, state, env)?);
            return Ok(Cond::Or(Box::new(a), Box::new(b)));
        }
        Filter::Not(_) | Filter::Present(_) => {
            return Err(ApiError::invalid_filter(
                "Only eq, gt, ge, lt and le comparisons combined with and/or are supported.",
            ));
        }
        Filter::Compare { path, op, value } => (path.dotted().to_ascii_lowercase(), *op, value),
    };
    let Literal::String(value) = value else {
        return Err(ApiError::invalid_filter(format!(
            "The value for '{path}' must be a quoted string."
        )));
    };
    let eq_only = |cond: Cond| {
        if op == CompareOp::Eq {
            Ok(cond)
        } else {
            Err(ApiError::invalid_filter(format!(
                "The operator '{op}' is not supported for '{path}'."
            )))
        }
    };
    let user = |id: &str| {
        let id = id.to_ascii_lowercase();
        env.find_user(&state.org, &id)
            .filter(|&i| user_id(&state.org.users[i].id) == id)
    };
    match path.as_str() {
        "recordedat" => {
            if !op.is_ordering() {
                return Err(ApiError::invalid_filter(format!(
                    "The operator '{op}' is not supported for 'recordedat'."
                )));
            }
            let t = DateTime::parse_from_rfc3339(value).map_err(|_| {
                ApiError::invalid_filter(format!("'{value}' is not an RFC 3339 date."))
            })?;
            Ok(Cond::Recorded(op, t.with_timezone(&Utc)))
        }
        "action.type" => eq_only(Cond::Action(value.clone())),
        "resources.id" => eq_only(Cond::Resource(user(value))),
        "resources.type" => eq_only(Cond::ResourceType(value.clone())),
        "actors.user.id" => eq_only(Cond::ActorUser(user(value))),
        "correlationid" => eq_only(Cond::Correlation(value.clone())),
        _ => Err(ApiError::invalid_filter(format!(
            "The attribute '{path}' cannot be filtered on."
        ))),
    }
}

/// How an event reads as an activity.
struct Kind {
    action: &'static str,
    description: &'static str,
    success: bool,
    result: String,
}

fn kind(what: &What) -> Kind {
    let k = |action, description, success, result: &str| Kind {
        action,
        description,
        success,
        result: result.to_string(),
    };
    const CHECK_FAILED: (&str, &str) = ("PASSWORD.CHECK_FAILED", "Password Check Failed");
    const UPDATED: (&str, &str) = ("AUTHENTICATION.UPDATED", "Authentication Updated");
    const UNLOCKED: (&str, &str) = ("USER.UNLOCKED", "User Unlocked");
    const DELETED: (&str, &str) = ("DEVICE.DELETED", "Device Deleted");
    match what {
        What::FailedPassword => k(CHECK_FAILED.0, CHECK_FAILED.1, false, "Invalid password"),
        What::Locked => k(
            CHECK_FAILED.0,
            CHECK_FAILED.1,
            false,
            "Invalid password; the account is locked after too many failed attempts",
        ),
        What::SignInWhileLocked => k(CHECK_FAILED.0, CHECK_FAILED.1, false, "Account is locked"),
        What::SignedIn => k(
            "AUTHENTICATION.CREATED",
            "Authentication Created",
            true,
            "User signed on",
        ),
        What::AutoUnlocked => k(UNLOCKED.0, UNLOCKED.1, true, "The lockout period ended"),
        What::AdminUnlocked => k(
            UNLOCKED.0,
            UNLOCKED.1,
            true,
            "User unlocked by administrator",
        ),
        What::MfaChallenge { factor } => {
            let sent = match factor.kind {
                FactorKind::Push => "Push notification sent",
                FactorKind::Email => "One-time passcode sent by email",
                _ => "One-time passcode sent by SMS",
            };
            k(UPDATED.0, UPDATED.1, true, sent)
        }
        What::MfaVerified {
            success, timed_out, ..
        } => match (success, timed_out) {
            (true, _) => k(UPDATED.0, UPDATED.1, true, "MFA check passed"),
            (false, true) => k(UPDATED.0, UPDATED.1, false, "Push timed out"),
            (false, false) => k(UPDATED.0, UPDATED.1, false, "Invalid one-time passcode"),
        },
        What::PushDenied { .. } => k(UPDATED.0, UPDATED.1, false, "Push rejected"),
        What::RecoveryCodeSent => k(
            "PASSWORD.RECOVERY",
            "Password Recovery",
            true,
            "Recovery code sent by email",
        ),
        What::PasswordResetSent => k(
            "PASSWORD.RECOVERY",
            "Password Recovery",
            true,
            "Password reset link sent",
        ),
        What::PasswordChanged => k("PASSWORD.RESET", "Password Reset", true, "Password changed"),
        What::PasswordExpired => k(
            "PASSWORD.EXPIRED",
            "Password Expired",
            true,
            "Password expired by administrator",
        ),
        What::FactorRemoved { factor, .. } => {
            let device = format!(
                "{} device {} deleted",
                device_type(factor.kind),
                device_id(&factor.id)
            );
            k(DELETED.0, DELETED.1, true, &device)
        }
        What::FactorsReset => k(DELETED.0, DELETED.1, true, "All devices deleted"),
    }
}

/// The device type a removed factor was shown as.
fn device_type(kind: FactorKind) -> &'static str {
    match kind {
        FactorKind::Push => "MOBILE",
        FactorKind::OktaTotp | FactorKind::GoogleTotp => "TOTP",
        FactorKind::Sms => "SMS",
        FactorKind::Email => "EMAIL",
        FactorKind::WebAuthn => "FIDO2",
    }
}

/// One history event as PingOne's activity record.
pub(crate) fn activity(state: &State, env: &Environment, e: &OrgEvent) -> Value {
    let user = &state.org.users[e.user];
    let uid = user_id(&user.id);
    let k = kind(&e.what);
    let actors = match e.by {
        Actor::User => json!({"user": {"id": uid, "name": user.login(), "type": "USER"}}),
        Actor::Admin => {
            json!({"client": {"id": env.client_id, "name": WORKER_NAME, "type": "CLIENT"}})
        }
        Actor::System => json!({}),
    };
    let mut a = json!({
        "id": state.history.derived_id("activity", e.seq),
        "recordedAt": iso(e.at),
        "createdAt": iso(e.recorded),
        "correlationId": e.correlation_id,
        "action": {"type": k.action, "description": k.description},
        "actors": actors,
        "resources": [{
            "type": "USER",
            "id": uid,
            "name": user.login(),
            "population": {"id": env.population_id},
            "environment": {"id": env.id},
        }],
        "result": {
            "status": if k.success { "SUCCESS" } else { "FAILED" },
            "description": k.result,
        },
    });
    if let Some(s) = &e.source {
        a["source"] = json!({
            "ipAddress": s.ip,
            "userAgent": s.user_agent,
            "geo": {"city": s.city, "state": s.state, "country": s.country},
        });
    }
    a
}

/// Where the next page starts: just after the event at `(at, seq)`.
fn cursor(e: &OrgEvent) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}:{}", e.at.timestamp_millis(), e.seq))
}

fn parse_cursor(text: &str) -> Option<(DateTime<Utc>, u64)> {
    let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(text).ok()?).ok()?;
    let (ms, seq) = raw.split_once(':')?;
    Some((
        DateTime::from_timestamp_millis(ms.parse().ok()?)?,
        seq.parse().ok()?,
    ))
}

/// Percent-encodes a query value (spaces as `%20`, as PingOne's links have them).
fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// `GET {api_base}/environments/{envId}/activities?{query}` as of `now`: a HAL page of the
/// matching activities, oldest first, with `_links.next` while more match.
pub(crate) fn page(
    state: &State,
    env: &Environment,
    query: &str,
    api_base: &str,
    now: DateTime<Utc>,
) -> Result<Value, ApiError> {
    let (mut filter, mut limit, mut after) = (None, None, None);
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "filter" => filter = Some(value.into_owned()),
            "limit" => limit = Some(value.into_owned()),
            "cursor" => after = Some(value.into_owned()),
            _ => {}
        }
    }
    let filter = filter
        .ok_or_else(|| ApiError::invalid_filter("A filter with a recordedat range is required."))?;
    let cond = compile(&filter, state, env)?;
    let limit = match limit {
        None => DEFAULT_LIMIT,
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                ApiError::invalid_value("limit", format!("limit must be between 1 and {MAX_LIMIT}"))
            })?,
    };
    let after = match &after {
        None => None,
        Some(text) => Some(
            parse_cursor(text)
                .ok_or_else(|| ApiError::invalid_value("cursor", "The cursor is not valid."))?,
        ),
    };
    // Older activities are not queryable: the lower bound is clamped to the window.
    let oldest = (now - Duration::days(WINDOW_DAYS)).max(cond.lower_bound().unwrap_or(now));
    let (mut count, mut items, mut last, mut more) = (0usize, Vec::new(), None, false);
    for e in state.history.since(oldest) {
        if !cond.matches(e) {
            continue;
        }
        count += 1;
        if after.is_some_and(|position| (e.at, e.seq) <= position) {
            continue;
        }
        if items.len() < limit {
            items.push(activity(state, env, e));
            last = Some(e);
        } else {
            more = true;
        }
    }
    let collection = format!("{api_base}/environments/{}/activities", env.id);
    let mut links = json!({"self": {"href": format!("{collection}?{query}")}});
    if let (true, Some(last)) = (more, last) {
        links["next"] = json!({"href": format!(
            "{collection}?filter={}&limit={limit}&cursor={}",
            encode(&filter),
            cursor(last)
        )});
    }
    Ok(json!({
        "_links": links,
        "_embedded": {"activities": items},
        "count": count,
        "size": items.len(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::UserStatus;
    use crate::sim::okta::events::{Origin, SignIn};
    use crate::sim::org::Org;
    use crate::sim::org::ids::trunc_ms;
    use crate::sim::state::ApiRequest;
    use std::collections::HashSet;

    const API: &str = "http://127.0.0.1:9/v1";

    fn world(now: DateTime<Utc>) -> (State, Environment) {
        let org = Org::generate(8, 200, now);
        let env = Environment::new(8, &org);
        (State::new(org, 8), env)
    }

    fn active(s: &State, nth: usize) -> usize {
        (0..s.org.users.len())
            .filter(|&i| i != s.org.admin && s.org.users[i].status == UserStatus::Active)
            .nth(nth)
            .unwrap()
    }

    fn q(filter: &str) -> String {
        format!("filter={}", encode(filter))
    }

    fn since(t: DateTime<Utc>) -> String {
        format!(r#"recordedat gt "{}""#, iso(t))
    }

    fn activities(v: &Value) -> &Vec<Value> {
        v["_embedded"]["activities"].as_array().unwrap()
    }

    fn fail(s: &State, env: &Environment, query: &str) -> ApiError {
        page(s, env, query, API, Utc::now()).unwrap_err()
    }

    #[test]
    fn the_filter_must_bound_recordedat_from_below() {
        let now = Utc::now();
        let (s, env) = world(now);
        let t = iso(now);
        for bad in [
            String::new(),
            q(r#"action.type eq "PASSWORD.CHECK_FAILED""#),
            q(&format!(r#"recordedat lt "{t}""#)),
            q(&format!(r#"recordedat gt "{t}" or action.type eq "X""#)),
        ] {
            let e = fail(&s, &env, &bad);
            assert_eq!(e.code, "INVALID_DATA", "{bad}");
            assert_eq!(e.details[0].code, "INVALID_FILTER");
            assert_eq!(e.details[0].target.as_deref(), Some("filter"));
        }
        assert!(
            fail(&s, &env, &q(r#"action.type eq "X""#)).details[0]
                .message
                .contains("must include a recordedat range")
        );
        for bad in [
            r#"recordedat gt "yesterday""#.to_string(),
            format!(r#"recordedat eq "{t}""#),
            format!(r#"recordedat gt "{t}" and nope eq "x""#),
            format!(r#"recordedat gt "{t}" and action.type sw "PASS""#),
            format!(r#"recordedat gt "{t}" and not (action.type eq "X")"#),
            format!(r#"recordedat gt "{t}" and (action.type eq "X""#),
            r#"recordedat gt 5"#.to_string(),
        ] {
            assert_eq!(
                fail(&s, &env, &q(&bad)).details[0].code,
                "INVALID_FILTER",
                "{bad}"
            );
        }
        for good in [
            format!(r#"recordedAt ge "{t}""#),
            format!(r#"RECORDEDAT gt "{t}" and recordedat lt "{t}""#),
            format!(
                r#"recordedat gt "{t}" and (Action.Type eq "A" or action.type eq "B") and resources.type eq "USER""#
            ),
            format!(r#"(recordedat gt "{t}" and correlationid eq "c") or recordedat ge "{t}""#),
            r#"recordedat gt "2026-01-01T00:00:00+02:00" and actors.user.id eq "x""#.to_string(),
        ] {
            assert!(page(&s, &env, &q(&good), API, now).is_ok(), "{good}");
        }
        for limit in ["0", "1001", "x", "-1"] {
            let e = fail(&s, &env, &format!("{}&limit={limit}", q(&since(now))));
            assert_eq!(e.details[0].code, "INVALID_VALUE");
            assert_eq!(e.details[0].target.as_deref(), Some("limit"));
        }
        let e = fail(&s, &env, &format!("{}&cursor=%%%", q(&since(now))));
        assert_eq!(e.details[0].target.as_deref(), Some("cursor"));
    }

    #[test]
    fn a_lockout_is_a_failed_password_check_at_the_moment_the_account_locked() {
        let now = trunc_ms(Utc::now());
        let (mut s, env) = world(now);
        let u = active(&s, 0);
        let origin = Origin::usual(&s.org.users[u], &mut s.rng);
        let at = now - Duration::seconds(30);
        s.sign_in(
            u,
            &origin,
            SignIn::BadPassword,
            at - Duration::seconds(5),
            at,
        );
        let lockout = s.lock_out(u, &origin, at, at + Duration::milliseconds(20));
        s.sign_in(
            u,
            &origin,
            SignIn::LockedOut,
            at + Duration::seconds(5),
            now,
        );
        let filter = format!(
            r#"{} and action.type eq "PASSWORD.CHECK_FAILED""#,
            since(now - Duration::minutes(5))
        );
        let v = page(&s, &env, &q(&filter), API, now).unwrap();
        let all = activities(&v);
        assert_eq!(all.len(), 3);
        let lock = &all[1];
        assert_eq!(lock["action"]["type"], "PASSWORD.CHECK_FAILED");
        assert_eq!(lock["result"]["status"], "FAILED");
        assert_eq!(
            lock["result"]["description"],
            "Invalid password; the account is locked after too many failed attempts"
        );
        assert_eq!(lock["recordedAt"], iso(lockout.published));
        assert_eq!(s.org.users[u].status_changed, Some(lockout.published));
        assert_eq!(lock["createdAt"], iso(at + Duration::milliseconds(20)));
        assert_eq!(all[0]["result"]["description"], "Invalid password");
        assert_eq!(all[2]["result"]["description"], "Account is locked");
        let uid = user_id(&s.org.users[u].id);
        assert_eq!(lock["resources"][0]["id"], uid.as_str());
        assert_eq!(lock["resources"][0]["type"], "USER");
        assert_eq!(lock["resources"][0]["name"], s.org.users[u].login());
        assert_eq!(
            lock["resources"][0]["population"]["id"],
            env.population_id.as_str()
        );
        assert_eq!(lock["actors"]["user"]["id"], uid.as_str());
        assert_eq!(lock["actors"]["user"]["type"], "USER");
        assert_eq!(lock["source"]["ipAddress"], origin.ip.as_str());
        assert_eq!(lock["source"]["geo"]["city"], origin.place.city);
        assert!(uuid::Uuid::parse_str(lock["id"].as_str().unwrap()).is_ok());
        assert!(uuid::Uuid::parse_str(lock["correlationId"].as_str().unwrap()).is_ok());
        assert_eq!(
            (v["count"].as_u64(), v["size"].as_u64()),
            (Some(3), Some(3))
        );
        assert!(v["_links"].get("next").is_none());
    }

    #[test]
    fn unlocks_name_the_worker_or_nobody_and_filters_pick_users_and_requests() {
        let now = trunc_ms(Utc::now());
        let (mut s, env) = world(now);
        let (a, b) = (active(&s, 0), active(&s, 1));
        for u in [a, b] {
            let origin = Origin::usual(&s.org.users[u], &mut s.rng);
            s.lock_out(
                u,
                &origin,
                now - Duration::minutes(3),
                now - Duration::minutes(3),
            );
        }
        s.admin_unlock(a, "corr-a", "accessdesk/0.1", now - Duration::minutes(2))
            .unwrap();
        s.auto_unlock(b, now - Duration::minutes(1));
        let request = ApiRequest {
            id: "corr-r",
            user_agent: "accessdesk/0.1",
            path: "/v1/x",
        };
        s.send_recovery_code(b, &request, now).unwrap();
        let from = since(now - Duration::minutes(10));
        let unlocks = page(
            &s,
            &env,
            &q(&format!(r#"{from} and action.type eq "USER.UNLOCKED""#)),
            API,
            now,
        )
        .unwrap();
        let all = activities(&unlocks);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0]["actors"]["client"]["id"], env.client_id.as_str());
        assert_eq!(all[0]["actors"]["client"]["type"], "CLIENT");
        assert_eq!(all[0]["actors"]["client"]["name"], WORKER_NAME);
        assert_eq!(all[0]["correlationId"], "corr-a");
        assert_eq!(all[1]["actors"], json!({}));
        assert!(all[1].get("source").is_none());

        let uid = user_id(&s.org.users[b].id);
        let of_b = page(
            &s,
            &env,
            &q(&format!(
                r#"{from} and resources.id eq "{}""#,
                uid.to_uppercase()
            )),
            API,
            now,
        )
        .unwrap();
        let types: Vec<&str> = activities(&of_b)
            .iter()
            .map(|a| a["action"]["type"].as_str().unwrap())
            .collect();
        assert_eq!(
            types,
            [
                "PASSWORD.CHECK_FAILED",
                "USER.UNLOCKED",
                "PASSWORD.RECOVERY"
            ]
        );
        let by_request = page(
            &s,
            &env,
            &q(&format!(
                r#"{from} and (correlationid eq "corr-r" or correlationid eq "corr-a")"#
            )),
            API,
            now,
        )
        .unwrap();
        assert_eq!(activities(&by_request).len(), 2);
        let acted = page(
            &s,
            &env,
            &q(&format!(r#"{from} and actors.user.id eq "{uid}""#)),
            API,
            now,
        )
        .unwrap();
        assert_eq!(activities(&acted).len(), 1, "only the lock is b's own act");
        let nobody = page(
            &s,
            &env,
            &q(&format!(
                r#"{from} and resources.id eq "{}""#,
                s.org.users[b].login()
            )),
            API,
            now,
        )
        .unwrap();
        assert_eq!(nobody["count"], 0, "a username is not a resource id");
    }

    #[test]
    fn only_the_last_fourteen_days_are_queryable() {
        let now = trunc_ms(Utc::now());
        let (mut s, env) = world(now);
        let u = active(&s, 0);
        let origin = Origin::usual(&s.org.users[u], &mut s.rng);
        for days in [20, 13, 1] {
            let t = now - Duration::days(days);
            s.sign_in(u, &origin, SignIn::Success, t, t);
        }
        let v = page(&s, &env, &q(&since(now - Duration::days(30))), API, now).unwrap();
        let times: Vec<&str> = activities(&v)
            .iter()
            .map(|a| a["recordedAt"].as_str().unwrap())
            .collect();
        assert_eq!(
            times,
            [iso(now - Duration::days(13)), iso(now - Duration::days(1))]
        );
        assert_eq!(
            activities(&v)[0]["action"]["type"],
            "AUTHENTICATION.CREATED"
        );
        let upper = format!(
            r#"{} and recordedat le "{}""#,
            since(now - Duration::days(30)),
            iso(now - Duration::days(13))
        );
        assert_eq!(page(&s, &env, &q(&upper), API, now).unwrap()["count"], 1);
    }

    #[test]
    fn pages_follow_next_links_oldest_first_without_gaps_or_repeats() {
        let now = trunc_ms(Utc::now());
        let (mut s, env) = world(now);
        let start = now - Duration::hours(1);
        crate::sim::traffic::Traffic::new(6.0, 8, start).run_until(&mut s, now);
        let filter = format!(
            r#"{} and action.type eq "PASSWORD.CHECK_FAILED""#,
            since(start)
        );
        let first = page(&s, &env, &format!("{}&limit=7", q(&filter)), API, now).unwrap();
        let total = first["count"].as_u64().unwrap() as usize;
        assert!(total > 50, "{total}");
        let (mut seen, mut times, mut pages) = (Vec::new(), Vec::new(), 0);
        let mut current = first;
        loop {
            pages += 1;
            assert_eq!(current["count"].as_u64(), Some(total as u64));
            for a in activities(&current) {
                assert_eq!(a["action"]["type"], "PASSWORD.CHECK_FAILED");
                seen.push(a["id"].as_str().unwrap().to_string());
                times.push(a["recordedAt"].as_str().unwrap().to_string());
            }
            let Some(next) = current["_links"]["next"]["href"].as_str() else {
                break;
            };
            assert_eq!(current["size"], 7);
            let prefix = format!("{API}/environments/{}/activities?", env.id);
            let query = next
                .strip_prefix(&prefix)
                .expect("an absolute URL under the base");
            assert!(
                query.contains("limit=7") && query.contains("%20gt%20"),
                "{query}"
            );
            current = page(&s, &env, query, API, now).unwrap();
        }
        assert_eq!(seen.len(), total);
        assert_eq!(
            seen.iter().collect::<HashSet<_>>().len(),
            total,
            "no repeats"
        );
        assert_eq!(pages, total.div_ceil(7));
        let parsed: Vec<DateTime<Utc>> = times
            .iter()
            .map(|t| DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc))
            .collect();
        assert!(parsed.windows(2).all(|w| w[0] <= w[1]), "oldest first");
        let expected = s
            .history
            .since(start)
            .iter()
            .filter(|e| {
                matches!(
                    e.what,
                    What::FailedPassword | What::Locked | What::SignInWhileLocked
                ) && e.at > start
            })
            .count();
        assert_eq!(total, expected, "no gaps");
        let one = page(&s, &env, &q(&since(start)), API, now).unwrap();
        assert_eq!(one["size"], 100, "the default limit");
    }

    #[test]
    fn mfa_and_device_events_read_as_authentication_updates_and_deletions() {
        let now = trunc_ms(Utc::now());
        let (mut s, env) = world(now);
        let u = (0..s.org.users.len())
            .find(|&i| {
                i != s.org.admin
                    && s.org.users[i].status == UserStatus::Active
                    && s.org.users[i]
                        .factors
                        .iter()
                        .any(|f| f.kind == FactorKind::Sms && f.status == "ACTIVE")
            })
            .unwrap();
        let sms = s.org.users[u]
            .factors
            .iter()
            .find(|f| f.kind == FactorKind::Sms)
            .unwrap()
            .id
            .clone();
        let request = ApiRequest {
            id: "corr-m",
            user_agent: "accessdesk/0.1",
            path: "/x",
        };
        let life = std::time::Duration::from_secs(300);
        s.verify_factor(u, &sms, None, life, &request, now).unwrap();
        let code = s.codes[&sms].code.clone();
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let _ = s.verify_factor(u, &sms, Some(wrong), life, &request, now);
        s.verify_factor(u, &sms, Some(&code), life, &request, now)
            .unwrap();
        s.delete_factor(u, &sms, &request, now).unwrap();
        let v = page(&s, &env, &q(&since(now - Duration::minutes(1))), API, now).unwrap();
        let summary: Vec<(String, String, String)> = activities(&v)
            .iter()
            .map(|a| {
                (
                    a["action"]["type"].as_str().unwrap().into(),
                    a["result"]["status"].as_str().unwrap().into(),
                    a["result"]["description"].as_str().unwrap().into(),
                )
            })
            .collect();
        let row = |t: &str, st: &str, d: &str| (t.to_string(), st.to_string(), d.to_string());
        assert_eq!(
            summary,
            [
                row(
                    "AUTHENTICATION.UPDATED",
                    "SUCCESS",
                    "One-time passcode sent by SMS"
                ),
                row(
                    "AUTHENTICATION.UPDATED",
                    "FAILED",
                    "Invalid one-time passcode"
                ),
                row("AUTHENTICATION.UPDATED", "SUCCESS", "MFA check passed"),
                row(
                    "DEVICE.DELETED",
                    "SUCCESS",
                    &format!("SMS device {} deleted", device_id(&sms))
                ),
            ]
        );
        assert!(
            activities(&v)
                .iter()
                .all(|a| a["correlationId"] == "corr-m")
        );
    }
}
