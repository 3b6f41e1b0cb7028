//! `GET /api/v1/logs` parameters and paging.
//!
//! Polling requests (no `until`, ascending) page by persistence order and
//! always return a `next` link: after the last returned event, or the same
//! cursor when the page is empty, so following `next` verbatim yields every
//! later event exactly once. Bounded and descending requests page by
//! `published` and stop when nothing is left.
//!
//! `since` together with `after` is accepted and `since` is ignored: Okta calls
//! them mutually exclusive, and a client that follows `next` links never sends both.

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use serde_json::value::RawValue;

use super::api_error::ApiError;
use super::log_prefilter::{could_contain, could_match};
use crate::sim::filter::{Case, CompareOp, Filter, parse};
use crate::sim::state::log::{EventLog, StoredEvent};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    Ascending,
    Descending,
}

/// The opaque `after` value: the position of an event, e.g. `1723564700353_42`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Cursor {
    pub published_ms: i64,
    pub seq: u64,
}

impl Cursor {
    fn of(e: &StoredEvent) -> Cursor {
        Cursor {
            published_ms: e.published.timestamp_millis(),
            seq: e.seq,
        }
    }

    pub fn encode(&self) -> String {
        format!("{}_{}", self.published_ms, self.seq)
    }

    pub fn decode(s: &str) -> Option<Cursor> {
        let (ms, seq) = s.split_once('_')?;
        Some(Cursor {
            published_ms: ms.parse().ok()?,
            seq: seq.parse().ok()?,
        })
    }
}

/// Top-level `LogEvent` fields a filter may name (`published` is refused separately).
const LOG_FIELDS: &[&str] = &[
    "uuid",
    "eventType",
    "version",
    "severity",
    "legacyEventType",
    "displayMessage",
    "actor",
    "client",
    "device",
    "authenticationContext",
    "outcome",
    "target",
    "transaction",
    "debugContext",
    "request",
    "securityContext",
];

#[derive(Debug)]
pub(crate) struct LogQuery {
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
    after: Option<Cursor>,
    filter: Option<(String, Filter)>,
    q: Option<(String, Vec<String>)>,
    limit: usize,
    order: Order,
}

pub(crate) struct LogPage {
    /// The events' JSON text, as stored.
    pub events: Vec<Box<RawValue>>,
    /// Query parameters of the `next` link, when there is one.
    pub next: Option<Vec<(String, String)>>,
}

impl LogQuery {
    pub fn parse(params: &[(String, String)], now: DateTime<Utc>) -> Result<LogQuery, ApiError> {
        let get = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let since = get("since").map(|v| date("since", v)).transpose()?;
        if since.is_some_and(|s| s < now - Duration::days(180)) {
            return Err(ApiError::invalid_log_filter(
                "Invalid parameter: The since parameter is over 180 days prior to the current day.",
            ));
        }
        let until = get("until").map(|v| date("until", v)).transpose()?;
        let after = get("after")
            .map(|v| {
                Cursor::decode(v)
                    .ok_or_else(|| ApiError::validation("after", "The cursor is not valid."))
            })
            .transpose()?;
        let limit = match get("limit") {
            None => 100,
            Some(v) => v
                .parse::<usize>()
                .ok()
                .filter(|n| *n <= 1000)
                .ok_or_else(|| {
                    ApiError::validation("limit", "The limit must be between 0 and 1000.")
                })?,
        };
        let order = match get("sortOrder") {
            None | Some("ASCENDING") => Order::Ascending,
            Some("DESCENDING") => Order::Descending,
            Some(_) => {
                return Err(ApiError::validation(
                    "sortOrder",
                    "must be ASCENDING or DESCENDING.",
                ));
            }
        };
        let filter = get("filter")
            .filter(|f| !f.trim().is_empty())
            .map(|f| log_filter(f).map(|parsed| (f.to_string(), parsed)))
            .transpose()?;
        let q = get("q")
            .filter(|q| !q.trim().is_empty())
            .map(|q| keywords(q).map(|k| (q.to_string(), k)))
            .transpose()?;
        Ok(LogQuery {
            since,
            until,
            after,
            filter,
            q,
            limit,
            order,
        })
    }

    fn is_polling(&self) -> bool {
        self.until.is_none() && self.order == Order::Ascending
    }

    fn matches(&self, e: &StoredEvent) -> bool {
        if self.filter.is_none() && self.q.is_none() {
            return true;
        }
        let text = e.text();
        let possible = self
            .filter
            .as_ref()
            .is_none_or(|(_, f)| could_match(f, text))
            && self.q.as_ref().is_none_or(|(_, k)| could_contain(k, text));
        if !possible {
            return false;
        }
        let event = e.event();
        let by_filter = self
            .filter
            .as_ref()
            .is_none_or(|(_, f)| f.matches(&event, Case::Sensitive));
        by_filter
            && self
                .q
                .as_ref()
                .is_none_or(|(_, k)| keywords_match(&event, k))
    }

    pub fn run(&self, log: &EventLog, now: DateTime<Utc>) -> LogPage {
        if self.is_polling() {
            self.poll(log, now)
        } else {
            self.bounded(log, now)
        }
    }

    fn poll(&self, log: &EventLog, now: DateTime<Utc>) -> LogPage {
        let candidates = match self.after {
            Some(c) => log.after_seq(c.seq),
            None => log.persisted_since(self.since.unwrap_or(now - Duration::days(7))),
        };
        let page: Vec<&StoredEvent> = if self.limit == 0 {
            Vec::new()
        } else {
            candidates
                .iter()
                .filter(|e| self.matches(e))
                .take(self.limit)
                .collect()
        };
        let next = match (page.last(), self.after) {
            (Some(last), _) => Some(Cursor::of(last)),
            (None, Some(same)) => Some(same),
            // Every event persisted since `since` was examined and none matched.
            (None, None) if self.limit > 0 => Some(Cursor {
                published_ms: now.timestamp_millis(),
                seq: log.last_seq(),
            }),
            // limit=0 examined nothing: keep asking from `since`.
            (None, None) => None,
        };
        LogPage {
            events: page.into_iter().map(|e| e.raw().to_owned()).collect(),
            next: Some(self.next_params(next)),
        }
    }

    fn bounded(&self, log: &EventLog, now: DateTime<Utc>) -> LogPage {
        let until = self.until.unwrap_or(now);
        let since = self.since.unwrap_or(until - Duration::days(7));
        let mut hits: Vec<&StoredEvent> = log
            .all()
            .iter()
            .filter(|e| e.published >= since && e.published < until && self.matches(e))
            .collect();
        hits.sort_by_key(|e| Cursor::of(e));
        if self.order == Order::Descending {
            hits.reverse();
        }
        if let Some(after) = self.after {
            hits.retain(|e| match self.order {
                Order::Ascending => Cursor::of(e) > after,
                Order::Descending => Cursor::of(e) < after,
            });
        }
        let more = hits.len() > self.limit;
        hits.truncate(self.limit);
        let next = match hits.last() {
            Some(last) if more => Some(self.next_params(Some(Cursor::of(last)))),
            _ => None,
        };
        LogPage {
            events: hits.into_iter().map(|e| e.raw().to_owned()).collect(),
            next,
        }
    }

    /// The same query moved to `cursor` (or still at `since` when there is none).
    fn next_params(&self, cursor: Option<Cursor>) -> Vec<(String, String)> {
        let mut p = Vec::new();
        let mut put = |k: &str, v: String| p.push((k.to_string(), v));
        match cursor {
            Some(c) => {
                if !self.is_polling()
                    && let Some(s) = self.since
                {
                    put("since", iso_param(s));
                }
                put("after", c.encode());
            }
            None => {
                if let Some(s) = self.since {
                    put("since", iso_param(s));
                }
            }
        }
        if let Some(u) = self.until {
            put("until", iso_param(u));
        }
        if let Some((text, _)) = &self.filter {
            put("filter", text.clone());
        }
        if let Some((text, _)) = &self.q {
            put("q", text.clone());
        }
        put("limit", self.limit.to_string());
        let order = match self.order {
            Order::Ascending => "ASCENDING",
            Order::Descending => "DESCENDING",
        };
        put("sortOrder", order.to_string());
        p
    }
}

fn iso_param(t: DateTime<Utc>) -> String {
    crate::sim::org::ids::iso(t)
}

fn date(param: &str, value: &str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::parse_from_rfc3339(value)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| {
            ApiError::validation(
                param,
                "The date format in your query is not recognized. Please enter dates using ISO8601 string format.",
            )
            .with_cause(format!("{param}: must be a valid date-time or empty."))
        })
}

/// Parses a System Log filter and checks its fields and operators.
fn log_filter(text: &str) -> Result<Filter, ApiError> {
    let filter = parse(text)
        .map_err(|e| ApiError::invalid_log_filter(format!("Invalid filter '{text}': {e}")))?;
    let mut problem = None;
    filter.for_each_condition(&mut |path, op| {
        if problem.is_some() {
            return;
        }
        let dotted = path.dotted();
        if path.root() == "published" {
            problem = Some(ApiError::invalid_log_filter(
                "Invalid filter: 'published' cannot be used in a filter; use the since and until parameters",
            ));
        } else if !LOG_FIELDS.contains(&path.root()) {
            problem = Some(ApiError::invalid_log_filter(format!("field is not valid: {dotted}")));
        } else if op == Some(CompareOp::Co)
            && matches!(dotted.as_str(), "debugContext.debugData.url" | "debugContext.debugData.requestUri")
        {
            problem = Some(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "E0000031",
                format!("The supplied combination of operator and field is not currently supported. Operator: co, Field: {dotted}"),
            ));
        }
    });
    match problem {
        Some(p) => Err(p),
        None => Ok(filter),
    }
}

fn keywords(q: &str) -> Result<Vec<String>, ApiError> {
    let words: Vec<String> = q.split_whitespace().map(str::to_lowercase).collect();
    if words.len() > 10 {
        return Err(ApiError::validation(
            "q",
            "Freeform search cannot contain more than 10 items.",
        ));
    }
    if words.iter().any(|w| w.chars().count() > 40) {
        return Err(ApiError::validation(
            "q",
            "Freeform search cannot contain items longer than 40 characters. Please shorten the items in your search or use an advanced filter to query by specific fields.",
        ));
    }
    Ok(words)
}

/// Every keyword must equal some value of the event, a word of it, or a
/// hyphen-separated part of a word (Okta splits hyphenated values too).
fn keywords_match(event: &Value, keywords: &[String]) -> bool {
    let mut tokens = std::collections::HashSet::new();
    collect_tokens(event, &mut tokens);
    keywords.iter().all(|k| tokens.contains(k))
}

fn collect_tokens(v: &Value, out: &mut std::collections::HashSet<String>) {
    match v {
        Value::String(s) => {
            let lower = s.to_lowercase();
            for word in lower.split_whitespace() {
                out.extend(
                    word.split('-')
                        .filter(|p| !p.is_empty())
                        .map(str::to_string),
                );
                out.insert(word.to_string());
            }
            out.insert(lower);
        }
        Value::Array(items) => items.iter().for_each(|i| collect_tokens(i, out)),
        Value::Object(map) => map.values().for_each(|i| collect_tokens(i, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const LOCKOUT: &str = r#"eventType eq "user.account.lock" or (eventType eq "user.session.start" and outcome.reason eq "LOCKED_OUT")"#;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2025-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    /// Event n: a lock when n is even, a success sign-in when odd; published n seconds after t0.
    fn log_with(n: u64) -> EventLog {
        let mut log = EventLog::default();
        for i in 1..=n {
            log.append(
                event(i),
                t0() + Duration::seconds(i as i64),
                t0() + Duration::seconds(i as i64),
            );
        }
        log
    }

    fn event(i: u64) -> Value {
        let (event_type, reason) = if i.is_multiple_of(2) {
            ("user.account.lock", "LOCKED_OUT")
        } else {
            ("user.session.start", "")
        };
        json!({"uuid": format!("u{i}"), "eventType": event_type, "outcome": {"reason": reason}, "displayMessage": "Max sign-in attempts"})
    }

    fn uuids(page: &LogPage) -> Vec<String> {
        page.events
            .iter()
            .map(|e| {
                let v: Value = serde_json::from_str(e.get()).unwrap();
                v["uuid"].as_str().unwrap().to_string()
            })
            .collect()
    }

    fn follow(next: &[(String, String)]) -> Vec<(String, String)> {
        next.to_vec()
    }

    #[test]
    fn cursor_round_trips_and_rejects_garbage() {
        let c = Cursor {
            published_ms: 1723564700353,
            seq: 42,
        };
        assert_eq!(c.encode(), "1723564700353_42");
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        assert_eq!(Cursor::decode("abc"), None);
        assert_eq!(Cursor::decode("1_x"), None);
    }

    #[test]
    fn polling_follows_next_and_sees_each_event_once() {
        let now = t0() + Duration::minutes(5);
        let mut log = log_with(7);
        let mut p = params(&[
            ("since", "2025-01-01T00:00:00Z"),
            ("limit", "3"),
            ("filter", LOCKOUT),
        ]);
        let mut seen = Vec::new();
        for _ in 0..3 {
            let page = LogQuery::parse(&p, now).unwrap().run(&log, now);
            seen.extend(uuids(&page));
            p = follow(page.next.as_ref().expect("polling always has next"));
        }
        assert_eq!(seen, ["u2", "u4", "u6"]);
        // The next link keeps filter, limit and order and moves the cursor.
        assert!(p.contains(&("filter".into(), LOCKOUT.into())));
        assert!(p.contains(&("limit".into(), "3".into())));
        assert!(p.contains(&("sortOrder".into(), "ASCENDING".into())));
        assert!(!p.iter().any(|(k, _)| k == "since"));
        // An empty page keeps the same cursor...
        let empty = LogQuery::parse(&p, now).unwrap().run(&log, now);
        assert!(empty.events.is_empty());
        assert_eq!(empty.next.as_ref().unwrap(), &p);
        // ...and new events show up exactly once.
        for i in 8..=10 {
            log.append(event(i), now, now);
        }
        let page = LogQuery::parse(&p, now).unwrap().run(&log, now);
        assert_eq!(uuids(&page), ["u8", "u10"]);
        let after = LogQuery::parse(page.next.as_ref().unwrap(), now)
            .unwrap()
            .run(&log, now);
        assert!(after.events.is_empty());
    }

    #[test]
    fn polling_uses_persistence_time_not_published() {
        let now = t0() + Duration::minutes(5);
        let mut log = EventLog::default();
        // Published long ago, persisted now: a late-arriving event.
        log.append(
            event(2),
            t0() - Duration::hours(1),
            t0() + Duration::seconds(10),
        );
        let p = params(&[("since", "2025-01-01T00:00:05Z")]);
        let page = LogQuery::parse(&p, now).unwrap().run(&log, now);
        assert_eq!(uuids(&page), ["u2"]);
    }

    #[test]
    fn empty_first_poll_skips_what_was_examined() {
        let now = t0() + Duration::minutes(5);
        let mut log = log_with(3);
        let p = params(&[
            ("since", "2025-01-01T00:00:00Z"),
            ("filter", r#"eventType eq "nope""#),
        ]);
        let page = LogQuery::parse(&p, now).unwrap().run(&log, now);
        assert!(page.events.is_empty());
        let next = page.next.unwrap();
        assert!(next.contains(&("after".into(), format!("{}_3", now.timestamp_millis()))));
        log.append(json!({"uuid": "late", "eventType": "nope"}), now, now);
        let page = LogQuery::parse(&next, now).unwrap().run(&log, now);
        assert_eq!(uuids(&page), ["late"]);
    }

    #[test]
    fn bounded_pages_by_published_and_ends() {
        let now = t0() + Duration::minutes(5);
        let log = log_with(9);
        let mut p = params(&[
            ("since", "2025-01-01T00:00:02Z"),
            ("until", "2025-01-01T00:00:08Z"),
            ("limit", "4"),
        ]);
        let first = LogQuery::parse(&p, now).unwrap().run(&log, now);
        assert_eq!(uuids(&first), ["u2", "u3", "u4", "u5"]);
        p = first.next.unwrap();
        assert!(p.iter().any(|(k, _)| k == "until"));
        let second = LogQuery::parse(&p, now).unwrap().run(&log, now);
        assert_eq!(uuids(&second), ["u6", "u7"]);
        assert!(second.next.is_none());
        let desc = params(&[("sortOrder", "DESCENDING"), ("limit", "2")]);
        let page = LogQuery::parse(&desc, now).unwrap().run(&log, now);
        assert_eq!(uuids(&page), ["u9", "u8"]);
        let page = LogQuery::parse(&page.next.unwrap(), now)
            .unwrap()
            .run(&log, now);
        assert_eq!(uuids(&page), ["u7", "u6"]);
    }

    #[test]
    fn keyword_search_matches_words_and_hyphen_parts() {
        let now = t0() + Duration::minutes(5);
        let log = log_with(4);
        let run = |q: &str| {
            uuids(
                &LogQuery::parse(&params(&[("q", q), ("until", "2025-01-02T00:00:00Z")]), now)
                    .unwrap()
                    .run(&log, now),
            )
        };
        assert_eq!(run("sign"), ["u1", "u2", "u3", "u4"]);
        assert_eq!(run("SIGN-IN attempts"), ["u1", "u2", "u3", "u4"]);
        assert_eq!(run("u3"), ["u3"]);
        assert!(run("sig").is_empty());
    }

    #[test]
    fn rejects_bad_parameters_with_okta_codes() {
        let now = t0();
        let code = |pairs: &[(&str, &str)]| LogQuery::parse(&params(pairs), now).unwrap_err().code;
        assert_eq!(code(&[("limit", "1001")]), "E0000001");
        assert_eq!(code(&[("limit", "-1")]), "E0000001");
        assert_eq!(code(&[("limit", "ten")]), "E0000001");
        assert_eq!(code(&[("until", "yesterday")]), "E0000001");
        assert_eq!(code(&[("sortOrder", "UP")]), "E0000001");
        assert_eq!(code(&[("after", "nonsense")]), "E0000001");
        assert_eq!(code(&[("since", "2024-01-01T00:00:00Z")]), "E0000053");
        assert_eq!(
            code(&[("filter", r#"published gt "2025-01-01T00:00:00Z""#)]),
            "E0000053"
        );
        assert_eq!(code(&[("filter", r#"nosuchfield eq "x""#)]), "E0000053");
        assert_eq!(code(&[("filter", r#"eventType eqq "x""#)]), "E0000053");
        assert_eq!(code(&[("filter", r#"(eventType eq "x""#)]), "E0000053");
        assert_eq!(
            code(&[("filter", r#"debugContext.debugData.url co "/oauth/""#)]),
            "E0000031"
        );
        assert_eq!(code(&[("q", "a b c d e f g h i j k")]), "E0000001");
        assert_eq!(code(&[("q", &"x".repeat(41))]), "E0000001");
        assert!(
            LogQuery::parse(
                &params(&[
                    ("limit", "0"),
                    ("filter", r#"debugContext.debugData.url eq "/x""#)
                ]),
                now
            )
            .is_ok()
        );
        let e = LogQuery::parse(
            &params(&[("filter", r#"display_message eqq "Create okta user""#)]),
            now,
        )
        .unwrap_err();
        assert!(
            e.summary.contains("Unrecognized attribute operator 'eqq'")
                && e.summary.contains("position 16"),
            "{}",
            e.summary
        );
    }
}
