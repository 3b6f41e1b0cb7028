//! PingOne's SCIM `filter` on top of the shared parser: the attributes and operators an
//! endpoint allows, attribute names matched case-insensitively, and the
//! `memberOfGroups[id eq "…"]` form PingOne uses for group membership.

use crate::sim::filter::{AttrPath, CompareOp, Filter, parse};

use super::api_error::ApiError;

/// An attribute a filter may name and the operators it takes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attr {
    pub name: &'static str,
    pub ops: &'static [CompareOp],
}

pub(crate) const EQ: &[CompareOp] = &[CompareOp::Eq];
pub(crate) const EQ_SW: &[CompareOp] = &[CompareOp::Eq, CompareOp::Sw];
pub(crate) const RANGE: &[CompareOp] = &[
    CompareOp::Eq,
    CompareOp::Gt,
    CompareOp::Ge,
    CompareOp::Lt,
    CompareOp::Le,
];

/// Parses `text` and checks it against `attrs`; every path in the result is spelled as in
/// `attrs`. Anything else is 400 `INVALID_DATA` / `INVALID_FILTER` on `filter`.
pub(crate) fn parse_filter(text: &str, attrs: &[Attr]) -> Result<Filter, ApiError> {
    let flat = flatten_brackets(text).map_err(ApiError::invalid_filter)?;
    let filter = parse(&flat).map_err(|e| ApiError::invalid_filter(e.to_string()))?;
    canonical(filter, attrs).map_err(ApiError::invalid_filter)
}

fn canonical(filter: Filter, attrs: &[Attr]) -> Result<Filter, String> {
    let pair = |a: Box<Filter>, b: Box<Filter>| -> Result<(Box<Filter>, Box<Filter>), String> {
        Ok((
            Box::new(canonical(*a, attrs)?),
            Box::new(canonical(*b, attrs)?),
        ))
    };
    match filter {
        Filter::Compare { path, op, value } => {
            let dotted = path.dotted();
            let attr = attrs
                .iter()
                .find(|a| a.name.eq_ignore_ascii_case(&dotted))
                .ok_or_else(|| format!("Unsupported filter attribute '{dotted}'"))?;
            if !attr.ops.contains(&op) {
                return Err(format!(
                    "The operator '{op}' is not supported for attribute '{}'",
                    attr.name
                ));
            }
            Ok(Filter::Compare {
                path: AttrPath(attr.name.split('.').map(str::to_string).collect()),
                op,
                value,
            })
        }
        Filter::Present(path) => Err(format!(
            "The operator 'pr' is not supported for attribute '{path}'"
        )),
        Filter::Not(_) => Err("The operator 'not' is not supported".to_string()),
        Filter::And(a, b) => pair(a, b).map(|(a, b)| Filter::And(a, b)),
        Filter::Or(a, b) => pair(a, b).map(|(a, b)| Filter::Or(a, b)),
    }
}

/// `memberOfGroups[id eq "g"]` → `memberOfGroups.id eq "g"` (the shared parser has no
/// brackets; the evaluator flattens arrays, so the dotted form means "any of them").
/// Only one plain condition may sit inside the brackets.
fn flatten_brackets(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    let mut in_string = false;
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                in_string = !in_string;
                out.push(c);
            }
            '\\' if in_string => {
                out.push(c);
                if let Some((_, next)) = chars.next() {
                    out.push(next);
                }
            }
            '[' if !in_string => {
                let attribute = out
                    .rsplit(|c: char| c.is_whitespace() || c == '(')
                    .next()
                    .unwrap_or_default()
                    .to_string();
                if attribute.is_empty() {
                    return Err(format!("Unexpected '[' at position {i}"));
                }
                let mut inner = String::new();
                let mut quoted = false;
                let mut closed = false;
                for (_, c) in chars.by_ref() {
                    match c {
                        '"' => quoted = !quoted,
                        ']' if !quoted => {
                            closed = true;
                            break;
                        }
                        '[' | '(' | ')' if !quoted => {
                            return Err(format!(
                                "Only one condition is supported inside '{attribute}[…]'"
                            ));
                        }
                        _ => {}
                    }
                    inner.push(c);
                }
                if !closed {
                    return Err(format!("Unbalanced '[' at position {i}"));
                }
                let inner = inner.trim();
                if !matches!(parse(inner), Ok(Filter::Compare { .. })) {
                    return Err(format!(
                        "Only one condition is supported inside '{attribute}[…]'"
                    ));
                }
                out.push('.');
                out.push_str(inner);
            }
            _ => out.push(c),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::filter::Case;
    use serde_json::json;

    const ATTRS: &[Attr] = &[
        Attr {
            name: "username",
            ops: EQ_SW,
        },
        Attr {
            name: "memberOfGroups.id",
            ops: EQ,
        },
        Attr {
            name: "updatedAt",
            ops: RANGE,
        },
    ];

    #[test]
    fn brackets_become_dotted_paths_outside_strings() {
        assert_eq!(
            flatten_brackets(r#"memberOfGroups[id eq "a[b]"] and username sw "x""#).unwrap(),
            r#"memberOfGroups.id eq "a[b]" and username sw "x""#
        );
        assert_eq!(
            flatten_brackets(r#"(memberOfGroups[id eq "g"])"#).unwrap(),
            r#"(memberOfGroups.id eq "g")"#
        );
        assert!(flatten_brackets(r#"memberOfGroups[id eq "g""#).is_err());
        assert!(flatten_brackets(r#"[id eq "g"]"#).is_err());
        assert!(flatten_brackets(r#"memberOfGroups[id eq "g" or id eq "h"]"#).is_err());
    }

    #[test]
    fn names_are_case_insensitive_and_operators_checked() {
        let f = parse_filter(
            r#"USERNAME eq "Dana" and memberofgroups[ID eq "g1"] or updatedat gt "2024-01-01T00:00:00Z""#,
            ATTRS,
        )
        .unwrap();
        let doc = json!({"username": "dana", "memberOfGroups": [{"id": "g0"}, {"id": "g1"}]});
        assert!(f.matches(&doc, Case::Insensitive));
        let doc = json!({"username": "dana", "memberOfGroups": [{"id": "g0"}]});
        assert!(!f.matches(&doc, Case::Insensitive));
        for bad in [
            r#"username gt "a""#,
            r#"nickname eq "a""#,
            r#"not (username eq "a")"#,
            "username pr",
            r#"username eq "a" and"#,
        ] {
            let e = parse_filter(bad, ATTRS).unwrap_err();
            assert_eq!(e.code, "INVALID_DATA", "{bad}");
            assert_eq!(e.details[0].code, "INVALID_FILTER", "{bad}");
            assert_eq!(e.details[0].target.as_deref(), Some("filter"), "{bad}");
        }
    }
}
