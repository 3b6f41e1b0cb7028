//! PingOne's HAL collections: `_links.self` (and `next` while more remain), `_embedded.<name>`,
//! `count` (every match) and `size` (this page); the `limit` parameter and the opaque
//! `cursor` a client only ever takes from `_links.next.href`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::api_error::ApiError;

pub(crate) const DEFAULT_LIMIT: usize = 100;
pub(crate) const MAX_LIMIT: usize = 1000;

/// Which slice of the matches a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Paging {
    pub limit: usize,
    /// Index of the first match on this page.
    pub start: usize,
}

impl Paging {
    pub fn parse(params: &[(String, String)]) -> Result<Paging, ApiError> {
        let get = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v);
        let limit = match get("limit") {
            None => DEFAULT_LIMIT,
            Some(v) => v
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| {
                    ApiError::invalid_value(
                        "limit",
                        format!("limit must be a whole number from 1 to {MAX_LIMIT}"),
                    )
                })?,
        };
        let start = match get("cursor") {
            None => 0,
            Some(c) => decode_cursor(c)
                .ok_or_else(|| ApiError::invalid_value("cursor", "The cursor is not valid"))?,
        };
        Ok(Paging { limit, start })
    }

    /// The indexes of `total` matches this page covers.
    pub fn range(&self, total: usize) -> std::ops::Range<usize> {
        let start = self.start.min(total);
        start..(start + self.limit).min(total)
    }
}

// A prefix keeps an arbitrary string from decoding as a cursor by accident.
const CURSOR_PREFIX: &str = "p1:";

fn encode_cursor(start: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{start}"))
}

fn decode_cursor(cursor: &str) -> Option<usize> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor.trim()).ok()?;
    String::from_utf8(bytes)
        .ok()?
        .strip_prefix(CURSOR_PREFIX)?
        .parse()
        .ok()
}

/// Percent-encodes a query component (spaces as `%20`, as PingOne writes them).
fn encode(component: &str) -> String {
    url::form_urlencoded::byte_serialize(component.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// `url` (absolute, without a query) with `params`.
pub(crate) fn href(url: &str, params: &[(String, String)]) -> String {
    if params.is_empty() {
        return url.to_string();
    }
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    format!("{url}?{}", query.join("&"))
}

/// The collection body for one page. `url` is the collection's absolute URL without a query
/// and `params` the request's query parameters (the next link keeps all but `cursor`).
pub(crate) fn collection(
    name: &str,
    items: Vec<Value>,
    total: usize,
    paging: Paging,
    url: &str,
    params: &[(String, String)],
) -> Value {
    let size = items.len();
    let mut links = json!({"self": {"href": href(url, params)}});
    let end = paging.range(total).end;
    if end < total {
        let mut next: Vec<(String, String)> = params
            .iter()
            .filter(|(k, _)| k != "cursor")
            .cloned()
            .collect();
        next.push(("cursor".to_string(), encode_cursor(end)));
        links["next"] = json!({"href": href(url, &next)});
    }
    json!({
        "_links": links,
        "_embedded": {name: items},
        "count": total,
        "size": size,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn limits_default_cap_and_refuse() {
        assert_eq!(Paging::parse(&[]).unwrap().limit, DEFAULT_LIMIT);
        assert_eq!(
            Paging::parse(&params(&[("limit", "1000")])).unwrap().limit,
            1000
        );
        for bad in ["0", "1001", "ten", "-1"] {
            let e = Paging::parse(&params(&[("limit", bad)])).unwrap_err();
            assert_eq!(e.code, "INVALID_DATA");
            assert_eq!(e.details[0].code, "INVALID_VALUE");
            assert_eq!(e.details[0].target.as_deref(), Some("limit"));
        }
        let e = Paging::parse(&params(&[("cursor", "bogus")])).unwrap_err();
        assert_eq!(e.details[0].target.as_deref(), Some("cursor"));
    }

    #[test]
    fn next_links_walk_every_item_once() {
        let url = "http://h/v1/environments/e/users";
        let mut p = params(&[("filter", r#"name.family sw "Re""#), ("limit", "2")]);
        let mut seen = Vec::new();
        loop {
            let paging = Paging::parse(&p).unwrap();
            let items: Vec<Value> = paging.range(5).map(|i| json!(i)).collect();
            let body = collection("users", items, 5, paging, url, &p);
            assert_eq!(body["count"], 5);
            seen.extend(body["_embedded"]["users"].as_array().unwrap().clone());
            let Some(next) = body["_links"]["next"]["href"].as_str() else {
                break;
            };
            assert!(next.starts_with(url) && next.contains("name.family%20sw%20%22Re%22"));
            let query = next.split_once('?').unwrap().1;
            p = url::form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect();
        }
        assert_eq!(seen, (0..5).map(|i| json!(i)).collect::<Vec<_>>());
    }
}
