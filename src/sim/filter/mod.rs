//! SCIM filter expressions as Okta accepts them in `filter` and `search`:
//! a tokenizer, a recursive-descent parser and an evaluator over JSON.
//! Which fields and operators an endpoint allows is checked by the caller.

mod ast;
mod eval;
mod lexer;
mod parser;

pub use ast::{AttrPath, CompareOp, Filter, Literal};
pub use eval::{Case, resolve};
pub use parser::parse;

/// A syntax error, with the 0-based character position it was found at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at position {position}")]
pub struct ParseError {
    pub position: usize,
    pub message: String,
}

impl ParseError {
    pub(crate) fn new(position: usize, message: impl Into<String>) -> Self {
        Self {
            position,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod roundtrip {
    use super::*;
    use proptest::prelude::*;

    fn path() -> impl Strategy<Value = AttrPath> {
        proptest::collection::vec("[a-zA-Z_][a-zA-Z0-9_]{0,6}", 1..4).prop_filter_map(
            "keywords are not attribute names",
            |segs| {
                let first = segs[0].to_ascii_lowercase();
                (!["and", "or", "not", "true", "false", "null"].contains(&first.as_str()))
                    .then_some(AttrPath(segs))
            },
        )
    }

    fn literal() -> impl Strategy<Value = Literal> {
        prop_oneof![
            any::<String>().prop_map(Literal::String),
            (-1_000_000i64..1_000_000).prop_map(|n| Literal::Number(n as f64)),
            (-1e6f64..1e6).prop_map(Literal::Number),
            any::<bool>().prop_map(Literal::Bool),
            Just(Literal::Null),
        ]
    }

    fn filter() -> impl Strategy<Value = Filter> {
        let leaf = prop_oneof![
            (
                path(),
                proptest::sample::select(CompareOp::ALL.to_vec()),
                literal()
            )
                .prop_map(|(path, op, value)| Filter::Compare { path, op, value }),
            path().prop_map(Filter::Present),
        ];
        leaf.prop_recursive(4, 24, 2, |inner| {
            prop_oneof![
                inner.clone().prop_map(|f| Filter::Not(Box::new(f))),
                (inner.clone(), inner.clone())
                    .prop_map(|(a, b)| Filter::And(Box::new(a), Box::new(b))),
                (inner.clone(), inner).prop_map(|(a, b)| Filter::Or(Box::new(a), Box::new(b))),
            ]
        })
    }

    /// Filter-shaped text: tokens of the grammar in any order, so the parser gets deep.
    fn token_soup() -> impl Strategy<Value = String> {
        let token = prop_oneof![
            proptest::sample::select(vec![
                "and",
                "or",
                "not",
                "(",
                ")",
                "[",
                "]",
                "eq",
                "ne",
                "co",
                "sw",
                "ew",
                "pr",
                "gt",
                "ge",
                "lt",
                "le",
                "true",
                "false",
                "null",
                "\"",
                "\"x\"",
                "\"\\\"\"",
                "\\",
                "1",
                "-1.5e309",
                "1e",
                ".",
                "profile.login",
                "a.b.c",
                "emails[type eq \"work\"]",
                " ",
                "  ",
                "\t",
                "\u{0}",
                "é",
                "👩‍👩‍👧",
            ])
            .prop_map(str::to_string),
            "[a-zA-Z_.\\[\\]()\" 0-9-]{1,6}",
        ];
        proptest::collection::vec(token, 0..24).prop_map(|t| t.join(" "))
    }

    proptest! {
        #[test]
        fn parse_of_display_is_identity(f in filter()) {
            let text = f.to_string();
            prop_assert_eq!(parse(&text).unwrap(), f, "text: {}", text);
        }

        /// Any text parses or is refused with an error; none panics. What parses evaluates
        /// against any document without panicking too.
        #[test]
        fn arbitrary_text_never_panics(text in any::<String>(), soup in token_soup()) {
            for input in [text.as_str(), soup.as_str()] {
                if let Ok(f) = parse(input) {
                    let doc = serde_json::json!({"profile": {"login": "a", "n": 1}, "a": [1, "x"]});
                    let _ = f.matches(&doc, Case::Insensitive);
                    let _ = f.to_string();
                }
            }
        }

        /// Deep nesting and long chains are parsed within the limits and refused beyond them,
        /// never a stack overflow.
        #[test]
        fn deep_nesting_never_panics(depth in 0usize..5_000, not in any::<bool>(), chain in 0usize..3_000) {
            let open = if not { "not (" } else { "(" };
            let text = format!("{}a eq 1{}", open.repeat(depth), ")".repeat(depth));
            let levels = if not { 2 * depth } else { depth };
            prop_assert_eq!(parse(&text).is_ok(), levels <= parser::MAX_DEPTH, "depth {}", depth);
            let nots = format!("{}a pr", "not ".repeat(depth));
            prop_assert_eq!(parse(&nots).is_ok(), depth <= parser::MAX_DEPTH);
            let text = vec!["a eq 1"; chain + 1].join(" and ");
            let parsed = parse(&text);
            prop_assert_eq!(parsed.is_ok(), chain < parser::MAX_CONDITIONS);
            if let Ok(f) = parsed {
                let doc = serde_json::json!({"a": 1});
                prop_assert!(f.matches(&doc, Case::Sensitive), "the chain matches");
            }
        }
    }
}
