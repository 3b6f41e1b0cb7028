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

    proptest! {
        #[test]
        fn parse_of_display_is_identity(f in filter()) {
            let text = f.to_string();
            prop_assert_eq!(parse(&text).unwrap(), f, "text: {}", text);
        }
    }
}
