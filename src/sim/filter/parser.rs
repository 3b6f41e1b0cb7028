//! Recursive-descent parser. Precedence, loosest first: `or`, `and`, `not`;
//! parentheses group. Keywords and operators are case-insensitive.

use super::ParseError;
use super::ast::{AttrPath, CompareOp, Filter, Literal};
use super::lexer::{Tok, Token, tokenize};

const EXPECTED_OPS: &str = "eq,ne,co,sw,ew,pr,gt,ge,lt,le";

/// Parentheses and `not`s nested deeper than this are refused: the parser, the evaluation and
/// dropping the tree all recurse, and a filter comes from any client (a few KB of `(` would
/// otherwise overflow the stack and abort the simulator).
pub const MAX_DEPTH: usize = 64;
/// At most this many conditions in one filter (an `and` chain is a tree as deep as it is long).
pub const MAX_CONDITIONS: usize = 1_000;

pub fn parse(input: &str) -> Result<Filter, ParseError> {
    let tokens = tokenize(input)?;
    let mut p = Parser {
        tokens,
        at: 0,
        depth: 0,
        conditions: 0,
    };
    let filter = p.or()?;
    match &p.peek().tok {
        Tok::End => Ok(filter),
        Tok::RParen => Err(ParseError::new(p.peek().pos, "Unbalanced ')'")),
        _ => Err(ParseError::new(
            p.peek().pos,
            "Expected 'and', 'or' or the end of the filter",
        )),
    }
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    /// Open parentheses and `not`s around the current token.
    depth: usize,
    conditions: usize,
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.tokens[self.at]
    }

    fn advance(&mut self) -> Token {
        let t = self.tokens[self.at].clone();
        if !matches!(t.tok, Tok::End) {
            self.at += 1;
        }
        t
    }

    fn at_keyword(&self, keyword: &str) -> bool {
        matches!(&self.peek().tok, Tok::Word(w) if w.eq_ignore_ascii_case(keyword))
    }

    fn or(&mut self) -> Result<Filter, ParseError> {
        let mut left = self.and()?;
        while self.at_keyword("or") {
            self.advance();
            let right = self.and()?;
            left = Filter::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, ParseError> {
        let mut left = self.not()?;
        while self.at_keyword("and") {
            self.advance();
            let right = self.not()?;
            left = Filter::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    /// One level deeper for `inner`, refused past [`MAX_DEPTH`].
    fn nested<T>(
        &mut self,
        inner: impl FnOnce(&mut Self) -> Result<T, ParseError>,
    ) -> Result<T, ParseError> {
        if self.depth >= MAX_DEPTH {
            return Err(ParseError::new(
                self.peek().pos,
                format!("The filter is nested too deeply (at most {MAX_DEPTH} levels)"),
            ));
        }
        self.depth += 1;
        let result = inner(self);
        self.depth -= 1;
        result
    }

    fn not(&mut self) -> Result<Filter, ParseError> {
        if self.at_keyword("not") {
            self.advance();
            return Ok(Filter::Not(Box::new(self.nested(Self::not)?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Filter, ParseError> {
        let token = self.advance();
        match token.tok {
            Tok::LParen => {
                let inner = self.nested(Self::or)?;
                let close = self.advance();
                match close.tok {
                    Tok::RParen => Ok(inner),
                    _ => Err(ParseError::new(close.pos, "Expected ')'")),
                }
            }
            Tok::Word(name) => {
                let path = attr_path(&name, token.pos)?;
                self.comparison(path)
            }
            Tok::End => Err(ParseError::new(token.pos, "Unexpected end of filter")),
            _ => Err(ParseError::new(token.pos, "Expected an attribute name")),
        }
    }

    fn comparison(&mut self, path: AttrPath) -> Result<Filter, ParseError> {
        self.conditions += 1;
        if self.conditions > MAX_CONDITIONS {
            return Err(ParseError::new(
                self.peek().pos,
                format!("The filter has too many conditions (at most {MAX_CONDITIONS})"),
            ));
        }
        let token = self.advance();
        let word = match token.tok {
            Tok::Word(w) => w,
            Tok::End => {
                return Err(ParseError::new(
                    token.pos,
                    format!("Missing attribute operator. Expected: {EXPECTED_OPS}"),
                ));
            }
            _ => {
                return Err(ParseError::new(
                    token.pos,
                    format!("Expected an attribute operator. Expected: {EXPECTED_OPS}"),
                ));
            }
        };
        if word.eq_ignore_ascii_case("pr") {
            return Ok(Filter::Present(path));
        }
        let Some(op) = CompareOp::parse(&word) else {
            return Err(ParseError::new(
                token.pos,
                format!("Unrecognized attribute operator '{word}'. Expected: {EXPECTED_OPS}"),
            ));
        };
        let value_token = self.advance();
        let value = match value_token.tok {
            Tok::Str(s) => Literal::String(s),
            Tok::Num(n) => Literal::Number(n),
            Tok::Word(w) if w == "true" => Literal::Bool(true),
            Tok::Word(w) if w == "false" => Literal::Bool(false),
            Tok::Word(w) if w == "null" => Literal::Null,
            _ => {
                return Err(ParseError::new(
                    value_token.pos,
                    format!("Expected a value after '{word}'"),
                ));
            }
        };
        Ok(Filter::Compare { path, op, value })
    }
}

fn attr_path(name: &str, pos: usize) -> Result<AttrPath, ParseError> {
    let segments: Vec<String> = name.split('.').map(str::to_string).collect();
    let valid = segments.iter().all(|s| {
        s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
    });
    if valid {
        Ok(AttrPath(segments))
    } else {
        Err(ParseError::new(
            pos,
            format!("Invalid attribute name '{name}'"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(path: &str, op: CompareOp, value: Literal) -> Filter {
        Filter::Compare {
            path: AttrPath(path.split('.').map(str::to_string).collect()),
            op,
            value,
        }
    }

    fn s(v: &str) -> Literal {
        Literal::String(v.into())
    }

    #[test]
    fn parses_the_lockout_filter() {
        let f = parse(
            r#"eventType eq "user.account.lock" or (eventType eq "user.session.start" and outcome.reason eq "LOCKED_OUT")"#,
        )
        .unwrap();
        let expected = Filter::Or(
            Box::new(cmp("eventType", CompareOp::Eq, s("user.account.lock"))),
            Box::new(Filter::And(
                Box::new(cmp("eventType", CompareOp::Eq, s("user.session.start"))),
                Box::new(cmp("outcome.reason", CompareOp::Eq, s("LOCKED_OUT"))),
            )),
        );
        assert_eq!(f, expected);
    }

    #[test]
    fn and_binds_tighter_than_or_and_not_tighter_than_and() {
        let a = || cmp("a", CompareOp::Eq, Literal::Number(1.0));
        let b = || cmp("b", CompareOp::Eq, Literal::Number(2.0));
        let c = || cmp("c", CompareOp::Eq, Literal::Number(3.0));
        assert_eq!(
            parse("a eq 1 or b eq 2 and c eq 3").unwrap(),
            Filter::Or(
                Box::new(a()),
                Box::new(Filter::And(Box::new(b()), Box::new(c())))
            )
        );
        assert_eq!(
            parse("not a eq 1 and b eq 2").unwrap(),
            Filter::And(Box::new(Filter::Not(Box::new(a()))), Box::new(b()))
        );
        assert_eq!(
            parse("(a eq 1 or b eq 2) and c eq 3").unwrap(),
            Filter::And(
                Box::new(Filter::Or(Box::new(a()), Box::new(b()))),
                Box::new(c())
            )
        );
    }

    #[test]
    fn keywords_and_operators_ignore_case_but_attributes_do_not() {
        let f = parse(r#"Status EQ "ACTIVE" AND NOT (x Pr)"#).unwrap();
        assert_eq!(
            f,
            Filter::And(
                Box::new(cmp("Status", CompareOp::Eq, s("ACTIVE"))),
                Box::new(Filter::Not(Box::new(Filter::Present(AttrPath(vec![
                    "x".into()
                ])))))
            )
        );
    }

    #[test]
    fn parses_every_literal_kind() {
        assert_eq!(
            parse("a eq true").unwrap(),
            cmp("a", CompareOp::Eq, Literal::Bool(true))
        );
        assert_eq!(
            parse("a ne false").unwrap(),
            cmp("a", CompareOp::Ne, Literal::Bool(false))
        );
        assert_eq!(
            parse("a eq null").unwrap(),
            cmp("a", CompareOp::Eq, Literal::Null)
        );
        assert_eq!(
            parse("a le -2.5").unwrap(),
            cmp("a", CompareOp::Le, Literal::Number(-2.5))
        );
    }

    #[test]
    fn rejects_malformed_filters_with_a_position() {
        let cases = [
            (r#"(a eq "1""#, 9, "Expected ')'"),
            (r#"a eq "1")"#, 8, "Unbalanced ')'"),
            (
                r#"display_message eqq "Create okta user""#,
                16,
                "Unrecognized attribute operator 'eqq'",
            ),
            (r#"a eq "1" b eq "2""#, 9, "Expected 'and', 'or'"),
            (r#"a eq "1" and"#, 12, "Unexpected end"),
            (r#"a eq "unterminated"#, 5, "Unterminated string"),
            ("a eq", 4, "Expected a value after 'eq'"),
            ("a eq b", 5, "Expected a value after 'eq'"),
            ("a", 1, "Missing attribute operator"),
            ("", 0, "Unexpected end"),
            ("a..b eq 1", 0, "Invalid attribute name"),
            (r#"eq "x""#, 3, "Expected an attribute operator"),
            (r#"a eq "1" or )"#, 12, "Expected an attribute name"),
        ];
        for (input, pos, message) in cases {
            let err = parse(input).unwrap_err();
            assert_eq!(err.position, pos, "{input}: {err}");
            assert!(err.message.contains(message), "{input}: {err}");
        }
    }
}
