//! The part of JQL the simulated `search/jql` understands: `AND`-joined clauses on `project`,
//! `reporter`, `status` and `statusCategory`, and `ORDER BY created`. Anything else is a JQL
//! error, as Jira answers one (400), so a client sending more than this is caught in tests.

use crate::sim::tickets::desk::{DeskTicket, Stage};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Quoted(String),
    Eq,
    NotEq,
    Open,
    Close,
    Comma,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Clause {
    Project(String),
    Reporter(String),
    /// `status in (…)` / `status = …`: status names, any case.
    StatusIn(Vec<String>),
    /// `statusCategory = x` (true) or `!= x` (false), by name or key.
    Category {
        equal: bool,
        name: String,
    },
}

/// A parsed query: every clause must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Jql {
    clauses: Vec<Clause>,
    /// `ORDER BY created DESC` (the default order here is oldest first).
    pub newest_first: bool,
}

fn tokens(text: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '"' | '\'' => {
                chars.next();
                let mut s = String::new();
                loop {
                    match chars.next() {
                        Some('\\') => s.extend(chars.next()),
                        Some(q) if q == c => break,
                        Some(other) => s.push(other),
                        None => return Err("a quoted value is not closed".into()),
                    }
                }
                out.push(Token::Quoted(s));
            }
            '=' => {
                chars.next();
                out.push(Token::Eq);
            }
            '!' => {
                chars.next();
                if chars.next() != Some('=') {
                    return Err("expected '!='".into());
                }
                out.push(Token::NotEq);
            }
            '(' | ')' | ',' => {
                chars.next();
                out.push(match c {
                    '(' => Token::Open,
                    ')' => Token::Close,
                    _ => Token::Comma,
                });
            }
            _ => {
                let mut s = String::new();
                while let Some(&w) = chars.peek() {
                    if w.is_alphanumeric() || "_-:.@".contains(w) {
                        s.push(w);
                        chars.next();
                    } else {
                        break;
                    }
                }
                if s.is_empty() {
                    return Err(format!("the character '{c}' is a reserved JQL character"));
                }
                out.push(Token::Word(s));
            }
        }
    }
    Ok(out)
}

fn value(t: Option<Token>) -> Result<String, String> {
    match t {
        Some(Token::Word(w)) | Some(Token::Quoted(w)) => Ok(w),
        other => Err(format!("expected a value, found {other:?}")),
    }
}

fn is_word(t: Option<&Token>, word: &str) -> bool {
    matches!(t, Some(Token::Word(w)) if w.eq_ignore_ascii_case(word))
}

/// Parses `jql`; the error is the message Jira would put after "Error in the JQL Query: ".
pub(super) fn parse(jql: &str) -> Result<Jql, String> {
    let mut it = tokens(jql)?.into_iter().peekable();
    let mut clauses = Vec::new();
    let mut newest_first = false;
    loop {
        let field = match it.next() {
            Some(Token::Word(w)) => w.to_ascii_lowercase(),
            None if clauses.is_empty() => break,
            other => return Err(format!("expected a field, found {other:?}")),
        };
        if field == "order" {
            return Err("ORDER BY needs a restriction before it".into());
        }
        let op = it.next();
        let clause = match (field.as_str(), op) {
            ("project", Some(Token::Eq)) => Clause::Project(value(it.next())?),
            ("reporter", Some(Token::Eq)) => Clause::Reporter(value(it.next())?),
            ("status", Some(Token::Eq)) => Clause::StatusIn(vec![value(it.next())?]),
            ("status", Some(Token::Word(w))) if w.eq_ignore_ascii_case("in") => {
                if it.next() != Some(Token::Open) {
                    return Err("expected '(' after IN".into());
                }
                let mut names = vec![value(it.next())?];
                loop {
                    match it.next() {
                        Some(Token::Comma) => names.push(value(it.next())?),
                        Some(Token::Close) => break,
                        other => return Err(format!("expected ',' or ')', found {other:?}")),
                    }
                }
                Clause::StatusIn(names)
            }
            ("statuscategory", Some(op @ (Token::Eq | Token::NotEq))) => Clause::Category {
                equal: op == Token::Eq,
                name: value(it.next())?,
            },
            (f, op) => return Err(format!("the field '{f}' with {op:?} is not supported")),
        };
        clauses.push(clause);
        if is_word(it.peek(), "and") {
            it.next();
            continue;
        }
        if is_word(it.peek(), "order") {
            it.next();
            if !is_word(it.next().as_ref(), "by") || !is_word(it.next().as_ref(), "created") {
                return Err("only ORDER BY created is supported".into());
            }
            match it.next() {
                None => {}
                Some(Token::Word(w)) if w.eq_ignore_ascii_case("desc") => newest_first = true,
                Some(Token::Word(w)) if w.eq_ignore_ascii_case("asc") => {}
                other => return Err(format!("expected ASC or DESC, found {other:?}")),
            }
        }
        match it.next() {
            None => break,
            Some(other) => return Err(format!("expected AND or the end, found {other:?}")),
        }
    }
    if clauses.is_empty() {
        return Err(String::new());
    }
    Ok(Jql {
        clauses,
        newest_first,
    })
}

/// The status category's name and key for a stage.
fn category(stage: Stage) -> [&'static str; 2] {
    match stage {
        Stage::New => ["To Do", "new"],
        Stage::InProgress | Stage::OnHold => ["In Progress", "indeterminate"],
        Stage::Resolved | Stage::Closed | Stage::Canceled => ["Done", "done"],
    }
}

impl Jql {
    /// Whether the ticket, in `project` and reported by `reporter` (an account id), matches.
    pub fn matches(&self, ticket: &DeskTicket, project: &str, reporter: &str) -> bool {
        self.clauses.iter().all(|c| match c {
            Clause::Project(p) => p.eq_ignore_ascii_case(project),
            Clause::Reporter(r) => r == reporter,
            Clause::StatusIn(names) => names
                .iter()
                .any(|n| n.eq_ignore_ascii_case(ticket.stage.jira_status())),
            Clause::Category { equal, name } => {
                category(ticket.stage)
                    .iter()
                    .any(|c| c.eq_ignore_ascii_case(name))
                    == *equal
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clients_queries_parse() {
        let q = parse(r#"project = "HD" AND reporter = "712020:ab-cd" AND statusCategory != Done ORDER BY created DESC"#).unwrap();
        assert!(q.newest_first);
        assert_eq!(
            q.clauses,
            vec![
                Clause::Project("HD".into()),
                Clause::Reporter("712020:ab-cd".into()),
                Clause::Category {
                    equal: false,
                    name: "Done".into()
                },
            ]
        );
        let q = parse(r#"reporter = "x" and status IN ("Waiting for support", 'In Progress')"#)
            .unwrap();
        assert!(!q.newest_first);
        assert_eq!(
            q.clauses[1],
            Clause::StatusIn(vec!["Waiting for support".into(), "In Progress".into()])
        );
    }

    #[test]
    fn anything_else_is_a_jql_error() {
        for bad in [
            "",
            "ORDER BY created",
            "assignee = x",
            "reporter = \"x",
            "reporter = x OR project = HD",
            "reporter = x ORDER BY updated",
            "status in (a, b",
            "reporter ~ x",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} must not parse");
        }
    }

    #[test]
    fn clauses_match_by_project_reporter_status_and_category() {
        let org = crate::sim::org::Org::generate(3, 20, chrono::Utc::now());
        let mut desk = crate::sim::tickets::desk::Desk::seed(&org, 3, chrono::Utc::now());
        let mut t = desk.new_ticket(
            "a@example.com",
            crate::sim::tickets::desk::Kind::Incident,
            "s",
            "",
            chrono::Utc::now(),
        );
        let open =
            parse(r#"project = HD AND reporter = "acc" AND statusCategory != Done"#).unwrap();
        assert!(open.matches(&t, "HD", "acc"));
        assert!(!open.matches(&t, "IT", "acc"));
        assert!(!open.matches(&t, "HD", "other"));
        t.stage = Stage::Resolved;
        assert!(!open.matches(&t, "HD", "acc"));
        let done = parse("statusCategory = done").unwrap();
        assert!(done.matches(&t, "HD", "x"));
        let named = parse(r#"status in ("waiting for support", "Resolved")"#).unwrap();
        assert!(named.matches(&t, "HD", "x"));
        t.stage = Stage::OnHold;
        assert!(!named.matches(&t, "HD", "x"));
    }
}
