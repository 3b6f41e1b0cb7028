//! The parsed form of a SCIM filter expression, and its canonical text.

use std::fmt;

/// A parsed filter. `and`/`or` are left-associative binary nodes, so
/// `a or b or c` is `Or(Or(a, b), c)`.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    Compare {
        path: AttrPath,
        op: CompareOp,
        value: Literal,
    },
    Present(AttrPath),
    Not(Box<Filter>),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
}

/// A dotted attribute path such as `outcome.reason`; names are case-sensitive.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AttrPath(pub Vec<String>);

impl AttrPath {
    pub fn segments(&self) -> &[String] {
        &self.0
    }

    /// The first segment (the top-level field).
    pub fn root(&self) -> &str {
        self.0.first().map(String::as_str).unwrap_or("")
    }

    pub fn dotted(&self) -> String {
        self.0.join(".")
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.dotted())
    }
}

/// Binary attribute operators (`pr` is the unary [`Filter::Present`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareOp {
    Eq,
    Ne,
    Sw,
    Ew,
    Co,
    Gt,
    Ge,
    Lt,
    Le,
}

impl CompareOp {
    pub const ALL: [CompareOp; 9] = [
        Self::Eq,
        Self::Ne,
        Self::Sw,
        Self::Ew,
        Self::Co,
        Self::Gt,
        Self::Ge,
        Self::Lt,
        Self::Le,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eq => "eq",
            Self::Ne => "ne",
            Self::Sw => "sw",
            Self::Ew => "ew",
            Self::Co => "co",
            Self::Gt => "gt",
            Self::Ge => "ge",
            Self::Lt => "lt",
            Self::Le => "le",
        }
    }

    /// Operator names are case-insensitive.
    pub fn parse(word: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|op| op.as_str().eq_ignore_ascii_case(word))
    }

    pub fn is_ordering(self) -> bool {
        matches!(self, Self::Gt | Self::Ge | Self::Lt | Self::Le)
    }
}

impl fmt::Display for CompareOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The right-hand side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    String(String),
    Number(f64),
    Bool(bool),
    Null,
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::String(s) => write_quoted(f, s),
            Self::Number(n) => write!(f, "{n}"),
            Self::Bool(b) => write!(f, "{b}"),
            Self::Null => f.write_str("null"),
        }
    }
}

fn write_quoted(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_str("\"")?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c if (c as u32) < 0x20 => write!(f, "\\u{:04x}", c as u32)?,
            c => write!(f, "{c}")?,
        }
    }
    f.write_str("\"")
}

impl Filter {
    /// Calls `visit` for every attribute condition, with `None` as the operator for `pr`.
    pub fn for_each_condition<'a>(
        &'a self,
        visit: &mut impl FnMut(&'a AttrPath, Option<CompareOp>),
    ) {
        match self {
            Self::Compare { path, op, .. } => visit(path, Some(*op)),
            Self::Present(path) => visit(path, None),
            Self::Not(inner) => inner.for_each_condition(visit),
            Self::And(a, b) | Self::Or(a, b) => {
                a.for_each_condition(visit);
                b.for_each_condition(visit);
            }
        }
    }

    pub fn uses_not(&self) -> bool {
        match self {
            Self::Not(_) => true,
            Self::And(a, b) | Self::Or(a, b) => a.uses_not() || b.uses_not(),
            Self::Compare { .. } | Self::Present(_) => false,
        }
    }
}

// Prints the minimal parentheses that make parsing the text give back the same tree.
impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Compare { path, op, value } => write!(f, "{path} {op} {value}"),
            Self::Present(path) => write!(f, "{path} pr"),
            Self::Not(inner) => write!(f, "not ({inner})"),
            Self::And(a, b) => {
                write_grouped(f, a, matches!(**a, Self::Or(..)))?;
                f.write_str(" and ")?;
                write_grouped(f, b, matches!(**b, Self::Or(..) | Self::And(..)))
            }
            Self::Or(a, b) => {
                write!(f, "{a} or ")?;
                write_grouped(f, b, matches!(**b, Self::Or(..)))
            }
        }
    }
}

fn write_grouped(f: &mut fmt::Formatter<'_>, inner: &Filter, group: bool) -> fmt::Result {
    if group {
        write!(f, "({inner})")
    } else {
        write!(f, "{inner}")
    }
}
