//! RFC 8288 `Link` headers as Okta sends them: one header line per link, though a single line
//! may also carry several comma-separated links.

use reqwest::header::{HeaderMap, LINK};

/// The URL of the first link with `rel="<rel>"` across every `Link` header value.
pub fn find(headers: &HeaderMap, rel: &str) -> Option<String> {
    headers
        .get_all(LINK)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(split_links)
        .find(|(_, rels)| rels.split_whitespace().any(|r| r.eq_ignore_ascii_case(rel)))
        .map(|(url, _)| url)
}

/// Split one header value into `(url, rel)` pairs.
fn split_links(value: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = value.trim_start();
    while let Some(after_lt) = rest.strip_prefix('<') {
        let Some(end) = after_lt.find('>') else {
            break;
        };
        let url = after_lt[..end].trim().to_string();
        let tail = &after_lt[end + 1..];
        // A link's parameters end at the comma that opens the next link.
        let (params, remainder) = match tail.find(", <").or_else(|| tail.find(",<")) {
            Some(i) => (&tail[..i], &tail[i + 1..]),
            None => (tail, ""),
        };
        let rel = params
            .split(';')
            .filter_map(|p| p.trim().split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("rel"))
            .map(|(_, v)| v.trim().trim_matches('"').to_string())
            .unwrap_or_default();
        out.push((url, rel));
        rest = remainder.trim_start();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn finds_next_among_separate_header_lines() {
        let mut h = HeaderMap::new();
        h.append(
            LINK,
            HeaderValue::from_static("<https://x.okta.com/api/v1/logs?since=a>; rel=\"self\""),
        );
        h.append(
            LINK,
            HeaderValue::from_static(
                "<https://x.okta.com/api/v1/logs?after=b&limit=5>; rel=\"next\"",
            ),
        );
        assert_eq!(
            find(&h, "next").as_deref(),
            Some("https://x.okta.com/api/v1/logs?after=b&limit=5")
        );
        assert_eq!(
            find(&h, "self").as_deref(),
            Some("https://x.okta.com/api/v1/logs?since=a")
        );
        assert_eq!(find(&h, "prev"), None);
    }

    #[test]
    fn finds_next_in_a_combined_header_line() {
        let mut h = HeaderMap::new();
        h.append(
            LINK,
            HeaderValue::from_static(
                "<https://x/u?a=1,2>; rel=\"self\", <https://x/u?after=9>; rel=next",
            ),
        );
        assert_eq!(find(&h, "next").as_deref(), Some("https://x/u?after=9"));
        assert_eq!(find(&h, "self").as_deref(), Some("https://x/u?a=1,2"));
    }

    #[test]
    fn malformed_values_yield_nothing_rather_than_panicking() {
        let mut h = HeaderMap::new();
        h.append(LINK, HeaderValue::from_static("<https://x/u; rel=\"next\""));
        h.append(LINK, HeaderValue::from_static("garbage"));
        assert_eq!(find(&h, "next"), None);
    }
}
