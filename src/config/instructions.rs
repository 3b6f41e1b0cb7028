//! `[[instructions]]`: self-service steps the desk sends to users (and embeds in reminders)
//! for what the IdP cannot do for them.

use serde::Deserialize;

use super::ConfigError;
use crate::notify::{Instruction, Problem};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileInstruction {
    id: String,
    system: String,
    problem: Problem,
    title: String,
    steps: Vec<String>,
    kb_url: Option<String>,
}

/// Every entry checked: an id, unique, of letters, digits, `-` and `_`; a title; at least one
/// step; an https knowledge-base link.
pub(super) fn resolve(entries: Vec<FileInstruction>) -> Result<Vec<Instruction>, ConfigError> {
    let mut out: Vec<Instruction> = Vec::with_capacity(entries.len());
    for (n, e) in entries.into_iter().enumerate() {
        let at = |field: &str| format!("instructions[{n}].{field}");
        let bad = |field: &str, value: &str, allowed: &str| ConfigError::Invalid {
            key: at(field),
            value: value.to_string(),
            allowed: allowed.to_string(),
        };
        let id = e.id.trim().to_string();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(bad(
                "id",
                &e.id,
                "a short id of letters, digits, - and _, such as \"okta-unlock\"",
            ));
        }
        if out.iter().any(|i| i.id == id) {
            return Err(bad(
                "id",
                &e.id,
                "an id no other [[instructions]] entry uses",
            ));
        }
        if e.title.trim().is_empty() {
            return Err(bad("title", &e.title, "a non-empty title"));
        }
        if e.system.trim().is_empty() {
            return Err(bad(
                "system",
                &e.system,
                "the system it is about, e.g. \"Okta\"",
            ));
        }
        let steps: Vec<String> = e
            .steps
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        if steps.is_empty() {
            return Err(bad("steps", "[]", "at least one step"));
        }
        if let Some(link) = &e.kb_url
            && !url::Url::parse(link).is_ok_and(|u| u.scheme() == "https")
        {
            return Err(bad(
                "kb_url",
                link,
                "an https link to the knowledge-base article",
            ));
        }
        out.push(Instruction {
            id,
            system: e.system.trim().to_string(),
            problem: e.problem,
            title: e.title.trim().to_string(),
            steps,
            kb_url: e.kb_url,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(toml: &str) -> Result<Vec<Instruction>, ConfigError> {
        #[derive(Deserialize)]
        struct File {
            instructions: Vec<FileInstruction>,
        }
        resolve(toml::from_str::<File>(toml).unwrap().instructions)
    }

    const ONE: &str = r#"
[[instructions]]
id = "okta-unlock"
system = "Okta"
problem = "unlock"
title = "Unlock your account yourself"
steps = ["Open the sign-in page", "Choose Unlock account?"]
kb_url = "https://kb.example.com/KB0001"
"#;

    #[test]
    fn an_entry_reads_as_written() {
        let list = parse(ONE).unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].problem, Problem::Unlock);
        assert_eq!(list[0].steps.len(), 2);
        assert!(list[0].matches("unlock okta"));
        assert!(!list[0].matches("vpn"));
    }

    #[test]
    fn duplicates_empty_steps_and_bad_links_are_refused_by_position() {
        let twice = format!("{ONE}{ONE}");
        assert!(
            parse(&twice)
                .err()
                .unwrap()
                .to_string()
                .contains("instructions[1].id")
        );
        let no_steps = ONE.replace(
            "steps = [\"Open the sign-in page\", \"Choose Unlock account?\"]",
            "steps = [\" \"]",
        );
        assert!(
            parse(&no_steps)
                .err()
                .unwrap()
                .to_string()
                .contains("steps")
        );
        let http = ONE.replace("https://kb", "http://kb");
        assert!(parse(&http).err().unwrap().to_string().contains("kb_url"));
    }
}
