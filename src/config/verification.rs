//! The `[verification]` and `[actions]` sections: what the gate asks before each action.

use serde::Deserialize;

use super::{ConfigError, checked_range};
use crate::policy::gate::{GatePolicy, KbaItem, Requirement, ticket_regex};

/// The words used when a custom pattern comes without its own description.
const UNDESCRIBED_TICKET_FORMAT: &str =
    "the form set in verification.ticket_pattern (ask your administrator for an example)";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileVerification {
    checklist: Option<Vec<FileKbaItem>>,
    ticket_pattern: Option<String>,
    ticket_format: Option<String>,
    evidence_max_age_minutes: Option<i64>,
    unlock: Option<FileRequirement>,
    reset_password: Option<FileRequirement>,
    reset_factors: Option<FileRequirement>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileKbaItem {
    id: String,
    text: String,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRequirement {
    checklist: bool,
    ticket: bool,
    possession: bool,
}

/// How an MFA reset runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MfaResetMode {
    /// Every factor in one step (`reset_factors`).
    All,
    /// The agent picks factors; each is removed on its own.
    #[default]
    Choose,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileActions {
    pub mfa_reset_mode: Option<MfaResetMode>,
}

impl FileVerification {
    /// The gate policy, validated; `warnings` collects choices that weaken it.
    pub(super) fn into_policy(self, warnings: &mut Vec<String>) -> Result<GatePolicy, ConfigError> {
        let defaults = GatePolicy::default();
        let checklist = match self.checklist {
            None => defaults.checklist,
            Some(items) => checklist(items)?,
        };
        let custom_pattern = self.ticket_pattern.is_some();
        let ticket_pattern = match self.ticket_pattern {
            None => defaults.ticket_pattern,
            Some(raw) => ticket_regex(&raw).map_err(|e| ConfigError::Invalid {
                key: "verification.ticket_pattern".into(),
                value: raw.clone(),
                allowed: format!("a regular expression ({})", last_line(&e.to_string())),
            })?,
        };
        let ticket_format = match self.ticket_format {
            Some(words) if words.trim().is_empty() => {
                return Err(ConfigError::Invalid {
                    key: "verification.ticket_format".into(),
                    value: words,
                    allowed: "the expected ticket form in words, e.g. \"INC followed by 7 digits, e.g. INC0012345\"".into(),
                });
            }
            Some(words) => words.trim().to_string(),
            None if custom_pattern => {
                warnings.push(
                    "verification.ticket_pattern is set without verification.ticket_format: refusals cannot tell agents the expected ticket form in words; describe it there".into(),
                );
                UNDESCRIBED_TICKET_FORMAT.to_string()
            }
            None => defaults.ticket_format,
        };
        let max_age = checked_range(
            "verification.evidence_max_age_minutes",
            self.evidence_max_age_minutes
                .unwrap_or(defaults.evidence_max_age.num_minutes()),
            1..=60,
            "minutes",
        )?;
        let mut requirement = |file: Option<FileRequirement>, default: Requirement, name: &str| {
            let r = file.map_or(default, |f| Requirement {
                checklist: f.checklist,
                ticket: f.ticket,
                possession: f.possession,
            });
            if default.possession && !r.possession {
                warnings.push(format!(
                    "verification.{name} does not require possession evidence: a caller who knows the answers can then take over the account (KBA is not identity proof)"
                ));
            }
            r
        };
        let policy = GatePolicy {
            unlock: requirement(self.unlock, defaults.unlock, "unlock"),
            reset_password: requirement(
                self.reset_password,
                defaults.reset_password,
                "reset_password",
            ),
            reset_factors: requirement(self.reset_factors, defaults.reset_factors, "reset_factors"),
            checklist,
            ticket_pattern,
            ticket_format,
            evidence_max_age: chrono::Duration::minutes(max_age),
            // Set from `[tickets]` once that is read.
            ticket_system: None,
            ticket_caller_must_match: true,
        };
        let needs_checklist = [policy.unlock, policy.reset_password, policy.reset_factors]
            .iter()
            .any(|r| r.checklist);
        if needs_checklist && policy.checklist.is_empty() {
            return Err(ConfigError::Invalid {
                key: "verification.checklist".into(),
                value: "[]".into(),
                allowed: "at least one item while an action requires the checklist".into(),
            });
        }
        Ok(policy)
    }
}

fn checklist(items: Vec<FileKbaItem>) -> Result<Vec<KbaItem>, ConfigError> {
    let mut out: Vec<KbaItem> = Vec::with_capacity(items.len());
    for item in items {
        let id_ok = !item.id.is_empty()
            && item
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        if !id_ok {
            return Err(ConfigError::Invalid {
                key: "verification.checklist.id".into(),
                value: item.id,
                allowed: "lower-case letters, digits, '_' and '-' (it is typed after --kba)".into(),
            });
        }
        if out.iter().any(|existing| existing.id == item.id) {
            return Err(ConfigError::Invalid {
                key: "verification.checklist.id".into(),
                value: item.id,
                allowed: "each id once".into(),
            });
        }
        if item.text.trim().is_empty() {
            return Err(ConfigError::Invalid {
                key: format!("verification.checklist.{}.text", item.id),
                value: item.text,
                allowed: "the sentence the agent confirms".into(),
            });
        }
        out.push(KbaItem {
            id: item.id,
            text: item.text.trim().to_string(),
        });
    }
    Ok(out)
}

/// regex puts the useful part of its error on the last line.
fn last_line(s: &str) -> &str {
    s.lines().last().unwrap_or(s).trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(toml_text: &str) -> (Result<GatePolicy, ConfigError>, Vec<String>) {
        let file: FileVerification = toml::from_str(toml_text).unwrap();
        let mut warnings = Vec::new();
        (file.into_policy(&mut warnings), warnings)
    }

    #[test]
    fn nothing_configured_is_the_default_policy() {
        let (p, warnings) = policy("");
        let p = p.unwrap();
        let d = GatePolicy::default();
        assert_eq!(p.checklist, d.checklist);
        assert_eq!(p.ticket_pattern.as_str(), d.ticket_pattern.as_str());
        assert_eq!(p.ticket_format, d.ticket_format);
        assert_eq!(p.evidence_max_age, d.evidence_max_age);
        assert_eq!(
            (p.unlock, p.reset_password, p.reset_factors),
            (d.unlock, d.reset_password, d.reset_factors)
        );
        assert!(warnings.is_empty());
    }

    #[test]
    fn a_custom_checklist_pattern_and_age() {
        let (p, _) = policy(
            r#"
            checklist = [{ id = "badge", text = "Read out the badge number" }]
            ticket_pattern = '^HD-\d+$'
            ticket_format = "HD- and the ticket number, e.g. HD-42"
            evidence_max_age_minutes = 5
            "#,
        );
        let p = p.unwrap();
        assert_eq!(p.ticket_format, "HD- and the ticket number, e.g. HD-42");
        assert_eq!(
            p.checklist,
            [KbaItem::new("badge", "Read out the badge number")]
        );
        assert!(p.ticket_pattern.is_match("HD-42"));
        assert_eq!(p.evidence_max_age, chrono::Duration::minutes(5));
    }

    #[test]
    fn a_pattern_without_words_warns_and_says_where_the_form_is_set() {
        let (p, warnings) = policy(r"ticket_pattern = '^HD-\d+$'");
        let p = p.unwrap();
        assert!(p.ticket_format.contains("verification.ticket_pattern"));
        assert!(!p.ticket_format.contains('^'), "words, not the pattern");
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].contains("verification.ticket_format"),
            "{warnings:?}"
        );
        let (p, warnings) = policy(r#"ticket_format = "INC and 7 digits""#);
        assert_eq!(p.unwrap().ticket_format, "INC and 7 digits");
        assert!(warnings.is_empty());
    }

    /// The shipped file's [verification] section is the built-in policy, word for word.
    #[test]
    fn the_shipped_verification_section_is_the_default_policy() {
        let text = include_str!("../../assets/accessdesk.toml");
        let file: toml::Table = toml::from_str(text).unwrap();
        let section = toml::to_string(&file["verification"]).unwrap();
        let (p, warnings) = policy(&section);
        let p = p.unwrap();
        let d = GatePolicy::default();
        assert_eq!(p.checklist, d.checklist);
        assert_eq!(p.ticket_pattern.as_str(), d.ticket_pattern.as_str());
        assert_eq!(p.ticket_format, d.ticket_format);
        assert_eq!(p.evidence_max_age, d.evidence_max_age);
        assert_eq!(
            (p.unlock, p.reset_password, p.reset_factors),
            (d.unlock, d.reset_password, d.reset_factors)
        );
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn weakening_possession_warns() {
        let (p, warnings) =
            policy("unlock = { checklist = true, ticket = true, possession = false }");
        assert!(!p.unwrap().unlock.possession);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("verification.unlock") && warnings[0].contains("KBA"));
    }

    #[test]
    fn bad_values_name_the_key() {
        let err = |text: &str| policy(text).0.unwrap_err().to_string();
        assert!(err("ticket_pattern = '(INC'").starts_with(
            "verification.ticket_pattern = \"(INC\" is not allowed: a regular expression"
        ));
        assert!(err("evidence_max_age_minutes = 0").contains("between 1 and 60 minutes"));
        assert!(
            err(r#"checklist = [{ id = "Has Space", text = "x" }]"#)
                .contains("verification.checklist.id")
        );
        assert!(
            err(r#"checklist = [{ id = "a", text = "x" }, { id = "a", text = "y" }]"#)
                .contains("each id once")
        );
        assert!(
            err(r#"checklist = [{ id = "a", text = " " }]"#)
                .contains("verification.checklist.a.text")
        );
        assert!(err("checklist = []").contains("at least one item"));
        assert!(err("ticket_format = ' '").contains("verification.ticket_format"));
    }
}
