//! The `sysparm_*` parameters a Table API request carries.

use std::collections::HashMap;

/// `sysparm_display_value`: stored values, labels, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Display {
    Value,
    Label,
    All,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Params {
    pub query: String,
    /// ServiceNow's default page is 10000 records.
    pub limit: usize,
    pub offset: usize,
    /// `sysparm_fields`; empty: every field.
    pub fields: Vec<String>,
    pub display: Display,
    pub exclude_reference_link: bool,
    /// `sysparm_input_display_value`: written reference values may be labels.
    pub input_display_value: bool,
    /// Every pair as sent, in order, for the paging links.
    pub pairs: Vec<(String, String)>,
}

const DEFAULT_LIMIT: usize = 10_000;

impl Params {
    pub fn parse(query: Option<&str>) -> Params {
        let pairs: Vec<(String, String)> =
            url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
                .into_owned()
                .collect();
        let map: HashMap<&str, &str> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let flag = |k: &str| map.get(k).is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let number = |k: &str| map.get(k).and_then(|v| v.trim().parse::<usize>().ok());
        Params {
            query: map.get("sysparm_query").unwrap_or(&"").to_string(),
            limit: number("sysparm_limit").unwrap_or(DEFAULT_LIMIT),
            offset: number("sysparm_offset").unwrap_or(0),
            fields: map
                .get("sysparm_fields")
                .map(|f| {
                    f.split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            display: match map
                .get("sysparm_display_value")
                .map(|v| v.to_ascii_lowercase())
            {
                Some(v) if v == "true" => Display::Label,
                Some(v) if v == "all" => Display::All,
                _ => Display::Value,
            },
            exclude_reference_link: flag("sysparm_exclude_reference_link"),
            input_display_value: flag("sysparm_input_display_value"),
            pairs,
        }
    }

    /// The query string with this offset and limit, everything else as sent.
    pub fn with_page(&self, offset: usize, limit: usize) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.pairs {
            if k != "sysparm_offset" && k != "sysparm_limit" {
                out.append_pair(k, v);
            }
        }
        out.append_pair("sysparm_offset", &offset.to_string())
            .append_pair("sysparm_limit", &limit.to_string());
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_every_parameter() {
        let p = Params::parse(None);
        assert_eq!((p.limit, p.offset, p.display), (10_000, 0, Display::Value));
        assert!(p.fields.is_empty() && !p.exclude_reference_link);
        let p = Params::parse(Some(
            "sysparm_query=active%3Dtrue%5Ecaller_id.email%3Da%40b.c&sysparm_limit=2&sysparm_offset=4&sysparm_fields=sys_id,%20number&sysparm_display_value=all&sysparm_exclude_reference_link=true&sysparm_input_display_value=TRUE",
        ));
        assert_eq!(p.query, "active=true^caller_id.email=a@b.c");
        assert_eq!((p.limit, p.offset, p.display), (2, 4, Display::All));
        assert_eq!(p.fields, ["sys_id", "number"]);
        assert!(p.exclude_reference_link && p.input_display_value);
        assert_eq!(
            Params::parse(Some("sysparm_display_value=true")).display,
            Display::Label
        );
        let next = p.with_page(6, 2);
        assert!(next.ends_with("sysparm_offset=6&sysparm_limit=2"), "{next}");
        assert!(next.contains("sysparm_query=active%3Dtrue"), "{next}");
    }
}
