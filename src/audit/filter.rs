//! Choosing records by who, whom, which ticket, what and how it ended: the terms of
//! `accessdesk audit list --agent … --user …` and of the audit screen's `/` filter. A record
//! is kept when every term holds.

use super::record::AuditEntry;

/// A field a term can look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Agent,
    /// The target user: their login or their IdP id.
    User,
    Ticket,
    Action,
    Outcome,
}

impl Field {
    pub const ALL: [Field; 5] = [
        Field::Agent,
        Field::User,
        Field::Ticket,
        Field::Action,
        Field::Outcome,
    ];

    /// The name used in `field:value` terms.
    pub fn name(self) -> &'static str {
        match self {
            Field::Agent => "agent",
            Field::User => "user",
            Field::Ticket => "ticket",
            Field::Action => "action",
            Field::Outcome => "outcome",
        }
    }

    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }

    fn values(self, entry: &AuditEntry) -> impl Iterator<Item = &str> {
        let values: [Option<&str>; 2] = match self {
            Field::Agent => [Some(&entry.agent), None],
            Field::User => [entry.target_login.as_deref(), entry.target_id.as_deref()],
            Field::Ticket => [entry.ticket.as_deref(), None],
            Field::Action => [Some(&entry.action), None],
            Field::Outcome => [Some(entry.outcome.as_str()), None],
        };
        values.into_iter().flatten()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    /// The field is the text, ignoring case and surrounding spaces.
    Is(Field, String),
    /// The field contains the text, ignoring case.
    Contains(Field, String),
    /// One of the fields contains the text, ignoring case.
    Anywhere(String),
    /// A security escalation.
    Escalation,
}

impl Term {
    fn holds(&self, entry: &AuditEntry) -> bool {
        match self {
            Term::Is(field, text) => field
                .values(entry)
                .any(|v| v.trim().to_lowercase() == *text),
            Term::Contains(field, text) => field
                .values(entry)
                .any(|v| v.to_lowercase().contains(text.as_str())),
            Term::Anywhere(text) => Field::ALL
                .iter()
                .any(|f| Term::Contains(*f, text.clone()).holds(entry)),
            Term::Escalation => entry.is_escalation(),
        }
    }
}

/// Terms that must all hold; no terms keep every record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordFilter {
    terms: Vec<Term>,
}

impl RecordFilter {
    /// Keep records whose `field` is `value` (ignoring case and surrounding spaces).
    pub fn is(mut self, field: Field, value: &str) -> RecordFilter {
        self.terms
            .push(Term::Is(field, value.trim().to_lowercase()));
        self
    }

    /// Keep only security escalations.
    pub fn escalations(mut self) -> RecordFilter {
        self.terms.push(Term::Escalation);
        self
    }

    /// The audit screen's filter text: each word must appear in the agent, user, ticket,
    /// action or outcome; `field:value` (e.g. `agent:alice`, `outcome:refused`) looks in that
    /// field only. Matching ignores case and takes parts of words.
    pub fn parse(text: &str) -> RecordFilter {
        let terms = text
            .split_whitespace()
            .map(|word| {
                let lower = word.to_lowercase();
                match word.split_once(':') {
                    Some((name, value)) if !value.is_empty() => match Field::from_name(name) {
                        Some(field) => Term::Contains(field, value.to_lowercase()),
                        None => Term::Anywhere(lower),
                    },
                    _ => Term::Anywhere(lower),
                }
            })
            .collect();
        RecordFilter { terms }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    pub fn matches(&self, entry: &AuditEntry) -> bool {
        self.terms.iter().all(|t| t.holds(entry))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::record::{ESCALATION_ACTION, Outcome};

    fn entry(agent: &str, action: &str, login: &str, ticket: &str, outcome: Outcome) -> AuditEntry {
        let mut e = AuditEntry::new(
            "2024-05-01T09:00:00Z".parse().unwrap(),
            agent,
            action,
            outcome,
        );
        e.target_login = Some(login.into());
        e.target_id = Some(format!("00u{}", login.len()));
        e.ticket = Some(ticket.into());
        e
    }

    fn records() -> Vec<AuditEntry> {
        vec![
            entry(
                "alice",
                "unlock",
                "bob@example.com",
                "INC0012345",
                Outcome::Succeeded,
            ),
            entry(
                "alice",
                "verify_caller",
                "carol@example.com",
                "INC0012346",
                Outcome::Refused,
            ),
            entry(
                "dave",
                "unlock",
                "carol@example.com",
                "INC0012346",
                Outcome::Failed,
            ),
            entry(
                "dave",
                ESCALATION_ACTION,
                "carol@example.com",
                "INC0012346",
                Outcome::Refused,
            ),
        ]
    }

    fn kept(filter: &RecordFilter) -> Vec<usize> {
        records()
            .iter()
            .enumerate()
            .filter(|(_, e)| filter.matches(e))
            .map(|(i, _)| i)
            .collect()
    }

    #[test]
    fn no_terms_keep_everything() {
        assert!(RecordFilter::default().is_empty());
        assert_eq!(kept(&RecordFilter::default()), [0, 1, 2, 3]);
        assert_eq!(kept(&RecordFilter::parse("   ")), [0, 1, 2, 3]);
    }

    #[test]
    fn each_field_matches_exactly_ignoring_case() {
        let f = RecordFilter::default;
        assert_eq!(kept(&f().is(Field::Agent, "Alice")), [0, 1]);
        assert_eq!(kept(&f().is(Field::Agent, "ali")), [] as [usize; 0]);
        assert_eq!(kept(&f().is(Field::User, "CAROL@example.com")), [1, 2, 3]);
        assert_eq!(kept(&f().is(Field::User, "00u15")), [0], "or by IdP id");
        assert_eq!(kept(&f().is(Field::Ticket, " inc0012345 ")), [0]);
        assert_eq!(kept(&f().is(Field::Action, "unlock")), [0, 2]);
        assert_eq!(kept(&f().is(Field::Outcome, "refused")), [1, 3]);
        assert_eq!(kept(&f().escalations()), [3]);
    }

    #[test]
    fn terms_combine() {
        let filter = RecordFilter::default()
            .is(Field::User, "carol@example.com")
            .is(Field::Outcome, "refused");
        assert_eq!(kept(&filter), [1, 3]);
        assert_eq!(kept(&filter.clone().is(Field::Agent, "dave")), [3]);
        assert_eq!(
            kept(&filter.escalations().is(Field::Agent, "alice")),
            [] as [usize; 0]
        );
    }

    #[test]
    fn screen_text_matches_parts_of_any_field_or_of_a_named_one() {
        assert_eq!(kept(&RecordFilter::parse("carol")), [1, 2, 3]);
        assert_eq!(kept(&RecordFilter::parse("CAROL unlock")), [2]);
        assert_eq!(kept(&RecordFilter::parse("escal")), [3]);
        assert_eq!(kept(&RecordFilter::parse("12345")), [0], "ticket digits");
        assert_eq!(kept(&RecordFilter::parse("agent:al outcome:ref")), [1]);
        // "alice" only appears as an agent, "unlock" only as an action.
        assert_eq!(kept(&RecordFilter::parse("user:alice")), [] as [usize; 0]);
        assert_eq!(kept(&RecordFilter::parse("Action:UNLOCK")), [0, 2]);
    }

    #[test]
    fn an_unknown_field_or_an_empty_value_is_plain_text() {
        assert_eq!(
            RecordFilter::parse("when:today"),
            RecordFilter {
                terms: vec![Term::Anywhere("when:today".into())]
            }
        );
        assert_eq!(kept(&RecordFilter::parse("agent:")), [] as [usize; 0]);
    }
}
